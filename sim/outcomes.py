"""Outcome metrics: the monthly series of the catalogue's `outcome` metrics (`sim.metrics`) from the
engine's counters, and the monthly table.

Counts are estimates for the real population (sample counts × weight); rates are sample ratios.

城镇新增就业 is an administrative statistic: only the entries into work that the real-name employment
registration (实名制就业登记) records count. The model's entries (`new_jobs_gross`) are all entries; the
statistic (`new_jobs_recorded`, `new_urban_jobs`) applies the behaviour file's measurement parameter
``statistics.recorded_share_new_jobs`` to them here, and nowhere else: it changes no decision, no payment
and no other metric (docs/outcomes.md, docs/calibration.md).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import Outcome as O
from sim.metrics import OUTCOMES


def outcome_values(outcomes: np.ndarray, calendar_months: np.ndarray, *,
                   recorded_share_new_jobs: float) -> dict[str, np.ndarray]:
    """Sample-level metric series (unweighted) from the engine's monthly outcome counters.

    Parameters
    ----------
    outcomes : numpy.ndarray
        The engine's counters, shape (months, `sim.codes.N_OUTCOMES`), sample persons.
    calendar_months : numpy.ndarray
        Calendar month (1–12) of each run month, for the running totals from January.
    recorded_share_new_jobs : float
        Share of entries into employment recorded by the real-name registration (behaviour
        ``statistics.recorded_share_new_jobs``, 0–1). Scales `new_jobs_recorded` and so `new_urban_jobs`
        only; natural attrition, 失业人员再就业 and 就业困难人员实现就业 are counted in full.

    Returns
    -------
    dict of str to numpy.ndarray
        One float series per outcome metric of the catalogue (`sim.metrics.OUTCOMES`).
    """
    if not 0.0 <= recorded_share_new_jobs <= 1.0:
        raise ValueError(f"recorded_share_new_jobs = {recorded_share_new_jobs!r}: must be between 0 and 1")
    o = outcomes.astype(np.float64)
    recorded = recorded_share_new_jobs * o[:, O.entries_to_employment]
    employed = o[:, O.stock_employed]
    unemployed = o[:, O.stock_unemployed]
    working = (o[:, O.stock_employed] + o[:, O.stock_self_employed] + o[:, O.stock_flexible]
               + o[:, O.stock_public_job] + o[:, O.stock_intern])
    labour_force = working + unemployed
    v = {
        "working_age_population": o[:, O.stock_employed:O.stock_retired].sum(axis=1),
        "labour_force": labour_force,
        "employed_formal": employed,
        "employed_away": o[:, O.stock_employed_away],
        "self_employed": o[:, O.stock_self_employed],
        "flexible": o[:, O.stock_flexible],
        "public_job": o[:, O.stock_public_job],
        "intern": o[:, O.stock_intern],
        "training": o[:, O.stock_training],
        "unemployed": unemployed,
        "inactive": o[:, O.stock_inactive],
        "retired": o[:, O.stock_retired],
        "surveyed_unemployment_rate": np.divide(unemployed, labour_force, out=np.full(len(o), np.nan),
                                                where=labour_force > 0),
        "registered_unemployed": o[:, O.registered_unemployed],
        "new_jobs_gross": o[:, O.entries_to_employment],
        "natural_attrition": o[:, O.natural_attrition],
        "new_jobs_recorded": recorded,
        "new_urban_jobs": recorded - o[:, O.natural_attrition],
        "reemployed_unemployed": o[:, O.reemployed_unemployed],
        "difficulty_employed": o[:, O.difficulty_employed],
        "ui_recipients": o[:, O.ui_recipients],
        "ui_aid_recipients": o[:, O.ui_aid_recipients],
        "ui_claims_new": o[:, O.ui_claims_new],
        "graduates_entering": o[:, O.graduates_entering],
        "graduate_destination_rate": np.divide(o[:, O.graduates_placed], o[:, O.graduates_cohort],
                                               out=np.full(len(o), np.nan), where=o[:, O.graduates_cohort] > 0),
        "graduate_employment_rate": np.divide(o[:, O.graduates_employed], o[:, O.graduates_cohort],
                                              out=np.full(len(o), np.nan), where=o[:, O.graduates_cohort] > 0),
        "business_starts": o[:, O.business_starts],
        "business_closures": o[:, O.business_closures],
        "separations_involuntary": o[:, O.separations_involuntary],
        "separations_other": o[:, O.separations_other],
        "retirements": o[:, O.retirements],
        "firms_alive": o[:, O.firms_alive],
        "firm_births": o[:, O.firm_births],
        "firm_exits": o[:, O.firm_exits],
        "vacancies": o[:, O.vacancies],
        "insured_employees": o[:, O.insured_employees],
    }
    for metric in OUTCOMES:
        if metric.running_of:
            v[metric.name] = _year_to_date(v[metric.running_of], calendar_months)
    return v


def _year_to_date(series: np.ndarray, calendar_months: np.ndarray) -> np.ndarray:
    out = np.empty_like(series)
    total = 0.0
    for t, (value, month) in enumerate(zip(series, calendar_months)):
        total = value if month == 1 or t == 0 else total + value
        out[t] = total
    return out


def outcomes_table(values: dict[str, np.ndarray], month_labels: list[str], weight: float) -> pd.DataFrame:
    """Long table `month, metric, value`: counts scaled by the weight (firms are sampled in proportion to
    persons, so they scale too), rates as they are."""
    frames = []
    for metric in OUTCOMES:
        series = values[metric.name]
        scale = 1.0 if metric.is_share else weight
        rounded = np.round(series * scale, 6 if metric.is_share else 2)
        frames.append(pd.DataFrame({"month": month_labels, "metric": metric.name, "value": rounded}))
    return pd.concat(frames, ignore_index=True)
