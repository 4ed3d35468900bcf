"""Scenario comparison with common random numbers (DESIGN §8).

Every scenario runs each replication from the same starting state (sim.warmup: one population warmed
up under the base document's rules; a reform's changes take effect from the first reported month) and
with the same random numbers (the base's seed), so a difference between two scenarios in one replication is the effect of
the policy change alone; the replications' paired differences give a confidence interval for it.
With `attribution`, every instrument of every scenario is also switched off in turn (sim.attribution).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar

import pandas as pd

from sim import attribution as attr, warmup
from sim.api import assemble, resolve
from sim.ledger import is_cash, paid_by_instrument
from sim.metrics import COMPARED, FUND_METRICS, YEAR_RULE, by_year
from sim.params import Problem, Scenario, ScenarioError
from sim.params.compile import canonical_sha256
from sim.executors import resolved
from sim.replicate import month_labels, run_replication, scenario_key, warm_up
from sim.results import Results, read_csv, write_csv, write_json
from sim.version import versions
from sim.stats import mean_interval
from sim.tasks import run_tasks
from sim.uncertainty import replication_scenario

CI_LEVEL = 0.90


@dataclass
class Comparison:
    """What `sim.compare` returns.

    Attributes
    ----------
    base : str
        Name of the base scenario; `results` holds every scenario's Results by name, base first.
    differences : DataFrame
        One row per reform × indicator × year: base and reform means over replications, the mean paired
        difference and its 90 % interval (`ci_low`, `ci_high`; empty with one replication).
    attribution : DataFrame or None
        Per scenario and instrument: cost, subsidised hires, deadweight, additional jobs, offsets, cost
        per additional job (means over replications, with intervals); `attribution_reps` per replication.
    """

    base: str
    results: dict[str, Results]
    differences: pd.DataFrame
    attribution: pd.DataFrame | None = None
    attribution_reps: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)

    @property
    def reforms(self) -> list[str]:
        return [name for name in self.results if name != self.base]

    def save(self, out_dir: Path | str) -> Path:
        """Write the comparison folder: one results folder per scenario, `differences.csv`,
        `attribution.csv` (+ `attribution_reps.csv`) and `comparison.json`."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, results in self.results.items():
            results.save(out / name)
        write_csv(out / "differences.csv", self.differences)
        if self.attribution is not None:
            write_csv(out / "attribution.csv", self.attribution)
            write_csv(out / "attribution_reps.csv", self.attribution_reps)
        write_json(out / "comparison.json", self.manifest)
        return out

    @classmethod
    def load(cls, folder: Path | str) -> "Comparison":
        folder = Path(folder)
        meta = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
        results = {name: Results.load(folder / name) for name in meta["scenarios"]}
        attribution = reps = None
        if (folder / "attribution.csv").exists():
            attribution = read_csv(folder / "attribution.csv")
            reps = read_csv(folder / "attribution_reps.csv")
        differences = read_csv(folder / "differences.csv", dtype={"year": str})
        return cls(base=meta["base"], results=results, differences=differences, attribution=attribution,
                   attribution_reps=reps, manifest=meta)


def compare(base: Scenario | str | Path, *reforms: Scenario | str | Path, persons: int | None = None,
            months: int | None = None, seed: int | None = None, reps: int | None = None,
            attribution: bool = False, window: int = attr.DEFAULT_WINDOW,
            progress: Callable[[int, int], None] | None = None, executor: str = "serial",
            workers: int | None = None, scheduler: str | None = None,
            store: str | Path | None = None,
            month_progress: Callable[[str, int, int], None] | None = None) -> Comparison:
    """Run a base scenario and reforms on common random numbers and compare them.

    Parameters
    ----------
    base, *reforms : Scenario or path
        At least one reform. Reforms run with the base's persons, months, seed and replications (a
        reform's own `[run]` values are overridden; the manifest says so).
    persons, months, seed, reps : int, optional
        Override the base scenario's values.
    attribution : bool
        Also switch every paying instrument of every scenario off in turn (one extra run each per
        replication) and report additional jobs, deadweight and cost per additional job.
    window : int
        Months either side of a subsidised hire within which the same person's hire in the
        counterfactual counts as deadweight.
    progress : callable(done, total), optional
        Called as replications finish.
    executor, workers, scheduler, store
        Where the replications run and where finished ones are kept (`sim.tasks.run_tasks`); one task
        is one replication of every scenario on one shared population, or with `attribution` one
        scenario and its counterfactuals in one replication (`AttributionTask`).
    month_progress : callable(phase, done, total), optional
        Every month simulated in this process, as for `sim.run` (each scenario's and counterfactual's
        reported months in turn).
    """
    if not reforms:
        raise ScenarioError([Problem("command line", "REFORM", "(none)", "compare needs a base and at least one reform")])
    started = time.perf_counter()
    base_s = resolve(base, persons=persons, months=months, seed=seed, reps=reps)
    scenarios = [base_s] + [resolve(r, persons=base_s.persons, months=base_s.months, seed=base_s.seed,
                                    reps=base_s.reps) for r in reforms]
    _check_comparable(scenarios)
    n_reps = base_s.reps
    if attribution:
        tasks = attribution_tasks(tuple(scenarios), n_reps, window, resolved(executor, n_reps * len(scenarios), workers))
    else:
        tasks = [ComparisonTask(tuple(scenarios), rep) for rep in range(n_reps)]
    done = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, store=store, progress=progress,
                     month_progress=month_progress)
    execution = done.execution()
    parts = {(task.rep, name): part for task, result in zip(tasks, done.results) for name, part in result["parts"].items()}
    results = {s.name: assemble(s, [parts[rep, s.name] for rep in range(n_reps)], started=started, execution=execution)
               for s in scenarios}
    result_of = dict(zip(tasks, done.results))
    # in replication order, the scenarios in theirs
    attribution_rows = [result_of[task]["attribution"] for task in sorted(tasks, key=lambda t: (t.rep, t.index))] \
        if attribution else []
    indicators = {name: indicator_table(res) for name, res in results.items()}
    differences = pd.concat([paired_differences(indicators[base_s.name], indicators[s.name], s.name)
                             for s in scenarios[1:]], ignore_index=True)
    per_rep = summary = None
    if attribution:
        per_rep = pd.concat(attribution_rows, ignore_index=True)
        per_rep = per_rep[["scenario"] + [c for c in per_rep.columns if c != "scenario"]]
        summary = pd.concat([attr.summarise(group, CI_LEVEL).assign(scenario=name)
                             for name, group in per_rep.groupby("scenario", sort=False)], ignore_index=True)
        summary = summary[["scenario"] + [c for c in summary.columns if c != "scenario"]]
    meta = {
        "kind": "comparison", "base": base_s.name, "scenarios": [s.name for s in scenarios],
        "scenario_files": [str(s.path) for s in scenarios], "scenario_sha256": [s.sha256 for s in scenarios],
        "persons": base_s.persons, "months": base_s.months, "start": base_s.start, "seed": base_s.seed,
        "replications": n_reps, "confidence_level": CI_LEVEL, "attribution": attribution,
        "attribution_window_months": window if attribution else None,
        "common_random_numbers": "every scenario runs each replication from the same starting state (the same "
                                  "population warmed up under the base document's rules, sim.warmup) with the "
                                  "base's seed",
        "warmup": warmup.describe(base_s),
        "execution": execution, "versions": versions(), "seconds": round(time.perf_counter() - started, 1),
        "comparison_sha256": canonical_sha256([s.sha256 for s in scenarios] + [base_s.persons, base_s.seed, n_reps]),
    }
    return Comparison(base=base_s.name, results=results, differences=differences, attribution=summary,
                      attribution_reps=per_rep, manifest=meta)


@dataclasses.dataclass(frozen=True, eq=False)
class ComparisonTask:
    """One replication of a comparison: every scenario from the same starting state (sim.warmup) with the
    same random numbers."""

    scenarios: tuple[Scenario, ...]
    rep: int
    shares_states: ClassVar[bool] = True       # a re-run with another reform starts from the same states

    def key(self) -> dict:
        return {"task": "comparison", "rep": self.rep,
                "drawn": [replication_scenario(s, self.rep)[1] for s in self.scenarios],
                "scenarios": [scenario_key(s) for s in self.scenarios]}

    def __call__(self) -> dict:
        states, parts = {}, {}
        for scenario in self.scenarios:
            # the base's and the reforms' warm-up rules are one (sim.warmup): one state for all
            done = run_replication(scenario, self.rep, states=states)
            parts[done.scenario.name] = done.part
        return {"parts": parts}

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenarios[0])


@dataclasses.dataclass(frozen=True, eq=False)
class AttributionTask:
    """One scenario of a comparison in one replication with its attribution (sim.attribution): the run
    traced, then every paying instrument switched off in turn, from the replication's starting state (one
    for every compared scenario: found in the task store or as the last state built in this process, else
    built). A task per scenario rather than per replication: a few dozen runs each, so workers share them
    out evenly."""

    scenarios: tuple[Scenario, ...]
    rep: int
    index: int                                 # the scenario run and attributed: scenarios[index]
    window: int = attr.DEFAULT_WINDOW
    shares_states: ClassVar[bool] = True

    def key(self) -> dict:
        scenario = self.scenarios[self.index]
        return {"task": "attribution", "rep": self.rep, "window": self.window,
                "drawn": replication_scenario(scenario, self.rep)[1], "scenario": scenario_key(scenario)}

    def __call__(self) -> dict:
        scenario = self.scenarios[self.index]
        enabled = sum(ins.enabled for ins in scenario.instruments)     # drawing changes behaviour only
        trace = attr.FactualTrace(max(enabled, 1), warmup.warmup_months(scenario))
        done = run_replication(scenario, self.rep, observe=trace)
        table = attr.attribute_replication(done.scenario, self.rep, done.state, done.record, trace, done.part["costs"],
                                           lambda s, r: paid_by_instrument(r, month_labels(s)), self.window)
        return {"parts": {done.scenario.name: done.part}, "attribution": table.assign(scenario=done.scenario.name)}

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenarios[0])


def attribution_tasks(scenarios: tuple[Scenario, ...], reps: int, window: int, executor: str) -> list[AttributionTask]:
    """The attribution tasks in the order that shares starting states best: serially, a replication's
    scenarios one after the other (the state just built is kept in memory); on workers, every
    replication's base first (each builds and stores its replication's state, which the reforms' tasks,
    started later, load from the task store instead of building it again at the same time)."""
    if executor == "serial":
        return [AttributionTask(scenarios, rep, i, window) for rep in range(reps) for i in range(len(scenarios))]
    return [AttributionTask(scenarios, rep, i, window) for i in range(len(scenarios)) for rep in range(reps)]


def _check_comparable(scenarios: list[Scenario]) -> None:
    base = scenarios[0]
    problems = []
    names = [s.name for s in scenarios]
    for s in scenarios[1:]:
        if names.count(s.name) > 1:
            problems.append(Problem(str(s.path), "scenario.name", s.name,
                                    "each compared scenario needs its own name (results are stored under it)"))
        if (s.start, s.months) != (base.start, base.months):
            problems.append(Problem(str(s.path), "scenario.start", f"{s.start} for {s.months} months",
                                    f"the same months as the base ({base.start} for {base.months} months): "
                                    "a comparison is month by month"))
        if s.locality != base.locality:
            problems.append(Problem(str(s.path), "scenario.locality", s.locality,
                                    f"the base's locality {base.locality!r}: different places are not a paired "
                                    "comparison"))
    if problems:
        raise ScenarioError(problems)


def indicator_table(results: Results) -> pd.DataFrame:
    """Long table `rep, category, year, key, value` of the compared indicators of one scenario:
    cost (paid, yuan) by year and over the horizon — cash spending in total (`total`), revenue forgone
    in total (`forgone_total`, never in `total`), by fund and by instrument — the outcomes of
    catalogue's `COMPARED` and the UI fund's metrics, each year by its year rule (`sim.metrics`; none
    for a fund pooled above the area, which has no balance of its own)."""
    costs = _with_rep(results.costs)
    costs = costs.assign(year=costs["month"].str.slice(0, 4))
    frames = []
    for year_all in (False, True):
        c = costs.assign(year="all") if year_all else costs
        cash = is_cash(c["funding"])
        frames.append(c[cash].groupby(["rep", "year"])["amount_yuan"].sum().reset_index().assign(key="total"))
        if (~cash).any():
            frames.append(c[~cash].groupby(["rep", "year"])["amount_yuan"].sum().reset_index()
                          .assign(key="forgone_total"))
        frames.append(c.groupby(["rep", "year", "funding"])["amount_yuan"].sum().reset_index()
                      .assign(key=lambda d: "fund:" + d["funding"]).drop(columns="funding"))
        frames.append(c.groupby(["rep", "year", "instrument"])["amount_yuan"].sum().reset_index()
                      .rename(columns={"instrument": "key"}))
    cost = pd.concat(frames, ignore_index=True).rename(columns={"amount_yuan": "value"}).assign(category="cost")
    outcomes = _with_rep(results.outcomes)
    outcome = _by_year(outcomes[outcomes["metric"].isin(COMPARED)], YEAR_RULE, "outcome")
    funds = _with_rep(results.funds)
    rules = {m.column: m.year_rule for m in FUND_METRICS}           # keyed by the funds.csv column
    ui = funds[funds["fund"] == "ui_fund"].melt(id_vars=["rep", "month"], value_vars=list(rules),
                                                var_name="metric", value_name="value")
    fund = _by_year(ui.dropna(subset=["value"]), rules, "fund")
    table = pd.concat([cost, outcome, fund], ignore_index=True)
    return table[["rep", "category", "year", "key", "value"]]


def _with_rep(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "rep" in frame else frame.assign(rep=0)


def _by_year(frame: pd.DataFrame, rules: dict[str, str], category: str) -> pd.DataFrame:
    return by_year(frame, "metric", rules).rename(columns={"metric": "key"}).assign(category=category)


def paired_differences(base: pd.DataFrame, reform: pd.DataFrame, reform_name: str,
                       level: float = CI_LEVEL) -> pd.DataFrame:
    """Base and reform means and the mean paired difference (reform − base) with its interval.

    A cost line present in one scenario only counts as zero in the other; an outcome undefined in a
    replication (e.g. no August in the run) is left out of that replication's pair."""
    keys = ["category", "year", "key"]
    merged = base.merge(reform, on=["rep"] + keys, how="outer", suffixes=("_base", "_reform"))
    # every cost line in every replication: a replication with no payment on a line has no row
    reps = pd.DataFrame({"rep": sorted(set(base["rep"]) | set(reform["rep"]))})
    lines = merged.loc[merged["category"] == "cost", keys].drop_duplicates()
    merged = reps.merge(lines, how="cross").merge(merged, on=["rep"] + keys, how="outer")
    cost = merged["category"] == "cost"
    merged.loc[cost] = merged.loc[cost].fillna({"value_base": 0.0, "value_reform": 0.0})
    merged["difference"] = merged["value_reform"] - merged["value_base"]
    rows = []
    for (category, year, key), group in merged.groupby(keys, sort=False):
        low, high = mean_interval(group["difference"].to_numpy(), level)
        rows.append({"reform": reform_name, "category": category, "year": year, "key": key,
                     "base": group["value_base"].mean(), "reform_value": group["value_reform"].mean(),
                     "difference": group["difference"].mean(), "ci_low": low, "ci_high": high,
                     "reps": int(group["difference"].notna().sum())})
    out = pd.DataFrame(rows)
    order = {"cost": 0, "outcome": 1, "fund": 2}
    return out.sort_values(["category", "year", "key"], key=lambda s: s.map(order) if s.name == "category" else s,
                           kind="stable").reset_index(drop=True)
