"""Baseline checks: what a finance reviewer checks first on a baseline run (issue 12, "done means" 1–6).

`baseline_checks(results)` returns one row per check, city and (where it applies) complete calendar
year: the model's value, the allowed range and whether it passes. The ranges are the issue's; the
published figures they rest on are in the locality's `targets.toml` (province ratios, 城镇新增就业,
unemployment) with their sources, and in REAL_FIGURES.md:

1. ``cold_start.<type>`` — for each continuing monthly subsidy type (`CONTINUING_TYPES`) paid in the
   first and the last reported month: mean monthly cost of the last 3 months ÷ of the first 3, 0.6–1.67.
2. ``active_spending_per_resident`` — cash paid by active programmes (every type but
   `sim.moments.PASSIVE_TYPES`) per resident (profile ``population.residents``) in each complete year,
   25–160 元 (national 就业补助资金 ≈ 71 元, Guizhou ≈ 58 元 a year, REAL_FIGURES "ratios").
3. ``ui_benefit_months_per_claim`` — benefit-months ÷ new claims in each complete year, 4.5–7
   (national 2023 ≈ 5.5).
4. ``reemployed_per_new_urban_job`` / ``difficulty_per_new_urban_job`` — in each complete year, within
   a factor 1.6 of the province's published ratio (the target of that metric in targets.toml).
5. ``new_urban_jobs`` within ±5 % of the city's target; ``unemployment_rate`` inside the band of the
   city's unemployment target — each complete year.
6. ``no_negative_or_nan`` — no negative payment, balance or months of cover and no missing or infinite
   number where the results define one (blank cells are "not applicable": the revenue, balance and
   cover of funds without an account here, graduate rates in months without graduates).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.moments import moment_series, reduce_series
from sim.metrics import SHARES
from sim.targets import load_targets, targets_path

CONTINUING_TYPES = ("hiring_si_subsidy", "flexible_si_subsidy", "public_job", "ui_benefit")
COLD_START_BAND = (0.6, 1.67)            # issue 12 done-means 1
ACTIVE_PER_RESIDENT_BAND = (25.0, 160.0)  # issue 12 done-means 2, yuan per resident a year
UI_MONTHS_BAND = (4.5, 7.0)              # issue 12 done-means 3
RATIO_FACTOR = 1.6                       # issue 12 done-means 4: within 1.6× of the province's ratio
RATIO_METRICS = ("reemployed_per_new_urban_job", "difficulty_per_new_urban_job")
COLUMNS = ["check", "check_zh", "city", "year", "value", "low", "high", "passed", "note"]
CHECK_ZH = {
    "cold_start": "冷启动(末3月÷首3月月均支出)",
    "active_spending_per_resident": "积极就业政策人均支出(元/常住人口·年)",
    "ui_benefit_months_per_claim": "失业保险金人均领取月数(领取人月÷新增领取)",
    "reemployed_per_new_urban_job": "失业人员再就业÷城镇新增就业",
    "difficulty_per_new_urban_job": "就业困难人员就业÷城镇新增就业",
    "new_urban_jobs": "城镇新增就业(相对目标)",
    "unemployment_rate": "城镇调查失业率(目标区间)",
    "no_negative_or_nan": "无负值、无缺失(结果文件)",
}


def baseline_checks(results, targets: list | None = None) -> pd.DataFrame:
    """Every baseline check of one run, one row per check and complete year (`COLUMNS`).

    Parameters
    ----------
    results : sim.results.Results
        A baseline run (in memory or `Results.load`); replications are averaged.
    targets : list of sim.targets.Target, optional
        The locality's targets (default: `calibration/<locality>/targets.toml`).
    """
    city = results.manifest["locality"]
    if targets is None:
        targets = load_targets(city) if targets_path(city).exists() else []
    rows = _cold_start(results) + _per_year(results, "active_spending_per_resident_ytd",
                                            "active_spending_per_resident", ACTIVE_PER_RESIDENT_BAND)
    rows += _per_year(results, "ui_benefit_months_per_claim", "ui_benefit_months_per_claim", UI_MONTHS_BAND)
    for metric in RATIO_METRICS:
        target = _target(targets, metric)
        if target is None:
            rows.append((metric, None, math.nan, math.nan, math.nan, False,
                         f"no {metric} target in calibration/{city}/targets.toml"))
            continue
        band = (target.value / RATIO_FACTOR, target.value * RATIO_FACTOR)
        rows += _per_year(results, metric, metric, band, note=f"province {target.value:.3f}: {target.source}")
    for check, metric in (("new_urban_jobs", "new_urban_jobs_ytd"), ("unemployment_rate", "surveyed_unemployment_rate")):
        chosen = [t for t in targets if t.metric == metric and t.district is None]
        if not chosen:
            rows.append((check, None, math.nan, math.nan, math.nan, False,
                         f"no {metric} target in calibration/{city}/targets.toml"))
        for target in chosen:                   # every city-wide target of the metric (a level and a ceiling)
            rows += _per_year(results, metric, check, target.band(), at=target.at,
                              note=f"{target.name}: {target.source}", year=target.year)
    problems = result_problems(results)
    rows.append(("no_negative_or_nan", None, float(len(problems)), 0.0, 0.0, not problems, "; ".join(problems[:5])))
    frame = pd.DataFrame(rows, columns=["check", "year", "value", "low", "high", "passed", "note"])
    frame.insert(1, "check_zh", [CHECK_ZH[c.split(".")[0]] + (f" {c.split('.')[1]}" if "." in c else "")
                                 for c in frame["check"]])
    frame.insert(2, "city", city)
    frame["year"] = frame["year"].astype("Int64")
    return frame[COLUMNS]


def complete_years(results) -> list[int]:
    """Calendar years the run covers with all twelve months."""
    months = pd.Series(pd.unique(results.outcomes["month"]))
    counts = months.str.slice(0, 4).value_counts()
    return sorted(int(year) for year, n in counts.items() if n == 12)


def _target(targets: list, metric: str):
    """The city-wide target of a metric (the first one in the file), or None."""
    return next((t for t in targets if t.metric == metric and t.district is None), None)


def _per_year(results, metric: str, check: str, band: tuple[float, float], at: str = "year_end",
              note: str = "", year: int | None = None) -> list[tuple]:
    """One row per complete year (only `year` when the target names one)."""
    series, why = moment_series(results, metric)
    rows = []
    for year in [y for y in complete_years(results) if year is None or y == year]:
        value = reduce_series(series, at, year)
        passed = bool(math.isfinite(value) and band[0] <= value <= band[1])
        rows.append((check, year, value, band[0], band[1], passed, why or note))
    if not rows:
        rows.append((check, None, math.nan, band[0], band[1], False, "the run has no complete calendar year"))
    return rows


def _cold_start(results) -> list[tuple]:
    """Last-3 ÷ first-3 months mean cost of each continuing type paid in the first and the last month."""
    costs = results.costs
    reps = costs["rep"].nunique() if "rep" in costs else 1
    months = list(pd.unique(results.outcomes["month"]))
    if len(months) < 6:
        return [("cold_start", None, math.nan, *COLD_START_BAND, False, "the run is shorter than 6 months")]
    rows = []
    for kind in CONTINUING_TYPES:
        monthly = (costs[costs["type"] == kind].groupby("month")["amount_yuan"].sum() / reps).reindex(months,
                                                                                                     fill_value=0.0)
        if monthly.empty or monthly.iloc[0] <= 0 or monthly.iloc[-1] <= 0:
            continue                               # not a programme paid throughout the run
        ratio = float(monthly.iloc[-3:].mean() / monthly.iloc[:3].mean())
        rows.append((f"cold_start.{kind}", None, ratio, *COLD_START_BAND,
                     bool(COLD_START_BAND[0] <= ratio <= COLD_START_BAND[1]),
                     f"{months[0]}–{months[2]} {monthly.iloc[:3].mean() / 1e4:,.1f} 万元/月; "
                     f"{months[-3]}–{months[-1]} {monthly.iloc[-3:].mean() / 1e4:,.1f} 万元/月"))
    return rows


def result_problems(results) -> list[str]:
    """Negative payments, balances or cover, and missing or infinite numbers where a value is defined,
    in the run's costs, budget, outcomes and funds (one line per table and column)."""
    problems = []
    money = ("amount_yuan", "claimed_yuan", "unfunded_yuan", "central_yuan", "provincial_yuan", "city_yuan",
             "district_yuan", "payments")
    for name in ("costs", "budget"):
        frame = getattr(results, name)
        for column in money:
            if column in frame:
                values = frame[column].to_numpy(np.float64)
                _flag(problems, f"{name}.csv {column}", values)
    outcomes = results.outcomes
    defined = outcomes[~outcomes["metric"].isin(SHARES)]
    _flag(problems, "outcomes.csv value", defined["value"].to_numpy(np.float64), negative_ok=True)
    funds = results.funds
    ui = funds[funds["fund"] == "ui_fund"]
    for column in ("revenue", "outlays"):
        _flag(problems, f"funds.csv ui_fund {column}", ui[column].to_numpy(np.float64))
    _flag(problems, "funds.csv outlays", funds["outlays"].to_numpy(np.float64))
    pooled = results.manifest.get("locality_profile", {}).get("ui_fund", {}).get("pooling", "local") != "local"
    if pooled:                                 # no balance of its own: the cells must stay empty
        if ui[["balance", "months_of_cover"]].notna().any().any():
            problems.append("funds.csv ui_fund: a balance or cover is shown for a fund pooled above the area")
    else:
        for column in ("balance", "months_of_cover"):
            _flag(problems, f"funds.csv ui_fund {column}", ui[column].to_numpy(np.float64),
                  infinite_ok=column == "months_of_cover")
    return problems


def _flag(problems: list[str], where: str, values: np.ndarray, negative_ok: bool = False,
          infinite_ok: bool = False) -> None:
    missing = int(np.isnan(values).sum())
    infinite = 0 if infinite_ok else int(np.isinf(values).sum())
    negative = 0 if negative_ok else int((values < 0).sum())
    if missing:
        problems.append(f"{where}: {missing} missing (NaN)")
    if infinite:
        problems.append(f"{where}: {infinite} infinite")
    if negative:
        problems.append(f"{where}: {negative} negative (lowest {np.nanmin(values):,.2f})")


def refund_gates(results) -> pd.DataFrame:
    """Where the 备付 gate decided a cost: for each 稳岗返还 instrument and each of its pay months in the
    run, the months of cover the gate read, its threshold (`min_fund_months`), whether it was open and
    what was paid (yuan, mean over replications). Empty when the scenario has no refund.

    The gate reads the UI fund's cover at the end of the previous month (the opening cover from the
    profile in the first month), or the pooled fund's cover (profile ``ui_fund.pooled_cover_months``)
    when the fund is pooled above the area — as the engine does (`sim.funds.UiFund.gate_cover`)."""
    m = results.manifest
    fund = m["locality_profile"]["ui_fund"]
    pooled = fund.get("pooling", "local") != "local"
    months = list(pd.unique(results.outcomes["month"]))
    funds = results.funds
    ui = funds[funds["fund"] == "ui_fund"].groupby("month")["months_of_cover"].mean().reindex(months)
    prior = fund["prior_monthly_outlay"]
    opening = fund["opening_balance"] / prior if prior > 0 else math.inf
    costs = results.costs
    reps = costs["rep"].nunique() if "rep" in costs else 1
    rows = []
    for iid, spec in m["resolved_scenario"].get("instruments", {}).items():
        if spec.get("type") != "stabilization_refund" or not spec.get("enabled", True):
            continue
        first, last = spec.get("valid", [months[0], months[-1]])
        for t, month in enumerate(months):
            if int(month[5:]) != spec["pay_month"] or not first <= month <= last:
                continue
            cover = fund["pooled_cover_months"] if pooled else (ui.iloc[t - 1] if t > 0 else opening)
            threshold = float(spec["min_fund_months"])
            paid = costs[(costs["instrument"] == iid) & (costs["month"] == month)]["amount_yuan"].sum() / reps
            rows.append((iid, month, "pooled" if pooled else "own", float(cover), threshold,
                         bool(cover >= threshold), float(paid)))
    return pd.DataFrame(rows, columns=["instrument", "month", "fund_read", "months_of_cover", "min_fund_months",
                                       "open", "paid_yuan"])
