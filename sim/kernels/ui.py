"""失业保险金 (unemployment insurance benefit): entitlement, claim and one month of payment.

Rules (defaults; all are scenario parameters of the `ui_benefit` type):
- eligible after an involuntary separation with ≥ 12 months of UI contributions, once registered;
- entitlement by contribution years 1–5 → 12 months, 5–10 → 18, ≥ 10 → 24 (《失业保险条例》 Art. 17);
  unused months carry over to the next claim, capped at 24; contribution years restart after a claim;
- benefit = ratio × district minimum wage; the fund also pays the medical contribution on behalf;
- at expiry, a person with less than `continue_within` months to retirement keeps the benefit until
  retirement; others may draw 失业补助金 (aid) for `aid_months`;
- a migrant worker refused the benefit for too few contribution months (but some) may be paid the
  one-off 失业农民工一次性生活补助 (`migrant_allowance_fen`).

`p` is a person record, `M` the month record (layout.month_dtype), `A` a chunk record.
"""
from __future__ import annotations

from numba import njit

from sim.codes import CostLine, GroupFlag
from sim.kernels.layout import UI_AID, UI_BENEFIT, UI_EXHAUSTED, UI_TO_RETIREMENT

PAID_NONE = 0
PAID_BENEFIT = 1
PAID_AID = 2


@njit(cache=True)
def entitlement_months(ui_contrib_months, carried, schedule_years, schedule_months, max_months, carry_over):
    """Months of benefit for a new claim: the largest schedule threshold (in contribution years) not
    above the person's UI contribution years, plus carried-over months, capped; 0 below the first."""
    months = 0
    for k in range(schedule_years.shape[0]):
        if ui_contrib_months >= schedule_years[k] * 12.0:
            months = schedule_months[k]
    if carry_over:
        months = months + carried
    if months > max_months:
        months = max_months
    return months


@njit(cache=True)
def try_claim(p, M):
    """Start a claim for an unemployed person. Returns True if 失业保险金 was granted."""
    if p.ui_contrib_months >= M.min_contribution_months:
        months = entitlement_months(p.ui_contrib_months, p.ui_left, M.schedule_years, M.schedule_months,
                                    M.max_months, M.carry_over)
        if months > 0:
            p.ui_status = UI_BENEFIT
            p.ui_left = months
            p.ui_contrib_months = 0        # contribution years restart after a claim
            return True
    if M.aid_for_ineligible and p.contrib_months > 0 and M.aid_months > 0:
        p.ui_status = UI_AID
        p.aid_left = M.aid_months
    else:
        p.ui_status = UI_EXHAUSTED
    return False


@njit(cache=True)
def migrant_allowance(p, M, A):
    """失业农民工一次性生活补助 for a claimant refused the benefit: a migrant worker (hukou not local urban)
    with some UI contributions but fewer than the benefit needs is paid the one-off allowance, and the
    months it rewards are used up (as a benefit claim uses them)."""
    d = p.district
    fen = M.migrant_allowance_fen[d]
    if fen > 0 and p.ui_contrib_months > 0 and p.ui_contrib_months < M.min_contribution_months \
            and (p.group_flags & GroupFlag.migrant_worker):
        A.ledger_fen[M.ui_slot, CostLine.ui_migrant_allowance, d] += fen
        A.ledger_count[M.ui_slot, CostLine.ui_migrant_allowance, d] += 1
        p.ui_contrib_months = 0


@njit(cache=True)
def pay_month(p, M, A):
    """Pay one month to a claimant and advance the claim; returns PAID_BENEFIT, PAID_AID or PAID_NONE."""
    d = p.district
    slot = M.ui_slot
    if p.ui_status == UI_BENEFIT or p.ui_status == UI_TO_RETIREMENT:
        A.ledger_fen[slot, CostLine.main, d] += M.benefit_fen[d]
        A.ledger_count[slot, CostLine.main, d] += 1
        if M.medical_fen[d] > 0:
            A.ledger_fen[slot, CostLine.ui_medical, d] += M.medical_fen[d]
            A.ledger_count[slot, CostLine.ui_medical, d] += 1
        if M.top_up_fen[d] > 0:
            A.ledger_fen[slot, CostLine.ui_top_up, d] += M.top_up_fen[d]
            A.ledger_count[slot, CostLine.ui_top_up, d] += 1
        if p.ui_status == UI_BENEFIT:
            p.ui_left -= 1
            if p.ui_left <= 0:
                p.ui_left = 0
                if p.retire_month - (M.t + 1) < M.continue_within:
                    p.ui_status = UI_TO_RETIREMENT
                elif M.aid_months > 0:
                    p.ui_status = UI_AID
                    p.aid_left = M.aid_months
                else:
                    p.ui_status = UI_EXHAUSTED
        return PAID_BENEFIT
    if p.ui_status == UI_AID:
        A.ledger_fen[slot, CostLine.ui_aid, d] += M.aid_fen[d]
        A.ledger_count[slot, CostLine.ui_aid, d] += 1
        p.aid_left -= 1
        if p.aid_left <= 0:
            p.aid_left = 0
            p.ui_status = UI_EXHAUSTED
        return PAID_AID
    return PAID_NONE
