"""One replication of a scenario: its parameters drawn, simulated, summarised into tables.

`run_replication` is the one function that runs a replication, for `sim.run` in this process and
for every task kind (`ReplicationTask` here, `sim.compare.ComparisonTask`, `sim.sweep.PointTask`).
A replication's result is its `part`: cost, outcome and fund tables, its drawn parameters and what the
manifest needs of its record, never person arrays.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sim.engine import simulate
from sim.ledger import costs_table, funds_table
from sim.outcomes import outcome_values, outcomes_table
from sim.params import Scenario
from sim.params.compile import canonical_sha256
from sim.params.months import calendar_month, month_label
from sim.population.synthetic import synthesize
from sim.uncertainty import replication_scenario


@dataclasses.dataclass
class Replication:
    """What `run_replication` returns: the part, the engine's record, the scenario as run (drawn
    parameters applied, instruments switched off) and its starting population when shared."""

    part: dict
    record: Any
    scenario: Scenario
    population: Any | None


def run_replication(scenario: Scenario, rep: int, *, populations: dict | None = None,
                    switch_off: tuple[str, ...] = (), register=None,
                    observe: Callable | None = None, progress: Callable[[int, int], None] | None = None) -> Replication:
    """Replication `rep` of `scenario`.

    Parameters
    ----------
    populations : dict, optional
        Starting populations shared by the runs of one replication, by `population_key`: built here
        when missing, then reused (copied by the engine, never modified) — the common random numbers
        of a comparison. Without it the engine builds the population itself.
    switch_off : tuple of str
        Instruments disabled in this run (after the parameters are drawn; the draws do not change).
    register, observe, progress
        As for `sim.engine.simulate`.
    """
    drawn_scenario, drawn = replication_scenario(scenario, rep)
    for instrument_id in switch_off:
        drawn_scenario = without(drawn_scenario, instrument_id)
    population = None
    if populations is not None:
        key = population_key(drawn_scenario)
        if key not in populations:
            populations[key] = synthesize(drawn_scenario.profile, drawn_scenario.behaviour,
                                          persons=drawn_scenario.persons, start=drawn_scenario.start,
                                          months=drawn_scenario.months, seed=drawn_scenario.seed, replication=rep)
        population = populations[key]
    record = simulate(drawn_scenario, replication=rep, progress=progress, observe=observe, population=population,
                      register=register)
    return Replication(part=replication_part(drawn_scenario, record, drawn), record=record,
                       scenario=drawn_scenario, population=population)


def without(scenario: Scenario, instrument_id: str) -> Scenario:
    """The scenario with one instrument disabled (nothing else changes)."""
    instruments = tuple(dataclasses.replace(ins, enabled=False) if ins.id == instrument_id else ins
                        for ins in scenario.instruments)
    return dataclasses.replace(scenario, instruments=instruments)


def population_key(scenario: Scenario) -> str:
    """Scenarios share a starting population when everything `synthesize` reads is the same."""
    return canonical_sha256({"profile": scenario.profile, "behaviour": scenario.behaviour, "persons": scenario.persons,
                             "start": scenario.start, "months": scenario.months, "seed": scenario.seed})


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


def replication_part(scenario: Scenario, record, drawn: dict) -> dict:
    """One replication's aggregates: its tables without the `rep` column, its drawn parameters, and what
    the manifest needs of its record (the unit a task returns: never person arrays)."""
    costs, outcomes, funds = (t.drop(columns="rep", errors="ignore") for t in replication_tables(scenario, record))
    population = record.population
    return {"costs": costs, "outcomes": outcomes, "funds": funds, "drawn": drawn,
            "meta": {"weight": population.weight, "initial_persons": population.initial_persons,
                     "total_persons": len(population.persons), "timings": dict(record.timings)}}


def scenario_key(scenario: Scenario) -> dict:
    """What a replication's result depends on, besides the replication: the document without
    ``run.reps`` (a replication does not depend on how many others there are), the locality files and
    the distributions."""
    document = dict(scenario.document, run={k: v for k, v in scenario.document["run"].items() if k != "reps"})
    return {"scenario": document, "profile": scenario.profile, "behaviour": scenario.behaviour,
            "distributions": scenario.distributions, "persons": scenario.persons, "months": scenario.months,
            "seed": scenario.seed}


def warm_up(scenario: Scenario) -> None:
    """Compile the kernels (or load them from numba's cache) with a tiny run of `scenario`."""
    simulate(dataclasses.replace(scenario, persons=200), replication=0)


@dataclasses.dataclass(frozen=True, eq=False)
class ReplicationTask:
    """One replication of one scenario (`sim.run` with replications)."""

    scenario: Scenario
    rep: int

    def key(self) -> dict:
        drawn = replication_scenario(self.scenario, self.rep)[1]
        return {"task": "replication", "rep": self.rep, "drawn": drawn, **scenario_key(self.scenario)}

    def __call__(self) -> dict:
        return run_replication(self.scenario, self.rep).part

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenario)
