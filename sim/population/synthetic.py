"""Synthetic persons and firms from a locality profile and a seed (DESIGN §2).

Every attribute of person `i` is drawn from `uniform(key(seed, replication, PERSON_INIT), i, slot)`,
so a person's attributes do not depend on how the population is chunked or on the other persons.
Firms are drawn the same way under FIRM_INIT. Generation is vectorised NumPy (it runs once per run).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from scipy.special import ndtri

from sim.codes import (FEN_ROUNDING_NUDGE, Disability, Education, EntityKind, Household, Hukou, PersonBit, Sex, Slot, State,
                       UiStatus, WorkLocation)
from sim.params.profile_schema import (AGE_BANDS, CONTRIB_STATE_KEYS, DURATION_KEYS, EDUCATION_KEYS, SI_LINES,
                                       HUKOU_KEYS, INITIAL_STATE_KEYS, SECTOR_KEYS, SIZE_KEYS, SKILL_KEYS,
                                       profile_at)
from sim.params.months import month_number
from sim.population.arrays import NEVER, Firms, Persons
from sim.rng import month_key, run_key, uniform

# Age (years) at which each education level is usually completed; aligns school_leave_month.
# assumption: the usual completion ages of the Chinese school system (9 years compulsory from age 6–7).
LEAVING_AGE = {Education.PRIMARY_OR_LESS: 15, Education.JUNIOR_HIGH: 16, Education.SENIOR_HIGH: 18,
               Education.SECONDARY_VOCATIONAL: 18, Education.COLLEGE: 21, Education.BACHELOR_PLUS: 22}


@dataclass
class Population:
    persons: Persons
    firms: Firms
    initial_persons: int          # the working-age sample at the start (weight = population / this)
    weight: float                 # real persons per simulated person
    district_codes: tuple[str, ...]
    cohort_sizes: dict[int, int]  # graduation month index -> persons entering then
    # 就业困难人员 certification of the starting persons given (a register's column); otherwise the engine
    # draws the initial certified stock (sim.kernels.persons.certify_initial)
    certification_given: bool = False

    def copy(self) -> "Population":
        """An independent copy (a run modifies its persons and firms in place)."""
        return Population(self.persons.copy(), self.firms.copy(), self.initial_persons, self.weight,
                          self.district_codes, dict(self.cohort_sizes), self.certification_given)


@njit(cache=True, parallel=True)
def _fill(key, first, out, slot):
    for k in prange(out.shape[0]):
        out[k] = uniform(key, first + k, slot)


@njit(cache=True)
def _fill_serial(key, first, out, slot):
    for k in range(out.shape[0]):
        out[k] = uniform(key, first + k, slot)


PARALLEL_FILL = 1 << 16   # below this many draws starting threads costs more than it saves (cohorts)


class _Draws:
    """Uniform draws for a block of entity ids under one key, one array per slot."""

    def __init__(self, key: np.uint64, first: int, n: int):
        self.key, self.first, self.n = key, first, n

    def __call__(self, slot: Slot) -> np.ndarray:
        out = np.empty(self.n, np.float64)
        (_fill if self.n >= PARALLEL_FILL else _fill_serial)(self.key, self.first, out, int(slot))
        return out


def _categorical(u: np.ndarray, shares: dict, keys: tuple[str, ...]) -> np.ndarray:
    cumulative = np.cumsum([shares[k] for k in keys])
    cumulative[-1] = 1.0 + 1e-12
    return np.searchsorted(cumulative, u, side="right").astype(np.int8)


def retirement_month_number(birth: np.ndarray, female: np.ndarray, cadre: np.ndarray, rules: dict) -> np.ndarray:
    """Absolute month of statutory retirement with the phased increase (2024-09-13 NPCSC decision)."""
    original, delay = _retirement(birth, female, cadre, rules)
    return original + delay


def retirement_delay(birth: np.ndarray, female: np.ndarray, cadre: np.ndarray, rules: dict) -> np.ndarray:
    """Months the phased increase adds to the original retirement month (0 before the reform)."""
    return _retirement(birth, female, cadre, rules)[1].astype(np.uint8)


def set_retirement(p: Persons, birth: np.ndarray, female: np.ndarray, cadre: np.ndarray, rules: dict,
                   start_abs: int) -> None:
    """`retire_month` (run months) and `retire_delay` of persons born in absolute months `birth`."""
    original, delay = _retirement(birth, female, cadre, rules)
    p.retire_month[:] = original + delay - start_abs
    p.retire_delay[:] = delay


def _retirement(birth, female, cadre, rules: dict) -> tuple[np.ndarray, np.ndarray]:
    """(original retirement month, months added): someone whose original retirement month falls k months
    after the reform start works k // step + 1 months longer, up to the target age."""
    reform = month_number(rules["reform_start"])
    base = np.where(female, np.where(cadre, rules["women_cadre_base_age"], rules["women_worker_base_age"]),
                    rules["men_base_age"])
    target = np.where(female, np.where(cadre, rules["women_cadre_target_age"], rules["women_worker_target_age"]),
                      rules["men_target_age"])
    step = np.where(female, np.where(cadre, rules["women_cadre_step_months"], rules["women_worker_step_months"]),
                    rules["men_step_months"])
    original = birth + base * 12
    delay = np.where(original >= reform, (original - reform) // step + 1, 0)
    delay = np.minimum(delay, (target - base) * 12)
    return original, delay


def synthesize(profile: dict, behaviour: dict, *, persons: int, start: str, months: int, seed: int,
               replication: int = 0) -> Population:
    """Build the population of one replication.

    Parameters
    ----------
    profile, behaviour : dict
        Validated locality values (sim.params.locality.load_locality).
    persons : int
        Simulated working-age persons at the start (school leavers of later months are added).
    start : str
        First month of the run, 'YYYY-MM'.
    months : int
        Length of the run; school-leaver cohorts graduating inside it are preallocated.
    """
    profile = profile_at(profile, start)       # the rates and minimum wage in force in the first month
    pop_p, groups = profile["population"], profile["graduates"]
    districts = tuple(profile["districts"]["population_share"])
    weight = pop_p["working_age_population"] / persons
    start_abs = month_number(start)
    cohorts = _cohorts(groups, start_abs, months, weight)
    n_total = persons + sum(size for _, size, _ in cohorts)
    out = Persons.empty(n_total)
    key = np.uint64(month_key(np.uint64(run_key(seed, replication)), EntityKind.PERSON_INIT, -1))
    firms = _firms(profile, behaviour, persons, seed, replication, districts)
    for lo, hi in _blocks(0, persons):
        view, draw = Persons(out.data[lo:hi]), _Draws(key, lo, hi - lo)
        _attributes(view, draw, profile, start_abs, districts)
        _school_leaving(view, profile, start_abs)
        _initial_states(view, draw, profile, behaviour, firms, districts)
    sizes = school_leavers(out, cohorts, persons, key, profile, start_abs, districts)
    _initial_firm_history(firms, out, profile, behaviour, seed, replication)
    return Population(out, firms, persons, weight, districts, sizes)


def school_leavers(out: Persons, cohorts: list, first: int, key, profile: dict, start_abs: int,
                   districts: tuple) -> dict[int, int]:
    """Fill the school-leaver cohorts of the run into `out` from index `first` on; returns the persons
    entering per graduation month (a register run adds the same cohorts after its rows)."""
    sizes: dict[int, int] = {}
    for leave_month, size, kind in cohorts:
        for lo, hi in _blocks(first, first + size):
            view, draw = Persons(out.data[lo:hi]), _Draws(key, lo, hi - lo)
            _attributes(view, draw, profile, start_abs, districts)
            _make_cohort(view, draw, profile, start_abs, leave_month, kind)
        first += size
        sizes[leave_month] = sizes.get(leave_month, 0) + size
    return sizes


BLOCK = 1 << 20      # persons generated at a time: bounds the temporaries (≈ 8 MB per column)


def _blocks(first: int, stop: int):
    """[lo, hi) ranges of at most BLOCK ids. Draws are keyed by id, so blocks change no value."""
    for lo in range(first, stop, BLOCK):
        yield lo, min(lo + BLOCK, stop)


def _cohorts(graduates: dict, start_abs: int, months: int, weight: float) -> list[tuple[int, int, str]]:
    result = []
    for t in range(months):
        if (start_abs + t) % 12 + 1 == graduates["graduation_month"]:   # calendar month of run month t
            for kind in ("higher", "vocational", "early"):
                per_year = graduates[{"higher": "higher_education_per_year", "vocational": "vocational_per_year",
                                      "early": "early_leavers_per_year"}[kind]]
                result.append((t, int(round(per_year / weight)), kind))
    return result


def _attributes(p: Persons, draw: _Draws, profile: dict, start_abs: int, districts: tuple) -> None:
    pop_p = profile["population"]
    female = draw(Slot.ATTR_SEX) < pop_p["female_share"]
    p.sex[:] = np.where(female, Sex.FEMALE, Sex.MALE)
    cadre = female & (draw(Slot.ATTR_CADRE) < pop_p["women_cadre_share"])
    rules = profile["retirement"]
    base_age = np.where(female, np.where(cadre, rules["women_cadre_base_age"], rules["women_worker_base_age"]),
                        rules["men_base_age"])
    age = _truncated_ages(draw(Slot.ATTR_AGE), draw(Slot.ATTR_AGE_FINE), pop_p["age_shares"], base_age)
    birth = start_abs - age
    p.birth_month[:] = birth - start_abs
    set_retirement(p, birth, female, cadre, rules, start_abs)
    young = age < 35 * 12
    u_edu = draw(Slot.ATTR_EDUCATION)
    education = np.where(young, _categorical(u_edu, pop_p["education_under_35"], EDUCATION_KEYS),
                         _categorical(u_edu, pop_p["education_35_plus"], EDUCATION_KEYS))
    for level in sorted(Education, reverse=True):     # nobody holds a degree before the age it takes
        too_young = (education == level) & (age < LEAVING_AGE[level] * 12)
        education = np.where(too_young, max(level - 1, 0), education)
    p.education[:] = education
    p.hukou[:] = _categorical(draw(Slot.ATTR_HUKOU), pop_p["hukou_shares"], HUKOU_KEYS)
    p.district[:] = _categorical(draw(Slot.ATTR_DISTRICT), profile["districts"]["population_share"], districts)
    disabled = draw(Slot.ATTR_DISABILITY) < pop_p["disabled_share"]
    severe = draw(Slot.ATTR_SEVERITY) < pop_p["severe_share_of_disabled"]
    p.disability[:] = np.where(disabled, np.where(severe, Disability.SEVERE, Disability.DISABLED), Disability.NONE)
    p.skill[:] = _categorical(draw(Slot.ATTR_SKILL), pop_p["skill_shares"], SKILL_KEYS)
    veteran = (~female) & (draw(Slot.ATTR_VETERAN) < pop_p["veteran_share_of_men"])
    p.household[:] = _household(draw, p.hukou == Hukou.LOCAL_RURAL, veteran, pop_p)
    p.state[:] = State.INACTIVE
    p.prev_state[:] = State.INACTIVE
    p.employer[:] = -1
    p.hire_month[:] = NEVER
    p.training_done_month[:] = NEVER
    p.loan_month[:] = NEVER
    p.certified_month[:] = NEVER


def _household(draw: "_Draws", rural: np.ndarray, veteran: np.ndarray, pop_p: dict) -> np.ndarray:
    """Household bits: 低保 for anyone; 脱贫, 易地搬迁, 农村低收入 and returnee among local-rural residents."""
    household = np.where(draw(Slot.ATTR_HOUSEHOLD) < pop_p["dibao_share"], Household.DIBAO, 0).astype(np.uint8)
    for slot, share_key, bit in ((Slot.ATTR_POVERTY, "poverty_alleviated_share_of_rural", Household.POVERTY_ALLEVIATED),
                                 (Slot.ATTR_RELOCATED, "relocated_share_of_rural", Household.RELOCATED),
                                 (Slot.ATTR_LOW_INCOME, "rural_low_income_share_of_rural", Household.RURAL_LOW_INCOME),
                                 (Slot.ATTR_RETURNEE, "returnee_share_of_rural", Household.RETURNEE)):
        household |= np.where(rural & (draw(slot) < pop_p[share_key]), bit, 0).astype(np.uint8)
    household |= np.where(veteran, Household.VETERAN, 0).astype(np.uint8)
    return household


def _truncated_ages(u_year: np.ndarray, u_month: np.ndarray, shares: dict, max_age: np.ndarray) -> np.ndarray:
    """Ages in months from the profile's age-band shares (uniform within a band), truncated below each
    person's pre-reform retirement age: the inverse CDF is evaluated at u × F(max_age), so women
    workers (retiring at 50) get the band shape of ages 16–49 rather than a redraw."""
    years = np.arange(16, 65)
    density = np.zeros(years.size)
    for band in AGE_BANDS:
        lo, hi = (int(x) for x in band.split("-"))
        density[(years >= lo) & (years <= hi)] = shares[band] / (hi - lo + 1)
    cumulative = np.cumsum(density)
    at_max = np.interp(max_age, years + 1, cumulative, left=0.0, right=cumulative[-1])   # F(max_age)
    index = np.searchsorted(cumulative, u_year * at_max, side="right")
    return years[np.minimum(index, years.size - 1)] * 12 + np.floor(u_month * 12).astype(np.int64)


def _school_leaving(p: Persons, profile: dict, start_abs: int) -> None:
    """Month each person left school: the graduation month of the year they reached the leaving age."""
    grad_month = profile["graduates"]["graduation_month"]
    leave_age = np.array([LEAVING_AGE[Education(e)] for e in range(len(Education))])[p.education]
    birth_abs = p.birth_month.astype(np.int64) + start_abs
    year = (birth_abs + leave_age * 12) // 12
    leave = year * 12 + grad_month - 1 - start_abs
    p.school_leave_month[:] = np.clip(leave, -32000, -1)      # initial persons have left school


def _make_cohort(p: Persons, draw: _Draws, profile: dict, start_abs: int, leave_month: int, kind: str) -> None:
    """School leavers who enter the labour market in month `leave_month` of the run."""
    g = profile["graduates"]
    u = draw(Slot.ATTR_COHORT)
    if kind == "higher":
        education = np.where(u < g["bachelor_share_of_higher"], Education.BACHELOR_PLUS, Education.COLLEGE)
        age = g["age_higher"]
    elif kind == "vocational":
        education = np.full(u.shape, Education.SECONDARY_VOCATIONAL)
        age = g["age_vocational"]
    else:                                   # assumption: early leavers half after junior, half after senior high
        education = np.where(u < 0.5, Education.JUNIOR_HIGH, Education.SENIOR_HIGH)
        age = np.where(u < 0.5, 16, 18)
    p.education[:] = education
    u_age = draw(Slot.ATTR_AGE_FINE)
    birth = leave_month - (age * 12 + np.floor(u_age * 12).astype(np.int64))
    female = p.sex[:] == Sex.FEMALE
    cadre = female & (draw(Slot.ATTR_CADRE) < profile["population"]["women_cadre_share"])
    p.birth_month[:] = birth
    set_retirement(p, birth + start_abs, female, cadre, profile["retirement"], start_abs)
    rural = draw(Slot.ATTR_COHORT_HUKOU) < g["rural_share"]        # its own slot: not the residents' hukou draw
    p.hukou[:] = np.where(rural, Hukou.LOCAL_RURAL, Hukou.LOCAL_URBAN)
    p.household[:] = _household(draw, rural, np.zeros(rural.shape, bool), profile["population"])  # not veterans
    p.school_leave_month[:] = leave_month
    p.state[:] = State.STUDENT
    p.prev_state[:] = State.STUDENT


def _firms(profile: dict, behaviour: dict, persons: int, seed: int, replication: int, districts: tuple,
           employed: float | None = None) -> Firms:
    """Insured employers sized so their expected headcount matches local insured employment (`employed`
    persons when given, as for a register; else the profile's share of `persons`)."""
    fp = profile["firms"]
    if employed is None:
        employed = persons * profile["initial_state"]["shares"]["employed_local"]
    mean_size = sum(fp["size_shares"][k] * fp["mean_insured"][k] for k in SIZE_KEYS)
    n_alive = max(len(districts), int(round(employed / mean_size)))   # ≥ one firm per district
    n = int(round(n_alive * (1 + fp["spare_slot_share"])))
    f = Firms.empty(n)
    key = np.uint64(month_key(np.uint64(run_key(seed, replication)), EntityKind.FIRM_INIT, -1))
    draw = _Draws(key, 0, n)
    f.size_class[:] = _categorical(draw(Slot.FIRM_SIZE), fp["size_shares"], SIZE_KEYS)
    f.sector[:] = _categorical(draw(Slot.FIRM_SECTOR), fp["sector_shares"], SECTOR_KEYS)
    f.district[:] = _categorical(draw(Slot.ATTR_FIRM_DISTRICT), profile["districts"]["population_share"], districts)
    f.district[:len(districts)] = np.arange(len(districts))     # every district has a live firm, even tiny samples
    median = np.array([profile["wages"]["median_wage_by_size"][k] for k in SIZE_KEYS])
    # assumption: a firm's median wage within ±20 % of its size class's median (uniform)
    f.wage_level[:] = (median[f.size_class] * (0.8 + 0.4 * draw(Slot.FIRM_WAGE))).astype(np.int32)
    f.base_at_floor[:] = draw(Slot.ATTR_FIRM_BASE) < profile["social_insurance"]["declared_base_at_floor_share"]
    f.alive[:n_alive] = 1
    f.exit_month[:] = NEVER
    f.exit_month[n_alive:] = -1                      # free slots, available for births
    # assumption: existing firms founded uniformly over the last 20 years
    f.founded_month[:n_alive] = -(1 + np.floor(draw(Slot.ATTR_FIRM_AGE)[:n_alive] * 240)).astype(np.int16)
    f.contrib_months[:n_alive] = np.minimum(-f.founded_month[:n_alive], 32767)
    return f


def _initial_states(p: Persons, draw: _Draws, profile: dict, behaviour: dict, firms: Firms,
                    districts: tuple) -> None:
    init = profile["initial_state"]
    u = draw(Slot.ATTR_STATE)
    kind = _categorical(u, init["shares"], INITIAL_STATE_KEYS)
    state_of_kind = np.array([State.EMPLOYED, State.EMPLOYED, State.UNEMPLOYED, State.SELF_EMPLOYED, State.FLEXIBLE,
                              State.PUBLIC_JOB, State.INACTIVE, State.TRAINING, State.INTERN], np.int8)
    state = state_of_kind[kind]
    p.state[:] = state
    p.prev_state[:] = np.where(state == State.EMPLOYED, State.UNEMPLOYED, state)
    age = -p.birth_month[:].astype(np.int64)
    working_months = np.maximum(age - 18 * 12, 0)
    spell, tenure = initial_spells(state, age, draw, init, behaviour)
    p.state_months[:] = np.minimum(spell, age - 16 * 12).clip(0, 32767)
    p.hire_month[:] = np.where(state == State.EMPLOYED, -p.state_months[:].astype(np.int64), NEVER)
    # contribution history
    density = np.array([init["contribution_density"][k] for k in CONTRIB_STATE_KEYS])[kind]
    # assumption: individual histories spread uniformly ±50 % around the state's contribution density
    contrib = np.floor(density * working_months * (0.5 + draw(Slot.ATTR_CONTRIB))).astype(np.int64)
    contrib = np.minimum(contrib, working_months)
    p.contrib_months[:] = contrib.clip(0, 32767)
    ui_contrib = np.floor(contrib * draw(Slot.ATTR_UI_CONTRIB)).astype(np.int64)
    local_job = kind == INITIAL_STATE_KEYS.index("employed_local")
    ui_contrib = np.where(local_job, np.maximum(ui_contrib, np.minimum(tenure, contrib)), ui_contrib)
    ui_contrib = np.where(kind == INITIAL_STATE_KEYS.index("employed_away"), 0, ui_contrib)  # insured elsewhere
    # registration and UI receipt
    unemployed = state == State.UNEMPLOYED
    registered = unemployed & (draw(Slot.ATTR_REGISTERED) < init["registered_share_of_unemployed"])
    recipient = registered & (draw(Slot.ATTR_UI_LEFT) < init["ui_recipient_share_of_registered"])
    bits = np.where(registered, PersonBit.REGISTERED, 0) | np.where(recipient, PersonBit.INVOLUNTARY, 0)
    bits |= np.where(state == State.SELF_EMPLOYED, PersonBit.EVER_FOUNDED, 0)
    p.bits[:] = bits.astype(np.uint8)
    p.ui_status[:] = np.where(recipient, UiStatus.BENEFIT, UiStatus.NONE)
    # assumption: recipients at the start have 1–12 months of entitlement left (uniform)
    p.ui_left[:] = np.where(recipient, 1 + np.floor(draw(Slot.ATTR_UI_MONTHS) * 12), 0)
    p.ui_contrib_months[:] = np.where(recipient, 0, ui_contrib).clip(0, 32767)
    zero_share = profile["population"]["zero_employment_family_share"] / max(init["shares"]["unemployed"], 1e-9)
    zero = unemployed & (draw(Slot.ATTR_ZERO_EMPLOYMENT) < zero_share)
    p.household[:] |= np.where(zero, Household.ZERO_EMPLOYMENT_FAMILY, 0).astype(np.uint8)
    p.public_job_months[:] = np.where(state == State.PUBLIC_JOB, p.state_months[:], 0)
    p.placements[:] = np.where(state == State.PUBLIC_JOB, 1, 0)
    # jobs: local employees get a firm of their district (chance ∝ expected size), others work away
    away = kind == INITIAL_STATE_KEYS.index("employed_away")
    local = kind == INITIAL_STATE_KEYS.index("employed_local")
    u_away = draw(Slot.ATTR_AWAY_PROVINCE)
    province_share = behaviour["job_finding"]["away_cross_province_share"]
    p.work_location[:] = np.where(away, np.where(u_away < province_share, WorkLocation.CROSS_PROVINCE,
                                                     WorkLocation.CROSS_COUNTY), WorkLocation.LOCAL)
    employer = _assign_employers(p.district[:], local, draw(Slot.ATTR_EMPLOYER), firms, profile,
                                 len(districts))
    p.employer[:] = employer
    minimum = np.array([profile["districts"]["minimum_wage"][d] for d in districts])[p.district[:]]
    premium = np.array([profile["wages"]["education_premium"][k] for k in EDUCATION_KEYS])[p.education[:]]
    noise = wage_noise(profile["wages"]["dispersion_sigma"])
    level = np.where(employer >= 0, firms.wage_level[np.maximum(employer, 0)], 0)
    wage = level * premium * noise[np.floor(draw(Slot.ATTR_WAGE) * noise.size).astype(np.int64)]
    # jobs away: assumption 2 × the local minimum wage (migrant workers earned 4,780 yuan/month on
    # average in 2023, 国家统计局 via docs/research §4, ≈ 2.5 × Guizhou's minimum); it only fills the
    # wage field (no local contributions)
    wage = np.where(employer >= 0, np.maximum(wage, minimum), np.where(away, 2 * minimum, minimum))
    p.wage[:] = wage.astype(np.int32)
    p.contract_months[:] = np.where(state == State.EMPLOYED, 12, 0)   # assumption: one-year contracts at the start


def initial_spells(state: np.ndarray, age: np.ndarray, draw: _Draws, init: dict, behaviour: dict,
                   unemployment_months=lambda drawn: drawn) -> tuple[np.ndarray, np.ndarray]:
    """(months in the current spell, job tenure) at the start of the run. `unemployment_months` maps
    the drawn unemployment durations to those to use (a register replaces the ones it knows)."""
    u_spell = draw(Slot.ATTR_DURATION)
    # assumptions: job tenure uniform over working life, at most 10 years; the open 24+ class of the
    # profile's duration shares spans 24–48 months; other spells uniform over 0–24 months (public
    # posts 0–36: their maximum length)
    tenure = np.floor(u_spell * np.minimum(np.maximum(age - 16 * 12, 1), 120)).astype(np.int64)
    bounds = {"0-1": (0, 1), "1-6": (1, 6), "6-12": (6, 12), "12-24": (12, 24), "24+": (24, 48)}
    dur_class = _categorical(draw(Slot.ATTR_TENURE), init["unemployment_duration_shares"], DURATION_KEYS)
    lo = np.array([bounds[k][0] for k in DURATION_KEYS])[dur_class]
    hi = np.array([bounds[k][1] for k in DURATION_KEYS])[dur_class]
    unemployed_spell = unemployment_months(lo + np.floor(u_spell * (hi - lo)))
    spell = np.where(state == State.UNEMPLOYED, unemployed_spell,
                     np.where(state == State.EMPLOYED, tenure, np.floor(u_spell * 24)))
    spell = np.where(state == State.PUBLIC_JOB, np.floor(u_spell * 36), spell)
    spell = np.where(state == State.INTERN, np.floor(u_spell * behaviour["internship"]["months"]), spell)
    return np.where(state == State.TRAINING, 0, spell).astype(np.int64), tenure


def _assign_employers(district: np.ndarray, local: np.ndarray, u: np.ndarray, firms: Firms, profile: dict,
                      n_districts: int) -> np.ndarray:
    """Employer of each local employee: a live firm of the same district, chance ∝ expected size."""
    fp = profile["firms"]
    mean = np.array([fp["mean_insured"][k] for k in SIZE_KEYS], np.float64)
    expected = np.where(firms.alive == 1, mean[firms.size_class], 0.0)
    employer = np.full(district.shape, -1, np.int32)
    for d in range(n_districts):
        ids = np.flatnonzero((firms.district == d) & (firms.alive == 1))
        who = np.flatnonzero(local & (district == d))
        if ids.size == 0 or who.size == 0:
            continue
        cumulative = np.cumsum(expected[ids])
        pick = np.searchsorted(cumulative, u[who] * cumulative[-1], side="right")
        employer[who] = ids[np.minimum(pick, ids.size - 1)]
    return employer


def _initial_firm_history(firms: Firms, p: Persons, profile: dict, behaviour: dict, seed: int,
                          replication: int) -> None:
    """Headcount and last year's contributions and layoffs consistent with the employees."""
    employed = p.employer >= 0
    insured = np.bincount(p.employer[employed], minlength=len(firms)).astype(np.int32)
    si = profile["social_insurance"]
    average = profile["wages"]["provincial_average_wage"] / 12
    floor = si["base_floor_share"] * average
    base = np.clip(p.wage[employed].astype(np.float64), floor, si["base_ceiling_share"] * average)
    base = np.where(firms.base_at_floor[p.employer[employed]] != 0, floor, base)   # the declared base
    ui_fen = np.floor(base * (si["ui_employer"] + si["ui_employee"]) * 100.0 + (0.5 + FEN_ROUNDING_NUDGE)) * 12
    firms.ui_contrib_last[:] = np.bincount(p.employer[employed], weights=ui_fen, minlength=len(firms)).astype(np.int64)
    si_rate = sum(si[k] for k in SI_LINES)
    si_fen = np.floor(base * si_rate * 100.0 + (0.5 + FEN_ROUNDING_NUDGE)) * 12
    firms.si_contrib_last[:] = np.bincount(p.employer[employed], weights=si_fen, minlength=len(firms)).astype(np.int64)
    firms.insured[:] = insured
    firms.insured_avg_last[:] = insured
    sep = behaviour["separation"]
    key = np.uint64(month_key(np.uint64(run_key(seed, replication)), EntityKind.FIRM_INIT, -1))
    u = _Draws(key, 0, len(firms))(Slot.ATTR_FIRM_LAYOFFS)
    expected_layoffs = insured * sep["base"] * 12 * sep["involuntary_share"]
    # assumption: last year's layoffs uniform between 0 and twice the behaviour file's expected count
    firms.layoffs_last[:] = np.floor(expected_layoffs * 2 * u).astype(np.int32)
    firms.layoff_rate_last[:] = np.where(insured > 0, firms.layoffs_last / np.maximum(insured, 1), 0.0)


def wage_noise(sigma: float, k: int = 32) -> np.ndarray:
    """Within-firm wage multipliers exp(σ z) at k equiprobable quantiles (mean-one lognormal)."""
    z = ndtri((np.arange(k) + 0.5) / k)
    values = np.exp(sigma * z)
    return values / values.mean()
