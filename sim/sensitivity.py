"""Sensitivity analysis (DESIGN §8): one-at-a-time with a tornado chart, Morris screening, Sobol indices.

Parameters are any numeric scenario or locality key given with a range, ``KEY=LOW:HIGH``
(``instruments.SR-05.share.sme=0.3:0.9``, ``behaviour.responses.hiring_subsidy_elasticity=0.1:1.0``);
every design point is the scenario loaded with those keys set (`sim.load_scenario(set=…)`, validated
like a file), run in the same replications with the same seed (common random numbers: two points differ
only through their parameters). A point's metric is its mean over the replications (`sim.metrics`).

- ``oat``: the central point (the scenario's own values) and, for each parameter, the point at its LOW
  and at its HIGH with the others central (1 + 2k runs). The tornado shows each swing.
- ``morris``: elementary effects on `n` trajectories of a 4-level grid (SALib; n·(k+1) runs): μ* (mean
  absolute effect, with a bootstrap 95 % interval) ranks influence, σ flags interactions/non-linearity.
- ``sobol``: Saltelli's sampling of `n` base points (a power of 2; n·(k+2) runs) and Jansen/Saltelli
  estimators (SALib): first-order S1 (share of the metric's variance due to the parameter alone) and
  total ST (including all its interactions), with bootstrap 95 % intervals. Parameters vary uniformly
  over their ranges; indices are of the variance over those ranges, so they answer "which of these
  ranges matters", not "which parameter matters in general".
"""
from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import metrics as M
from sim.codes import Fund
from sim.params import Problem, Scenario, ScenarioError, load_scenario
from sim.params.kinds import suggest
from sim.replicate import month_labels
from sim.results import input_files, read_csv, write_csv, write_json
from sim.sweep import FunctionTask, PointTask
from sim.tasks import TaskRun, run_tasks
from sim.version import versions

METHODS = ("oat", "morris", "sobol")
# assumption: 10 Morris trajectories (Campolongo et al. 2007 found r = 10–20 enough to rank factors) and
# 64 Sobol base samples (a cheap first look: raise --n when the intervals are wide)
DEFAULT_N = {"oat": 1, "morris": 10, "sobol": 64}
MORRIS_LEVELS = 4              # the usual choice (Saltelli et al. 2008, §3.3): p = 4 with Δ = p / (2(p − 1))
CONF_LEVEL = 0.95              # SALib's default level of its bootstrap intervals
RESAMPLES = 500                # assumption: bootstrap resamples of SALib's intervals (SALib's default is 100)
DEFAULT_METRICS = ("cost.total",)


@dataclasses.dataclass(frozen=True)
class Param:
    """One varied parameter: its dotted key, range, the scenario's own (central) value, and whether it
    is an integer (design values are then rounded)."""

    key: str
    low: float
    high: float
    central: float
    integer: bool = False

    def value(self, x: float) -> float | int:
        return int(round(x)) if self.integer else float(x)


def parse_param(spec: str) -> tuple[str, float, float] | Problem:
    """``KEY=LOW:HIGH`` → (key, low, high), or the Problem with it."""
    key, sep, rng = spec.partition("=")
    low_text, colon, high_text = rng.partition(":")
    if not sep or not colon or not key.strip():
        return Problem("command line", "--param", spec, "write KEY=LOW:HIGH, e.g. instruments.SR-05.share.sme=0.3:0.9")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        return Problem("command line", "--param", spec, "LOW and HIGH must be numbers")
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        return Problem("command line", "--param", spec, "LOW must be below HIGH (finite numbers)")
    return key.strip(), low, high


def central_value(scenario: Scenario, key: str) -> Any:
    """The scenario's own value at a dotted key (scenario document, or ``behaviour.``/``profile.``)."""
    head, _, rest = key.partition(".")
    node: Any = {"behaviour": scenario.behaviour, "profile": scenario.profile}.get(head)
    parts = rest.split(".") if node is not None else key.split(".")
    node = scenario.document if node is None else node
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def resolve_params(scenario_path: str | Path, specs: Sequence[str | tuple[str, float, float]], *,
                   persons: int | None = None, months: int | None = None, seed: int | None = None,
                   reps: int | None = None) -> tuple[Scenario, list[Param]]:
    """The central scenario and the checked parameters; every problem at once (`ScenarioError`).

    Each key must exist and hold a single number in the scenario; the scenario must load (and
    validate) with each parameter at its LOW and at its HIGH."""
    problems: list[Problem] = []
    parsed = []
    for spec in specs:
        item = parse_param(spec) if isinstance(spec, str) else tuple(spec)
        (problems.append(item) if isinstance(item, Problem) else parsed.append(item))
    keys = [p[0] for p in parsed]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem("command line", "--param", key, "given more than once"))
    if not parsed and not problems:
        problems.append(Problem("command line", "--param", "(none)", "give at least one KEY=LOW:HIGH"))
    central = load_scenario(scenario_path, persons=persons, months=months, seed=seed, reps=reps)
    params = []
    for key, low, high in parsed:
        value = central_value(central, key)
        if value is None:
            # let the loader name the problem (unknown key, with did-you-mean)
            try:
                load_scenario(scenario_path, persons=persons, months=months, seed=seed, set={key: low})
                problems.append(Problem("<set>", key, low, "not a parameter of this scenario"))
            except ScenarioError as error:
                problems.extend(error.problems)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(Problem("<set>", key, value, "not a numeric parameter (a single number is needed; "
                                                         "a by-month table or a text cannot be varied)"))
            continue
        for bound in (low, high):
            try:
                load_scenario(scenario_path, persons=persons, months=months, seed=seed,
                              set={key: int(round(bound)) if isinstance(value, int) else bound})
            except ScenarioError as error:
                problems.extend(error.problems)
        params.append(Param(key, low, high, float(value), integer=isinstance(value, int)))
    if problems:
        raise ScenarioError(problems)
    return central, params


def design(method: str, params: list[Param], n: int, seed: int) -> np.ndarray:
    """Design points (rows) × parameters (columns) in parameter units.

    ``oat``: central, then LOW and HIGH of each parameter in turn; ``morris``/``sobol``: SALib's samples
    (``seed`` makes them reproducible)."""
    k = len(params)
    if method == "oat":
        rows = [[p.central for p in params]]
        for i, p in enumerate(params):
            for bound in (p.low, p.high):
                row = [q.central for q in params]
                row[i] = bound
                rows.append(row)
        x = np.array(rows, np.float64)
    elif method == "morris":
        from SALib.sample import morris    # SALib loads only for its methods (scipy: start-up cost)
        x = morris.sample(_problem(params), n, num_levels=MORRIS_LEVELS, seed=seed % 2**32)
    else:
        from SALib.sample import sobol     # as above
        x = sobol.sample(_problem(params), n, calc_second_order=False, seed=seed % 2**32)
    for j, p in enumerate(params):
        if p.integer:
            x[:, j] = np.round(x[:, j])
    return x.reshape(-1, k)


def _problem(params: list[Param]) -> dict:
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [[p.low, p.high] for p in params]}


def analyse(method: str, params: list[Param], x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Indices of one metric (`y`, one value per design point) for each parameter.

    Returns
    -------
    DataFrame with ``parameter`` and, by method —
    ``oat``: low, high, central, metric_central, metric_low, metric_high, swing (|high − low| effect);
    ``morris``: mu, mu_star, mu_star_low, mu_star_high, sigma;
    ``sobol``: S1, S1_low, S1_high, ST, ST_low, ST_high (95 % bootstrap intervals).
    A metric that is undefined (NaN) at some point gives NaN indices (Morris, Sobol).
    """
    names = [p.key for p in params]
    if method == "oat":
        rows = []
        for i, p in enumerate(params):
            lo, hi = y[1 + 2 * i], y[2 + 2 * i]
            rows.append({"parameter": p.key, "low": p.low, "high": p.high, "central": p.central,
                         "metric_central": y[0], "metric_low": lo, "metric_high": hi, "swing": abs(hi - lo)})
        return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    if not np.all(np.isfinite(y)):
        cols = ("mu", "mu_star", "mu_star_low", "mu_star_high", "sigma") if method == "morris" else \
            ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")
        return pd.DataFrame({"parameter": names, **{c: np.nan for c in cols}})
    if method == "morris":
        from SALib.analyze import morris   # as above
        si = morris.analyze(_problem(params), x, y, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                            num_levels=MORRIS_LEVELS, seed=seed % 2**32)
        out = pd.DataFrame({"parameter": names, "mu": si["mu"], "mu_star": si["mu_star"],
                            "mu_star_low": si["mu_star"] - si["mu_star_conf"],
                            "mu_star_high": si["mu_star"] + si["mu_star_conf"], "sigma": si["sigma"]})
        return out.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    from SALib.analyze import sobol        # as above
    si = sobol.analyze(_problem(params), y, calc_second_order=False, num_resamples=RESAMPLES,
                       conf_level=CONF_LEVEL, seed=seed % 2**32)
    out = pd.DataFrame({"parameter": names, "S1": si["S1"], "S1_low": si["S1"] - si["S1_conf"],
                        "S1_high": si["S1"] + si["S1_conf"], "ST": si["ST"], "ST_low": si["ST"] - si["ST_conf"],
                        "ST_high": si["ST"] + si["ST_conf"]})
    return out.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


@dataclasses.dataclass
class SensitivityResult:
    """What `sensitivity` returns.

    Attributes
    ----------
    method : str
    params : list of Param
    metrics : list of str
    design : DataFrame
        ``point`` and one column per parameter (the values run).
    values : DataFrame
        ``point, rep, metric, value``: every metric of every run.
    indices : DataFrame
        ``metric`` and the method's columns (`analyse`), one row per metric × parameter.
    manifest : dict
    """

    method: str
    params: list[Param]
    metrics: list[str]
    design: pd.DataFrame
    values: pd.DataFrame
    indices: pd.DataFrame
    manifest: dict

    def point_means(self) -> pd.DataFrame:
        """The design with each metric's mean over replications (one row per point)."""
        means = self.values.groupby(["point", "metric"])["value"].mean().unstack("metric")
        return self.design.join(means[self.metrics], on="point")

    def save(self, out_dir: Path | str) -> Path:
        """Write ``design.csv``, ``values.csv``, ``indices.csv`` and ``sensitivity.json``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in (("design", self.design), ("values", self.values), ("indices", self.indices)):
            write_csv(out / f"{name}.csv", frame)
        write_json(out / "sensitivity.json", self.manifest)
        return out

    @classmethod
    def load(cls, folder: Path | str) -> "SensitivityResult":
        folder = Path(folder)
        meta = json.loads((folder / "sensitivity.json").read_text(encoding="utf-8"))
        params = [Param(**p) for p in meta["params"]]
        return cls(method=meta["method"], params=params, metrics=meta["metrics"],
                   design=read_csv(folder / "design.csv"), values=read_csv(folder / "values.csv"),
                   indices=read_csv(folder / "indices.csv"), manifest=meta)


def sensitivity(scenario: str | Path, params: Sequence[str | tuple[str, float, float]], *, method: str = "oat",
                metrics: Sequence[str] = DEFAULT_METRICS, n: int | None = None, persons: int | None = None,
                months: int | None = None, seed: int | None = None, reps: int | None = None,
                executor: str = "serial", workers: int | None = None, scheduler: str | None = None,
                store: str | Path | None = None, progress: Callable[[int, int], None] | None = None,
                model: Callable[[dict], dict] | None = None,
                month_progress: Callable[[str, int, int], None] | None = None) -> SensitivityResult:
    """Run a sensitivity analysis of a scenario.

    Parameters
    ----------
    scenario : path
        The scenario file.
    params : sequence of ``"KEY=LOW:HIGH"`` or (key, low, high)
    method : {"oat", "morris", "sobol"}
    metrics : sequence of str
        Metric names (`sim.metrics`), e.g. ``cost.total``, ``cost.ui_fund``, ``jobs.new_urban``, each for
        the whole run or one calendar year (``cost.total@2025``, ``outcome.new_urban_jobs@2025``).
    n : int, optional
        Morris trajectories (default 10) or Sobol base sample (a power of 2, default 64); not used by oat.
    persons, months, seed, reps : int, optional
        As for `sim.run`; every design point runs the same seed and replications.
    executor, workers, scheduler, store, progress, month_progress
        As for `sim.tasks.run_tasks`.
    model : callable(dict of key → value) -> dict of metric → value, optional
        Evaluate each design point with this function instead of the simulation (tests with an
        analytic answer go through the same design, executor, store and analysis).

    Returns
    -------
    SensitivityResult
    """
    started = time.perf_counter()
    n = _checked_method(method, n)
    metrics = list(dict.fromkeys(metrics))
    if model is None:
        central, plist = resolve_params(scenario, params, persons=persons, months=months, seed=seed, reps=reps)
        years = list(dict.fromkeys(label[:4] for label in month_labels(central)))
        bad = check_metrics(metrics, [ins.id for ins in central.instruments], years)
        if bad:
            raise ScenarioError(bad)
        design_seed, n_reps = central.seed, central.reps
    else:
        plist = [Param(k, lo, hi, (lo + hi) / 2) for k, lo, hi in (parse_param(p) if isinstance(p, str) else p
                                                                    for p in params)]
        design_seed, n_reps, central = (seed or 0), 1, None
    x = design(method, plist, n, design_seed)
    points = [{p.key: p.value(v) for p, v in zip(plist, row)} for row in x]
    per_job = any(M.split_year(name)[0] == "cost_per_additional_job" for name in metrics)
    switch_off = _switch_off(central, plist) if per_job and central is not None else None
    if model is None:
        loaded = [load_scenario(scenario, persons=persons, months=months, seed=seed, reps=reps, set=point)
                  for point in points]
        tasks = [PointTask(s, rep, switch_off) for s in loaded for rep in range(n_reps)]
    else:
        tasks = [FunctionTask(model, tuple(point.items())) for point in points]
    done = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, store=store, progress=progress,
                     month_progress=month_progress)
    values = _metric_values(done.results, metrics, n_reps, from_model=model is not None)
    indices = _indices(method, plist, x, values, metrics, design_seed)
    design_frame = pd.DataFrame(x, columns=[p.key for p in plist]).rename_axis("point").reset_index()
    manifest = _manifest(method, n, plist, metrics, central, design_seed, switch_off, n_reps, len(points), done) | \
        {"seconds": round(time.perf_counter() - started, 1)}
    return SensitivityResult(method=method, params=plist, metrics=metrics, design=design_frame, values=values,
                             indices=indices, manifest=manifest)


def check_metrics(names: list[str], instruments: list[str], years: list[str]) -> list[Problem]:
    """Problems with sensitivity metric names (unknown name, fund, instrument, outcome or year), each
    naming what is allowed."""
    problems = []
    funds = [f.name for f in Fund]
    outcomes = [m.name for m in M.OUTCOMES]
    for name in names:
        base, year = M.split_year(name)
        if year != M.ALL and year not in years:
            problems.append(Problem("command line", "--metric", name,
                                    f"year {year!r} is not a calendar year of the run; allowed: @"
                                    + ", @".join(years)))
        if base in M.RUN_METRICS:
            continue
        if base.startswith("cost.instrument."):
            iid = base[len("cost.instrument."):]
            if iid not in instruments:
                problems.append(Problem("command line", "--metric", name,
                                        "not an instrument of the scenario" + suggest(iid, instruments)))
        elif base.startswith("outcome."):
            metric = base[len("outcome."):]
            if metric not in outcomes:
                problems.append(Problem("command line", "--metric", name,
                                        "unknown outcome" + suggest(metric, outcomes, always_list=True)))
        elif base.startswith("cost."):
            fund = base[len("cost.fund."):] if base.startswith("cost.fund.") else base[len("cost."):]
            if fund not in funds:
                problems.append(Problem("command line", "--metric", name, "unknown fund" + suggest(fund, funds)))
        else:
            problems.append(Problem("command line", "--metric", name, "unknown metric"
                                    + suggest(base, list(M.RUN_METRICS) + ["cost.ui_fund"], always_list=True)
                                    + ", cost.<fund>, cost.instrument.<ID>, outcome.<metric>; each for the whole "
                                    + "run or one year with @YEAR (" + ", ".join(f"@{y}" for y in years) + ")"))
    return problems


def _checked_method(method: str, n: int | None) -> int:
    """The design size `n` (the method's default when not given); every problem with the two at once."""
    problems = []
    if method not in METHODS:
        problems.append(Problem("command line", "--method", method, "unknown method" + suggest(method, METHODS,
                                                                                           always_list=True)))
    n = DEFAULT_N.get(method, 1) if n is None else n
    if method == "sobol" and (n < 2 or n & (n - 1)):
        problems.append(Problem("command line", "--n", n, "Sobol's base sample must be a power of 2 (e.g. 64, 256)"))
    elif n < 1:
        problems.append(Problem("command line", "--n", n, "must be at least 1"))
    if problems:
        raise ScenarioError(problems)
    return n


def _metric_values(summaries: list, metrics: list[str], n_reps: int, from_model: bool) -> pd.DataFrame:
    """``point, rep, metric, value`` of every task's summary (tasks in point-major order)."""
    rows = []
    for index, summary in enumerate(summaries):
        point, rep = divmod(index, n_reps)
        for name in metrics:
            value = summary[name] if from_model else M.value(summary, name)
            rows.append((point, rep, name, float(value)))
    return pd.DataFrame(rows, columns=["point", "rep", "metric", "value"])


def _indices(method: str, params: list[Param], x: np.ndarray, values: pd.DataFrame, metrics: list[str],
             seed: int) -> pd.DataFrame:
    """`analyse` of each metric's mean over replications at each point, one table."""
    means = values.groupby(["metric", "point"])["value"].mean()
    indices = pd.concat([analyse(method, params, x, means.loc[name].to_numpy(np.float64), seed)
                         .assign(metric=name) for name in metrics], ignore_index=True)
    return indices[["metric"] + [c for c in indices.columns if c != "metric"]]


def _manifest(method: str, n: int, params: list[Param], metrics: list[str], central: Scenario | None, seed: int,
              switch_off: tuple[str, ...] | None, n_reps: int, n_points: int, done: TaskRun) -> dict:
    """What `sensitivity.json` records (without the elapsed seconds)."""
    return {
        "kind": "sensitivity", "method": method, "n": n, "design_points": n_points, "replications": n_reps,
        "runs": len(done.results), "metrics": metrics, "params": [dataclasses.asdict(p) for p in params],
        "scenario": central.name if central is not None else None,
        "scenario_file": str(central.path) if central is not None else None,
        "scenario_sha256": central.sha256 if central is not None else None,
        "input_files": input_files(central) if central is not None else [],
        "persons": central.persons if central is not None else None,
        "months": central.months if central is not None else None,
        "seed": seed, "switched_off_for_cost_per_job": list(switch_off) if switch_off else None,
        "common_random_numbers": "every design point runs the same seed and replications",
        "confidence_level": CONF_LEVEL if method != "oat" else None,
        "execution": done.execution(),
        "versions": versions()}


def _switch_off(central: Scenario, params: list[Param]) -> tuple[str, ...]:
    """The instruments switched off for cost per additional job: those whose parameters are varied, or
    (none varied) every enabled instrument but the UI benefit, which is an entitlement, not a subsidy."""
    varied = [p.key.split(".")[1] for p in params if p.key.startswith("instruments.")]
    if varied:
        return tuple(dict.fromkeys(varied))
    return tuple(ins.id for ins in central.instruments if ins.enabled and ins.type.name != "ui_benefit")
