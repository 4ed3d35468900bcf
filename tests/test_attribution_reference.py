"""The attribution table of a comparison is pinned to the last bit (tests/golden/attribution_reference.csv):
the attribution's speed-ups (shared packing, counterfactuals resumed from the factual) must not change it.
Regenerate with tests/update_golden.py only when a change is meant to alter results."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_summary import attribution_reference

REFERENCE = Path(__file__).parent / "golden" / "attribution_reference.csv"


@pytest.mark.slow
def test_attribution_table_is_identical_to_the_reference_run():
    assert attribution_reference() == REFERENCE.read_text(encoding="utf-8")


@pytest.mark.slow
def test_attribution_on_two_worker_processes_is_the_reference_run(tmp_path):
    """The counterfactuals as tasks of their own (one per scenario and replication) on two workers, which
    load the replication's starting state from the task store, give the same table to the last bit."""
    assert attribution_reference(executor="processes", workers=2, store=tmp_path) == REFERENCE.read_text(encoding="utf-8")
