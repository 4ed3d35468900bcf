"""A small seeded run must reproduce its golden summary exactly (regenerate: tests/update_golden.py)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.golden_summary import golden_summary


def test_small_run_matches_golden_summary():
    golden = json.loads((Path(__file__).parent / "golden" / "small_run.json").read_text(encoding="utf-8"))
    assert golden_summary() == golden
