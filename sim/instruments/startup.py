"""Start-up instruments: 一次性创业补贴 (startup_grant), 场租补贴 (rent_subsidy) and 创业担保贷款
(guaranteed_loan: interest subsidy, guarantee-fund compensation). Kernel rules: sim.kernels.pay `_takes`
(first business, sector, renting), `_business`, `_loan_month`, `_loan_closed`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, amount, per_district
from sim.kernels import layout as L

SECTORS = {"any": L.SECTOR_ANY, "agriculture": L.SECTOR_AGRICULTURE, "non_agriculture": L.SECTOR_NON_AGRICULTURE}
BUSINESS = (L.L_BUSINESS,)


def _grant_static(m, k, p, run):
    m["grant_operating_months"][k] = p["operating_months"]
    m["grant_sector"][k] = SECTORS[p["sector"]]
    m["grant_first_time_only"][k] = p["first_time_only"]
    return 0, -1


STARTUP_GRANT = Declaration(
    T.startup_grant, "一次性创业补贴", situations=lambda p: BUSINESS,
    fields=(("grant_operating_months", np.int64),      # paid when the business has run this long
            ("grant_sector", np.int64),                # SECTOR_* of sim.kernels.layout
            ("grant_first_time_only", np.uint8)),
    static=_grant_static, month=amount(lambda p, t: p["amount"][t]),
    startup_response=True)


def _rent_static(m, k, p, run):
    m["rent_start_after"][k] = p["start_after_months"]
    m["rent_max_months"][k] = p["max_months"]
    m["rent_renting_share"][k] = p["renting_share"]
    m["rent_first_time_only"][k] = p["first_time_only"]
    return 0, -1


RENT_SUBSIDY = Declaration(
    T.rent_subsidy, "场租补贴", situations=lambda p: BUSINESS,
    fields=(("rent_start_after", np.int64),            # business months before the first payment
            ("rent_max_months", np.int64),
            ("rent_renting_share", np.float64),        # share of new businesses renting premises
            ("rent_first_time_only", np.uint8)),
    static=_rent_static, month=amount(lambda p, t: min(p["typical_rent"][t], p["cap_month"][t])))


def _loan_static(m, k, p, run):
    m["loan_term_months"][k] = p["term_months"]
    m["loan_deferral_months"][k] = p["deferral_months"]
    m["loan_default_share"][k] = p["default_share"]
    m["loan_min_share_of_limit"][k] = p["min_share_of_limit"]
    m["loan_compensation_share"][k] = p["compensation_share"]
    m["loan_deferral_share"][k] = p["deferral_share"]
    run.loan_room[k] = p["leverage"] * p["guarantee_fund_yuan"] if p["guarantee_fund_yuan"] > 0 else None
    return 0, -1


def _loan_month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(run, p["limit"][t])
    m["loan_interest_subsidy"][k] = interest_subsidy(p, t, run.lpr_percent)
    room = run.loan_room[k]
    m["loan_capacity"][k] = 1.0 if room is None or room > 0 else 0.0


def interest_subsidy(p: dict, t: int, lpr_percent: float) -> float:
    """Annual rate the budget pays on a guaranteed loan's principal (a fraction)."""
    lending = lpr_percent / 100 + p["spread_bp"][t] / 10_000
    if p["subsidy_rule"] == "share":
        return max(lending, 0.0) * p["subsidy_share"][t]
    borrower = max(lpr_percent / 100 - p["borrower_discount_bp"][t] / 10_000, 0.0)
    return max(lending - borrower, 0.0)


def loan_room_after(p: dict, outstanding_fen: int, weight: float) -> float:
    """Guarantee capacity for next month's new loans: leverage × fund − principal outstanding (yuan)."""
    return p["leverage"] * p["guarantee_fund_yuan"] - outstanding_fen * weight / 100


GUARANTEED_LOAN = Declaration(
    T.guaranteed_loan, "创业担保贷款", situations=lambda p: BUSINESS,
    fields=(("loan_term_months", np.int64),
            ("loan_deferral_months", np.int64),        # extension of the term for deferred repayment
            ("loan_deferral_share", np.float64),       # share of loans deferred at term
            ("loan_default_share", np.float64),        # share of loans of closed businesses that default
            ("loan_compensation_share", np.float64),   # share of a default's principal the fund repays
            ("loan_min_share_of_limit", np.float64),   # loan sizes uniform in [this, 1] × limit
            ("loan_interest_subsidy", np.float64),     # annual rate the budget pays on the principal
            ("loan_capacity", np.float64)),            # share of new loans the guarantee fund can cover
    static=_loan_static, month=_loan_month, startup_response=True)

DECLARATIONS = (STARTUP_GRANT, RENT_SUBSIDY, GUARANTEED_LOAN)
