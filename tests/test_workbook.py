"""The Excel parameter workbook (sim.params.workbook): round trip of every bundled scenario, problems named
by sheet, row and column, formulas without a saved result, Chinese names as aliases, the command line."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import sim
from sim.cli import main
from sim.params import ScenarioError
from sim.params.loader import load_document
from sim.params.workbook import PARAMS, read_workbook, workbook_to_toml, write_workbook
from tests.conftest import LIUPANSHUI, ROOT

BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))


def _workbook_of(scenario: Path, out: Path) -> Path:
    document = load_document(scenario).document
    document["scenario"].pop("extends", None)
    return write_workbook(document, out)


def _row_of(sheet, param_id: str, month: str | None = None) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == param_id and sheet.cell(row, 6).value == month:
            return row
    raise AssertionError(f"no row {param_id} {month}")


@pytest.mark.parametrize("scenario", BUNDLED, ids=lambda p: p.stem)
def test_round_trip_toml_workbook_toml_gives_the_same_resolved_scenario(scenario: Path, tmp_path: Path) -> None:
    expected = sim.load_scenario(scenario)
    book = _workbook_of(scenario, tmp_path / "s.xlsx")
    from_book = sim.load_scenario(book)
    assert from_book.document == expected.document
    toml, problems = workbook_to_toml(book, tmp_path / "back" / "s.toml")
    assert problems == []
    assert sim.load_scenario(toml).document == expected.document
    assert sim.load_scenario(toml).sha256 == expected.sha256


def test_an_edited_cell_changes_the_scenario(tmp_path: Path) -> None:
    book = _workbook_of(LIUPANSHUI, tmp_path / "lps.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet = wb[PARAMS]
    sheet.cell(_row_of(sheet, "SR-05.share.sme"), 4, 0.9)
    sheet.cell(_row_of(sheet, "HS-08.funding"), 4, "失业保险基金")           # a Chinese fund name
    sheet.cell(_row_of(sheet, "HS-08.target"), 4, "毕业年度高校毕业生, 登记失业人员+16—24岁青年")
    wb.save(book)
    scenario = sim.load_scenario(book)
    hs08 = scenario.document["instruments"]["HS-08"]
    assert scenario.document["instruments"]["SR-05"]["share"] == {"sme": 0.9, "large": 0.3}
    assert hs08["funding"] == "ui_fund"
    assert hs08["target"] == ["graduate_year", ["reg_unemployed", "youth_16_24"]]


def test_every_problem_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    book = _workbook_of(LIUPANSHUI, tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet = wb[PARAMS]
    share_row = _row_of(sheet, "SR-05.share.sme")
    sheet.cell(share_row, 4, 1.5)                                    # out of range (found by validation)
    fund_row = _row_of(sheet, "HS-08.funding")
    sheet.cell(fund_row, 4, "就业资金")                               # no such fund
    formula_row = _row_of(sheet, "HS-08.amount")
    sheet.cell(formula_row, 4, "=500*2")                             # never saved by Excel: no cached value
    extra = sheet.max_row + 1
    sheet.cell(extra, 1, "HS-08.amount")
    sheet.cell(extra, 4, 900)
    sheet.cell(extra, 6, "2024-13")                                  # not a month
    wb.save(book)
    _, problems, _ = read_workbook(book)
    text = "\n".join(map(str, problems))
    assert f"参数 row {formula_row}, column D (取值)" in text and "formula without a saved result" in text
    assert f"参数 row {extra}, column F (生效月份)" in text and "2024-13" in text
    sheet.cell(formula_row, 4).value = 1000.0
    for column in (1, 4, 6):
        sheet.cell(extra, column).value = None
    wb.save(book)
    with pytest.raises(ScenarioError) as raised:
        sim.load_scenario(book)
    text = str(raised.value)
    assert f"bad.xlsx: 参数 row {share_row}, column D (取值) [instruments.SR-05.share.sme] = 1.5" in text
    assert f"参数 row {fund_row}, column D (取值)" in text and "unknown fund '就业资金'" in text
    assert len(raised.value.problems) == 2


def test_a_workbook_may_extend_a_scenario_and_list_only_changes(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    config = wb.active
    config.title = "配置"
    config.append(["参数ID", "名称", "取值"])
    config.append(["scenario.extends", "基础情景", str(LIUPANSHUI)])
    config.append(["scenario.name", "", "refund-90"])
    params = wb.create_sheet(PARAMS)
    params.append(["参数ID", "政策项目", "参数名称", "取值", "单位", "生效月份"])
    params.append(["SR-05.share.sme", "", "", 0.9])
    params.append(["SR-05.share.large", "", "", "0.5"])                  # a number typed as text
    params.append(["HS-08.amount", "", "", 1000, "", "2024-01"])
    params.append(["HS-08.amount", "", "", 1200, "", "2025-01"])
    wb.save(tmp_path / "reform.xlsx")
    scenario = sim.load_scenario(tmp_path / "reform.xlsx")
    assert scenario.name == "refund-90"
    assert scenario.document["instruments"]["SR-05"]["share"] == {"sme": 0.9, "large": 0.5}
    assert scenario.document["instruments"]["HS-08"]["amount"] == {"2024-01": 1000.0, "2025-01": 1200.0}
    toml, _ = workbook_to_toml(tmp_path / "reform.xlsx", tmp_path / "elsewhere" / "reform.toml")
    assert sim.load_scenario(toml).document == scenario.document | {"scenario": scenario.document["scenario"]}


def test_chinese_names_are_aliases_in_toml(tmp_path: Path) -> None:
    reform = tmp_path / "zh.toml"
    reform.write_text(f'[scenario]\nextends = "{LIUPANSHUI.as_posix()}"\nname = "zh"\n'
                      '[instruments.HS-08]\nfunding = "就业补助资金"\npayee = "企业"\n'
                      'target = ["毕业年度高校毕业生", ["登记失业人员", "16—24岁青年"]]\n', encoding="utf-8")
    hs08 = sim.load_scenario(reform).document["instruments"]["HS-08"]
    assert (hs08["funding"], hs08["payee"]) == ("employment_fund", "firm")
    assert hs08["target"] == ["graduate_year", ["reg_unemployed", "youth_16_24"]]


def test_command_line(tmp_path: Path, capsys) -> None:
    book = tmp_path / "lps.xlsx"
    assert main(["workbook", str(LIUPANSHUI), "--out", str(book)]) == 0
    assert main(["validate", str(book)]) == 0
    assert main(["workbook", str(book), "--toml", str(tmp_path / "lps.toml")]) == 0
    assert sim.load_scenario(tmp_path / "lps.toml").sha256 == sim.load_scenario(LIUPANSHUI).sha256
    assert main(["workbook", str(LIUPANSHUI), "--toml", str(tmp_path / "x.toml")]) == 2
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert main(["validate", str(tmp_path / "broken.xlsx")]) == 2
    assert "not an Excel workbook" in capsys.readouterr().err
