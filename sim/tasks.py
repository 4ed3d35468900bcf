"""Generic task machinery: a content key per task, a store of finished tasks, and `run_tasks`.

A task is a picklable object with ``key()`` (a JSON-able description of everything its result depends
on), ``__call__()`` (computes the result where it runs, returning aggregates only, never person arrays)
and optionally ``warm()`` (a picklable callable run once in every worker before its first task: today
it compiles the kernels or loads them from numba's cache; it is the place for a shared warm-up state).
The task kinds live with what they run: `sim.replicate.ReplicationTask`,
`sim.compare.ComparisonTask`, `sim.sweep.PointTask` and `sim.sweep.FunctionTask`.

Resume: `run_tasks` stores each result in ``<store>/<sha256>.pkl``, the hash taken over the task's key
and the code version (package version and the hash of the package's sources, `sim.version`). Files
are written to a temporary name and renamed, so a killed run leaves finished tasks and at most a stray
temporary file (removed by the next run once its writer is gone), never a half-written result; re-running finds every finished
task and computes only the rest. The store is trusted input (pickle): keep it inside your results folder.

Warm states: the store also keeps the starting states of replications (sim.warmup, a warmed-up
population and loop state) as ``<store>/warm-<sha256>.npz``, the hash taken over `warmup.warm_key` and the
code version. `run_tasks` hands its store to `sim.warmup` in this process and in every worker, so a
task whose replication's state is there loads it instead of running the warm-up again (sweeps,
sensitivity, and the variants of a study whose reported-period rules differ all share it). A worker on
a machine where the store's folder does not exist builds its states itself.

Which states are kept (a state is ≈ 90 bytes a person: ≈ 140 MB at the whole city, per replication):
- only for task kinds whose tasks share them — a class attribute ``shares_states = True``: the points of
  a sweep or sensitivity design (`sim.sweep.PointTask`) and comparisons (`sim.compare.ComparisonTask`,
  whose re-runs with another reform or more scenarios start from the same states). A single run's
  replications (`sim.replicate.ReplicationTask`) are stored as finished tasks, which is what its re-run
  reuses; its states are loaded when there but not written;
- at most `STATE_BUDGET_BYTES` of states per store: after writing one, the least recently used (the
  oldest written or loaded) are deleted until the states fit (the one just written stays even alone).
The manifest's ``execution.warm_states`` says whether states were kept, how many the store holds and
their bytes, and how many were evicted (`TaskStore.state_summary`).
"""
from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim import warmup
from sim.executors import executor as open_executor, resolved
from sim.params.compile import canonical_sha256
from sim.results import atomic_write, remove_stale_temporaries
from sim.version import __version__, code_version

STORE_SUFFIX = ".pkl"
STATE_PREFIX, STATE_SUFFIX = "warm-", ".npz"
# assumption: 2 GiB of starting states per store — every replication of a 5-replication study at the
# whole city (≈ 140 MB each) twice over, a small share of a workstation's disk
STATE_BUDGET_BYTES = 2 * 1024 ** 3


class TaskStore:
    """Finished tasks, one file per content hash, and starting states (see the module docstring).
    `keep_states`: write built states (else only load them); `state_budget`: their bytes at most."""

    def __init__(self, folder: Path | str, *, keep_states: bool = True, state_budget: int = STATE_BUDGET_BYTES):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(self.folder)           # left by a run killed while writing
        self.keep_states = keep_states
        self.state_budget = state_budget
        self.evicted = 0

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

    def state_path(self, key: str) -> Path:
        """The file of the starting state with `warmup.warm_key` `key` (built by this code version)."""
        return self.folder / f"{STATE_PREFIX}{canonical_sha256({'warm_key': key, 'code': code_version()})}{STATE_SUFFIX}"

    def get_state(self, key: str) -> warmup.WarmState | None:
        path = self.state_path(key)
        try:
            state = warmup.load(path)
            os.utime(path)                          # recently used: evicted last
        except FileNotFoundError:                   # not there, or evicted by another process meanwhile
            return None
        return state if state.key == key else None

    def put_state(self, key: str, state: warmup.WarmState) -> None:
        path = self.state_path(key)
        if self.keep_states and not path.exists():
            atomic_write(path, lambda p: warmup.save(state, p))
            self.evict(keep=path)

    def _states(self) -> list[Path]:
        return list(self.folder.glob(f"{STATE_PREFIX}*{STATE_SUFFIX}"))

    def evict(self, keep: Path | None = None) -> None:
        """Delete the least recently used states until they fit in `state_budget` (never `keep`)."""
        stats = {}
        for path in self._states():
            try:
                stats[path] = path.stat()
            except FileNotFoundError:               # evicted by another process meanwhile
                pass
        total = sum(st.st_size for st in stats.values())
        for path in sorted(stats, key=lambda p: (stats[p].st_mtime, p.name)):
            if total <= self.state_budget:
                break
            if path == keep:
                continue
            path.unlink(missing_ok=True)
            total -= stats[path].st_size
            self.evicted += 1

    def state_summary(self) -> dict:
        """What the manifest records of the starting states in this store (`execution.warm_states`;
        `evicted` counts this process's evictions, not a worker's)."""
        states = self._states()
        return {"kept": self.keep_states, "files": len(states),
                "bytes": sum(p.stat().st_size for p in states if p.exists()),
                "budget_bytes": self.state_budget, "evicted": self.evicted}


def task_key(task, code: str | None = None) -> str:
    """The content hash of a task: its inputs and the code version."""
    return canonical_sha256({"inputs": task.key(), "version": __version__, "code": code or code_version()})


@dataclasses.dataclass
class TaskRun:
    """What `run_tasks` returns: results in task order, and how many distinct tasks were computed or reused
    (`computed + reused` is the number of distinct task keys; identical tasks are run once)."""

    results: list
    computed: int
    reused: int
    seconds: float
    executor: str
    workers: int
    warm_states: dict | None = None     # TaskStore.state_summary of the store (None: no store)

    def execution(self) -> dict:
        """The manifest's `execution` entry."""
        out = {"executor": self.executor, "workers": self.workers, "tasks_computed": self.computed,
               "tasks_reused": self.reused}
        return out if self.warm_states is None else out | {"warm_states": self.warm_states}


def run_tasks(tasks: Sequence, *, executor: str = "serial", workers: int | None = None,
              scheduler: str | None = None, store: Path | str | None = None,
              progress: Callable[[int, int], None] | None = None,
              month_progress: Callable[[str, int, int], None] | None = None) -> TaskRun:
    """Run tasks on an executor, reusing and filling a task store.

    Parameters
    ----------
    tasks : sequence of tasks
        Objects with ``key()`` and ``__call__()`` (see the module docstring).
    executor : {"serial", "processes", "dask", "auto"}
        ``auto``: processes when two tasks or more are left to run, else serial (`sim.executors.resolved`).
    workers : int, optional
        Worker processes (default: the cores available).
    scheduler : str, optional
        A running dask scheduler's address (``tcp://host:8786``).
    store : path, optional
        Task store folder: finished tasks found there are not run again; new ones are added as they
        finish (by this process, so workers on other machines need no shared disk).
    progress : callable(done, total), optional
        Called with the number of finished tasks (stored ones count as finished at the start).
    month_progress : callable(phase, done, total), optional
        Every month simulated by the tasks run in this process (executor ``serial``; workers elsewhere
        report none): `sim.warmup.months_reported_to`.

    Returns
    -------
    TaskRun
    """
    started = time.perf_counter()
    keep_states = bool(tasks) and all(getattr(t, "shares_states", False) for t in tasks)
    store = TaskStore(store, keep_states=keep_states) if store is not None else None
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
    # computed and reused count distinct tasks (design points that are the same run, as the centre of a
    # one-at-a-time design, are one task), so computed + reused = the distinct tasks of the sweep
    reused = len(set(keys)) - len(pending)
    done = len(tasks) - sum(len(v) for v in pending.values())
    if progress is not None:
        progress(done, len(tasks))
    order = list(pending)
    executor = resolved(executor, len(order), workers)
    used, n_workers = executor, 1
    if order:
        first = tasks[pending[order[0]][0]]
        warm = first.warm() if executor != "serial" and hasattr(first, "warm") else None
        if warm is not None:
            warm()        # here first: a cold numba cache is filled once, then every worker loads it
        folder = str(store.folder) if store is not None else None
        warmup.keep_states_in(store)                # serial tasks run here
        try:
            with warmup.months_reported_to(month_progress), \
                    open_executor(executor, workers=workers, scheduler=scheduler,
                                  warm=functools.partial(_start_worker, folder, keep_states, warm)) as pool:
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
        finally:
            warmup.keep_states_in(None)
    return TaskRun(results=results, computed=len(order), reused=reused,
                   seconds=round(time.perf_counter() - started, 3), executor=used, workers=n_workers,
                   warm_states=store.state_summary() if store is not None else None)


def _start_worker(folder: str | None, keep_states: bool, warm: Callable[[], Any] | None) -> None:
    """Before a worker's first task: the run's store for starting states (every run sets it, so a
    long-lived worker never keeps an earlier run's), then the task kind's own warm-up."""
    warmup.keep_states_in(TaskStore(folder, keep_states=keep_states)
                          if folder is not None and Path(folder).is_dir() else None)
    if warm is not None:
        warm()
