"""Person-level instruments (DESIGN §5 step 7): who qualifies this month, and the payments.

Every instrument k is described by the `ins_*` fields of the month record that every instrument has
and by its type's named fields (`rent_start_after[k]`, `loan_default_share[k]` …), declared and filled by
sim.instruments (one module per type family, which names the rule here that pays it);
`lists[L_*]` hold the instruments each situation can trigger, so a person only looks at the few that
concern it. Payments go to this chunk's ledger `A.ledger_fen[slot, line, district]`, rounded to the fen.

Eligibility is decided at the *event* that creates the claim (a hire, a business start, a training or
internship spell, a placement …): the group flags then (`hire_flags` for entries into employment), the
instrument's `valid` window containing the event month, and a take-up draw keyed by the event month and
the instrument's own key — so a claim, once made, is followed through its later months consistently,
and changing or disabling one instrument changes no other draw (common random numbers).

Stacking (`exclusive_group`): of the instruments of one group that an event qualifies for, only the
first in the group's order (priority, then file order) is claimed; the others are not paid.

Speed: the two tests the event alone decides (`valid` at the event month, the entry flags in the
instrument's groups) cannot change during a spell, so they are made once per spell for every
instrument and kept as bits in the person record (`_candidates`). Each month only the instruments
whose bit is set are looked at; the tests that can change from month to month (timing, firm size,
the take-up draw against the month's rate, earlier members of the group) are made as before, so
the results are those of testing everything every month.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import CostLine, EntityKind, InstrumentType as T, Outcome, PersonBit, Slot, State, WorkLocation
from sim.kernels import layout as L
from sim.kernels.money import to_fen
from sim.rng import fold, month_key, uniform

MAX_U8 = 255
EVERY = np.uint64(0xFFFFFFFFFFFFFFFF)   # candidate bits when nothing is known in advance
NO_SIZE = np.int64(-1)                  # `size` for instruments that do not test the firm's size
# bits of persons._apply's result that concern instruments (the spell length sits above bit 8)
TRAINED = 4
CERTIFIED = 8
INTERN_HIRED = 16
CLOSED = 32
SPELL_SHIFT = 8


@njit(cache=True)
def draw(M, k, month, i, slot):
    """Draw of instrument k for person i, keyed by the month of the event that creates the claim."""
    key = fold(month_key(M.run_key, EntityKind.PERSON, month), M.ins_key[k])
    return uniform(key, i, slot)


@njit(cache=True, inline="always")
def _in_groups(M, k, flags):
    """In instrument k's target (any single flag of `ins_target`, or every flag of one `ins_all_of` entry;
    no restriction when both are empty) and in none of its excluded groups."""
    if (flags & M.ins_exclude[k]) != 0:
        return False
    target = M.ins_target[k]
    if (flags & target) != 0 or (target == 0 and M.ins_all_of[k, 0] == 0):
        return True
    for j in range(L.MAX_ALL_OF_GROUPS):
        need = M.ins_all_of[k, j]
        if need == 0:
            break
        if (flags & need) == need:
            return True
    return False


@njit(cache=True, inline="always")
def _open(M, k, month, flags):
    """Instrument k's tests that the event alone decides: in force in the event month, the flags then
    in its groups."""
    return month >= M.ins_first[k] and month <= M.ins_last[k] and _in_groups(M, k, flags)


@njit(cache=True, inline="always")
def _has(bits, k):
    return (bits >> np.uint64(k)) & np.uint64(1) != 0


@njit(cache=True)
def _spell_candidates(M, start, flags):
    """Bit k set if instrument k is `_open` for an event in month `start` with entry flags `flags`."""
    bits = np.uint64(0)
    for k in range(M.n_ins):
        if _open(M, k, start, flags):
            bits |= np.uint64(1) << np.uint64(k)
    return bits


@njit(cache=True)
def _unclaimed(p, M, bits):
    """`bits` without the once-per-person instruments the person claimed before: a claim made in an
    earlier spell rules the instrument out for this one (one made in this spell keeps paying it)."""
    claimed = np.int64(p.claimed)
    if claimed == 0:
        return bits
    for k in range(M.n_ins):
        bit = M.ins_claim_bit[k]
        if bit >= 0 and (claimed >> bit) & 1:
            bits &= ~(np.uint64(1) << np.uint64(k))
    return bits


@njit(cache=True, inline="always")
def _candidates(p, t, M):
    """The candidate bits of the person's current spell, computed in its first month that needs them.
    A spell is known by its start month and state; the entry flags (`hire_flags`) and the claims made
    before it change only with a new spell, so the bits stay right for the whole spell."""
    start = t - np.int64(p.state_months)
    key = np.int32(start * 16 + p.state)
    if p.spell_key != key:
        p.spell_candidates = _unclaimed(p, M, _spell_candidates(M, start, p.hire_flags))
        p.spell_key = key
    return p.spell_candidates


@njit(cache=True)
def _agriculture(p, i, M, start):
    """Whether the business started in month `start` is agricultural (a draw of the business, not of any
    instrument, so every start-up instrument sees the same sector)."""
    key = month_key(M.run_key, EntityKind.PERSON, start)
    return uniform(key, i, Slot.BUSINESS_SECTOR) < M.beh[L.SE_AGRICULTURE]


@njit(cache=True, inline="always")
def _flex_flags(p, M, k):
    """The flags a flexible-work subsidy tests: those at the entry into flexible work or this month's."""
    return p.hire_flags if M.flex_groups_at_entry[k] else p.group_flags


@njit(cache=True)
def _takes(p, i, M, k, month, flags, size):
    """Instrument k's claim for the event of `month`: in force then, the person in its groups, the
    type's own conditions met, and taken up."""
    kind = M.ins_kind[k]
    if kind == T.flexible_si_subsidy:                 # each member of a group with its own flags
        flags = _flex_flags(p, M, k)
    if not _open(M, k, month, flags):
        return False
    if size >= 0 and (M.ins_sizes[k] >> size) & 1 == 0:
        return False
    if kind == T.hiring_bonus:
        shortest = M.bonus_min_contract_months[k]
        if shortest > 0 and p.contract_months > 0 and p.contract_months < shortest:
            return False
    elif kind == T.startup_grant:
        if M.grant_first_time_only[k] and (p.bits & PersonBit.FIRST_BUSINESS) == 0:
            return False
        sector = M.grant_sector[k]
        if sector != L.SECTOR_ANY and _agriculture(p, i, M, month) != (sector == L.SECTOR_AGRICULTURE):
            return False
    elif kind == T.rent_subsidy:                      # first business, renting premises
        if M.rent_first_time_only[k] and (p.bits & PersonBit.FIRST_BUSINESS) == 0:
            return False
        if draw(M, k, month, i, Slot.INSTRUMENT_DETAIL) >= M.rent_renting_share[k]:
            return False
    elif kind == T.placement_fee:                     # placed by an agency
        if draw(M, k, month, i, Slot.INSTRUMENT_DETAIL) >= M.placement_via_agency_share[k]:
            return False
    return draw(M, k, month, i, Slot.INSTRUMENT) < M.ins_take_up[k]


@njit(cache=True)
def claims(p, i, M, k, month, flags, size, candidates):
    """True when instrument k is the claim its group makes for this event (see module docstring).
    `candidates`: bits of the instruments known to be `_open` for this event (EVERY if not known); an
    instrument without its bit cannot take, so it is not tested."""
    if not _takes(p, i, M, k, month, flags, size):
        return False
    group = M.ins_group[k]
    if group >= 0:
        for m in range(M.group_len[group]):       # the members ranked before k
            j = np.int64(M.group_members[group, m])
            if j == k:
                break
            if _has(candidates, j) and _takes(p, i, M, j, month, flags, size):
                return False
    return True


@njit(cache=True)   # a plain call (LLVM inlines it): numba's inline="always" re-typed it at each of ~25 call sites
def book(p, A, M, k, line, d, fen):
    """Record one payment to (or for) person p in this chunk's ledger (zero amounts are not payments), and
    mark p as paid by the instrument: the counterfactual attribution (sim.attribution) finds the
    subsidised persons by these bits."""
    if fen > 0:
        slot = M.ins_slot[k]
        A.ledger_fen[slot, line, d] += fen
        A.ledger_count[slot, line, d] += 1
        p.paid_mask |= np.uint64(1) << np.uint64(slot)


@njit(cache=True, inline="always")
def _once(p, M, k):
    """For once-per-person instruments: False if already claimed; otherwise marks the claim."""
    bit = M.ins_claim_bit[k]
    if bit < 0:
        return True
    if (np.int64(p.claimed) >> bit) & 1:
        return False
    p.claimed = np.uint16(np.int64(p.claimed) | (np.int64(1) << bit))
    return True


@njit(cache=True, inline="always")
def _mark(p, M, k):
    """Record the claim of a once-per-person hiring instrument (its later spells lose it: `_unclaimed`)."""
    bit = M.ins_claim_bit[k]
    if bit >= 0:
        p.claimed = np.uint16(np.int64(p.claimed) | (np.int64(1) << bit))


@njit(cache=True, inline="always")
def _tax_vintage_fen(M, k, start):
    """Monthly tax credit of a hire or business that began in run month `start`: the amount in force then
    (its vintage; before the first effective month, the first amount)."""
    fen = M.tax_vintage_fen[k, 0]
    for j in range(1, M.tax_vintage_from.shape[1]):
        if M.tax_vintage_from[k, j] > start:
            break
        fen = M.tax_vintage_fen[k, j]
    return fen


@njit(cache=True, inline="always")
def _first_entry(p, M, k, since):
    """For an instrument paid over the first months of a person's first entry only (首次实现就业: it holds a
    claim bit): the entry month claims the bit, or, when an earlier entry claimed it, drops the instrument
    from this spell's candidates; a later month of the spell pays only if its entry month claimed."""
    bit = M.ins_claim_bit[k]
    if bit < 0:
        return True
    if since > 0:
        return (np.int64(p.claimed) >> bit) & 1 == 1
    if _once(p, M, k):
        return True
    p.spell_candidates &= ~(np.uint64(1) << np.uint64(k))
    return False


@njit(cache=True, inline="always")
def _employed(state):
    return (state == State.EMPLOYED or state == State.SELF_EMPLOYED or state == State.FLEXIBLE
            or state == State.PUBLIC_JOB)


@njit(cache=True)
def _employment_linked(p, i, t, size, base, spell, M, A):
    """Hire-linked instruments: hiring bonus, employer SI subsidy, tax credit, placement fee, 低保渐退,
    and allowances on entering (away) employment. The claim is made at the entry, with the flags then;
    `spell` holds the spell's candidate bits, `base` the declared contribution base of a local job."""
    d = p.district
    since = np.int64(p.state_months)
    start = t - since
    flags = p.hire_flags
    local = p.state == State.EMPLOYED and p.employer >= 0
    for j in range(M.list_len[L.L_EMPLOYMENT]):
        k = M.lists[L.L_EMPLOYMENT, j]
        if not _has(spell, k) or not M.ins_active[k]:
            continue
        kind = M.ins_kind[k]
        if kind == T.hiring_bonus:
            if local and since == M.bonus_vesting_months[k] and claims(p, i, M, k, start, flags, size, spell):
                book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
                _mark(p, M, k)
        elif kind == T.hiring_si_subsidy:
            if local and (since < M.hire_si_max_months[k] or p.retire_month - start <= M.hire_si_near_retirement[k]) \
                    and claims(p, i, M, k, start, flags, size, spell):
                book(p, A, M, k, CostLine.main, d, to_fen(base * M.hire_si_rate[k] * M.hire_si_share[k]))
                _mark(p, M, k)
        elif kind == T.tax_credit:
            if local and since < M.tax_months[k] and claims(p, i, M, k, start, flags, size, spell):
                book(p, A, M, k, CostLine.main, d, _tax_vintage_fen(M, k, start))
        elif kind == T.placement_fee:
            if p.state == State.EMPLOYED and since == M.placement_vesting_months[k] \
                    and claims(p, i, M, k, start, flags, NO_SIZE, spell):
                A.placements[M.ins_slot[k], d] += 1
        elif kind == T.dibao_taper:      # from outside employment (a job-to-flexible move is not an entry)
            if since < M.dibao_months[k] and not _employed(p.prev_state) \
                    and claims(p, i, M, k, start, flags, NO_SIZE, spell) and _first_entry(p, M, k, since):
                book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
        elif kind == T.one_time_allowance:
            event = M.allowance_event[k]
            if since != M.allowance_wait_months[k]:
                continue
            if event == L.EVENT_EMPLOYED_AWAY:
                if p.state != State.EMPLOYED or p.work_location == WorkLocation.LOCAL:
                    continue
            elif event != L.EVENT_EMPLOYED or _employed(p.prev_state):
                continue
            if claims(p, i, M, k, start, flags, NO_SIZE, spell) and _once(p, M, k):
                fen = M.allowance_cross_province_fen[k, d] if p.work_location == WorkLocation.CROSS_PROVINCE and \
                    event == L.EVENT_EMPLOYED_AWAY else M.ins_amount_fen[k, d]
                book(p, A, M, k, CostLine.main, d, fen)


@njit(cache=True)
def _business(p, i, t, spell, M, A):
    """Start-up grant, rent subsidy, guaranteed loans, founders' tax credit and start-up allowances."""
    d = p.district
    age = np.int64(p.state_months)
    start = t - age
    flags = p.hire_flags
    for j in range(M.list_len[L.L_BUSINESS]):
        k = M.lists[L.L_BUSINESS, j]
        kind = M.ins_kind[k]
        if kind == T.guaranteed_loan:
            _loan_month(p, i, t, k, M, A)
        if not _has(spell, k) or not M.ins_active[k]:
            continue
        if kind == T.startup_grant:
            if age == M.grant_operating_months[k] and claims(p, i, M, k, start, flags, NO_SIZE, spell):
                book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
        elif kind == T.rent_subsidy:
            if age >= M.rent_start_after[k] and age < M.rent_start_after[k] + M.rent_max_months[k] \
                    and claims(p, i, M, k, start, flags, NO_SIZE, spell):
                book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
        elif kind == T.tax_credit:
            if age < M.tax_months[k] and claims(p, i, M, k, start, flags, NO_SIZE, spell):
                book(p, A, M, k, CostLine.main, d, _tax_vintage_fen(M, k, start))
        elif kind == T.one_time_allowance:
            if age == M.allowance_wait_months[k] and claims(p, i, M, k, start, flags, NO_SIZE, spell) \
                    and _once(p, M, k):
                book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
        elif kind == T.guaranteed_loan:
            if age == 0 and p.loan_yuan == 0 and claims(p, i, M, k, start, flags, NO_SIZE, spell) \
                    and draw(M, k, start, i, Slot.LOAN_CAPACITY) < M.loan_capacity[k]:
                low = M.loan_min_share_of_limit[k]
                size = low + (1.0 - low) * draw(M, k, start, i, Slot.INSTRUMENT_DETAIL)
                p.loan_yuan = np.int32(M.ins_amount_fen[k, d] * size / 100.0)
                p.loan_month = t
                p.loan_ins = k
                A.outcomes[Outcome.loans_issued] += 1


@njit(cache=True)
def _loan_month(p, i, t, k, M, A):
    """Interest subsidy of a running loan guaranteed by instrument k; repayment or extension at term."""
    if p.loan_yuan <= 0 or p.loan_ins != k:
        return
    months = t - p.loan_month
    term = M.loan_term_months[k]
    if months >= 1 and months <= term and M.ins_active[k]:
        book(p, A, M, k, CostLine.main, p.district, to_fen(p.loan_yuan * M.loan_interest_subsidy[k] / 12.0))
    if months >= term:
        deferred = draw(M, k, p.loan_month, i, Slot.LOAN_DEFERRAL) < M.loan_deferral_share[k]
        if not deferred or months >= term + M.loan_deferral_months[k]:
            p.loan_yuan = 0                   # repaid


@njit(cache=True)
def _loan_closed(p, i, t, M, A):
    """A business with a guaranteed loan closed: the loan defaults with a probability and the guarantee
    fund repays its share of the principal (代偿); otherwise it is repaid."""
    k = p.loan_ins
    if draw(M, k, p.loan_month, i, Slot.LOAN_DEFAULT) < M.loan_default_share[k]:
        A.outcomes[Outcome.loans_defaulted] += 1
        book(p, A, M, k, CostLine.loan_compensation, p.district, to_fen(p.loan_yuan * M.loan_compensation_share[k]))
    p.loan_yuan = 0


@njit(cache=True, inline="always")
def _expires_in(month, window):
    """Whether an entitlement whose regular months run out in run month `month` (its first extension
    month) may be extended: `window` = [first, last] of the extension's `extension_expiry`."""
    return month >= window[0] and month <= window[1]


@njit(cache=True)
def _flexible(p, i, t, M, A):
    """Flexible-work SI subsidy: monthly, counted against the person's lifetime months. Its groups are
    tested with the current flags (or those at the entry into flexible work, `flex_groups_at_entry`), so
    no candidate bits: `_open` is tested first, inline, each month. The extension's groups are this
    month's."""
    d = p.district
    start = t - np.int64(p.state_months)
    paid = False
    for j in range(M.list_len[L.L_FLEXIBLE]):
        k = M.lists[L.L_FLEXIBLE, j]
        flags = _flex_flags(p, M, k)
        if not M.ins_active[k] or not _open(M, k, start, flags):
            continue
        regular = M.flex_max_months[k]
        extended = p.group_flags & M.flex_extension_target[k] and \
            _expires_in(t - (np.int64(p.flex_subsidy_months) - regular), M.flex_extension_expiry[k])
        limit = regular + (M.flex_extension_months[k] if extended else 0)
        if (p.flex_subsidy_months < limit or p.retire_month - t <= M.flex_near_retirement[k]) \
                and claims(p, i, M, k, start, flags, NO_SIZE, EVERY):
            book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
            paid = True
    if paid and p.flex_subsidy_months < MAX_U8:
        p.flex_subsidy_months += 1


@njit(cache=True)
def _training_month(p, i, t, spell, M, A):
    """Living allowance while in training (claimed at the start of the course)."""
    d = p.district
    start = t - np.int64(p.state_months)
    for j in range(M.list_len[L.L_TRAINING]):
        k = M.lists[L.L_TRAINING, j]
        if _has(spell, k) and M.ins_active[k] and M.training_living_fen[k, d] > 0 \
                and claims(p, i, M, k, start, p.hire_flags, NO_SIZE, spell):
            book(p, A, M, k, CostLine.training_living, d, M.training_living_fen[k, d])


@njit(cache=True)
def _training_completed(p, i, t, spell, certified, M, A):
    """Course subsidy, follow-up fee and appraisal subsidy when a course ends (claimed at its start;
    `spell` = the course's months before this one, so it started in t − spell − 1). Returns whether a
    training subsidy paid for the course."""
    d = p.district
    start = t - spell - 1
    paid = False
    for j in range(M.list_len[L.L_TRAINING]):
        k = M.lists[L.L_TRAINING, j]
        if not M.ins_active[k] or (M.training_certificate_required[k] and not certified):
            continue
        if claims(p, i, M, k, start, p.hire_flags, NO_SIZE, EVERY):
            book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
            book(p, A, M, k, CostLine.training_followup, d, M.training_followup_fen[k, d])
            if certified:
                book(p, A, M, k, CostLine.training_appraisal, d, M.training_appraisal_fen[k])
            paid = True
    return paid


@njit(cache=True)
def _intern_month(p, i, t, spell, M, A):
    d = p.district
    start = t - np.int64(p.state_months)
    for j in range(M.list_len[L.L_INTERN]):
        k = M.lists[L.L_INTERN, j]
        if _has(spell, k) and M.ins_active[k] and p.state_months < M.intern_months[k] \
                and claims(p, i, M, k, start, p.hire_flags, NO_SIZE, spell):
            book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])


@njit(cache=True)
def _intern_hired(p, i, t, spell, M, A):
    """An intern hired at the end of (or during) the internship: retention bonus to the host, and the
    remaining months' subsidy when hired before the internship's end (spell = its months before this
    one: it started in t − spell − 1 and served spell + 1 months)."""
    d = p.district
    start = t - spell - 1
    for j in range(M.list_len[L.L_INTERN]):
        k = M.lists[L.L_INTERN, j]
        if not M.ins_active[k] or not claims(p, i, M, k, start, p.hire_flags, NO_SIZE, EVERY):
            continue
        book(p, A, M, k, CostLine.intern_retention, d, M.intern_retention_fen[k, d])
        remaining = min(M.intern_months[k], np.int64(M.beh[L.IN_MONTHS])) - (spell + 1)
        if M.intern_remaining_period[k] and remaining > 0:
            book(p, A, M, k, CostLine.main, d, remaining * M.ins_amount_fen[k, d])


@njit(cache=True)
def _public_job(p, i, t, spell, M, A):
    d = p.district
    start = t - np.int64(p.state_months)
    for j in range(M.list_len[L.L_PUBLIC]):
        k = M.lists[L.L_PUBLIC, j]
        if not _has(spell, k) or not M.ins_active[k] or p.placements > M.public_job_max_placements[k]:
            continue
        regular = M.public_job_max_months[k]
        extended = p.group_flags & M.public_job_extension_target[k] and \
            _expires_in(start + regular, M.public_job_extension_expiry[k])
        limit = regular + (M.public_job_extension_months[k] if extended else 0)
        if p.state_months < limit and claims(p, i, M, k, start, p.hire_flags, NO_SIZE, spell):
            book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])
            book(p, A, M, k, CostLine.public_job_si, d, M.public_job_si_fen[k, d])


@njit(cache=True)
def post_extension(p, t, M):
    """Months a public post runs beyond the behaviour's length: the longest `extension_months` of an in-force
    public_job instrument that extends this holder's subsidy (its groups now, the month the regular
    months run out in its `extension_expiry`), so an extended subsidy has a post to pay."""
    start = t - np.int64(p.state_months)
    extra = np.int64(0)
    for j in range(M.list_len[L.L_PUBLIC]):
        k = M.lists[L.L_PUBLIC, j]
        if M.ins_active[k] and p.group_flags & M.public_job_extension_target[k] \
                and _expires_in(start + M.public_job_max_months[k], M.public_job_extension_expiry[k]):
            extra = max(extra, M.public_job_extension_months[k])
    return extra


@njit(cache=True)
def _graduating(p, i, t, M, A):
    d = p.district
    for j in range(M.list_len[L.L_GRADUATING]):
        k = M.lists[L.L_GRADUATING, j]
        if M.ins_active[k] and claims(p, i, M, k, t, p.group_flags, NO_SIZE, EVERY) and _once(p, M, k):
            book(p, A, M, k, CostLine.main, d, M.ins_amount_fen[k, d])


@njit(cache=True)
def skill_upgrade(p, i, t, M, A):
    """技能提升补贴 for a certificate just obtained (p.skill is the new level, 1–3): insured for the
    months required, or drawing 失业保险金 where the instrument admits recipients."""
    if p.upgrade_year != M.year_start:
        p.upgrade_year = M.year_start
        p.upgrades = 0
    d = p.district
    level = max(min(np.int64(p.skill), 3), 1) - 1
    recipient = p.ui_status == L.UI_BENEFIT
    for j in range(M.list_len[L.L_SKILL]):
        k = M.lists[L.L_SKILL, j]
        if M.ins_active[k] and (p.ui_contrib_months >= M.skill_min_ui_months[k]
                                or (recipient and M.skill_recipients[k])) \
                and p.upgrades < M.skill_max_per_year[k] \
                and claims(p, i, M, k, t, p.group_flags, NO_SIZE, EVERY):
            book(p, A, M, k, CostLine.main, d, M.skill_level_fen[k, level])
            if p.upgrades < MAX_U8:
                p.upgrades += 1


@njit(cache=True)
def relief(p, base, size, M, A):
    """社保费减免 for insured employee p of a firm of `size`: revenue forgone is booked; returns the fen
    by which the UI contribution falls."""
    d = p.district
    ui_cut = np.int64(0)
    for j in range(M.list_len[L.L_RELIEF]):
        k = M.lists[L.L_RELIEF, j]
        if M.ins_active[k] and (M.ins_sizes[k] >> size) & 1:
            book(p, A, M, k, CostLine.main, d, to_fen(base * M.relief_rate[k]))
            ui_cut += to_fen(base * M.relief_ui_rate[k])
    return ui_cut


@njit(cache=True)
def pay_person(p, i, t, applied, size, base, M, A):
    """Every person-level instrument for one person this month, after the month's move (if any).
    `size` is the employer's size class and `base` the declared contribution base (−1 and 0 without a
    local employer)."""
    if applied & TRAINED:
        certified = (applied & CERTIFIED) != 0
        paid = _training_completed(p, i, t, np.int64(applied >> SPELL_SHIFT), certified, M, A)
        # a UI recipient's certificate from a course no training subsidy paid: 技能提升补贴 (one course, one
        # subsidy; employees' certificates: persons `_finish`)
        if certified and not paid and p.ui_status == L.UI_BENEFIT and M.list_len[L.L_SKILL] > 0:
            skill_upgrade(p, i, t, M, A)
    if applied & INTERN_HIRED:
        _intern_hired(p, i, t, np.int64(applied >> SPELL_SHIFT), M, A)
    if applied & CLOSED and p.loan_yuan > 0:
        _loan_closed(p, i, t, M, A)
    state = p.state
    if _employed(state) or state == State.TRAINING or state == State.INTERN:   # a spell instruments may pay
        spell = _candidates(p, t, M)
        since = np.int64(p.state_months)
        if _employed(state) and spell & M.list_bits[L.L_EMPLOYMENT] and (
                since <= M.employment_window or p.retire_month - (t - since) <= M.near_retirement_max):
            _employment_linked(p, i, t, size, base, spell, M, A)
        if state == State.SELF_EMPLOYED and (spell & M.list_bits[L.L_BUSINESS] or p.loan_yuan > 0):
            _business(p, i, t, spell, M, A)
        elif state == State.FLEXIBLE and M.list_len[L.L_FLEXIBLE] > 0:
            _flexible(p, i, t, M, A)
        elif state == State.TRAINING and spell & M.list_bits[L.L_TRAINING]:
            _training_month(p, i, t, spell, M, A)
        elif state == State.INTERN and spell & M.list_bits[L.L_INTERN]:
            _intern_month(p, i, t, spell, M, A)
        elif state == State.PUBLIC_JOB and spell & M.list_bits[L.L_PUBLIC]:
            _public_job(p, i, t, spell, M, A)
    if (p.bits & PersonBit.GRADUATE_COHORT) and p.school_leave_month == t and M.list_len[L.L_GRADUATING] > 0:
        _graduating(p, i, t, M, A)
    if p.loan_yuan > 0:
        A.outcomes[Outcome.loans_outstanding] += 1
        A.loan_fen[M.ins_slot[p.loan_ins]] += np.int64(p.loan_yuan) * 100


@njit(cache=True)
def hiring_subsidy_share(flags, d, M):
    """Value of the hiring subsidies an unemployed person with `flags` would bring an employer this
    month, as a share of the annual labour cost of a hire (the hiring response, DESIGN §7)."""
    value = 0.0
    for j in range(M.list_len[L.L_HIRE_VALUE]):
        k = M.lists[L.L_HIRE_VALUE, j]
        if M.ins_active[k] and _in_groups(M, k, flags):
            value += M.ins_value[k] * M.ins_take_up[k]
    return value / M.annual_labour_cost[d]
