"""Payments to institutions and agencies: fixed awards (fixed_award, paid in `award_month` by
`fixed_award`) and agencies' placement fees (placement_fee: the person pass counts vested placements,
sim.kernels.pay `_employment_linked`; the fees are paid at the year's last run month by
`placement_fees`). Both are called by their declarations' `pay_outside` after the person pass."""
from __future__ import annotations

from typing import Any

import numpy as np

from sim.codes import CostLine, InstrumentType as T
from sim.instruments.declaration import Declaration, OutsideMonth, amount_field, fen, months_field, share_field
from sim.kernels import layout as L
from sim.ledger import split_fen
from sim.schema import CHECKS, Field, Schema

FIXED_AWARD_PARAMETERS: Schema = {
    "amount": amount_field("amount per award", name_zh="奖补标准"),
    "count": Field("float", unit="awards per year", min=0.0, max=1e6, default=1.0, by_month=True,
                   description="awards made each year (by effective month)"),
    "award_month": Field("int", unit="calendar month", min=1, max=12, default=12,
                         description="calendar month the awards are paid; assumption: December"),
}


def _pay_awards(ins, k: int, month: OutsideMonth) -> None:
    fixed_award(ins, k, month.t, month.month_of_year, month.district_shares, month.direct_fen, month.direct_count)


FIXED_AWARD = Declaration(
    T.fixed_award, "奖补", schema=FIXED_AWARD_PARAMETERS, person_level=False, pay_outside=_pay_awards,
    self_contained=True)


def _placement_static(m, k, p, run):
    m["placement_vesting_months"][k] = p["vesting_months"]
    m["placement_via_agency_share"][k] = p["via_agency_share"]
    return p["vesting_months"], -1


def _tiers_increasing(values: dict[str, Any]) -> list[tuple[str, Any, str]]:
    tiers = values.get("tiers", [])
    if any(b[0] <= a[0] for a, b in zip(tiers, tiers[1:])):
        return [("tiers", tiers, "placement thresholds (the x of each pair) must increase")]
    return []


PLACEMENT_FEE_PARAMETERS: Schema = {
    "via_agency_share": share_field("share of qualifying hires placed by agencies; assumption: 0.1", 0.1,
                                     by_month=False),
    "vesting_months": months_field("months the placement must last", 6, 0, 60),
    "tiers": Field("schedule", unit="yuan per placement", min=0, max=100_000,
                   default=[[20, 200], [50, 300], [100, 400]],
                   description="pairs [placements in the year, yuan per placement] (seed 003 §(二十)); "
                               "fewer than the first threshold: nothing"),
    "cap_per_agency": amount_field("yearly cap per agency", 100_000.0),
    "agencies": Field("int", unit="agencies", min=1, max=100_000, default=20,
                      description="agencies sharing the placements equally; assumption: 20"),
    CHECKS: (_tiers_increasing,),
}


def _pay_fees(ins, k: int, month: OutsideMonth) -> None:
    if month.month_of_year == 12 or month.last_month:
        placement_fees(ins, k, month.t, month.placements_year[k], month.weight, month.direct_fen, month.direct_count)


PLACEMENT_FEE = Declaration(
    T.placement_fee, "职业介绍补贴", schema=PLACEMENT_FEE_PARAMETERS, situations=lambda p: (L.L_EMPLOYMENT,),
    fields=(("placement_vesting_months", np.int64),    # months a placement must last to count
            ("placement_via_agency_share", np.float64)),   # share of hires placed by an agency
    static=_placement_static, pay_outside=_pay_fees, person_contained=lambda p: True)


def fixed_award(ins, k: int, t: int, month_of_year: int, district_shares: np.ndarray, direct_fen: np.ndarray,
                direct_count: np.ndarray) -> None:
    """Awards to institutions in `award_month`: count × amount (real yuan), spread over districts by
    population share (exact in fen, largest remainder)."""
    p = ins.params
    if month_of_year != p["award_month"] or not ins.active[t]:
        return
    total = int(fen(p["count"][t] * p["amount"][t]))
    spread(total, district_shares, direct_fen[k, CostLine.main])
    spread(int(round(p["count"][t])), district_shares, direct_count[k, CostLine.main])


def placement_fees(ins, k: int, t: int, placements_year: np.ndarray, weight: float, direct_fen: np.ndarray,
                   direct_count: np.ndarray) -> None:
    """Agencies' fees for the year's vested placements (paid at the year's last run month): the
    placements are shared equally by `agencies` agencies; each earns the rate of the highest tier it
    reaches on all its placements, up to `cap_per_agency`."""
    p = ins.params
    total = float(placements_year.sum()) * weight
    if total <= 0:
        return
    per_agency = total / p["agencies"]
    rate = 0.0
    for threshold, yuan in p["tiers"]:
        if per_agency >= threshold:
            rate = yuan
    cap = p["cap_per_agency"][t]
    fee = min(rate * per_agency, cap) * p["agencies"]
    spread(int(fen(fee)), placements_year / placements_year.sum(), direct_fen[k, CostLine.main])
    direct_count[k, CostLine.main] += np.rint(placements_year * weight).astype(np.int64) if rate > 0 else 0


def spread(total: int, shares: np.ndarray, out: np.ndarray) -> None:
    parts = split_fen(total, {d: float(s) for d, s in enumerate(shares) if s > 0})
    for d, part in parts.items():
        out[d] += part


DECLARATIONS = (FIXED_AWARD, PLACEMENT_FEE)
