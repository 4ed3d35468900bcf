"""Payments to institutions and agencies: fixed awards (fixed_award, paid by sim.engine in `award_month`)
and agencies' placement fees (placement_fee: the person pass counts vested placements, sim.kernels.pay
`_employment_linked`; the fees are paid at the year's last run month by `placement_fees`)."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, fen
from sim.kernels import layout as L
from sim.ledger import split_fen

FIXED_AWARD = Declaration(
    T.fixed_award, "奖补", person_level=False)


def _placement_static(m, k, p, run):
    m["placement_vesting_months"][k] = p["vesting_months"]
    m["placement_via_agency_share"][k] = p["via_agency_share"]
    return p["vesting_months"], -1


PLACEMENT_FEE = Declaration(
    T.placement_fee, "职业介绍补贴", situations=lambda p: (L.L_EMPLOYMENT,),
    fields=(("placement_vesting_months", np.int64),    # months a placement must last to count
            ("placement_via_agency_share", np.float64)),   # share of hires placed by an agency
    static=_placement_static)


def fixed_award(ins, k: int, t: int, month_of_year: int, district_shares: np.ndarray, direct_fen: np.ndarray,
                direct_count: np.ndarray) -> None:
    """Awards to institutions in `award_month`: count × amount (real yuan), spread over districts by
    population share (exact in fen, largest remainder)."""
    p = ins.params
    if month_of_year != p["award_month"] or not ins.active[t]:
        return
    total = int(fen(p["count"][t] * p["amount"][t]))
    _spread(total, district_shares, direct_fen[k])
    _spread(int(round(p["count"][t])), district_shares, direct_count[k])


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
    _spread(int(fen(fee)), placements_year / placements_year.sum(), direct_fen[k])
    direct_count[k] += np.rint(placements_year * weight).astype(np.int64) if rate > 0 else 0


def _spread(total: int, shares: np.ndarray, out: np.ndarray) -> None:
    parts = split_fen(total, {d: float(s) for d, s in enumerate(shares) if s > 0})
    for d, part in parts.items():
        out[d] += part


DECLARATIONS = (FIXED_AWARD, PLACEMENT_FEE)
