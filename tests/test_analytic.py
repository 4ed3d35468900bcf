"""Analytic checks (DESIGN §11, statistical tier): a two-state chain with constant hazards.

The fixture locality (tests/fixtures/two_state) keeps only employed ↔ unemployed: separation
probability s = 0.02 and job-finding probability f = 0.2 a month, every multiplier 1, vacancies
plentiful (θ = 1), no entries, exits or instruments. For this discrete-time chain the stationary
unemployment rate is s / (s + f) exactly, and completed unemployment spells are geometric: the exit
probability is f at every duration.
"""
from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.codes import Outcome as O, State
from sim.engine import simulate
from tests.conftest import ROOT

S, F = 0.02, 0.2
SCENARIO = ROOT / "tests" / "fixtures" / "two_state" / "scenarios" / "two-state.toml"


@pytest.fixture(scope="module")
def two_state_run():
    scenario = sim.load_scenario(SCENARIO)
    exits = np.zeros(60, np.int64)         # exits from unemployment by completed months in the spell
    at_risk = np.zeros(60, np.int64)
    previous = {}

    def observe(t, population):
        state = population.persons.state
        months = population.persons.state_months
        if previous:
            was_unemployed = previous["state"] == State.UNEMPLOYED
            spell = np.minimum(previous["months"][was_unemployed], 59)
            np.add.at(at_risk, spell, 1)
            np.add.at(exits, spell[state[was_unemployed] == State.EMPLOYED], 1)
        previous["state"], previous["months"] = state.copy(), months.copy()

    record = simulate(scenario, observe=observe)
    return scenario, record, exits, at_risk


def test_unemployment_rate_converges_to_s_over_s_plus_f(two_state_run):
    scenario, record, _, _ = two_state_run
    o = record.outcomes
    assert o[:, O.stock_employed].min() > 0
    assert (o[:, O.stock_employed] + o[:, O.stock_unemployed] == scenario.persons).all()   # nothing else moves
    rate = o[60:, O.stock_unemployed] / scenario.persons      # after ≥ 12 half-lives of 1/(s+f) ≈ 4.5 months
    # Tolerance: the monthly rate has binomial sd sqrt(u(1−u)/N) ≈ 0.002 at N = 20,000; the mean of 60
    # autocorrelated months has sd ≈ 0.001. 0.004 is 4 sd, so the test fails only on a real bias.
    assert rate.mean() == pytest.approx(S / (S + F), abs=0.004)


def test_unemployment_spells_are_geometric(two_state_run):
    _, _, exits, at_risk = two_state_run
    for k in range(8):                 # durations with thousands of persons at risk
        hazard = exits[k] / at_risk[k]
        se = np.sqrt(F * (1 - F) / at_risk[k])
        assert abs(hazard - F) < 4 * se, (k, hazard, at_risk[k])   # 4 standard errors, eight durations
    # pooled over all durations the exit probability is f, i.e. mean completed spell 1/f = 5 months
    pooled = exits.sum() / at_risk.sum()
    assert pooled == pytest.approx(F, abs=4 * np.sqrt(F * (1 - F) / at_risk.sum()))
