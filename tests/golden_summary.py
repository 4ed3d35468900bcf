"""Golden summaries of small seeded runs: what `tests/update_golden.py` writes and `tests/test_golden.py`
compares (exact integers: sample fen and sample persons). Runs are warm-started as every run is
(sim.warmup: the records hold the reported months).

- `golden_summary`: the UI-only fixture scenario (tests/golden/small_run.json);
- `scenario_summaries`: every bundled scenario under scenarios/ (the five cities and the reforms) at
  `SCENARIO_RUN` persons over its own months, each with its payments by instrument, so that every
  instrument type's rule is pinned (tests/golden/scenarios.json);
- `attribution_reference`: the per-replication attribution table of the bundled Liupanshui comparison
  (base and youth-hiring reform, every paying instrument switched off in turn) at `ATTRIBUTION_RUN`, as
  CSV with every float to the last bit (tests/golden/attribution_reference.csv): the attribution's
  speed-ups must leave it identical.
"""
from __future__ import annotations

import sim
from sim.codes import CostLine, Outcome
from sim.params import load_scenario
from sim.warmup import run
from tests.conftest import ROOT, UI_ONLY as LIUPANSHUI

GOLDEN_RUN = {"persons": 5000, "months": 18, "seed": 2024}
SCENARIO_RUN = {"persons": 2000, "seed": 2024}
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
ATTRIBUTION_SCENARIOS = (ROOT / "scenarios" / "liupanshui-2023.toml", ROOT / "scenarios" / "liupanshui-2023-youth-hiring.toml")
ATTRIBUTION_RUN = {"persons": 2000, "reps": 2, "seed": 2024}


def record_summary(record) -> dict:
    """Ledger totals by cost line, the UI fund, flows and last-month stocks of one engine record."""
    totals = record.outcomes.sum(axis=0)
    last = record.outcomes[-1]
    return {
        "ledger_fen_by_line": {CostLine(k).name: int(record.ledger_fen[:, :, k].sum())
                               for k in range(record.ledger_fen.shape[2])},
        "payments_by_line": {CostLine(k).name: int(record.ledger_count[:, :, k].sum())
                             for k in range(record.ledger_count.shape[2])},
        "ui_revenue_fen": int(record.revenue_fen.sum()),
        "ui_fund_closing_fen": int(record.ui_fund_balance_fen[-1]),
        "flows_total": {o.name: int(totals[o]) for o in Outcome if not o.name.startswith("stock")},
        "stocks_last_month": {o.name: int(last[o]) for o in Outcome if o.name.startswith("stock")},
    }


def by_instrument(record) -> dict:
    """Per enabled instrument: its type, sample fen and payments in the ledger, and the real fen and
    count of awards, placement fees and firm loans (paid outside the sample ledger)."""
    return {ins.id: {"type": ins.type.name,
                     "fen": int(record.ledger_fen[:, slot].sum()), "payments": int(record.ledger_count[:, slot].sum()),
                     "direct_fen": int(record.direct_fen[:, slot].sum()),
                     "direct_count": int(record.direct_count[:, slot].sum())}
            for slot, ins in enumerate(record.instruments)}


def golden_summary() -> dict:
    return {"run": GOLDEN_RUN, **record_summary(run(load_scenario(LIUPANSHUI, **GOLDEN_RUN)))}


def scenario_summaries() -> dict:
    out = {}
    for path in SCENARIOS:
        record = run(load_scenario(path, **SCENARIO_RUN))
        out[path.stem] = {"run": SCENARIO_RUN | {"months": record.scenario.months}, **record_summary(record),
                          "instruments": by_instrument(record)}
    return out


def attribution_reference(**execution) -> str:
    comparison = sim.compare(*ATTRIBUTION_SCENARIOS, attribution=True, **ATTRIBUTION_RUN, **execution)
    return comparison.attribution_reps.to_csv(index=False, float_format="%.17g", lineterminator="\n")
