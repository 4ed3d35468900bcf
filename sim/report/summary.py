"""The short summary `subsim run` prints at the end (plain text, Chinese labels with units)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from sim.codes import FUND_NAMES_ZH, Fund
from sim.ledger import is_cash
from sim.outcomes import METRIC_BY_NAME

POOLING_ZH = {"municipal": "市级", "provincial": "省级"}


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
    budget = budget.assign(cash=is_cash(budget["funding"]))
    for year, group in budget.groupby("year"):
        months = int(months_in_year.get(str(year), 12))
        span = "" if months == 12 else f" ({months} 个月)"
        for (cash, fund), amount in group.groupby(["cash", "funding"])["amount_yuan"].sum().sort_index(
                ascending=[False, True]).items():
            rows.append((f"{year} {'支出' if cash else '收入减少'}{span} {FUND_NAMES_ZH[Fund[fund]]}",
                         f"{amount / 1e4:,.1f} 万元"))
        rows.append((f"{year} 现金支出合计{span}", f"{group.loc[group['cash'], 'amount_yuan'].sum() / 1e4:,.1f} 万元"))
        if (~group["cash"]).any():
            rows.append((f"{year} 收入减少合计{span} (不计入现金支出)",
                         f"{group.loc[~group['cash'], 'amount_yuan'].sum() / 1e4:,.1f} 万元"))
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
                     f"{row['surveyed_unemployment_rate']:.2%}"))
    funds = results.funds
    ui = funds[funds["fund"] == "ui_fund"]
    if "rep" in ui:
        ui = ui.groupby("month", as_index=False)[["revenue", "outlays", "balance", "months_of_cover"]].mean()
    pooling = m["locality_profile"]["ui_fund"].get("pooling", "local")
    if pooling != "local":                     # no balance of its own: contributions and draw on the pool
        rows.append((f"失业保险基金({POOLING_ZH[pooling]}统筹)", f"本地区缴费 {ui['revenue'].sum() / 1e4:,.1f} 万元, "
                                                       f"支取 {ui['outlays'].sum() / 1e4:,.1f} 万元(测算期合计)"))
        return rows
    last = ui.iloc[-1]
    cover = last["months_of_cover"]
    cover_text = f"备付 {cover:.1f} 个月" if np.isfinite(cover) else "无支出"
    rows.append((f"{last['month']} 失业保险基金结余", f"{last['balance'] / 1e4:,.1f} 万元, {cover_text}"))
    return rows
