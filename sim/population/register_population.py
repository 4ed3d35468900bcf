"""The starting population from a checked register (`sim.population.register.Register`).

Row i of the register becomes person i. What the register gives is used as given; what it does not
give (a missing column, or an empty cell where docs/register.md says it is imputed) is drawn exactly
as `sim.population.synthetic` draws it, from the same slot under `uniform(key(seed, replication,
PERSON_INIT), i, slot)`, so imputations are reproducible and independent of other rows. School-leaver
cohorts are added from the profile after the register's rows, and firms are synthesised from the
profile unless a firms file is given.
"""
from __future__ import annotations

import numpy as np

from sim.codes import (NEVER, Disability, EntityKind, Household, Hukou, PersonBit, Sex, Slot, State, UiStatus,
                       WorkLocation)
from sim.params.months import month_number
from sim.params.profile_schema import (CONTRIB_STATE_KEYS, EDUCATION_KEYS, INITIAL_STATE_KEYS,
                                       SECTOR_KEYS, SIZE_KEYS, SKILL_KEYS, profile_at)
from sim.population.arrays import Firms, Persons
from sim.population.register import Register
from sim.population.synthetic import (Population, _assign_employers, _categorical, _cohorts, _Draws, _firms,
                                      _household, _initial_firm_history, _school_leaving, initial_spells,
                                      retirement_month_number, school_leavers, set_retirement, wage_noise)
from sim.rng import month_key, run_key

# initial-state kind (profile initial_state keys) of each state; EMPLOYED is split by work location
_KIND = {State.UNEMPLOYED: "unemployed", State.SELF_EMPLOYED: "self_employed", State.FLEXIBLE: "flexible",
         State.PUBLIC_JOB: "public_job", State.INACTIVE: "inactive", State.TRAINING: "training",
         State.INTERN: "intern"}
# states of a spell in work: the 就业困难人员 recognition is kept through it (PersonBit.DIFFICULTY_HIRE)
_WORKING = (State.EMPLOYED, State.SELF_EMPLOYED, State.FLEXIBLE, State.PUBLIC_JOB, State.INTERN)
_HOUSEHOLD_COLUMNS = (("dibao", Household.DIBAO), ("poverty_alleviated", Household.POVERTY_ALLEVIATED),
                      ("relocated", Household.RELOCATED), ("rural_low_income", Household.RURAL_LOW_INCOME),
                      ("returnee", Household.RETURNEE), ("veteran", Household.VETERAN))


def register_population(register: Register, profile: dict, behaviour: dict, *, start: str, months: int, seed: int,
                        replication: int = 0) -> Population:
    """Build the population of one replication from a register.

    Parameters
    ----------
    register : Register
        Checked rows (`sim.population.register.load_register`).
    profile, behaviour : dict
        Validated locality values.
    start : str
        First month of the run, 'YYYY-MM'.
    months : int
        Length of the run (school-leaver cohorts inside it are preallocated).
    seed, replication : int
        Key of the draws that impute what the register does not give.

    Returns
    -------
    Population
        Persons 0 … len(register) − 1 are the register's accepted rows in file order; the weight is the
        register's own, or the profile's working-age population ÷ the number of rows.
    """
    profile = profile_at(profile, start)       # the rates and minimum wage in force in the first month
    n = len(register)
    districts = tuple(profile["districts"]["population_share"])
    weight = register.weight if register.weight is not None else profile["population"]["working_age_population"] / n
    start_abs = month_number(start)
    cohorts = _cohorts(profile["graduates"], start_abs, months, weight)
    out = Persons.empty(n + sum(size for _, size, _ in cohorts))
    key = np.uint64(month_key(np.uint64(run_key(seed, replication)), EntityKind.PERSON_INIT, -1))
    p, draw = Persons(out.data[:n]), _Draws(key, 0, n)
    _attributes_given(p, draw, register, profile, start_abs)
    local = _states_given(p, draw, register, profile, behaviour)
    if register.firms is not None:
        firms = _firms_from_file(register, profile, seed, replication, districts, start_abs)
        p.employer[:] = np.where(local, register.employer, -1)
    else:
        firms = _firms(profile, behaviour, n, seed, replication, districts, employed=float(local.sum()))
        p.employer[:] = _assign_employers(p.district[:], local, draw(Slot.ATTR_EMPLOYER), firms, profile,
                                          len(districts))
    _wages(p, draw, register, profile, firms, districts)
    sizes = school_leavers(out, cohorts, n, key, profile, start_abs, districts)   # from the profile, as synthesised
    _initial_firm_history(firms, out, profile, behaviour, seed, replication)
    return Population(out, firms, n, weight, districts, sizes, certification_given=register.given("difficulty"))


def _given(register: Register, name: str, imputed: np.ndarray) -> np.ndarray:
    """The register's values where given (not NaN), the imputed ones elsewhere."""
    if not register.given(name):
        return imputed
    values = register.persons[name]
    return np.where(np.isnan(values), imputed, values)


def _attributes_given(p: Persons, draw: _Draws, register: Register, profile: dict, start_abs: int) -> None:
    pop_p, rules = profile["population"], profile["retirement"]
    r = register.persons
    female = r["sex"] == Sex.FEMALE
    p.sex[:] = r["sex"]
    # the month within the year of age is drawn; a woman still working past the workers' retirement
    # age must be of the later (cadre) retirement type
    if register.given("birth_month"):
        birth = r["birth_month"].astype(np.int64)
    else:
        birth = start_abs - 12 * r["age"].astype(np.int64) - np.floor(draw(Slot.ATTR_AGE_FINE) * 12).astype(np.int64)
    cadre = female & (draw(Slot.ATTR_CADRE) < pop_p["women_cadre_share"])
    cadre |= female & (retirement_month_number(birth, female, np.zeros_like(female), rules) <= start_abs)
    if not register.given("birth_month"):     # the drawn month must not retire someone the check let through
        latest = start_abs - 12 * r["age"].astype(np.int64)
        birth = np.where(retirement_month_number(birth, female, cadre, rules) <= start_abs, latest, birth)
    p.birth_month[:] = birth - start_abs
    set_retirement(p, birth, female, cadre, rules, start_abs)
    p.education[:] = r["education"]
    p.hukou[:] = r["hukou"]
    p.district[:] = r["district"]
    disabled = draw(Slot.ATTR_DISABILITY) < pop_p["disabled_share"]
    severe = draw(Slot.ATTR_SEVERITY) < pop_p["severe_share_of_disabled"]
    drawn = np.where(disabled, np.where(severe, Disability.SEVERE, Disability.DISABLED), Disability.NONE)
    p.disability[:] = _given(register, "disability", drawn)
    p.skill[:] = _given(register, "skill", _categorical(draw(Slot.ATTR_SKILL), pop_p["skill_shares"], SKILL_KEYS))
    veteran = (~female) & (draw(Slot.ATTR_VETERAN) < pop_p["veteran_share_of_men"])
    household = _household(draw, r["hukou"] == Hukou.LOCAL_RURAL, veteran, pop_p)
    for name, bit in _HOUSEHOLD_COLUMNS:
        if register.given(name):
            household = np.where(r[name] == 1, household | bit, household & ~np.uint8(bit)).astype(np.uint8)
    p.household[:] = household
    p.state[:] = State.INACTIVE
    p.employer[:] = -1
    p.hire_month[:] = p.training_done_month[:] = p.loan_month[:] = p.certified_month[:] = NEVER
    _school_leaving(p, profile, start_abs)
    if register.given("school_leave_month"):
        leave = r["school_leave_month"]
        p.school_leave_month[:] = np.where(np.isnan(leave), p.school_leave_month[:],
                                           np.nan_to_num(leave) - start_abs).clip(-32000, -1)


def _states_given(p: Persons, draw: _Draws, register: Register, profile: dict, behaviour: dict) -> np.ndarray:
    """States and spell histories (synthetic.initial_states with the register's values); returns the
    mask of local employees, who need a local employer."""
    init, r = profile["initial_state"], register.persons
    state = r["state"].astype(np.int8)
    employed = state == State.EMPLOYED
    location = _work_location(draw, register, behaviour, employed, init["shares"])
    local = employed & (location == WorkLocation.LOCAL)
    kind = np.full(len(state), INITIAL_STATE_KEYS.index("inactive"))
    for s, name in _KIND.items():
        kind[state == s] = INITIAL_STATE_KEYS.index(name)
    kind[local] = INITIAL_STATE_KEYS.index("employed_local")
    kind[employed & ~local] = INITIAL_STATE_KEYS.index("employed_away")
    p.state[:] = state
    p.prev_state[:] = np.where(employed, State.UNEMPLOYED, state)
    p.work_location[:] = np.where(employed, location, WorkLocation.LOCAL)
    age = -p.birth_month[:].astype(np.int64)
    working_months = np.maximum(age - 18 * 12, 0)
    # spells as synthesised, with the register's unemployment duration where given
    spell, tenure = initial_spells(state, age, draw, init, behaviour,
                                   lambda drawn: _given(register, "unemployment_months", drawn))
    p.state_months[:] = np.minimum(spell, age - 16 * 12).clip(0, 32767)
    p.hire_month[:] = np.where(employed, -p.state_months[:].astype(np.int64), NEVER)
    density = np.array([init["contribution_density"][k] for k in CONTRIB_STATE_KEYS])[kind]
    drawn = np.minimum(np.floor(density * working_months * (0.5 + draw(Slot.ATTR_CONTRIB))), working_months)
    contrib = _given(register, "contrib_months", drawn).astype(np.int64)
    p.contrib_months[:] = contrib.clip(0, 32767)
    ui_contrib = np.floor(contrib * draw(Slot.ATTR_UI_CONTRIB)).astype(np.int64)
    ui_contrib = np.where(local, np.maximum(ui_contrib, np.minimum(tenure, contrib)), ui_contrib)
    ui_contrib = np.where(employed & ~local, 0, ui_contrib)
    ui_contrib = _given(register, "ui_contrib_months", ui_contrib).astype(np.int64)
    # registration and UI receipt: given, or drawn with the profile's shares
    unemployed = state == State.UNEMPLOYED
    u_registered, u_recipient = draw(Slot.ATTR_REGISTERED), draw(Slot.ATTR_UI_LEFT)
    recipient_given = register.given("ui_recipient")
    registered = unemployed & _given(register, "registered",
                                     u_registered < init["registered_share_of_unemployed"]).astype(bool)
    if recipient_given:
        recipient = unemployed & (register.persons["ui_recipient"] == 1)
        registered |= recipient                  # only registered unemployed persons draw 失业保险金
    else:
        recipient = registered & (u_recipient < init["ui_recipient_share_of_registered"])
    bits = np.where(registered, PersonBit.REGISTERED, 0) | np.where(recipient, PersonBit.INVOLUNTARY, 0)
    bits |= np.where(state == State.SELF_EMPLOYED, PersonBit.EVER_FOUNDED, 0)
    if register.given("difficulty"):
        # the register's 就业困难人员 column is the certification (认定), held by registered unemployed
        # persons and by workers in the job they found as such
        bits |= np.where(np.isin(state, _WORKING) & (r["difficulty"] == 1), PersonBit.DIFFICULTY_HIRE, 0)
        holds = (r["difficulty"] == 1) & (np.isin(state, _WORKING) | registered)
        p.certified_month[:] = np.where(holds, -1, NEVER)
    p.bits[:] = bits.astype(np.uint8)
    p.ui_status[:] = np.where(recipient, UiStatus.BENEFIT, UiStatus.NONE)
    p.ui_left[:] = np.where(recipient, 1 + np.floor(draw(Slot.ATTR_UI_MONTHS) * 12), 0)
    # contribution time restarts at a granted claim: a recipient has none since
    p.ui_contrib_months[:] = np.where(recipient, 0, ui_contrib).clip(0, 32767)
    zero_share = profile["population"]["zero_employment_family_share"] / max(init["shares"]["unemployed"], 1e-9)
    zero = unemployed & (draw(Slot.ATTR_ZERO_EMPLOYMENT) < zero_share)
    zero = _given(register, "zero_employment_family", zero).astype(bool)
    p.household[:] |= np.where(zero, Household.ZERO_EMPLOYMENT_FAMILY, 0).astype(np.uint8)
    p.public_job_months[:] = np.where(state == State.PUBLIC_JOB, p.state_months[:], 0)
    p.placements[:] = np.where(state == State.PUBLIC_JOB, 1, 0)
    p.contract_months[:] = np.where(employed, 12, 0)
    return local


def _work_location(draw: _Draws, register: Register, behaviour: dict, employed: np.ndarray,
                   shares: dict) -> np.ndarray:
    """Work location of employees: given; with a firms file, local exactly when linked to a firm;
    else local or away with the profile's employed_local : employed_away ratio. Away jobs are
    cross-province with `job_finding.away_cross_province_share`, as in the synthetic population."""
    u_away = draw(Slot.ATTR_AWAY_PROVINCE)
    away_kind = np.where(u_away < behaviour["job_finding"]["away_cross_province_share"],
                         WorkLocation.CROSS_PROVINCE, WorkLocation.CROSS_COUNTY)
    if register.firms is not None:
        drawn = np.where(register.employer >= 0, WorkLocation.LOCAL, away_kind)
    else:
        away_share = shares["employed_away"] / max(shares["employed_away"] + shares["employed_local"], 1e-12)
        drawn = np.where(draw(Slot.ATTR_WORK_AWAY) < away_share, away_kind, WorkLocation.LOCAL)
    return np.where(employed, _given(register, "work_location", drawn), WorkLocation.LOCAL).astype(np.int8)


def _wages(p: Persons, draw: _Draws, register: Register, profile: dict, firms: Firms, districts: tuple) -> None:
    """Given wages as they are (whole yuan); others as synthetic._initial_states draws them."""
    minimum = np.array([profile["districts"]["minimum_wage"][d] for d in districts])[p.district[:]]
    premium = np.array([profile["wages"]["education_premium"][k] for k in EDUCATION_KEYS])[p.education[:]]
    noise = wage_noise(profile["wages"]["dispersion_sigma"])
    employer = p.employer[:]
    level = np.where(employer >= 0, firms.wage_level[np.maximum(employer, 0)], 0)
    wage = level * premium * noise[np.floor(draw(Slot.ATTR_WAGE) * noise.size).astype(np.int64)]
    away = (p.state[:] == State.EMPLOYED) & (p.work_location[:] != WorkLocation.LOCAL)
    wage = np.where(employer >= 0, np.maximum(wage, minimum), np.where(away, 2 * minimum, minimum))
    given = np.floor(_given(register, "wage", np.full(len(p), np.nan)) + 0.5)    # to the yuan, half up
    p.wage[:] = np.where(np.isnan(given), wage, given).astype(np.int32)


def _firms_from_file(register: Register, profile: dict, seed: int, replication: int, districts: tuple,
                     start_abs: int) -> Firms:
    """The listed firms (alive, in file order), then free slots for births drawn as in synthetic._firms.
    What the file leaves out is drawn from the profile with the synthetic slots, keyed by firm index."""
    fp, given = profile["firms"], register.firms
    n_alive = len(given["district"])
    n = n_alive + int(round(n_alive * fp["spare_slot_share"]))
    f = Firms.empty(n)
    key = np.uint64(month_key(np.uint64(run_key(seed, replication)), EntityKind.FIRM_INIT, -1))
    draw = _Draws(key, 0, n)

    def column(name: str, drawn: np.ndarray) -> np.ndarray:
        values = np.full(n, np.nan)
        if name in given:
            values[:n_alive] = given[name]
        return np.where(np.isnan(values), drawn, values)

    drawn_size = _categorical(draw(Slot.FIRM_SIZE), fp["size_shares"], SIZE_KEYS)
    if "size_class" not in given:
        # listed firms without a size class: from their linked headcount, as the year-end close reviews it
        headcount = np.bincount(register.employer[register.employer >= 0], minlength=n_alive)
        drawn_size[:n_alive] = np.searchsorted(np.asarray(fp["size_thresholds"]), headcount, side="right")
    f.size_class[:] = column("size_class", drawn_size)
    f.sector[:] = column("sector", _categorical(draw(Slot.FIRM_SECTOR), fp["sector_shares"], SECTOR_KEYS))
    f.district[:] = column("district", _categorical(draw(Slot.ATTR_FIRM_DISTRICT),
                                                     profile["districts"]["population_share"], districts))
    median = np.array([profile["wages"]["median_wage_by_size"][k] for k in SIZE_KEYS])
    drawn_wage = median[f.size_class] * (0.8 + 0.4 * draw(Slot.FIRM_WAGE))
    f.wage_level[:] = column("wage_level", drawn_wage).astype(np.int32)
    f.base_at_floor[:] = draw(Slot.ATTR_FIRM_BASE) < profile["social_insurance"]["declared_base_at_floor_share"]
    f.alive[:n_alive] = 1
    f.exit_month[:] = NEVER
    f.exit_month[n_alive:] = -1
    drawn_founded = -(1 + np.floor(draw(Slot.ATTR_FIRM_AGE) * 240)) + start_abs
    founded = column("founded_month", drawn_founded)[:n_alive] - start_abs
    f.founded_month[:n_alive] = np.maximum(founded, -32000).astype(np.int16)
    f.contrib_months[:n_alive] = np.minimum(-f.founded_month[:n_alive].astype(np.int64), 32767)
    return f

