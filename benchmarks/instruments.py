"""Throughput of the full Liupanshui package against the engine-only (UI-only) scenario: 1M persons ×
60 months on all threads, medians of 5 runs measured in the same process.

The runs of the two scenarios alternate (engine-only, full, engine-only, full …), so that a change in
the load of a shared machine during the benchmark affects both alike: the ratio is the number to
compare between measurements, the rates are those of the day's machine.

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
PERSONS, MONTHS, REPEATS = 1_000_000, 60, 5

if __name__ == "__main__":
    scenarios = {}
    for name, path in SCENARIOS.items():
        simulate(sim.load_scenario(path, persons=2000, months=2))          # compile outside the timing
        scenarios[name] = sim.load_scenario(path, persons=PERSONS, months=MONTHS)
    seconds = {name: [] for name in SCENARIOS}
    for _ in range(REPEATS):
        for name, scenario in scenarios.items():
            seconds[name].append(simulate(scenario).timings["months_seconds"])
    rates = {}
    for name, runs in seconds.items():
        median = statistics.median(runs)
        rates[name] = PERSONS * MONTHS / median / 1e6
        print(f"{name}: median {median:.2f} s → {rates[name]:.1f} M person-months/s "
              f"(runs {', '.join(f'{s:.2f}' for s in runs)})", flush=True)
    engine, full = rates.values()
    print(f"ratio full / engine-only = {full / engine:.2f}; persistent bytes per person = {PERSON_DTYPE.itemsize}")
