"""The workbook for budget staff (DESIGN §10): one sheet per table, Chinese sheet names and headers,
numbers stored as numbers (amounts in 元 and 万元), written with openpyxl."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from pandas.api.types import is_bool, is_float, is_integer, is_scalar

from sim.cells import formula_like
from sim.metrics import KPI
from sim.report import backtest, bureau, changes, tables
from sim.report.labels import fund_name, line_name, text

SHEETS = ("摘要", "参数变更一览表", "汇总", "年度预算", "预算区间", "月度支出", "资金收支", "就业补助资金按功能科目",
          "就业补助资金按资金层级", "失业保险基金收支预算表", "绩效目标申报表", "绩效自评表", "就业结果", "情景对比", "反事实归因",
          "目标完成", "基线与公开数据对比", "参数与来源", "敏感性分析", "设计点")


def monthly_long(results, lang: str) -> pd.DataFrame:
    """Cost by month, instrument, cost line and fund in 元 and 万元 (mean over replications)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    costs = results.costs if "rep" in results.costs else results.costs.assign(rep=0)
    reps = max(costs["rep"].nunique(), 1)
    names = dict(zip(results.budget["instrument"], results.budget["name_zh"]))
    g = costs.groupby(["month", "instrument", "line", "funding"], sort=True)["amount_yuan"].sum().reset_index()
    g["amount_yuan"] = (g["amount_yuan"] / reps).round(2)
    return pd.DataFrame({t("month"): g["month"], t("instrument"): g["instrument"],
                         t("name"): g["instrument"].map(names), t("line"): [line_name(x, lang) for x in g["line"]],
                         t("fund"): [fund_name(x, lang) for x in g["funding"]], t("amount_yuan"): g["amount_yuan"],
                         t("amount_wan"): (g["amount_yuan"] / 1e4).round(4)})


def run_sheets(results, lang: str) -> dict[str, pd.DataFrame]:
    sheets = {
        "汇总": [tables.setting_table(results.manifest, lang), tables.budget_by_fund(results, lang),
               tables.outcomes_by_year(results, lang, KPI).drop(columns="__metric")],
        "年度预算": tables.budget_by_instrument(results, lang),
        "预算区间": [frame for frame in (tables.bands(results, lang, "funding"), tables.bands(results, lang, "instrument"))
                 if frame is not None],
        "月度支出": monthly_long(results, lang),
        "资金收支": fund_sheet(results, lang),
    }
    if not sheets["预算区间"]:                                  # one replication: no bands
        del sheets["预算区间"]
    sheets |= bureau_sheets(results, lang)
    sheets["就业结果"] = tables.outcomes_by_year(results, lang).drop(columns="__metric")
    targets = tables.targets_table(results, lang)
    if targets is not None:
        sheets["目标完成"] = targets
    sheets |= backtest.sheets(results, lang)
    sheets["参数与来源"] = tables.parameters_table(results.manifest, lang)
    return sheets


def note(text_: str) -> pd.DataFrame:
    """A one-cell table holding a note (written under a sheet's tables)."""
    return pd.DataFrame({"说明": [text_]})


def bureau_sheets(results, lang: str, attribution: pd.DataFrame | None = None) -> dict[str, list[pd.DataFrame]]:
    """The bureau's formats (sim.report.bureau): 就业补助资金 by 功能科目 code and by level, the 社预08 UI fund
    budget (with the replications and months under the 12-month gate) and the 绩效目标申报表."""
    b = lambda key: bureau.t(lang, key)                      # noqa: E731
    levels_note = b("levels_note_net") if bureau.levels_available(results.costs) else b("levels_note")
    sheets = {"就业补助资金按功能科目": [bureau.employment_by_code(results, lang), note(b("code_note"))],
              "就业补助资金按资金层级": [bureau.spending_by_level(results, lang), note(levels_note)]}
    ui = bureau.ui_fund_budget(results, lang)
    if ui is not None:
        shortfalls = bureau.cover_shortfalls(results, lang)
        sheets["失业保险基金收支预算表"] = [ui] + ([shortfalls] if shortfalls is not None else [])
    sheets["绩效目标申报表"] = bureau.performance_targets(results, lang, attribution)
    sheets["绩效自评表"] = bureau.self_evaluation(results, lang) + [note(text(lang, "self_eval_note"))]
    return sheets


def fund_sheet(results, lang: str) -> list[pd.DataFrame]:
    """资金收支: the UI fund's own account, or the area's contributions and draw on a pooled fund; then
    the 备付 gate of each refund pay month."""
    own = backtest.pooling(results) == "local"
    frames = [tables.ui_fund_table(results, lang) if own else backtest.pooled_fund_table(results, lang)]
    gates = backtest.gates_table(results, lang)
    return frames + ([gates] if gates is not None else [])


def comparison_sheets(comparison, lang: str) -> dict[str, pd.DataFrame]:
    """The base scenario's sheets, plus 情景对比 (differences) and 反事实归因 (attribution)."""
    base = comparison.results[comparison.base]
    sheets = run_sheets(base, lang)
    sheets["绩效目标申报表"] = bureau.performance_targets(base, lang, comparison.attribution, comparison.base)
    # 绩效自评表: each reform executed against the budget drawn up on the base
    sheets["绩效自评表"] = [frame for reform in comparison.reforms
                       for frame in [note(f"{text(lang, 'reform')}: {reform}"),
                                     *bureau.self_evaluation(comparison.results[reform], lang, base)]] \
        + [note(text(lang, "self_eval_note"))]
    summary = pd.DataFrame({"摘要" if lang == "zh" else "Summary": changes.summary_paragraphs(comparison, lang)})
    ordered = {"摘要": summary, "参数变更一览表": changes.parameter_changes_table(comparison, lang)}
    for name, frame in sheets.items():
        if name == "参数与来源":
            ordered["情景对比"] = tables.differences_table(comparison, lang).drop(columns=["__key", "__category"])
            attribution = tables.attribution_table(comparison, lang)
            if attribution is not None:
                ordered["反事实归因"] = attribution
        ordered[name] = frame
    return ordered


def sensitivity_sheets(result, lang: str) -> dict[str, pd.DataFrame]:
    """敏感性分析 (the indices), 设计点 (each design point with its metric means), 参数与来源 (ranges)."""
    return {"敏感性分析": tables.sensitivity_indices(result, lang), "设计点": result.point_means(),
            "参数与来源": tables.sensitivity_params(result, lang)}


def write_workbook(sheets: dict[str, pd.DataFrame | list[pd.DataFrame]], path: Path | BinaryIO) -> None:
    """Write the sheets (columns sized to their content; a sheet of one table has its header row frozen,
    a sheet of several tables has them one under the other, a blank row apart, each with its header;
    text that looks like a formula stays text: sim.cells). openpyxl's write-only mode streams the rows
    to the file instead of keeping a cell object for each (issue 14); the cells are those pandas'
    `to_excel` wrote (`_excel_value`)."""
    book = Workbook(write_only=True)
    for name, frames in sheets.items():
        frames = frames if isinstance(frames, list) else [frames]
        sheet = book.create_sheet(name)
        if len(frames) == 1:
            sheet.freeze_panes = "A2"
        for k, width in _widths(frames).items():         # before the first row: the sheet's head is written then
            sheet.column_dimensions[get_column_letter(k)].width = min(max(width + 2, 8), 60)
        for n, frame in enumerate(frames):
            if n:
                sheet.append([])
            sheet.append([_cell(sheet, column) for column in frame.columns])
            columns = [(frame[c].tolist(), pd.api.types.is_float_dtype(frame[c])) for c in frame.columns]
            for i in range(len(frame)):
                sheet.append([_cell(sheet, values[i], NUMBER_FORMAT if number else None) for values, number in columns])
    book.save(path)


NUMBER_FORMAT = "#,##0.00##"        # float columns: thousands separators, up to four decimals (cells stay numbers)


def _cell(sheet, value, number_format: str | None = None):
    """One cell: the value as `_excel_value` gives it; a styled cell only where it needs a number format or,
    for text a spreadsheet could take for a formula, the text type and quote prefix (sim.cells)."""
    value = _excel_value(value)
    formula = isinstance(value, str) and formula_like(value)
    if number_format is None and not formula:
        return value
    cell = WriteOnlyCell(sheet, value)
    if number_format is not None:
        cell.number_format = number_format
    if formula:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _excel_value(value):
    """A value as pandas' `to_excel` stores it: missing as empty text, infinities as "inf"/"-inf", numpy
    numbers as Python numbers, dates as they are, anything else as its text."""
    if is_scalar(value) and pd.isna(value):
        return ""
    if is_integer(value):
        return int(value)
    if is_float(value):
        return "inf" if value == math.inf else "-inf" if value == -math.inf else float(value)
    if is_bool(value):
        return bool(value)
    if isinstance(value, (dt.date, Decimal)):
        return value
    return str(value)


def _widths(frames: list[pd.DataFrame]) -> dict[int, int]:
    """Display width of each column over the tables of a sheet (header and first 200 rows)."""
    widths: dict[int, int] = {}
    for frame in frames:
        for k, column in enumerate(frame.columns, start=1):
            width = max([_width(column)] + [_width(v) for v in frame[column].head(200)])
            widths[k] = max(widths.get(k, 0), width)
    return widths


def _width(value) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)      # CJK characters are two columns wide
