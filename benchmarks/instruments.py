"""Throughput of the full Liupanshui package against the engine-only (UI-only) scenario: 1M persons ×
60 months on all threads, medians of 5 runs measured in the same process.

    python benchmarks/instruments.py
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sim  # noqa: E402
from sim.engine import simulate  # noqa: E402
from sim.population.arrays import PERSON_DTYPE  # noqa: E402

SCENARIOS = {"engine-only (UI only)": "tests/fixtures/liupanshui-ui-only.toml",
             "full Liupanshui (46 instruments)": "scenarios/liupanshui-2023.toml"}

if __name__ == "__main__":
    rates = {}
    for name, path in SCENARIOS.items():
        scenario = sim.load_scenario(path, persons=1_000_000, months=60)
        simulate(sim.load_scenario(path, persons=2000, months=2))          # compile outside the timing
        median = statistics.median(simulate(scenario).timings["months_seconds"] for _ in range(5))
        rates[name] = 60e6 / median / 1e6
        print(f"{name}: median {median:.2f} s → {rates[name]:.1f} M person-months/s", flush=True)
    engine, full = rates.values()
    print(f"ratio full / engine-only = {full / engine:.2f}; persistent bytes per person = {PERSON_DTYPE.itemsize}")
