"""稳岗返还 (stabilization_refund): paid to firms in its pay month from their year-end accounts
(sim.kernels.firms.year_end_close), by sim.engine through `stabilization_refund`. Its being in force lowers
layoffs in the size classes it covers (behaviour `responses`)."""
from __future__ import annotations

import numpy as np

from sim.codes import EntityKind, InstrumentType as T, SizeClass, Slot
from sim.instruments.declaration import Declaration, firm_sizes, instrument_key
from sim.rng import fold, month_key, uniforms

STABILIZATION_REFUND = Declaration(
    T.stabilization_refund, "稳岗返还", person_level=False, refund_response=True)


class RefundGroups:
    """Firms paid this calendar year by a member of each exclusive group: a firm gets one refund of a
    group a year (the first member in the group's order that pays it; the engine calls the refunds in
    that order, priority first)."""

    def __init__(self, n_firms: int):
        self.n_firms = n_firms
        self.paid: dict[str, np.ndarray] = {}

    def of(self, group: str) -> np.ndarray:
        """The group's mask of firms paid this year (all False for a new group)."""
        if group not in self.paid:
            self.paid[group] = np.zeros(self.n_firms, bool)
        return self.paid[group]

    def new_year(self) -> None:
        for mask in self.paid.values():
            mask[:] = False


def stabilization_refund(ins, k: int, t: int, month_of_year: int, F: np.ndarray, run_key: np.uint64,
                         benefit_fen: np.ndarray, cover: float, ledger_fen: np.ndarray,
                         ledger_count: np.ndarray, groups: RefundGroups) -> None:
    """稳岗返还 in its pay month: every alive firm that passes the tests is paid (sample fen, by the
    firm's district) the refund computed on last year's accounts (firms.year_end_close). A firm already
    paid this year by a member of the instrument's `exclusive_group` is not paid again."""
    p = ins.params
    if month_of_year != p["pay_month"] or not ins.active[t] or cover < p["min_fund_months"]:
        return
    n = len(F)
    draws = np.empty(n)
    firm_month = np.uint64(month_key(np.uint64(run_key), EntityKind.FIRM, t))
    key = np.uint64(fold(firm_month, np.int64(instrument_key(ins.id))))
    uniforms(key, 0, n, Slot.INSTRUMENT, draws)
    in_difficulty = np.empty(n)                # the firm is among those the variant targets
    uniforms(key, 0, n, Slot.INSTRUMENT_DETAIL, in_difficulty)
    insured = F["insured_avg_last"]
    small = insured <= p["small_firm_insured_max"]
    limit = np.where(small, np.maximum(p["small_firm_layoff_rate_max"], p["layoff_rate_max"][t]),
                     p["layoff_rate_max"][t])
    eligible = ((F["alive"] == 1) & (insured > 0) & (F["layoff_rate_last"] <= limit)
                & (F["contrib_months"] >= p["min_contribution_months"])
                & (((firm_sizes(p) >> F["size_class"].astype(np.int64)) & 1) == 1)
                & (draws < ins.take_up[t]) & (in_difficulty < p["difficult_firm_share"]))
    if ins.exclusive_group:
        eligible &= ~groups.of(ins.exclusive_group)
    sme = F["size_class"] < SizeClass.LARGE
    share = np.where(sme, p["share"].get("sme", 0.0), p["share"].get("large", 0.0))
    if p["basis"] == "ui_contributions":
        amount = np.floor(share * F["ui_contrib_last"] + 0.5)
    elif p["basis"] == "si_contribution_months":
        amount = np.floor(share * p["contribution_months"] * F["si_contrib_last"] / 12 + 0.5)
    else:
        amount = np.floor(p["benefit_months"] * benefit_fen[F["district"]] * insured + 0.5)
    amount = np.where(eligible, amount, 0).astype(np.int64)
    if ins.exclusive_group:
        groups.of(ins.exclusive_group)[:] |= amount > 0
    districts = F["district"].astype(np.int64)
    np.add.at(ledger_fen[k, 0], districts, amount)
    np.add.at(ledger_count[k, 0], districts, (amount > 0).astype(np.int64))


DECLARATIONS = (STABILIZATION_REFUND,)
