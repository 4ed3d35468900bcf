"""The person register as a starting population (`--population`, `sim.population.register`).

Example files are in tests/data, written by tests/data/make_registers.py (every person invented).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.codes import State
from sim.params import ScenarioError
from sim.population.register import MAX_MESSAGES, load_register
from sim.population.register_population import register_population
from sim.report.build import REPORT_FILES
from sim.results import RESULT_FILES
from tests.conftest import LIUPANSHUI, ROOT, UI_ONLY
from tests.data.make_registers import BAD_ROWS

DATA = ROOT / "tests" / "data"
CSV = DATA / "register_example.csv"
PARQUET_EN = DATA / "register_example_en.parquet"
FIRMS = DATA / "firms_example.csv"
BAD = DATA / "register_bad.csv"
STATE_LABELS = {"就业": State.EMPLOYED, "失业": State.UNEMPLOYED, "培训": State.TRAINING, "见习": State.INTERN,
                "自主创业": State.SELF_EMPLOYED, "灵活就业": State.FLEXIBLE, "公益性岗位": State.PUBLIC_JOB,
                "非劳动力": State.INACTIVE}


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario(UI_ONLY, months=3, seed=7)


@pytest.fixture(scope="module")
def register_rows() -> pd.DataFrame:
    return pd.read_csv(CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _identifiers(path: Path) -> list[str]:
    """The fake identity numbers, names and phone numbers of a register."""
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return [v for column in ("身份证号", "姓名", "手机号") for v in rows[column] if v]


def _population(scenario, path: Path, **kwargs):
    register = load_register(path, profile=scenario.profile, start=scenario.start, **kwargs)
    return register, register_population(register, scenario.profile, scenario.behaviour, start=scenario.start,
                                         months=scenario.months, seed=scenario.seed)


def test_clean_register_runs_end_to_end_and_leaves_nothing_person_level(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", str(LIUPANSHUI), "--population", str(CSV), "--months", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    # the results files and the two reports, no person-level file
    assert sorted(p.name for p in out.iterdir() if p.name != ".subsim.lock") == sorted(RESULT_FILES + REPORT_FILES)
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in out.iterdir() if p.suffix != ".xlsx"]
    import pandas as pd                        # the workbook is a zip: read its cells
    texts += [frame.to_csv() for frame in pd.read_excel(out / "workbook.xlsx", sheet_name=None).values()]
    texts += [printed.out, printed.err]
    for value in _identifiers(CSV):
        assert not any(value in text for text in texts), "an identifier reached the results or the terminal"
    import json
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["register"]["files"][0]
    assert entry["sha256"] == hashlib.sha256(CSV.read_bytes()).hexdigest()
    assert (entry["rows_read"], entry["rows_accepted"], entry["rows_rejected"]) == (500, 500, 0)
    assert entry["identifier_columns"] == ["姓名", "身份证号", "手机号"]
    assert manifest["persons"] == 500 and manifest["weight"] == pytest.approx(1_530_000 / 500)
    assert "读入 500 行" in printed.out


def test_corrupted_register_exits_2_naming_row_column_and_allowed_values(capsys):
    assert main(["run", str(UI_ONLY), "--population", str(BAD), "--months", "2"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{len(BAD_ROWS)} problems found" in err
    for row, (column, _, words) in BAD_ROWS.items():
        line = next((x for x in err.splitlines() if f"row {row}, column {column}" in x), None)
        assert line is not None, (row, column, err)
        assert words in line, (words, line)
    for value in _identifiers(BAD):
        assert value not in err, "an identifier was echoed"


def test_drop_invalid_keeps_the_valid_rows_and_records_the_dropped_ones():
    res = sim.run(UI_ONLY, months=2, seed=7, population=BAD, drop_invalid=True)
    entry = res.manifest["register"]["files"][0]
    assert entry["rows_read"] == 40 and entry["rows_rejected"] == len(BAD_ROWS)
    assert entry["rejected_rows"] == sorted(BAD_ROWS) and res.manifest["persons"] == 40 - len(BAD_ROWS)
    assert any("invalid row(s) dropped" in notice for notice in res.notices)
    text = "\n".join(res.notices) + str(res.manifest)
    for value in _identifiers(BAD):
        assert value not in text


def test_chinese_csv_and_english_parquet_give_identical_results():
    zh = sim.run(UI_ONLY, months=3, seed=7, population=CSV)
    en = sim.run(UI_ONLY, months=3, seed=7, population=PARQUET_EN)
    for name in ("costs", "outcomes", "funds", "budget"):
        pd.testing.assert_frame_equal(getattr(zh, name), getattr(en, name))


@pytest.mark.parametrize("variant", ["gbk_csv", "utf8_csv_without_bom", "english_headers_csv", "chinese_parquet",
                                     "gb18030_csv"])
def test_encodings_headers_and_formats_give_the_same_population(scenario, tmp_path, variant):
    text = CSV.read_text(encoding="utf-8-sig")
    path = tmp_path / "register.csv"
    if variant == "gbk_csv":
        path.write_bytes(text.encode("gbk"))
    elif variant == "gb18030_csv":
        path.write_bytes(text.encode("gb18030"))
    elif variant == "utf8_csv_without_bom":
        path.write_bytes(text.encode("utf-8"))
    elif variant == "english_headers_csv":
        pd.read_parquet(PARQUET_EN).to_csv(path, index=False)
    else:
        path = tmp_path / "register.parquet"
        pd.read_csv(CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig").to_parquet(path)
    _, reference = _population(scenario, CSV)
    _, population = _population(scenario, path)
    assert population.persons.data.tobytes() == reference.persons.data.tobytes()
    assert population.firms.data.tobytes() == reference.firms.data.tobytes()
    assert population.weight == reference.weight


def test_register_states_are_the_starting_states_and_month_0_reproduces_them(scenario, register_rows):
    register, population = _population(scenario, CSV)
    expected = register_rows["就业状态"].map(STATE_LABELS).to_numpy()
    assert np.array_equal(population.persons.state[:500], expected)       # exact at the start
    unemployed = expected == State.UNEMPLOYED
    registered = (register_rows["是否登记失业"] == "是").to_numpy()
    assert np.array_equal(population.persons.bits[:500] & 1 == 1, registered & unemployed)
    assert np.all(population.persons.state[500:] == State.STUDENT)           # school leavers come after
    # month 0 outcomes are month-end stocks: one month of transitions later. With ≈ 15 % monthly exit
    # from unemployment and ≈ 1–2 % from other states, no stock moves by more than 20 % + 3 persons.
    res = sim.run(UI_ONLY, months=1, seed=7, population=CSV, keep_records=True)
    stocks = res.records[0].outcomes[0]
    from sim.codes import Outcome
    counts = pd.Series(expected).value_counts()
    for state, outcome in ((State.EMPLOYED, Outcome.stock_employed), (State.UNEMPLOYED, Outcome.stock_unemployed),
                           (State.SELF_EMPLOYED, Outcome.stock_self_employed),
                           (State.FLEXIBLE, Outcome.stock_flexible), (State.INACTIVE, Outcome.stock_inactive),
                           (State.PUBLIC_JOB, Outcome.stock_public_job)):
        assert abs(stocks[outcome] - counts[state]) <= 0.2 * counts[state] + 3, (state.name, stocks[outcome],
                                                                                  counts[state])
    month0 = res.outcomes[res.outcomes["month"] == "2024-01"].set_index("metric")["value"]
    assert month0["working_age_population"] == pytest.approx(1_530_000)     # weight × 500 rows
    assert month0["unemployed"] / res.manifest["weight"] == stocks[Outcome.stock_unemployed]


def test_firms_file_links_employees_to_their_firms(scenario, register_rows):
    register, population = _population(scenario, CSV, firms=FIRMS)
    firms_file = pd.read_csv(FIRMS, dtype=str)
    p, f = population.persons, population.firms
    linked = register_rows["单位编号"].to_numpy()
    employer = p.employer[:500]
    assert np.array_equal(employer >= 0, linked != "")
    ids = firms_file["单位编号"].to_numpy()
    assert np.array_equal(ids[employer[employer >= 0]], linked[linked != ""])
    sizes = {"微型": 0, "小型": 1, "中型": 2, "大型": 3}
    assert np.array_equal(f.size_class[:len(ids)], firms_file["企业规模"].map(sizes).to_numpy())
    assert np.array_equal(f.insured[:len(ids)], np.bincount(employer[employer >= 0], minlength=len(ids)))
    assert f.alive[:len(ids)].all() and not f.alive[len(ids):].any()          # then free slots for births
    res = sim.run(UI_ONLY, months=2, seed=7, population=CSV, firms=FIRMS)
    files = res.manifest["register"]["files"]
    assert [Path(x["file"]).name for x in files] == ["register_example.csv", "firms_example.csv"]
    assert files[1]["rows_accepted"] == len(ids) and res.manifest["register"]["firms"] == "file"


def test_firms_file_problems_are_reported(scenario, tmp_path):
    firms = pd.read_csv(FIRMS, dtype=str)
    firms.loc[3, "单位编号"] = firms.loc[2, "单位编号"]         # a duplicate id
    firms.loc[5, "区县"] = "贵阳市"
    path = tmp_path / "firms.csv"
    firms.to_csv(path, index=False)
    with pytest.raises(ScenarioError) as error:
        load_register(CSV, profile=scenario.profile, start=scenario.start, firms=path)
    text = str(error.value)
    assert "row 5, column 单位编号" in text and "repeats the firm of row 4" in text
    # a value failing its column's check may be an identifier in the wrong column: never shown
    assert "row 7, column 区县 = <value withheld>" in text and "钟山区 (zhongshan)" in text and "贵阳市" not in text
    assert "is not a 单位编号/firm_id of the firms file" in text      # employees of the dropped firm


def test_firms_file_without_its_required_columns_always_fails(scenario, tmp_path):
    path = tmp_path / "firms.csv"
    pd.read_csv(FIRMS, dtype=str).drop(columns=["区县"]).to_csv(path, index=False)
    with pytest.raises(ScenarioError, match="required column 区县/district is missing"):
        load_register(CSV, profile=scenario.profile, start=scenario.start, firms=path, drop_invalid=True)


def test_weight_column_sets_the_weight_and_must_be_constant(scenario, tmp_path, register_rows):
    rows = register_rows.assign(权重="2.5")
    path = tmp_path / "weighted.csv"
    rows.to_csv(path, index=False)
    _, population = _population(scenario, path)
    assert population.weight == 2.5
    rows.loc[9, "权重"] = "3"
    rows.to_csv(path, index=False)
    with pytest.raises(ScenarioError, match=r"row 11, column 权重 = '3': must be the same on every row"):
        load_register(path, profile=scenario.profile, start=scenario.start)


def test_missing_columns_and_a_file_without_header(scenario, tmp_path, register_rows):
    path = tmp_path / "short.csv"
    register_rows.drop(columns=["性别", "年龄"]).to_csv(path, index=False)
    with pytest.raises(ScenarioError) as error:
        load_register(path, profile=scenario.profile, start=scenario.start)
    text = str(error.value)
    assert "required column 年龄/age or 出生年月/birth_month is missing" in text
    assert "required column 性别/sex is missing" in text
    headless = tmp_path / "headless.csv"
    headless.write_text("\n".join(CSV.read_text(encoding="utf-8-sig").splitlines()[1:]), encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_register(headless, profile=scenario.profile, start=scenario.start)
    text = str(error.value)
    assert "no known column" in text
    for value in _identifiers(CSV)[:3] + [register_rows["姓名"][0], register_rows["身份证号"][0]]:
        assert value not in text


def test_problems_are_capped_with_the_total(scenario, tmp_path, register_rows):
    path = tmp_path / "all-bad.csv"
    register_rows.assign(性别="x").to_csv(path, index=False)
    with pytest.raises(ScenarioError) as error:
        load_register(path, profile=scenario.profile, start=scenario.start)
    problems = error.value.problems
    assert len(problems) == MAX_MESSAGES + 1
    assert "no valid row" in problems[0].message            # the file-level problem first
    assert "501 in all, in 500 rows" in problems[-1].message


def test_birth_month_and_chinese_date_forms(scenario, tmp_path, register_rows):
    births = [f"{2024 - int(age)}-01" for age in register_rows["年龄"][4:]]   # the row's age at 2024-01
    rows = register_rows.drop(columns=["年龄"])
    rows.insert(3, "出生年月", ["1990年3月", "1985-11-02", "198001", "1999/7"] + births)
    rows.loc[:3, "累计缴费月数"] = "0"            # within the months since 16 whatever the row's old age
    path = tmp_path / "births.csv"
    rows.to_csv(path, index=False)
    _, population = _population(scenario, path)
    start = 2024 * 12
    assert list(population.persons.birth_month[:4]) == [1990 * 12 + 2 - start, 1985 * 12 + 10 - start,
                                                        1980 * 12 - start, 1999 * 12 + 6 - start]


def test_register_options_on_the_command_line(capsys):
    assert main(["run", str(UI_ONLY), "--population", str(CSV), "--persons", "1000"]) == 2
    assert "--persons" in capsys.readouterr().err
    assert main(["run", str(UI_ONLY), "--firms", str(FIRMS)]) == 2
    assert "needs --population" in capsys.readouterr().err
    assert main(["run", str(UI_ONLY), "--population", str(DATA / "no-such-file.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_same_register_and_seed_reproduce_bit_for_bit():
    a = sim.run(UI_ONLY, months=2, seed=11, population=CSV)
    b = sim.run(UI_ONLY, months=2, seed=11, population=CSV)
    pd.testing.assert_frame_equal(a.costs, b.costs)
    pd.testing.assert_frame_equal(a.outcomes, b.outcomes)


def test_docs_list_every_column_with_its_chinese_and_english_name():
    from sim.population.register_schema import FIRM_COLUMNS, PERSON_COLUMNS
    text = (ROOT / "docs" / "register.md").read_text(encoding="utf-8")
    for column in PERSON_COLUMNS + FIRM_COLUMNS:
        assert f"| {column.name} | {column.zh[0]}" in text, column.name
