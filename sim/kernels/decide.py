"""Monthly decisions of one person: which event happens this month (pure functions of scalars + draws).

Deciding is separated from applying (sim.kernels.persons): each state's rules read a few fields and
draw from named slots, and return one event code; the apply step then runs each event's bookkeeping
once. Hazards are products of a base rate and multipliers, in a fixed order (the NumPy reference in
tests/reference.py multiplies in the same order, so results agree bit for bit).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import ALL_GROUPS, GroupFlag, Slot
from sim.kernels import layout as L
from sim.rng import uniform

# events
EV_NONE = 0
EV_HIRE = 1           # into a job (local firm with vacancies, or away)
EV_UNEMPLOYED = 2     # a new unemployment spell (registration drawn, UI claimed if involuntary)
EV_SEARCH = 3         # back to search after training: registration and UI claim continue
EV_INACTIVE = 4
EV_FLEXIBLE = 5
EV_TRAINING = 6
EV_INTERN = 7
EV_SELF_EMPLOYED = 8
EV_PUBLIC_JOB = 9
EV_STUDY = 10         # school leaver going on to further study (inactive, counts as a destination)
EV_REGISTER = 11      # an unregistered jobseeker registers (no move)


@njit(cache=True, inline="always")
def age_band(age_months):
    """Behaviour age band: 16–24, 25–34, 35–44, 45–54, 55+."""
    return (age_months >= 300) + (age_months >= 420) + (age_months >= 540) + (age_months >= 660)


@njit(cache=True, inline="always")
def spell_band(months):
    """Unemployment-duration band: <3, 3–5, 6–11, 12–23, 24+ months."""
    return (months >= 3) + (months >= 6) + (months >= 12) + (months >= 24)


@njit(cache=True)
def job_finding_hazard(age_months, education, spell, skill, disability, registered, hukou, ui_status, ui_left,
                       since_training, since_school_cohort, M):
    """Monthly job-finding probability of an unemployed person before vacancy rationing.

    `since_training` is the months since a completed course (−1: none); `since_school_cohort` the months
    since leaving school for school leavers of the run (−1: not one)."""
    h = M.beh[L.JF_BASE]
    h *= M.mult[L.M_JF_AGE, age_band(age_months)]
    h *= M.mult[L.M_JF_EDU, education]
    h *= M.mult[L.M_JF_SPELL, spell_band(spell)]
    h *= M.mult[L.M_JF_SKILL, skill]
    h *= M.mult[L.M_JF_DISABILITY, disability]
    h *= M.mult[L.M_JF_REGISTRATION, 0 if registered else 1]
    h *= M.mult[L.M_JF_HUKOU, hukou]
    if ui_status == L.UI_BENEFIT and ui_left <= 2:
        h *= M.beh[L.JF_UI_EXHAUSTION]
    elif ui_status == L.UI_BENEFIT or ui_status == L.UI_TO_RETIREMENT:
        h *= M.beh[L.JF_UI_RECEIPT]
    if since_training >= M.beh[L.TR_BOOST_LAG] and since_training < M.beh[L.TR_BOOST_LAG] + M.beh[L.TR_BOOST_MONTHS]:
        h *= M.beh[L.TR_BOOST]
    if since_school_cohort >= 0 and since_school_cohort < 12:
        h *= M.beh[L.GR_JF_MULT]
    return h


@njit(cache=True)
def separation_hazard(local, age_months, size_class, tenure, M):
    """Monthly separation probability of an employee (local firm or away)."""
    if not local:
        return M.beh[L.SEP_AWAY_BASE] * M.sep_multiplier
    h = M.beh[L.SEP_BASE] * M.sep_multiplier
    h *= M.mult[L.M_SEP_AGE, age_band(age_months)]
    h *= M.mult[L.M_SEP_SIZE, size_class]
    if tenure < 12:
        h *= M.beh[L.SEP_SHORT_TENURE]
    return h


@njit(cache=True)
def decide_employed(key, i, forced, h, layoff_cut, M):
    """Employee: (event, involuntary). `forced` = the employer closed this month; `layoff_cut` = share of
    involuntary separations the employer avoids (the 稳岗返还 response; 0 = none)."""
    share = M.beh[L.SEP_INVOLUNTARY_SHARE]
    if layoff_cut > 0:                  # fewer involuntary separations; voluntary ones unchanged
        h *= 1.0 - share * layoff_cut
        share = share * (1.0 - layoff_cut) / (1.0 - share * layoff_cut)
    if not forced and uniform(key, i, Slot.SEPARATION) >= h:
        return EV_NONE, False
    u = uniform(key, i, Slot.SEPARATION_KIND)
    if forced or u < share:
        return EV_UNEMPLOYED, True
    v = (u - share) / (1.0 - share)     # rescaled to [0, 1) within the voluntary part
    if v < M.beh[L.SEP_TO_UNEMPLOYED]:
        return EV_UNEMPLOYED, False
    if v < M.beh[L.SEP_TO_UNEMPLOYED] + M.beh[L.SEP_TO_INACTIVE]:
        return EV_INACTIVE, False
    return EV_FLEXIBLE, False


@njit(cache=True)
def decide_unemployed(key, i, h, flags, spell, registered, M):
    """Unemployed: one event. Destinations are tried in a fixed order, each with its own draw, so
    changing one hazard changes no other decision's random number (common random numbers)."""
    if uniform(key, i, Slot.JOB_FIND) < h:
        return EV_HIRE
    if flags & GroupFlag.difficulty:
        if uniform(key, i, Slot.TO_PUBLIC_JOB) < M.beh[L.EX_PUBLIC_JOB] * M.public_job_ratio:
            return EV_PUBLIC_JOB
    if flags & (GroupFlag.graduate_2y | GroupFlag.youth_16_24):
        if uniform(key, i, Slot.TO_INTERNSHIP) < M.beh[L.EX_INTERNSHIP]:
            return EV_INTERN
    if uniform(key, i, Slot.TO_TRAINING) < M.beh[L.EX_TRAINING]:
        return EV_TRAINING
    to_self_employment = M.beh[L.EX_SELF_EMPLOYMENT]
    if flags & M.startup_mask or M.startup_mask == ALL_GROUPS:   # start-up support raises entry (responses)
        to_self_employment *= 1.0 + M.beh[L.RESP_STARTUP_ENTRY]
    if uniform(key, i, Slot.TO_SELF_EMPLOYMENT) < to_self_employment:
        return EV_SELF_EMPLOYED
    if uniform(key, i, Slot.TO_FLEXIBLE) < M.beh[L.EX_FLEXIBLE]:
        return EV_FLEXIBLE
    p_inactive = M.beh[L.EX_INACTIVE]
    if spell >= 24:
        p_inactive += M.beh[L.IA_FROM_LONG]
    if uniform(key, i, Slot.TO_INACTIVE) < p_inactive:
        return EV_INACTIVE
    if not registered and uniform(key, i, Slot.LATE_REGISTER) < M.beh[L.REG_LATE]:
        return EV_REGISTER
    return EV_NONE


@njit(cache=True)
def decide_other(key, i, state, spell, supported, post_extension, M):
    """Training, internship, business, flexible work, public post, inactivity: (event, fallback).

    The fallback applies when a hire finds no vacancy in the district; `supported` marks a business
    with start-up support (a guaranteed loan or a targeted grant), which fails less often;
    `post_extension` the months a public post runs beyond the behaviour's length (an extended subsidy)."""
    if state == 3:    # TRAINING
        if uniform(key, i, Slot.TRAINING_END) < M.beh[L.TR_END]:
            return EV_SEARCH, EV_NONE
        return EV_NONE, EV_NONE
    if state == 4:    # INTERN
        if spell + 1 >= M.beh[L.IN_MONTHS]:
            if uniform(key, i, Slot.INTERN_RETAINED) < M.beh[L.IN_RETAIN]:
                return EV_HIRE, EV_UNEMPLOYED
            return EV_UNEMPLOYED, EV_NONE
        if uniform(key, i, Slot.INTERN_EARLY_HIRE) < M.beh[L.IN_EARLY_HIRE]:
            return EV_HIRE, EV_NONE
        return EV_NONE, EV_NONE
    if state == 5:    # SELF_EMPLOYED
        year = spell // 12
        if year > 3:
            year = 3
        failure = M.beh[L.SE_FAIL_Y1 + year]
        if supported:
            failure *= 1.0 - M.beh[L.RESP_STARTUP_SURVIVAL]
        if uniform(key, i, Slot.BUSINESS_FAILURE) < failure:
            if uniform(key, i, Slot.SEPARATION_KIND) < M.beh[L.SE_TO_EMPLOYED]:
                return EV_HIRE, EV_UNEMPLOYED
            return EV_UNEMPLOYED, EV_NONE
        return EV_NONE, EV_NONE
    if state == 6:    # FLEXIBLE
        u = uniform(key, i, Slot.FLEXIBLE_EXIT)
        edge = M.beh[L.FL_TO_EMPLOYED]
        if u < edge:
            return EV_HIRE, EV_NONE
        edge += M.beh[L.FL_TO_UNEMPLOYED]
        if u < edge:
            return EV_UNEMPLOYED, EV_NONE
        if u < edge + M.beh[L.FL_TO_INACTIVE]:
            return EV_INACTIVE, EV_NONE
        return EV_NONE, EV_NONE
    if state == 7:    # PUBLIC_JOB
        if spell + 1 >= M.beh[L.PJ_MAX_MONTHS] + post_extension:
            return EV_UNEMPLOYED, EV_NONE
        if uniform(key, i, Slot.PUBLIC_JOB_EXIT) < M.beh[L.PJ_TO_EMPLOYED]:
            return EV_HIRE, EV_NONE
        return EV_NONE, EV_NONE
    if state == 8:    # INACTIVE
        u = uniform(key, i, Slot.FROM_INACTIVE)
        if u < M.beh[L.IA_TO_UNEMPLOYED]:
            return EV_UNEMPLOYED, EV_NONE
        if u < M.beh[L.IA_TO_UNEMPLOYED] + M.beh[L.IA_TO_EMPLOYED]:
            return EV_HIRE, EV_NONE
    return EV_NONE, EV_NONE


@njit(cache=True)
def decide_graduate(key, i, M):
    """School leaver in the graduation month: (event, fallback)."""
    u = uniform(key, i, Slot.GRADUATE_DESTINATION)
    edge = M.beh[L.GR_EMPLOYED]
    if u < edge:
        return EV_HIRE, EV_UNEMPLOYED
    edge += M.beh[L.GR_INTERN]
    if u < edge:
        return EV_INTERN, EV_NONE
    edge += M.beh[L.GR_UNEMPLOYED]
    if u < edge:
        return EV_UNEMPLOYED, EV_NONE
    edge += M.beh[L.GR_FURTHER_STUDY]
    if u < edge:
        return EV_STUDY, EV_NONE
    return EV_INACTIVE, EV_NONE


@njit(cache=True)
def pick_firm(district, u, order, district_start, cum_vacancies):
    """Firm drawn with probability ∝ its vacancies among the district's firms; −1 if there are none."""
    lo = district_start[district]
    hi = district_start[district + 1]
    if hi <= lo:
        return -1
    base = cum_vacancies[lo - 1] if lo > 0 else np.int64(0)
    total = cum_vacancies[hi - 1] - base
    if total <= 0:
        return -1
    target = base + np.int64(u * total)      # find the first k in [lo, hi) with cum[k] > target
    while lo < hi:
        mid = (lo + hi) // 2
        if cum_vacancies[mid] > target:
            hi = mid
        else:
            lo = mid + 1
    return order[lo]
