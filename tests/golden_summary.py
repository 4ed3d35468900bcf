"""The golden summary of a small seeded run, warm-started as every run is (sim.warmup): what
`tests/update_golden.py` writes and `tests/test_golden.py` compares (exact integers: sample fen and
sample persons)."""
from __future__ import annotations

from sim.codes import CostLine, Outcome
from sim.params import load_scenario
from sim.warmup import run
from tests.conftest import UI_ONLY as LIUPANSHUI

GOLDEN_RUN = {"persons": 5000, "months": 18, "seed": 2024}


def golden_summary() -> dict:
    scenario = load_scenario(LIUPANSHUI, **GOLDEN_RUN)
    record = run(scenario)
    totals = record.outcomes.sum(axis=0)
    last = record.outcomes[-1]
    return {
        "run": GOLDEN_RUN,
        "ledger_fen_by_line": {CostLine(k).name: int(record.ledger_fen[:, :, k].sum())
                               for k in range(record.ledger_fen.shape[2])},
        "payments_by_line": {CostLine(k).name: int(record.ledger_count[:, :, k].sum())
                             for k in range(record.ledger_count.shape[2])},
        "ui_revenue_fen": int(record.revenue_fen.sum()),
        "ui_fund_closing_fen": int(record.ui_fund_balance_fen[-1]),
        "flows_total": {o.name: int(totals[o]) for o in Outcome if not o.name.startswith("stock")},
        "stocks_last_month": {o.name: int(last[o]) for o in Outcome if o.name.startswith("stock")},
    }
