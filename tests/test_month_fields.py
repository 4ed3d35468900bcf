"""The instrument table rewrites an instrument's month-record fields only in the months its inputs change
(`InstrumentTable.plan`, issue 14): the record it leaves must equal, byte for byte and month by month, a
record on which every instrument is rewritten every month."""
from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.instruments.table import changes
from sim.packing import pack
from sim.population.synthetic import synthesize
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_fields_rewritten_on_change_equal_a_rewrite_every_month(path):
    scenario = sim.load_scenario(path, persons=300)
    population = synthesize(scenario.profile, scenario.behaviour, persons=scenario.persons, start=scenario.start,
                            months=scenario.months, seed=scenario.seed)
    on_change, every_month = pack(scenario, population, 0), pack(scenario, population, 0)
    rewritten = 0
    for t in range(scenario.months):
        on_change.table.fill_month(on_change.month[0], t, on_change.inputs.lpr[t])
        every_month.table.last_filled = -2                  # as in a run's first month: every instrument
        every_month.table.fill_month(every_month.month[0], t, every_month.inputs.lpr[t])
        assert on_change.month.tobytes() == every_month.month.tobytes(), f"month {t}"
        rewritten += len(on_change.table.refill[t]) if t else 0
    slots = len(on_change.table.slots)
    # the point of it: after the first month most instruments are not rewritten
    assert rewritten < slots * (scenario.months - 1), (rewritten, slots)


def test_a_by_month_parameter_change_is_found_at_any_depth():
    flat, nested = np.zeros(4), {"a": [np.arange(4.0), {"b": np.ones((4, 2))}], "c": np.zeros(3), "d": 1.0}
    assert [len(a) for a in changes(flat, 4)] == [4]
    assert sorted(a.ndim for a in changes(nested, 4)) == [1, 2]             # not the 3-month array
