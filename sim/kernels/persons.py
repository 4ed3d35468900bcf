"""One month for every person (DESIGN §5 steps 2, 4–7 and 9), fused in a single pass.

Per person, in order: demography (graduation, retirement) → one decision for the month (separation or
a non-employment transition; sim.kernels.decide) → apply it → contributions → group flags →
`ui_benefit` (claims and payments) → outcome counters. A person moves at most once a month.

Draws are counter-based (sim.rng), keyed by person and slot, so results do not depend on chunking or
threads. Each chunk writes only its own accumulator record `A = CA[c]` and its row of firm
accumulators `FA[c]`; they are reduced in chunk order afterwards.

Arguments used throughout: `p` a person record (PERSON_DTYPE), `M` the month record
(layout.month_dtype: behaviour constants and this month's values), `F` firms (FIRM_DTYPE array), `A` this
chunk's accumulator record, `FA` this chunk's row of firm accumulators. `_run_chunk` alone indexes
arrays; `_begin`, `_finish`, `_accrue` and `_count` are inlined into it, the rest are plain calls.
Helpers take records, not arrays, wherever they can: numba adds atomic reference-count updates for
arrays handed to functions, which in this loop cost more than the work (see docs/decisions.md D23).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.codes import (ALL_GROUPS, NEVER, EntityKind, GroupFlag, Household, Hukou, Outcome, PersonBit, Slot, State,
                       WorkLocation)
from sim.kernels import decide as D
from sim.kernels import layout as L
from sim.kernels.borrow import borrow
from sim.kernels.flags import group_flags
from sim.kernels.money import to_fen
from sim.kernels.pay import (CERTIFIED, CLOSED, INTERN_HIRED, SPELL_SHIFT, TRAINED, hiring_subsidy_share, pay_person,
                             post_extension, relief, skill_upgrade)
from sim.kernels.ui import PAID_AID, PAID_BENEFIT, migrant_allowance, pay_month, try_claim
from sim.rng import month_key, uniform

MAX_I16 = 32767
REGISTERED_OR_INVOLUNTARY = PersonBit.REGISTERED | PersonBit.INVOLUNTARY
JOB_SPELL_BITS = PersonBit.WAS_UNEMPLOYED | PersonBit.DIFFICULTY_HIRE   # describe the current job only
MOVED = 1                # _apply's result bits
CLAIM = 2


@njit(cache=True, inline="always")
def _is_employment(state):
    return (state == State.EMPLOYED or state == State.SELF_EMPLOYED or state == State.FLEXIBLE
            or state == State.PUBLIC_JOB)


@njit(cache=True, inline="always")
def _works_in_city(p):
    """Employed in the city (a job away has no local employer): whose retirement is 自然减员."""
    return _is_employment(p.state) and (p.state != State.EMPLOYED or p.employer >= 0)


@njit(cache=True, inline="always")
def _enter(p, new_state):
    if p.state == State.INACTIVE:              # further study (a graduate destination) ends with inactivity
        p.bits = np.uint8(np.int64(p.bits) & ~np.int64(PersonBit.FURTHER_STUDY))
    p.prev_state = p.state
    p.state = new_state
    p.state_months = 0


@njit(cache=True)
def _decide(p, i, key, M, firm, A):
    """This month's (event, fallback, involuntary) for a person already in the labour market; `firm` is
    the employer's record (any record when there is none: it is then not read)."""
    t = M.t
    if p.state == State.EMPLOYED:
        local = p.employer >= 0
        size = firm.size_class if local else 0
        forced = local and (firm.alive == 0 or (
            M.mult[L.M_FIRM_PARTIAL_CLOSURE, size] > 0     # a record closing in part: this worker's share
            and uniform(key, i, Slot.CLOSURE_LAYOFF) < M.mult[L.M_FIRM_EXIT, size] * M.firm_exit_multiplier))
        h = D.separation_hazard(local, t - p.birth_month, size, t - p.hire_month, M)
        cut = M.beh[L.RESP_REFUND_LAYOFF] if local and (M.refund_sizes >> size) & 1 else 0.0
        event, involuntary = D.decide_employed(key, i, forced, h, cut, M)
        return event, D.EV_NONE, involuntary
    if p.state == State.UNEMPLOYED:
        registered = (p.bits & PersonBit.REGISTERED) != 0
        since_training = t - p.training_done_month if p.training_done_month != NEVER else -1
        since_school = t - p.school_leave_month if (p.bits & PersonBit.GRADUATE_COHORT) else -1
        h = D.job_finding_hazard(t - p.birth_month, p.education, p.state_months, p.skill, p.disability, registered,
                                 p.hukou, p.ui_status, p.ui_left, since_training, since_school, M)
        if M.list_len[L.L_HIRE_VALUE] > 0 and M.beh[L.RESP_HIRE_ELASTICITY] > 0:   # the hiring response
            h *= 1.0 + M.beh[L.RESP_HIRE_ELASTICITY] * hiring_subsidy_share(p.group_flags, p.district, M)
        away = M.beh[L.JF_AWAY_RURAL] if p.hukou == Hukou.LOCAL_RURAL else 0.0
        # expected local job finds and public-post entries, in fixed point: integer sums are exact in
        # any order, so θ and the post ratio do not depend on the number of chunks or threads
        A.search_mass[p.district] += np.int64(min(h, 1.0) * (1.0 - away) * L.MASS_SCALE + 0.5)
        if p.group_flags & GroupFlag.difficulty:
            A.public_job_mass += np.int64(M.beh[L.EX_PUBLIC_JOB] * L.MASS_SCALE + 0.5)
        h = min(h * (away + (1.0 - away) * M.theta[p.district]), 1.0)   # only local jobs are rationed
        event = D.decide_unemployed(key, i, h, p.group_flags, p.state_months, registered, M)
        return event, D.EV_NONE, False
    supported = p.loan_yuan > 0 or (p.hire_flags & M.startup_mask) != 0 or M.startup_mask == ALL_GROUPS
    extension = post_extension(p, t, M) if p.state == State.PUBLIC_JOB else 0
    event, fallback = D.decide_other(key, i, p.state, p.state_months, supported, extension, M)
    return event, fallback, False


@njit(cache=True)
def _hire(p, i, key, M, F, order, district_start, cum_vacancies, FA):
    """Place a person in a job: away from the city (local-rural jobseekers, by a draw) or at a local firm
    drawn in proportion to its vacancies. Returns False when the district has no vacancy."""
    d = p.district
    if p.hukou == Hukou.LOCAL_RURAL:
        # share of this person's job finds that are away, given local rationing θ (see _decide)
        away = M.beh[L.JF_AWAY_RURAL]
        away_share = away / (away + (1.0 - away) * M.theta[d]) if away > 0 else 0.0
        u = uniform(key, i, Slot.WORK_AWAY)
        if u < away_share:
            cross_province = u < away_share * M.beh[L.JF_AWAY_PROVINCE]
            p.employer = -1
            p.work_location = WorkLocation.CROSS_PROVINCE if cross_province else WorkLocation.CROSS_COUNTY
            p.wage = 2 * M.min_wage[d]         # assumption as in sim.population (informs nothing local)
            return True
    firm = D.pick_firm(d, uniform(key, i, Slot.MATCH_FIRM), order, district_start, cum_vacancies)
    if firm < 0:
        return False
    p.employer = firm
    p.work_location = WorkLocation.LOCAL
    noise = M.wage_noise[np.int64(uniform(key, i, Slot.WAGE) * M.wage_noise.shape[0])]
    wage = F[firm].wage_level * M.edu_premium[p.education] * noise
    p.wage = np.int32(max(wage, np.float64(M.min_wage[d])))
    FA[firm].hires += 1
    return True


@njit(cache=True)
def _record_entry(p, t, new_state, A):
    """Bookkeeping for any entry into employment, before the state changes: outcome counts (城镇新就业,
    失业人员再就业, 困难人员就业 — the bureau's statistics count entries into work in the city, recorded by
    its registration: a job away is not among them), the group flags at hire, and the end of any UI claim."""
    old = p.state
    bits = np.int64(p.bits)
    flags = p.group_flags
    was_registered = old == State.UNEMPLOYED and (bits & PersonBit.REGISTERED) != 0
    local = new_state != State.EMPLOYED or p.employer >= 0
    if local and not _is_employment(old):
        A.outcomes[Outcome.entries_to_employment] += 1
    if old == State.UNEMPLOYED:
        A.outcomes[Outcome.hires_from_unemployment] += 1
    if was_registered:
        if local:
            A.outcomes[Outcome.reemployed_unemployed] += 1
        bits |= PersonBit.WAS_UNEMPLOYED
    else:
        bits &= ~np.int64(PersonBit.WAS_UNEMPLOYED)
    if flags & GroupFlag.difficulty:
        if local and not _is_employment(old):
            A.outcomes[Outcome.difficulty_employed] += 1
        bits |= PersonBit.DIFFICULTY_HIRE
    else:
        bits &= ~np.int64(PersonBit.DIFFICULTY_HIRE)
    bits &= ~np.int64(REGISTERED_OR_INVOLUNTARY)
    if new_state == State.SELF_EMPLOYED:
        if bits & PersonBit.EVER_FOUNDED:
            bits &= ~np.int64(PersonBit.FIRST_BUSINESS)
        else:
            bits |= PersonBit.FIRST_BUSINESS
        bits |= PersonBit.EVER_FOUNDED
        A.outcomes[Outcome.business_starts] += 1
    if new_state == State.PUBLIC_JOB and p.placements < 127:
        p.placements += 1
    if new_state == State.EMPLOYED:
        p.hire_month = t
    p.bits = np.uint8(bits)
    p.hire_flags = flags
    p.household = np.uint8(np.int64(p.household) & ~np.int64(Household.ZERO_EMPLOYMENT_FAMILY))  # a worker now
    p.ui_status = L.UI_NONE                    # unused benefit months stay in ui_left (carry-over)


@njit(cache=True)
def _claim(p, i, key, M, A):
    """Claim 失业保险金 if the instrument is in force, the person is registered (when required) and takes
    it up (a draw of its own, so take-up reforms change no other decision)."""
    if not M.ui_active or p.ui_status != L.UI_NONE:
        return
    if M.registration_required and not (p.bits & PersonBit.REGISTERED):
        return
    if (M.ui_target != 0 and (p.group_flags & M.ui_target) == 0) or (p.group_flags & M.ui_exclude) != 0:
        return
    if uniform(key, i, Slot.TAKE_UP) >= M.ui_take_up:
        return
    if try_claim(p, M):
        A.outcomes[Outcome.ui_claims_new] += 1
    else:
        migrant_allowance(p, M, A)


@njit(cache=True)
def _apply(p, i, key, event, fallback, involuntary, M, F, order, district_start, cum_vacancies, A, FA):
    """Carry out the month's event. Returns MOVED if the person changed state, plus CLAIM if a UI claim
    is due (made by `_finish` once this month's group flags are known, so target groups see them), plus
    the sim.kernels.pay bits of events instruments pay for (CLOSED, TRAINED, CERTIFIED, INTERN_HIRED
    with the spell's months above SPELL_SHIFT)."""
    state = p.state
    closed = _close_business(p, state, event, A)
    if event == D.EV_HIRE:
        if _hire(p, i, key, M, F, order, district_start, cum_vacancies, FA):
            return _start_job(p, i, key, state, M, A) | closed
        event = fallback                       # no vacancy found: the month's other move
    if event == D.EV_NONE:
        return closed
    if event == D.EV_REGISTER:
        p.bits = np.uint8(np.int64(p.bits) | PersonBit.REGISTERED)
        return CLAIM if p.bits & PersonBit.INVOLUNTARY else 0
    if state == State.EMPLOYED:
        if involuntary:
            A.outcomes[Outcome.separations_involuntary] += 1
            if p.employer >= 0:
                FA[p.employer].layoffs += 1
        else:
            A.outcomes[Outcome.separations_other] += 1
    if _is_employment(state) or state == State.INTERN:
        p.employer = -1
        p.work_location = WorkLocation.LOCAL
    if event == D.EV_UNEMPLOYED:
        return _to_unemployed(p, i, key, state, involuntary, M) | closed
    if event == D.EV_SEARCH:
        return _complete_training(p, i, key, M, A)
    if event == D.EV_INACTIVE or event == D.EV_STUDY:
        return _to_inactive(p, state, event, A) | closed
    if event == D.EV_TRAINING or event == D.EV_INTERN:
        return _to_programme(p, event)
    return _to_work(p, state, event, M.t, A) | closed


@njit(cache=True)
def _close_business(p, state, event, A):
    """Every move out of a business closes it: CLOSED then, else 0."""
    if state == State.SELF_EMPLOYED and event != D.EV_NONE:
        A.outcomes[Outcome.business_closures] += 1
        p.bits = np.uint8(np.int64(p.bits) & ~np.int64(PersonBit.FIRST_BUSINESS))
        return CLOSED
    return 0


@njit(cache=True)
def _start_job(p, i, key, state, M, A):
    """A vacancy found (`_hire`): the contract's length; an intern hired by the host. MOVED, plus
    INTERN_HIRED with the internship's months."""
    u = uniform(key, i, Slot.CONTRACT)
    p.contract_months = 12 if u < M.beh[L.CT_ONE_YEAR] else (
        36 if u < M.beh[L.CT_ONE_YEAR] + M.beh[L.CT_THREE_YEARS] else 0)
    intern = 0
    if state == State.INTERN:
        A.outcomes[Outcome.interns_retained] += 1
        intern = INTERN_HIRED | (np.int64(p.state_months) << SPELL_SHIFT)
    _record_entry(p, M.t, State.EMPLOYED, A)
    _enter(p, State.EMPLOYED)
    return MOVED | intern


@njit(cache=True)
def _to_unemployed(p, i, key, state, involuntary, M):
    """Into unemployment: registration draw (public-post leavers return to the register); a UI claim is
    due after an involuntary separation. MOVED, plus CLAIM then."""
    eligible = involuntary and p.ui_contrib_months >= M.min_contribution_months
    p_register = M.beh[L.REG_INVOLUNTARY] if eligible else M.beh[L.REG_OTHER]
    bits = np.int64(p.bits) & ~np.int64(REGISTERED_OR_INVOLUNTARY | JOB_SPELL_BITS)
    if uniform(key, i, Slot.REGISTER) < p_register or state == State.PUBLIC_JOB:
        bits |= PersonBit.REGISTERED
    if involuntary:
        bits |= PersonBit.INVOLUNTARY
    p.bits = np.uint8(bits)
    p.ui_status = L.UI_NONE
    _enter(p, State.UNEMPLOYED)
    return MOVED | (CLAIM if involuntary else 0)


@njit(cache=True)
def _complete_training(p, i, key, M, A):
    """Training completed: certificate draw (skill +1), then back to search. MOVED | TRAINED with the
    course's months, plus CERTIFIED."""
    done = TRAINED | (np.int64(p.state_months) << SPELL_SHIFT)
    A.outcomes[Outcome.training_completions] += 1
    if uniform(key, i, Slot.CERTIFICATE) < M.beh[L.TR_CERTIFICATE]:
        A.outcomes[Outcome.training_certificates] += 1
        done |= CERTIFIED
        if p.skill < 3:
            p.skill += 1
        if p.certificates < 255:
            p.certificates += 1
    p.training_done_month = M.t
    _enter(p, State.UNEMPLOYED)
    return MOVED | done


@njit(cache=True)
def _to_inactive(p, state, event, A):
    """Out of the labour force, or into further study (a school leaver's destination)."""
    bits = np.int64(p.bits) & ~np.int64(REGISTERED_OR_INVOLUNTARY | JOB_SPELL_BITS)
    if event == D.EV_STUDY:
        bits |= PersonBit.FURTHER_STUDY
    elif state != State.STUDENT:
        A.outcomes[Outcome.labour_force_exits_to_inactive] += 1
    p.bits = np.uint8(bits)
    p.ui_status = L.UI_NONE
    _enter(p, State.INACTIVE)
    return MOVED


@njit(cache=True)
def _to_programme(p, event):
    """Into training (a UI claim continues) or an internship (it ends). The entry flags are kept:
    training and internship subsidies target the groups at entry."""
    p.hire_flags = p.group_flags
    if event == D.EV_INTERN:
        p.ui_status = L.UI_NONE
        _enter(p, State.INTERN)
    else:
        _enter(p, State.TRAINING)
    return MOVED


@njit(cache=True)
def _to_work(p, state, event, t, A):
    """Into flexible work, a business or a public-welfare post (a quit into flexible work is not a new
    job: no entry recorded)."""
    new_state = State.FLEXIBLE if event == D.EV_FLEXIBLE else (
        State.SELF_EMPLOYED if event == D.EV_SELF_EMPLOYED else State.PUBLIC_JOB)
    if state == State.EMPLOYED:
        p.ui_status = L.UI_NONE
    else:
        _record_entry(p, t, new_state, A)
    _enter(p, new_state)
    return MOVED


@njit(cache=True)
def _declared_base(wage, at_floor, M):
    """The monthly contribution base the employer declares (缴费基数): the floor, or the wage clipped to
    floor and ceiling (profile social_insurance.declared_base_at_floor_share, drawn per firm)."""
    if at_floor:
        return M.floor_yuan
    return min(max(np.float64(wage), M.floor_yuan), M.ceiling_yuan)


@njit(cache=True, inline="always")
def _accrue(p, M, A, fa, size, base):
    """Social-insurance contributions of the month (DESIGN §5 step 6), rounded to the fen per person,
    less any contribution relief. `fa` is this chunk's accumulator record of the person's employer,
    `size` its size class and `base` the declared contribution base (none read without one)."""
    with_ui = True
    if p.state == State.EMPLOYED:
        if p.employer < 0:                     # insured where they work: claims go to that fund
            with_ui = False
        else:
            ui_fen = to_fen(base * M.ui_rate)
            if M.list_len[L.L_RELIEF] > 0:
                ui_fen -= relief(p, base, size, M, A)
            fa.insured += 1
            fa.ui_fen += ui_fen
            fa.si_fen += to_fen(base * M.si_rate)
            A.revenue_fen[p.district] += ui_fen
    elif p.state == State.PUBLIC_JOB:          # the post's employer pays at the floor base
        A.revenue_fen[p.district] += to_fen(M.floor_yuan * M.ui_rate)
    elif p.state == State.FLEXIBLE:            # flexible workers pay pension and medical, not UI
        with_ui = False
    else:
        return
    if p.contrib_months < MAX_I16:
        p.contrib_months += 1
    if with_ui and p.ui_contrib_months < MAX_I16:
        p.ui_contrib_months += 1


@njit(cache=True, inline="always")
def _count(p, M, A):
    """Month-end stocks and the graduate cohort's destinations."""
    state = p.state
    A.outcomes[Outcome.stock_student + state] += 1
    if state == State.EMPLOYED and p.employer < 0:
        A.outcomes[Outcome.stock_employed_away] += 1
    bits = p.bits
    if state == State.UNEMPLOYED and (bits & PersonBit.REGISTERED):
        A.outcomes[Outcome.registered_unemployed] += 1
    if (bits & PersonBit.GRADUATE_COHORT) and p.school_leave_month == M.cohort_month and p.education >= 4:
        A.outcomes[Outcome.graduates_cohort] += 1
        employed = _is_employment(state)
        if employed:
            A.outcomes[Outcome.graduates_employed] += 1
        if employed or state == State.INTERN or (state == State.INACTIVE and (bits & PersonBit.FURTHER_STUDY)):
            A.outcomes[Outcome.graduates_placed] += 1


@njit(cache=True)
def _refresh_flags(p, M):
    """This month's group flags of one person (a call: inlining it twice cost seconds of compilation)."""
    t = M.t
    p.group_flags = group_flags(t, M.year_start, p.state, p.bits, p.household, t - p.birth_month, p.state_months,
                                p.education, p.school_leave_month, p.sex, p.disability, p.hukou, p.retire_month,
                                M.beh[L.P4050_WOMEN_MONTHS], M.beh[L.P4050_MEN_MONTHS], M.difficulty_any_of,
                                p.certified_month != NEVER)


@njit(cache=True)
def _certification(p, i, key, moved, M):
    """就业困难人员 is a certified status (认定, docs/model.md): a registered unemployed person in one of the
    locality's categories (last month's flags) applies and is certified with a monthly probability; the
    status lasts while registered unemployed (a course in between included) and through the job found
    from there (DIFFICULTY_HIRE), and lapses when the person leaves the register or that job: a new
    unemployment spell needs a new certification."""
    state = p.state
    registered = state == State.UNEMPLOYED and (p.bits & PersonBit.REGISTERED) != 0
    if p.certified_month != NEVER:
        kept = (registered and not (moved and p.prev_state != State.TRAINING)) or state == State.TRAINING \
            or (_is_employment(state) and (p.bits & PersonBit.DIFFICULTY_HIRE) != 0)
        if not kept:
            p.certified_month = NEVER
    elif registered and (p.group_flags & M.difficulty_any_of) != 0 \
            and uniform(key, i, Slot.CERTIFY) < M.beh[L.CERTIFY_RATE]:
        p.certified_month = M.t


@njit(cache=True, inline="always")
def _begin(p, i, key, M, firm, A):
    """Demography and the month's decision. Returns (active, event, fallback, involuntary); `active` is
    False for records outside the labour market this month (retired, or school leavers not yet out)."""
    t = M.t
    state = p.state
    if state == State.RETIRED:
        A.outcomes[Outcome.stock_retired] += 1
        return False, D.EV_NONE, D.EV_NONE, False
    # 2. demography
    if state == State.STUDENT:
        if t < p.school_leave_month:
            A.outcomes[Outcome.stock_student] += 1
            return False, D.EV_NONE, D.EV_NONE, False
        A.outcomes[Outcome.graduates_entering] += 1
        A.outcomes[Outcome.entries_from_outside] += 1
        p.bits = np.uint8(np.int64(p.bits) | PersonBit.GRADUATE_COHORT)
        _refresh_flags(p, M)                   # a school leaver's flags (graduate_year …) count at hire
        event, fallback = D.decide_graduate(key, i, M)
        return True, event, fallback, False
    if _held_by_delay(p, t - 1):        # the stock at the start of the month (see _finish)
        A.retirement_held[p.district] -= 1
    if t >= p.retire_month:
        if _works_in_city(p):
            A.outcomes[Outcome.natural_attrition] += 1
        p.employer = -1
        p.ui_status = L.UI_NONE
        _enter(p, State.RETIRED)
        A.outcomes[Outcome.retirements] += 1
        A.outcomes[Outcome.stock_retired] += 1
        return False, D.EV_NONE, D.EV_NONE, False
    # 4–5. separations and non-employment transitions
    event, fallback, involuntary = _decide(p, i, key, M, firm, A)
    return True, event, fallback, involuntary


@njit(cache=True, inline="always")
def _finish(p, i, key, applied, size, base, M, A, fa):
    """The rest of the month once the person has moved (or not): spell clocks, contributions, group
    flags, skill certificates of employees, a due UI claim, the ui_benefit payment, the other
    instruments and outcome counts. `size` and `base` are the employer's size class and declared
    contribution base (−1 and 0 without a local employer)."""
    moved = (applied & MOVED) != 0
    if p.state == State.PUBLIC_JOB and p.public_job_months < MAX_I16:
        p.public_job_months += 1
    if not moved and p.state_months < MAX_I16:
        p.state_months += 1
    # 6. accruals
    _accrue(p, M, A, fa, size, base)
    # certification and the group flags of the month (instruments read them)
    _certification(p, i, key, moved, M)
    _refresh_flags(p, M)
    if size >= 0 and uniform(key, i, Slot.SKILL_CERTIFICATE) < M.beh[L.SK_EMPLOYED_RATE]:
        A.outcomes[Outcome.skill_certificates] += 1
        if p.skill < 3:
            p.skill += 1
        if p.certificates < 255:
            p.certificates += 1
        if M.list_len[L.L_SKILL] > 0:
            skill_upgrade(p, i, M.t, M, A)
    # 7. instruments: ui_benefit
    if applied & CLAIM:
        _claim(p, i, key, M, A)
    if M.ui_active and (p.state == State.UNEMPLOYED or p.state == State.TRAINING):
        paid = pay_month(p, M, A)
        if paid == PAID_BENEFIT:
            A.outcomes[Outcome.ui_recipients] += 1
        elif paid == PAID_AID:
            A.outcomes[Outcome.ui_aid_recipients] += 1
    # 7. the other instruments
    if M.n_ins > 0:
        pay_person(p, i, M.t, applied, size, base, M, A)
    # 9. outcome stocks
    _count(p, M, A)
    # the change in the posts the retirement-age rise keeps filled: this month's stock less the month's
    # opening stock (subtracted in _begin); sim.engine takes it from next month's local hires
    if _held_by_delay(p, M.t):
        A.retirement_held[p.district] += 1


@njit(cache=True, inline="always")
def _held_by_delay(p, month):
    """A person working in the city kept at work in `month` past the pre-reform retirement month by the
    phased retirement-age rise."""
    return p.retire_delay > 0 and month >= p.retire_month - p.retire_delay and _works_in_city(p)


@njit(cache=True)
def refresh_flags(P, t, year_start, beh, difficulty_any_of):
    """Recompute every person's group flags as of month t (the engine calls it for t = −1 so the first
    month's decisions see the flags of the month before the run, like every later month)."""
    for i in range(P.shape[0]):
        p = P[i]
        p.group_flags = group_flags(t, year_start, p.state, p.bits, p.household, t - p.birth_month, p.state_months,
                                    p.education, p.school_leave_month, p.sex, p.disability, p.hukou, p.retire_month,
                                    beh[L.P4050_WOMEN_MONTHS], beh[L.P4050_MEN_MONTHS], difficulty_any_of,
                                    p.certified_month != NEVER)


@njit(cache=True)
def certify_initial(P, run_key, rate, difficulty_any_of):
    """The starting population's certified 就业困难人员 (flags as of month −1 already computed): a
    registered unemployed person in a category who has been unemployed s months holds the status with
    probability 1 − (1 − rate)^s, the chance that the monthly certification of `_certification` has
    happened during the spell so far (the stock the inflow builds). Certified in the month before the run."""
    key = month_key(run_key, EntityKind.PERSON_INIT, -1)
    for i in range(P.shape[0]):
        p = P[i]
        if p.state != State.UNEMPLOYED or (p.bits & PersonBit.REGISTERED) == 0 \
                or (p.group_flags & difficulty_any_of) == 0:
            continue
        if uniform(key, i, Slot.ATTR_CERTIFIED) < 1.0 - (1.0 - rate) ** np.float64(p.state_months):
            p.certified_month = -1


@njit(cache=True)
def _run_chunk(c, lo, hi, key, M, P, F, order, district_start, cum_vacancies, CA, FA):
    """Persons lo … hi−1, in order. The per-person helpers take records; `_apply`, which needs the firm
    and matching arrays, is a plain call made only in a month with an event, and gets borrowed views
    (sim.kernels.borrow) so the loop does no reference counting."""
    A = CA[c]
    row = borrow(FA[c])
    firms, order, starts, cumulative = borrow(F), borrow(order), borrow(district_start), borrow(cum_vacancies)
    for i in range(lo, hi):
        p = P[i]
        active, event, fallback, involuntary = _begin(p, i, key, M, firms[max(p.employer, 0)], A)
        if not active:
            continue
        applied = 0
        if event != D.EV_NONE:
            applied = _apply(p, i, key, event, fallback, involuntary, M, firms, order, starts, cumulative, A, row)
        employer = max(p.employer, 0)
        size, base = np.int64(-1), 0.0
        if p.employer >= 0:
            size = np.int64(firms[employer].size_class)
            base = _declared_base(p.wage, firms[employer].base_at_floor, M)
        _finish(p, i, key, applied, size, base, M, A, row[employer])


@njit(cache=True, parallel=True)
def person_month(MR, P, F, order, district_start, cum_vacancies, CA, FA):
    """Advance every person by one month.

    Parameters
    ----------
    MR : array of one layout.month_dtype record: behaviour constants and this month's inputs
    P : persons (PERSON_DTYPE), updated in place
    F : firms (FIRM_DTYPE), read only here
    order, district_start, cum_vacancies : firms ordered by district, where each district's firms
        start in that order, and cumulative vacancies along it (vacancy-weighted firm choice)
    CA : layout.chunk_dtype[chunk], zeroed by the caller
    FA : layout.FIRM_ACC_DTYPE[chunk, firm], zeroed by the caller
    """
    M = MR[0]
    n = P.shape[0]
    n_chunks = CA.shape[0]
    key = month_key(M.run_key, EntityKind.PERSON, M.t)
    for c in prange(n_chunks):
        # numba types this body twice, as a plain loop (signed index) and as the parallel one (unsigned
        # index): one type for the chunk number keeps it to one compilation of _run_chunk (≈ 4 s)
        chunk = np.int64(c)
        _run_chunk(chunk, n * chunk // n_chunks, n * (chunk + 1) // n_chunks, key, MR[0], P, F, order, district_start,
                   cum_vacancies, CA, FA)
