"""Simulated method of moments over a locality's calibratable behaviour parameters (`subsim calibrate`).

The parameters are the behaviour leaves that carry ``calibrate = { low, high }``; the moments are the
locality's targets with ``calibrate = true`` (`sim.targets`). Every evaluation runs the city's seed
scenario with the **same seed** (common random numbers: two parameter vectors differ only through the
parameters, not through different draws) and scores

    J(θ) = Σ_i w_i · g_i(θ)²,   g_i = (simulated_i − target_i) ÷ target_i

(two-sided for `about` targets; one-sided for `at_least` / `at_most`: zero inside). The search runs in the
unit cube of the bounds: a Latin-hypercube sample (global step, seeded) then Nelder–Mead from the best
point (local step), within `budget` evaluations in all.

Each evaluation is stored in ``<out>/evaluations/<sha256>.json``, keyed by the run's inputs (scenario,
profile, behaviour with the parameters applied), the seed, the persons and the code version, and written
atomically; the search path is deterministic, so a re-run after an interruption reads them back
instead of simulating again.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import math
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import qmc

from sim.api import run
from sim.params import Problem, ScenarioError, load_scenario
from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
from sim.params.compile import canonical_sha256
from sim.params.rewrite import rewrite_leaves
from sim.params.sourced import load_sourced_bounds
from sim.results import atomic_write
from sim.targets import Target, compare_targets, load_targets, simulated_value
from sim.version import code_version

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PERSONS = 50_000
DEFAULT_BUDGET = 60
GLOBAL_SHARE = 0.4          # share of the budget spent on the Latin-hypercube step
SIMPLEX_STEP = 0.08         # Nelder–Mead's first simplex: this share of each bound's width


@dataclasses.dataclass
class CalibrationResult:
    """What `calibrate` returns.

    Attributes
    ----------
    locality : str
    parameters : dict of str to float
        Calibrated values, dotted behaviour key → value.
    start : dict of str to float
        The values before calibration.
    objective, start_objective : float
        J at the calibrated and at the starting values.
    fit : pandas.DataFrame
        `sim.targets.compare_targets` of a run at the calibrated values (all targets).
    evaluations : int
        Points evaluated (within the budget), of which `reused` came from stored evaluations.
    reused : int
    seconds : float
    out : Path
        The output folder (calibrated behaviour.toml, calibration.json, evaluations/; the command line
        adds the fit report, `sim.report.calibration.write_fit_report`).
    history : list of dict
        Every evaluation in order: parameters, objective, reused.
    """

    locality: str
    parameters: dict[str, float]
    start: dict[str, float]
    objective: float
    start_objective: float
    fit: pd.DataFrame
    evaluations: int
    reused: int
    seconds: float
    out: Path
    history: list[dict]
    behaviour_file: Path | None = None


def set_leaf(behaviour: dict, key: str, value: float) -> None:
    """Set a dotted behaviour key in a nested dict (in place)."""
    *sections, name = key.split(".")
    node = behaviour
    for section in sections:
        node = node[section]
    node[name] = value


def get_leaf(behaviour: dict, key: str) -> float:
    node = behaviour
    for part in key.split("."):
        node = node[part]
    return node


def _integer_keys(keys: list[str]) -> set[str]:
    out = set()
    for key in keys:
        node = BEHAVIOUR_SCHEMA
        for part in key.split("."):
            node = node[part]
        if node.kind == "int":
            out.add(key)
    return out


class _Evaluator:
    """Runs the scenario at a parameter vector (unit cube), with stored evaluations and a budget."""

    def __init__(self, scenario, keys, bounds, targets, store: Path, budget: int, progress):
        self.scenario, self.keys, self.bounds, self.targets = scenario, keys, bounds, targets
        self.integers = _integer_keys(keys)
        self.store, self.budget, self.progress = store, budget, progress
        self.moment_targets = [t for t in targets if t.calibrate]
        self.needs_records = any(t.metric == "guaranteed_loans_issued_yuan_ytd" for t in targets)
        self.code = code_version()
        self.history: list[dict] = []
        self.best: tuple[float, np.ndarray] = (math.inf, np.zeros(len(keys)))
        store.mkdir(parents=True, exist_ok=True)

    def values(self, x: np.ndarray) -> dict[str, float]:
        """Unit-cube point → parameter values (rounded so that equal values hash equally)."""
        out = {}
        for key, xi, (low, high) in zip(self.keys, np.clip(x, 0, 1), self.bounds):
            v = low + float(xi) * (high - low)
            out[key] = float(round(v)) if key in self.integers else float(f"{v:.6g}")
        return out

    def behaviour(self, values: dict[str, float]) -> dict:
        behaviour = copy.deepcopy(self.scenario.behaviour)
        for key, v in values.items():
            set_leaf(behaviour, key, int(v) if key in self.integers else v)
        return behaviour

    def run(self, values: dict[str, float], keep_records: bool = False):
        scenario = dataclasses.replace(self.scenario, behaviour=self.behaviour(values))
        return run(scenario, keep_records=keep_records)

    def __call__(self, x: np.ndarray) -> float:
        if len(self.history) >= self.budget:
            raise _BudgetSpent
        values = self.values(x)
        key = canonical_sha256({"scenario": self.scenario.document, "profile": self.scenario.profile,
                                "behaviour": self.behaviour(values), "seed": self.scenario.seed,
                                "persons": self.scenario.persons, "code": self.code})
        path = self.store / f"{key}.json"
        stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        reused = stored is not None and all(t.name in stored["moments"] for t in self.targets)
        if not reused:
            started = time.perf_counter()
            results = self.run(values, keep_records=self.needs_records)
            moments = {t.name: simulated_value(results, t)[0] for t in self.targets}
            stored = {"parameters": values, "moments": {k: (None if not math.isfinite(v) else v)
                                                        for k, v in moments.items()},
                      "seed": self.scenario.seed, "persons": self.scenario.persons, "code": self.code,
                      "seconds": round(time.perf_counter() - started, 3)}
            atomic_write(path, lambda p: Path(p).write_text(json.dumps(stored, ensure_ascii=False, indent=1),
                                                       encoding="utf-8"))
        j = objective(self.moment_targets, stored["moments"])
        self.history.append({"parameters": values, "objective": j, "reused": reused})
        if j < self.best[0]:
            self.best = (j, np.clip(np.asarray(x, float), 0, 1))
        if self.progress is not None:
            self.progress(len(self.history), self.budget, self.best[0])
        return j


class _BudgetSpent(Exception):
    """Raised inside the optimiser when the evaluation budget is used up."""


def objective(targets: list[Target], moments: dict[str, float | None]) -> float:
    """J = Σ w · g², g the relative gap (`Target.loss_gap`); a moment the run could not produce counts as
    a gap of 1 (it should not happen: `calibrate` checks every moment at the start)."""
    total = 0.0
    for t in targets:
        value = moments.get(t.name)
        gap = t.loss_gap(value if value is not None else float("nan"))
        total += t.weight * (gap * gap if math.isfinite(gap) else 1.0)
    return total


def calibration_parameters(locality_dir: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str], Path]:
    """The calibratable leaves of a locality's behaviour file: bounds and sources."""
    path = locality_dir / "behaviour.toml"
    _, sources, bounds, problems = load_sourced_bounds(path, BEHAVIOUR_SCHEMA)
    if problems:
        raise ScenarioError(problems)
    return bounds, sources, path


def _search(evaluate: _Evaluator, x0: np.ndarray, budget: int, seed: int) -> None:
    """Global Latin-hypercube step, then Nelder–Mead from the best point; stops at the budget."""
    k = len(x0)
    try:
        evaluate(x0)
        n_global = max(int(budget * GLOBAL_SHARE) - 1, 0)
        if n_global:
            for x in qmc.LatinHypercube(d=k, seed=seed).random(n_global):
                evaluate(x)
        start = evaluate.best[1].copy()
        # the first simplex steps inwards from a bound, so that no vertex is clipped onto another
        simplex = np.vstack([start] + [start + np.where(start[i] > 0.5, -SIMPLEX_STEP, SIMPLEX_STEP)
                                       * np.eye(k)[i] for i in range(k)])
        minimize(evaluate, start, method="Nelder-Mead", bounds=[(0.0, 1.0)] * k,
                 options={"initial_simplex": simplex, "maxfev": budget, "xatol": 1e-4, "fatol": 1e-7})
    except _BudgetSpent:
        pass


def calibrate(locality: str, *, scenario: str | Path | None = None, persons: int = DEFAULT_PERSONS,
              seed: int | None = None, budget: int = DEFAULT_BUDGET, out: str | Path | None = None,
              write: bool = False, targets: list[Target] | None = None,
              parameters: dict[str, tuple[float, float]] | None = None,
              progress: Callable[[int, int, float], None] | None = None) -> CalibrationResult:
    """Calibrate a locality's behaviour parameters to its targets.

    Parameters
    ----------
    locality : str
        Locality name (``calibration/<locality>/``).
    scenario : path, optional
        The scenario to simulate; default the locality's seed scenario ``scenarios/<locality>-<year>.toml``.
    persons : int
        Simulated persons per evaluation (default 50,000).
    seed : int, optional
        The common random-number seed of every evaluation (default: the scenario's).
    budget : int
        Maximum number of evaluations (stored ones count: the resumed search follows the same path).
    out : path, optional
        Output folder; default ``results/calibration/<locality>/``.
    write : bool
        Also replace ``calibration/<locality>/behaviour.toml`` with the calibrated file.
    targets : list of Target, optional
        Default `sim.targets.load_targets(locality)`.
    parameters : dict, optional
        Dotted behaviour key → (low, high); default the ``calibrate`` bounds of the behaviour file.
    progress : callable(done, budget, best_objective), optional

    Returns
    -------
    CalibrationResult
    """
    started = time.perf_counter()
    path = Path(scenario) if scenario is not None else seed_scenario(locality)
    loaded = load_scenario(path, persons=persons, seed=seed)
    if loaded.locality != locality:
        raise ScenarioError([Problem("command line", "--scenario", str(path),
                                     f"is a scenario of {loaded.locality!r}, not of {locality!r}")])
    bounds, sources, behaviour_path = calibration_parameters(loaded.locality_dir)
    bounds = dict(parameters) if parameters is not None else bounds
    targets = load_targets(loaded.locality_dir / "targets.toml") if targets is None else targets
    _check_inputs(bounds, targets, behaviour_path)
    keys = list(bounds)
    out = Path(out) if out is not None else ROOT / "results" / "calibration" / locality
    evaluate = _Evaluator(loaded, keys, [bounds[k] for k in keys], targets, out / "evaluations", budget, progress)
    start = {k: float(get_leaf(loaded.behaviour, k)) for k in keys}
    x0 = np.array([(start[k] - lo) / (hi - lo) for k, (lo, hi) in zip(keys, evaluate.bounds)])
    _check_moments(evaluate, start, targets)
    _search(evaluate, x0, budget, loaded.seed)
    best = evaluate.values(evaluate.best[1])
    fit = compare_targets(evaluate.run(best, keep_records=evaluate.needs_records), targets)
    result = CalibrationResult(
        locality=locality, parameters=best, start=start, objective=evaluate.best[0],
        start_objective=evaluate.history[0]["objective"], fit=fit, evaluations=len(evaluate.history),
        reused=sum(h["reused"] for h in evaluate.history), seconds=round(time.perf_counter() - started, 1),
        out=out, history=evaluate.history)
    _write_outputs(result, loaded, targets, sources, behaviour_path, write)
    return result


def seed_scenario(locality: str) -> Path:
    """The locality's seed scenario: ``scenarios/<locality>-<year>.toml`` (the one without a suffix)."""
    found = sorted(p for p in (ROOT / "scenarios").glob(f"{locality}-*.toml")
                   if p.stem[len(locality) + 1:].isdigit())
    if not found:
        raise ScenarioError([Problem("command line", "CITY", locality,
                                     f"no seed scenario scenarios/{locality}-<year>.toml; give --scenario")])
    return found[0]


def _check_inputs(bounds: dict, targets: list[Target], behaviour_path: Path) -> None:
    problems = []
    if not bounds:
        problems.append(Problem(str(behaviour_path), "", "<no calibrate bounds>",
                                "no parameter to calibrate: mark leaves with calibrate = { low = …, high = … }"))
    if not any(t.calibrate for t in targets):
        problems.append(Problem("targets.toml", "", "<no moments>", "no target has calibrate = true"))
    if problems:
        raise ScenarioError(problems)


def _check_moments(evaluate: _Evaluator, start: dict, targets: list[Target]) -> None:
    """Every calibration moment must be computable from a run (checked once, at the start values)."""
    results = evaluate.run(start, keep_records=evaluate.needs_records)
    bad = [(t, note) for t in targets if t.calibrate for value, note in [simulated_value(results, t)]
           if not math.isfinite(value)]
    if bad:
        raise ScenarioError([Problem("targets.toml", f"targets.{t.name}", t.metric,
                                     f"cannot be a calibration moment: {note}; set calibrate = false")
                             for t, note in bad])


def _write_outputs(result: CalibrationResult, scenario, targets, sources, behaviour_path: Path,
                   write: bool) -> None:
    today = datetime.now(timezone.utc).date().isoformat()
    result.out.mkdir(parents=True, exist_ok=True)
    text = calibrated_behaviour_text(behaviour_path, result, scenario, today, sources)
    atomic_write(result.out / "behaviour.toml", lambda p: Path(p).write_text(text, encoding="utf-8"))
    if write:
        atomic_write(behaviour_path, lambda p: Path(p).write_text(text, encoding="utf-8"))
        result.behaviour_file = behaviour_path
    summary = {"locality": result.locality, "date": today, "scenario": str(scenario.path.relative_to(ROOT))
               if scenario.path.is_relative_to(ROOT) else str(scenario.path), "seed": scenario.seed,
               "persons": scenario.persons, "budget_evaluations": result.evaluations, "reused": result.reused,
               "seconds": result.seconds, "code_version": code_version(), "start": result.start,
               "parameters": result.parameters, "start_objective": result.start_objective,
               "objective": result.objective, "targets": [t.name for t in targets if t.calibrate],
               "history": result.history}
    atomic_write(result.out / "calibration.json",
            lambda p: Path(p).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"))


def calibrated_behaviour_text(behaviour_path: Path, result: CalibrationResult, scenario, today: str,
                              sources: dict[str, str]) -> str:
    """The behaviour file with calibrated values, their sources rewritten, and a provenance block."""
    raw = tomllib.loads(behaviour_path.read_text(encoding="utf-8"))
    updates = {}
    for key, value in result.parameters.items():
        leaf = dict(get_leaf(raw, key))
        old = _original_source(sources.get(key, leaf.get("source", "")))
        leaf["value"] = int(value) if isinstance(leaf["value"], int) and not isinstance(leaf["value"], bool) \
            else value
        leaf["source"] = f"calibrated: subsim calibrate {result.locality} {today} (was: {old})"
        updates[key] = leaf
    fit = result.fit[result.fit["calibrate"]]
    lines = [f"subsim calibrate {result.locality} on {today}: scenario {scenario.path.name}, seed {scenario.seed}, "
             f"{scenario.persons:,} persons, {result.evaluations} evaluations ({result.reused} reused), "
             f"code {code_version()}",
             f"objective (Σ w·gap²) {result.start_objective:.4g} → {result.objective:.4g}; parameters:"]
    lines += [f"  {k}: {result.start[k]:.6g} → {v:.6g}" for k, v in result.parameters.items()]
    lines.append("moments (target → simulated, relative gap, met):")
    lines += [f"  {r.name}: {r.value:.6g} → {r.simulated:.6g} ({r.gap:+.1%}, {'met' if r.met else 'NOT met'})"
              for r in fit.itertuples()]
    return rewrite_leaves(behaviour_path.read_text(encoding="utf-8"), updates, lines)


def _original_source(source: str) -> str:
    """Strip earlier calibration wrappers so sources do not nest: keep the pre-calibration text."""
    prefix = "calibrated: subsim calibrate "
    while source.startswith(prefix) and "(was: " in source and source.endswith(")"):
        source = source[source.index("(was: ") + len("(was: "):-1]
    return source
