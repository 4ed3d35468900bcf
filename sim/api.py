"""The public API behind `sim.run` and `sim.load_scenario`."""
from __future__ import annotations

import copy
import dataclasses
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from sim.engine import simulate
from sim.ledger import budget_table, costs_table, funds_table
from sim.outcomes import outcome_values, outcomes_table
from sim.params import Problem, Scenario, ScenarioError, load_scenario
from sim.params.errors import NO_VALUE
from sim.params.compile import canonical_sha256
from sim.population.register import load_register
from sim.params.months import calendar_month, month_label
from sim.results import Results, manifest


def run(scenario: Scenario | str | Path, *, persons: int | None = None, months: int | None = None,
        seed: int | None = None, reps: int | None = None, keep_records: bool = False,
        progress: Callable[[int, int], None] | None = None, population: str | Path | None = None,
        firms: str | Path | None = None, drop_invalid: bool = False) -> Results:
    """Run a scenario and return its results as DataFrames.

    Parameters
    ----------
    scenario : Scenario or path
        A loaded scenario, or a scenario file to load (overrides below apply either way).
    persons, months, seed, reps : int, optional
        Override the scenario's `[run]`/`[scenario]` values.
    keep_records : bool
        Keep the engine's raw records (population arrays, ledgers) on the result (`res.records`).
    progress : callable(done_months, total_months), optional
    population : str or Path, optional
        A person register (CSV or Parquet, docs/register.md) to start from instead of the synthetic
        population; its accepted rows are the persons (so `persons` may not be given).
    firms : str or Path, optional
        A firms file linked to the register by 单位编号/firm_id (default: firms synthesised).
    drop_invalid : bool
        Drop invalid register rows (counted and listed in the manifest) instead of failing.

    Returns
    -------
    Results : `costs`, `budget`, `outcomes`, `funds` DataFrames and the `manifest`.

    Raises
    ------
    ScenarioError
        With every problem of the scenario, or of the register and firms file.
    """
    check_register_options(persons, population, firms, drop_invalid)
    scenario = resolve(scenario, persons=persons, months=months, seed=seed, reps=reps)
    register = None
    if population is not None:
        register = load_register(population, profile=scenario.profile, start=scenario.start, firms=firms,
                                 drop_invalid=drop_invalid)
        scenario = _with_persons(scenario, len(register))
    started = time.perf_counter()
    tables, records = [], []
    total = scenario.months * scenario.reps
    for rep in range(scenario.reps):
        step = None if progress is None else (lambda done, _n, rep=rep: progress(rep * scenario.months + done, total))
        record = simulate(scenario, replication=rep, progress=step, register=register)
        tables.append(replication_tables(scenario, record))
        if keep_records:
            records.append(record)
    return assemble(scenario, tables, last=record, started=started, records=records, register=register)


def resolve(scenario: Scenario | str | Path, *, persons: int | None = None, months: int | None = None,
            seed: int | None = None, reps: int | None = None) -> Scenario:
    """The scenario to run: loaded from its file when given a path or any override."""
    if not isinstance(scenario, Scenario) or any(v is not None for v in (persons, months, seed, reps)):
        path = scenario.path if isinstance(scenario, Scenario) else scenario
        scenario = load_scenario(path, persons=persons, months=months, seed=seed, reps=reps)
    return scenario


def month_labels(scenario: Scenario) -> list[str]:
    return [month_label(scenario.start, t) for t in range(scenario.months)]


def replication_tables(scenario: Scenario, record) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(costs, outcomes, funds) of one replication's record; with replications, tagged with `rep`."""
    labels = month_labels(scenario)
    calendar = np.array([calendar_month(scenario.start, t) for t in range(scenario.months)])
    c = costs_table(record, labels, scenario.city_share)
    recorded_share = scenario.behaviour["statistics"]["recorded_share_new_jobs"]
    o = outcomes_table(outcome_values(record.outcomes, calendar, recorded_share_new_jobs=recorded_share), labels,
                       record.population.weight)
    f = funds_table(record, labels, c)
    if scenario.reps > 1:
        c, o, f = (frame.assign(rep=record.replication) for frame in (c, o, f))
    return c, o, f


def assemble(scenario: Scenario, tables: list, *, last, started: float, records: list = (),
             register=None) -> Results:
    """Results from the replications' tables (`last`: any replication's record, for the manifest;
    `register`: the person register the run started from, if any)."""
    costs_all = pd.concat([c for c, _, _ in tables], ignore_index=True)
    names = {ins.id: ins.name_zh for ins in scenario.instruments}
    budget = _budget(costs_all, names, scenario.reps)
    timings = dict(last.timings, total_seconds=round(time.perf_counter() - started, 3))
    meta = manifest(scenario, reps=scenario.reps, weight=last.population.weight,
                    initial_persons=last.population.initial_persons, total_persons=len(last.population.persons),
                    timings=timings, register=None if register is None else register.manifest())
    return Results(costs=costs_all, budget=budget, outcomes=pd.concat([o for _, o, _ in tables], ignore_index=True),
                   funds=pd.concat([f for _, _, f in tables], ignore_index=True), manifest=meta,
                   records=list(records), notices=[] if register is None else register.notices)


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
    keys = ["year", "instrument", "name_zh", "type", "line", "funding"]
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
