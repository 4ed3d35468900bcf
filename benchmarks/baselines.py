"""Baseline checks of the five bundled baselines (issue 12 "done means" 1–6; sim/backtest.py).

    python benchmarks/baselines.py                      # run the five baselines at their default size and seed
    python benchmarks/baselines.py --saved DIR          # read saved results folders DIR/<scenario> instead
    python benchmarks/baselines.py --csv out.csv        # where to write the table (default below)

Prints one row per check, city and complete year (value, allowed range, pass) and writes it as CSV.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.backtest import baseline_checks  # noqa: E402
from sim.results import Results  # noqa: E402

BASELINES = ("jixi-2018", "changzhou-2024", "jiulongpo-2020", "dalian-2020", "liupanshui-2023")
DEFAULT_CSV = ROOT / "benchmarks" / "results" / "baselines.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saved", type=Path, help="folder of saved results folders, one per baseline")
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args()
    tables = []
    for name in BASELINES:
        started = time.perf_counter()
        results = Results.load(args.saved / name) if args.saved else sim.run(ROOT / "scenarios" / f"{name}.toml")
        tables.append(baseline_checks(results))
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    table = pd.concat(tables, ignore_index=True)
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.csv, index=False, lineterminator="\n")
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 60):
        print(table.drop(columns=["check_zh"]).to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    print(f"\n{int(table['passed'].sum())} of {len(table)} checks pass; table written to {args.csv}")


if __name__ == "__main__":
    main()
