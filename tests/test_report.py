"""The HTML report and the Excel workbook (DESIGN §10): read back, rendered in a real headless Chromium."""
from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

import sim
from sim.cli import main
from sim.report.build import write_reports
from tests.conftest import ROOT

HIRING = ROOT / "tests" / "fixtures" / "hiring_bonus.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(HIRING), "--persons", "2000", "--months", "14", "--reps", "2", "--out", str(out)]) == 0
    return out


def test_run_writes_both_reports_by_default(run_folder):
    assert (run_folder / "report.html").stat().st_size > 10_000
    assert (run_folder / "workbook.xlsx").stat().st_size > 5_000


def test_workbook_sheets_read_back_with_chinese_headers_and_numbers(run_folder):
    results = sim.results.Results.load(run_folder)
    book = load_workbook(run_folder / "workbook.xlsx")
    # the fixture's locality (Liupanshui) has targets, so 目标完成 is there
    assert book.sheetnames == ["汇总", "年度预算", "月度支出", "资金收支", "就业结果", "目标完成", "基线与公开数据对比",
                               "参数与来源"]
    sheets = pd.read_excel(run_folder / "workbook.xlsx", sheet_name=None)
    budget = sheets["年度预算"]
    assert {"年度", "政策项目", "名称", "资金渠道", "金额(元)", "金额(万元)", "P5(万元)", "P95(万元)"} <= set(budget.columns)
    assert pd.api.types.is_float_dtype(budget["金额(元)"])            # numbers stored as numbers
    assert budget["金额(元)"].sum() == pytest.approx(results.budget["amount_yuan"].sum(), abs=0.05)
    assert budget["金额(万元)"].sum() == pytest.approx(results.budget["amount_yuan"].sum() / 1e4, abs=0.05)
    monthly = sheets["月度支出"]
    assert monthly["金额(元)"].sum() * 2 == pytest.approx(results.costs["amount_yuan"].sum(), abs=1.0)  # mean of 2 reps
    fund = sheets["资金收支"]
    assert list(fund.columns) == ["月份", "收入(万元)", "支出(万元)", "结余(万元)", "备付月数"]
    assert len(fund) == 14 and pd.api.types.is_float_dtype(fund["结余(万元)"])
    targets = sheets["目标完成"]
    assert {"指标", "目标", "模拟值", "是否达成", "来源"} <= set(targets.columns)
    assert "城镇新增就业" in set(targets["指标"])
    outcomes = sheets["就业结果"]
    assert "城镇新增就业(年累计)" in set(outcomes["指标"])
    checks = sheets["基线与公开数据对比"]
    assert {"检验", "年度", "模型值", "下限", "上限", "通过", "说明"} <= set(checks.columns)
    assert "无负值、无缺失(结果文件)" in set(checks["检验"])
    params = sheets["参数与来源"]
    assert params["参数"].str.startswith("instruments.HB-A.").any()
    assert params["来源"].notna().all()
    for name, frame in sheets.items():
        assert len(frame), name


def test_comparison_workbook_has_the_differences_and_attribution(tmp_path):
    reform = tmp_path / "r.toml"
    reform.write_text(f'[scenario]\nextends = "{HIRING.as_posix()}"\nname = "r"\n[instruments.HB-B]\namount = 3000\n',
                      encoding="utf-8")
    comparison = sim.compare(HIRING, reform, persons=1500, months=13, reps=2, attribution=True)
    write_reports(comparison, tmp_path / "out")
    sheets = pd.read_excel(tmp_path / "out" / "workbook.xlsx", sheet_name=None)
    diff = sheets["情景对比"]
    assert {"情景", "类别", "年度", "项目", "基准", "改革", "差异", "区间下限", "区间上限"} <= set(diff.columns)
    total = diff[(diff["项目"] == "现金支出合计") & (diff["年度"] == "全期")]
    expected = comparison.differences.query("key == 'total' and year == 'all'")["difference"].iloc[0] / 1e4
    assert total["差异"].iloc[0] == pytest.approx(expected, abs=1e-3)
    attribution = sheets["反事实归因"]
    assert {"HB-A", "HB-B"} <= set(attribution["政策项目"])
    assert pd.api.types.is_float_dtype(attribution["无谓损失比例"])


def test_english_report_uses_english_headings(run_folder, tmp_path):
    results = sim.results.Results.load(run_folder)
    write_reports(results, tmp_path, lang="en")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Annual budget by instrument and fund" in page and "年度预算(按政策项目与资金渠道)" not in page


def test_report_renders_in_headless_chromium_without_errors(run_folder, tmp_path):
    assert CHROMIUM, "Debian's chromium is needed for this test (.ci/run installs it)"
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK SC" in fonts, "a CJK font is needed to render Chinese (.ci/run installs fonts-noto-cjk)"
    from playwright.sync_api import sync_playwright
    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto((run_folder / "report.html").as_uri(), wait_until="load")
        headings = page.locator("h2").all_inner_texts()
        charts = page.locator("figure svg").count()
        # the Chinese heading is laid out with a real CJK font: as wide as its characters at full width
        width = page.evaluate("() => { const h = document.querySelector('h2'); const r = document.createRange();"
                              " r.selectNodeContents(h); return r.getBoundingClientRect().width; }")
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h2')).fontSize)")
        page.screenshot(path=str(tmp_path / "report.png"))
        browser.close()
    assert not errors, errors
    assert all(url.startswith(("file:", "data:")) for url in requests), requests    # self-contained
    for heading in ("测算设定", "核心指标", "年度预算(按资金渠道)", "月度支出(按资金渠道)", "失业保险基金收支与备付月数",
                    "就业结果", "就业目标完成情况", "附录:参数与来源"):
        assert heading in headings, (heading, headings)
    assert charts >= 3
    assert headings[0] == "核心指标" and width == pytest.approx(4 * size, rel=0.1)
