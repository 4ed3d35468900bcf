"""Cost of one person pass (`sim.kernels.persons.person_month`) by population size and thread count,
split into what does not shrink with the population.

    python benchmarks/person_pass.py [--persons 2000 20000 100000 1000000] [--calls 200] [--threads 1 2]

For each size the full Liupanshui scenario's warm-up runs (sim.warmup, as a comparison or the attribution
starts: the records include the school leavers of the whole timeline) and the engine's arguments of its
last month's call are kept (a warm population: firms, vacancies, the month record and the instrument
table as the engine packs them). That call is then repeated on a fresh copy of the persons each time
(copied and accumulators zeroed outside the timing) and timed with `time.perf_counter`:

- "call": through the dispatcher, as the engine calls it (median ms per call, M person-months/s);
- "entry": the same compiled code called through its compiled entry point (`overloads[sig].entry_point`),
  which skips the dispatcher's typing of the arguments: call − entry is the dispatcher's cost;
- "CPU": CPU seconds of the process during the call (all threads, spinning included), median: on one
  thread, the figure least affected by other processes on a shared machine;
- "empty": a parallel kernel taking the same arguments that loops over the 16 chunks doing nothing
  (dispatch, unboxing and the thread launch of a parallel region).

Threads are set in-process (`numba.set_num_threads`) for each size, both counts measured alternately.
Run on a quiet machine: this is a benchmark, not a test. Prints a markdown table.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

import sim  # noqa: E402
import sim.engine  # noqa: E402
from sim.kernels.persons import person_month  # noqa: E402
from sim.warmup import starting_state, warmup_months  # noqa: E402

SCENARIO = ROOT / "scenarios" / "liupanshui-2023.toml"


@njit(parallel=True)
def empty_pass(MR, P, F, order, district_start, cum_vacancies, CA, FA):
    """The person pass's arguments and chunk loop without the work: the fixed cost of a parallel call."""
    n_chunks = CA.shape[0]
    for c in prange(n_chunks):
        CA[c].public_job_mass += 0


def captured_arguments(persons: int) -> tuple:
    """The engine's arguments of the person pass in the warm-up's last month, copied at the call."""
    scenario = sim.load_scenario(SCENARIO, persons=persons)
    last = warmup_months(scenario) - 1
    kept = {}

    def capture(MR, P, F, order, district_start, cum_vacancies, CA, FA):
        if int(MR[0]["t"]) == last:
            kept["args"] = tuple(a.copy() for a in (MR, P, F, order, district_start, cum_vacancies, CA, FA))
        person_month(MR, P, F, order, district_start, cum_vacancies, CA, FA)

    sim.engine.person_month = capture
    try:
        starting_state(scenario)
    finally:
        sim.engine.person_month = person_month
    return kept["args"]


def time_calls(function, args: tuple, calls: int) -> list[float]:
    """Seconds of each of `function(*args)` on a fresh copy of the persons, accumulators zeroed."""
    MR, P0, F, order, district_start, cum_vacancies, CA, FA = args
    P = P0.copy()
    ca_bytes, fa_bytes = CA.view(np.uint8), FA.view(np.uint8)
    walls, cpus = [], []
    for _ in range(calls):
        np.copyto(P, P0)
        ca_bytes.fill(0)
        fa_bytes.fill(0)
        started, cpu = time.perf_counter(), time.process_time()
        function(MR, P, F, order, district_start, cum_vacancies, CA, FA)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, nargs="+", default=[2000, 20000, 100000, 1000000])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print("| persons (records) | threads | call ms, min / median | M pm/s (min) | entry ms, min / median | "
          "dispatcher ms (min) | empty parallel call ms, min / median | CPU ms (median) | M pm/CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for persons in args.persons:
        kernel_args = captured_arguments(persons)
        entry = person_month.overloads[tuple(numba.typeof(a) for a in kernel_args)].entry_point
        empty_pass(*kernel_args)
        records = len(kernel_args[1])
        calls = max(5, min(args.calls, args.calls * 20_000 // records))
        runs = {threads: {"call": [], "entry": [], "empty": [], "cpu": []} for threads in args.threads}
        for _ in range(2):                      # alternate thread counts, twice
            for threads in args.threads:
                numba.set_num_threads(threads)
                walls, cpus = time_calls(person_month, kernel_args, calls)
                runs[threads]["call"] += walls
                runs[threads]["cpu"] += cpus
                runs[threads]["entry"] += time_calls(entry, kernel_args, calls)[0]
                runs[threads]["empty"] += time_calls(empty_pass, kernel_args, calls)[0]
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        for threads in args.threads:
            # the fastest call is the one least disturbed by other processes; the median is what a shared
            # machine gives
            low = {k: min(v) * 1e3 for k, v in runs[threads].items()}
            mid = {k: statistics.median(v) * 1e3 for k, v in runs[threads].items()}
            print(f"| {persons:,} ({records:,}) | {threads} | {low['call']:.3f} / {mid['call']:.3f} | "
                  f"{records / low['call'] / 1e3:.1f} | {low['entry']:.3f} / {mid['entry']:.3f} | "
                  f"{low['call'] - low['entry']:.3f} | {low['empty']:.3f} / {mid['empty']:.3f} | {mid['cpu']:.3f} | "
                  f"{records / mid['cpu'] / 1e3:.1f} |", flush=True)


if __name__ == "__main__":
    main()
