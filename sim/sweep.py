"""Sweeps: many runs as tasks, on any executor, each finished task stored under its content hash.

A task is one replication of a scenario (`ReplicationTask`), one replication of a comparison
(`ComparisonTask`: every scenario and counterfactual of that replication on one shared population) or
one design point of a sensitivity analysis (`PointTask`). It builds its population where it runs and
returns aggregates only (cost, outcome and fund tables, or a run summary), never person arrays.

Resume: `run_tasks` stores each result in ``<store>/<sha256>.pkl``, the hash taken over everything
the result depends on — the resolved scenario document (with its overrides), the locality's profile,
behaviour and distributions, the replication's drawn parameters, seed, replication, persons, months
and the code version (package version and a hash of the package's sources). Files are written to a
temporary name and renamed, so a killed sweep leaves finished tasks and at most a stray temporary
file (removed on the next run), never a half-written result; re-running finds every finished task and
computes only the rest. The store is trusted input (pickle): keep it inside your results folder.
"""
from __future__ import annotations

import dataclasses
import functools
import pickle
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim import warmup
from sim.api import replication_part
from sim.engine import simulate
from sim.params import Scenario
from sim.params.compile import canonical_sha256
from sim.results import atomic_write, code_version
from sim.uncertainty import replication_scenario

STORE_SUFFIX = ".pkl"


def _scenario_key(scenario: Scenario) -> dict:
    """What a replication's result depends on, besides the replication: the document without
    ``run.reps`` (a replication does not depend on how many others there are), the locality files and
    the distributions."""
    document = dict(scenario.document, run={k: v for k, v in scenario.document["run"].items() if k != "reps"})
    return {"scenario": document, "profile": scenario.profile, "behaviour": scenario.behaviour,
            "distributions": scenario.distributions, "persons": scenario.persons, "months": scenario.months,
            "seed": scenario.seed}


@dataclasses.dataclass(frozen=True, eq=False)
class ReplicationTask:
    """One replication of one scenario (`sim.run` with replications)."""

    scenario: Scenario
    rep: int

    def key(self) -> dict:
        drawn = replication_scenario(self.scenario, self.rep)[1]
        return {"task": "replication", "rep": self.rep, "drawn": drawn, **_scenario_key(self.scenario)}

    def __call__(self) -> dict:
        scenario, drawn = replication_scenario(self.scenario, self.rep)
        return replication_part(scenario, warmup.run(scenario, self.rep), drawn)

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenario)


@dataclasses.dataclass(frozen=True, eq=False)
class ComparisonTask:
    """One replication of a comparison: every scenario (and, with attribution, every counterfactual)
    from the same starting state (sim.warmup) with the same random numbers."""

    scenarios: tuple[Scenario, ...]
    rep: int
    attribution: bool = False
    window: int = 3

    def key(self) -> dict:
        return {"task": "comparison", "rep": self.rep, "attribution": self.attribution, "window": self.window,
                "drawn": [replication_scenario(s, self.rep)[1] for s in self.scenarios],
                "scenarios": [_scenario_key(s) for s in self.scenarios]}

    def __call__(self) -> dict:
        from sim import attribution as attr
        from sim.api import month_labels
        from sim.ledger import costs_table
        states, parts, rows = {}, {}, []
        for base in self.scenarios:
            scenario, drawn = replication_scenario(base, self.rep)
            key = warmup.warm_key(scenario, self.rep)      # the base's and the reforms' warm-up rules are one
            if key not in states:
                states[key] = warmup.starting_state(scenario, self.rep)
            enabled = sum(ins.enabled for ins in scenario.instruments)
            trace = attr.FactualTrace(max(enabled, 1), states[key].months) if self.attribution else None
            record = warmup.run(scenario, self.rep, state=states[key], observe=trace)
            parts[scenario.name] = replication_part(scenario, record, drawn)
            if self.attribution:
                rows.append(attr.attribute_replication(
                    scenario, self.rep, states[key], record, trace, parts[scenario.name]["costs"],
                    lambda s, r: costs_table(r, month_labels(s), s.city_share), self.window)
                    .assign(scenario=scenario.name))
        return {"parts": parts, "attribution": pd.concat(rows, ignore_index=True) if rows else None}

    def warm(self) -> Callable[[], Any]:
        return functools.partial(warm_up, self.scenarios[0])


@dataclasses.dataclass(frozen=True, eq=False)
class PointTask:
    """One design point (a scenario loaded with its overrides) in one replication: a run summary
    (`sim.metrics.summarise`), and with `switch_off` the summary of the same run with those
    instruments disabled (for cost per additional job)."""

    scenario: Scenario
    rep: int
    switch_off: tuple[str, ...] | None = None

    def key(self) -> dict:
        return {"task": "point", "rep": self.rep, "switch_off": self.switch_off,
                "drawn": replication_scenario(self.scenario, self.rep)[1], **_scenario_key(self.scenario)}

    def __call__(self) -> dict:
        from sim.attribution import without
        from sim.metrics import summarise
        scenario, drawn = replication_scenario(self.scenario, self.rep)
        state = warmup.starting_state(scenario, self.rep)
        part = replication_part(scenario, warmup.run(scenario, self.rep, state=state), drawn)
        summary = summarise(part["costs"], part["outcomes"], part["funds"])
        if self.switch_off is not None:
            off = scenario
            for iid in self.switch_off:
                off = without(off, iid)
            cf = replication_part(off, warmup.run(off, self.rep, state=state), drawn)
            summary["counterfactual"] = summarise(cf["costs"], cf["outcomes"], cf["funds"]) | \
                {"switched_off": list(self.switch_off)}
        return summary | {"drawn": drawn}

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


def warm_up(scenario: Scenario) -> None:
    """Compile the kernels (or load them from numba's cache) with a tiny run of `scenario`."""
    simulate(dataclasses.replace(scenario, persons=200), replication=0)


class TaskStore:
    """Finished tasks, one file per content hash (see the module docstring)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for stray in self.folder.glob(".*.tmp"):         # left by a sweep killed while writing
            stray.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{STORE_SUFFIX}"

    def get(self, key: str) -> Any | None:
        path = self.path(key)
        if not path.exists():
            return None
        with path.open("rb") as handle:
            return pickle.load(handle)

    def put(self, key: str, result: Any) -> None:
        atomic_write(self.path(key), lambda p: Path(p).write_bytes(pickle.dumps(result, protocol=5)))

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob(f"*{STORE_SUFFIX}"))


def task_key(task, code: str | None = None) -> str:
    """The content hash of a task: its inputs and the code version."""
    import sim
    return canonical_sha256({"inputs": task.key(), "version": sim.__version__, "code": code or code_version()})


@dataclasses.dataclass
class TaskRun:
    """What `run_tasks` returns: results in task order, and how many were computed or reused."""

    results: list
    computed: int
    reused: int
    seconds: float
    executor: str
    workers: int


def run_tasks(tasks: Sequence, *, executor: str = "serial", workers: int | None = None,
              scheduler: str | None = None, store: Path | str | None = None,
              progress: Callable[[int, int], None] | None = None) -> TaskRun:
    """Run tasks on an executor, reusing and filling a task store.

    Parameters
    ----------
    tasks : sequence of tasks
        `ReplicationTask`, `ComparisonTask`, `PointTask` or `FunctionTask` objects.
    executor : {"serial", "processes", "dask"}
    workers : int, optional
        Worker processes (default: the cores available).
    scheduler : str, optional
        A running dask scheduler's address (``tcp://host:8786``).
    store : path, optional
        Task store folder: finished tasks found there are not run again; new ones are added as they
        finish (by this process, so workers on other machines need no shared disk).
    progress : callable(done, total), optional
        Called with the number of finished tasks (stored ones count as finished at the start).

    Returns
    -------
    TaskRun
    """
    from sim.executors import executor as open_executor
    started = time.perf_counter()
    store = TaskStore(store) if store is not None else None
    code = code_version()
    keys = [task_key(t, code) for t in tasks]
    results: list = [None] * len(tasks)
    pending: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        found = store.get(key) if store is not None and key not in pending else None
        if found is not None:
            results[index] = found
        else:
            pending.setdefault(key, []).append(index)
    reused = len(tasks) - sum(len(v) for v in pending.values())
    done = reused
    if progress is not None:
        progress(done, len(tasks))
    order = list(pending)
    used, n_workers = executor, 1
    if order:
        first = tasks[pending[order[0]][0]]
        warm = first.warm() if executor != "serial" and hasattr(first, "warm") else None
        if warm is not None:
            warm()        # here first: a cold numba cache is filled once, then every worker loads it
        with open_executor(executor, workers=workers, scheduler=scheduler, warm=warm) as pool:
            n_workers = pool.workers
            for position, result in pool.imap([tasks[pending[key][0]] for key in order]):
                key = order[position]
                if store is not None:
                    store.put(key, result)
                for index in pending[key]:
                    results[index] = result
                done += len(pending[key])
                if progress is not None:
                    progress(done, len(tasks))
    return TaskRun(results=results, computed=len(order), reused=reused,
                   seconds=round(time.perf_counter() - started, 3), executor=used, workers=n_workers)


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
        As for `run_tasks`.

    Returns
    -------
    summaries : list of list of dict
        ``summaries[point][rep]``: the run summaries (`sim.metrics.summarise`; read metrics with
        `sim.metrics.value`).
    run : TaskRun
    """
    from sim.params import load_scenario
    loaded = [load_scenario(scenario, persons=persons, months=months, seed=seed, reps=reps, set=point or None)
              for point in points]
    n_reps = loaded[0].reps if loaded else 1
    tasks = [PointTask(s, rep, switch_off) for s in loaded for rep in range(n_reps)]
    done = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, store=store, progress=progress)
    summaries = [done.results[i * n_reps:(i + 1) * n_reps] for i in range(len(loaded))]
    return summaries, done
