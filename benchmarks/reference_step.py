"""The core monthly step: numba kernel vs the NumPy reference, on the same inputs (DESIGN §11, §12).

    python benchmarks/reference_step.py [--persons 100000] [--months 6] [--repeats 5]

`time_reference_vs_kernel` runs the engine's own month loop (`sim.engine.simulate`) with the person pass
replaced by `tests.reference.SideBySide`: every month the kernel runs on the engine's arrays and the
reference on copies of exactly the same inputs; only the two calls are timed (copying and comparing
are not). Both outputs are compared byte for byte, so the ratio is between two passes that are known
to compute the same thing. Numbers are medians over repeats (each repeat rebuilds the same population
from the same seed, so every repeat times identical work).
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIO = ROOT / "scenarios" / "liupanshui-2023.toml"


def reference_scenario(scenario):
    """The scenario with only the instrument types the reference runs (tests.reference)."""
    from tests.reference import reference_scenario as keep_supported
    return keep_supported(scenario)


def _side_by_side_run(scenario):
    import sim.engine
    from tests.reference import SideBySide

    harness = SideBySide()
    with mock.patch.object(sim.engine, "person_month", harness):
        record = sim.engine.simulate(scenario)
    return harness, record


def time_reference_vs_kernel(persons: int, months: int, repeats: int) -> dict:
    """Median seconds of the person pass over `months` months, numba kernel vs NumPy reference.

    Returns a dict with the sizes, the thread count, the median total seconds of each side, their
    throughputs in person-months per second, `speedup` (reference ÷ kernel, from the medians),
    `speedup_per_month_median` (median over months and repeats of the per-month ratio) and
    `identical` (True if the two agreed byte for byte in every month of every repeat).
    """
    import numba

    import sim

    _side_by_side_run(reference_scenario(sim.load_scenario(SCENARIO, persons=2000, months=2)))     # compile / load the cache
    scenario = reference_scenario(sim.load_scenario(SCENARIO, persons=persons, months=months))
    kernel, reference, ratios, identical, records = [], [], [], True, 0
    for _ in range(repeats):
        harness, record = _side_by_side_run(scenario)
        records = len(record.population.persons)
        kernel.append(sum(harness.kernel_seconds))
        reference.append(sum(harness.reference_seconds))
        ratios += [r / k for k, r in zip(harness.kernel_seconds, harness.reference_seconds) if k > 0]
        identical = identical and harness.identical
    k, r = statistics.median(kernel), statistics.median(reference)
    person_months = records * months
    from sim import engine
    return {
        "persons": persons, "records_incl_school_leavers": records, "months": months, "repeats": repeats,
        "threads": numba.get_num_threads(), "chunks": engine.N_CHUNKS,
        "kernel_seconds_median": round(k, 4), "reference_seconds_median": round(r, 4),
        "kernel_person_months_per_second": round(person_months / k) if k > 0 else None,
        "reference_person_months_per_second": round(person_months / r) if r > 0 else None,
        "speedup": round(r / k, 2) if k > 0 else None,
        "speedup_per_month_median": round(statistics.median(ratios), 2) if ratios else None,
        "identical": identical,
        "what": "person pass only (sim.kernels.persons.person_month vs tests.reference.person_month_reference), "
                "same inputs every month inside sim.engine.simulate; medians over repeats",
    }


def main() -> None:
    import argparse
    import json
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(time_reference_vs_kernel(args.persons, args.months, args.repeats), indent=1))


if __name__ == "__main__":
    main()
