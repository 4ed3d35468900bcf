"""Moments of a run that calibration targets compare: the metrics of `sim.outcomes`, and the derived
moments below, all computed in this one module from a run's tables.

A moment is first a monthly series (index: month label ``YYYY-MM``); `at` then picks the months to
read (`reduce_series`). Derived moments are built so that their December value is the calendar year's
figure (running totals from January, like the ``*_ytd`` metrics):

``ui_months_per_recipient``
    Months of 失业保险金 paid per person paid in the year (DOMAIN_NOTES A19: 729亿 ÷ (1814 × 730万)
    ≈ 5.5 nationally in 2023). Person-months = Σ monthly ``ui_recipients`` since January; persons =
    ``ui_recipients`` of January (or of the run's first month) + ``ui_claims_new`` of the later months
    (a person paid in a month either was paid in January or started a claim since; a second claim in
    the same year counts twice, which is rare within twelve months).
``training_person_times_ytd``
    Subsidised training person-times since January: payments on the `main` line of
    ``training_subsidy`` and ``skill_upgrade_subsidy`` instruments in the costs table (one payment per
    course or certificate). By district when the target names one.
``onjob_training_person_times_ytd``
    The same for ``skill_upgrade_subsidy`` only (certificates of insured employees, 在职职工技能培训).
``guaranteed_loans_issued_yuan_ytd``
    创业担保贷款 principal issued since January, yuan: loans issued (engine counter `loans_issued`,
    weighted) × the expected principal of the scenario's guaranteed-loan instruments, ``limit`` ×
    (1 + ``min_share_of_limit``) ÷ 2 (principal is drawn uniformly in that range, docs/instruments.md
    §2.8). Needs the engine records (``sim.run(..., keep_records=True)``): NaN for results read from disk.

Outcome metrics have no district breakdown (the engine counts flows city-wide); a per-district target
of an outcome metric therefore has no simulated value (NaN), and says so in the comparison.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import InstrumentType, Outcome
from sim.outcomes import METRICS

DERIVED_MOMENTS = ("ui_months_per_recipient", "training_person_times_ytd", "onjob_training_person_times_ytd",
                   "guaranteed_loans_issued_yuan_ytd")
MOMENT_NAMES = tuple(m.name for m in METRICS) + DERIVED_MOMENTS
BY_DISTRICT = frozenset({"training_person_times_ytd", "onjob_training_person_times_ytd"})
TRAINING_TYPES = ("training_subsidy", "skill_upgrade_subsidy")


def moment_series(results, metric: str, district: str | None = None) -> tuple[pd.Series, str]:
    """Monthly series of one moment from a run.

    Parameters
    ----------
    results : sim.results.Results
        A run's results (only `outcomes`, `costs`, `manifest` and, for loans, `records` are read).
    metric : str
        A name of `MOMENT_NAMES`.
    district : str, optional
        A district code; only costs-based moments have a district breakdown.

    Returns
    -------
    series : pandas.Series
        Indexed by month label, float; averaged over replications when the run has several. Empty when
        the moment cannot be computed from these results.
    note : str
        Why the series is empty, else "".
    """
    months = _months(results)
    if district is not None and metric not in BY_DISTRICT:
        return pd.Series(dtype=float), "not produced by district (the engine counts outcomes city-wide)"
    if metric in DERIVED_MOMENTS:
        return _DERIVED[metric](results, months, district)
    outcomes = results.outcomes
    rows = outcomes[outcomes["metric"] == metric]
    return rows.groupby("month")["value"].mean().reindex(months).astype(float), ""


def reduce_series(series: pd.Series, at: str, year: int | None = None) -> float:
    """Read a monthly series as a target does.

    `year_end` and `august_end` average the December (August) values; `mean` averages every month.
    Only calendar years the run covers completely are read (a first year that starts in July has a
    half-year running total), unless `year` names one; with no complete year, every year is read.
    NaN when nothing is left (e.g. graduate rates outside the graduation season).
    """
    if series.empty:
        return float("nan")
    years = pd.Index([label[:4] for label in series.index])
    counts = pd.Series(1, index=years).groupby(level=0).sum()
    if year is not None:
        keep = years == f"{year:04d}"
    else:
        complete = set(counts[counts == 12].index)
        keep = years.isin(complete) if complete else np.ones(len(series), bool)
    picked = series[np.asarray(keep)]
    if at == "year_end":
        picked = picked[[label.endswith("-12") for label in picked.index]]
    elif at == "august_end":
        picked = picked[[label.endswith("-08") for label in picked.index]]
    picked = picked.dropna()
    return float(picked.mean()) if len(picked) else float("nan")


def _months(results) -> list[str]:
    return list(dict.fromkeys(results.outcomes["month"]))


def _year_running(values: pd.Series) -> pd.Series:
    """Running total from January (or from the first month of the series)."""
    years = [label[:4] for label in values.index]
    return values.groupby(years).cumsum()


def _metric(results, name: str, months: list[str]) -> pd.Series:
    rows = results.outcomes[results.outcomes["metric"] == name]
    return rows.groupby("month")["value"].mean().reindex(months).astype(float)


def _ui_months(results, months: list[str], _district) -> tuple[pd.Series, str]:
    paid = _metric(results, "ui_recipients", months)
    claims = _metric(results, "ui_claims_new", months)
    first_of_year = pd.Series([i == 0 or label.endswith("-01") for i, label in enumerate(months)], index=months)
    persons = _year_running(paid.where(first_of_year, claims))
    return _year_running(paid) / persons.where(persons > 0), ""


def _training(types: tuple[str, ...]):
    def compute(results, months: list[str], district) -> tuple[pd.Series, str]:
        costs = results.costs
        rows = costs[costs["type"].isin(types) & (costs["line"] == "main")]
        if district is not None:
            rows = rows[rows["district"] == district]
        reps = costs["rep"].nunique() if "rep" in costs else 1
        monthly = (rows.groupby("month")["payments"].sum() / max(reps, 1)).reindex(months, fill_value=0.0)
        return _year_running(monthly.astype(float)), ""
    return compute


def _loans(results, months: list[str], _district) -> tuple[pd.Series, str]:
    if not results.records:
        return pd.Series(dtype=float), "needs the engine records (run with keep_records=True)"
    issued = []
    for record in results.records:
        loans = [ins for ins in record.instruments if ins.type == InstrumentType.guaranteed_loan]
        if not loans:
            return pd.Series(dtype=float), "the scenario has no guaranteed_loan instrument"
        # one expected principal for all loans: the mean over the scenario's loan instruments
        principal = np.mean([np.mean(ins.params["limit"]) * (1 + np.mean(ins.params["min_share_of_limit"])) / 2
                             for ins in loans])
        issued.append(record.outcomes[:, Outcome.loans_issued] * record.population.weight * principal)
    monthly = pd.Series(np.mean(issued, axis=0), index=months)
    return _year_running(monthly), ""


_DERIVED = {
    "ui_months_per_recipient": _ui_months,
    "training_person_times_ytd": _training(TRAINING_TYPES),
    "onjob_training_person_times_ytd": _training(("skill_upgrade_subsidy",)),
    "guaranteed_loans_issued_yuan_ytd": _loans,
}
