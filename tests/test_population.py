"""Synthetic population: counter-based attributes, phased retirement ages, layout size."""
from __future__ import annotations

import numpy as np

import sim
from sim.codes import Education, Sex, State
from sim.population.synthetic import retirement_delay, retirement_month_number, synthesize
from tests.conftest import LIUPANSHUI

STATIC = ("sex", "education", "hukou", "district", "disability", "skill", "birth_month", "retire_month", "state")


def _population(persons, seed=3):
    s = sim.load_scenario(LIUPANSHUI)
    return synthesize(s.profile, s.behaviour, persons=persons, start=s.start, months=12, seed=seed)


def test_a_persons_attributes_do_not_depend_on_the_population_size():
    small, large = _population(3000), _population(9000)
    for name in STATIC:
        assert np.array_equal(getattr(small.persons, name)[:3000], getattr(large.persons, name)[:3000]), name


def test_population_matches_profile_shares():
    pop = _population(40_000)
    p = pop.persons
    initial = slice(0, pop.initial_persons)
    s = sim.load_scenario(LIUPANSHUI)
    share_women = (p.sex[initial] == Sex.FEMALE).mean()
    assert abs(share_women - s.profile["population"]["female_share"]) < 0.01
    employed = (p.state[initial] == State.EMPLOYED).mean()
    shares = s.profile["initial_state"]["shares"]
    assert abs(employed - shares["employed_local"] - shares["employed_away"]) < 0.01
    assert (p.retire_month[initial] > 0).all()                 # nobody starts past retirement age
    age_years = -p.birth_month[initial] / 12
    assert age_years.min() >= 16
    assert ((p.education[initial] != Education.BACHELOR_PLUS) | (age_years >= 22)).all()


def test_school_leavers_are_preallocated_for_each_graduation_month():
    pop = _population(10_000)
    cohort = pop.persons.state == State.STUDENT
    assert cohort.sum() == sum(pop.cohort_sizes.values()) > 0
    assert set(np.unique(pop.persons.school_leave_month[cohort])) == set(pop.cohort_sizes)


RULES = {"reform_start": "2025-01", "men_base_age": 60, "men_target_age": 63, "men_step_months": 4,
         "women_cadre_base_age": 55, "women_cadre_target_age": 58, "women_cadre_step_months": 4,
         "women_worker_base_age": 50, "women_worker_target_age": 55, "women_worker_step_months": 2}


def _month(year, month):
    return year * 12 + month - 1


def test_phased_retirement_ages_follow_the_2024_decision():
    """全国人大常委会 2024-09-13: men and women at 55 one month later per four months of birth, women at
    50 one month later per two months; the official table gives e.g. men born 1965-01 → 60 y 1 m,
    women workers born 1975-03 → 50 y 2 m, men born 1976-12 or later → 63 y."""
    cases = [  # birth, female, cadre, retirement age in months
        (_month(1964, 12), False, False, 60 * 12),          # before the reform: unchanged
        (_month(1965, 1), False, False, 60 * 12 + 1),
        (_month(1965, 5), False, False, 60 * 12 + 2),
        (_month(1977, 1), False, False, 63 * 12),           # capped at the target age
        (_month(1975, 1), True, False, 50 * 12 + 1),
        (_month(1975, 3), True, False, 50 * 12 + 2),
        (_month(1970, 1), True, True, 55 * 12 + 1),
    ]
    for birth, female, cadre, age in cases:
        got = retirement_month_number(np.array([birth]), np.array([female]), np.array([cadre]), RULES)[0]
        assert got - birth == age, (birth, female, cadre)


def test_the_retirement_delay_is_what_the_reform_adds_to_the_original_age():
    """`retire_delay` (the pre-reform month is retire_month − retire_delay, replacement hiring D49): men born
    1965-05 retire at 60 y 2 m (delay 2), born 1977-01 at 63 (36), women workers born 1975-03 at 50 y 2 m (2),
    and nobody retiring before 2025-01 is delayed."""
    birth = np.array([_month(1964, 12), _month(1965, 5), _month(1977, 1), _month(1975, 3)])
    female = np.array([False, False, False, True])
    cadre = np.zeros(4, bool)
    assert retirement_delay(birth, female, cadre, RULES).tolist() == [0, 2, 36, 2]
    base = np.where(female, 50, 60) * 12
    assert (retirement_month_number(birth, female, cadre, RULES) - retirement_delay(birth, female, cadre, RULES)
            == birth + base).all()


def test_every_person_records_the_months_the_reform_adds():
    pop = _population(5000)
    p = pop.persons
    assert (p.retire_delay[p.retire_month < 0] == 0).all()
    assert p.retire_delay.max() > 0


def test_generation_in_blocks_gives_the_same_population(monkeypatch):
    """Attributes are keyed by person id, so the block size used to bound memory changes nothing."""
    from sim.population import synthetic
    whole = _population(5000)
    monkeypatch.setattr(synthetic, "BLOCK", 777)
    blocked = _population(5000)
    assert whole.persons.data.tobytes() == blocked.persons.data.tobytes()
    assert whole.firms.data.tobytes() == blocked.firms.data.tobytes()
