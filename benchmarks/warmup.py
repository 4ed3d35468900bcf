"""Warm start (issue 12 done-means 1): continuing monthly subsidies start at their caseload.

    python benchmarks/warmup.py [--persons N]

For the five bundled baselines at their default size and seed: every instrument of the types
hiring_si_subsidy, flexible_si_subsidy, public_job and ui_benefit paid in the first and last reported
month, with the mean monthly cost of the first and last 3 months and their ratio (within 0.6–1.67 is
the target; `OUT` marks the others), the warm-up length and what building the warmed state took.
The same table on a commit before the warm start (no `warmup` entry in the manifest) shows the cold
start. tests/test_warmup.py asserts it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402

TYPES = ("hiring_si_subsidy", "flexible_si_subsidy", "public_job", "ui_benefit")
BASELINES = ("jixi-2018", "changzhou-2024", "jiulongpo-2020", "dalian-2020", "liupanshui-2023")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=None, help="default: each scenario's own")
    args = parser.parse_args()
    for city in BASELINES:
        started = time.perf_counter()
        res = sim.run(ROOT / "scenarios" / f"{city}.toml", persons=args.persons)
        seconds = time.perf_counter() - started
        labels = sorted(res.outcomes["month"].unique())
        paid = res.costs[res.costs["type"].isin(TYPES)]
        table = (paid.groupby(["instrument", "type", "month"])["amount_yuan"].sum().unstack(fill_value=0.0)
                 .reindex(columns=labels, fill_value=0.0))
        warm = res.manifest.get("warmup", {})
        print(f"## {city}: {seconds:.1f} s, warm-up {warm.get('months', 0)} months "
              f"(building it {res.manifest['timings_seconds'].get('warmup_seconds', 0)} s)")
        for (iid, kind), row in table.iterrows():
            v = row.to_numpy()
            if v[0] > 0 and v[-1] > 0:
                ratio = v[-3:].mean() / v[:3].mean()
                flag = "" if 0.6 <= ratio <= 1.67 else "  OUT"
                print(f"  {iid:22s} {kind:20s} first 3 {v[:3].mean() / 1e4:9.1f}万  last 3 {v[-3:].mean() / 1e4:9.1f}万"
                      f"  ratio {ratio:5.2f}{flag}")
            else:
                print(f"  {iid:22s} {kind:20s} not paid in the first and the last month")


if __name__ == "__main__":
    main()
