"""The HTML report and the Excel workbook (DESIGN §10): read back, rendered in a real headless Chromium."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

import sim
from sim.cli import main
from sim.params.scenario_schema import TYPE_SCHEMAS
from sim.report import bureau
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
    assert book.sheetnames == ["汇总", "年度预算", "预算区间", "月度支出", "资金收支", "就业补助资金按功能科目", "就业补助资金按资金层级",
                               "失业保险基金收支预算表", "绩效目标申报表", "绩效自评表", "就业结果", "目标完成", "基线与公开数据对比",
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
    assert params["参数键"].str.startswith("instruments.HB-A.").any()
    amount = params[params["参数键"] == "instruments.HB-A.amount"].iloc[0]
    assert (amount["分组"], amount["参数"], amount["数值"]) == ("HB-A 一次性吸纳就业补贴", "补贴标准", "1,000")
    assert params["参数键"].str.startswith("profile.").any() and params["来源原文"].notna().all()
    assert params["来源"].notna().all()
    for name, frame in sheets.items():
        assert len(frame), name


def test_bands_per_fund_and_instrument_match_costs_per_replication(run_folder):
    """预算区间: mean and P5/P50/P95 per year and fund, and per year and instrument, are the quantiles of the
    per-replication sums of costs.csv (a replication without a payment counts as zero)."""
    import numpy as np
    costs = pd.read_csv(run_folder / "costs.csv").assign(year=lambda d: d["month"].str.slice(0, 4))
    reps = sorted(costs["rep"].unique())
    assert len(reps) == 2
    rows = _sheet(run_folder / "workbook.xlsx", "预算区间")
    for column in ("资金渠道", "政策项目"):
        table = _table(rows[next(k for k, r in enumerate(rows) if r[1] == column):], "年度")
        assert len(table)
        key = "funding" if column == "资金渠道" else "instrument"
        labels = ({f: sim.report.labels.fund_name(f, "zh") for f in costs["funding"].unique()} if key == "funding"
                  else {i: i for i in costs["instrument"].unique()})
        for _, row in table.iterrows():
            match = [k for k, label in labels.items() if label == row[column]]
            part = costs[(costs["year"] == str(row["年度"])) & costs[key].isin(match)]
            sums = part.groupby("rep")["amount_yuan"].sum().reindex(reps, fill_value=0.0).to_numpy() / 1e4
            assert row["金额(万元)"] == pytest.approx(sums.mean(), abs=0.006)
            for q, name in ((0.05, "P5(万元)"), (0.5, "P50(万元)"), (0.95, "P95(万元)")):
                assert row[name] == pytest.approx(np.quantile(sums, q), abs=0.006)


def test_self_evaluation_sheet_matches_the_results_files_cell_by_cell(run_folder):
    """绩效自评表 of a run: B of every year and level is the employment fund's cash in costs.csv (mean over
    replications), A is blank without an envelope; the indicators' 实际完成值 are the 绩效目标申报表's."""
    costs = pd.read_csv(run_folder / "costs.csv")
    costs = costs[costs["funding"] == "employment_fund"].assign(year=lambda d: d["month"].str.slice(0, 4))
    rows = _sheet(run_folder / "workbook.xlsx", "绩效自评表")
    funds = _table(rows, "年度")
    columns = {"年度资金总额": ["amount_yuan"], "其中:中央财政资金": ["central_yuan"],
               "地方财政资金": ["provincial_yuan", "city_yuan", "district_yuan"], "省级": ["provincial_yuan"],
               "市级": ["city_yuan"], "县(区)级": ["district_yuan"], "其他资金": []}
    assert len(funds) == 7 * costs["year"].nunique()
    for _, row in funds.iterrows():
        in_year = costs[costs["year"] == str(row["年度"])]
        expected = sum(in_year[c].sum() for c in columns[row["项目"].strip()]) / 2 / 1e4
        if columns[row["项目"].strip()]:
            assert row["全年执行数(B)(万元)"] == pytest.approx(expected, abs=0.006)
        else:                                               # 其他资金: not modelled, blank
            assert pd.isna(row["全年执行数(B)(万元)"])
        assert pd.isna(row["全年预算数(A)(万元)"]) and pd.isna(row["预算执行率(B/A)(%)"])
    indicators = _table(rows[next(k for k, r in enumerate(rows) if r[1] == "一级指标"):], "年度")
    perf = _table(_sheet(run_folder / "workbook.xlsx", "绩效目标申报表"), "年度")
    perf = perf[perf["指标值"].notna()]
    assert list(indicators["三级指标"]) == list(perf["三级指标"])
    assert list(indicators["实际完成值"]) == pytest.approx(list(perf["指标值"].astype(float)))


def test_self_evaluation_reads_the_envelope_and_the_base():
    """A is the scenario's envelope in force in January (a run) or the base's cash (a comparison)."""
    from sim.report import bureau
    manifest = {"resolved_scenario": {"budget": {"employment_fund": {"annual_yuan": {"2023-07": 5e6, "2025-01": 8e6}}}}}
    assert (bureau._envelope(manifest, 2024), bureau._envelope(manifest, 2025)) == (5e6, 8e6)
    assert bureau._envelope({"resolved_scenario": {}}, 2024) == 0.0


def _sheet(path, name) -> list[tuple]:
    """The rows of a workbook sheet as cell values (all tables of the sheet, blank rows included)."""
    return list(load_workbook(path)[name].iter_rows(values_only=True))


def _table(rows: list[tuple], first: str) -> pd.DataFrame:
    """The table of a sheet whose header row starts with `first` (up to the next blank row)."""
    start = next(k for k, row in enumerate(rows) if row[0] == first)
    end = next((k for k in range(start + 1, len(rows)) if rows[k][0] is None), len(rows))
    header = [c for c in rows[start] if c is not None]
    return pd.DataFrame([row[:len(header)] for row in rows[start + 1:end]], columns=header)


def test_sy08_books_the_migrant_workers_allowance_on_its_own_row_not_under_other_spending():
    """《失业保险条例》 Art. 21's 一次性生活补助 (line ui_migrant_allowance) has its row; 失业补助金 (ui_aid) stays
    under 其他支出."""
    funds = pd.DataFrame({"fund": "ui_fund", "month": ["2024-01", "2024-02"], "revenue": [50_000.0, 50_000.0],
                          "outlays": [60_000.0, 60_000.0], "balance": [990_000.0, 980_000.0],
                          "months_of_cover": [16.3, 16.3]})
    budget = pd.DataFrame({"year": 2024, "funding": "ui_fund", "type": "ui_benefit",
                           "line": ["main", "ui_migrant_allowance", "ui_aid"],
                           "amount_yuan": [100_000.0, 12_000.0, 8_000.0]})
    results = SimpleNamespace(manifest={}, funds=funds, budget=budget)
    for lang, allowance, other in (("zh", "  农民工一次性生活补助", "  其他支出"),
                                   ("en", "  Migrant workers' one-off living allowance", "  Other spending")):
        column = bureau.ui_fund_budget(results, lang).set_index("项目" if lang == "zh" else "Item")
        column = column[column.columns[0]]
        assert column[allowance] == 1.2 and column[other] == 0.8
        assert column.index.get_loc(allowance) < column.index.get_loc(other)


def test_bureau_sheets_match_the_results_files_cell_by_cell(run_folder):
    """就业补助资金 by 功能科目 code and by level, 社预08 and the 绩效目标申报表 against budget.csv, costs.csv,
    funds.csv and outcomes.csv (the files, not the code that built the sheets)."""
    book = run_folder / "workbook.xlsx"
    budget = pd.read_csv(run_folder / "budget.csv")
    costs = pd.read_csv(run_folder / "costs.csv")
    funds = pd.read_csv(run_folder / "funds.csv")
    outcomes = pd.read_csv(run_folder / "outcomes.csv")
    reps = costs["rep"].nunique()
    employment = budget[budget["funding"] == "employment_fund"]

    codes = _table(_sheet(book, "就业补助资金按功能科目"), "年度")
    for year, group in employment.groupby("year"):
        total = codes[(codes["年度"] == str(year)) & (codes["功能科目编码"] == "20807")]
        assert total["金额(万元)"].iloc[0] == pytest.approx(group["amount_yuan"].sum() / 1e4, abs=0.006)
        items = codes[(codes["年度"] == str(year)) & (codes["功能科目编码"] != "20807")]
        assert items["金额(万元)"].sum() == pytest.approx(group["amount_yuan"].sum() / 1e4, abs=0.05)
        # the fixture's hiring bonus is booked under 2080799 其他就业补助支出
        hb = items[items["功能科目编码"] == "2080799"]
        assert hb["功能科目名称"].iloc[0] == "其他就业补助支出" and "HB-A" in hb["政策项目"].iloc[0]
        assert hb["金额(万元)"].iloc[0] == pytest.approx(group.loc[group["instrument"] == "HB-A", "amount_yuan"].sum()
                                                     / 1e4, abs=0.006)

    levels = _table(_sheet(book, "就业补助资金按资金层级"), "年度")
    cash = costs[(costs["funding"] == "employment_fund")].assign(year=costs["month"].str.slice(0, 4))
    for year, group in cash.groupby("year"):
        row = levels[(levels["年度"] == year) & (levels["资金渠道"] == "就业补助资金")].iloc[0]
        assert row["合计(万元)"] == pytest.approx(group["amount_yuan"].sum() / reps / 1e4, abs=0.006)
        assert row["市级(万元)"] == pytest.approx(group["city_yuan"].sum() / reps / 1e4, abs=0.006)
        assert row["县(区)级(万元)"] == pytest.approx(group["district_yuan"].sum() / reps / 1e4, abs=0.006)
        assert row["中央(万元)"] == pytest.approx(group["central_yuan"].sum() / reps / 1e4, abs=0.006)
        assert row["省级(万元)"] == pytest.approx(group["provincial_yuan"].sum() / reps / 1e4, abs=0.006)
        parts = sum(row[f"{level}(万元)"] for level in ("中央", "省级", "市级", "县(区)级"))
        assert parts == pytest.approx(row["合计(万元)"], abs=0.03)

    rows = _sheet(book, "失业保险基金收支预算表")
    sy08 = _table(rows, "项目").set_index("项目")
    ui = funds[funds["fund"] == "ui_fund"].assign(year=funds["month"].str.slice(0, 4))
    ui_costs = budget[budget["funding"] == "ui_fund"]
    for year, group in ui.groupby("year"):
        column = sy08[f"{year}(万元)"]
        closing = group[group["month"] == group["month"].max()]
        assert column["收入合计"] == pytest.approx(group["revenue"].sum() / reps / 1e4, abs=0.006)
        assert column["  失业保险费收入"] == column["收入合计"]
        assert column["支出合计"] == pytest.approx(group["outlays"].sum() / reps / 1e4, abs=0.006)
        assert column["年末滚存结余"] == pytest.approx(closing["balance"].mean() / 1e4, abs=0.006)
        assert column["期初余额"] + column["本年收支结余"] == pytest.approx(column["年末滚存结余"], abs=0.02)
        assert column["年末备付月数"] == pytest.approx(closing["months_of_cover"].mean(), abs=0.006)
        assert column["  利息收入"] is None                                 # not modelled: blank, not zero
        spending = ["  失业保险金", "  基本医疗保险费", "  稳定岗位补贴", "  技能提升补贴", "  农民工一次性生活补助",
                    "  其他支出"]
        assert sum(column[k] for k in spending) == pytest.approx(column["支出合计"], abs=0.05)
        benefit = ui_costs[(ui_costs["year"] == int(year)) & (ui_costs["type"] == "ui_benefit")
                           & (ui_costs["line"] == "main")]["amount_yuan"].sum()
        assert column["  失业保险金"] == pytest.approx(benefit / 1e4, abs=0.006)
        assert column["备付 ≥ 12 个月"] == ("是" if column["年末备付月数"] >= 12 else "否")
    first = sy08[f"{ui['year'].min()}(万元)"]["期初余额"]
    manifest = sim.results.Results.load(run_folder).manifest
    assert first == pytest.approx(manifest["locality_profile"]["ui_fund"]["opening_balance"] / 1e4, abs=0.02)

    perf_rows = _sheet(book, "绩效目标申报表")
    perf = _table(perf_rows, "年度")
    assert list(perf.columns) == ["年度", "单位名称", "项目名称", "预算数(万元)", "年度目标", "一级指标", "二级指标", "三级指标",
                                  "指标性质", "指标值", "度量单位", "权重", "指标方向性", "数据来源"]
    for year, group in employment.groupby("year"):
        mine = perf[perf["年度"] == str(year)]
        assert mine["预算数(万元)"].iloc[0] == pytest.approx(group["amount_yuan"].sum() / 1e4, abs=0.006)
        count = mine[mine["三级指标"] == "HB-A 一次性吸纳就业补贴 享受人次"]["指标值"].iloc[0]
        assert count == round(group.loc[group["line"] == "main", "payments"].sum())
        raw = next(r for r in perf_rows if r[0] == str(year) and r[7] == "HB-A 一次性吸纳就业补贴 享受人次")
        assert isinstance(raw[9], int)                                      # persons stored as whole numbers
        last = outcomes[outcomes["month"].str.startswith(str(year))]["month"].max()
        jobs = outcomes[(outcomes["month"] == last) & (outcomes["metric"] == "new_urban_jobs_ytd")]["value"].mean()
        assert mine[mine["三级指标"] == "城镇新增就业(年累计)"]["指标值"].iloc[0] == round(jobs)
        satisfaction = mine[mine["一级指标"] == "满意度指标"].iloc[0]
        assert pd.isna(satisfaction["指标值"]) and satisfaction["数据来源"] == "(由填报单位填写)"
    assert perf["数据来源"].str.contains(r"\.csv").sum() == len(perf) - perf["年度"].nunique()


def test_comparison_workbook_has_the_differences_and_attribution(tmp_path):
    reform = tmp_path / "r.toml"
    reform.write_text(f'[scenario]\nextends = "{HIRING.as_posix()}"\nname = "r"\n[instruments.HB-B]\namount = 3000\n',
                      encoding="utf-8")
    comparison = sim.compare(HIRING, reform, persons=1500, months=13, reps=2, attribution=True)
    write_reports(comparison, tmp_path / "out")
    book = load_workbook(tmp_path / "out" / "workbook.xlsx")
    assert book.sheetnames[:2] == ["摘要", "参数变更一览表"]
    sheets = pd.read_excel(tmp_path / "out" / "workbook.xlsx", sheet_name=None)
    changes = sheets["参数变更一览表"]
    assert len(changes) == 1
    row = changes.iloc[0]
    assert (row["参数键"], row["基准值"], row["改革值"]) == ("instruments.HB-B.amount", 1500, 3000)
    assert row["参数"] == "HB-B 一次性扩岗补助 · " + TYPE_SCHEMAS["hiring_bonus"]["amount"].name_zh
    summary = " ".join(sheets["摘要"]["摘要"])
    assert "改变 1 个参数" in summary and "现金支出变化" in summary and "HB-B" in summary
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.index("<h2>摘要</h2>") < page.index("<h2>参数变更一览表</h2>") < page.index("核心差异")
    diff = sheets["情景对比"]
    assert {"情景", "类别", "年度", "项目", "基准", "改革", "差异", "区间下限", "区间上限"} <= set(diff.columns)
    total = diff[(diff["项目"] == "现金支出合计") & (diff["年度"] == "全期")]
    expected = comparison.differences.query("key == 'total' and year == 'all'")["difference"].iloc[0] / 1e4
    assert total["差异"].iloc[0] == pytest.approx(expected, abs=1e-3)
    attribution = sheets["反事实归因"]
    assert {"HB-A", "HB-B"} <= set(attribution["政策项目"])
    # 绩效自评表: the reform's cash (B) against the base's (A), cell by cell from costs.csv of each
    rows = _sheet(tmp_path / "out" / "workbook.xlsx", "绩效自评表")
    funds = _table(rows, "年度")
    cash = {name: res.costs[res.costs["funding"] == "employment_fund"] for name, res in comparison.results.items()}
    for _, row in funds[funds["项目"] == "年度资金总额"].iterrows():
        a, b = (cash[n].loc[cash[n]["month"].str.startswith(str(row["年度"])), "amount_yuan"].sum() / 2 / 1e4
                for n in (comparison.base, "r"))
        assert (row["全年预算数(A)(万元)"], row["全年执行数(B)(万元)"]) == (pytest.approx(a, abs=0.006),
                                                                    pytest.approx(b, abs=0.006))
        assert row["预算执行率(B/A)(%)"] == pytest.approx(b / a * 100, abs=0.01)
    # the comparison's Chinese report is Chinese too
    assert not chinese_report_english(tmp_path / "out" / "report.html",
                                      base_instruments(comparison))
    assert pd.api.types.is_float_dtype(attribution["无谓损失比例"])


def base_instruments(comparison) -> list[str]:
    return [name for res in comparison.results.values() for name in identifiers(res.manifest)]


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


def test_report_prints_to_pdf_with_every_table_row_unclipped(run_folder, tmp_path):
    """Print media in headless Chromium: no table is cut by a scroll box (every row lies inside its
    container, which shows all its content), headers repeat (thead is a table-header-group), and the page
    prints to an A4 PDF of several pages."""
    assert CHROMIUM, "Debian's chromium is needed for this test (.ci/run installs it)"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((run_folder / "report.html").as_uri(), wait_until="load")
        page.emulate_media(media="print")
        layout = page.evaluate("""() => {
            const out = {rows: 0, clipped: [], heads: [], screen: 0,
                         summary: document.querySelectorAll('.print-only table tbody tr').length};
            for (const table of document.querySelectorAll('table')) {
                if (table.closest('.screen-only')) { out.screen += table.tBodies[0].rows.length; continue; }
                out.heads.push(getComputedStyle(table.tHead).display);
                for (let el = table.parentElement; el; el = el.parentElement) {
                    const style = getComputedStyle(el);
                    if (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1)
                        out.clipped.push(table.rows.length);
                }
                for (const row of table.tBodies[0].rows) {
                    out.rows += 1;
                    if (row.getBoundingClientRect().height <= 0) out.clipped.push(row.innerText);
                }
            }
            return out;
        }""")
        pdf = page.pdf(format="A4", print_background=True)
        page.screenshot(path=str(tmp_path / "print.png"), full_page=False)
        browser.close()
    tables_in_html = (run_folder / "report.html").read_text(encoding="utf-8").count("<tr>")
    assert layout["rows"] > 100 and not layout["clipped"], layout["clipped"][:5]
    assert set(layout["heads"]) == {"table-header-group"}
    assert layout["rows"] <= tables_in_html
    # the appendix prints as its summary (one row per group), the full table only on screen
    assert layout["screen"] > 100 and 0 < layout["summary"] < layout["screen"] / 3
    assert pdf[:5] == b"%PDF-" and 5 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 25


# Latin text the Chinese report may show: P5/P50/P95, sha256 and the scenario's hash, file names and paths of
# the results and the repository (pointers for tracing a number), row codes of the domain notes (A18, B2),
# LPR (the rate's name in Chinese texts too), the column letters of the 绩效自评表 (A, B, B/A); instrument IDs
# and the scenario's name are added per run.
ZH_WHITELIST = (r"\bP(?:5|50|95)\b|\bsha256\b|\b[0-9a-f]{64}\b|(?:[\w<>.\-]+/)*[\w\-]+\.(?:csv|md|txt|toml)\b"
                r"|\b[AB]\d*\b|\bLPR\b")


def chinese_report_english(page_file, names: list[str]) -> list[str]:
    """The Latin words of a Chinese report's rendered text (`document.body.innerText` in Chromium) outside
    the whitelist: ZH_WHITELIST and the given names (instrument IDs, scenario names)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        text = page.evaluate("document.body.innerText")
        browser.close()
    assert len(text) > 5000
    allowed = re.compile(ZH_WHITELIST + "".join(f"|(?<![\\w-]){re.escape(n)}(?![\\w-])" for n in names))
    return sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", allowed.sub(" ", text))))


def identifiers(manifest: dict) -> list[str]:
    """The names a scenario gives that the report shows as they are: its name, instrument IDs, stacking groups."""
    instruments = manifest["resolved_scenario"]["instruments"]
    return [manifest["scenario"], *instruments, *{spec.get("exclusive_group") for spec in instruments.values()} - {"", None}]


def test_chinese_report_shows_no_english_outside_the_whitelist(run_folder):
    """The whole rendered text of the Chinese report is Chinese — headings, tables, notes, the appendix's
    parameter names, values and sources — except the whitelisted codes and names."""
    assert CHROMIUM, "Debian's chromium is needed for this test (.ci/run installs it)"
    results = sim.results.Results.load(run_folder)
    names = identifiers(results.manifest)
    english = chinese_report_english(run_folder / "report.html", names)
    assert not english, english[:20]
    # the whitelist does let a stray English word through
    stray = run_folder.parent / "stray.html"
    stray.write_text((run_folder / "report.html").read_text(encoding="utf-8").replace("</h1>", " assumption</h1>", 1),
                     encoding="utf-8")
    assert chinese_report_english(stray, names) == ["assumption"]


def test_every_schema_parameter_has_a_chinese_name():
    """The appendix names every parameter in Chinese: each field of the scenario sections, every
    instrument type, the profile and the behaviour file has `name_zh`."""
    from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
    from sim.params.profile_schema import PROFILE_SCHEMA
    from sim.params.scenario_schema import INSTRUMENT_COMMON, SECTIONS
    from sim.schema import Field

    def fields(schema, prefix=""):
        for key, node in schema.items():
            if isinstance(node, Field):
                yield prefix + key, node
            elif isinstance(node, dict):
                yield from fields(node, f"{prefix}{key}.")
    schemas = {"sections": SECTIONS, "common": INSTRUMENT_COMMON, "profile": PROFILE_SCHEMA,
               "behaviour": BEHAVIOUR_SCHEMA, **TYPE_SCHEMAS}
    unnamed = [f"{name}: {path}" for name, schema in schemas.items() for path, field in fields(schema)
               if not re.search(r"[\u4e00-\u9fff]", field.name_zh)]
    assert not unnamed, unnamed


def test_sources_render_as_chinese_citations():
    from sim.report.labels import citation
    assert citation("004 M§21 L156", "zh") == "《六盘水市促进高质量充分就业工作方案》(2023)正文第21项第156行"
    assert citation("003 §(九)¶3 L39", "zh").endswith("第(九)条第3段第39行")
    assert citation("004 A1§(七)", "zh").endswith("附件1第(七)条")
    assert citation("DN A19: 729亿 ÷ (1814 × 730万) ≈ 5.5 months", "zh") == "领域说明(国家规定与行为证据) A19"
    assert citation("assumption: Liupanshui at the national average", "zh") == "本模型假设"
    assert citation("derived: 004 M§18 「脱贫劳动力务工规模保持在24万人以上」; assumption 0.25", "zh") == \
        "推算:《六盘水市促进高质量充分就业工作方案》(2023)正文第18项;「脱贫劳动力务工规模保持在24万人以上」;部分为本模型假设"
    assert citation("Liupanshui statistics office, 2023", "zh") == "外部资料(英文说明见工作簿)"
    assert citation("reform (not in the text): as in DN A7 and A10; 004 M § 10 L96 (「60%」)", "zh") == \
        "改革设定(原文无此规定):领域说明(国家规定与行为证据) A7、A10;《六盘水市促进高质量充分就业工作方案》(2023)正文第10项第96行;「60%」"
    assert citation("assumption: x", "en") == "assumption: x"
