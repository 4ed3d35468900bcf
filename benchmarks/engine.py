"""Engine benchmarks (DESIGN §12): throughput, memory, start-up and scaling.

    python benchmarks/engine.py throughput [--persons 1000000] [--months 60] [--repeats 5]
    python benchmarks/engine.py threads    # the same on 1 and 2 threads, in one run
    python benchmarks/engine.py machine    # speed-up of a trivially parallel kernel: this machine's ceiling
    python benchmarks/engine.py startup
    python benchmarks/engine.py scaling [--sizes 10000 100000 1000000 10000000] [--months 12]
    python benchmarks/engine.py memory [--persons 10000000] [--months 12]
    python benchmarks/engine.py reference [--persons 100000] [--months 6] [--repeats 5]
    python benchmarks/engine.py all        # everything above, JSON to benchmarks/results/<date>.json

Numbers are medians over repeats; ratios are measured in the same process run. Timings are of
the month loop (population built beforehand) unless a field says otherwise. Run on an otherwise idle
machine: these are benchmarks, not tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCENARIO = ROOT / "scenarios" / "liupanshui-2023.toml"


def machine_parallelism(repeats: int = 5) -> dict:
    """Speed-up of an embarrassingly parallel kernel (counter-based draws) from 1 to 2 threads: the
    ceiling for any parallel code on this machine, measured in the same run as the engine."""
    import numba
    import numpy as np
    from numba import njit, prange

    from sim.rng import uniform

    @njit(parallel=True)
    def draws(n, out):
        for c in prange(out.shape[0]):
            total = 0.0
            for i in range(c * n, (c + 1) * n):
                total += uniform(np.uint64(12345), i, 3)
            out[c] = total

    out = np.zeros(16)
    draws(100, out)
    seconds = {}
    for threads in (1, 2):
        numba.set_num_threads(threads)
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            draws(2_000_000, out)
            runs.append(time.perf_counter() - started)
        seconds[threads] = statistics.median(runs)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return {"seconds_1_thread": round(seconds[1], 3), "seconds_2_threads": round(seconds[2], 3),
            "speedup_2_threads": round(seconds[1] / seconds[2], 2)}


def throughput_by_threads(persons: int = 1_000_000, months: int = 60, repeats: int = 5) -> dict:
    """The engine on 1 and on 2 threads, in the same process run."""
    import numba
    result = {}
    for threads in (1, 2):
        numba.set_num_threads(threads)
        result[f"{threads}_thread{'s' if threads > 1 else ''}"] = throughput(persons, months, repeats)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    one, two = (result[k]["month_loop_seconds_median"] for k in ("1_thread", "2_threads"))
    result["speedup_2_threads"] = round(one / two, 2)
    return result


def throughput(persons: int = 1_000_000, months: int = 60, repeats: int = 5) -> dict:
    import sim
    from sim.engine import simulate
    scenario = sim.load_scenario(SCENARIO, persons=persons, months=months)
    simulate(sim.load_scenario(SCENARIO, persons=2000, months=2))          # compile / load cache first
    loops, totals = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        record = simulate(scenario)
        totals.append(time.perf_counter() - started)
        loops.append(record.timings["months_seconds"])
    records = len(record.population.persons)
    loop = statistics.median(loops)
    import numba
    return {
        "persons": persons, "records_incl_school_leavers": records, "months": months,
        "threads": numba.get_num_threads(), "repeats": repeats,
        "month_loop_seconds_median": round(loop, 3), "total_seconds_median": round(statistics.median(totals), 3),
        "person_months_per_second": round(records * months / loop),
        "person_months_per_second_incl_build": round(records * months / statistics.median(totals)),
        "bytes_per_person_persistent": round((record.population.persons.nbytes() + record.population.firms.nbytes())
                                             / records, 1),
    }


def _child(code: str, env: dict | None = None) -> tuple[float, int]:
    """Run python code in a fresh process; return wall seconds and its peak resident memory (KiB)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return time.perf_counter() - started, int(proc.stdout.strip().splitlines()[-1])


_RUN_SMALL = ("import resource, sim; sim.run(r'{scenario}', persons=2000, months=3); "
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def startup(repeats: int = 3) -> dict:
    """Cold start: a new process with an empty numba cache (compilation included), median of `repeats`;
    warm start: a new process reusing the cache just written, median of 5."""
    code = _RUN_SMALL.format(scenario=SCENARIO)
    colds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            colds.append(_child(code, env)[0])
            if len(colds) == repeats:
                warm = statistics.median(_child(code, env)[0] for _ in range(5))
    return {"cold_start_seconds_median": round(statistics.median(colds), 2),
            "cold_start_seconds": [round(c, 2) for c in colds], "warm_start_seconds_median": round(warm, 2),
            "what": "new process: import, load scenario, build 2,000 persons, run 3 months, tables"}


def memory(persons: int = 10_000_000, months: int = 12) -> dict:
    code = (f"import resource, sim; from sim.engine import simulate; "
            f"simulate(sim.load_scenario(r'{SCENARIO}', persons={persons}, months={months})); "
            f"print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    seconds, peak_kib = _child(code)
    return {"persons": persons, "months": months, "peak_rss_mib": round(peak_kib / 1024), "seconds": round(seconds, 1)}


def scaling(sizes=(10_000, 100_000, 1_000_000, 10_000_000), months: int = 12, repeats: int = 3) -> list[dict]:
    return [throughput(n, months, repeats if n < 5_000_000 else 1) for n in sizes]


def reference(persons: int = 100_000, months: int = 6, repeats: int = 5) -> dict:
    from benchmarks.reference_step import time_reference_vs_kernel
    return time_reference_vs_kernel(persons, months, repeats)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["throughput", "threads", "machine", "startup", "scaling", "memory", "reference",
                                         "all"])
    parser.add_argument("--persons", type=int)
    parser.add_argument("--months", type=int)
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--sizes", type=int, nargs="+")
    args = parser.parse_args()
    kw = {k: v for k, v in (("persons", args.persons), ("months", args.months), ("repeats", args.repeats))
          if v is not None}
    if args.what == "all":
        result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "parallelism": machine_parallelism()},
                  "throughput": throughput_by_threads(), "startup": startup(), "reference": reference(),
                  "scaling": scaling(), "memory": memory()}
        out = ROOT / "benchmarks" / "results" / f"{date.today().isoformat()}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    elif args.what == "scaling":
        result = scaling(tuple(args.sizes) if args.sizes else (10_000, 100_000, 1_000_000, 10_000_000),
                         args.months or 12)
    else:
        result = {"throughput": throughput, "threads": throughput_by_threads, "machine": machine_parallelism,
                  "startup": startup, "memory": memory, "reference": reference}[args.what](**kw)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
