"""The tables of docs/validation.md, from the saved check tables and fresh runs of the five baselines.

    python tools/validation_tables.py > /tmp/tables.md

§1: every baseline check, before (benchmarks/results/baselines-before-main-3a22f82.csv) and now
(benchmarks/results/baselines.csv, written by benchmarks/baselines.py). §2: per city, every target of
calibration/<city>/targets.toml (published figures with their tolerance) against the baseline run at its
default size and seed. Paste the output into docs/validation.md in place of the old tables.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.targets import compare_targets, load_targets  # noqa: E402

BASELINES = {"jixi": "jixi-2018", "changzhou": "changzhou-2024", "jiulongpo": "jiulongpo-2020",
             "dalian": "dalian-2020", "liupanshui": "liupanshui-2023"}
BEFORE = ROOT / "benchmarks" / "results" / "baselines-before-main-3a22f82.csv"
NOW = ROOT / "benchmarks" / "results" / "baselines.csv"


def number(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def checks_table() -> str:
    keys = ["city", "check", "year", "nth"]        # nth: a check read against two targets (ceiling, level)
    before, now = (table.assign(nth=table.groupby(keys[:3], dropna=False).cumcount())
                   for table in (pd.read_csv(BEFORE), pd.read_csv(NOW)))
    before = before.set_index(keys)
    lines = ["| city | check | year | before (main 3a22f82) | now | range | passes now |", "|---|---|---|---|---|---|---|"]
    for row in now.itertuples(index=False):
        key = (row.city, row.check, row.year, row.nth)
        old = before.loc[key] if key in before.index else None
        old_text = "—" if old is None else number(float(old["value"])) + ("" if bool(old["passed"]) else " ✗")
        year = "" if pd.isna(row.year) else int(row.year)
        lines.append(f"| {row.city} | {row.check} | {year} | {old_text} | {number(row.value)}"
                     f"{'' if row.passed else ' ✗'} | {number(row.low)}–{number(row.high)} | "
                     f"{'yes' if row.passed else 'no'} |")
    passed = int(now["passed"].sum())
    old_passed = int(pd.read_csv(BEFORE)["passed"].sum())
    lines.append("")
    lines.append(f"Now {passed} of {len(now)} checks pass (before: {old_passed} of {len(before)}).")
    return "\n".join(lines)


def city_tables() -> str:
    out = []
    for city, scenario in BASELINES.items():
        fit = compare_targets(sim.run(ROOT / "scenarios" / f"{scenario}.toml"), load_targets(city))
        out += [f"#### {city}", "", "| figure | published | model | gap | met |", "|---|---|---|---|---|"]
        for row in fit.itertuples(index=False):
            bound = f"≤ +{row.tolerance:.0%}" if row.relation == "at_most" else f"±{row.tolerance:.0%}"
            gap = "—" if not math.isfinite(row.gap) else f"{row.gap:+.0%}"
            where = f", {row.district}" if isinstance(row.district, str) and row.district else ""
            out.append(f"| {row.name_zh} (`{row.metric}`{where}) | {number(row.value)} ({bound}) | "
                       f"{number(row.simulated)} | {gap} | {'yes' if row.met else 'no'} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(checks_table())
    print()
    print(city_tables())
