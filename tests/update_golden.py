"""Regenerate tests/golden/small_run.json, tests/golden/scenarios.json and tests/golden/attribution_reference.csv. Run it only when a change is
meant to alter results, and review the diff of the JSON in the commit: `python tests/update_golden.py`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.golden_summary import attribution_reference, golden_summary, scenario_summaries  # noqa: E402

if __name__ == "__main__":
    for name, summary in (("small_run.json", golden_summary), ("scenarios.json", scenario_summaries)):
        path = Path(__file__).parent / "golden" / name
        path.write_text(json.dumps(summary(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    path = Path(__file__).parent / "golden" / "attribution_reference.csv"
    path.write_text(attribution_reference(), encoding="utf-8")
    print(f"wrote {path}")
