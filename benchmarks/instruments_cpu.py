"""CPU seconds of `simulate` for the two scenarios of benchmarks/instruments.py (engine-only, full
Liupanshui), 200k persons × 60 months, medians of 3, for the code of a given checkout.

On a shared machine CPU seconds move far less than wall-clock rates: to compare two commits, check
both out and alternate processes (one thread, so the load of other processes matters least):

    for i in 1 2; do
        NUMBA_NUM_THREADS=1 python benchmarks/instruments_cpu.py ../before
        NUMBA_NUM_THREADS=1 python benchmarks/instruments_cpu.py ../after
    done
"""
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

import sim  # noqa: E402
from sim.engine import simulate  # noqa: E402

SCENARIOS = {"engine-only": "tests/fixtures/liupanshui-ui-only.toml", "full": "scenarios/liupanshui-2023.toml"}
PERSONS, MONTHS, REPEATS = 200_000, 60, 3

if __name__ == "__main__":
    out = {"code": str(ROOT)}
    for name, path in SCENARIOS.items():
        simulate(sim.load_scenario(path, persons=2000, months=2))           # compile outside the timing
        scenario = sim.load_scenario(path, persons=PERSONS, months=MONTHS)
        runs = []
        for _ in range(REPEATS):
            started = time.process_time()
            simulate(scenario)
            runs.append(time.process_time() - started)
        out[name + "_cpu_seconds"] = round(statistics.median(runs), 3)
    print(json.dumps(out))
