"""Command line: `subsim run | compare | sensitivity | report | validate | calibrate | instruments | workbook | app`. Thin: parses arguments, calls
the public API, prints.

Exit codes: 0 success, 2 invalid input (every problem listed, no traceback), 1 internal error, 130 interrupted
(Ctrl-C; finished tasks are kept and the same command resumes).
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import os
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130                         # 128 + SIGINT, as a shell reports an interrupted command


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
        print(_interrupted(args), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:                    # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except Exception:                          # a bug, not a user mistake: say so, with the trace
        print("subsim: internal error — please report it with the trace below", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


def _interrupted(args) -> str:
    out = getattr(args, "claimed", None)
    if out is None:
        return "subsim: interrupted; nothing was written"
    return (f"subsim: interrupted; {out} holds no complete results; finished tasks (replications, design points) "
            f"are kept in {out / 'tasks'} and the same command resumes from them")


def _parser() -> argparse.ArgumentParser:
    from sim.version import __version__
    parser = argparse.ArgumentParser(prog="subsim", description="Cost and labour-market effect of employment "
                                                                "subsidies: a monthly microsimulation.")
    parser.add_argument("--version", action="version", version=f"subsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write its results folder")
    run.add_argument("scenario", type=Path)
    _size_options(run, seed="random seed (0 is a valid seed)", reps="replications (default 1)",
                  out="results folder (default: results/<scenario name>/)")
    run.add_argument("--population", type=Path, metavar="FILE",
                     help="start from a person register (CSV or Parquet; docs/register.md) instead of the "
                          "synthetic population")
    run.add_argument("--firms", type=Path, metavar="FILE",
                     help="firms file linked to the register by 单位编号/firm_id (default: synthesised)")
    run.add_argument("--drop-invalid", action="store_true",
                     help="drop invalid register rows (counted in manifest.json) instead of exiting with 2")
    _executor_options(run)
    _report_options(run)
    run.set_defaults(handler=_run)
    compare = sub.add_parser("compare", help="run a base scenario and reforms on common random numbers and "
                                             "write a comparison folder with differences and intervals")
    compare.add_argument("base", type=Path)
    compare.add_argument("reforms", type=Path, nargs="+", metavar="reform")
    _size_options(compare, seed="random seed shared by every scenario (default: the base's)",
                  reps="replications (paired); intervals need at least 2",
                  out="comparison folder (default: results/compare-<base>/)")
    compare.add_argument("--attribution", action="store_true",
                         help="also switch each instrument off in turn: additional jobs, deadweight, cost per job")
    compare.add_argument("--window", type=int,
                         help="months either side of a subsidised hire for deadweight (default 3)")
    _executor_options(compare)
    _report_options(compare)
    compare.set_defaults(handler=_compare)
    sens = sub.add_parser("sensitivity", help="one-at-a-time (tornado), Morris or Sobol sensitivity of metrics to "
                                              "parameter ranges; writes a sensitivity folder")
    sens.add_argument("scenario", type=Path)
    sens.add_argument("--method", default="oat", help="oat (default), morris or sobol")
    sens.add_argument("--param", action="append", default=[], metavar="KEY=LOW:HIGH",
                      help="a numeric scenario or behaviour key and its range, e.g. "
                           "instruments.SR-05.share.sme=0.3:0.9 (repeat for more)")
    sens.add_argument("--metric", action="append", default=[], metavar="NAME",
                      help="cost.total (default), cost.forgone, cost.<fund>, cost.instrument.<ID>, outcome.<metric>, "
                           "jobs.new_urban, unemployment_rate, ui_fund.cover_months, cost_per_additional_job; "
                           "add @YEAR for one calendar year, e.g. cost.total@2025 (repeat for more)")
    sens.add_argument("--n", type=int, help="Morris trajectories (default 10) or Sobol base sample, a power of 2 "
                                            "(default 64)")
    _size_options(sens, seed="random seed shared by every design point (0 is valid)",
                  reps="replications per design point (same seeds at every point)",
                  out="output folder (default: results/sensitivity-<scenario>/)")
    _executor_options(sens)
    _report_options(sens)
    sens.set_defaults(handler=_sensitivity)
    report = sub.add_parser("report", help="rebuild report.html and workbook.xlsx from a saved results or "
                                           "comparison folder, without re-running")
    report.add_argument("folder", type=Path)
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    report.set_defaults(handler=_report)
    validate = sub.add_parser("validate", help="check scenario files; exit 0 if valid, 2 otherwise")
    validate.add_argument("scenarios", type=Path, nargs="+")
    validate.set_defaults(handler=_validate)
    cal = sub.add_parser("calibrate", help="calibrate a locality's behaviour parameters to its targets")
    cal.add_argument("city", help="locality name, e.g. liupanshui (calibration/<city>/)")
    cal.add_argument("--persons", type=int, default=50_000, help="simulated persons per evaluation (default 50000)")
    cal.add_argument("--seed", type=int, help="common random-number seed (default: the scenario's)")
    cal.add_argument("--budget", type=int, default=60, help="maximum evaluations (default 60)")
    cal.add_argument("--scenario", type=Path, help="scenario to simulate (default scenarios/<city>-<year>.toml)")
    cal.add_argument("--out", type=Path, help="output folder (default results/calibration/<city>/)")
    cal.add_argument("--write", action="store_true",
                     help="also replace calibration/<city>/behaviour.toml with the calibrated file")
    cal.set_defaults(handler=_calibrate)
    book = sub.add_parser("workbook", help="write a scenario as an Excel parameter workbook, or convert a "
                                           "workbook to TOML")
    book.add_argument("source", type=Path, help="a scenario (TOML or workbook)")
    book.add_argument("--out", type=Path, metavar="FILE.xlsx", help="the workbook to write")
    book.add_argument("--toml", type=Path, metavar="OUT.toml", help="convert the workbook SOURCE to this TOML file")
    book.set_defaults(handler=_workbook)
    app = sub.add_parser("app", help="start the analyst app on 127.0.0.1 and open it in the browser")
    app.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    app.add_argument("--no-browser", action="store_true", help="do not open a browser")
    app.add_argument("--results", type=Path, default=Path("results"),
                     help="folder of saved runs (default results/)")
    app.set_defaults(handler=_app)
    catalogue = sub.add_parser("instruments", help="print the instrument types with their parameters")
    catalogue.add_argument("type", nargs="?", help="only this type")
    catalogue.set_defaults(handler=_instruments)
    groups = sub.add_parser("groups", help="print the target-group flags and the funds with their Chinese names")
    groups.set_defaults(handler=_groups)
    return parser


def _executor_options(parser) -> None:
    parser.add_argument("--executor", default="auto",
                        help="auto (default: processes when there are two replications or comparison tasks or "
                             "more and two cores, else serial), serial, processes or dask")
    parser.add_argument("--workers", type=int, help="worker processes (default: the cores available)")
    parser.add_argument("--scheduler", help="a running dask scheduler, e.g. tcp://host:8786 (with --executor dask)")


def _executor_args(args, out: Path) -> dict:
    """The executor options, checked, and the task store inside the output folder (`out/tasks`)."""
    from sim.executors import check_options
    from sim.params import ScenarioError
    problems = check_options(args.executor, args.workers, args.scheduler)
    if problems:
        raise ScenarioError(problems)
    return {"executor": args.executor, "workers": args.workers, "scheduler": args.scheduler,
            "store": out / "tasks"}


def _size_options(parser, *, seed: str, reps: str, out: str) -> None:
    """--persons, --months, --seed, --reps, --out: what every simulating command takes."""
    parser.add_argument("--persons", type=int, help="simulated persons (default: the scenario's [run] persons)")
    parser.add_argument("--months", type=int, help="months to simulate (default: the scenario's months)")
    parser.add_argument("--seed", type=int, help=seed)
    parser.add_argument("--reps", type=int, help=reps)
    parser.add_argument("--out", type=Path, help=out)


def _report_options(parser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    parser.add_argument("--no-report", action="store_true", help="write the tables only (no report.html, "
                                                                 "workbook.xlsx)")


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


def _groups(args) -> int:
    """The names an instrument's `groups`/`exclude` and `funding` take, with their Chinese names."""
    from sim.codes import FUND_NAMES_ZH, GROUP_NAMES_ZH
    _print_table([(flag.name, GROUP_NAMES_ZH[flag]) for flag in GROUP_NAMES_ZH], "target groups (an instrument's target and exclude)")
    _print_table([(fund.name, name) for fund, name in FUND_NAMES_ZH.items()], "funds (an instrument's funding)")
    return EXIT_OK


def _print_table(rows: list[tuple[str, str]], title: str) -> None:
    from rich.console import Console
    from rich.table import Table
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 120).print(table)


def _workbook(args) -> int:
    from sim.params import ScenarioError, load_scenario
    from sim.params.loader import load_document
    from sim.params.workbook import is_workbook, workbook_to_toml, write_workbook
    if (args.out is None) == (args.toml is None):
        print("subsim workbook: give exactly one of --out FILE.xlsx (write a workbook) or --toml OUT.toml "
              "(convert a workbook)", file=sys.stderr)
        return EXIT_INPUT
    if args.toml is not None:
        if not is_workbook(args.source):
            print(f"subsim workbook: {args.source}: --toml converts a workbook (.xlsx), not {args.source.suffix or 'this file'}",
                  file=sys.stderr)
            return EXIT_INPUT
        written, problems = workbook_to_toml(args.source, args.toml)
        if problems:
            raise ScenarioError(problems)
        load_scenario(written)               # the converted file must be a valid scenario, as the workbook was
        print(f"wrote {written}")
        return EXIT_OK
    if not args.out.suffix.lower() == ".xlsx":
        print(f"subsim workbook: --out {args.out}: the workbook must end in .xlsx", file=sys.stderr)
        return EXIT_INPUT
    load_scenario(args.source)               # only a valid scenario becomes a template
    document = load_document(args.source).document
    document["scenario"].pop("extends", None)   # the merged document is complete: the workbook stands alone
    write_workbook(document, args.out)
    print(f"wrote {args.out}")
    return EXIT_OK


def _app(args) -> int:
    from sim.app import serve
    serve(port=args.port, results=args.results, open_browser=not args.no_browser)
    return EXIT_OK


def _validate(args) -> int:
    from sim.params import ScenarioError, load_scenario
    from sim.targets import scenario_target_problems
    bad = 0
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
            problems = scenario_target_problems(scenario)
        except ScenarioError as error:
            problems = error.problems
        if problems:
            bad += 1
            _print_problems(problems)
        else:
            _print_notices(scenario.notices)
            print(f"{path}: valid")
    return EXIT_INPUT if bad else EXIT_OK


def _check_inputs(scenarios, no_report: bool) -> None:
    """Every file the run reads besides the scenarios (already loaded): the localities' targets, which only
    the report reads; then the scenarios' warnings."""
    from sim.params import ScenarioError
    from sim.targets import scenario_target_problems
    problems = [] if no_report else [p for scenario in scenarios for p in scenario_target_problems(scenario)]
    if problems:
        raise ScenarioError(problems)
    for scenario in scenarios:
        _print_notices(scenario.notices)


def _print_notices(notices) -> None:
    for notice in notices:
        print(f"subsim: warning: {notice}", file=sys.stderr)


def _run(args) -> int:
    import sim
    from sim.api import check_register_options
    from sim.report.summary import summary_rows

    check_register_options(args.persons, args.population, args.firms, args.drop_invalid)
    scenario = sim.load_scenario(args.scenario, persons=args.persons, months=args.months, seed=args.seed,
                                 reps=args.reps)
    _check_inputs([scenario], args.no_report)
    out = args.out or Path("results") / scenario.name
    options = _executor_args(args, out)
    with _claim(args, out):                    # checked before hours of simulation, not after
        with _progress(scenario.reps, unit="replications") as advance:
            results = sim.run(scenario, progress=advance, population=args.population, firms=args.firms,
                              drop_invalid=args.drop_invalid, **options)
        for notice in results.notices:
            print(f"subsim: {notice}", file=sys.stderr)
        _save(results, out, args)
    _print_summary(summary_rows(results), out)
    return EXIT_OK


def _save(results, out: Path, args) -> None:
    """The tables, their completion marker last, then the reports (none of the previous run's is left)."""
    from sim.results import REPORT_FILES, begin_writing
    begin_writing(out, REPORT_FILES)
    results.save(out)
    if not args.no_report:
        from sim.report.build import write_reports     # matplotlib and openpyxl: only when a report is written
        write_reports(results, out, args.lang)


def _compare(args) -> int:
    import sim
    scenarios = [sim.load_scenario(path, persons=args.persons, months=args.months, seed=args.seed, reps=args.reps)
                 for path in [args.base, *args.reforms]]
    _check_inputs(scenarios, args.no_report)
    out = args.out or Path("results") / f"compare-{scenarios[0].name}"
    if args.window is None:
        from sim.attribution import DEFAULT_WINDOW
        args.window = DEFAULT_WINDOW
    if args.window < 0:
        from sim.params import Problem, ScenarioError
        raise ScenarioError([Problem("command line", "--window", str(args.window), "a number of months ≥ 0")])
    options = _executor_args(args, out)
    with _claim(args, out):
        # with attribution, a task is one scenario's run and counterfactuals in one replication
        with _progress(scenarios[0].reps, unit="tasks" if args.attribution else "replications",
                       label="comparing") as advance:
            comparison = sim.compare(*scenarios, attribution=args.attribution, window=args.window,
                                     progress=advance, **options)
        _save(comparison, out, args)
    from sim.report.changes import terminal_rows
    _print_summary(terminal_rows(comparison), out)
    return EXIT_OK


def _sensitivity(args) -> int:
    import sim
    out = args.out or Path("results") / f"sensitivity-{args.scenario.stem}"
    options = _executor_args(args, out)
    with _claim(args, out):
        with _progress(None, unit="runs", label="sweeping") as advance:
            result = sim.sensitivity(args.scenario, args.param, method=args.method,
                                     metrics=args.metric or ["cost.total"], n=args.n, persons=args.persons,
                                     months=args.months, seed=args.seed, reps=args.reps, progress=advance, **options)
        _save(result, out, args)
    execution = result.manifest["execution"]
    rows = [("method", result.method), ("design points × replications", f"{result.manifest['runs']}"),
            ("runs computed (reused)", f"{execution['tasks_computed']} ({execution['tasks_reused']})")]
    rows += [(f"{r.metric} ← {r.parameter}", _index_text(result.method, r)) for r in result.indices.itertuples()]
    _print_summary(rows, out)
    return EXIT_OK


def _index_text(method: str, row) -> str:
    if method == "oat":     # money metrics in 万元, never in raw yuan with an exponent
        return f"swing {row.swing / 1e4:,.1f} 万元" if row.metric.startswith("cost.") else f"swing {row.swing:,.4g}"
    if method == "morris":
        return f"mu* {row.mu_star:,.4g}  sigma {row.sigma:,.4g}"
    return f"S1 {row.S1:.3f}  ST {row.ST:.3f}"


def _report(args) -> int:
    from sim.params import Problem, ScenarioError
    from sim.params.errors import NO_VALUE, display_path
    from sim.report.build import load_saved, write_reports
    folder = args.folder
    if not any((folder / name).exists() for name in ("manifest.json", "comparison.json", "sensitivity.json")):
        raise ScenarioError([Problem("command line", "RESULTS_DIR", str(folder),
                                     "a folder written by `subsim run` (manifest.json), `subsim compare` "
                                     "(comparison.json) or `subsim sensitivity` (sensitivity.json)")])
    try:
        saved = load_saved(folder)
    except (OSError, ValueError, KeyError, TypeError) as error:     # a damaged or foreign file, not a bug here
        raise ScenarioError([Problem(display_path(folder), "RESULTS_DIR", NO_VALUE,
                                     f"the saved results cannot be read ({type(error).__name__}: "
                                     f"{str(error)[:200]}); run the command that wrote the folder again")]) from None
    with _claim(args, folder, check=False):
        for path in write_reports(saved, folder, args.lang):
            print(f"written {path}")
    return EXIT_OK


def _calibrate(args) -> int:
    import sim
    from sim.params import Problem, ScenarioError
    from sim.report.calibration import write_fit_report
    for option in ("persons", "budget"):
        if getattr(args, option) < 1:
            raise ScenarioError([Problem("command line", f"--{option}", getattr(args, option), "must be at least 1")])
    if args.out is not None:
        _check_output(args.out)
    with _progress(args.budget, unit="evaluations", label="calibrating") as advance:
        result = sim.calibrate(args.city, scenario=args.scenario, persons=args.persons, seed=args.seed,
                               budget=args.budget, out=args.out, write=args.write,
                               progress=lambda done, total, best: advance(done, total))
    rows = [(f"{k}", f"{result.start[k]:.6g} → {v:.6g}") for k, v in result.parameters.items()]
    rows.append(("objective Σ w·gap²", f"{result.start_objective:.4g} → {result.objective:.4g}"))
    for r in result.fit.itertuples():
        if r.calibrate or r.headline:
            rows.append((f"{r.name}{' [' + r.district + ']' if isinstance(r.district, str) else ''}",
                         f"{r.value:,.4g} → {r.simulated:,.4g}  {r.gap:+.1%}  {'met' if r.met else 'NOT met'}"))
    rows.append(("evaluations (reused)", f"{result.evaluations} ({result.reused}) in {result.seconds:.0f} s"))
    today = datetime.now(timezone.utc).date().isoformat()
    write_fit_report(result.fit, result.out, title=f"{result.locality}: calibration fit ({today})")
    _print_summary(rows, result.out)
    if result.behaviour_file:
        print(f"calibrated behaviour written to {result.behaviour_file}")
    return EXIT_OK


def _check_output(out: Path) -> None:
    """Every path the run will write can be written (the folder is created if missing)."""
    from sim.params import Problem, ScenarioError
    from sim.results import output_problems
    problems = output_problems(out)
    if problems:
        raise ScenarioError([Problem("command line", "--out", str(out), f"the results folder {problem}")
                             for problem in problems])


@contextlib.contextmanager
def _claim(args, out: Path, check: bool = True):
    """Hold the results folder for this run: checked, then locked against a second writer."""
    from sim.params import Problem, ScenarioError
    from sim.results import FolderBusy, OutputLock
    if check:
        _check_output(out)
    try:
        lock = OutputLock(out)
    except FolderBusy as busy:
        raise ScenarioError([Problem("command line", "--out", str(out), f"another subsim run ({busy.holder}) is "
                                     "writing this folder; wait for it or choose another --out")]) from None
    except OSError as error:
        raise ScenarioError([Problem("command line", "--out", str(out),
                                     f"the results folder cannot be written ({error.strerror or error})")]) from None
    args.claimed = out
    try:
        yield
    finally:
        lock.release()


SHOWN_PROBLEMS, SHOWN_CHARACTERS = 50, 1_000     # a listing of thousands of rows goes to a file instead


def _print_problems(problems) -> None:
    print(f"subsim: {len(problems)} problem{'s' if len(problems) != 1 else ''} found:", file=sys.stderr)
    lines = [str(problem) for problem in problems]
    for line in lines[:SHOWN_PROBLEMS]:
        cut = line if len(line) <= SHOWN_CHARACTERS else line[:SHOWN_CHARACTERS] + " …"
        print(f"  {cut}", file=sys.stderr)
    if len(lines) > SHOWN_PROBLEMS or any(len(line) > SHOWN_CHARACTERS for line in lines):
        kinds = collections.Counter(f"{p.file}: {p.message[:120]}" for p in problems)
        print(f"  … {len(lines) - min(len(lines), SHOWN_PROBLEMS)} more; problems by kind:", file=sys.stderr)
        for kind, count in kinds.most_common(20):
            print(f"    {count:>8,} × {kind}", file=sys.stderr)
        fd, name = tempfile.mkstemp(prefix="subsim-problems-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        print(f"  the full list: {name}", file=sys.stderr)


class _progress:
    """A progress bar on a terminal (rich), nothing otherwise."""

    def __init__(self, total: int | None, *, unit: str = "months", label: str = "simulating"):
        self.total, self.unit, self.label = total, unit, label
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn(self.label), BarColumn(),
                                TextColumn("{task.completed}/{task.total} " + self.unit), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("run", total=self.total)
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)

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
