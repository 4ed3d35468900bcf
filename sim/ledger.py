"""Ledger: from the engine's integer accumulators to tidy tables (costs, budget, funds).

Money stays int64 fen of the simulated sample until here. Each cell is split between funds exactly
(largest remainder), then scaled by the person weight and rounded to the fen once, for reporting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import CostLine, Fund

COST_COLUMNS = ["month", "instrument", "type", "funding", "district", "payee", "line", "amount_yuan", "payments",
                "beneficiaries", "amount_fen_sample"]


def split_fen(amount: int, shares: dict[Fund, float]) -> dict[Fund, int]:
    """Split an integer amount between funds so the parts are integers summing exactly to the whole.

    Shares are normalised to sum to 1; each fund gets floor(amount × share); the fen left over go one
    by one to the largest remainders (ties: the fund listed first), and any rounding residue of
    extreme amounts to the fund with the largest share."""
    total = sum(shares.values())
    exact = {fund: amount * share / total for fund, share in shares.items()}
    parts = {fund: int(np.floor(value)) for fund, value in exact.items()}
    left = amount - sum(parts.values())
    for fund in sorted(shares, key=lambda f: -(exact[f] - parts[f]))[:max(left, 0)]:
        parts[fund] += 1
    residue = amount - sum(parts.values())
    if residue:
        parts[max(shares, key=shares.get)] += residue
    return parts


def weighted_yuan(fen_sample: np.ndarray | int, weight: float) -> np.ndarray:
    """Population estimate in yuan (rounded to the fen) of a sample amount in fen."""
    return np.floor(np.asarray(fen_sample, np.float64) * weight + 0.5) / 100.0


def costs_table(record, month_labels: list[str]) -> pd.DataFrame:
    """Long cost table: one row per month × instrument × cost line × fund × district with payments."""
    weight = record.population.weight
    districts = record.population.district_codes
    rows = []
    ledger, counts = record.ledger_fen, record.ledger_count
    for t, s, line, d in zip(*np.nonzero(counts)):
        instrument = record.instruments[s]
        amount = int(ledger[t, s, line, d])
        n = int(counts[t, s, line, d])
        for fund, part in split_fen(amount, instrument.funding).items():
            rows.append((month_labels[t], instrument.id, instrument.type.name, fund.name, districts[d],
                         instrument.payee.name, CostLine(line).name, part, n))
    frame = pd.DataFrame(rows, columns=["month", "instrument", "type", "funding", "district", "payee", "line",
                                        "amount_fen_sample", "n"])
    frame["amount_yuan"] = weighted_yuan(frame["amount_fen_sample"].to_numpy(), weight)
    # monthly lines pay each person at most once a month, so payments and beneficiaries coincide
    frame["payments"] = np.rint(frame["n"].to_numpy() * weight).astype(np.int64)
    frame["beneficiaries"] = frame["payments"]
    return frame[COST_COLUMNS].sort_values(["month", "instrument", "line", "funding", "district"],
                                           kind="stable").reset_index(drop=True)


def budget_table(costs: pd.DataFrame, names_zh: dict[str, str]) -> pd.DataFrame:
    """Annual cost by instrument, cost line and fund (yuan and 万元), with payments."""
    frame = costs.assign(year=costs["month"].str.slice(0, 4).astype(int))
    grouped = (frame.groupby(["year", "instrument", "type", "line", "funding"], sort=True)
               .agg(amount_fen_sample=("amount_fen_sample", "sum"), amount_yuan=("amount_yuan", "sum"),
                    payments=("payments", "sum"))
               .reset_index())
    grouped["amount_yuan"] = grouped["amount_yuan"].round(2)
    grouped["amount_wan"] = (grouped["amount_yuan"] / 10_000).round(4)
    grouped.insert(2, "name_zh", grouped["instrument"].map(names_zh))
    return grouped[["year", "instrument", "name_zh", "type", "line", "funding", "amount_yuan", "amount_wan",
                    "payments", "amount_fen_sample"]]


def funds_table(record, month_labels: list[str], costs: pd.DataFrame) -> pd.DataFrame:
    """Monthly fund accounts: the UI fund in full; other funds' outlays (no revenue side modelled)."""
    weight = record.population.weight
    ui = pd.DataFrame({
        "month": month_labels, "fund": Fund.ui_fund.name,
        "revenue": weighted_yuan(record.revenue_fen.sum(axis=1), weight),
        "outlays": weighted_yuan(record.ui_fund_outlay_fen, weight),
        "balance": weighted_yuan(record.ui_fund_balance_fen, weight),
        "months_of_cover": np.round(record.ui_fund_cover, 3),
    })
    others = (costs[costs["funding"] != Fund.ui_fund.name].groupby(["month", "funding"])["amount_yuan"].sum()
              .reset_index().rename(columns={"funding": "fund", "amount_yuan": "outlays"}))
    others["revenue"] = np.nan
    others["balance"] = np.nan
    others["months_of_cover"] = np.nan
    frames = [ui] + ([others[ui.columns]] if len(others) else [])
    return pd.concat(frames, ignore_index=True).sort_values(["fund", "month"], kind="stable").reset_index(drop=True)
