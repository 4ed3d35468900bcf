"""The public API behind `sim.run` and `sim.load_scenario`."""
from __future__ import annotations

import copy
import dataclasses
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from sim.ledger import budget_table
from sim.params import Problem, Scenario, ScenarioError, load_scenario
from sim.params.compile import canonical_sha256
from sim.params.errors import NO_VALUE
from sim.population.register import load_register
from sim import warmup
from sim.replicate import ReplicationTask, run_replication
from sim.results import Results, manifest
from sim.executors import resolved
from sim.tasks import run_tasks
from sim.uncertainty import bands


def run(scenario: Scenario | str | Path, *, persons: int | None = None, months: int | None = None,
        seed: int | None = None, reps: int | None = None, keep_records: bool = False,
        progress: Callable[[int, int], None] | None = None, population: str | Path | None = None,
        firms: str | Path | None = None, drop_invalid: bool = False, executor: str = "serial",
        workers: int | None = None, scheduler: str | None = None, store: str | Path | None = None,
        month_progress: Callable[[str, int, int], None] | None = None) -> Results:
    """Run a scenario and return its results as DataFrames.

    Parameters
    ----------
    scenario : Scenario or path
        A loaded scenario, or a scenario file to load (overrides below apply either way).
    persons, months, seed, reps : int, optional
        Override the scenario's `[run]`/`[scenario]` values.
    keep_records : bool
        Keep the engine's raw records (population arrays, ledgers) on the result (`res.records`); the
        replications then run in this process.
    progress : callable(done, total), optional
        In this process without a store: months simulated; otherwise replications finished.
    population : str or Path, optional
        A person register (CSV or Parquet, docs/register.md) to start from instead of the synthetic
        population; its accepted rows are the persons (so `persons` may not be given). The replications
        then run in this process (the register's rows are not shipped to workers).
    firms : str or Path, optional
        A firms file linked to the register by 单位编号/firm_id (default: firms synthesised).
    drop_invalid : bool
        Drop invalid register rows (counted and listed in the manifest) instead of failing.
    executor : {"serial", "processes", "dask", "auto"}
        Where the replications run (`sim.executors`; ``auto``: processes for two replications or more on
        two cores or more); results are identical whichever is used.
    workers : int, optional
        Worker processes for ``processes``/``dask`` (default: the cores available).
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); default a local cluster.
    store : path, optional
        Task store folder (`sim.tasks`): finished replications are kept there and not run again.
    month_progress : callable(phase, done, total), optional
        Every month simulated in this process (executor ``serial``): phase ``"warmup"`` (building a
        replication's starting state) or ``"report"`` (its reported months), `done` of `total` months
        (`sim.warmup.months_reported_to`).

    Returns
    -------
    Results : `costs`, `budget`, `outcomes`, `funds` DataFrames, `bands` (with replications) and the
    `manifest`.

    Raises
    ------
    ScenarioError
        With every problem of the scenario, or of the register and firms file.
    """
    check_register_options(persons, population, firms, drop_invalid)
    scenario = resolve(scenario, persons=persons, months=months, seed=seed, reps=reps)
    register = None
    if population is not None and executor == "auto":        # a register run is always this process's
        executor = "serial"
    if population is not None and executor != "serial":
        raise ScenarioError([Problem("command line", "--executor", executor, "a run from a register (--population) "
                                     "runs in this process: its person rows are not sent to workers; use serial")])
    if population is not None:
        register = load_register(population, profile=scenario.profile, start=scenario.start, firms=firms,
                                 drop_invalid=drop_invalid)
        scenario = _with_persons(scenario, len(register))
    started = time.perf_counter()
    parts, records = [], []
    executor = resolved(executor, scenario.reps, workers)
    if keep_records or register is not None or (executor == "serial" and store is None):
        total = scenario.months * scenario.reps
        with warmup.months_reported_to(month_progress):
            for rep in range(scenario.reps):
                step = None if progress is None else (lambda done, _n, rep=rep: progress(rep * scenario.months + done,
                                                                                         total))
                done = run_replication(scenario, rep, progress=step, register=register)
                parts.append(done.part)
                if keep_records:
                    records.append(done.record)
        execution = {"executor": "serial", "workers": 1}
    else:
        tasks = run_tasks([ReplicationTask(scenario, rep) for rep in range(scenario.reps)], executor=executor,
                          workers=workers, scheduler=scheduler, store=store, progress=progress,
                          month_progress=month_progress)
        parts = tasks.results
        execution = tasks.execution()
    return assemble(scenario, parts, started=started, records=records, execution=execution, register=register)


def resolve(scenario: Scenario | str | Path, *, persons: int | None = None, months: int | None = None,
            seed: int | None = None, reps: int | None = None) -> Scenario:
    """The scenario to run: loaded from its file when given a path, or reloaded with any override (a loaded
    scenario keeps its own overrides, `set` and sizes, where the new ones do not replace them)."""
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, persons=persons, months=months, seed=seed, reps=reps)
    if all(v is None for v in (persons, months, seed, reps)):
        return scenario
    mine = {"persons": scenario.persons, "months": scenario.months, "seed": scenario.seed, "reps": scenario.reps}
    given = {"persons": persons, "months": months, "seed": seed, "reps": reps}
    return load_scenario(scenario.path, set=scenario.overrides or None,
                         **{k: mine[k] if v is None else v for k, v in given.items()})


def assemble(scenario: Scenario, parts: list[dict], *, started: float, records: list = (),
             execution: dict | None = None, register=None) -> Results:
    """Results from the replications' parts (`sim.replicate.replication_part`), replication 0 first (`register`: the
    person register the run started from, if any)."""
    reps = scenario.reps

    def stack(name: str) -> pd.DataFrame:
        frames = [p[name].assign(rep=rep) if reps > 1 else p[name] for rep, p in enumerate(parts)]
        return pd.concat(frames, ignore_index=True)

    costs_all, outcomes, funds = stack("costs"), stack("outcomes"), stack("funds")
    names = {ins.id: ins.name_zh for ins in scenario.instruments}
    budget = _budget(costs_all, names, reps)
    last = parts[-1]["meta"]
    timings = dict(last["timings"], total_seconds=round(time.perf_counter() - started, 3))
    meta = manifest(scenario, reps=reps, weight=last["weight"], initial_persons=last["initial_persons"],
                    total_persons=last["total_persons"], timings=timings,
                    register=None if register is None else register.manifest())
    meta["warmup"] = warmup.describe(scenario, register)
    if execution:
        meta["execution"] = execution
    if scenario.distributions:
        meta["parameter_distributions"] = scenario.distributions
        meta["parameter_draws"] = [{"rep": rep, **p["drawn"]} for rep, p in enumerate(parts)] \
            if any(p["drawn"] for p in parts) else "central values (one replication or parameter_uncertainty = false)"
    return Results(costs=costs_all, budget=budget, outcomes=outcomes, funds=funds, manifest=meta,
                   records=list(records), bands=outcome_bands(outcomes, funds) if reps > 1 else None,
                   notices=[] if register is None else register.notices)


def outcome_bands(outcomes: pd.DataFrame, funds: pd.DataFrame) -> pd.DataFrame:
    """Mean and P5/P50/P95 over replications of every outcome and of the UI fund's balance and months
    of cover, month by month (`month, metric, mean, p5, p50, p95, reps`)."""
    ui = funds[funds["fund"] == "ui_fund"].melt(id_vars=["rep", "month"], value_vars=["balance", "months_of_cover"],
                                                var_name="metric", value_name="value")
    ui["metric"] = "ui_fund_" + ui["metric"]
    frame = pd.concat([outcomes[["rep", "month", "metric", "value"]], ui], ignore_index=True)
    out = bands(frame, ["month", "metric"])
    order = {m: k for k, m in enumerate(dict.fromkeys(frame["metric"]))}
    return out.sort_values(["metric", "month"], key=lambda c: c.map(order) if c.name == "metric" else c,
                           kind="stable").reset_index(drop=True)


def check_register_options(persons: int | None, population, firms, drop_invalid: bool) -> None:
    """The register options must come together: --firms and --drop-invalid need --population, which
    replaces --persons (its accepted rows are the persons)."""
    problems = []
    if population is not None and persons is not None:
        problems.append(Problem("command line", "--persons", persons, "cannot be combined with --population: "
                                "the register's accepted rows are the persons"))
    for option, given in (("--firms", firms is not None), ("--drop-invalid", drop_invalid)):
        if given and population is None:
            problems.append(Problem("command line", option, NO_VALUE, "needs --population FILE"))
    if problems:
        raise ScenarioError(problems)


def _with_persons(scenario: Scenario, persons: int) -> Scenario:
    """The scenario with `run.persons` set to the register's rows (the manifest's resolved scenario and
    its hash say so, as for a --persons override). Not validated against the schema's minimum: a
    small register is still a population."""
    document = copy.deepcopy(scenario.document)
    document["run"]["persons"] = persons
    return dataclasses.replace(scenario, persons=persons, document=document, sha256=canonical_sha256(document))


def _budget(costs: pd.DataFrame, names: dict[str, str], reps: int) -> pd.DataFrame:
    """Annual budget; with replications, the mean and P5/P50/P95 over replications, a replication with
    no payment on a line counting as zero (not as missing)."""
    keys = ["year", "instrument", "name_zh", "type", "line", "funding", "kind"]
    if reps == 1 or costs.empty:
        table = budget_table(costs.drop(columns="rep", errors="ignore"), names)
        return table if reps == 1 else table.assign(p5=[], p50=[], p95=[])[
            keys + ["amount_yuan", "amount_wan", "p5", "p50", "p95", "payments"]]
    per_rep = pd.concat([budget_table(group.drop(columns="rep"), names).assign(rep=rep)
                         for rep, group in costs.groupby("rep")], ignore_index=True)
    amounts = per_rep.pivot_table(index=keys, columns="rep", values="amount_yuan", fill_value=0.0)
    payments = per_rep.pivot_table(index=keys, columns="rep", values="payments", fill_value=0)
    amounts = amounts.reindex(columns=range(reps), fill_value=0.0)
    payments = payments.reindex(columns=range(reps), fill_value=0)
    out = pd.DataFrame({"amount_yuan": amounts.mean(axis=1).round(2), "payments": payments.mean(axis=1).round(1),
                        "p5": amounts.quantile(0.05, axis=1).round(2), "p50": amounts.quantile(0.5, axis=1).round(2),
                        "p95": amounts.quantile(0.95, axis=1).round(2)}).reset_index()
    out["amount_wan"] = (out["amount_yuan"] / 10_000).round(4)
    return out[keys + ["amount_yuan", "amount_wan", "p5", "p50", "p95", "payments"]]
