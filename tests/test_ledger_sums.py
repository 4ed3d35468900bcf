"""`sim.ledger.paid_by_instrument` (what a counterfactual run of sim.attribution needs) is the cost table's
`amount_yuan` summed by instrument, to the last bit; the employment lookup of sim.attribution is `np.isin`."""
from __future__ import annotations

import numpy as np

import sim
from sim import attribution, warmup
from sim.codes import State
from sim.ledger import costs_table, paid_by_instrument
from sim.replicate import month_labels
from tests.conftest import LIUPANSHUI


def test_paid_by_instrument_is_the_cost_table_summed():
    scenario = sim.load_scenario(LIUPANSHUI, persons=2000, months=14, seed=5)
    record = warmup.run(scenario, 0)
    labels = month_labels(scenario)
    expected = costs_table(record, labels, scenario.city_share, scenario.transfer_share)
    expected = expected.groupby("instrument")["amount_yuan"].sum()
    got = paid_by_instrument(record, labels)
    assert len(got) > 5 and got.index.equals(expected.index)
    assert np.array_equal(got.to_numpy(), expected.to_numpy())        # exact, not approximately


def test_employment_lookup_is_isin():
    states = np.array([s.value for s in State] * 3, np.int8)
    assert np.array_equal(attribution._employed(states), np.isin(states, attribution.EMPLOYED_STATES))
