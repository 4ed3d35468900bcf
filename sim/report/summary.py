"""The short summary `subsim run` prints at the end (plain text, Chinese labels with units)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from sim.codes import FUND_NAMES_ZH, Fund
from sim.outcomes import METRIC_BY_NAME


def summary_rows(results) -> list[tuple[str, str]]:
    """(label, value) pairs: cost by year and fund, and the year-end headline outcomes."""
    m = results.manifest
    rows = [("情景", m["scenario"]),
            ("设定", f"{m['start']} 起 {m['months']} 个月, {m['persons']:,} 人, 种子 {m['seed']}, {m['replications']} 次重复")]
    for item in m.get("register", {}).get("files", []):       # row counts of the register and firms file
        rows.append((f"登记数据 {item['file']}", f"读入 {item['rows_read']:,} 行, 接受 {item['rows_accepted']:,}, "
                                               f"剔除 {item['rows_rejected']:,}"))
    budget = results.budget
    months_in_year = pd.Series([month[:4] for month in results.outcomes["month"].unique()]).value_counts()
    by_year = budget.groupby(["year", "funding"])["amount_yuan"].sum()
    for (year, fund), amount in by_year.items():
        months = int(months_in_year.get(str(year), 12))
        span = "" if months == 12 else f" ({months} 个月)"
        rows.append((f"{year} 支出{span} {FUND_NAMES_ZH[Fund[fund]]}", f"{amount / 1e4:,.1f} 万元"))
    outcomes = results.outcomes
    if "rep" in outcomes:
        outcomes = outcomes.groupby(["month", "metric"], as_index=False)["value"].mean()
    wide = outcomes.pivot(index="month", columns="metric", values="value")
    year_ends = [month for month in wide.index if month.endswith("-12")] or [wide.index[-1]]
    for month in year_ends:
        row = wide.loc[month]
        for name in ("new_urban_jobs_ytd", "reemployed_unemployed_ytd", "difficulty_employed_ytd"):
            rows.append((f"{month} {METRIC_BY_NAME[name].name_zh}", f"{row[name]:,.0f} 人"))
        rows.append((f"{month} {METRIC_BY_NAME['surveyed_unemployment_rate'].name_zh}",
                     f"{row['surveyed_unemployment_rate']:.1%}"))
    funds = results.funds
    ui = funds[funds["fund"] == "ui_fund"]
    if "rep" in ui:
        ui = ui.groupby("month", as_index=False)[["balance", "months_of_cover"]].mean()
    last = ui.iloc[-1]
    cover = last["months_of_cover"]
    cover_text = f"备付 {cover:.1f} 个月" if np.isfinite(cover) else "无支出"
    rows.append((f"{last['month']} 失业保险基金结余", f"{last['balance'] / 1e4:,.1f} 万元, {cover_text}"))
    return rows
