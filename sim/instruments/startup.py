"""Start-up instruments: 一次性创业补贴 (startup_grant), 场租补贴 (rent_subsidy), 创业担保贷款 to founders
(guaranteed_loan: interest subsidy, guarantee-fund compensation) and 小微企业创业担保贷款 to firms
(firm_guaranteed_loan, paid outside the person pass by `firm_loans`). Kernel rules: sim.kernels.pay `_takes`
(first business, sector, renting), `_business`, `_loan_month`, `_loan_closed`."""
from __future__ import annotations

import numpy as np

from sim.codes import CostLine, InstrumentType as T
from sim.instruments.awards import spread
from sim.instruments.declaration import (Declaration, OutsideMonth, amount, amount_field, fen, months_field,
                                         per_district, share_field, sizes_field)
from sim.kernels import layout as L
from sim.schema import Field, Schema

SECTORS = {"any": L.SECTOR_ANY, "agriculture": L.SECTOR_AGRICULTURE, "non_agriculture": L.SECTOR_NON_AGRICULTURE}
BUSINESS = (L.L_BUSINESS,)


def _grant_static(m, k, p, run):
    m["grant_operating_months"][k] = p["operating_months"]
    m["grant_sector"][k] = SECTORS[p["sector"]]
    m["grant_first_time_only"][k] = p["first_time_only"]
    return 0, -1


STARTUP_GRANT_PARAMETERS: Schema = {
    "amount": amount_field("one-time grant", name_zh="补贴标准"),
    "operating_months": months_field("business age at which it is paid (the business must still operate)", 12,
                                      0, 120),
    "sector": Field("enum", choices=("any", "agriculture", "non_agriculture"), default="any",
                    description="businesses of this sector only (agriculture share: behaviour "
                                "self_employment.agriculture_share)"),
    "first_time_only": Field("bool", default=True, description="only first-time founders (首次创业)"),
}


STARTUP_GRANT = Declaration(
    T.startup_grant, "一次性创业补贴", schema=STARTUP_GRANT_PARAMETERS, situations=lambda p: BUSINESS,
    fields=(("grant_operating_months", np.int64),      # paid when the business has run this long
            ("grant_sector", np.int64),                # SECTOR_* of sim.kernels.layout
            ("grant_first_time_only", np.uint8)),
    static=_grant_static, month=amount(lambda p, t: p["amount"][t]),
    startup_response=True, person_contained=lambda p: True)


def _rent_static(m, k, p, run):
    m["rent_start_after"][k] = p["start_after_months"]
    m["rent_max_months"][k] = p["max_months"]
    m["rent_renting_share"][k] = p["renting_share"]
    m["rent_first_time_only"][k] = p["first_time_only"]
    return 0, -1


RENT_SUBSIDY_PARAMETERS: Schema = {
    "cap_month": amount_field("monthly cap: pays min(rent, cap)", name_zh="月补贴上限"),
    "typical_rent": amount_field("monthly rent of a founder's premises; assumption: 800 yuan", 800.0),
    "renting_share": share_field("share of founders who rent premises; assumption: 0.5", 0.5, by_month=False),
    "start_after_months": months_field("months of operation before the first payment", 0, 0, 120),
    "max_months": months_field("months paid", 36, 1, 255),
    "first_time_only": Field("bool", default=True, description="only first-time founders"),
}


RENT_SUBSIDY = Declaration(
    T.rent_subsidy, "场租补贴", schema=RENT_SUBSIDY_PARAMETERS, situations=lambda p: BUSINESS,
    fields=(("rent_start_after", np.int64),            # business months before the first payment
            ("rent_max_months", np.int64),
            ("rent_renting_share", np.float64),        # share of new businesses renting premises
            ("rent_first_time_only", np.uint8)),
    static=_rent_static, month=amount(lambda p, t: min(p["typical_rent"][t], p["cap_month"][t])),
    claim_months=lambda p: p["start_after_months"] + p["max_months"], person_contained=lambda p: True)


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


GUARANTEED_LOAN_PARAMETERS: Schema = {
    "limit": amount_field("maximum principal per borrower (DOMAIN_NOTES A27)", 200_000.0, name_zh="贷款额度"),
    "min_share_of_limit": share_field("loans are drawn uniformly between this share of the limit and the limit; "
                                       "assumption: 0.5 (mean 75 % of the limit)", 0.5, by_month=False),
    "term_months": months_field("term (DOMAIN_NOTES A28: individuals ≤ 3 years)", 36, 1, 120),
    "spread_bp": Field("float", unit="basis points", min=-500.0, max=1000.0, default=50.0, by_month=True,
                       description="lending rate = 1-year LPR + spread (DOMAIN_NOTES A29: LPR + 50 bp)"),
    "subsidy_rule": Field("enum", choices=("lpr_minus", "share"), default="lpr_minus",
                          description="lpr_minus: the borrower pays LPR − borrower_discount_bp, the budget the "
                                      "rest (DOMAIN_NOTES A30); share: the budget pays subsidy_share of the interest"),
    "borrower_discount_bp": Field("float", unit="basis points", min=0.0, max=1000.0, default=150.0, by_month=True,
                                  description="DOMAIN_NOTES A30: borrower pays ≤ LPR − 150 bp"),
    "subsidy_share": share_field("share of interest subsidised (subsidy_rule = share)", 0.5),
    "deferral_share": share_field("share of loans extended at term end (展期), without interest subsidy; "
                                   "assumption: 0.1", 0.1, by_month=False),
    "deferral_months": months_field("length of an extension (seed 004: ≤ 1 year)", 12, 0, 60),
    "default_share": share_field("share of businesses failing with a loan outstanding that default; assumption: "
                                  "0.3 (DOMAIN_NOTES B12 gives no rate)", 0.3, by_month=False),
    "compensation_share": share_field("share of a defaulted principal the guarantee fund pays (代偿); assumption: "
                                       "0.8", 0.8, by_month=False),
    "guarantee_fund_yuan": Field("float", unit="yuan", min=0.0, max=1e12, default=0.0,
                                 description="guarantee-fund capital; 0 = new lending unlimited"),
    "leverage": Field("float", unit="× fund", min=0.0, max=100.0, default=5.0,
                      description="outstanding principal ≤ leverage × fund (DOMAIN_NOTES A31: 5×)"),
}


GUARANTEED_LOAN = Declaration(
    T.guaranteed_loan, "创业担保贷款", schema=GUARANTEED_LOAN_PARAMETERS, situations=lambda p: BUSINESS,
    fields=(("loan_term_months", np.int64),
            ("loan_deferral_months", np.int64),        # extension of the term for deferred repayment
            ("loan_deferral_share", np.float64),       # share of loans deferred at term
            ("loan_default_share", np.float64),        # share of loans of closed businesses that default
            ("loan_compensation_share", np.float64),   # share of a default's principal the fund repays
            ("loan_min_share_of_limit", np.float64),   # loan sizes uniform in [this, 1] × limit
            ("loan_interest_subsidy", np.float64),     # annual rate the budget pays on the principal
            ("loan_capacity", np.float64)),            # share of new loans the guarantee fund can cover
    static=_loan_static, month=_loan_month, every_month=True, startup_response=True,
    claim_months=lambda p: p["term_months"] + p["deferral_months"])


FIRM_GUARANTEED_LOAN_PARAMETERS: Schema = {
    "limit": amount_field("maximum principal per firm (DOMAIN_NOTES A27: firms 3,000,000)", 3_000_000.0,
                          name_zh="贷款额度"),
    "mean_share_of_limit": share_field("mean principal as a share of the limit; assumption: 0.5", 0.5,
                                       by_month=False),
    "loans_per_year": Field("float", unit="loans per year", min=0.0, max=1e6, default=0.0, by_month=True,
                            name_zh="年发放笔数",
                            description="new loans to qualifying firms a year (real firms; by effective month): "
                                        "the volume, from a figure or a labelled assumption"),
    "term_months": months_field("term (DOMAIN_NOTES A28: firms ≤ 2 years)", 24, 1, 120),
    "spread_bp": GUARANTEED_LOAN_PARAMETERS["spread_bp"],
    "subsidy_rule": GUARANTEED_LOAN_PARAMETERS["subsidy_rule"],
    "borrower_discount_bp": GUARANTEED_LOAN_PARAMETERS["borrower_discount_bp"],
    "subsidy_share": GUARANTEED_LOAN_PARAMETERS["subsidy_share"],
    "default_share": share_field("share of loans that default over their term, evenly over its months; "
                                  "assumption: 0.05 (DOMAIN_NOTES B12: suggested cumulative loss 3–8 %)", 0.05,
                                  by_month=False),
    "compensation_share": GUARANTEED_LOAN_PARAMETERS["compensation_share"],
    "firm_sizes": sizes_field(("micro", "small"), "borrowing firms (小微企业); documents the scope, the volume is "
                                                   "loans_per_year"),
}


def _pay_firm_loans(ins, k: int, month: OutsideMonth) -> None:
    firm_loans(ins, k, month.t, month.lpr_percent, month.district_shares, month.direct_fen, month.direct_count)


def firm_loans(ins, k: int, t: int, lpr_percent: float, district_shares: np.ndarray, direct_fen: np.ndarray,
               direct_count: np.ndarray) -> None:
    """小微企业创业担保贷款 in month t, in expected real money over the loans' vintages (no draws: the volume is a
    stated count of real firms, far below one simulated firm). A vintage is the month s the loans were made:
    loans_per_year[s] / 12 × take_up[s] loans of mean_share_of_limit × limit[s], when the instrument was in
    force in s (run months from 0: a warm start carries the loans made in the warm-up). In months 1 … term
    after s the budget pays the interest subsidy on the loans still running, while the instrument is in
    force; default_share of the loans default evenly over the term (each month's defaulters stop paying
    interest from the next month) and the guarantee fund repays compensation_share of their principal
    (代偿, line loan_compensation). Spread over districts by population share. The 代偿 count is booked in
    whole loans as the expected defaults accumulate (`defaults_booked`, decision "Whole 代偿 counts")."""
    p = ins.params
    term = p["term_months"]
    rate = interest_subsidy(p, t, lpr_percent) if ins.active[t] else 0.0
    s = np.arange(max(0, t - term), t)
    s = s[ins.active[s]]                                    # the vintages made while in force
    loans = np.asarray(p["loans_per_year"])[s] / 12 * ins.take_up[s]
    principal = p["mean_share_of_limit"] * np.asarray(p["limit"])[s]
    months = t - s                                          # 1 … term
    alive = loans * (1 - p["default_share"] * (months - 1) / term)
    failing = loans * p["default_share"] / term
    # summed in vintage order, one after the other (np.add.accumulate), as a loop would
    running, interest, compensation = (float(np.add.accumulate(x)[-1]) if len(x) else 0.0 for x in
                                       (alive, alive * principal * rate / 12,
                                        failing * principal * p["compensation_share"]))
    if interest > 0:
        spread(int(fen(interest)), district_shares, direct_fen[k, CostLine.main])
        spread(int(round(running)), district_shares, direct_count[k, CostLine.main])
    if compensation > 0:
        spread(int(fen(compensation)), district_shares, direct_fen[k, CostLine.loan_compensation])
    before, now = (defaults_booked(ins, month) for month in (t - 1, t))
    if now > before:
        direct_count[k, CostLine.loan_compensation] += (whole_units(now, district_shares)
                                                        - whole_units(before, district_shares))


def defaults_booked(ins, t: int) -> int:
    """Whole defaulted loans booked by the end of month t (0 before month 1): the expected defaults of
    every vintage in force when made, from run month 0 to t (default_share / term of its loans in each of
    months 1 … term after it), rounded down. Counting from month 0 keeps the count stateless (a warm start
    books what a cold run books)."""
    if t <= 0:
        return 0
    p = ins.params
    term = p["term_months"]
    vintages = np.arange(t)
    loans = np.where(ins.active[:t], np.asarray(p["loans_per_year"][:t]) / 12 * ins.take_up[:t], 0.0)
    expected = float(np.sum(loans * p["default_share"] / term * np.minimum(t - vintages, term)))
    return int(np.floor(expected + 1e-9))          # 1e-9: 3 × (1/3) is 1 loan, not 0


def whole_units(total: int, shares: np.ndarray) -> np.ndarray:
    """`total` whole units over districts by share (Sainte-Laguë: the `total` largest of share / (k + ½),
    k = 0, 1, …, ties to the first district). The largest of a fixed list, so one unit more never takes one
    from a district: differences of totals are never negative."""
    share = np.asarray(shares, np.float64) / np.sum(shares)
    # more candidates than a district can get: Sainte-Laguë gives at most share × (total + districts / 2) + ½
    seats = np.floor(share * (total + len(share) / 2)).astype(np.int64) + 2
    district = np.repeat(np.arange(len(share)), seats)
    k = np.arange(len(district)) - np.repeat(np.cumsum(seats) - seats, seats)
    chosen = np.argsort(-(share[district] / (k + 0.5)), kind="stable")[:total]
    return np.bincount(district[chosen], minlength=len(share)).astype(np.int64)


FIRM_GUARANTEED_LOAN = Declaration(
    T.firm_guaranteed_loan, "小微企业创业担保贷款", schema=FIRM_GUARANTEED_LOAN_PARAMETERS, person_level=False,
    pay_outside=_pay_firm_loans, claim_months=lambda p: p["term_months"], self_contained=True)

DECLARATIONS = (STARTUP_GRANT, RENT_SUBSIDY, GUARANTEED_LOAN, FIRM_GUARANTEED_LOAN)
