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
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim import warmup
from sim.engine import simulate
from sim.ledger import costs_table, funds_table
from sim.outcomes import outcome_values, outcomes_table
from sim.params import Scenario
from sim.params.months import calendar_month, month_label
from sim.uncertainty import replication_scenario


@dataclasses.dataclass
class Replication:
    """What `run_replication` returns: the part, the engine's record, the scenario as run (drawn
    parameters applied, instruments switched off) and its starting state (sim.warmup; None for a
    register run)."""

    part: dict
    record: Any
    scenario: Scenario
    state: warmup.WarmState | None


def run_replication(scenario: Scenario, rep: int, *, states: dict | None = None,
                    switch_off: tuple[str, ...] = (), register=None,
                    observe: Callable | None = None, progress: Callable[[int, int], None] | None = None) -> Replication:
    """Replication `rep` of `scenario`.

    Parameters
    ----------
    states : dict, optional
        Starting states (sim.warmup: the population warmed up under the base document's rules) shared
        by the runs of one replication, by `warmup.warm_key`: built here when missing, then reused
        (never modified) — the common random numbers of a comparison. Without it the last state built
        in this process is reused when its key matches (`warmup.starting_state`).
    switch_off : tuple of str
        Instruments disabled in this run (after the parameters are drawn; the draws do not change).
    register, observe, progress
        As for `sim.engine.simulate`.
    """
    drawn_scenario, drawn = replication_scenario(scenario, rep)
    for instrument_id in switch_off:
        drawn_scenario = without(drawn_scenario, instrument_id)
    state = None
    if register is None:                      # a register run starts from the register (no warm-up)
        if states is None:
            state = warmup.starting_state(drawn_scenario, rep)
        else:
            key = warmup.warm_key(drawn_scenario, rep)
            if key not in states:
                states[key] = warmup.starting_state(drawn_scenario, rep)
            state = states[key]
    record = warmup.run(drawn_scenario, rep, state=state, progress=progress, observe=observe, register=register)
    return Replication(part=replication_part(drawn_scenario, record, drawn), record=record,
                       scenario=drawn_scenario, state=state)


def without(scenario: Scenario, instrument_id: str) -> Scenario:
    """The scenario with one instrument disabled (nothing else changes)."""
    instruments = tuple(dataclasses.replace(ins, enabled=False) if ins.id == instrument_id else ins
                        for ins in scenario.instruments)
    return dataclasses.replace(scenario, instruments=instruments)


def month_labels(scenario: Scenario) -> list[str]:
    return [month_label(scenario.start, t) for t in range(scenario.months)]


def replication_tables(scenario: Scenario, record) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(costs, outcomes, funds) of one replication's record; with replications, tagged with `rep`."""
    labels = month_labels(scenario)
    calendar = np.array([calendar_month(scenario.start, t) for t in range(scenario.months)])
    c = costs_table(record, labels, scenario.city_share, scenario.transfer_share)
    recorded_share = scenario.behaviour["statistics"]["recorded_share_new_jobs"]
    o = outcomes_table(outcome_values(record.outcomes, calendar, recorded_share_new_jobs=recorded_share), labels,
                       record.population.weight)
    f = funds_table(record, labels, c, scenario.profile["ui_fund"]["pooling"])
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
            "seed": scenario.seed, "warmup": warmup.describe(scenario)}     # its rules may be another file


def warm_up(scenario: Scenario) -> None:
    """Compile the kernels (or load them from numba's cache) with a tiny run of `scenario`."""
    simulate(dataclasses.replace(scenario, persons=200), replication=0)


@dataclasses.dataclass(frozen=True, eq=False)
class ReplicationTask:
    """One replication of one scenario (`sim.run` with replications)."""

    scenario: Scenario
    rep: int
    shares_states: ClassVar[bool] = False      # its re-run reuses the stored task, not the state (sim.tasks)

    def key(self) -> dict:
        drawn = replication_scenario(self.scenario, self.rep)[1]
        return {"task": "replication", "rep": self.rep, "drawn": drawn, **scenario_key(self.scenario)}

    def __call__(self) -> dict:
        return run_replication(self.scenario, self.rep).part

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenario)
