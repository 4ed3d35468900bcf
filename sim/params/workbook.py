"""The Excel parameter workbook: a scenario as sheets an analyst fills in Excel or WPS (DESIGN §10).

A workbook holds the same document as a scenario TOML file: sheet 配置 the ``[scenario]`` and ``[run]`` keys,
sheet 参数 one row per parameter and effective month of every instrument and of ``[economy]``, ``[budget]``
and ``[cost_sharing]``. A parameter ID is the key path without its section (``SR-05.share.sme``); a
parameter whose value changes by month has one row per effective month (生效月份). A table value (shares
by size class, a fund split) has one row per key. Lists are written as names separated by commas, an
all-of target entry as names joined by ``+``; any list may also be written in TOML (``[[1, 12], [5, 18]]``).
An empty 取值 leaves the key unset (its default applies). The other columns (政策项目, 参数名称, 单位,
失效月份, 适用地区, 依据/来源, 备注) are for the reader and are not read back.

Reading never raises for a user's mistake: every problem names the sheet, row, column, value and what
is allowed; validation problems found later (`sim.params.validate`) are pointed at their cell by `locate`.
openpyxl is imported by the functions that read or write a workbook, so loading a TOML scenario (every
command) does not pay for it.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.cells import protect_sheet
from sim.codes import FUND_NAMES_ZH, GROUP_NAMES_ZH, PAYEE_NAMES_ZH, Fund, GroupFlag, InstrumentType, Payee
from sim.params.errors import NO_VALUE, Problem, display_path
from sim.params.months import is_month, month_label, month_number
from sim.params.rewrite import toml_inline
from sim.params.scenario_schema import SECTIONS, TYPE_SCHEMAS, node_at
from sim.schema import DERIVED, REQUIRED, Field

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
GUIDE, CONFIG, PARAMS, LISTS = "说明", "配置", "参数", "可选值"
PARAM_COLUMNS = ("参数ID", "政策项目", "参数名称", "取值", "单位", "生效月份", "失效月份", "适用地区", "依据/来源", "备注")
CONFIG_COLUMNS = ("参数ID", "名称", "取值", "单位", "说明")
READ_COLUMNS = ("参数ID", "取值", "生效月份")   # the only columns read back
CONFIG_SECTIONS = ("scenario", "run")
PARAM_SECTIONS = ("economy", "budget", "cost_sharing")   # on sheet 参数 besides the instruments
SECTION_ZH = {"economy": "经济环境(冲击)", "budget": "资金预算约束", "cost_sharing": "市区分担"}
CONFIG_NAMES_ZH = {
    "scenario.name": "情景名称(英文标识)", "scenario.title_zh": "中文标题", "scenario.title_en": "英文标题",
    "scenario.description": "说明", "scenario.extends": "基础情景(继承的文件)", "scenario.locality": "地区",
    "scenario.start": "起始月份", "scenario.months": "测算月数", "run.persons": "模拟人数", "run.seed": "随机种子",
    "run.reps": "重复次数", "run.responses": "行为响应", "run.warmup_months": "预热月数",
    "run.parameter_uncertainty": "参数不确定性",
}
LIST_KINDS = frozenset({"flags", "groups", "choice_list", "names", "month_range", "schedule", "list_float",
                        "list_int"})
NAME_LIST_KINDS = frozenset({"flags", "groups", "choice_list", "names", "month_range"})
_SEPARATORS = re.compile(r"[,，、;；]")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

GUIDE_TEXT = (
    "subsim 参数工作簿 —— 填写说明",
    "",
    "本工作簿与情景 TOML 文件等价:subsim run / compare / validate 可直接读取本文件;"
    "subsim workbook 本文件.xlsx --toml 输出.toml 可转换为 TOML。",
    "「配置」表:情景名称、地区、起始月份、测算月数、模拟人数、随机种子、重复次数等。"
    "「基础情景」填写后,本工作簿只需列出与基础情景不同的参数(路径相对于本文件)。",
    "「参数」表:每行一个参数(及其生效月份)。只读取 参数ID、取值、生效月份 三列,其余各列仅供参考。",
    "· 取值为空 = 不设置,使用默认值(见「备注」)。",
    "· 按月变化的参数:每个生效月份一行,参数ID相同,生效月份填 YYYY-MM(例如 2024-07),取值自该月起生效。",
    "· 分档/分类的参数(如稳岗返还比例 share.sme / share.large、资金分担 funding.<资金渠道>):每个分类一行。",
    "· 名单(目标群体、企业规模等):用逗号分隔;须同时满足的条件用 + 连接,如 reg_unemployed+youth_16_24。"
    "  也可写 TOML 形式,如 [[1, 12], [5, 18]];空名单写 []。",
    "· 资金渠道、目标群体、支付对象可填英文名或中文名(见「可选值」表,单元格有下拉列表)。",
    "· 公式单元格须在 Excel/WPS 中保存过(保存后才有计算结果);未保存的公式会被报告为错误。",
    "",
    "校验:subsim validate 本文件.xlsx 一次列出全部问题(工作表、行、列、取值与允许范围)。",
)


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """True when `path` names an Excel workbook (by its suffix)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


# ------------------------------------------------------------------------------------------------ writing

def _field_at(path: tuple[str, ...], instrument_type: Any) -> tuple[Field | None, tuple[str, ...]]:
    """The Field a key path lies in, and the sub-keys below it (a table's keys). An instrument whose type
    the workbook does not name (a reform row over its base) uses the parameter's declaration in any type
    when all types that have it declare it alike."""
    if path[0] == "instruments" and instrument_type is None and len(path) > 2:
        fields = [schema[path[2]] for schema in TYPE_SCHEMAS.values() if isinstance(schema.get(path[2]), Field)]
        if fields and all((f.kind, f.by_month) == (fields[0].kind, fields[0].by_month) for f in fields):
            return fields[0], path[3:]
        return None, ()                  # left for validation to judge against the base's type
    for depth in range(1, len(path) + 1):
        node = node_at(path[:depth], instrument_type)
        if isinstance(node, Field):
            return node, path[depth:]
        if node is None:
            return None, ()
    return None, ()


def _text_list(value: list, kind: str) -> str:
    if not value:
        return "[]"
    if kind in NAME_LIST_KINDS and all(isinstance(e, str) or (isinstance(e, list) and all(isinstance(x, str) for x in e))
                                       for e in value):
        return ", ".join(e if isinstance(e, str) else "+".join(e) for e in value)
    return toml_inline(value)


def _cell_value(value: Any, field: Field | None) -> Any:
    if isinstance(value, list):
        return _text_list(value, field.kind if field else "")
    if isinstance(value, dict):        # a table of an unknown key: kept whole, in TOML
        return toml_inline(value)
    return value


def _flatten(path: tuple[str, ...], value: Any, field: Field | None):
    """Rows (key path, effective month or None, cell value) of one parameter."""
    if field is not None and field.by_month and isinstance(value, dict) and value and all(map(is_month, value)):
        plain = replace(field, by_month=False)
        for month, item in value.items():
            for sub, _, cell in _flatten(path, item, plain):
                yield sub, month, cell
    elif isinstance(value, dict) and value and (field is None or field.kind in ("table", "shares", "fund_split")):
        for key, item in value.items():
            yield from _flatten(path + (key,), item, field)
    else:
        yield path, None, _cell_value(value, field)


def _param_id(path: tuple[str, ...]) -> str:
    return ".".join(path[1:] if path[0] == "instruments" else path)


def _default_note(field: Field) -> str:
    if field.default is DERIVED:
        return "未设置:由模型推导默认值"
    if field.default is REQUIRED:
        return "必填"
    return f"未设置:默认 {_cell_value(field.default, field)!s}"


def _next_months(months: list[str]) -> dict[str, str]:
    """Effective month → the month before the next effective month (失效月份, for the reader)."""
    ordered = sorted(months, key=month_number)
    return {m: month_label(nxt, -1) for m, nxt in zip(ordered, ordered[1:])}


def _instrument_rows(iid: str, body: dict[str, Any], locality: str) -> list[tuple]:
    type_name = body.get("type")
    schema = node_at(("instruments", iid), type_name) or {}
    name_zh = str(body.get("name_zh", iid))
    source = str(body.get("source", ""))
    sources = {"take_up": body.get("take_up_source", ""), "since": body.get("since_source", "")}
    rows = []
    keys = list(body) + [k for k in schema if not k.startswith("__") and k not in body]
    for key in keys:
        field = schema.get(key) if isinstance(schema, dict) else None
        path = ("instruments", iid, key)
        cite = sources.get(key) or source
        if key not in body:
            if isinstance(field, Field):
                rows.append((_param_id(path), name_zh, field.name_zh or key, None, field.unit, None, None, locality,
                             "", f"{_default_note(field)}。{field.description}", path))
            continue
        value = body[key]
        months = _next_months(list(value)) if isinstance(value, dict) and value and all(map(is_month, value)) else {}
        for sub, month, cell in _flatten(path, value, field if isinstance(field, Field) else None):
            label = (field.name_zh if isinstance(field, Field) and field.name_zh else key) + \
                ("." + ".".join(sub[3:]) if len(sub) > 3 else "")
            rows.append((_param_id(sub), name_zh, label, cell, field.unit if isinstance(field, Field) else "",
                         month, months.get(month) if month else None, locality, cite,
                         field.description if isinstance(field, Field) else "", sub))
    return rows


def _section_rows(section: str, body: dict[str, Any], locality: str) -> list[tuple]:
    rows = []
    for key, value in body.items():
        path = (section, key)
        field, _ = _field_at(path, None)
        months = _next_months(list(value)) if isinstance(value, dict) and value and all(map(is_month, value)) else {}
        for sub, month, cell in _flatten(path, value, field):
            sub_field, _ = _field_at(sub, None)
            district = sub[2] if section == "cost_sharing" and len(sub) > 2 else locality
            rows.append((_param_id(sub), SECTION_ZH[section], (sub_field.name_zh if sub_field else "") or ".".join(sub[1:]),
                         cell, sub_field.unit if sub_field else "", month, months.get(month) if month else None,
                         district, "", sub_field.description if sub_field else "", sub))
    return rows


def _lists_sheet(sheet) -> dict[str, str]:
    """Sheet 可选值; returns the ranges the drop-down lists use."""
    from openpyxl.styles import Font  # on use: TOML scenarios start faster
    from openpyxl.utils import get_column_letter  # on use: TOML scenarios start faster
    columns = {
        "资金渠道(可填英文或中文)": [f.name for f in Fund] + [FUND_NAMES_ZH[f] for f in Fund],
        "支付对象(可填英文或中文)": [p.name for p in Payee] + [PAYEE_NAMES_ZH[p] for p in Payee],
        "工具类型": [t.name for t in InstrumentType],
        "目标群体(英文)": [g.name for g in GroupFlag],
        "目标群体(中文)": [GROUP_NAMES_ZH[g] for g in GroupFlag],
        "资金渠道(英文)": [f.name for f in Fund],
        "资金渠道(中文)": [FUND_NAMES_ZH[f] for f in Fund],
    }
    ranges = {}
    for col, (header, values) in enumerate(columns.items(), start=1):
        sheet.cell(1, col, header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, col, value)
        letter = get_column_letter(col)
        ranges[header] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
        sheet.column_dimensions[letter].width = 28
    return ranges


def _write_table(sheet, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from openpyxl.styles import Font, PatternFill  # on use: TOML scenarios start faster
    for col, header in enumerate(columns, start=1):
        cell = sheet.cell(1, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row[:len(columns)], start=1):
            cell = sheet.cell(r, col, value)
            if isinstance(value, str) and columns[col - 1] in ("取值", "生效月份"):
                cell.number_format = "@"      # text stays text when edited (a month is not turned into a date)
    sheet.freeze_panes = "B2"


def write_workbook(document: dict[str, Any], out: str | os.PathLike[str]) -> Path:
    """Write a scenario document (as read from TOML, merged along ``extends``) as a parameter workbook.

    Parameters
    ----------
    document : dict
        The scenario document; every key becomes a row, and every instrument parameter left at its
        default a row with an empty 取值 and the default in 备注.
    out : path
        The ``.xlsx`` file to write.

    Returns
    -------
    Path
        `out`.
    """
    import openpyxl  # on use: TOML scenarios start faster
    from openpyxl.styles import Alignment, Font  # on use: TOML scenarios start faster
    from openpyxl.worksheet.datavalidation import DataValidation  # on use: TOML scenarios start faster
    out = Path(out)
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE
    for r, line in enumerate(GUIDE_TEXT, start=1):
        guide.cell(r, 1, line).alignment = Alignment(wrap_text=False)
    guide.cell(1, 1).font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 120

    config_rows = []
    for section in CONFIG_SECTIONS:
        body = document.get(section, {})
        for key, field in SECTIONS[section].items():
            if key.startswith("__"):
                continue
            pid = f"{section}.{key}"
            value = body.get(key)
            note = field.description if key in body else f"{_default_note(field)}。{field.description}"
            config_rows.append((pid, CONFIG_NAMES_ZH.get(pid, key), _cell_value(value, field), field.unit, note))
        config_rows += [(f"{section}.{key}", key, _cell_value(value, None), "", "")
                        for key, value in body.items() if key not in SECTIONS[section]]   # kept for validation to judge
    sheet = book.create_sheet(CONFIG)
    _write_table(sheet, CONFIG_COLUMNS, config_rows)
    for letter, width in zip("ABCDE", (26, 20, 40, 12, 80)):
        sheet.column_dimensions[letter].width = width

    locality = str(document.get("scenario", {}).get("locality", ""))
    rows = []
    for section in PARAM_SECTIONS:
        rows += _section_rows(section, document.get(section, {}), locality)
    for iid, body in document.get("instruments", {}).items():
        if iid in SECTIONS or "." in iid:
            raise ValueError(f"instrument ID {iid!r} cannot be written to a workbook")
        rows += _instrument_rows(iid, body if isinstance(body, dict) else {}, locality)
    sheet = book.create_sheet(PARAMS)
    _write_table(sheet, PARAM_COLUMNS, rows)
    for letter, width in zip("ABCDEFGHIJ", (30, 28, 22, 36, 12, 10, 10, 12, 50, 50)):
        sheet.column_dimensions[letter].width = width

    ranges = _lists_sheet(book.create_sheet(LISTS))
    dropdowns = {"funding": "资金渠道(可填英文或中文)", "payee": "支付对象(可填英文或中文)", "type": "工具类型"}
    validations = {}
    for r, row in enumerate(rows, start=2):
        path = row[-1]
        if path[0] == "instruments" and len(path) == 3 and path[2] in dropdowns:
            header = dropdowns[path[2]]
            if header not in validations:
                validations[header] = DataValidation(type="list", formula1=ranges[header], allow_blank=True,
                                                     showErrorMessage=True, errorTitle="不在可选值中",
                                                     error=f"请从「{LISTS}」表的「{header}」中选择")
            validations[header].add(f"D{r}")
    for validation in validations.values():
        sheet.add_data_validation(validation)
    for each in book.worksheets:
        protect_sheet(each)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


# ------------------------------------------------------------------------------------------------ reading

def _where(sheet: str, row: int, column: int, header: str) -> str:
    from openpyxl.utils import get_column_letter  # on use: TOML scenarios start faster
    return f"{sheet} row {row}, column {get_column_letter(column)} ({header})"


def _to_month(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}"    # Excel turned a typed 2024-07 into a date
    return value.strip() if isinstance(value, str) else value


def _number_text(text: str) -> Any:
    try:
        number = float(text.replace(",", "").replace("，", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() and re.fullmatch(r"[-+]?[\d,，]+", text) else number


def _convert(value: Any, field: Field | None, sub: tuple[str, ...]) -> tuple[Any, str | None]:
    """A cell's value as the TOML value it stands for, or an error message."""
    kind = field.kind if field is not None else ""
    if isinstance(value, str):
        value = value.strip()
    if field is None:                    # declared differently by several types: a number if it reads as one
        return (_number_text(value) if isinstance(value, str) else value), None
    if sub and kind in ("table", "shares", "fund_split"):
        kind = "float"
    if kind in LIST_KINDS:
        if isinstance(value, str) and value.startswith("["):
            try:
                return tomllib.loads(f"v = {value}")["v"], None
            except tomllib.TOMLDecodeError as exc:
                return value, f"not a list in TOML form: {exc}"
        if kind not in NAME_LIST_KINDS:
            return value, "a list in TOML form, e.g. [[1, 12], [5, 18]] or [0.5, 0.3]"
        text = str(value)
        if kind == "month_range" and isinstance(value, (dt.date, dt.datetime)):
            text = _to_month(value)
        items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
        if kind == "groups":
            return [item if "+" not in item else [p.strip() for p in item.split("+")] for item in items], None
        return items, None
    if kind in ("int", "float"):
        if isinstance(value, str):
            value = _number_text(value)
        if kind == "int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)             # Excel stores 1.0 as 1
        return value, None
    if kind == "bool":
        if isinstance(value, str):
            truth = {"true": True, "false": False, "是": True, "否": False, "开": True, "关": False}
            if value.lower() not in truth:
                return value, "TRUE or FALSE (是/否)"
            return truth[value.lower()], None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
            return bool(value), None
        return value, None
    if kind == "month":
        return _to_month(value), None
    if kind in ("str", "enum", "fund_split") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return (str(int(value)) if float(value).is_integer() else str(value)), None
    return value, None


class _Sheet:
    """One sheet's rows read as {header: (column, value)} with formulas checked."""

    def __init__(self, values_book, formula_book, name: str, file: str, problems: list[Problem]) -> None:
        self.name, self.file, self.rows, self.columns = name, file, [], {}
        if name not in values_book.sheetnames:
            problems.append(Problem(file, f"sheet {name}", NO_VALUE,
                                    f"missing sheet; the workbook needs the sheets {CONFIG} and {PARAMS} "
                                    "(write a template with `subsim workbook SCENARIO --out FILE.xlsx`)"))
            return
        header = [h.strip() if isinstance(h, str) else h
                  for h in next(values_book[name].iter_rows(max_row=1, values_only=True), ())]
        self.columns = {h: i + 1 for i, h in enumerate(header) if h}
        wanted = READ_COLUMNS if name == PARAMS else ("参数ID", "取值")
        missing = [h for h in wanted if h not in self.columns]
        if missing:
            problems.append(Problem(file, f"{name} row 1", NO_VALUE,
                                    f"missing column(s) {', '.join(missing)}; the header row must name "
                                    f"{', '.join(PARAM_COLUMNS if name == PARAMS else CONFIG_COLUMNS)}"))
            return
        last = max(self.columns[h] for h in wanted)       # the long reference columns are not read
        values = values_book[name].iter_rows(min_row=2, max_col=last, values_only=True)
        formulas = formula_book[name].iter_rows(min_row=2, max_col=last, values_only=True)
        for r, (value_row, formula_row) in enumerate(zip(values, formulas), start=2):
            cells = {}
            for h in wanted:
                col = self.columns[h]
                value = value_row[col - 1] if col - 1 < len(value_row) else None
                formula = formula_row[col - 1] if col - 1 < len(formula_row) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    problems.append(Problem(file, _where(name, r, col, h), formula,
                                            "a formula without a saved result (the workbook was not saved by Excel "
                                            "or WPS): open and save it there, or type the value"))
                if isinstance(value, str) and value.startswith("#"):
                    problems.append(Problem(file, _where(name, r, col, h), value,
                                            "the cell shows a spreadsheet error; a number or text is needed"))
                    value = None
                if isinstance(value, str) and not value.strip():
                    value = None
                cells[h] = (col, value)
            if any(v is not None for _, v in cells.values()):
                self.rows.append((r, cells))


def _split_id(text: str, instrument_ids: list[str]) -> tuple[str, ...] | None:
    head = text.split(".", 1)[0]
    if head in SECTIONS:
        return tuple(text.split("."))
    for iid in sorted(instrument_ids, key=len, reverse=True):   # the longest ID that prefixes the text
        if text.startswith(iid + "."):
            return ("instruments", iid, *text[len(iid) + 1:].split("."))
    if "." not in text:
        return None
    return ("instruments", head, *text.split(".")[1:])


def _set_at(document: dict, path: tuple[str, ...], month: str | None, value: Any, field_depth: int) -> str | None:
    """Place `value` at `path` (below the field at depth `field_depth`, and under `month` if given)."""
    node = document
    for key in path[:field_depth - 1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return "the key is also written as a single value in another row"
    field_key, sub = path[field_depth - 1], path[field_depth:]
    if month is None and not sub:
        if field_key in node:
            return "written twice (another row has the same 参数ID)"
        node[field_key] = value
        return None
    holder = node.setdefault(field_key, {})
    if not isinstance(holder, dict):
        return "written both as one value and by month or by key in other rows"
    if month is not None:
        if not sub:
            if month in holder:
                return f"written twice for effective month {month}"
            holder[month] = value
            return None
        holder = holder.setdefault(month, {})
    for key in sub[:-1]:
        holder = holder.setdefault(key, {})
    if sub[-1] in holder:
        return "written twice (another row has the same 参数ID and 生效月份)"
    holder[sub[-1]] = value
    return None


def read_workbook(path: str | os.PathLike[str]) -> tuple[dict[str, Any] | None, list[Problem], dict[str, str]]:
    """Read a parameter workbook into a scenario document.

    Parameters
    ----------
    path : path
        The ``.xlsx`` file.

    Returns
    -------
    document : dict or None
        The scenario document (None when the file cannot be read at all).
    problems : list of Problem
        Every problem found, each naming sheet, row, column and value.
    cells : dict of str to str
        Dotted key path → where it was written (``参数 row 12, column D (取值)``), for `locate`.
    """
    import openpyxl  # on use: TOML scenarios start faster
    path = Path(path)
    file = display_path(path)
    try:
        # read-only mode streams the rows: several times faster for a scenario's thousand rows
        values_book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        formula_book = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except FileNotFoundError:
        return None, [Problem(file, "", NO_VALUE, "file not found")], {}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, [Problem(file, "", NO_VALUE, f"not an Excel workbook (.xlsx) that can be read: {exc}")], {}
    problems: list[Problem] = []
    document: dict[str, Any] = {}
    cells: dict[str, str] = {}
    sheets = [_Sheet(values_book, formula_book, name, file, problems) for name in (CONFIG, PARAMS)]
    values_book.close()                  # read-only books keep the file open until closed
    formula_book.close()
    types = {}
    for r, row in sheets[1].rows:
        pid = row["参数ID"][1]
        if isinstance(pid, str) and pid.strip().endswith(".type") and row["取值"][1] is not None:
            types[pid.strip()[:-len(".type")]] = row["取值"][1]
    for sheet in sheets:
        for r, row in sheet.rows:
            (id_col, pid), (value_col, value) = row["参数ID"], row["取值"]
            month_col, month = row.get("生效月份", (0, None))
            where = _where(sheet.name, r, id_col, "参数ID")
            if not isinstance(pid, str) or not pid.strip():
                if value is not None:
                    problems.append(Problem(file, where, pid, "a row with a 取值 needs its 参数ID"))
                continue
            path_ = _split_id(pid.strip(), list(types))
            allowed_sections = CONFIG_SECTIONS if sheet.name == CONFIG else PARAM_SECTIONS + ("instruments",)
            if path_ is None or path_[0] not in allowed_sections or len(path_) < 2 or not all(path_):
                problems.append(Problem(file, where, pid, "unknown 参数ID: on sheet " + (
                    f"{CONFIG} the IDs are scenario.<key> and run.<key>" if sheet.name == CONFIG else
                    f"{PARAMS} an ID is <instrument ID>.<parameter>[.<key>] or economy./budget./cost_sharing.<key>")))
                continue
            if value is None:
                continue                         # unset: the default applies
            instrument_type = types.get(path_[1]) if path_[0] == "instruments" else None
            field, sub = _field_at(path_, instrument_type)
            value_where = _where(sheet.name, r, value_col, "取值")
            if month is not None:
                month = _to_month(month)
                if not is_month(month):
                    problems.append(Problem(file, _where(sheet.name, r, month_col, "生效月份"), month,
                                            "must be a month YYYY-MM, e.g. 2024-07"))
                    continue
                if field is not None and not field.by_month:
                    problems.append(Problem(file, _where(sheet.name, r, month_col, "生效月份"), month,
                                            f"{pid} does not change by month: leave 生效月份 empty"))
                    continue
            converted, error = _convert(value, field, sub)
            if error:
                problems.append(Problem(file, f"{value_where} [{pid}]", value, f"expected {error}"))
                continue
            depth = len(path_) - len(sub) if field is not None else len(path_)
            clash = _set_at(document, path_, month, converted, depth)
            if clash:
                problems.append(Problem(file, f"{value_where} [{pid}]", value, clash))
                continue
            key = ".".join(path_[:depth] + ((month,) if month else ()) + tuple(sub))
            cells[key] = value_where
            cells.setdefault(".".join(path_[:depth]), value_where)
    return document, problems, cells


def locate(problems: list[Problem], workbooks: list[Path]) -> list[Problem]:
    """Point every problem found in a workbook's values at the cell that wrote it."""
    located = []
    maps: dict[str, dict[str, str]] = {}
    for path in workbooks:
        if is_workbook(path):
            maps[display_path(path)] = read_workbook(path)[2]
    for problem in problems:
        cells = maps.get(problem.file)
        if cells and problem.key and " row " not in problem.key:
            parts = problem.key.split(".")
            for n in range(len(parts), 0, -1):
                where = cells.get(".".join(parts[:n]))
                if where:
                    problem = Problem(problem.file, f"{where} [{problem.key}]", problem.value, problem.message)
                    break
        located.append(problem)
    return located


# ------------------------------------------------------------------------------------------------ TOML

def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_inline(key)


def document_to_toml(document: dict[str, Any], header: str = "") -> str:
    """A scenario document as TOML text (sections in the usual order, one value per line)."""
    lines = [f"# {line}" for line in header.splitlines()]

    def table(name: str, body: dict[str, Any]) -> None:
        lines.append("")
        lines.append(f"[{name}]")
        for key, value in body.items():
            lines.append(f"{_toml_key(key)} = {toml_inline(value)}")

    for section in CONFIG_SECTIONS + ("economy", "cost_sharing"):
        if section in document:
            table(section, document[section])
    for fund, body in document.get("budget", {}).items():
        table(f"budget.{_toml_key(fund)}", body)
    for iid, body in document.get("instruments", {}).items():
        table(f"instruments.{_toml_key(iid)}", body)
    for key in document:
        if key not in SECTIONS and key != "instruments":
            table(_toml_key(key), document[key])   # unknown sections: kept for validation to judge
    return "\n".join(lines).lstrip("\n") + "\n"


def workbook_to_toml(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> tuple[Path | None, list[Problem]]:
    """Convert a workbook to a scenario TOML file; ``extends`` is rewritten relative to `out`.

    Returns
    -------
    path : Path or None
        `out`, or None when the workbook has problems (nothing is written).
    problems : list of Problem
    """
    path, out = Path(path), Path(out)
    document, problems, _ = read_workbook(path)
    if document is None or problems:
        return None, problems
    parent = document.get("scenario", {}).get("extends")
    if isinstance(parent, str) and parent:
        target = (path.parent / parent).resolve()
        document["scenario"]["extends"] = Path(os.path.relpath(target, out.resolve().parent)).as_posix()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document_to_toml(document, f"converted from the parameter workbook {path.name} by subsim workbook"),
                   encoding="utf-8")
    return out, []


# ------------------------------------------------------------------------------------------------ editing

def parameter_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of sheet 参数 for `document` (the app's parameter table), as dicts by column name."""
    locality = str(document.get("scenario", {}).get("locality", ""))
    rows = []
    for section in PARAM_SECTIONS:
        rows += _section_rows(section, document.get(section, {}), locality)
    for iid, body in document.get("instruments", {}).items():
        rows += _instrument_rows(iid, body if isinstance(body, dict) else {}, locality)
    return [dict(zip(PARAM_COLUMNS, row)) for row in rows]


def edit(document: dict[str, Any], param_id: str, text: Any, month: str | None = None) -> tuple[str, Any]:
    """One edited cell as a scenario override: the parameter's dotted key and its whole new value.

    A table entry (``SR-05.share.sme``) or an effective month replaces one part of the parameter's value in
    `document` (a validated scenario document); the override carries the whole value, as a reform file would.

    Raises
    ------
    ValueError
        With a message naming what is allowed, for an unknown ID or a cell that cannot be read.
    """
    instruments = list(document.get("instruments", {}))
    path = _split_id(str(param_id).strip(), instruments)
    if path is None or path[0] not in PARAM_SECTIONS + CONFIG_SECTIONS + ("instruments",):
        raise ValueError(f"unknown 参数ID {param_id!r}")
    instrument_type = document["instruments"].get(path[1], {}).get("type") if path[0] == "instruments" else None
    field, sub = _field_at(path, instrument_type)
    if field is None:
        raise ValueError(f"unknown 参数ID {param_id!r}")
    value, error = _convert(text, field, sub)
    if error:
        raise ValueError(f"{param_id} = {text!r}: expected {error}")
    key = path[:len(path) - len(sub)]
    node: Any = document
    for part in key:
        node = node.get(part) if isinstance(node, dict) else None
    whole = copy.deepcopy(node)
    if month:
        month = _to_month(month)
        if not is_month(month):
            raise ValueError(f"生效月份 {month!r}: must be a month YYYY-MM, e.g. 2024-07")
        if not field.by_month:
            raise ValueError(f"{param_id} does not change by month: leave 生效月份 empty")
        if not (isinstance(whole, dict) and whole and all(map(is_month, whole))):
            whole = {document["scenario"]["start"]: whole}      # the old value stays in force until `month`
        holder = whole
        if sub:
            holder = whole.setdefault(month, copy.deepcopy(whole[max(whole, key=month_number)]))
        else:
            whole[month] = value
    else:
        holder = whole
        if not sub:
            whole = value
    if sub:
        for part in sub[:-1]:
            holder = holder.setdefault(part, {})
        if not isinstance(holder, dict):
            raise ValueError(f"{param_id}: {'.'.join(key)} is a single value, not a table")
        holder[sub[-1]] = value
    return ".".join(key), whole
