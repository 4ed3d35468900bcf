"""Small seeded runs must reproduce their golden summaries exactly (regenerate: tests/update_golden.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.codes import InstrumentType
from tests.golden_summary import SCENARIOS, golden_summary, scenario_summaries

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_small_run_matches_golden_summary():
    assert golden_summary() == _golden("small_run.json")


@pytest.mark.slow
def test_every_bundled_scenario_matches_its_golden_summary():
    golden = _golden("scenarios.json")
    assert sorted(golden) == sorted(p.stem for p in SCENARIOS), "a bundled scenario was added or removed: update_golden.py"
    summaries = scenario_summaries()
    for name, summary in summaries.items():
        assert summary == golden[name], name


def test_the_scenario_golden_pays_every_instrument_type():
    """The golden summaries pin every type's rule: each type pays someone in some bundled scenario."""
    paid = {ins["type"] for summary in _golden("scenarios.json").values() for ins in summary["instruments"].values()
            if ins["payments"] or ins["direct_count"]}
    assert paid == {t.name for t in InstrumentType}, sorted({t.name for t in InstrumentType} - paid)
