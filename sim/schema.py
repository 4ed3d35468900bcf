"""The declarative parameter schema: one `Field` per parameter, nested dicts for sections.

A `Schema` maps keys to a `Field` (a value) or to another `Schema` (a section). A section may also
carry cross-field checks under the key `CHECKS` ("__checks__"): callables that receive the section's
validated values (defaults filled) and return ``(key, value, message)`` triples, `key` relative to
the section and dotted for deeper keys. Checks run only when nothing in the section (including its
sub-sections) had a problem, so they may assume the declared kinds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Union


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


REQUIRED: Any = _Sentinel("REQUIRED")
"""Default of a field that must be given."""

DERIVED: Any = _Sentinel("DERIVED")
"""Default of a field whose value the validator fills from its context (e.g. `valid` = whole run)."""

CHECKS = "__checks__"

Check = Callable[[dict], list[tuple[str, Any, str]]]

KINDS = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "str": "a string",
    "month": 'a month "YYYY-MM"',
    "month_range": 'a pair of months ["YYYY-MM", "YYYY-MM"]',
    "flags": "a list of group-flag names",
    "groups": 'a list of group-flag names or all-of lists of them, e.g. [["reg_unemployed", "youth_16_24"], "graduate_2y"]',
    "fund_split": "a fund name or a table { fund = share, … }",
    "enum": "one of the listed names",
    "choice_list": "a list of the listed names",
    "shares": "a table of shares summing to 1",
    "table": "a table of numbers",
    "names": 'a table of names { key = "text", … }',
    "schedule": "a list of [x, y] pairs",
    "list_float": "a list of numbers",
    "list_int": "a list of integers",
}
"""Every kind a field may have, with the phrase error messages use for it."""

NUMERIC_KINDS = frozenset({"int", "float"})
BY_MONTH_KINDS = NUMERIC_KINDS | {"table"}     # kinds whose value may change by effective month


@dataclass(frozen=True)
class Field:
    """One parameter: its kind, unit, meaning, default and allowed values.

    Parameters
    ----------
    kind : str
        One of `KINDS`.
    unit : str
        Unit of the value (or of each number in a table, list or the y of a schedule).
    description : str
        What the parameter means; for defaults, where the default comes from.
    default : Any
        `REQUIRED` when the key must be given, `DERIVED` when the validator fills it, else the value.
    min, max : float or None
        Inclusive bounds on numbers (each entry of tables and lists, the y of schedules). For kind
        ``str``, `min` is the minimum length after stripping blanks (``min=1``: must not be empty).
    choices : tuple of str or None
        Allowed names for ``enum``; the exact keys of ``shares``; the allowed keys of ``table`` and
        ``names``.
    by_month : bool
        The value may also be a table of effective months ``{"2023-01" = 0.6, "2024-01" = 0.3}``.
        Only numeric kinds and ``table`` may be ``by_month``; a ``table`` by month has a table per
        month, ``{"2021-08" = { a = 2280, b = 2070 }, "2025-01" = { a = 2490, b = 2260 }}``.
    length : int or None
        Exact length of ``list_float`` / ``list_int``.
    name_zh : str
        Chinese name for reports.
    """

    kind: str
    unit: str = ""
    description: str = ""
    default: Any = REQUIRED
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    by_month: bool = False
    length: int | None = None
    name_zh: str = ""

    def __post_init__(self) -> None:
        # schema mistakes are programming errors: fail at import, not when a user's file is read
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}; kinds: {', '.join(KINDS)}")
        if self.kind in ("enum", "choice_list") and not self.choices:
            raise ValueError(f"a {self.kind} field needs choices")
        if self.by_month and self.kind not in BY_MONTH_KINDS:
            raise ValueError(f"by_month is only allowed for numeric kinds and tables, not {self.kind!r}")
        if self.choices is not None and not isinstance(self.choices, tuple):
            raise ValueError("choices must be a tuple")

    @property
    def required(self) -> bool:
        """True when the key must be given."""
        return self.default is REQUIRED


Schema = dict[str, Union[Field, "Schema", tuple[Check, ...]]]


def schema_keys(schema: Schema) -> list[str]:
    """Return the parameter and section keys of `schema` (without special keys such as checks)."""
    return [key for key in schema if not key.startswith("__")]


def named(schema: Schema, names: dict[str, str]) -> Schema:
    """`schema` with each field's Chinese name (`name_zh`, for reports) set from `names`, keyed by the
    field's dotted path in the schema (`"population.residents"`) or, with a key without dots that is no
    path of the schema, by its leaf key wherever it occurs (an instrument type's `amount`). A field's own
    `name_zh` wins. A path that names no field is a programming error (a stale name): it fails at import."""
    paths = {path for path, _ in _fields(schema)}
    stale = [key for key in names if "." in key and key not in paths]
    if stale:
        raise ValueError(f"names for fields that do not exist: {', '.join(stale)}")
    return _named(schema, names, "")


def _fields(schema: Schema, prefix: str = ""):
    for key, node in schema.items():
        if isinstance(node, Field):
            yield prefix + key, node
        elif isinstance(node, dict):
            yield from _fields(node, f"{prefix}{key}.")


def _named(schema: Schema, names: dict[str, str], prefix: str) -> Schema:
    out: Schema = {}
    for key, node in schema.items():
        if isinstance(node, Field) and not node.name_zh:
            name = names.get(prefix + key) or names.get(key, "")
            out[key] = replace(node, name_zh=name) if name else node
        elif isinstance(node, dict):
            out[key] = _named(node, names, f"{prefix}{key}.")
        else:
            out[key] = node
    return out
