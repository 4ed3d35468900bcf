"""NumPy reference implementation of the monthly person pass (DESIGN §11 "Reference").

`person_month_reference` has the signature and the side effects of
`sim.kernels.persons.person_month` and must agree with it bit for bit. It is written as whole-array
NumPy: one boolean mask per state, event or branch, never a Python loop over persons (the loops that
remain run over the fixed schedule rows of the UI duration table). It therefore also documents the
kernel's rules in array form:

    RETIRED                 → counted, nothing else
    STUDENT before leaving  → counted, nothing else
    reaching retirement age → retires (natural attrition if in a local job), nothing else
    STUDENT leaving school  → graduate destination draw                   ┐
    anyone else             → one decision for the month (decide_*)       │
                            → apply it (hire / fallback / move / register)├ "live" persons
                            → spell counters, contributions, group flags, │
                              skill certificates of employees, 失业保险金    │
                              claims and payments, hiring bonuses, stocks  ┘

Instruments other than ui_benefit: the reference implements the behaviour every instrument can change
(the hiring response to hire-linked subsidies, `hiring_subsidy_share`; the layoff cut of a 稳岗返还 in
force, `refund_sizes`; start-up entry and survival, `startup_mask`) and one person-level instrument,
`hiring_bonus` (sim.kernels.pay `_employment_linked` K_BONUS, `claims`, `_takes`, `draw`). For any other
person-level type in the month record it raises NotImplementedError naming the type (stabilization_refund
and fixed_award are paid outside the person pass and are accepted).

Why vectorising is exact: within a month persons interact only through the accumulators (outcome
counts, ledger cells, revenue, firm headcounts, and the fixed-point expected-flow sums `search_mass` and
`public_job_mass` — all integer sums, exact in any order). Firms `F` are read only. Every random
number is a pure function of (month key, person, slot), so drawing for a whole mask at once gives the
draws the kernel takes one at a time.

Floating-point expressions are written with the kernel's operand order (IEEE products and sums are
order-sensitive): see `_job_finding_hazard` and `_separation_hazard`.

Also here: `SideBySide`, a stand-in for `sim.engine.person_month` that runs the kernel and this
reference on identical copies of each month's inputs inside the engine's own month loop and compares
the results (tests/test_reference.py, benchmarks/reference_step.py).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from sim.codes import (CostLine, EntityKind, GroupFlag, Household, Hukou, InstrumentType, N_OUTCOMES, Outcome,
                       PersonBit, Slot, State, WorkLocation)
from sim.kernels import decide as D
from sim.kernels import layout as L

NEVER = -32768
MAX_I16 = 32767
JOB_SPELL_BITS = int(PersonBit.WAS_UNEMPLOYED | PersonBit.DIFFICULTY_HIRE)
REG_OR_INVOL = int(PersonBit.REGISTERED | PersonBit.INVOLUNTARY)
ALL_GROUPS = 0xFFFFFFFF      # startup_mask when an untargeted start-up instrument is in force

# ---------------------------------------------------------------------------------------------------
# Counter-based random numbers: a vectorised uint64 port of sim.rng (SplitMix64 finaliser).
# ---------------------------------------------------------------------------------------------------
_U = np.uint64
_GOLDEN = _U(0x9E3779B97F4A7C15)
_M1 = _U(0xBF58476D1CE4E5B9)
_M2 = _U(0x94D049BB133111EB)
_INV_2_53 = 1.0 / 9007199254740992.0


def mix64(z):
    """SplitMix64 finaliser on uint64 arrays (multiplication wraps modulo 2**64, as in numba)."""
    z = np.asarray(z, np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> _U(30))) * _M1
        z = (z ^ (z >> _U(27))) * _M2
        return z ^ (z >> _U(31))


def _as_u64(value):
    """np.uint64(value) with numba's wrap-around for negative int64 (e.g. set-up months < 0)."""
    return np.asarray(value, np.int64).astype(np.uint64)


def fold(key, value):
    with np.errstate(over="ignore"):
        return mix64(np.asarray(key, np.uint64) ^ mix64(_as_u64(value) + _GOLDEN))


def month_key(run, entity_kind: int, month: int) -> np.uint64:
    return _U(fold(fold(run, entity_kind), month))


def fold_key(key, value):
    """fold() of an unsigned 64-bit identifier (an instrument's key, ≥ 2**63 half the time)."""
    with np.errstate(over="ignore"):
        return _U(mix64(_U(key) ^ mix64(_U(value) + _GOLDEN)))


def uniform(key, entity, slot: int) -> np.ndarray:
    """Uniform draws in [0, 1) for entity ids `entity` (array) and one decision slot."""
    counter = (_as_u64(entity) << _U(8)) | _U(slot)
    with np.errstate(over="ignore"):
        bits = mix64(_U(key) ^ mix64(counter + _GOLDEN))
    return (bits >> _U(11)).astype(np.float64) * _INV_2_53


def instrument_draw(run, ins_key, month: int, entity, slot: int) -> np.ndarray:
    """sim.kernels.pay.draw: instrument draws keyed by the month of the event that creates the claim."""
    return uniform(fold_key(month_key(run, EntityKind.PERSON, month), ins_key), entity, slot)


# ---------------------------------------------------------------------------------------------------
# Pure rules (decide.py / flags.py / ui.py) on arrays.
# ---------------------------------------------------------------------------------------------------
def _age_band(age):
    return ((age >= 300).astype(np.int64) + (age >= 420) + (age >= 540) + (age >= 660))


def _spell_band(months):
    return ((months >= 3).astype(np.int64) + (months >= 6) + (months >= 12) + (months >= 24))


def _separation_hazard(local, age, size, tenure, sep_multiplier, beh, mult):
    """decide.separation_hazard, factor by factor in the kernel's order."""
    h = np.full(local.shape, beh[L.SEP_BASE] * sep_multiplier)
    h = h * mult[L.M_SEP_AGE, _age_band(age)]
    h = h * mult[L.M_SEP_SIZE, size]
    h = np.where(tenure < 12, h * beh[L.SEP_SHORT_TENURE], h)
    return np.where(local, h, beh[L.SEP_AWAY_BASE] * sep_multiplier)


def _job_finding_hazard(age, education, spell, skill, disability, registered, hukou, ui_status, ui_left,
                        since_training, since_school, beh, mult):
    """decide.job_finding_hazard, factor by factor in the kernel's order."""
    h = np.full(age.shape, beh[L.JF_BASE])
    h = h * mult[L.M_JF_AGE, _age_band(age)]
    h = h * mult[L.M_JF_EDU, education]
    h = h * mult[L.M_JF_SPELL, _spell_band(spell)]
    h = h * mult[L.M_JF_SKILL, skill]
    h = h * mult[L.M_JF_DISABILITY, disability]
    h = h * mult[L.M_JF_REGISTRATION, np.where(registered, 0, 1)]
    h = h * mult[L.M_JF_HUKOU, hukou]
    exhausting = (ui_status == L.UI_BENEFIT) & (ui_left <= 2)
    receiving = ~exhausting & ((ui_status == L.UI_BENEFIT) | (ui_status == L.UI_TO_RETIREMENT))
    h = np.where(exhausting, h * beh[L.JF_UI_EXHAUSTION], h)
    h = np.where(receiving, h * beh[L.JF_UI_RECEIPT], h)
    boosted = (since_training >= beh[L.TR_BOOST_LAG]) & (since_training < beh[L.TR_BOOST_LAG] + beh[L.TR_BOOST_MONTHS])
    h = np.where(boosted, h * beh[L.TR_BOOST], h)
    school = (since_school >= 0) & (since_school < 12)
    return np.where(school, h * beh[L.GR_JF_MULT], h)


def group_flags(t, year_start, state, bits, household, age, spell, education, school_leave_month, sex, disability,
                hukou, retire_month, beh, difficulty_any_of, certified):
    """flags.group_flags on arrays (int64 in, int64 out; stored as uint32); `certified` a bool array."""
    G = GroupFlag
    f = np.zeros(state.shape, np.int64)

    def put(flag, cond):
        np.bitwise_or(f, int(flag), out=f, where=cond)

    unemployed = state == State.UNEMPLOYED
    reg = unemployed & ((bits & PersonBit.REGISTERED) != 0)
    put(G.reg_unemployed, reg)
    put(G.reg_unemployed_6m, reg & (spell >= 6))
    put(G.unemployed_12m, unemployed & (spell >= 12))
    put(G.long_term_unemployed_youth, unemployed & (spell >= 12) & (age < 25 * 12))
    left = t - school_leave_month
    higher = ((education == 4) | (education == 5)) & (left >= 0)
    put(G.graduate_year, higher & (school_leave_month >= year_start))
    put(G.school_graduate_year, (education >= 3) & (left >= 0) & (school_leave_month >= year_start))
    put(G.graduate_2y, higher & (left < 24))
    put(G.graduate_5y, higher & (left < 60))
    put(G.youth_16_24, (age >= 16 * 12) & (age < 25 * 12))
    put(G.under_20, age < 20 * 12)
    put(G.p4050, age >= np.where(sex == 1, beh[L.P4050_WOMEN_MONTHS], beh[L.P4050_MEN_MONTHS]))
    put(G.disabled, disability != 0)
    put(G.severely_disabled, disability == 2)
    for bit, flag in ((Household.DIBAO, G.dibao), (Household.ZERO_EMPLOYMENT_FAMILY, G.zero_employment_family),
                      (Household.POVERTY_ALLEVIATED, G.poverty_alleviated), (Household.RELOCATED, G.relocated),
                      (Household.RURAL_LOW_INCOME, G.rural_low_income), (Household.RETURNEE, G.returnee),
                      (Household.VETERAN, G.veteran)):
        put(flag, (household & bit) != 0)
    put(G.migrant_worker, (hukou != Hukou.LOCAL_URBAN) & (state != State.INACTIVE) & (state != State.STUDENT))
    to_retirement = retire_month - t
    put(G.near_retirement_5y, to_retirement <= 60)
    put(G.near_retirement_1y, to_retirement <= 12)
    put(G.first_time_founder, (state == State.SELF_EMPLOYED) & ((bits & PersonBit.FIRST_BUSINESS) != 0))
    difficult = certified & ((f & difficulty_any_of) != 0) & (((f & G.reg_unemployed) != 0)
                                                            | ((bits & PersonBit.DIFFICULTY_HIRE) != 0))
    put(G.difficulty, difficult)
    return f


NUDGE_FEN = 1e-6      # sim.kernels.money.NUDGE_FEN


def to_fen(yuan):
    """sim.kernels.money.to_fen on arrays: yuan → fen, half up after a micro-fen nudge (so binary
    representation error cannot turn a half into just below a half)."""
    return np.floor(np.asarray(yuan, np.float64) * 100.0 + (0.5 + NUDGE_FEN)).astype(np.int64)


def _entitlement_months(ui_contrib_months, carried, M):
    months = np.zeros(ui_contrib_months.shape, np.int64)
    for years, length in zip(M["schedule_years"], M["schedule_months"]):   # schedule rows, not persons
        months = np.where(ui_contrib_months >= years * 12.0, np.int64(length), months)
    if M["carry_over"]:
        months = months + carried
    return np.minimum(months, np.int64(M["max_months"]))


def _pick_firm(district, u, order, district_start, cum_vacancies):
    """decide.pick_firm on arrays: the first position k of the district's range with cum[k] > target,
    or −1 when the district has no firm or no vacancy. `cum_vacancies` is non-decreasing and
    cum[lo-1] ≤ target < cum[hi-1], so a global right-sided search finds the kernel's k."""
    if len(order) == 0:
        return np.full(district.shape, -1, np.int64)
    lo = district_start[district]
    hi = district_start[district + 1]
    base = np.where(lo > 0, cum_vacancies[np.maximum(lo - 1, 0)], 0)
    total = cum_vacancies[np.maximum(hi - 1, 0)] - base
    ok = (hi > lo) & (total > 0)
    target = base + (u * total).astype(np.int64)
    k = np.searchsorted(cum_vacancies, target, side="right")
    return np.where(ok, order[np.minimum(k, len(order) - 1)], -1).astype(np.int64)


# ---------------------------------------------------------------------------------------------------
# Instruments other than ui_benefit (sim.kernels.pay): only hiring_bonus.
# ---------------------------------------------------------------------------------------------------
TYPE_OF_KIND = {int(ins_type): ins_type.name for ins_type in InstrumentType}
# kinds the reference can run: hiring_bonus, and the two types paid outside the person pass (their only
# trace in it, the layoff cut of a 稳岗返还 in force, is implemented through `refund_sizes`)
SUPPORTED_KINDS = (0, InstrumentType.hiring_bonus, InstrumentType.stabilization_refund,   # 0: ui_benefit or
                   InstrumentType.fixed_award)                                      # an empty slot
REFERENCE_TYPES = frozenset({"ui_benefit"} | {TYPE_OF_KIND[k] for k in SUPPORTED_KINDS if k})


def reference_scenario(scenario):
    """`scenario` with every enabled instrument of a type the reference does not run switched off (as
    `enabled = false` would), so the side-by-side harness can run a package such as the bundled one."""
    instruments = tuple(ins if ins.type.name in REFERENCE_TYPES else dataclasses.replace(ins, enabled=False)
                        for ins in scenario.instruments)
    return dataclasses.replace(scenario, instruments=instruments)


def check_supported(M) -> None:
    """NotImplementedError naming every instrument type of the month record the reference lacks."""
    kinds = sorted({int(k) for k in M["ins_kind"]} - set(SUPPORTED_KINDS))
    if kinds:
        names = ", ".join(TYPE_OF_KIND.get(k, f"kind {k}") for k in kinds)
        raise NotImplementedError(f"the NumPy reference does not implement instrument type(s) {names} "
                                  "(only ui_benefit and hiring_bonus are person-level instruments it runs)")


def in_groups(M, k: int, flags):
    """pay._in_groups on arrays: in one of the target groups or all-of entries (any if none) and in no
    excluded one."""
    target = int(M["ins_target"][k])
    all_of = [int(m) for m in M["ins_all_of"][k] if m != 0]
    if target == 0 and not all_of:
        ok = np.ones(flags.shape, bool)
    else:
        ok = (flags & target) != 0
        for need in all_of:
            ok |= (flags & need) == need
    return ok & ((flags & int(M["ins_exclude"][k])) == 0)


def hiring_subsidy_share(M, flags, district):
    """pay.hiring_subsidy_share on arrays: the take-up-weighted value of the hire-linked subsidies a
    person with `flags` brings, ÷ the annual labour cost of a hire in the district (sums in list order)."""
    value = np.zeros(flags.shape)
    for j in range(int(M["list_len"][L.L_HIRE_VALUE])):
        k = int(M["lists"][L.L_HIRE_VALUE, j])
        if M["ins_active"][k]:
            value = np.where(in_groups(M, k, flags), value + M["ins_value"][k] * M["ins_take_up"][k], value)
    return value / M["annual_labour_cost"][district]


def takes(M, k: int, month: int, ids, flags, size, contract_months, trace_note=None):
    """pay._takes for the persons `ids` (arrays aligned with it) and an event in `month`: in force then,
    in the instrument's groups, a qualifying firm size, the type's own conditions, and taken up."""
    n = len(ids)
    if month < M["ins_first"][k] or month > M["ins_last"][k]:
        if trace_note:
            trace_note("outside_valid", n)
        return np.zeros(n, bool)
    ok = in_groups(M, k, flags)
    sizes = int(M["ins_sizes"][k])
    size_ok = (size < 0) | (((sizes >> np.maximum(size, 0)) & 1) == 1)
    if trace_note:
        trace_note("size_excluded", np.count_nonzero(ok & ~size_ok))
    ok &= size_ok
    kind = int(M["ins_kind"][k])
    if kind == InstrumentType.hiring_bonus:
        # the hire's contract must last min_contract_months (0 = any); open-ended (0) qualifies
        short = (contract_months > 0) & (contract_months < M["bonus_min_contract_months"][k])
        if trace_note:
            trace_note("short_contract", np.count_nonzero(ok & short))
        ok &= ~short
    elif kind not in SUPPORTED_KINDS:    # (kind 0, the ui_benefit's slot, is seen by `claims` as in group 0)
        raise NotImplementedError(f"the NumPy reference does not implement {TYPE_OF_KIND.get(kind, kind)}")
    return ok & (instrument_draw(M["run_key"], M["ins_key"][k], month, ids, Slot.INSTRUMENT) < M["ins_take_up"][k])


def claims(M, k: int, month: int, ids, flags, size, contract_months, trace_note=None, candidates=None):
    """pay.claims: instrument k takes AND no instrument of its exclusive group ranked before it takes
    (`candidates`: the spell's candidate bits per person; a member without its bit is not tested)."""
    ok = takes(M, k, month, ids, flags, size, contract_months, trace_note)
    group = int(M["ins_group"][k])
    if group >= 0:
        for j in range(int(M["n_ins"])):
            if j != k and M["ins_group"][j] == group and M["ins_rank"][j] < M["ins_rank"][k]:
                first = takes(M, j, month, ids, flags, size, contract_months)
                if candidates is not None:
                    first &= (candidates >> np.uint64(j)) & np.uint64(1) == 1
                if trace_note:
                    trace_note("group_blocked", np.count_nonzero(ok & first))
                ok &= ~first
    return ok


# ---------------------------------------------------------------------------------------------------
# The person pass.
# ---------------------------------------------------------------------------------------------------
_INT_FIELDS = ("state", "prev_state", "bits", "household", "sex", "education", "hukou", "district", "disability",
               "skill", "certificates", "work_location", "birth_month", "retire_month", "retire_delay",
               "school_leave_month", "state_months", "contrib_months", "ui_contrib_months", "ui_left", "ui_status", "aid_left", "wage",
               "employer", "hire_month", "contract_months", "training_done_month", "public_job_months",
               "placements", "group_flags", "hire_flags", "loan_yuan", "certified_month")
_WRITTEN = ("state", "prev_state", "bits", "household", "skill", "certificates", "work_location", "state_months",
            "contrib_months", "ui_contrib_months", "ui_left", "ui_status", "aid_left", "wage", "employer",
            "hire_month", "contract_months", "training_done_month", "public_job_months", "placements",
            "group_flags", "hire_flags", "certified_month")


def _is_employment(state):
    return ((state == State.EMPLOYED) | (state == State.SELF_EMPLOYED) | (state == State.FLEXIBLE)
            | (state == State.PUBLIC_JOB))


def _works_in_city(p, state):
    """Employed in the city: whose retirement is 自然减员 (persons._works_in_city)."""
    return _is_employment(state) & ((state != State.EMPLOYED) | (p["employer"] >= 0))


def _held_by_delay(p, state, month):
    """Working in the city in `month` past the pre-reform retirement month (persons._held_by_delay)."""
    return ((p["retire_delay"] > 0) & (month >= p["retire_month"] - p["retire_delay"])
            & _works_in_city(p, state))


class _Acc:
    """Per-chunk accumulators: every one an integer tally (bincount / add.at), exact in any order."""

    def __init__(self, CA, FA, chunk, n_districts):
        self.CA, self.FA, self.chunk = CA, FA, chunk
        self.C = CA.shape[0]
        self.D = n_districts

    def count(self, outcome, mask):
        """outcomes[outcome] += 1 for every person in `mask` (outcome: int or per-person array)."""
        out = self.CA["outcomes"]
        c = self.chunk[mask]
        if np.ndim(outcome) == 0:
            out[:, int(outcome)] += np.bincount(c, minlength=self.C)
        else:
            cells = c * N_OUTCOMES + np.asarray(outcome)[mask]
            out += np.bincount(cells, minlength=self.C * N_OUTCOMES).reshape(self.C, N_OUTCOMES)

    def by_district(self, mask, district):
        """Persons of `mask` per (chunk, district): int64[C, D]."""
        cells = self.chunk[mask] * self.D + district[mask]
        return np.bincount(cells, minlength=self.C * self.D).reshape(self.C, self.D)

    def firm_add(self, name, mask, firm, value):
        np.add.at(self.FA[name], (self.chunk[mask], firm[mask]), value)


def person_month_reference(MR, P, F, order, district_start, cum_vacancies, *accumulators, trace=None):
    """Advance every person by one month; same arguments and effects as persons.person_month.

    Arguments: (MR, P, F, order, district_start, cum_vacancies, CA, FA), the behaviour constants
    (beh, mult, wage_noise, edu_premium, difficulty_any_of) being fields of the month record. The
    earlier signature, which passed them as arrays before CA and FA, is accepted too.

    `trace`, optional: a dict to which the number of persons taking each branch this month is added
    (keys such as "unemployed->hire", "hire:no_vacancy_then_none"), so tests can check that a run
    exercised every rule. It changes nothing else."""
    M = MR[0]
    if len(accumulators) == 2:
        CA, FA = accumulators
        beh, mult, difficulty_any_of = M["beh"], M["mult"], M["difficulty_any_of"]
        wage_noise, edu_premium = M["wage_noise"], M["edu_premium"]
    else:
        beh, mult, difficulty_any_of, wage_noise, edu_premium, CA, FA = accumulators
    check_supported(M)
    t = int(M["t"])
    n = P.shape[0]
    C = CA.shape[0]
    n_districts = M["theta"].shape[0]
    key = month_key(M["run_key"], EntityKind.PERSON, t)
    ids = np.arange(n, dtype=np.int64)
    bounds = n * np.arange(C + 1, dtype=np.int64) // C          # chunk c: bounds[c] <= i < bounds[c+1]
    chunk = np.repeat(np.arange(C, dtype=np.int64), np.diff(bounds))
    acc = _Acc(CA, FA, chunk, n_districts)
    p = {name: P[name].astype(np.int64) for name in _INT_FIELDS}
    state0 = p["state"].copy()                                  # state at the start of the month
    theta = np.asarray(M["theta"], np.float64)
    min_wage = np.asarray(M["min_wage"], np.int64)

    def note(name, mask):
        """Add the persons in `mask` (or a count) to trace[name]."""
        if trace is not None:
            k = mask if isinstance(mask, (int, np.integer)) else np.count_nonzero(mask)
            trace[name] = trace.get(name, 0) + int(k)

    def draw(mask, slot):
        return uniform(key, ids[mask], slot)

    def enter(mask, new_state):
        p["bits"][mask & (p["state"] == State.INACTIVE)] &= ~np.uint8(PersonBit.FURTHER_STUDY)
        p["prev_state"][mask] = p["state"][mask]
        p["state"][mask] = new_state if np.ndim(new_state) == 0 else new_state[mask]
        p["state_months"][mask] = 0

    def set_bits(mask, bit):
        p["bits"][mask] |= int(bit)

    def clear_bits(mask, bit):
        p["bits"][mask] &= ~int(bit)

    # ---- who does what this month ---------------------------------------------------------------
    retired = state0 == State.RETIRED
    student = state0 == State.STUDENT
    waiting = student & (t < p["school_leave_month"])
    graduating = student & ~waiting
    retiring = ~student & ~retired & (t >= p["retire_month"])
    deciding = ~student & ~retired & ~retiring
    live = graduating | deciding

    acc.count(Outcome.stock_retired, retired)
    acc.count(Outcome.stock_student, waiting)

    # the posts the retirement-age rise keeps filled: the month's opening stock (see the stocks below)
    CA["retirement_held"] -= acc.by_district(~retired & ~student & _held_by_delay(p, state0, t - 1), p["district"])
    # demography: retirement
    attrition = retiring & _works_in_city(p, state0)
    acc.count(Outcome.natural_attrition, attrition)
    p["employer"][retiring] = -1
    p["ui_status"][retiring] = L.UI_NONE
    enter(retiring, State.RETIRED)
    acc.count(Outcome.retirements, retiring)
    acc.count(Outcome.stock_retired, retiring)
    note("retire", retiring)
    note("retire:natural_attrition", attrition)

    # demography: school leavers enter the labour market
    acc.count(Outcome.graduates_entering, graduating)
    acc.count(Outcome.entries_from_outside, graduating)
    set_bits(graduating, PersonBit.GRADUATE_COHORT)
    g = graduating                               # flags as of the graduation month count at hire
    p["group_flags"][g] = group_flags(t, int(M["year_start"]), state0[g], p["bits"][g], p["household"][g],
                                      t - p["birth_month"][g], p["state_months"][g], p["education"][g],
                                      p["school_leave_month"][g], p["sex"][g], p["disability"][g], p["hukou"][g],
                                      p["retire_month"][g], beh, int(difficulty_any_of),
                                      p["certified_month"][g] != NEVER)

    # ---- decide: (event, fallback, involuntary) per person ----------------------------------------
    event = np.full(n, D.EV_NONE, np.int64)
    fallback = np.full(n, D.EV_NONE, np.int64)
    involuntary = np.zeros(n, bool)
    age = t - p["birth_month"]

    # graduates (decide_graduate): one draw against cumulative destination shares
    g = graduating
    u = np.zeros(n)
    u[g] = draw(g, Slot.GRADUATE_DESTINATION)
    e1 = beh[L.GR_EMPLOYED]
    e2 = e1 + beh[L.GR_INTERN]
    e3 = e2 + beh[L.GR_UNEMPLOYED]
    e4 = e3 + beh[L.GR_FURTHER_STUDY]
    event[g] = np.select([u[g] < e1, u[g] < e2, u[g] < e3, u[g] < e4],
                         [D.EV_HIRE, D.EV_INTERN, D.EV_UNEMPLOYED, D.EV_STUDY], D.EV_INACTIVE)
    fallback[g & (event == D.EV_HIRE)] = D.EV_UNEMPLOYED

    # employees (separation_hazard, decide_employed)
    emp = deciding & (state0 == State.EMPLOYED)
    employer = p["employer"]
    local = emp & (employer >= 0)
    firm0 = np.where(local, employer, 0)
    forced = local & (F["alive"][firm0] == 0)
    size = np.where(local, F["size_class"][firm0].astype(np.int64), 0)
    h_sep = _separation_hazard(local[emp], age[emp], size[emp], (t - p["hire_month"])[emp], M["sep_multiplier"],
                               beh, mult)
    # the 稳岗返还 response: firms of a size class a refund in force covers lay off fewer (layoff_cut)
    covered = local & (((int(M["refund_sizes"]) >> size) & 1) == 1)
    cut = np.where(covered, beh[L.RESP_REFUND_LAYOFF], 0.0)
    cutting = cut > 0
    share0 = beh[L.SEP_INVOLUNTARY_SHARE]
    h_sep = np.where(cutting[emp], h_sep * (1.0 - share0 * cut[emp]), h_sep)
    share = np.where(cutting, share0 * (1.0 - cut) / (1.0 - share0 * cut), share0)
    stays = np.zeros(n, bool)
    stays[emp] = ~forced[emp] & (draw(emp, Slot.SEPARATION) >= h_sep)
    leaves = emp & ~stays
    u_kind = np.zeros(n)
    u_kind[leaves] = draw(leaves, Slot.SEPARATION_KIND)
    inv = leaves & (forced | (u_kind < share))
    vol = leaves & ~inv
    v = np.zeros(n)
    v[vol] = (u_kind[vol] - share[vol]) / (1.0 - share[vol])
    involuntary[inv] = True
    event[inv] = D.EV_UNEMPLOYED
    to_u, to_i = beh[L.SEP_TO_UNEMPLOYED], beh[L.SEP_TO_UNEMPLOYED] + beh[L.SEP_TO_INACTIVE]
    event[vol] = np.select([v[vol] < to_u, v[vol] < to_i], [D.EV_UNEMPLOYED, D.EV_INACTIVE], D.EV_FLEXIBLE)

    # unemployed (job_finding_hazard, search mass, rationing by θ, decide_unemployed)
    un = deciding & (state0 == State.UNEMPLOYED)
    registered = (p["bits"] & PersonBit.REGISTERED) != 0
    since_training = np.where(p["training_done_month"] != NEVER, t - p["training_done_month"], -1)
    since_school = np.where((p["bits"] & PersonBit.GRADUATE_COHORT) != 0, t - p["school_leave_month"], -1)
    h = _job_finding_hazard(age[un], p["education"][un], p["state_months"][un], p["skill"][un],
                            p["disability"][un], registered[un], p["hukou"][un], p["ui_status"][un],
                            p["ui_left"][un], since_training[un], since_school[un], beh, mult)
    responding = M["list_len"][L.L_HIRE_VALUE] > 0 and beh[L.RESP_HIRE_ELASTICITY] > 0
    if responding:                         # the hiring response to hire-linked subsidies
        h = h * (1.0 + beh[L.RESP_HIRE_ELASTICITY] * hiring_subsidy_share(M, p["group_flags"][un], p["district"][un]))
    away = np.where(p["hukou"][un] == Hukou.LOCAL_RURAL, beh[L.JF_AWAY_RURAL], 0.0)
    d_un = p["district"][un]
    group = chunk[un] * n_districts + d_un
    fixed = np.floor(np.minimum(h, 1.0) * (1.0 - away) * L.MASS_SCALE + 0.5).astype(np.int64)
    mass = np.zeros(C * n_districts, np.int64)                             # fixed point: exact sums
    np.add.at(mass, group, fixed)
    CA["search_mass"] += mass.reshape(C, n_districts)
    difficult = (p["group_flags"] & GroupFlag.difficulty) != 0            # last month's flags
    pj_mass = un & difficult
    np.add.at(CA["public_job_mass"], chunk[pj_mass], np.int64(beh[L.EX_PUBLIC_JOB] * L.MASS_SCALE + 0.5))
    h = np.minimum(h * (away + (1.0 - away) * theta[d_un]), 1.0)
    ev_un = np.full(h.shape, D.EV_NONE, np.int64)
    todo = np.ones(h.shape, bool)                                          # no destination yet

    def try_exit(cond_extra, slot, threshold, ev):
        """Next destination in decide_unemployed's order: its own draw, for those still undecided."""
        m = todo & cond_extra
        sel = np.flatnonzero(m)
        hit = uniform(key, ids_un[sel], slot) < (threshold[sel] if np.ndim(threshold) else threshold)
        ev_un[sel[hit]] = ev
        todo[sel[hit]] = False

    flags_un = p["group_flags"][un]
    ids_un = ids[un]
    try_exit(True, Slot.JOB_FIND, h, D.EV_HIRE)
    try_exit((flags_un & GroupFlag.difficulty) != 0, Slot.TO_PUBLIC_JOB,
             beh[L.EX_PUBLIC_JOB] * M["public_job_ratio"], D.EV_PUBLIC_JOB)
    try_exit((flags_un & (GroupFlag.graduate_2y | GroupFlag.youth_16_24)) != 0, Slot.TO_INTERNSHIP,
             beh[L.EX_INTERNSHIP], D.EV_INTERN)
    try_exit(True, Slot.TO_TRAINING, beh[L.EX_TRAINING], D.EV_TRAINING)
    startup_mask = int(M["startup_mask"])                        # ALL_GROUPS: an untargeted instrument
    startup = ((flags_un & startup_mask) != 0) | (startup_mask == ALL_GROUPS)   # start-up support raises entry
    to_self_employment = beh[L.EX_SELF_EMPLOYMENT]
    try_exit(True, Slot.TO_SELF_EMPLOYMENT,
             np.where(startup, to_self_employment * (1.0 + beh[L.RESP_STARTUP_ENTRY]), to_self_employment),
             D.EV_SELF_EMPLOYED)
    try_exit(True, Slot.TO_FLEXIBLE, beh[L.EX_FLEXIBLE], D.EV_FLEXIBLE)
    p_inactive = np.where(p["state_months"][un] >= 24, beh[L.EX_INACTIVE] + beh[L.IA_FROM_LONG], beh[L.EX_INACTIVE])
    try_exit(True, Slot.TO_INACTIVE, p_inactive, D.EV_INACTIVE)
    try_exit(~registered[un], Slot.LATE_REGISTER, beh[L.REG_LATE], D.EV_REGISTER)
    event[un] = ev_un

    # other states (decide_other); spell = business months = state_months
    spell = p["state_months"]
    tr = deciding & (state0 == State.TRAINING)
    event[tr] = np.where(draw(tr, Slot.TRAINING_END) < beh[L.TR_END], D.EV_SEARCH, D.EV_NONE)

    ending = deciding & (state0 == State.INTERN) & (spell + 1 >= beh[L.IN_MONTHS])
    retained = np.zeros(n, bool)
    retained[ending] = draw(ending, Slot.INTERN_RETAINED) < beh[L.IN_RETAIN]
    event[ending] = np.where(retained[ending], D.EV_HIRE, D.EV_UNEMPLOYED)
    fallback[retained] = D.EV_UNEMPLOYED
    interning_on = deciding & (state0 == State.INTERN) & ~ending
    early = np.zeros(n, bool)                                  # hired by the host before the end
    early[interning_on] = draw(interning_on, Slot.INTERN_EARLY_HIRE) < beh[L.IN_EARLY_HIRE]
    event[early] = D.EV_HIRE                                   # fallback: stay (EV_NONE)

    se = deciding & (state0 == State.SELF_EMPLOYED)
    year = np.minimum(spell // 12, 3)
    fails = np.zeros(n, bool)
    supported = (p["loan_yuan"] > 0) | ((p["hire_flags"] & startup_mask) != 0) | (startup_mask == ALL_GROUPS)
    failure = beh[L.SE_FAIL_Y1 + year]
    failure = np.where(supported, failure * (1.0 - beh[L.RESP_STARTUP_SURVIVAL]), failure)
    fails[se] = draw(se, Slot.BUSINESS_FAILURE) < failure[se]
    to_job = np.zeros(n, bool)
    to_job[fails] = draw(fails, Slot.SEPARATION_KIND) < beh[L.SE_TO_EMPLOYED]
    event[fails] = np.where(to_job[fails], D.EV_HIRE, D.EV_UNEMPLOYED)
    fallback[to_job] = D.EV_UNEMPLOYED

    fl = deciding & (state0 == State.FLEXIBLE)
    u_fl = draw(fl, Slot.FLEXIBLE_EXIT)
    edge1 = beh[L.FL_TO_EMPLOYED]
    edge2 = edge1 + beh[L.FL_TO_UNEMPLOYED]
    event[fl] = np.select([u_fl < edge1, u_fl < edge2, u_fl < edge2 + beh[L.FL_TO_INACTIVE]],
                          [D.EV_HIRE, D.EV_UNEMPLOYED, D.EV_INACTIVE], D.EV_NONE)

    pj = deciding & (state0 == State.PUBLIC_JOB)
    pj_end = pj & (spell + 1 >= beh[L.PJ_MAX_MONTHS])      # + pay.post_extension: 0 without public_job instruments
    event[pj_end] = D.EV_UNEMPLOYED
    pj_on = pj & ~pj_end
    event[pj_on] = np.where(draw(pj_on, Slot.PUBLIC_JOB_EXIT) < beh[L.PJ_TO_EMPLOYED], D.EV_HIRE, D.EV_NONE)

    ia = deciding & (state0 == State.INACTIVE)
    u_ia = draw(ia, Slot.FROM_INACTIVE)
    event[ia] = np.select([u_ia < beh[L.IA_TO_UNEMPLOYED], u_ia < beh[L.IA_TO_UNEMPLOYED] + beh[L.IA_TO_EMPLOYED]],
                          [D.EV_UNEMPLOYED, D.EV_HIRE], D.EV_NONE)

    if trace is not None:
        ev_names = {v: k[3:].lower() for k, v in vars(D).items() if k.startswith("EV_")}
        for st in np.unique(state0[live]):
            for e in np.unique(event[live & (state0 == st)]):
                note(f"{State(st).name.lower()}->{ev_names[e]}", live & (state0 == st) & (event == e))
        note("employed:forced", forced & leaves)
        note("employed:involuntary", inv)
        note("employed_away:separation", leaves & ~local)
        note("employed:layoff_cut", emp & cutting)
        note("intern:early_hire", early)
        note("self_employed:supported", se & supported)
        st = np.zeros(n, bool)
        st[un] = startup
        note("unemployed:startup_entry", st)
        note("unemployed:startup_entry_without_flags", st & (p["group_flags"] == 0))   # untargeted support
        if responding:
            s_all = np.zeros(n)
            s_all[un] = hiring_subsidy_share(M, p["group_flags"][un], p["district"][un])
            note("unemployed:hiring_response", un & (s_all > 0))
        note("unemployed:training_boost", un & (since_training >= beh[L.TR_BOOST_LAG])
             & (since_training < beh[L.TR_BOOST_LAG] + beh[L.TR_BOOST_MONTHS]))
        note("unemployed:rationed", un & (theta[p["district"]] < 1.0))
        note("unemployed:school_leaver", un & (since_school >= 0) & (since_school < 12))
        note("unemployed:ui_exhausting", un & (p["ui_status"] == L.UI_BENEFIT) & (p["ui_left"] <= 2))
        h_all = np.zeros(n)
        h_all[un] = h
        note("unemployed:hazard_capped", un & (h_all >= 1.0))

    # ---- apply -----------------------------------------------------------------------------------
    moved = np.zeros(n, bool)
    district = p["district"]

    def claim(mask):
        """_claim + ui.try_claim for the persons in `mask`."""
        if not M["ui_active"]:
            return
        m = mask & (p["ui_status"] == L.UI_NONE)
        if M["registration_required"]:
            m &= (p["bits"] & PersonBit.REGISTERED) != 0
        flags = p["group_flags"]                                 # this month's flags (claims come after them)
        targeted = ((flags & int(M["ui_target"])) != 0) if M["ui_target"] != 0 else np.ones(n, bool)
        excluded = (flags & int(M["ui_exclude"])) != 0
        note("claim:not_in_target_group", m & ~targeted)
        note("claim:excluded_group", m & targeted & excluded)
        m &= targeted & ~excluded
        sel = np.flatnonzero(m)
        sel = sel[uniform(key, sel, Slot.TAKE_UP) < M["ui_take_up"]]
        ucm = p["ui_contrib_months"][sel]
        months = _entitlement_months(ucm, p["ui_left"][sel], M)
        granted = (ucm >= M["min_contribution_months"]) & (months > 0)
        g_sel = sel[granted]
        p["ui_status"][g_sel] = L.UI_BENEFIT
        p["ui_left"][g_sel] = months[granted]
        p["ui_contrib_months"][g_sel] = 0
        new_claim = np.zeros(n, bool)
        new_claim[g_sel] = True
        acc.count(Outcome.ui_claims_new, new_claim)
        r_sel = sel[~granted]
        aid = bool(M["aid_for_ineligible"]) and M["aid_months"] > 0
        to_aid = r_sel[p["contrib_months"][r_sel] > 0] if aid else r_sel[:0]
        p["ui_status"][r_sel] = L.UI_EXHAUSTED
        p["ui_status"][to_aid] = L.UI_AID
        p["aid_left"][to_aid] = M["aid_months"]
        # ui.migrant_allowance: a refused migrant worker with some contributions, once
        allowance = np.asarray(M["migrant_allowance_fen"], np.int64)[district[r_sel]]
        r_ucm = p["ui_contrib_months"][r_sel]
        migrant = r_sel[(allowance > 0) & (r_ucm > 0) & (r_ucm < M["min_contribution_months"])
                        & ((flags[r_sel] & int(GroupFlag.migrant_worker)) != 0)]
        line = int(CostLine.ui_migrant_allowance)
        np.add.at(CA["ledger_fen"], (chunk[migrant], int(M["ui_slot"]), line, district[migrant]),
                  np.asarray(M["migrant_allowance_fen"], np.int64)[district[migrant]])
        np.add.at(CA["ledger_count"], (chunk[migrant], int(M["ui_slot"]), line, district[migrant]), 1)
        p["ui_contrib_months"][migrant] = 0
        note("claim:migrant_allowance", len(migrant))
        note("claim:take_up", len(sel))
        note("claim:granted", new_claim)
        note("claim:refused", len(r_sel))
        note("claim:aid_for_ineligible", len(to_aid))

    def record_entry(mask, new_state):
        """_record_entry: bookkeeping of entries into employment, before the state changes."""
        old = p["state"]
        bits = p["bits"]
        flags = p["group_flags"]                                     # flags at the start of the month
        was_registered = mask & (old == State.UNEMPLOYED) & ((bits & PersonBit.REGISTERED) != 0)
        is_local = (new_state != State.EMPLOYED) | (p["employer"] >= 0)
        acc.count(Outcome.entries_to_employment, mask & is_local & ~_is_employment(old))
        acc.count(Outcome.hires_from_unemployment, mask & (old == State.UNEMPLOYED))
        acc.count(Outcome.reemployed_unemployed, was_registered & is_local)
        set_bits(was_registered, PersonBit.WAS_UNEMPLOYED)
        clear_bits(mask & ~was_registered, PersonBit.WAS_UNEMPLOYED)
        diff = mask & ((flags & GroupFlag.difficulty) != 0)
        acc.count(Outcome.difficulty_employed, diff & is_local & ~_is_employment(old))
        set_bits(diff, PersonBit.DIFFICULTY_HIRE)
        clear_bits(mask & ~diff, PersonBit.DIFFICULTY_HIRE)
        clear_bits(mask, REG_OR_INVOL)
        founding = mask & (new_state == State.SELF_EMPLOYED)
        before = (bits & PersonBit.EVER_FOUNDED) != 0
        clear_bits(founding & before, PersonBit.FIRST_BUSINESS)
        set_bits(founding & ~before, PersonBit.FIRST_BUSINESS)
        set_bits(founding, PersonBit.EVER_FOUNDED)
        acc.count(Outcome.business_starts, founding)
        placed = mask & (new_state == State.PUBLIC_JOB) & (p["placements"] < 127)
        p["placements"][placed] += 1
        p["hire_month"][mask & (new_state == State.EMPLOYED)] = t
        p["hire_flags"][mask] = flags[mask]
        p["household"][mask] &= ~int(Household.ZERO_EMPLOYMENT_FAMILY)
        p["ui_status"][mask] = L.UI_NONE

    # every move out of a business closes it (a hire included; the fallback of a failed hire is a move)
    closing = live & (state0 == State.SELF_EMPLOYED) & (event != D.EV_NONE)
    acc.count(Outcome.business_closures, closing)
    clear_bits(closing, PersonBit.FIRST_BUSINESS)

    # hires (_hire): away from the city (local-rural, by a draw) or a vacancy-weighted local firm
    trying = event == D.EV_HIRE
    rural = trying & (p["hukou"] == Hukou.LOCAL_RURAL)
    a = beh[L.JF_AWAY_RURAL]
    away_share = a / (a + (1.0 - a) * theta) if a > 0 else np.zeros(n_districts)
    u_away = np.zeros(n)
    u_away[rural] = draw(rural, Slot.WORK_AWAY)
    goes_away = rural & (u_away < away_share[district])
    cross = goes_away & (u_away < away_share[district] * beh[L.JF_AWAY_PROVINCE])
    p["employer"][goes_away] = -1
    p["work_location"][goes_away] = np.where(cross[goes_away], WorkLocation.CROSS_PROVINCE, WorkLocation.CROSS_COUNTY)
    p["wage"][goes_away] = 2 * min_wage[district[goes_away]]
    searching = trying & ~goes_away
    firm = np.full(n, -1, np.int64)
    firm[searching] = _pick_firm(district[searching], draw(searching, Slot.MATCH_FIRM), order, district_start,
                                 cum_vacancies)
    placed = searching & (firm >= 0)
    p["employer"][placed] = firm[placed]
    p["work_location"][placed] = WorkLocation.LOCAL
    k = (draw(placed, Slot.WAGE) * wage_noise.shape[0]).astype(np.int64)
    wage = F["wage_level"][firm[placed]] * edu_premium[p["education"][placed]] * wage_noise[k]
    p["wage"][placed] = np.maximum(wage, min_wage[district[placed]].astype(np.float64)).astype(np.int32)
    acc.firm_add("hires", placed, firm, 1)
    hired = goes_away | placed
    acc.count(Outcome.interns_retained, hired & (state0 == State.INTERN))     # at the end or early
    u_ct = draw(hired, Slot.CONTRACT)
    p["contract_months"][hired] = np.where(u_ct < beh[L.CT_ONE_YEAR], 12,
                                           np.where(u_ct < beh[L.CT_ONE_YEAR] + beh[L.CT_THREE_YEARS], 36, 0))
    record_entry(hired, np.full(n, State.EMPLOYED))
    enter(hired, State.EMPLOYED)
    moved |= hired
    no_vacancy = trying & ~hired
    event[no_vacancy] = fallback[no_vacancy]
    note("hire:away_cross_county", goes_away & ~cross)
    note("hire:away_cross_province", cross)
    note("hire:local_firm", placed)
    note("hire:no_vacancy_then_none", no_vacancy & (event == D.EV_NONE))
    note("hire:no_vacancy_then_unemployed", no_vacancy & (event == D.EV_UNEMPLOYED))

    # late registration (no move); a claim if the spell began with a layoff
    registering = event == D.EV_REGISTER
    set_bits(registering, PersonBit.REGISTERED)
    claim_due = registering & ((p["bits"] & PersonBit.INVOLUNTARY) != 0)
    note("register:after_layoff", registering & ((p["bits"] & PersonBit.INVOLUNTARY) != 0))

    # every other event is a move out of the current state
    moving = live & ~hired & (event != D.EV_NONE) & (event != D.EV_REGISTER)
    state = state0                                               # a mover has not moved yet
    quitting = moving & (state == State.EMPLOYED)
    laid_off = quitting & involuntary
    acc.count(Outcome.separations_involuntary, laid_off)
    acc.firm_add("layoffs", laid_off & (p["employer"] >= 0), p["employer"], 1)
    acc.count(Outcome.separations_other, quitting & ~involuntary)
    leaving_job = moving & (_is_employment(state) | (state == State.INTERN))
    p["employer"][leaving_job] = -1
    p["work_location"][leaving_job] = WorkLocation.LOCAL

    # → unemployed: registration drawn (public-post leavers always register); UI claim after a layoff
    to_un = moving & (event == D.EV_UNEMPLOYED)
    eligible = involuntary & (p["ui_contrib_months"] >= M["min_contribution_months"])
    p_register = np.where(eligible, beh[L.REG_INVOLUNTARY], beh[L.REG_OTHER])
    u_reg = np.ones(n)
    u_reg[to_un] = draw(to_un, Slot.REGISTER)
    clear_bits(to_un, REG_OR_INVOL | JOB_SPELL_BITS)
    set_bits(to_un & ((u_reg < p_register) | (state == State.PUBLIC_JOB)), PersonBit.REGISTERED)
    set_bits(to_un & involuntary, PersonBit.INVOLUNTARY)
    p["ui_status"][to_un] = L.UI_NONE
    enter(to_un, State.UNEMPLOYED)
    claim_due |= to_un & involuntary             # claimed after this month's flags (see below)

    # training completed: certificate, back to search (registration and any claim continue)
    done = moving & (event == D.EV_SEARCH)
    cert = np.zeros(n, bool)
    cert[done] = draw(done, Slot.CERTIFICATE) < beh[L.TR_CERTIFICATE]
    acc.count(Outcome.training_completions, done)
    acc.count(Outcome.training_certificates, cert)
    p["skill"][cert & (p["skill"] < 3)] += 1
    p["certificates"][cert & (p["certificates"] < 255)] += 1
    p["training_done_month"][done] = t
    note("training:certificate", cert)
    enter(done, State.UNEMPLOYED)

    # → inactive (or further study)
    out = moving & ((event == D.EV_INACTIVE) | (event == D.EV_STUDY))
    clear_bits(out, REG_OR_INVOL | JOB_SPELL_BITS)
    set_bits(out & (event == D.EV_STUDY), PersonBit.FURTHER_STUDY)
    acc.count(Outcome.labour_force_exits_to_inactive, out & (event == D.EV_INACTIVE) & (state != State.STUDENT))
    p["ui_status"][out] = L.UI_NONE
    enter(out, State.INACTIVE)

    # → training (a claim continues), → internship; the flags at entry are kept (training and internship
    # subsidies target the groups at entry, like hiring subsidies)
    training = moving & (event == D.EV_TRAINING)
    interning = moving & (event == D.EV_INTERN)
    p["hire_flags"][training | interning] = p["group_flags"][training | interning]
    enter(training, State.TRAINING)
    p["ui_status"][interning] = L.UI_NONE
    enter(interning, State.INTERN)

    # → flexible work, own business, public post (a quit into flexible work is not a new job)
    entering = moving & ((event == D.EV_FLEXIBLE) | (event == D.EV_SELF_EMPLOYED) | (event == D.EV_PUBLIC_JOB))
    new_state = np.select([event == D.EV_FLEXIBLE, event == D.EV_SELF_EMPLOYED], [State.FLEXIBLE, State.SELF_EMPLOYED],
                          State.PUBLIC_JOB)
    p["ui_status"][entering & (state == State.EMPLOYED)] = L.UI_NONE
    record_entry(entering & (state != State.EMPLOYED), new_state)
    enter(entering, new_state)
    moved |= moving

    # ---- spell counters --------------------------------------------------------------------------
    state = p["state"]
    p["public_job_months"][live & (state == State.PUBLIC_JOB) & (p["public_job_months"] < MAX_I16)] += 1
    p["state_months"][live & ~moved & (p["state_months"] < MAX_I16)] += 1

    # ---- accruals (_accrue) ----------------------------------------------------------------------
    insured = live & (state == State.EMPLOYED) & (p["employer"] >= 0)
    base = np.minimum(np.maximum(p["wage"][insured].astype(np.float64), M["floor_yuan"]), M["ceiling_yuan"])
    base = np.where(F["base_at_floor"][p["employer"][insured]] != 0, M["floor_yuan"], base)   # declared base
    ui_fen = to_fen(base * M["ui_rate"])
    si_fen = to_fen(base * M["si_rate"])
    acc.firm_add("insured", insured, p["employer"], 1)
    acc.firm_add("ui_fen", insured, p["employer"], ui_fen)
    acc.firm_add("si_fen", insured, p["employer"], si_fen)
    np.add.at(CA["revenue_fen"], (chunk[insured], district[insured]), ui_fen)
    public = live & (state == State.PUBLIC_JOB)               # the post's employer pays at the floor base
    public_fen = to_fen(M["floor_yuan"] * M["ui_rate"])
    CA["revenue_fen"][...] += acc.by_district(public, district) * public_fen
    contributing = live & ((state == State.EMPLOYED) | (state == State.PUBLIC_JOB) | (state == State.FLEXIBLE))
    p["contrib_months"][contributing & (p["contrib_months"] < MAX_I16)] += 1
    with_ui = insured | public                                   # not flexible workers, not jobs away
    p["ui_contrib_months"][with_ui & (p["ui_contrib_months"] < MAX_I16)] += 1

    # ---- 就业困难人员 certification (_certification), on last month's flags ---------------------------
    reg_un = live & (state == State.UNEMPLOYED) & ((p["bits"] & PersonBit.REGISTERED) != 0)
    certified = p["certified_month"] != NEVER
    kept = ((reg_un & ~(moved & (p["prev_state"] != State.TRAINING))) | (state == State.TRAINING)
            | (_is_employment(state) & ((p["bits"] & PersonBit.DIFFICULTY_HIRE) != 0)))
    p["certified_month"][live & certified & ~kept] = NEVER
    applying = live & ~certified & reg_un & ((p["group_flags"] & int(difficulty_any_of)) != 0)
    granted = np.zeros(n, bool)
    granted[applying] = draw(applying, Slot.CERTIFY) < beh[L.CERTIFY_RATE]
    p["certified_month"][granted] = t

    # ---- group flags of the month ----------------------------------------------------------------
    lv = live
    p["group_flags"][lv] = group_flags(t, int(M["year_start"]), state[lv], p["bits"][lv], p["household"][lv], age[lv],
                                       p["state_months"][lv], p["education"][lv], p["school_leave_month"][lv],
                                       p["sex"][lv], p["disability"][lv], p["hukou"][lv], p["retire_month"][lv],
                                       beh, int(difficulty_any_of), p["certified_month"][lv] != NEVER)

    # ---- skill certificates of employees of a local firm (a draw each month) ----------------------
    has_firm = live & (p["employer"] >= 0)
    skilled = np.zeros(n, bool)
    skilled[has_firm] = draw(has_firm, Slot.SKILL_CERTIFICATE) < beh[L.SK_EMPLOYED_RATE]
    acc.count(Outcome.skill_certificates, skilled)
    p["skill"][skilled & (p["skill"] < 3)] += 1
    p["certificates"][skilled & (p["certificates"] < 255)] += 1
    note("employed:skill_certificate", skilled)

    # ---- ui_benefit: claims due this month, then one month of payment (pay_month) ----------------
    claim(claim_due)

    if M["ui_active"]:
        slot = int(M["ui_slot"])
        claimant = live & ((state == State.UNEMPLOYED) | (state == State.TRAINING))
        status = p["ui_status"].copy()
        benefit = claimant & ((status == L.UI_BENEFIT) | (status == L.UI_TO_RETIREMENT))
        aid = claimant & (status == L.UI_AID)
        ledger_fen, ledger_count = CA["ledger_fen"], CA["ledger_count"]
        cnt = acc.by_district(benefit, district)
        for line, amount in ((CostLine.main, None), (CostLine.ui_medical, M["medical_fen"]),
                             (CostLine.ui_top_up, M["top_up_fen"])):
            if amount is None:
                amount, paid = np.asarray(M["benefit_fen"], np.int64), np.ones(n_districts, bool)
            else:
                amount = np.asarray(amount, np.int64)
                paid = amount > 0
            ledger_fen[:, slot, line, :] += np.where(paid, cnt * amount, 0)
            ledger_count[:, slot, line, :] += np.where(paid, cnt, 0)
        running = benefit & (status == L.UI_BENEFIT)
        p["ui_left"][running] -= 1
        expired = running & (p["ui_left"] <= 0)
        p["ui_left"][expired] = 0
        to_retirement = expired & (p["retire_month"] - (t + 1) < M["continue_within"])
        p["ui_status"][to_retirement] = L.UI_TO_RETIREMENT
        rest = expired & ~to_retirement
        if M["aid_months"] > 0:
            p["ui_status"][rest] = L.UI_AID
            p["aid_left"][rest] = M["aid_months"]
        else:
            p["ui_status"][rest] = L.UI_EXHAUSTED
        cnt = acc.by_district(aid, district)
        aid_fen = np.asarray(M["aid_fen"], np.int64)
        ledger_fen[:, slot, CostLine.ui_aid, :] += cnt * aid_fen
        ledger_count[:, slot, CostLine.ui_aid, :] += cnt
        p["aid_left"][aid] -= 1
        aid_over = aid & (p["aid_left"] <= 0)
        p["aid_left"][aid_over] = 0
        p["ui_status"][aid_over] = L.UI_EXHAUSTED
        acc.count(Outcome.ui_recipients, benefit)
        acc.count(Outcome.ui_aid_recipients, aid)
        note("ui:benefit_paid", benefit)
        note("ui:to_retirement_paid", benefit & (status == L.UI_TO_RETIREMENT))
        note("ui:expired_to_retirement", to_retirement)
        note("ui:expired_to_aid" if M["aid_months"] > 0 else "ui:expired_exhausted", rest)
        note("ui:aid_paid", aid)
        note("ui:aid_over", aid_over)
        note("ui:top_up_paid", benefit & (np.asarray(M["top_up_fen"])[district] > 0))

    # ---- candidate bits of the current spell (pay._candidates), a cache kept in the person record:
    # recomputed in the first month of a spell that needs them (a new start month × 16 + state)
    if M["n_ins"] > 0:
        spell_state = live & (_is_employment(state) | (state == State.TRAINING) | (state == State.INTERN))
        start = t - p["state_months"]
        key = start * 16 + state
        new = np.flatnonzero(spell_state & (key != P["spell_key"]))
        bits = np.zeros(len(new), np.uint64)
        for k in range(int(M["n_ins"])):
            is_open = ((start[new] >= M["ins_first"][k]) & (start[new] <= M["ins_last"][k])
                       & in_groups(M, k, p["hire_flags"][new]))
            bits |= np.where(is_open, np.uint64(1) << np.uint64(k), np.uint64(0))
        # pay._unclaimed: a once-per-person instrument claimed in an earlier spell is no candidate
        claimed = P["claimed"][new].astype(np.int64)
        for k in range(int(M["n_ins"])):
            bit = int(M["ins_claim_bit"][k])
            if bit >= 0:
                bits &= ~np.where((claimed >> bit) & 1 == 1, np.uint64(1) << np.uint64(k), np.uint64(0))
        P["spell_candidates"][new] = bits
        P["spell_key"][new] = key[new]

    # ---- the other person-level instruments (pay_person): hiring bonuses ---------------------------
    if M["n_ins"] > 0:
        if np.any(live & (p["loan_yuan"] > 0)):
            raise NotImplementedError("the NumPy reference does not implement guaranteed loans (loan_yuan > 0)")
        employment = _is_employment(state) & (M["list_len"][L.L_EMPLOYMENT] > 0)
        since = p["state_months"]
        window = (since <= M["employment_window"]) | (p["retire_month"] - (t - since) <= M["near_retirement_max"])
        local_job = live & employment & window & (state == State.EMPLOYED) & (p["employer"] >= 0)
        firm_size = np.where(p["employer"] >= 0, F["size_class"][np.maximum(p["employer"], 0)].astype(np.int64), -1)
        for j in range(int(M["list_len"][L.L_EMPLOYMENT])):
            k = int(M["lists"][L.L_EMPLOYMENT, j])
            if not M["ins_active"][k]:
                continue
            if int(M["ins_kind"][k]) != InstrumentType.hiring_bonus:
                raise NotImplementedError(f"the NumPy reference does not implement "
                                          f"{TYPE_OF_KIND.get(int(M['ins_kind'][k]))}")
            # hiring_bonus: paid once, when the hire has lasted vesting_months, claimed with
            # the flags at hire (hire_flags) for the hire month
            wait = int(M["bonus_vesting_months"][k])
            # pay._has(spell, k): outside its window or groups `claims` says no anyway; what is left of the
            # candidate test is pay._unclaimed (claimed before: paid once, at vesting, so in an earlier spell)
            bit = int(M["ins_claim_bit"][k])
            unclaimed = (P["claimed"].astype(np.int64) >> bit) & 1 == 0 if bit >= 0 else True
            sel = np.flatnonzero(local_job & (since == wait) & unclaimed)
            month = t - wait

            def bonus_note(what, count, k=k):
                note(f"bonus:{what}", int(count))
            ok = claims(M, k, month, sel, p["hire_flags"][sel], firm_size[sel], p["contract_months"][sel],
                        bonus_note if trace is not None else None, P["spell_candidates"][sel])
            paid = sel[ok]
            if bit >= 0:                                                   # pay._mark: once per person
                P["claimed"][paid] |= np.uint16(1 << bit)
            amount = np.asarray(M["ins_amount_fen"][k], np.int64)[district[paid]]
            paid, amount = paid[amount > 0], amount[amount > 0]            # zero amounts are not payments
            slot = int(M["ins_slot"][k])
            np.add.at(CA["ledger_fen"], (chunk[paid], slot, int(CostLine.main), district[paid]), amount)
            np.add.at(CA["ledger_count"], (chunk[paid], slot, int(CostLine.main), district[paid]), 1)
            P["paid_mask"][paid] |= np.uint64(1) << np.uint64(slot)    # written in place (not an int64 copy)
            note("bonus:vesting", len(sel))
            note("bonus:paid", len(paid))

    # ---- outcome stocks and the graduate cohort (_count) -----------------------------------------
    acc.count(Outcome.stock_student + state, live)
    acc.count(Outcome.stock_employed_away, live & (state == State.EMPLOYED) & (p["employer"] < 0))
    acc.count(Outcome.registered_unemployed, live & (state == State.UNEMPLOYED)
              & ((p["bits"] & PersonBit.REGISTERED) != 0))
    cohort = (live & ((p["bits"] & PersonBit.GRADUATE_COHORT) != 0)
              & (p["school_leave_month"] == M["cohort_month"]) & (p["education"] >= 4))
    acc.count(Outcome.graduates_cohort, cohort)
    employed = _is_employment(state)
    acc.count(Outcome.graduates_employed, cohort & employed)
    destination = employed | (state == State.INTERN) | ((state == State.INACTIVE)
                                                         & ((p["bits"] & PersonBit.FURTHER_STUDY) != 0))
    acc.count(Outcome.graduates_placed, cohort & destination)
    CA["retirement_held"] += acc.by_district(live & _held_by_delay(p, state, t), p["district"])

    # ---- write back (stores truncate to the field's width, as the kernel's do) -------------------
    for name in _WRITTEN:
        P[name] = p[name].astype(P.dtype[name])


# ---------------------------------------------------------------------------------------------------
# Side by side inside the real month loop.
# ---------------------------------------------------------------------------------------------------
def _snapshot(args):
    """Independent copies of every array argument of a person pass."""
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


class SideBySide:
    """A stand-in for `sim.engine.person_month` that runs the numba kernel AND the reference each month.

    Install it with `unittest.mock.patch.object(sim.engine, "person_month", SideBySide(...))` (or
    pytest's monkeypatch) and run `sim.engine.simulate`: every month the reference receives its own
    copies of exactly the inputs the kernel receives (month record, persons, firms, vacancies, zeroed
    accumulators), the kernel runs on the engine's arrays (so the run continues from the kernel's
    results) and the two outputs are compared byte for byte. The month loop itself — year-end close,
    firm kernels, [economy] multipliers, reductions, θ and the public-job ratio — is the engine's own, so
    this harness cannot drift from it.

    overrides : callable (t, month record) → dict, optional
        Month-record fields to set before both passes (e.g. {"aid_for_ineligible": True}): exercises
        rules the bundled scenario leaves off.
    before_first : callable (P) → None, optional
        Edits the persons once, before the first month (e.g. counters set to their caps).
    trace : dict, optional
        Filled by the reference with the number of persons taking each branch (see
        `person_month_reference`).
    compare : bool
        False to skip the comparison (timing only).

    After a run, `reference_ledger_fen` / `reference_ledger_count` hold the reference's own ledger of
    each month (its chunk accumulators summed), to set against the engine's record.
    """

    def __init__(self, kernel=None, *, overrides=None, before_first=None, trace=None, compare=True):
        if kernel is None:
            from sim.kernels.persons import person_month as kernel
        self.kernel = kernel
        self.overrides = overrides
        self.before_first = before_first
        self.trace = trace
        self.compare = compare
        self.months: list[int] = []                 # t of each month run
        self.kernel_seconds: list[float] = []
        self.reference_seconds: list[float] = []
        self.mismatches: list[str] = []
        self.reference_ledger_fen: list[np.ndarray] = []     # per month: the reference's ledger (chunks summed)
        self.reference_ledger_count: list[np.ndarray] = []

    def __call__(self, *args):
        """Same arguments as the kernel: (MR, P, F, order, district_start, cum_vacancies, CA, FA)."""
        import time
        MR, P = args[0], args[1]
        t = int(MR[0]["t"])
        if not self.months and self.before_first is not None:
            self.before_first(P)
        for name, value in (self.overrides(t, MR[0]) if self.overrides else {}).items():
            MR[0][name] = value
        mine = _snapshot(args)
        started = time.perf_counter()
        self.kernel(*args)
        self.kernel_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        person_month_reference(*mine, trace=self.trace)
        self.reference_seconds.append(time.perf_counter() - started)
        reference_chunks = mine[-2]
        self.reference_ledger_fen.append(reference_chunks["ledger_fen"].sum(axis=0))
        self.reference_ledger_count.append(reference_chunks["ledger_count"].sum(axis=0))
        self.months.append(t)
        if self.compare:
            found = differences(args, mine)
            if found:
                self.mismatches.append(f"month t={t}: " + "; ".join(found))

    @property
    def identical(self) -> bool:
        return self.compare and bool(self.months) and not self.mismatches


def differences(kernel_args, reference_args) -> list[str]:
    """Every array argument (field by field for records) that is not byte-identical after both passes."""
    names = ("MR", "P", "F", "order", "district_start", "cum_vacancies")
    names += ("CA", "FA") if len(kernel_args) == 8 else ("beh", "mult", "difficulty_any_of", "wage_noise",
                                                         "edu_premium", "CA", "FA")
    out = []
    for name, a, b in zip(names, kernel_args, reference_args):
        if not isinstance(a, np.ndarray):
            if a != b:
                out.append(f"{name}: {a!r} != {b!r}")
            continue
        if a.tobytes() == b.tobytes():
            continue
        for field in a.dtype.names or (None,):
            x, y = (a, b) if field is None else (a[field], b[field])
            if x.tobytes() != y.tobytes():
                where = np.argwhere(x != y)[:3].tolist() or "bit pattern only (±0.0 / NaN)"
                out.append(f"{name}{'.' + field if field else ''} at {where}")
    return out
