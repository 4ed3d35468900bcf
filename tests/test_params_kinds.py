"""One value against one Field: every kind, its bounds, and effective-month tables."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.params import Field
from sim.params.kinds import check_value
from sim.params.months import by_month_array, month_label

SHARE = Field("float", unit="share", min=0.0, max=1.0)


def messages(field: Field, value, name: str = "x") -> list[str]:
    return [message for _, _, message in check_value(field, value, name)[1]]


@pytest.mark.parametrize("field, value", [
    (Field("int", min=0), 0),
    (Field("int"), -5),
    (SHARE, 0), (SHARE, 1), (SHARE, 0.5),
    (Field("bool"), False),
    (Field("str"), ""),
    (Field("str", min=1), "x"),
    (Field("month"), "1990-01"), (Field("month"), "2100-12"),
    (Field("month_range"), ["2024-01", "2024-01"]),
    (Field("flags"), []), (Field("flags"), ["p4050", "dibao"]),
    (Field("fund_split"), "ui_fund"),
    (Field("fund_split"), {"ui_fund": 1 / 3, "employment_fund": 1 / 3, "rural_fund": 1 / 3}),
    (Field("enum", choices=("a", "b")), "b"),
    (Field("shares", choices=("sme", "large")), {"large": 0.3, "sme": 0.7}),
    (Field("shares"), {"a": 0.1, "b": 0.2, "c": 0.7 + 5e-7}),
    (Field("table", min=0), {"anything": 3}),
    (Field("table", choices=("sme", "large"), min=0, max=1), {"sme": 0.6}),
    (Field("names", choices=("a", "b")), {"a": "甲"}),
    (Field("schedule", min=0, max=60), [[0, 6], [1, 12], [5.5, 18]]),
    (Field("list_float", min=0, max=1, length=3), [0, 0.5, 1]),
    (Field("list_int", min=1), [1, 2, 3]),
    (Field("float", by_month=True), {"2023-01": 1, "2024-01": 2.5}),
])
def test_valid_values(field: Field, value) -> None:
    assert messages(field, value) == []


@pytest.mark.parametrize("field, value, words", [
    (Field("int"), True, ["expected an integer", "got a boolean"]),
    (Field("int"), 1.0, ["expected an integer", "got a float"]),
    (Field("int", unit="months", min=1, max=600), 601, ["must be between 1 and 600 (months)"]),
    (Field("int", min=0), -1, ["must be at least 0"]),
    (Field("float", max=60), 61, ["must be at most 60"]),
    (SHARE, True, ["expected a number", "share", "got a boolean"]),
    (SHARE, "0.5", ["expected a number (float, share), got a string"]),
    (SHARE, math.nan, ["finite"]),
    (Field("float"), math.inf, ["finite"]),
    (SHARE, 1.0000001, ["must be between 0 and 1 (share)"]),
    (Field("bool"), 1, ["expected true or false", "got an integer"]),
    (Field("str"), 3, ["expected a string"]),
    (Field("str", min=1, description="cite it"), "  ", ["must not be empty (cite it)"]),
    (Field("month"), "2024-1", ["YYYY-MM"]),
    (Field("month"), "1989-12", ["year 1990–2100"]),
    (Field("month"), "2024-00", ["month 01–12"]),
    (Field("month"), dt.date(2024, 1, 1), ["got a date", "quoted"]),
    (Field("month_range"), ["2024-01"], ["pair of months"]),
    (Field("month_range"), ["2024-01", "2024-13"], ["'2024-13' is not a month"]),
    (Field("month_range"), ["2024-02", "2024-01"], ["x ends before it starts"]),
    (Field("flags"), "p4050", ["list of group-flag names", "got a string"]),
    (Field("flags"), ["p4050", "p4050"], ["listed twice: p4050"]),
    (Field("flags"), ["P4050"], ["unknown group flag 'P4050'", "did you mean 'p4050'"]),
    (Field("flags"), [3], ["group flags are names"]),
    (Field("fund_split"), {"ui_fund": 0.5, "employment_fund": 0.5 + 1e-8}, ["must sum to 1"]),
    (Field("fund_split"), {"ui_fund": 0.0, "employment_fund": 1.0}, ["(0, 1]"]),
    (Field("fund_split"), {"ui_fund": 1.5}, ["(0, 1]"]),
    (Field("fund_split"), {}, ["fund name or a table"]),
    (Field("fund_split"), {"uifund": 1.0}, ["unknown fund 'uifund'", "did you mean 'ui_fund'"]),
    (Field("enum", choices=("benefit", "contribution_floor")), "benfit",
     ["unknown x 'benfit'", "did you mean 'benefit'", "allowed: benefit, contribution_floor"]),
    (Field("enum", choices=("a", "b")), 1, ["one of: a, b"]),
    (Field("shares", choices=("sme", "large")), {"sme": 0.7}, ["missing share for large"]),
    (Field("shares", choices=("sme", "large")), {"sme": 0.7, "large": 0.3, "huge": 0.0},
     ["unknown key 'huge'"]),
    (Field("shares"), {"a": 0.5, "b": 0.49}, ["must sum to 1, got 0.99"]),
    (Field("shares"), {"a": 1.5, "b": -0.5}, ["must be between 0 and 1"]),
    (Field("table", choices=("sme", "large")), {"smee": 1}, ["did you mean 'sme'"]),
    (Field("table", min=0), {"a": -1}, ["must be at least 0"]),
    (Field("table"), {"a": "1"}, ["expected a number"]),
    (Field("names"), {"a": ""}, ["non-empty string"]),
    (Field("names", choices=("a",)), {"b": "乙"}, ["unknown key 'b'"]),
    (Field("schedule"), [], ["non-empty list of [x, y] pairs"]),
    (Field("schedule"), [[1, 2, 3]], ["entry 1 [1, 2, 3] is not a pair"]),
    (Field("schedule"), [[1, 2], [1, 3]], ["entry 2 [1, 3]: x must be strictly increasing"]),
    (Field("schedule", unit="months", max=60), [[1, 61]], ["entry 1 [1, 61]: y must be at most 60"]),
    (Field("list_float", length=4), [0.1], ["exactly 4 entries, got 1"]),
    (Field("list_int", min=0), [1, -2], ["entry 2 = -2: must be at least 0"]),
    (Field("list_int"), [1, 2.0], ["entry 2 = 2.0", "expected an integer"]),
    (Field("float", by_month=True), "x", ["or a table of effective months"]),
    (Field("float", by_month=True), {}, ["at least one month"]),
    (Field("float", by_month=True, max=1), {"2024-01": 2}, ["must be at most 1"]),
    (Field("float", by_month=True), {"2024-13": 1}, ["effective month '2024-13' is not a valid month"]),
])
def test_invalid_values(field: Field, value, words: list[str]) -> None:
    found = messages(field, value)
    assert found, f"{value!r} passed"
    assert any(all(w in m for w in words) for m in found), found


def test_effective_month_issue_names_the_month() -> None:
    _, issues = check_value(Field("float", by_month=True, max=1), {"2024-01": 0.5, "2024-02": 7})
    assert [(path, value) for path, value, _ in issues] == [(("2024-02",), 7)]


def test_normalisation() -> None:
    assert check_value(SHARE, 1)[0] == 1.0 and isinstance(check_value(SHARE, 1)[0], float)
    value, _ = check_value(Field("float", by_month=True), {"2024-05": 1, "2023-01": 2})
    assert list(value.items()) == [("2023-01", 2.0), ("2024-05", 1.0)]
    assert check_value(Field("schedule"), [[1, 12]])[0] == [[1.0, 12.0]]
    # tables keep the author's key order (the lead's district checks compare orders)
    assert list(check_value(Field("table"), {"b": 1, "a": 2})[0]) == ["b", "a"]


def test_schema_mistakes_fail_at_definition() -> None:
    with pytest.raises(ValueError):
        Field("number")
    with pytest.raises(ValueError):
        Field("enum")
    with pytest.raises(ValueError):
        Field("shares", by_month=True)


def _naive(table: dict[str, float], default: float, start: str, months: int) -> list[float]:
    """Reference: for each month, the latest effective month not after it."""
    out = []
    for t in range(months):
        label = month_label(start, t)
        in_force = [m for m in table if m <= label]  # "YYYY-MM" strings sort by time
        out.append(table[max(in_force)] if in_force else default)
    return out


@settings(max_examples=200, deadline=None)
@given(offsets=st.dictionaries(st.integers(-30, 40), st.floats(0, 10), min_size=1, max_size=6),
       months=st.integers(1, 36), default=st.floats(0, 10))
def test_by_month_array_matches_reference(offsets: dict[int, float], months: int,
                                          default: float) -> None:
    start = "2024-06"
    table = {month_label(start, k): v for k, v in offsets.items()}
    dense = by_month_array(table, default, start, months)
    assert dense.dtype == np.float64 and dense.shape == (months,)
    assert dense.tolist() == _naive(table, default, start, months)
