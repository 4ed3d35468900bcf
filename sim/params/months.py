"""Calendar months as "YYYY-MM" strings and run-month indices.

A run month index t counts months from the scenario start (t = 0 is the start month). Kernels see
only indices; files and reports use labels.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

# ASCII digits to the very end (\d would take full-width digits, $ a trailing newline)
MONTH_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
FIRST_YEAR = 1990
LAST_YEAR = 2100
MONTH_RULE = f'a month "YYYY-MM" (month 01–12, year {FIRST_YEAR}–{LAST_YEAR})'
FIRST_MONTH = f"{FIRST_YEAR:04d}-01"     # the effective month of a value in force since before any date


def is_month(text: object) -> bool:
    """Return True when `text` is a month label "YYYY-MM" inside the supported calendar."""
    if not isinstance(text, str):
        return False
    match = MONTH_PATTERN.match(text)
    if match is None:
        return False
    year, month = int(match.group(1)), int(match.group(2))
    return FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12


def calendar_month(start: str, t: int) -> int:
    """Calendar month (1–12) of run month t."""
    return (month_number(start) + t) % 12 + 1


def month_number(month: str) -> int:
    """Return months since year 0 for a label ("2024-01" → 2024 × 12).

    Raises
    ------
    ValueError
        If `month` is not a valid label (callers validate first; this guards programming errors).
    """
    if not is_month(month):
        raise ValueError(f"not {MONTH_RULE}: {month!r}")
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_index(start: str, month: str) -> int:
    """Return the run-month index of `month` in a run starting at `start`.

    Parameters
    ----------
    start, month : str
        Month labels "YYYY-MM".

    Returns
    -------
    int
        Months from `start` to `month`; negative when `month` is before the start.
    """
    return month_number(month) - month_number(start)


def month_label(start: str, t: int) -> str:
    """Return the label "YYYY-MM" of run month `t` (t = 0 is `start`).

    Parameters
    ----------
    start : str
        First month of the run.
    t : int
        Run-month index; may be negative or beyond the run.
    """
    year, month0 = divmod(month_number(start) + int(t), 12)
    return f"{year:04d}-{month0 + 1:02d}"


def by_month_array(value: float | Mapping[str, float], default: float | None, start: str,
                   months: int) -> np.ndarray:
    """Expand a scalar or an effective-month table into one value per run month.

    Parameters
    ----------
    value : float or mapping of str to float
        A scalar, or ``{"2023-01": 0.6, "2024-01": 0.3}``: each value is in force from its month
        until the next listed month.
    default : float or None
        Value in force before the first effective month; None when the caller has checked that the
        first effective month is not after `start`.
    start : str
        First month of the run.
    months : int
        Length of the run.

    Returns
    -------
    numpy.ndarray
        float64 array of length `months`.
    """
    if not isinstance(value, Mapping):
        return np.full(months, float(value), dtype=np.float64)
    out = np.full(months, np.nan if default is None else float(default), dtype=np.float64)
    # later effective months overwrite earlier ones from their own index onward
    for month in sorted(value, key=month_number):
        first = max(month_index(start, month), 0)
        if first < months:
            out[first:] = float(value[month])
    return out


def in_force(value, month: str):
    """The value of a scalar or of an effective-month table in force in `month`; before the table's first
    effective month, its earliest value (a locality profile's tables describe the past: the earliest value
    it gives is taken to have been in force before, as `sim.inputs` does for the run's months)."""
    if not isinstance(value, Mapping):
        return value
    months = sorted(value, key=month_number)
    started = [m for m in months if month_number(m) <= month_number(month)]
    return value[started[-1] if started else months[0]]
