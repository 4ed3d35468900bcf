"""Scalar metrics of one run, for sensitivity analysis and sweeps.

A design point's task keeps a small summary of its run (`summarise`: cost by instrument and fund,
year-end outcomes, the UI fund at the end); metrics are read from summaries (`value`), so a metric can
be added to a finished sweep without running anything again.

Metrics (whole run horizon; money in yuan, persons as population estimates):

``cost.total``                  cash spending: every payment of every instrument, revenue forgone not included
``cost.forgone``                revenue forgone (tax_forgone, si_forgone: 减免), never in cost.total
``cost.fund.<fund>``            payments charged to one fund (``cost.fund.ui_fund``)
``cost.instrument.<ID>``        payments of one instrument (``cost.instrument.SR-05``)
``jobs.new_urban``              城镇新增就业: the year-end 年累计 of each calendar year, summed
``unemployment_rate``           城镇调查失业率 in the last month
``ui_fund.cover_months``        失业保险基金 备付月数 in the last month (NaN for a fund pooled above the area)
``cost_per_additional_job``     cost of the varied instruments ÷ additional persons in work at the end,
                                where additional = in work (formal, self-employed, flexible, public
                                posts) minus in work in the same run with the varied instruments switched
                                off (same parameters, same population, same random numbers); with no
                                instrument parameter varied, every instrument but the UI benefit is
                                switched off. Undefined (NaN) when the additional jobs are not positive.
"""
from __future__ import annotations

import math

import pandas as pd

from sim.codes import Fund
from sim.ledger import is_cash
from sim.params import Problem
from sim.params.kinds import suggest

FIXED = ("cost.total", "cost.forgone", "jobs.new_urban", "unemployment_rate", "ui_fund.cover_months", "cost_per_additional_job")
PATTERNS = ("cost.fund.<fund>", "cost.instrument.<ID>")
IN_WORK = ("employed_formal", "self_employed", "flexible", "public_job")
LABELS_ZH = {"cost.total": "现金支出合计(元)", "cost.forgone": "收入减少合计(元)", "jobs.new_urban": "城镇新增就业(人)", "unemployment_rate": "期末城镇调查失业率",
             "ui_fund.cover_months": "期末失业保险基金备付月数", "cost_per_additional_job": "每新增就业成本(元/人)"}


def check_metrics(names: list[str], instruments: list[str]) -> list[Problem]:
    """Problems with metric names (unknown name, fund or instrument), with did-you-mean."""
    problems = []
    funds = [f.name for f in Fund]
    for name in names:
        if name in FIXED:
            continue
        if name.startswith("cost.fund."):
            fund = name[len("cost.fund."):]
            if fund not in funds:
                problems.append(Problem("command line", "--metric", name, "unknown fund" + suggest(fund, funds)))
        elif name.startswith("cost.instrument."):
            iid = name[len("cost.instrument."):]
            if iid not in instruments:
                problems.append(Problem("command line", "--metric", name,
                                        "not an instrument of the scenario" + suggest(iid, instruments)))
        else:
            problems.append(Problem("command line", "--metric", name, "unknown metric"
                                    + suggest(name, list(FIXED) + ["cost.fund.ui_fund"], always_list=True)
                                    + ", cost.fund.<fund>, cost.instrument.<ID>"))
    return problems


def in_work_end(outcomes: pd.DataFrame) -> float:
    """Persons in work (the four kinds) in the last month."""
    last = outcomes[outcomes["month"] == outcomes["month"].max()]
    return float(last[last["metric"].isin(IN_WORK)]["value"].sum())


def summarise(costs: pd.DataFrame, outcomes: pd.DataFrame, funds: pd.DataFrame) -> dict:
    """The summary of one run that every metric is read from (plain floats, picklable and small)."""
    by_instrument = costs.groupby("instrument")["amount_yuan"].sum()
    by_fund = costs.groupby("funding")["amount_yuan"].sum()
    o = outcomes.assign(year=outcomes["month"].str.slice(0, 4))
    ytd = o[o["metric"] == "new_urban_jobs_ytd"].sort_values("month").groupby("year")["value"].last()
    last = o[o["month"] == o["month"].max()].set_index("metric")["value"]
    ui = funds[funds["fund"] == "ui_fund"].sort_values("month")
    return {"cost_by_instrument": {k: float(v) for k, v in by_instrument.items()},
            "cost_by_fund": {k: float(v) for k, v in by_fund.items()},
            "cost_total": float(costs.loc[is_cash(costs["funding"]), "amount_yuan"].sum()),
            "cost_forgone": float(costs.loc[~is_cash(costs["funding"]), "amount_yuan"].sum()),
            "new_urban_jobs": float(ytd.sum()),
            "unemployment_rate": float(last.get("surveyed_unemployment_rate", math.nan)),
            "ui_cover_months": float(ui["months_of_cover"].iloc[-1]) if len(ui) else math.nan,
            "in_work_end": in_work_end(outcomes)}


def value(summary: dict, name: str, varied_instruments: tuple[str, ...] = ()) -> float:
    """One metric from a run's summary (`summary["counterfactual"]`: the summary of the run with the
    varied instruments off, present when ``cost_per_additional_job`` was asked for)."""
    if name == "cost.total":
        return summary["cost_total"]
    if name == "cost.forgone":
        return summary["cost_forgone"]
    if name.startswith("cost.fund."):
        return summary["cost_by_fund"].get(name[len("cost.fund."):], 0.0)
    if name.startswith("cost.instrument."):
        return summary["cost_by_instrument"].get(name[len("cost.instrument."):], 0.0)
    if name == "jobs.new_urban":
        return summary["new_urban_jobs"]
    if name == "unemployment_rate":
        return summary["unemployment_rate"]
    if name == "ui_fund.cover_months":
        return summary["ui_cover_months"]
    if name == "cost_per_additional_job":
        cf = summary["counterfactual"]
        off = cf["switched_off"]
        cost = sum(summary["cost_by_instrument"].get(i, 0.0) for i in off)
        jobs = summary["in_work_end"] - cf["in_work_end"]
        return cost / jobs if jobs > 0 else math.nan
    raise KeyError(name)
