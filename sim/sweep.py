"""Sweeps: one scenario at many parameter points, each point in every replication, as tasks.

A `PointTask` is one design point of a sweep or sensitivity analysis in one replication (a run summary,
`sim.metrics.summarise`); a `FunctionTask` evaluates a plain function of the parameter values instead
of the model (tests with an analytic answer). Both run through `sim.tasks.run_tasks`, on any executor,
each finished task stored under its content hash.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from sim.metrics import summarise
from sim.params import Scenario, load_scenario
from sim.replicate import run_replication, scenario_key, warm_up
from sim.tasks import TaskRun, run_tasks
from sim.uncertainty import replication_scenario


@dataclasses.dataclass(frozen=True, eq=False)
class PointTask:
    """One design point (a scenario loaded with its overrides) in one replication: a run summary
    (`sim.metrics.summarise`), and with `switch_off` the summary of the same run with those
    instruments disabled (for cost per additional job)."""

    scenario: Scenario
    rep: int
    switch_off: tuple[str, ...] | None = None
    shares_states: ClassVar[bool] = True       # design points differing in reported-month rules share one

    def key(self) -> dict:
        return {"task": "point", "rep": self.rep, "switch_off": self.switch_off,
                "drawn": replication_scenario(self.scenario, self.rep)[1], **scenario_key(self.scenario)}

    def __call__(self) -> dict:
        states: dict = {}
        factual = run_replication(self.scenario, self.rep, states=states).part
        summary = summarise(factual["costs"], factual["outcomes"], factual["funds"])
        if self.switch_off is not None:
            cf = run_replication(self.scenario, self.rep, states=states, switch_off=self.switch_off).part
            summary["counterfactual"] = summarise(cf["costs"], cf["outcomes"], cf["funds"]) | \
                {"switched_off": list(self.switch_off)}
        return summary | {"drawn": factual["drawn"]}

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenario)


@dataclasses.dataclass(frozen=True, eq=False)
class FunctionTask:
    """A design point evaluated by a plain function of the parameter values instead of the model
    (tests with an analytic answer, e.g. the Ishigami function, through the same sweep machinery)."""

    function: Callable[[dict], dict]
    values: tuple[tuple[str, float], ...]
    rep: int = 0

    def key(self) -> dict:
        f = self.function
        return {"task": "function", "function": f"{f.__module__}.{f.__qualname__}", "values": self.values,
                "rep": self.rep}

    def __call__(self) -> dict:
        return self.function(dict(self.values))


def sweep(scenario: str | Path, points: Sequence[dict[str, Any]], *, persons: int | None = None,
          months: int | None = None, seed: int | None = None, reps: int | None = None,
          switch_off: tuple[str, ...] | None = None, executor: str = "serial", workers: int | None = None,
          scheduler: str | None = None, store: Path | str | None = None,
          progress: Callable[[int, int], None] | None = None) -> tuple[list[list[dict]], TaskRun]:
    """Run a scenario at several parameter points, each in every replication, on common random numbers.

    Parameters
    ----------
    scenario : path
        The scenario file.
    points : sequence of dict
        Each a ``set`` of overrides (`sim.load_scenario`), e.g. ``{"instruments.SR-05.share.sme": 0.9}``.
    persons, months, seed, reps : int, optional
        As for `sim.run`; every point uses the same seed and replications.
    switch_off : tuple of str, optional
        Also run each point with these instruments disabled (`sim.metrics`: cost per additional job).
    executor, workers, scheduler, store, progress
        As for `sim.tasks.run_tasks`.

    Returns
    -------
    summaries : list of list of dict
        ``summaries[point][rep]``: the run summaries (`sim.metrics.summarise`; read metrics with
        `sim.metrics.value`).
    run : TaskRun
    """
    loaded = [load_scenario(scenario, persons=persons, months=months, seed=seed, reps=reps, set=point or None)
              for point in points]
    n_reps = loaded[0].reps if loaded else 1
    tasks = [PointTask(s, rep, switch_off) for s in loaded for rep in range(n_reps)]
    done = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, store=store, progress=progress)
    summaries = [done.results[i * n_reps:(i + 1) * n_reps] for i in range(len(loaded))]
    return summaries, done
