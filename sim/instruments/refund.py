"""稳岗返还 (stabilization_refund): paid to firms in its pay month from their year-end accounts
(sim.kernels.firms.year_end_close), by `stabilization_refund` (its declaration's `pay_outside`). Its
being in force lowers layoffs in the size classes it covers (behaviour `responses`)."""
from __future__ import annotations

import numpy as np

from sim.codes import EntityKind, InstrumentType as T, SizeClass, Slot
from sim.instruments.declaration import (Declaration, OutsideMonth, RefundGroups, firm_sizes, instrument_key,
                                         months_field, sizes_field)
from sim.rng import fold, month_key, uniforms
from sim.schema import Field, Schema

STABILIZATION_REFUND_PARAMETERS: Schema = {
    "basis": Field("enum", choices=("ui_contributions", "ui_benefit_months", "si_contribution_months"),
                   default="ui_contributions",
                   description="ui_contributions: share × last year's UI contributions (firm + staff); "
                               "ui_benefit_months: benefit_months × the average monthly UI benefit × average "
                               "insured staff; si_contribution_months: share × contribution_months × the "
                               "average month of all SI contributions (firm + staff) last year"),
    "share": Field("table", unit="share", min=0.0, max=1.0, choices=("sme", "large"),
                   default={"sme": 0.6, "large": 0.3}, name_zh="返还比例",
                   description="refund share by size class (sme = micro, small and medium); default 60/30: "
                               "人社部发〔2024〕40号 (DOMAIN_NOTES A8, A9)"),
    "benefit_months": Field("float", unit="months", min=0.0, max=24.0, default=6.0,
                            description="months of UI benefit per insured worker (basis ui_benefit_months); "
                                        "DOMAIN_NOTES A2, A3"),
    "contribution_months": Field("float", unit="months", min=0.0, max=24.0, default=3.0,
                                 description="months of SI contributions (basis si_contribution_months); "
                                             "DOMAIN_NOTES A3"),
    "pay_month": Field("int", unit="calendar month", min=1, max=12, default=6,
                       description="calendar month of the yearly payment; assumption: June (DOMAIN_NOTES: "
                                   "one month in Q2–Q4)"),
    "layoff_rate_max": Field("float", unit="rate", min=0.0, max=1.0, default=0.055, by_month=True,
                             description="last year's layoff rate (involuntary separations ÷ average insured "
                                         "staff) must not exceed this; 5.5 % national surveyed-unemployment "
                                         "target (DOMAIN_NOTES A4)"),
    "small_firm_insured_max": Field("int", unit="insured staff", min=0, max=100_000, default=30,
                                    description="firms with at most this many insured staff use the small-firm "
                                                "layoff limit (DOMAIN_NOTES A4)"),
    "small_firm_layoff_rate_max": Field("float", unit="rate", min=0.0, max=1.0, default=0.20,
                                        description="layoff-rate limit of small firms (DOMAIN_NOTES A4)"),
    "min_contribution_months": months_field("months the firm has paid contributions (DOMAIN_NOTES A1, A9: ≥ 12)",
                                             12),
    "min_fund_months": Field("float", unit="months", min=0.0, max=600.0, default=12.0,
                             description="备付 gate: paid only if the UI fund's months of cover at the end of the "
                                         "previous month reach this (DOMAIN_NOTES A1, A6: ≥ 1 year)"),
    "difficult_firm_share": Field("float", unit="share of firms", min=0.0, max=1.0, default=1.0,
                                  name_zh="困难企业占比",
                                  description="share of the firms passing the other tests that the variant "
                                              "targets, e.g. firms in temporary difficulty (面临暂时性生产经营困难, "
                                              "DOMAIN_NOTES A2): drawn per firm and pay month, apart from the "
                                              "take-up draw; 1 = every firm (the regular refund)"),
    "firm_sizes": sizes_field(),
}


def _pay(ins, k: int, month: OutsideMonth) -> None:
    stabilization_refund(ins, k, month.t, month.month_of_year, month.firms, month.run_key, month.benefit_fen,
                         month.cover, month.ledger_fen, month.ledger_count, month.refund_groups)


STABILIZATION_REFUND = Declaration(
    T.stabilization_refund, "稳岗返还", schema=STABILIZATION_REFUND_PARAMETERS, person_level=False,
    refund_response=True, pay_outside=_pay,
    cover_gate=lambda p, month_of_year: p["min_fund_months"] if month_of_year == p["pay_month"] else None)


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
    uniforms(key, 0, n, int(Slot.INSTRUMENT), draws)   # an int: typing an IntEnum member costs ≈ 4 ms a call
    in_difficulty = np.empty(n)                # the firm is among those the variant targets
    uniforms(key, 0, n, int(Slot.INSTRUMENT_DETAIL), in_difficulty)
    insured = F["insured_avg_last"]
    small = insured <= p["small_firm_insured_max"]
    limit = np.where(small, np.maximum(p["small_firm_layoff_rate_max"], p["layoff_rate_max"][t]),
                     p["layoff_rate_max"][t])
    eligible = ((F["alive"] == 1) & (insured > 0) & (F["layoff_rate_last"] <= limit)
                & (F["contrib_months"] >= p["min_contribution_months"])
                & (((firm_sizes(p) >> F["size_class"].astype(np.int64)) & 1) == 1)
                & (draws < ins.take_up[t]) & (in_difficulty < p["difficult_firm_share"]))
    if ins.exclusive_group:
        eligible &= ~groups.of(ins.exclusive_group, n)
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
        groups.of(ins.exclusive_group, n)[:] |= amount > 0
    districts = F["district"].astype(np.int64)
    np.add.at(ledger_fen[k, 0], districts, amount)
    np.add.at(ledger_count[k, 0], districts, (amount > 0).astype(np.int64))


DECLARATIONS = (STABILIZATION_REFUND,)
