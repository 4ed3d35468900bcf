"""Ledger: from the engine's integer accumulators to tidy tables (costs, budget, funds).

Money stays int64 fen of the simulated sample until here. Each cell is split between funds exactly
(largest remainder), then scaled by the person weight and rounded to the fen once, for reporting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import REVENUE_FORGONE_FUNDS, CostLine, Fund

REVENUE_FORGONE = frozenset(fund.name for fund in REVENUE_FORGONE_FUNDS)

COST_COLUMNS = ["month", "instrument", "type", "funding", "district", "payee", "line", "amount_yuan", "payments",
                "beneficiaries", "claimed_yuan", "unfunded_yuan", "central_yuan", "provincial_yuan", "city_yuan",
                "district_yuan", "amount_fen_sample"]


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


def costs_table(record, month_labels: list[str], city_share: dict | None = None,
                transfer_share: dict | None = None) -> pd.DataFrame:
    """Long cost table: one row per month × instrument × cost line × fund × district with payments.

    `claimed_yuan` is what the rules entitle claimants to; `amount_yuan` what is paid after budget
    envelopes (`unfunded_yuan` the difference); `central_yuan` / `provincial_yuan` / `city_yuan` /
    `district_yuan` split the payment by the scenario's cost sharing: the transfers first
    (`transfer_share`: fund → (central, provincial) shares), then the rest between city and district
    (`city_share`: fund → city share per district); funds not listed: all city.
    `amount_fen_sample` is the claim in fen of the simulated sample (0 for awards and fees, which are
    computed in real money)."""
    weight = record.population.weight
    districts = record.population.district_codes
    fraction = record.paid_fraction
    rows = []

    def add(t, s, line, d, fund, part_claimed_yuan, part_paid_yuan, n, fen_sample):
        instrument = record.instruments[s]
        rows.append((month_labels[t], instrument.id, instrument.type.name, fund.name, districts[d],
                     instrument.payee.name, CostLine(line).name, part_paid_yuan, part_claimed_yuan, n, fen_sample,
                     fund))

    for t, s, line, d in zip(*np.nonzero(record.ledger_count)):
        amount = int(record.ledger_fen[t, s, line, d])
        n = int(round(record.ledger_count[t, s, line, d] * weight))
        for fund, part in split_fen(amount, record.instruments[s].funding).items():
            paid = int(np.floor(part * fraction[t, fund]))
            add(t, s, line, d, fund, float(weighted_yuan(part, weight)), float(weighted_yuan(paid, weight)), n, part)
    for t, s, d in zip(*np.nonzero(record.direct_fen)):
        n = int(record.direct_count[t, s, d])
        for fund, part in split_fen(int(record.direct_fen[t, s, d]), record.instruments[s].funding).items():
            paid = int(np.floor(part * fraction[t, fund]))
            add(t, s, CostLine.main, d, fund, part / 100, paid / 100, n, 0)
    frame = pd.DataFrame(rows, columns=["month", "instrument", "type", "funding", "district", "payee", "line",
                                        "amount_yuan", "claimed_yuan", "payments", "amount_fen_sample", "fund"])
    frame["unfunded_yuan"] = (frame["claimed_yuan"] - frame["amount_yuan"]).round(2)
    # monthly lines pay each person at most once a month, so payments and beneficiaries coincide
    frame["beneficiaries"] = frame["payments"]
    share = np.ones(len(frame))
    central, provincial = np.zeros(len(frame)), np.zeros(len(frame))
    codes = {code: d for d, code in enumerate(districts)}
    for k, (fund, d) in enumerate(zip(frame["fund"], frame["district"])):
        if city_share and fund in city_share:
            share[k] = city_share[fund][codes[d]]
        if transfer_share and fund in transfer_share:
            central[k], provincial[k] = transfer_share[fund]
    amount = frame["amount_yuan"]
    frame["central_yuan"] = (amount * central).round(2)
    frame["provincial_yuan"] = (amount * provincial).round(2)
    local = amount - frame["central_yuan"] - frame["provincial_yuan"]
    frame["city_yuan"] = (local * share).round(2)
    frame["district_yuan"] = (local - frame["city_yuan"]).round(2)
    return frame[COST_COLUMNS].sort_values(["month", "instrument", "line", "funding", "district"],
                                           kind="stable").reset_index(drop=True)


def is_cash(funding: pd.Series) -> pd.Series:
    """True for cash spending, False for revenue forgone (`REVENUE_FORGONE`), per row of a fund column."""
    return ~funding.isin(REVENUE_FORGONE)


def budget_table(costs: pd.DataFrame, names_zh: dict[str, str]) -> pd.DataFrame:
    """Annual cost by instrument, cost line and fund (yuan and 万元), with payments; `kind` says whether
    the row is cash spending (`cash`) or revenue forgone (`revenue_forgone`)."""
    frame = costs.assign(year=costs["month"].str.slice(0, 4).astype(int))
    grouped = (frame.groupby(["year", "instrument", "type", "line", "funding"], sort=True)
               .agg(amount_fen_sample=("amount_fen_sample", "sum"), amount_yuan=("amount_yuan", "sum"),
                    payments=("payments", "sum"), claimed_yuan=("claimed_yuan", "sum"),
                    unfunded_yuan=("unfunded_yuan", "sum"), central_yuan=("central_yuan", "sum"),
                    provincial_yuan=("provincial_yuan", "sum"), city_yuan=("city_yuan", "sum"),
                    district_yuan=("district_yuan", "sum"))
               .reset_index())
    for column in ("amount_yuan", "claimed_yuan", "unfunded_yuan", "central_yuan", "provincial_yuan", "city_yuan",
                   "district_yuan"):
        grouped[column] = grouped[column].round(2)
    grouped["amount_wan"] = (grouped["amount_yuan"] / 10_000).round(4)
    grouped.insert(2, "name_zh", grouped["instrument"].map(names_zh))
    grouped["kind"] = np.where(is_cash(grouped["funding"]), "cash", "revenue_forgone")
    return grouped[["year", "instrument", "name_zh", "type", "line", "funding", "kind", "amount_yuan", "amount_wan",
                    "payments", "claimed_yuan", "unfunded_yuan", "central_yuan", "provincial_yuan", "city_yuan",
                    "district_yuan", "amount_fen_sample"]]


def funds_table(record, month_labels: list[str], costs: pd.DataFrame, ui_pooling: str = "local") -> pd.DataFrame:
    """Monthly fund accounts: the UI fund in full; other funds' outlays (no revenue side modelled).

    A UI fund pooled above the modelled area (`ui_pooling` not "local", profile ``ui_fund.pooling``) is
    not the area's account: its rows give the area's contributions to the pool (`revenue`) and its draw
    on it (`outlays`); `balance` and `months_of_cover` are left empty, as for the other funds."""
    weight = record.population.weight
    pooled = ui_pooling != "local"
    ui = pd.DataFrame({
        "month": month_labels, "fund": Fund.ui_fund.name,
        "revenue": weighted_yuan(record.revenue_fen.sum(axis=1), weight),
        "outlays": weighted_yuan(record.ui_fund_outlay_fen, weight),
        "balance": np.nan if pooled else weighted_yuan(record.ui_fund_balance_fen, weight),
        "months_of_cover": np.nan if pooled else np.round(record.ui_fund_cover, 3),
    })
    others = (costs[costs["funding"] != Fund.ui_fund.name].groupby(["month", "funding"])["amount_yuan"].sum()
              .reset_index().rename(columns={"funding": "fund", "amount_yuan": "outlays"}))
    others["revenue"] = np.nan
    others["balance"] = np.nan
    others["months_of_cover"] = np.nan
    frames = [ui] + ([others[ui.columns]] if len(others) else [])
    return pd.concat(frames, ignore_index=True).sort_values(["fund", "month"], kind="stable").reset_index(drop=True)
