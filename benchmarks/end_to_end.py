"""What the analyst waits for (issue 14): whole commands, split into start, build, warm-up, loop and the rest.

    python benchmarks/end_to_end.py [--repeats 3] [--quick] [--only TASK ...]

Each task runs as its own process, as an analyst runs it (`subsim …`), `--repeats` times; the table gives
medians of wall-clock seconds and of CPU seconds (user + system of the process and its children; CPU
seconds move less than wall-clock ones on a shared machine). The split comes from the run's manifest
(`timings_seconds`: build, warm-up, month loop, the whole `sim.run`); "start" is a separate process that
only imports the command line (`python -c "import sim.cli"`), and "outside" is everything of the wall
time that is neither start nor build, warm-up or loop (loading the scenario, ledger, outcomes, writing
the tables, report and workbook). The goals of issue 14 are printed beside the results; ratios are
between numbers measured in this one run. JSON in benchmarks/results/end_to_end-<date>.json.

`--quick` runs every task at a tenth of its size (to check the script, not to measure). `--only` runs the
named tasks (city, city-report, 50k, 1M, attribution, attribution-serial; repeatable); goals whose tasks did not run are left out.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/liupanshui-2023.toml"
REFORM = "scenarios/liupanshui-2023-youth-hiring.toml"
CITY = 1_530_000          # Liupanshui's working-age population (calibration/liupanshui/profile.toml)


def _subsim(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", *args]


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one process (its children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(rows: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in rows), 3)


def run_task(name: str, args: list[str], repeats: int) -> dict:
    """Repeat one `subsim` command; the split from each run's manifest."""
    rows = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            wall, cpu = _timed(_subsim(*args, "--out", out))
            manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
        t = manifest.get("timings_seconds", {})
        months = manifest["months"] * manifest.get("replications", 1)
        rows.append({"wall": wall, "cpu": cpu, "build": t.get("build_seconds", 0.0),
                     "warmup": t.get("warmup_seconds", 0.0), "loop": t.get("months_seconds", 0.0),
                     "person_months": manifest.get("persons_including_school_leavers", 0) * months})
    out = {k: _median(rows, k) for k in ("wall", "cpu", "build", "warmup", "loop")}
    out["person_months"] = rows[0]["person_months"]
    out["runs"] = rows
    return {"task": name, "command": "subsim " + " ".join(args), **out}


def run_compare(name: str, args: list[str], repeats: int) -> dict:
    rows = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            wall, cpu = _timed(_subsim(*args, "--out", out))
        rows.append({"wall": wall, "cpu": cpu})
    return {"task": name, "command": "subsim " + " ".join(args), "wall": _median(rows, "wall"),
            "cpu": _median(rows, "cpu"), "runs": rows}


def start_seconds(repeats: int) -> float:
    return round(statistics.median(_timed([sys.executable, "-c", "import sim.cli"])[0]
                                   for _ in range(repeats)), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each task (median; default 3)")
    parser.add_argument("--quick", action="store_true", help="a tenth of every size (checks the script)")
    parser.add_argument("--only", action="append",
                        choices=("city", "city-report", "50k", "1M", "attribution", "attribution-serial"),
                        help="run only this task (repeatable; default: all)")
    parser.add_argument("--attribution-repeats", type=int, default=1,
                        help="runs of the attribution comparison (median; default 1: it is long)")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    city, small, million, hundred_k = CITY // scale, 50_000 // scale, 1_000_000 // scale, 100_000 // scale

    start = start_seconds(max(args.repeats, 3))
    plan = {
        "city": lambda: run_task("city, no report", ["run", SCENARIO, "--persons", str(city), "--no-report"],
                                 args.repeats),
        "city-report": lambda: run_task("city, with report", ["run", SCENARIO, "--persons", str(city)], args.repeats),
        "50k": lambda: run_task("50k, no report", ["run", SCENARIO, "--persons", str(small), "--no-report"],
                                args.repeats),
        "1M": lambda: run_task("1M, no report", ["run", SCENARIO, "--persons", str(million), "--no-report"],
                               args.repeats),
        "attribution": lambda: run_compare("attribution, 100k, 5 reps",
                                           ["compare", SCENARIO, REFORM, "--reps", "5", "--attribution", "--persons",
                                            str(hundred_k)], args.attribution_repeats),
        # the same on one process (numba's threads inside): what the default `auto` executor gains
        "attribution-serial": lambda: run_compare("attribution, serial executor",
                                                  ["compare", SCENARIO, REFORM, "--reps", "5", "--attribution",
                                                   "--persons", str(hundred_k), "--executor", "serial"],
                                                  args.attribution_repeats),
    }
    tasks = [plan[name]() for name in (args.only or plan)]
    by = {t["task"]: t for t in tasks}
    for t in tasks:
        if "loop" in t:
            t["start"] = start
            t["outside"] = round(t["wall"] - start - t["build"] - t["warmup"] - t["loop"], 3)
            t["loop_rate_M"] = round(t["person_months"] / t["loop"] / 1e6, 2) if t["loop"] else None

    city_run, city_report = by.get("city, no report"), by.get("city, with report")
    small_run, million_run = by.get("50k, no report"), by.get("1M, no report")
    attribution = by.get("attribution, 100k, 5 reps")
    goals = [("start (import) seconds", start, "≤ 1")]
    if city_run:
        goals += [("build ÷ loop, whole city", city_run["build"] / city_run["loop"], "≤ 0.15"),
                  ("warm-up ÷ loop, whole city (built once per replication)", city_run["warmup"] / city_run["loop"],
                   "—")]
    if city_report:
        goals.append(("outside the loop ÷ loop, whole city with report", city_report["outside"] / city_report["loop"],
                      "≤ 0.30"))
    if small_run and million_run:
        goals.append(("loop rate 50k ÷ 1M", small_run["loop_rate_M"] / million_run["loop_rate_M"], "≥ 0.7"))
    if attribution:
        goals.append(("attribution, 100k × 5 reps, seconds", attribution["wall"], "≤ 30"))
    serial = by.get("attribution, serial executor")
    if attribution and serial:
        goals.append(("attribution: serial ÷ default (auto) executor, wall", serial["wall"] / attribution["wall"], "—"))
    print(f"subsim end to end, {dt.date.today()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}{' (QUICK: a tenth of every size)' if args.quick else ''}\n")
    columns = ("wall", "cpu", "start", "build", "warmup", "loop", "outside", "loop_rate_M")
    print(f"{'task':30s}" + "".join(f"{c:>12s}" for c in columns))
    for t in tasks:
        print(f"{t['task']:30s}" + "".join(f"{t[c]:12.2f}" if t.get(c) is not None else f"{'—':>12s}"
                                           for c in columns))
    print("\ngoal (issue 14)                                          measured   goal")
    for label, value, goal in goals:
        print(f"  {label:54s} {value:8.2f}   {goal}")
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(exist_ok=True)
    suffix = ("-quick" if args.quick else "") + ("-" + "-".join(args.only) if args.only else "")
    path = folder / f"end_to_end-{dt.date.today()}{suffix}.json"
    path.write_text(json.dumps({"date": str(dt.date.today()), "cpus": os.cpu_count(), "start_seconds": start,
                                "tasks": tasks, "goals": [{"goal": g, "measured": round(v, 3), "target": t}
                                                         for g, v, t in goals]},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n{path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
