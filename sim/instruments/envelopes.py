"""Annual budget envelopes of funds (DESIGN §4), applied after each month's claims."""
from __future__ import annotations

import numpy as np

from sim.codes import Fund
from sim.ledger import split_fen
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
            if t == 0 or month_of_year == 1:
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
