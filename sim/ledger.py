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
    extreme amounts to the fund with the largest share (so one fund alone gets the whole amount)."""
    if len(shares) == 1:
        return {fund: amount for fund in shares}
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


def split_fen_array(amounts: np.ndarray, shares: dict[Fund, float]) -> np.ndarray:
    """`split_fen` of many amounts at once: int64[len(amounts), len(shares)], funds in `shares`' order.

    The same arithmetic in the same order as `split_fen`, so every part is identical to its result."""
    if len(shares) == 1:              # the whole amount, as the residue step below would make it
        return np.asarray(amounts, np.int64).reshape(-1, 1).copy()
    funds = list(shares)
    share = np.array([shares[f] for f in funds], np.float64)
    total = sum(shares.values())
    amounts = np.asarray(amounts, np.int64)
    exact = amounts[:, None].astype(np.float64) * share[None, :] / total
    parts = np.floor(exact).astype(np.int64)
    left = amounts - parts.sum(axis=1)
    order = np.argsort(-(exact - parts), axis=1, kind="stable")     # largest remainder first, ties: listed first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(funds))[None, :].repeat(len(amounts), axis=0), axis=1)
    parts += rank < np.maximum(left, 0)[:, None]
    residue = amounts - parts.sum(axis=1)
    parts[:, funds.index(max(shares, key=shares.get))] += residue
    return parts


def costs_table(record, month_labels: list[str], city_share: dict | None = None,
                transfer_share: dict | None = None) -> pd.DataFrame:
    """Long cost table: one row per month × instrument × cost line × fund × district with payments.

    `claimed_yuan` is what the rules entitle claimants to; `amount_yuan` what is paid after budget
    envelopes (`unfunded_yuan` the difference); `central_yuan` / `provincial_yuan` / `city_yuan` /
    `district_yuan` split the payment by the scenario's cost sharing: the transfers first
    (`transfer_share`: fund → (central, provincial) shares), then the rest between city and district
    (`city_share`: fund → city share per district); funds not listed: all city.
    `amount_fen_sample` is the claim in fen of the simulated sample (0 for awards and fees, which are
    computed in real money). Vectorised per instrument: one row per nonzero cell and fund."""
    cells, names = _sorted_cells(record, month_labels)
    instruments = record.instruments
    slot = cells["slot"]
    frame = pd.DataFrame({
        "month": names["month"][cells["t"]],
        "instrument": names["instrument"][slot],
        "type": np.array([ins.type.name for ins in instruments], dtype=object)[slot],
        "funding": names["funding"][cells["fund"]],
        "district": names["district"][cells["d"]],
        "payee": np.array([ins.payee.name for ins in instruments], dtype=object)[slot],
        "line": names["line"][cells["line"]],
        "amount_yuan": cells["paid_yuan"], "claimed_yuan": cells["claimed_yuan"],
        "payments": cells["n"], "amount_fen_sample": cells["fen_sample"]})
    frame["unfunded_yuan"] = (frame["claimed_yuan"] - frame["amount_yuan"]).round(2)
    # monthly lines pay each person at most once a month, so payments and beneficiaries coincide
    frame["beneficiaries"] = frame["payments"]
    share = np.ones(len(frame))
    central, provincial = np.zeros(len(frame)), np.zeros(len(frame))
    for fund, by_district in (city_share or {}).items():
        rows = cells["fund"] == int(fund)
        share[rows] = np.asarray(by_district, np.float64)[cells["d"][rows]]
    for fund, (to_central, to_provincial) in (transfer_share or {}).items():
        rows = cells["fund"] == int(fund)
        central[rows], provincial[rows] = to_central, to_provincial
    amount = frame["amount_yuan"]
    frame["central_yuan"] = (amount * central).round(2)
    frame["provincial_yuan"] = (amount * provincial).round(2)
    local = amount - frame["central_yuan"] - frame["provincial_yuan"]
    frame["city_yuan"] = (local * share).round(2)
    frame["district_yuan"] = (local - frame["city_yuan"]).round(2)
    return frame[COST_COLUMNS]


SORT_KEYS = ("month", "instrument", "line", "funding", "district")


def paid_by_instrument(record, month_labels: list[str]) -> pd.Series:
    """`costs_table(record, month_labels)["amount_yuan"]` summed by instrument, without the rest of the
    table (the counterfactual runs of sim.attribution need only this): the same rows in the same order,
    so the same sums to the last bit."""
    cells, names = _sorted_cells(record, month_labels)
    frame = pd.DataFrame({"instrument": names["instrument"][cells["slot"]], "amount_yuan": cells["paid_yuan"]})
    return frame.groupby("instrument")["amount_yuan"].sum()


def _sorted_cells(record, month_labels: list[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The cost table's cells (`_cells` of the ledger and of the awards and fees) in its row order, and
    the names their indices take."""
    sample = _cells(record.ledger_count, record.ledger_fen, record.ledger_count, record, weighted=True)
    direct = _cells(record.direct_count, record.direct_fen, record.direct_fen, record, weighted=False)
    cells = {k: np.concatenate([sample[k], direct[k]]) for k in sample}
    names = {"month": np.array(month_labels, dtype=object),
             "instrument": np.array([ins.id for ins in record.instruments], dtype=object),
             "line": np.array([line.name for line in CostLine], dtype=object),
             "funding": np.array([f.name for f in Fund], dtype=object),
             "district": np.array(record.population.district_codes, dtype=object)}
    index = {"month": cells["t"], "instrument": cells["slot"], "line": cells["line"], "funding": cells["fund"],
             "district": cells["d"]}
    # rows sorted by month, instrument, line, fund and district names (stable: ties keep the cell order)
    order = np.lexsort([_rank(names[key])[index[key]] for key in reversed(SORT_KEYS)])
    return {k: v[order] for k, v in cells.items()}, names


def _rank(names: np.ndarray) -> np.ndarray:
    """Position of each name in sorted order (equal names, equal rank)."""
    return np.unique(names, return_inverse=True)[1]


def _cells(count: np.ndarray, fen: np.ndarray, present: np.ndarray, record, weighted: bool) -> dict[str, np.ndarray]:
    """Every nonzero cell of `present` [T, slot, line, district] split between its instrument's funds,
    in the order (cell in C order, fund as listed). `weighted`: the amounts are fen of the simulated
    sample (scaled by the person weight); else real fen (awards, fees)."""
    weight = record.population.weight
    t, s, line, d = np.nonzero(present)
    keys = {"t": [], "slot": [], "line": [], "d": [], "fund": [], "order": [], "n": [],
            "claimed_yuan": [], "paid_yuan": [], "fen_sample": []}
    for slot in np.unique(s):
        cell = np.flatnonzero(s == slot)
        funding = record.instruments[slot].funding
        parts = split_fen_array(fen[t[cell], slot, line[cell], d[cell]], funding)
        funds = np.array([int(f) for f in funding], np.int64)
        fraction = record.paid_fraction[t[cell][:, None], funds[None, :]]
        paid = np.floor(parts * fraction).astype(np.int64)
        n = count[t[cell], slot, line[cell], d[cell]]
        n = np.rint(n * weight).astype(np.int64) if weighted else n.astype(np.int64)
        repeat = lambda a: np.repeat(a, len(funds))                    # noqa: E731 (cell-major, fund-minor)
        keys["t"].append(repeat(t[cell]))
        keys["slot"].append(repeat(s[cell]))
        keys["line"].append(repeat(line[cell]))
        keys["d"].append(repeat(d[cell]))
        keys["fund"].append(np.tile(funds, len(cell)))
        keys["order"].append(repeat(cell) * 64 + np.tile(np.arange(len(funds)), len(cell)))
        keys["n"].append(repeat(n))
        flat_parts, flat_paid = parts.ravel(), paid.ravel()
        if weighted:
            keys["claimed_yuan"].append(weighted_yuan(flat_parts, weight))
            keys["paid_yuan"].append(weighted_yuan(flat_paid, weight))
            keys["fen_sample"].append(flat_parts)
        else:
            keys["claimed_yuan"].append(flat_parts / 100)
            keys["paid_yuan"].append(flat_paid / 100)
            keys["fen_sample"].append(np.zeros(len(flat_parts), np.int64))
    empty = {"claimed_yuan": np.float64, "paid_yuan": np.float64}
    out = {k: np.concatenate(v) if v else np.zeros(0, empty.get(k, np.int64)) for k, v in keys.items()}
    order = np.argsort(out.pop("order"), kind="stable")
    return {k: v[order] for k, v in out.items()}


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
