"""Checks of one value against its `Field`, one function per kind.

`check_value` never raises for a user's value: it returns the value normalised for storage (numbers
of float kinds as float, effective-month tables sorted) and a list of issues
``(sub_key_path, value, message)``; an empty list means the value is valid.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sim.codes import FUND_NAMES_ZH, GROUP_NAMES_ZH, MAX_ALL_OF_GROUPS, PAYEE_NAMES_ZH, Fund, GroupFlag
from sim.params.months import MONTH_RULE, is_month, month_number
from sim.schema import KINDS, Field

Issue = tuple[tuple[str, ...], Any, str]

FUND_NAMES = tuple(Fund.__members__)
FLAG_NAMES = tuple(GroupFlag.__members__)
SHARES_TOLERANCE = 1e-6
ALIASES = {zh: code.name for table in (FUND_NAMES_ZH, GROUP_NAMES_ZH, PAYEE_NAMES_ZH) for code, zh in table.items()}
"""Chinese name → English name of every fund, target group and payee: accepted wherever the English name is
(an analyst writes 就业补助资金 for employment_fund); stored as the English name."""
assert len(ALIASES) == len(FUND_NAMES_ZH) + len(GROUP_NAMES_ZH) + len(PAYEE_NAMES_ZH), "a Chinese name used twice"
FUND_SPLIT_TOLERANCE = 1e-9


def english_name(name: Any, allowed: Sequence[str]) -> Any:
    """The English name of a Chinese alias when that is one of `allowed`, else `name` unchanged."""
    english = ALIASES.get(name) if isinstance(name, str) else None
    return english if english in allowed else name


def suggest(word: str, allowed: Sequence[str], *, always_list: bool = False) -> str:
    """Return a did-you-mean suffix for `word`, or the list of allowed names when nothing is close.

    Parameters
    ----------
    word : str
        What the user wrote.
    allowed : sequence of str
        The valid names.
    always_list : bool
        Append the allowed names even when a close match was found (for short vocabularies).
    """
    close = difflib.get_close_matches(str(word), list(allowed), n=3, cutoff=0.6)
    listing = f"allowed: {', '.join(allowed)}" if allowed else "nothing is allowed here"
    if not close:
        return f"; {listing}"
    hint = " or ".join(repr(c) for c in close)
    return f" (did you mean {hint}?)" + (f"; {listing}" if always_list else "")


def format_number(x: float) -> str:
    """Format a bound for messages: 1.0 → "1", 0.25 → "0.25", 50000000 → "50000000"."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def toml_type(value: Any) -> str:
    """Name the TOML type of `value` as a user would recognise it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (dt.date, dt.time)):
        # an unquoted 2024-01-01 is a TOML date, not a string
        return 'a date (write months as quoted strings, e.g. "2024-01")'
    return type(value).__name__


def _expected(field: Field, value: Any, what: str | None = None) -> str:
    detail = ", ".join(part for part in (field.kind, field.unit) if part)
    also = ""
    if field.by_month:
        also = ' or a table of effective months { "YYYY-MM" = ' + ("{ … }" if field.kind == "table" else "…") + " }"
    return f"expected {what or KINDS[field.kind]}{also} ({detail}), got {toml_type(value)}"


def _range_message(field: Field) -> str:
    unit = f" ({field.unit})" if field.unit else ""
    if field.min is not None and field.max is not None:
        return f"must be between {format_number(field.min)} and {format_number(field.max)}{unit}"
    if field.min is not None:
        return f"must be at least {format_number(field.min)}{unit}"
    return f"must be at most {format_number(field.max)}{unit}"  # type: ignore[arg-type]


def _is_number(value: Any) -> bool:
    # TOML true is not 1: bool is a subclass of int and must be refused explicitly
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(field: Field, value: Any, integer: bool) -> tuple[Any, str | None]:
    """Check one number against the field's bounds; return (normalised, message or None)."""
    if integer and not (isinstance(value, int) and not isinstance(value, bool)):
        return value, _expected(field, value, KINDS["int"])
    if not _is_number(value):
        return value, _expected(field, value, KINDS["float"])
    if isinstance(value, float) and not math.isfinite(value):
        return value, "must be a finite number"
    if (field.min is not None and value < field.min) or (field.max is not None and value > field.max):
        return value, _range_message(field)
    return (value if integer else float(value)), None


def _scalar_checker(integer: bool) -> Callable[[Field, Any, str], tuple[Any, list[Issue]]]:
    def check(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
        norm, message = _number(field, value, integer)
        return norm, ([((), value, message)] if message else [])
    return check


def _check_bool(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    return value, ([] if isinstance(value, bool) else [((), value, _expected(field, value))])


def _check_str(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not isinstance(value, str):
        return value, [((), value, _expected(field, value))]
    if field.min is not None and len(value.strip()) < field.min:
        hint = f" ({field.description})" if field.description else ""
        return value, [((), value, f"must not be empty{hint}")]
    control = next((c for c in value if unicodedata.category(c) == "Cc" and c not in "\t\n\r"), None)
    if control is not None:
        return value, [((), value, f"holds the control character U+{ord(control):04X}; only printable text, tabs "
                                   "and line breaks are allowed")]
    return value, []


def _check_month(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not isinstance(value, str):
        return value, [((), value, _expected(field, value))]
    return value, ([] if is_month(value) else [((), value, f"must be {MONTH_RULE}")])


def _check_month_range(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not (isinstance(value, list) and len(value) == 2):
        return value, [((), value, _expected(field, value))]
    bad = [m for m in value if not is_month(m)]
    if bad:
        return value, [((), value, f"{bad[0]!r} is not {MONTH_RULE}")]
    first, last = value
    if month_number(last) < month_number(first):
        return value, [((), value, f"{name} ends before it starts ({last} is before {first})")]
    return list(value), []


def _check_flags(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not isinstance(value, list):
        return value, [((), value, _expected(field, value))]
    value = [english_name(flag, FLAG_NAMES) for flag in value]
    issues: list[Issue] = []
    for flag in value:
        if not isinstance(flag, str):
            issues.append(((), value, f"group flags are names, got {toml_type(flag)} {flag!r}"))
        elif flag not in GroupFlag.__members__:
            issues.append(((), value, f"unknown group flag {flag!r}"
                           + suggest(flag, FLAG_NAMES, always_list=True)))
    names = [f for f in value if isinstance(f, str)]
    duplicates = sorted({f for f in names if names.count(f) > 1})
    if duplicates:
        issues.append(((), value, f"group flag listed twice: {', '.join(duplicates)}"))
    return list(value), issues


def _check_groups(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    """Any-of entries, each a group flag or an all-of list of 2 … MAX_ALL_OF_FLAGS flags
    (「登记失业的16—24岁青年」 = ["reg_unemployed", "youth_16_24"]); at most MAX_ALL_OF_GROUPS lists."""
    if not isinstance(value, list):
        return value, [((), value, _expected(field, value))]
    issues: list[Issue] = []
    entries = []
    for entry in value:
        if isinstance(entry, list):
            if len(entry) < 2:
                issues.append(((), value, f"an all-of entry needs at least two group flags, got {entry!r} "
                               "(write a single flag as a plain name)"))
            entry, flag_issues = _check_flags(field, entry, name)
            issues.extend(((), value, f"in all-of entry {entry!r}: {message}") for _, _, message in flag_issues)
            entries.append(tuple(sorted(f for f in entry if isinstance(f, str))))
        elif isinstance(entry, str):
            [entry], flag_issues = _check_flags(field, [entry], name)
            issues.extend(flag_issues)
            entries.append(entry)
        else:
            issues.append(((), value, f"an entry is a group-flag name or a list of them (all of which must hold), "
                           f"got {toml_type(entry)} {entry!r}"))
    all_of = [e for e in entries if isinstance(e, tuple)]
    if len(all_of) > MAX_ALL_OF_GROUPS:
        issues.append(((), value, f"at most {MAX_ALL_OF_GROUPS} all-of entries per list ({len(all_of)} given)"))
    duplicates = sorted({str(list(e)) if isinstance(e, tuple) else e for e in entries if entries.count(e) > 1})
    if duplicates:
        issues.append(((), value, f"entry listed twice: {', '.join(duplicates)}"))
    return [list(e) if isinstance(e, tuple) else e for e in entries], issues


def _check_choice_list(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    choices = field.choices or ()
    if not isinstance(value, list):
        return value, [((), value, _expected(field, value, f"a list of: {', '.join(choices)}"))]
    value = [english_name(item, choices) for item in value]
    issues: list[Issue] = []
    for item in value:
        if not isinstance(item, str) or item not in choices:
            issues.append(((), value, f"unknown {name or 'name'} {item!r}"
                           + suggest(str(item), choices, always_list=True)))
    if len(set(map(str, value))) != len(value):
        issues.append(((), value, "a name is listed twice"))
    return list(value), issues


def _check_fund_split(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    value = english_name(value, FUND_NAMES)
    if isinstance(value, dict):
        value = {english_name(fund, FUND_NAMES): share for fund, share in value.items()}
    if isinstance(value, str):
        if value in Fund.__members__:
            return value, []
        return value, [((), value, f"unknown fund {value!r}" + suggest(value, FUND_NAMES, always_list=True))]
    if not isinstance(value, dict) or not value:
        return value, [((), value, _expected(field, value))]
    issues: list[Issue] = []
    norm: dict[str, float] = {}
    for fund, share in value.items():
        if fund not in Fund.__members__:
            issues.append(((fund,), share, f"unknown fund {fund!r}"
                           + suggest(fund, FUND_NAMES, always_list=True)))
        elif not _is_number(share) or not math.isfinite(share) or not 0 < share <= 1:
            issues.append(((fund,), share, "a fund's share must be a number in (0, 1]"))
        else:
            norm[fund] = float(share)
    if not issues and abs(sum(norm.values()) - 1.0) > FUND_SPLIT_TOLERANCE:
        issues.append(((), value, f"fund shares must sum to 1, got {sum(norm.values()):.10g}"))
    return norm, issues


def _check_enum(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    choices = field.choices or ()
    if not isinstance(value, str):
        return value, [((), value, _expected(field, value, f"one of: {', '.join(choices)}"))]
    value = english_name(value, choices)
    if value not in choices:
        return value, [((), value, f"unknown {name or 'name'} {value!r}"
                        + suggest(value, choices, always_list=True))]
    return value, []


def _number_table(field: Field, value: Any) -> tuple[dict[str, float], list[Issue]]:
    """Check a table of numbers: keys within `choices` (when given), each number within bounds."""
    if not isinstance(value, dict):
        return {}, [((), value, _expected(field, value))]
    issues: list[Issue] = []
    norm: dict[str, float] = {}
    for key, number in value.items():
        if field.choices is not None and key not in field.choices:
            issues.append(((key,), number, f"unknown key {key!r}" + suggest(key, field.choices)))
            continue
        checked, message = _number(field, number, integer=False)
        if message:
            issues.append(((key,), number, message))
        else:
            norm[key] = checked
    return norm, issues


def _check_shares(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    bounded = Field("float", unit=field.unit or "share", min=0.0, max=1.0, choices=field.choices)
    norm, issues = _number_table(bounded, value)
    if not isinstance(value, dict):
        return value, issues
    if field.choices is not None:
        missing = [c for c in field.choices if c not in value]
        if missing:
            issues.append(((), value, f"missing share for {', '.join(missing)} "
                           f"(keys must be exactly: {', '.join(field.choices)})"))
    if not issues and abs(sum(norm.values()) - 1.0) > SHARES_TOLERANCE:
        issues.append(((), value, f"shares must sum to 1, got {sum(norm.values()):.10g}"))
    return norm, issues


def _check_table(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    norm, issues = _number_table(field, value)
    return (norm if not issues else value), issues


def _check_names(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not isinstance(value, dict):
        return value, [((), value, _expected(field, value))]
    issues: list[Issue] = []
    for key, text in value.items():
        if field.choices is not None and key not in field.choices:
            issues.append(((key,), text, f"unknown key {key!r}" + suggest(key, field.choices)))
        elif not isinstance(text, str) or not text.strip():
            issues.append(((key,), text, "must be a non-empty string"))
    return dict(value), issues


def _check_schedule(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
    if not isinstance(value, list) or not value:
        return value, [((), value, _expected(field, value, "a non-empty list of [x, y] pairs"))]
    issues: list[Issue] = []
    norm: list[list[float]] = []
    for i, pair in enumerate(value, start=1):
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_number(v) for v in pair)):
            issues.append(((), value, f"entry {i} {pair!r} is not a pair of numbers [x, y]"))
            continue
        x, y = pair
        if not (math.isfinite(x) and math.isfinite(y)):
            issues.append(((), value, f"entry {i} {pair!r}: must be finite numbers"))
            continue
        y_checked, message = _number(field, y, integer=False)
        if message:
            issues.append(((), value, f"entry {i} {pair!r}: y {message}"))
        if norm and x <= norm[-1][0]:
            issues.append(((), value, f"entry {i} {pair!r}: x must be strictly increasing"))
        norm.append([float(x), float(y_checked)])
    return (norm if not issues else value), issues


def _list_checker(integer: bool) -> Callable[[Field, Any, str], tuple[Any, list[Issue]]]:
    def check(field: Field, value: Any, name: str) -> tuple[Any, list[Issue]]:
        if not isinstance(value, list):
            return value, [((), value, _expected(field, value))]
        issues: list[Issue] = []
        if field.length is not None and len(value) != field.length:
            issues.append(((), value, f"must have exactly {field.length} entries, got {len(value)}"))
        norm = []
        for i, item in enumerate(value, start=1):
            checked, message = _number(field, item, integer)
            if message:
                issues.append(((), value, f"entry {i} = {item!r}: {message}"))
            norm.append(checked)
        return (norm if not issues else value), issues
    return check


_CHECKERS: dict[str, Callable[[Field, Any, str], tuple[Any, list[Issue]]]] = {
    "int": _scalar_checker(integer=True),
    "float": _scalar_checker(integer=False),
    "bool": _check_bool,
    "str": _check_str,
    "month": _check_month,
    "month_range": _check_month_range,
    "flags": _check_flags,
    "groups": _check_groups,
    "fund_split": _check_fund_split,
    "enum": _check_enum,
    "choice_list": _check_choice_list,
    "shares": _check_shares,
    "table": _check_table,
    "names": _check_names,
    "schedule": _check_schedule,
    "list_float": _list_checker(integer=False),
    "list_int": _list_checker(integer=True),
}


def _check_by_month(field: Field, value: dict, name: str) -> tuple[Any, list[Issue]]:
    if not value:
        return value, [((), value, "a table of effective months needs at least one month")]
    issues: list[Issue] = []
    norm: dict[str, Any] = {}
    entry_field = replace(field, by_month=False)  # an entry is a plain value, not another table
    for month, item in value.items():
        if not is_month(month):
            issues.append(((month,), item, f"effective month {month!r} is not a valid month: "
                           f"must be {MONTH_RULE}"))
            continue
        checked, sub = _CHECKERS[field.kind](entry_field, item, name)
        issues.extend(((month,) + path, v, message) for path, v, message in sub)
        norm[month] = checked
    if issues:
        return value, issues
    return {month: norm[month] for month in sorted(norm, key=month_number)}, []


def check_value(field: Field, value: Any, name: str = "") -> tuple[Any, list[Issue]]:
    """Check `value` against `field`.

    Parameters
    ----------
    field : Field
        The declaration.
    value : Any
        The value as read from TOML (or passed as an override).
    name : str
        The key's last component, used in messages that name the parameter.

    Returns
    -------
    normalised : Any
        The value as stored (meaningful only when there are no issues).
    issues : list of (tuple of str, Any, str)
        Sub-key path below the field (``()`` for the field itself), offending value, message.
    """
    if is_by_month(field, value):
        return _check_by_month(field, value, name)
    return _CHECKERS[field.kind](field, value, name)


def is_by_month(field: Field, value: Any) -> bool:
    """True when `value` is given as a table of effective months: for a number, any table; for a table
    (whose plain value is a table too), one holding a table (`{"2025-01" = { a = 2490 }}`)."""
    if not (field.by_month and isinstance(value, dict)):
        return False
    return field.kind != "table" or any(isinstance(item, dict) for item in value.values())
