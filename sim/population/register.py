"""Read and check a person register (and optionally a firms file) before anything is simulated.

A register is a CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030 as Chinese bureaus export) or Parquet
file with one row per person and a header row; its columns are those of
`sim.population.register_schema.PERSON_COLUMNS`, named in Chinese or English. Every cell of every row
is checked and every problem collected (file, row as numbered in the file with the header as row 1,
column, value, what is allowed) before a `ScenarioError` is raised with all of them.

Privacy: columns holding personal identifiers (身份证号, 姓名, 手机号 …) are recognised by their header
and never parsed, kept or shown. A bad value is not echoed when it looks like an identity or phone
number or equals one of the row's identifier cells (a shifted column), and headers that look like data
are not shown either. Only counts, row numbers and column names leave this module.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.codes import State, WorkLocation
from sim.params.errors import NO_VALUE, Problem, ScenarioError, display_path
from sim.params.files import REGISTER_LIMIT, InputFileError, read_input
from sim.params.months import month_number
from sim.population.register_schema import (FIRM_COLUMNS, FIRM_IDENTIFIER_HEADERS, IDENTIFIER_HEADERS,
                                            PERSON_COLUMNS, REJECTED_STATES, REQUIRED_PERSON, Column, normalise)
from sim.population.synthetic import retirement_month_number

MAX_MESSAGES = 200          # problems shown; the total is always reported
_IDENTIFIER_LIKE = re.compile(r"\d{9,}|\d{14}[\dxX]")   # identity, phone, bank card numbers
_MONTH = re.compile(r"^(\d{4})(?:[-/.年]?)(\d{1,2})(?:月(?:\d{1,2}日)?|[-/.]\d{1,2}|\d{2})?$")
_IDENTIFIER_WORDS = ("身份", "姓名", "手机", "电话", "住址", "证件", "联系人", "邮箱", "地址")


class _Withheld:
    """Stands for a value not shown because it may identify a person."""

    def __repr__(self) -> str:
        return "<value withheld>"


WITHHELD = _Withheld()


@dataclass
class FileInfo:
    """What the manifest records about an input file: never its contents."""

    file: str
    sha256: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)      # header → field
    identifier_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def manifest(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Register:
    """A checked register: accepted rows as arrays of codes, without identifiers.

    Attributes
    ----------
    persons : dict of str to numpy.ndarray
        Field → value per accepted row (codes as in `sim.codes`; months as absolute month numbers;
        NaN where a cell was empty and the value is to be imputed). Only fields whose column was given.
    firms : dict of str to numpy.ndarray or None
        The firms file's fields, one entry per firm, in file order; None when firms are synthesised.
    employer : numpy.ndarray or None
        Per person, the index of its firm in `firms` (−1: none); None without a firms file.
    weight : float or None
        The register's own weight (column 权重/weight), else None (population total ÷ rows).
    files : list of FileInfo
    notices : list of str
        Messages for the user that are not errors (ignored columns, dropped rows).
    """

    persons: dict[str, np.ndarray]
    firms: dict[str, np.ndarray] | None
    employer: np.ndarray | None
    weight: float | None
    files: list[FileInfo]
    notices: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.persons["state"])

    def given(self, name: str) -> bool:
        return name in self.persons

    def manifest(self) -> dict:
        """Counts, hashes and column mapping of the input files (nothing person-level)."""
        return {"files": [f.manifest() for f in self.files],
                "imputed_fields": sorted(c.name for c in PERSON_COLUMNS
                                         if c.name not in self.persons and c.name not in ("age", "birth_month",
                                                                                           "firm_id", "weight")),
                "firms": "file" if self.firms is not None else "synthesised from the profile",
                "weight": "register column" if self.weight is not None else "population total / accepted rows"}


def load_register(path: str | Path, *, profile: dict, start: str, firms: str | Path | None = None,
                  drop_invalid: bool = False) -> Register:
    """Read and check a person register and, optionally, its firms file.

    Parameters
    ----------
    path : str or Path
        The register (``.csv``, or ``.parquet``/``.pq``).
    profile : dict
        The locality profile of the scenario (districts, retirement rules).
    start : str
        First run month, 'YYYY-MM': ages, retirement and months are judged at this month.
    firms : str or Path, optional
        A firms file linked to the register by 单位编号/firm_id.
    drop_invalid : bool
        Drop rows with problems (counted and listed by row number in the manifest) instead of failing.
        Problems with the file as a whole (encoding, missing columns) always fail.

    Returns
    -------
    Register

    Raises
    ------
    ScenarioError
        With every problem found (at most `MAX_MESSAGES` shown, plus the total).
    """
    districts = _district_labels(profile)
    firm_data, firm_ids, firm_info, problems, fatal = None, None, None, [], False
    if firms is not None:
        firm_data, firm_ids, firm_info, problems, fatal = _load_firms(Path(firms), profile, districts, start,
                                                                      drop_invalid)
    table, info, file_problems = _read(Path(path), PERSON_COLUMNS, IDENTIFIER_HEADERS, REQUIRED_PERSON)
    problems += file_problems
    fatal |= bool(file_problems)
    persons, employer, notices = {}, None, []
    if table is not None and not file_problems:
        # a firms file that could not be read at all is reported once, not as every employee's problem
        linked = firm_ids if firm_data is not None else None
        persons, bad_rows, cells = _check_persons(table, info, profile, districts, start, linked)
        fatal |= bool(cells) and not drop_invalid
        problems += cells
        persons = {k: v[~bad_rows] for k, v in persons.items()}
        _count(info, bad_rows)
        if linked is not None:
            employer = persons.pop("employer").astype(np.int32)
        if info.rows_accepted == 0:
            fatal = True
            problems.insert(0, Problem(info.file, "", NO_VALUE, "no valid row: nothing to simulate"))
    if fatal:
        raise ScenarioError(_capped(problems))
    weight = None
    if "weight" in persons:
        weight = float(persons.pop("weight")[0])
    if firms is None and "firm_id" in (table.attrs.get("mapping", {}) if table is not None else {}):
        notices.append(f"{info.file}: column {table.attrs['mapping']['firm_id']} is used only with a firms file "
                       "(--firms); firms are synthesised from the profile")
    for item in (firm_info, info):
        if item is not None and item.ignored_columns:
            notices.append(f"{item.file}: columns not used by the model, ignored: {', '.join(item.ignored_columns)}")
        if item is not None and item.rows_rejected:
            notices.append(f"{item.file}: {item.rows_rejected} invalid row(s) dropped (--drop-invalid): "
                           f"rows {_ranges(item.rejected_rows)}")
    if problems:                               # dropped rows: say why, as warnings
        notices += [f"dropped: {p}" for p in _capped(problems)]
    files = [info] + ([firm_info] if firm_info is not None else [])
    return Register(persons=persons, firms=firm_data, employer=employer, weight=weight, files=files, notices=notices)


def _load_firms(path: Path, profile: dict, districts: dict[str, int], start: str, drop_invalid: bool):
    """The firms file's accepted rows, firm id → index, its FileInfo, its problems and whether they are
    fatal (always for a problem with the file as a whole, such as a missing required column)."""
    table, info, problems = _read(path, FIRM_COLUMNS, FIRM_IDENTIFIER_HEADERS, ("firm_id", "district"))
    if table is None or problems:
        return None, {}, info, problems, True
    data, bad_rows, cells = _check_firms(table, info, profile, districts, month_number(start))
    data = {k: v[~bad_rows] for k, v in data.items()}
    _count(info, bad_rows)
    ids = {fid: k for k, fid in enumerate(data.pop("firm_id"))}
    return data, ids, info, cells, bool(cells) and not drop_invalid


# ---------------------------------------------------------------- reading

def _read(path: Path, columns: tuple[Column, ...], identifiers: frozenset,
          required: tuple[str, ...]) -> tuple[pd.DataFrame | None, FileInfo, list[Problem]]:
    """The file as text cells ('' for empty), its header mapped to fields, and file-level problems."""
    shown = display_path(path)
    try:
        raw = read_input(path, REGISTER_LIMIT)
    except InputFileError as error:
        return None, FileInfo(shown, ""), [Problem(shown, "", NO_VALUE, f"{error.reason}; a CSV or Parquet "
                                                   "file is needed")]
    info = FileInfo(shown, hashlib.sha256(raw).hexdigest())
    try:
        table, written = _parquet(raw) if path.suffix.lower() in (".parquet", ".pq") else _csv(raw)
    except ValueError as error:
        return None, info, [Problem(shown, "", NO_VALUE, str(error))]
    info.rows_read = len(table)
    problems, mapping = [], {}
    normalised = [normalise(h) for h in written]
    for k, h in enumerate(normalised):
        if h and normalised.index(h) != k:
            problems.append(Problem(shown, f"column {_header(written[k], k)}", NO_VALUE,
                                    f"appears twice in the header (columns {normalised.index(h) + 1} and {k + 1}); "
                                    "keep one"))
    known = {normalise(alias) for column in columns for alias in column.headers}
    if problems and any(h in known for h in normalised):   # which of the two columns is meant cannot be known
        return None, info, problems
    problems = []                              # a first row of data, not a header: reported below as such
    headers = [str(h) for h in table.columns]
    normalised = [normalise(h) for h in headers]
    for column in columns:
        for alias in column.headers:
            if normalise(alias) in normalised:
                mapping[column.name] = headers[normalised.index(normalise(alias))]
                break
    used = set(mapping.values())
    for k, (header, key) in enumerate(zip(headers, normalised)):
        if key in identifiers or any(word in key for word in _IDENTIFIER_WORDS):
            info.identifier_columns.append(_header(header, k))
        elif header not in used:
            info.ignored_columns.append(_header(header, k))
    if not mapping:
        problems.append(Problem(shown, "header", NO_VALUE, "no known column: the first row must name the "
                                "columns (see docs/register.md), e.g. " + ", ".join(
                                    c.zh[0] for c in columns if c.name in required or c.name == "age")))
        return None, info, problems
    missing = [c for c in columns if c.name in required and c.name not in mapping]
    if any(c.name == "age" for c in columns) and "age" not in mapping and "birth_month" not in mapping:
        missing.insert(0, next(c for c in columns if c.name == "age"))
    for column in missing:
        alternatives = " or 出生年月/birth_month" if column.name == "age" else ""
        problems.append(Problem(shown, "columns", NO_VALUE, f"required column {column.zh[0]}/{column.name}"
                                f"{alternatives} is missing (accepted headers: {', '.join(column.headers)})"))
    info.columns = {mapping[c.name]: c.name for c in columns if c.name in mapping}
    table = table[[h for h in headers if h in used or normalise(h) in identifiers
                   or any(w in normalise(h) for w in _IDENTIFIER_WORDS)]]
    table.attrs["mapping"] = mapping
    table.attrs["identifiers"] = [h for h in table.columns if h not in used]
    return table, info, problems


def _csv(raw: bytes) -> tuple[pd.DataFrame, list[str]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:                                 # GB18030 is a superset of GBK and GB2312
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise ValueError("is neither UTF-8 nor GBK/GB18030 text; save it as CSV in one of them") from None
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
        # the header as written: pandas renames a repeated header (性别 → 性别.1), which must stop the run
        header = next(csv.reader(io.StringIO(text)), [])
        return table, header if len(header) == len(table.columns) else [str(h) for h in table.columns]
    except pd.errors.EmptyDataError:
        raise ValueError("is empty: a header row naming the columns is needed") from None
    except pd.errors.ParserError as error:
        # pandas names the line and the field counts, never the content
        raise ValueError(f"is not a well-formed CSV table ({str(error).strip()})") from None


def _parquet(raw: bytes) -> tuple[pd.DataFrame, list[str]]:
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except Exception:                              # pyarrow raises several types for a damaged file
        raise ValueError("is not a readable Parquet file") from None
    # a repeated column name is refused above (pyarrow will not make the frame)
    return (pd.DataFrame({name: _as_text(frame[name]) for name in frame.columns}, dtype=object),
            [str(name) for name in frame.columns])


def _as_text(series: pd.Series) -> pd.Series:
    """Parquet cells as the text a CSV would hold, so both formats are checked (and read) alike."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("")

    def text(value) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value)
    return series.map(text).astype(object)


def _header(header: str, k: int) -> str:
    """A header as shown to the user: a header that looks like data (no header row) is not shown."""
    return f"<column {k + 1}>" if _IDENTIFIER_LIKE.search(header) else header


# ---------------------------------------------------------------- checking cells

class _Cells:
    """Problems of one file, keyed by row, with the row's identifier cells for withholding values."""

    def __init__(self, table: pd.DataFrame, info: FileInfo):
        self.table, self.file = table, info.file
        self.bad = np.zeros(len(table), bool)
        self.found: list[tuple[int, int, Problem]] = []
        self.order = {h: k for k, h in enumerate(table.columns)}

    def add(self, rows: np.ndarray, header: str, message: str, show: bool = True) -> None:
        """Record `message` for each row index in `rows` at column `header`. `show`: the cell passed its
        column's check (a rule across cells failed), so it is a code, number or month and may be shown;
        any other value may be an identifier in the wrong column and is withheld."""
        identifiers = self.table.attrs["identifiers"]
        for i in np.flatnonzero(rows) if rows.dtype == bool else rows:
            value = self.table[header].iat[i] if header in self.table else NO_VALUE
            if value is not NO_VALUE and not normalise(value):
                value = NO_VALUE
            elif value is not NO_VALUE and (not show or _IDENTIFIER_LIKE.search(value)
                                            or any(value.strip() == str(self.table[h].iat[i]).strip()
                                                   for h in identifiers)):
                value = WITHHELD
            self.bad[i] = True
            self.found.append((i, self.order.get(header, 0),
                               Problem(self.file, f"row {i + 2}, column {header}", value, message)))

    def problems(self) -> list[Problem]:
        return [p for _, _, p in sorted(self.found, key=lambda x: (x[0], x[1]))]


def _parse(cells: pd.Series, column: Column, lookup: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Values (float64, NaN for empty) and a mask of cells that do not parse. Works on the distinct
    values, so a million-row column costs a dictionary lookup per row."""
    lookup = column.lookup if lookup is None else lookup
    parsed = {}
    for raw in pd.unique(cells):
        key = normalise(raw)
        if key == "":
            parsed[raw] = np.nan
        elif column.kind in ("code", "bool"):
            parsed[raw] = lookup.get(key, np.inf)
        elif column.kind == "month":
            parsed[raw] = _month(key)
        else:
            try:
                number = float(key.replace(",", ""))
            except ValueError:
                number = np.inf
            ok = column.low <= number <= column.high and (column.kind == "number" or number.is_integer())
            parsed[raw] = number if ok else np.inf
    values = cells.map(parsed).to_numpy(np.float64)
    bad = np.isinf(values)
    return np.where(bad, np.nan, values), bad


def _month(text: str) -> float:
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2100:
        return np.inf
    # months since year 0, as sim.params.months.month_number counts them (which accepts run months only)
    return float(int(match.group(1)) * 12 + int(match.group(2)) - 1)


def _district_labels(profile: dict) -> dict[str, int]:
    """District codes and Chinese names of the profile → district index."""
    codes = list(profile["districts"]["population_share"])
    names = profile["districts"].get("names_zh", {})
    table = {}
    for k, code in enumerate(codes):
        table[normalise(code)] = k
        if code in names:
            table[normalise(names[code])] = k
    return table


def _district_allowed(profile: dict) -> str:
    names = profile["districts"].get("names_zh", {})
    return "one of the profile's districts: " + ", ".join(
        f"{names[c]} ({c})" if c in names else c for c in profile["districts"]["population_share"])


def _check_column(cells: _Cells, column: Column, header: str, lookup=None, allowed: str | None = None) -> np.ndarray:
    values, bad = _parse(cells.table[header], column, lookup)
    blank = cells.table[header].map(lambda text: normalise(text) == "").to_numpy(bool)
    if column.name == "state":                       # say why a student or a retiree cannot start here
        rejected = np.array([normalise(v) in REJECTED_STATES for v in cells.table[header]], bool)
        cells.add(rejected, header, "students and retired persons are outside the working-age population the "
                  "model starts with (school leavers are added from the profile); remove the row")
        bad &= ~rejected
    cells.add(bad, header, f"must be {allowed or column.allowed()}", show=False)
    if column.blank == "error":
        cells.add(blank, header, f"is empty; must be {allowed or column.allowed()}", show=False)
    if column.blank == "no":
        values = np.where(np.isnan(values), 0.0, values)
    return values


def _check_persons(table: pd.DataFrame, info: FileInfo, profile: dict, districts: dict[str, int], start: str,
                   firm_ids: dict[str, int] | None) -> tuple[dict, np.ndarray, list[Problem]]:
    """Every cell and every rule across cells; returns fields, the rejected-row mask and the problems."""
    mapping = table.attrs["mapping"]
    cells = _Cells(table, info)
    values: dict[str, np.ndarray] = {}
    for column in PERSON_COLUMNS:
        header = mapping.get(column.name)
        if header is None or column.name == "firm_id":
            continue
        if column.name == "district":
            values["district"] = _check_column(cells, column, header, districts, _district_allowed(profile))
        else:
            values[column.name] = _check_column(cells, column, header)
    if "birth_month" in values:                    # a birth month is more precise than an age
        values.pop("age", None)
    state = values["state"]
    start_abs, start_label = month_number(start), start
    _check_age(cells, values, mapping, profile["retirement"], start_abs, start_label)
    unemployed = state == State.UNEMPLOYED
    other = ~np.isnan(state) & ~unemployed
    for name, what, empty in (("unemployment_months", "a nonzero duration", "0"), ("registered", "是", "否")):
        if name in values:
            cells.add(other & (np.nan_to_num(values[name]) > 0), mapping[name],
                      f"{what} is only allowed for state 失业 (unemployed); leave it empty or {empty} for other "
                      "states")
    if "ui_recipient" in values:
        not_registered = ~unemployed
        if "registered" in values:
            not_registered |= values["registered"] == 0
        cells.add(~np.isnan(state) & not_registered & (values["ui_recipient"] == 1), mapping["ui_recipient"],
                  "失业保险金 is only paid to registered unemployed persons (state 失业, 是否登记失业 是)")
    if "contrib_months" in values:
        _check_contributions(cells, values, mapping, start_abs, start_label)
    if "contrib_months" in values and "ui_contrib_months" in values:
        cells.add(values["ui_contrib_months"] > values["contrib_months"], mapping["ui_contrib_months"],
                  "must not exceed 累计缴费月数/contrib_months")
    if "school_leave_month" in values:
        cells.add(values["school_leave_month"] >= start_abs, mapping["school_leave_month"],
                  f"must be before the run start ({start_label}): persons still in school are not in the register")
    if "weight" in values:
        first = values["weight"][~np.isnan(values["weight"])][:1]
        if first.size:
            cells.add(values["weight"] != first[0], mapping["weight"],
                      f"must be the same on every row (the model has one weight per run; row 2 has {first[0]:g})")
    if firm_ids is not None:
        values["employer"] = _link_firms(cells, values, mapping, firm_ids)
    return values, cells.bad, cells.problems()


def _check_age(cells: _Cells, values: dict, mapping: dict, rules: dict, start_abs: int, start_label: str) -> None:
    """At least 16 and below the statutory retirement age at the start, judged at the latest birth
    month the row allows and with the later of women's two retirement ages, so no seed can change it."""
    name = "birth_month" if "birth_month" in values else "age"
    birth = values[name] if name == "birth_month" else start_abs - 12 * values["age"]
    known = ~np.isnan(birth) & ~np.isnan(values["sex"])
    safe_birth = np.where(known, birth, start_abs - 30 * 12).astype(np.int64)
    female = values["sex"] == 1
    retire = retirement_month_number(safe_birth, female, np.ones_like(female), rules)
    cells.add(known & (retire <= start_abs), mapping[name],
              f"at or past the statutory retirement age at the run start ({start_label}): retired persons are "
              "outside the working-age population")
    if name == "birth_month":
        cells.add(~np.isnan(birth) & (start_abs - birth < 16 * 12), mapping[name],
                  f"younger than 16 at the run start ({start_label})")


# assumption: a year of slack over the months since the 16th birthday (劳动法 §15: no work before 16), for
# records that count a month twice or an apprenticeship begun a little early; 720 months at 17 is a mistake
CONTRIBUTION_SLACK_MONTHS = 12


def _check_contributions(cells: _Cells, values: dict, mapping: dict, start_abs: int, start_label: str) -> None:
    """累计缴费月数 at most the months since the 16th birthday at the run start, plus the slack (with an age
    in whole years the latest birth month the age allows)."""
    if "birth_month" in values:
        since_16 = start_abs - values["birth_month"] - 16 * 12
    elif "age" in values:
        since_16 = 12 * (values["age"] - 16) + 11
    else:
        return
    limit = np.maximum(since_16, 0) + CONTRIBUTION_SLACK_MONTHS
    months = values["contrib_months"]
    cells.add(~np.isnan(since_16) & ~np.isnan(months) & (months > limit), mapping["contrib_months"],
              f"more contribution months than the months since the person's 16th birthday at the run start "
              f"({start_label}) plus {CONTRIBUTION_SLACK_MONTHS} (no work is insured before 16; with 年龄 in "
              f"years: at most 12 × (年龄 − 16) + {11 + CONTRIBUTION_SLACK_MONTHS})")


def _link_firms(cells: _Cells, values: dict, mapping: dict, firm_ids: dict[str, int]) -> np.ndarray:
    """Index of each employee's firm; local employees must name a firm of the firms file."""
    state = values["state"]
    header = mapping.get("firm_id")
    ids = cells.table[header].map(str.strip) if header else pd.Series([""] * len(state))
    employer = ids.map(lambda s: firm_ids.get(s, -2) if s else -1).to_numpy(np.int64)
    given = employer != -1
    location = values.get("work_location", np.full(len(state), np.nan))
    employed = state == State.EMPLOYED
    if header:
        # a firm id is any text (a name could stand there): never shown
        cells.add(given & (employer == -2), header, "is not a 单位编号/firm_id of the firms file (or its row there "
                  "is invalid)", show=False)
        cells.add(given & ~employed & ~np.isnan(state), header, "only employees (state 就业) have an employer; "
                  "leave it empty", show=False)
        cells.add(given & employed & (location > WorkLocation.LOCAL), header,
                  "a job away (工作地点 县外省内/省外) has no local employer; leave it empty", show=False)
    where = mapping.get("work_location", mapping.get("state"))
    cells.add(employed & ~given & (location == WorkLocation.LOCAL), where,
              "a local employee needs a 单位编号/firm_id of the firms file")
    values["work_location"] = np.where(employed & given, WorkLocation.LOCAL, location)
    return np.where(employer >= 0, employer, -1)


def _check_firms(table: pd.DataFrame, info: FileInfo, profile: dict, districts: dict[str, int],
                 start_abs: int) -> tuple[dict, np.ndarray, list[Problem]]:
    mapping = table.attrs["mapping"]
    cells = _Cells(table, info)
    values: dict[str, np.ndarray] = {}
    for column in FIRM_COLUMNS:
        header = mapping.get(column.name)
        if header is None:
            continue
        if column.name == "firm_id":
            ids = table[header].map(str.strip)
            cells.add(ids.to_numpy() == "", header, "is empty; every firm needs its 单位编号/firm_id", show=False)
            first = {}
            for i, fid in enumerate(ids):
                if fid and fid in first:
                    cells.add(np.array([i]), header, f"repeats the firm of row {first[fid] + 2}", show=False)
                first.setdefault(fid, i)
            values["firm_id"] = ids.to_numpy(object)
        elif column.name == "district":
            values["district"] = _check_column(cells, column, header, districts, _district_allowed(profile))
        else:
            values[column.name] = _check_column(cells, column, header)
    if "founded_month" in values:
        cells.add(values["founded_month"] >= start_abs, mapping["founded_month"], "must be before the run start")
    return values, cells.bad, cells.problems()


# ---------------------------------------------------------------- reporting

def _count(info: FileInfo, bad: np.ndarray) -> None:
    info.rows_rejected = int(bad.sum())
    info.rows_accepted = info.rows_read - info.rows_rejected
    info.rejected_rows = [int(i) + 2 for i in np.flatnonzero(bad)]


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_MESSAGES problems, then one line with the total and the rows affected."""
    if len(problems) <= MAX_MESSAGES:
        return problems
    rows = {p.key.split(",")[0] for p in problems if p.key.startswith("row ")}
    return problems[:MAX_MESSAGES] + [Problem(problems[0].file, "", NO_VALUE,
                                              f"… and {len(problems) - MAX_MESSAGES} more problems "
                                              f"({len(problems)} in all, in {len(rows)} rows)")]


def _ranges(rows: list[int]) -> str:
    """2, 3, 4, 9 → '2–4, 9'."""
    parts, k = [], 0
    while k < len(rows):
        j = k
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(str(rows[k]) if j == k else f"{rows[k]}–{rows[j]}")
        k = j + 1
    return ", ".join(parts)
