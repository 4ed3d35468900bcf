"""Outcome metrics: definitions (name, Chinese name, unit, meaning) and the monthly table.

Counts are estimates for the real population (sample counts × weight); rates are sample ratios.

城镇新增就业 is an administrative statistic: only the entries into work that the real-name employment
registration (实名制就业登记) records count. The model's entries (`new_jobs_gross`) are all entries; the
statistic (`new_jobs_recorded`, `new_urban_jobs`) applies the behaviour file's measurement parameter
``statistics.recorded_share_new_jobs`` to them here, and nowhere else: it changes no decision, no payment
and no other metric (docs/outcomes.md, docs/calibration.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.codes import Outcome as O


@dataclass(frozen=True)
class Metric:
    name: str
    name_zh: str
    unit: str
    definition: str


METRICS = (
    Metric("working_age_population", "劳动年龄人口", "persons", "persons aged 16 to statutory retirement, out of school"),
    Metric("labour_force", "劳动力", "persons", "employed (all kinds, incl. interns and away) + unemployed"),
    Metric("employed_formal", "单位就业(参保)", "persons", "state EMPLOYED: insured job at a local firm or away"),
    Metric("employed_away", "外出务工(参保)", "persons", "EMPLOYED with no local employer (outside the city)"),
    Metric("self_employed", "自主创业/个体", "persons", "state SELF_EMPLOYED"),
    Metric("flexible", "灵活就业", "persons", "state FLEXIBLE"),
    Metric("public_job", "公益性岗位", "persons", "state PUBLIC_JOB"),
    Metric("intern", "就业见习", "persons", "state INTERN"),
    Metric("training", "参加培训", "persons", "state TRAINING (out of the labour force while in full-time training)"),
    Metric("unemployed", "失业人员(调查口径)", "persons", "state UNEMPLOYED, registered or not"),
    Metric("inactive", "非劳动力", "persons", "state INACTIVE (incl. farm work, further study, care)"),
    Metric("retired", "已退休", "persons", "reached statutory retirement age during the run"),
    Metric("surveyed_unemployment_rate", "城镇调查失业率", "share", "unemployed ÷ labour force (all modelled residents)"),
    Metric("registered_unemployed", "登记失业人数", "persons", "UNEMPLOYED with the registered flag"),
    Metric("new_jobs_gross", "新就业人数(模型全部)", "persons/month",
           "all entries from non-employment into a local job, own business, flexible work or a public post, "
           "recorded or not"),
    Metric("new_jobs_gross_ytd", "新就业人数(模型全部,年累计)", "persons", "new_jobs_gross summed from January"),
    Metric("new_jobs_recorded", "城镇新就业人数(实名登记)", "persons/month",
           "new_jobs_gross × statistics.recorded_share_new_jobs: the entries the real-name registration records"),
    Metric("natural_attrition", "自然减员人数", "persons/month", "persons in local employment reaching retirement"),
    Metric("new_urban_jobs", "城镇新增就业", "persons/month", "new_jobs_recorded − natural_attrition"),
    Metric("new_urban_jobs_ytd", "城镇新增就业(年累计)", "persons", "new_urban_jobs summed from January"),
    Metric("reemployed_unemployed", "失业人员再就业", "persons/month", "registered unemployed entering any employment"),
    Metric("reemployed_unemployed_ytd", "失业人员再就业(年累计)", "persons", "summed from January"),
    Metric("difficulty_employed", "就业困难人员实现就业", "persons/month", "就业困难人员 entering any employment"),
    Metric("difficulty_employed_ytd", "就业困难人员实现就业(年累计)", "persons", "summed from January"),
    Metric("ui_recipients", "领取失业保险金人数", "persons", "persons paid 失业保险金 in the month"),
    Metric("ui_aid_recipients", "领取失业补助金人数", "persons", "persons paid 失业补助金 in the month"),
    Metric("ui_claims_new", "新增领取失业保险金人数", "persons/month", "claims started in the month"),
    Metric("graduates_entering", "离校进入劳动力市场人数", "persons/month", "school leavers of the month (all levels)"),
    Metric("graduate_destination_rate", "高校毕业生去向落实率", "share",
           "of this calendar year's higher-education leavers: employed, interning or in further study"),
    Metric("graduate_employment_rate", "高校毕业生就业率", "share", "of this year's higher-education leavers: employed"),
    Metric("business_starts", "新创业人数", "persons/month", "entries into self-employment"),
    Metric("business_closures", "创业失败/关闭", "persons/month", "businesses closed"),
    Metric("separations_involuntary", "非自愿离职", "persons/month", "layoffs, contract ends, firm exits"),
    Metric("separations_other", "自愿离职", "persons/month", "quits"),
    Metric("retirements", "退休人数", "persons/month", "persons reaching statutory retirement age"),
    Metric("firms_alive", "参保企业数", "firms", "live insured employers"),
    Metric("firm_births", "新设企业", "firms/month", "firms created in free slots"),
    Metric("firm_exits", "注销企业", "firms/month", "firms closed (employees laid off)"),
    Metric("vacancies", "岗位空缺", "posts", "vacancies posted in the month"),
    Metric("insured_employees", "参保职工人数", "persons", "month-end insured employees of local firms"),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}
RATE_METRICS = {"surveyed_unemployment_rate", "graduate_destination_rate", "graduate_employment_rate"}


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
        One float series per metric of `METRICS`.
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
    for name in ("new_jobs_gross", "new_urban_jobs", "reemployed_unemployed", "difficulty_employed"):
        v[name + "_ytd"] = _year_to_date(v[name], calendar_months)
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
    for metric in METRICS:
        series = values[metric.name]
        scale = 1.0 if metric.name in RATE_METRICS else weight
        rounded = np.round(series * scale, 6 if metric.name in RATE_METRICS else 2)
        frames.append(pd.DataFrame({"month": month_labels, "metric": metric.name, "value": rounded}))
    return pd.concat(frames, ignore_index=True)
