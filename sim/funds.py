"""The funds' accounts, settled after each month's claims (DESIGN §4, PROCESSES step 8 of sim.engine):
annual budget envelopes of the budget funds (`Envelopes`) and the UI fund account (`UiFund`).

`record` below is the run's sim.engine.RunRecord (its monthly arrays are read and written in place).
"""
from __future__ import annotations

import numpy as np

from sim.codes import Fund
from sim.ledger import split_fen, split_fen_array
from sim.params.months import calendar_month


class Envelopes:
    """Annual budgets of funds (DESIGN §4): the share of each month's claims on a fund that is paid."""

    def __init__(self, scenario, instruments: tuple, weight: float):
        self.budget = scenario.budget
        self.start = scenario.start
        self.weight = weight
        self.funding = [ins.funding for ins in instruments]
        self.left: dict[Fund, float] = {}

    def month(self, t: int, ledger_fen_t: np.ndarray, direct_fen_t: np.ndarray, fraction_t: np.ndarray) -> None:
        """Set fraction_t[fund] for the funds with an envelope from this month's claims (yuan)."""
        month_of_year = calendar_month(self.start, t)
        for fund, (annual, rule) in self.budget.items():
            if fund not in self.left or month_of_year == 1:     # the run's first month, or January
                self.left[fund] = float(annual[t])
            demand = 0.0
            for k, shares in enumerate(self.funding):
                if fund not in shares:
                    continue
                cells = int(ledger_fen_t[k].sum())
                if cells:
                    demand += split_fen(cells, shares)[fund] * self.weight / 100
                direct = int(direct_fen_t[k].sum())
                if direct:
                    demand += split_fen(direct, shares)[fund] / 100
            allowed = self.left[fund] if rule == "stop" else self.left[fund] / (13 - month_of_year)
            fraction = 1.0 if demand <= allowed else max(allowed, 0.0) / demand
            fraction_t[fund] = fraction
            self.left[fund] -= fraction * demand


class UiFund:
    """The UI fund account in fen of the simulated sample (real fen ÷ weight), exact in integers."""

    def __init__(self, scenario, weight: float, fund_shares: dict[int, dict[Fund, float]]):
        fund = scenario.profile["ui_fund"]
        self.balance = int(round(fund["opening_balance"] * 100 / weight))
        prior = int(round(fund["prior_monthly_outlay"] * 100 / weight))
        self.window = [prior] * 12          # trailing 12 months of outlays for 备付月数
        self.opening_cover = self.balance / prior if prior > 0 else np.inf
        # a fund pooled above the area: the 备付 gate reads the pool's cover, not the area's own flows
        self.pooled_cover = None if fund["pooling"] == "local" else fund["pooled_cover_months"]
        # the slots the UI fund pays a part of: (slot, funding shares, the UI fund's column in a split)
        self.ui_slots = [(slot, shares, list(shares).index(Fund.ui_fund)) for slot, shares in fund_shares.items()
                         if Fund.ui_fund in shares]

    def gate_cover(self, t: int, first: int, record) -> float:
        """Months of cover the 备付 gate of month t reads: the previous month's end (the opening cover in
        the run's first month `first`), or the pooled fund's cover when the fund is pooled above the area."""
        if self.pooled_cover is not None:
            return self.pooled_cover
        return record.ui_fund_cover[t - 1] if t > first else self.opening_cover

    def month(self, t: int, record) -> None:
        revenue = int(record.revenue_fen[t].sum())
        outlay = 0
        cells = record.ledger_fen[t]
        for slot, shares, column in self.ui_slots:     # each cell split apart, as the cost table splits it
            amounts = cells[slot].ravel()
            if len(shares) == 1:                         # the fund pays it all (split_fen)
                outlay += int(amounts.sum())
            else:
                amounts = amounts[amounts != 0]
                if len(amounts):
                    outlay += int(split_fen_array(amounts, shares)[:, column].sum())
        self.balance += revenue - outlay
        self.window = self.window[1:] + [outlay]
        average = sum(self.window) / 12
        record.ui_fund_outlay_fen[t] = outlay
        record.ui_fund_balance_fen[t] = self.balance
        record.ui_fund_cover[t] = self.balance / average if average > 0 else np.inf
