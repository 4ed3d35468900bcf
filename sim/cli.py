"""Command line: `subsim run | validate`. Thin: parses arguments, calls the public API, prints.

Exit codes: 0 success, 2 invalid input (every problem listed, no traceback), 1 internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from sim.params import ScenarioError
    try:
        return args.handler(args)
    except ScenarioError as error:
        _print_problems(error.problems)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:                    # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except Exception:                          # a bug, not a user mistake: say so, with the trace
        print("subsim: internal error — please report it with the trace below", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="subsim", description="Cost and labour-market effect of employment "
                                                                "subsidies: a monthly microsimulation.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write its results folder")
    run.add_argument("scenario", type=Path)
    run.add_argument("--persons", type=int, help="simulated persons (default: the scenario's [run] persons)")
    run.add_argument("--months", type=int, help="months to simulate (default: the scenario's months)")
    run.add_argument("--seed", type=int, help="random seed (0 is a valid seed)")
    run.add_argument("--reps", type=int, help="replications (default 1)")
    run.add_argument("--out", type=Path, help="results folder (default: results/<scenario name>/)")
    run.add_argument("--population", type=Path, metavar="FILE",
                     help="start from a person register (CSV or Parquet; docs/register.md) instead of the "
                          "synthetic population")
    run.add_argument("--firms", type=Path, metavar="FILE",
                     help="firms file linked to the register by 单位编号/firm_id (default: synthesised)")
    run.add_argument("--drop-invalid", action="store_true",
                     help="drop invalid register rows (counted in manifest.json) instead of exiting with 2")
    run.set_defaults(handler=_run)
    validate = sub.add_parser("validate", help="check scenario files; exit 0 if valid, 2 otherwise")
    validate.add_argument("scenarios", type=Path, nargs="+")
    validate.set_defaults(handler=_validate)
    catalogue = sub.add_parser("instruments", help="print the instrument types with their parameters")
    catalogue.add_argument("type", nargs="?", help="only this type")
    catalogue.set_defaults(handler=_instruments)
    return parser


def _instruments(args) -> int:
    """The type catalogue (DESIGN §6): each type's parameters with unit, default and meaning."""
    from sim.report.catalogue import catalogue_text
    text = catalogue_text(args.type)
    if text is None:
        from sim.params.scenario_schema import TYPE_NAMES
        print(f"subsim: unknown instrument type {args.type!r}; types: {', '.join(TYPE_NAMES)}", file=sys.stderr)
        return EXIT_INPUT
    print(text)
    return 0


def _validate(args) -> int:
    from sim.params import validate_files
    bad = 0
    for path in args.scenarios:
        problems = validate_files([path])
        if problems:
            bad += 1
            _print_problems(problems)
        else:
            print(f"{path}: valid")
    return EXIT_INPUT if bad else EXIT_OK


def _run(args) -> int:
    import sim
    from sim.params.errors import NO_VALUE, Problem, ScenarioError
    from sim.report.summary import summary_rows

    if args.population is None and (args.firms is not None or args.drop_invalid):
        option = "--firms" if args.firms is not None else "--drop-invalid"
        raise ScenarioError([Problem("command line", option, NO_VALUE, "needs --population FILE")])
    if args.population is not None and args.persons is not None:
        raise ScenarioError([Problem("command line", "--persons", args.persons, "cannot be combined with "
                                     "--population: the register's accepted rows are the persons")])
    scenario = sim.load_scenario(args.scenario, persons=args.persons, months=args.months, seed=args.seed,
                                 reps=args.reps)
    out = args.out or Path("results") / scenario.name
    _check_writable(out)                       # before hours of simulation, not after
    with _progress(scenario.months * scenario.reps) as advance:
        results = sim.run(scenario, progress=advance, population=args.population, firms=args.firms,
                          drop_invalid=args.drop_invalid)
    for notice in results.notices:
        print(f"subsim: {notice}", file=sys.stderr)
    results.save(out)
    _print_summary(summary_rows(results), out)
    return EXIT_OK


def _check_writable(out: Path) -> None:
    """The results folder must be a folder we can write (it is created if missing)."""
    from sim.params import Problem, ScenarioError
    problem = None
    if out.exists() and not out.is_dir():
        problem = "exists and is not a folder"
    else:
        existing = next((p for p in [out, *out.parents] if p.exists()), Path("."))
        if not os.access(existing, os.W_OK | os.X_OK):
            problem = f"cannot be written ({existing} is not writable)"
    if problem:
        raise ScenarioError([Problem("command line", "--out", str(out), f"the results folder {problem}")])


def _print_problems(problems) -> None:
    print(f"subsim: {len(problems)} problem{'s' if len(problems) != 1 else ''} found:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


class _progress:
    """A progress bar on a terminal (rich), nothing otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed}/{task.total} "
                                                                                  "months"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("run", total=self.total)
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _print_summary(rows: list[tuple[str, str]], out: Path) -> None:
    """The end-of-run table (rich measures the width of Chinese characters correctly)."""
    from rich.console import Console
    from rich.table import Table
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(justify="left", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for label, value in rows:
        table.add_row(label, value)
    console = Console(width=None if sys.stdout.isatty() else 120)   # no wrapping in logs and pipes
    console.print()
    console.print(table)
    console.print(f"\nresults written to {out}/")


if __name__ == "__main__":
    sys.exit(main())
