"""Moments of a run that calibration targets compare: the catalogue's outcome metrics and its derived
moments (`sim.metrics`, families `outcome` and `moment`: names, labels, units), all computed in this one
module from a run's tables.

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

Administrative ratios for the back-test against published figures (REAL_FIGURES.md; December value =
the calendar year's figure):

``reemployed_per_new_urban_job``
    失业人员再就业 ÷ 城镇新增就业, both running totals from January (provinces publish both).
``difficulty_per_new_urban_job``
    就业困难人员实现就业 ÷ 城镇新增就业, the same way.
``ui_benefit_months_per_claim``
    Benefit-months (Σ monthly ``ui_recipients``) ÷ new claims (Σ ``ui_claims_new``) since January: the
    mean months a claim is paid when inflow and outflow balance (national 2023 ≈ 5.5, issue 12).
``ui_recipients_per_contributor``
    Persons paid 失业保险金 in the year (as for ``ui_months_per_recipient``) ÷ UI contributors (mean
    ``insured_employees`` since January; national 2021: 608万 ÷ 22,958万 ≈ 2.6 %).
``active_spending_per_resident_ytd``
    Cash paid since January by active programmes (every instrument type but `PASSIVE_TYPES`) ÷ the
    locality's residents (profile ``population.residents``), yuan per resident.
``refunds_per_ui_contributor_ytd``
    稳岗返还 paid since January ÷ UI contributors (as above), yuan per contributor (national 2019 ≈ 757).

Outcome metrics have no district breakdown (the engine counts flows city-wide); a per-district target
of an outcome metric therefore has no simulated value (NaN), and says so in the comparison.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import REVENUE_FORGONE_FUNDS, InstrumentType, Outcome
from sim.metrics import MOMENTS
from sim.once import once

# not active programmes: benefits, refunds, relief and tax credits (issue 12 §"money per resident")
PASSIVE_TYPES = ("ui_benefit", "stabilization_refund", "contribution_relief", "tax_credit", "dibao_taper")
BY_DISTRICT = frozenset(m.name for m in MOMENTS if m.by_district)
TRAINING_TYPES = ("training_subsidy", "skill_upgrade_subsidy")


@once
def moment_series(results, metric: str, district: str | None = None) -> tuple[pd.Series, str]:
    """Monthly series of one moment from a run.

    Parameters
    ----------
    results : sim.results.Results
        A run's results (only `outcomes`, `costs`, `manifest` and, for loans, `records` are read).
    metric : str
        An outcome metric or derived moment of the catalogue (`sim.metrics.TARGET_METRICS`).
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
    if metric in _DERIVED:
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
    persons = _persons_paid_ui(results, months)
    return _year_running(paid) / persons.where(persons > 0), ""


def _ratio_of_running(numerator: str, denominator: str):
    def compute(results, months: list[str], _district) -> tuple[pd.Series, str]:
        top = _year_running(_metric(results, numerator, months))
        bottom = _year_running(_metric(results, denominator, months))
        return top / bottom.where(bottom > 0), ""
    return compute


def _persons_paid_ui(results, months: list[str]) -> pd.Series:
    """Persons paid 失业保险金 since January: January's recipients + the later months' new claims."""
    paid = _metric(results, "ui_recipients", months)
    claims = _metric(results, "ui_claims_new", months)
    first_of_year = pd.Series([i == 0 or label.endswith("-01") for i, label in enumerate(months)], index=months)
    return _year_running(paid.where(first_of_year, claims))


def _contributors(results, months: list[str]) -> pd.Series:
    """UI contributors: mean insured employees of local firms since January."""
    insured = _metric(results, "insured_employees", months)
    counts = _year_running(pd.Series(1.0, index=months))
    return _year_running(insured) / counts


def _ui_recipients_per_contributor(results, months: list[str], _district) -> tuple[pd.Series, str]:
    contributors = _contributors(results, months)
    return _persons_paid_ui(results, months) / contributors.where(contributors > 0), ""


def _cash_paid(results, months: list[str], keep) -> pd.Series:
    """Cash paid per month (yuan, mean over replications) by the cost rows `keep` selects."""
    costs = results.costs
    rows = costs[keep(costs) & ~costs["funding"].isin([fund.name for fund in REVENUE_FORGONE_FUNDS])]
    reps = costs["rep"].nunique() if "rep" in costs else 1
    return (rows.groupby("month")["amount_yuan"].sum() / max(reps, 1)).reindex(months, fill_value=0.0).astype(float)


def _active_per_resident(results, months: list[str], _district) -> tuple[pd.Series, str]:
    residents = results.manifest.get("locality_profile", {}).get("population", {}).get("residents")
    if not residents:
        return pd.Series(dtype=float), "the profile gives no population.residents"
    active = _cash_paid(results, months, lambda c: ~c["type"].isin(PASSIVE_TYPES))
    return _year_running(active) / residents, ""


def _refunds_per_contributor(results, months: list[str], _district) -> tuple[pd.Series, str]:
    refunds = _cash_paid(results, months, lambda c: c["type"] == "stabilization_refund")
    contributors = _contributors(results, months)
    return _year_running(refunds) / contributors.where(contributors > 0), ""


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
    "reemployed_per_new_urban_job": _ratio_of_running("reemployed_unemployed", "new_urban_jobs"),
    "difficulty_per_new_urban_job": _ratio_of_running("difficulty_employed", "new_urban_jobs"),
    "ui_benefit_months_per_claim": _ratio_of_running("ui_recipients", "ui_claims_new"),
    "ui_recipients_per_contributor": _ui_recipients_per_contributor,
    "active_spending_per_resident_ytd": _active_per_resident,
    "refunds_per_ui_contributor_ytd": _refunds_per_contributor,
}
