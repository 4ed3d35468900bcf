"""Where sweep tasks run (DESIGN §8): ``serial``, ``processes`` (a local pool) or ``dask``.

A task is a picklable callable (one replication or one design point, `sim.sweep`) that builds its
population where it runs and returns aggregates only. Every random number is a pure function of
(seed, replication, entity, month, slot), so results are the same bit for bit whichever executor,
worker count or completion order is used.

- ``auto`` (the command line's default) is ``processes`` when there are two tasks or more and two cores or
  more, else ``serial`` (`resolved`).
- ``serial`` runs the tasks one after the other in this process, with numba's threads inside each run.
- ``processes`` starts `workers` fresh interpreter processes (a script using it needs the usual
  ``if __name__ == "__main__":`` guard, as spawned processes import the main module) (spawn, not fork: a forked child would
  inherit numba's thread pool) with ``NUMBA_NUM_THREADS=1`` in their environment before numba loads:
  with one task per core, threads inside a task would only compete with the other workers.
- ``dask`` submits to a ``dask.distributed`` cluster: a `LocalCluster` of `workers` single-threaded
  worker processes by default (same environment), or the scheduler at `scheduler`
  (``tcp://host:8786``), whose workers you start yourself, e.g.
  ``NUMBA_NUM_THREADS=1 dask worker tcp://host:8786 --nthreads 1`` on machines with subsim installed.

Each worker runs `warm` once before its first task (compiles the kernels or loads them from numba's
cache), so the first task's time is not a compilation's.
"""
from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import logging
import multiprocessing
import os
import signal
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numba

from sim.params import Problem, ScenarioError
from sim.params.kinds import suggest

EXECUTORS = ("auto", "serial", "processes", "dask")
WORKER_ENV = {"NUMBA_NUM_THREADS": "1"}


def resolved(name: str, tasks: int, workers: int | None = None) -> str:
    """The executor `auto` stands for: ``processes`` when there are at least two tasks to run and two
    workers (default: cores) to run them, else ``serial``. One single-threaded task per core beats one task
    at a time on numba's threads: between kernel calls a run is Python on one core (sim.engine's month
    steps, a counterfactual's set-up), and a small run's kernel call does not keep two threads busy
    (docs/decisions.md D58; measured in benchmarks/README.md). Other names stand for themselves."""
    if name != "auto":
        return name
    return "processes" if tasks >= 2 and (workers or default_workers()) >= 2 else "serial"


def default_workers() -> int:
    """All cores this process may use (at least 1)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:                         # not on Linux
        return max(os.cpu_count() or 1, 1)


def check_options(executor: str, workers: int | None, scheduler: str | None) -> list:
    """Problems with the executor options (as `sim.params.Problem`s of the command line)."""
    problems = []
    if executor not in EXECUTORS:
        problems.append(Problem("command line", "--executor", executor,
                                "unknown executor" + suggest(executor, EXECUTORS, always_list=True)))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        problems.append(Problem("command line", "--workers", workers, "must be a whole number ≥ 1"))
    if scheduler is not None:
        if executor != "dask":
            problems.append(Problem("command line", "--scheduler", scheduler, "needs --executor dask"))
        else:
            problem = _address_problem(scheduler)
            if problem:
                problems.append(Problem("command line", "--scheduler", scheduler,
                                        f"{problem}; a scheduler address such as tcp://host:8786"))
    return problems


SCHEDULER_SCHEMES = ("tcp", "tls")
CONNECT_SECONDS = 10        # assumption: a scheduler on a reachable network answers well within 10 s


def _address_problem(address: str) -> str | None:
    """What is wrong with a scheduler address (scheme, host, port), or None."""
    scheme, sep, _ = address.partition("://")
    if not sep:
        return "no scheme (tcp://)"
    if scheme not in SCHEDULER_SCHEMES:
        return f"unknown scheme {scheme!r} (allowed: {', '.join(SCHEDULER_SCHEMES)})"
    try:
        parts = urllib.parse.urlsplit(address)
        port = parts.port
    except ValueError:
        return "the port must be a number from 1 to 65535"
    if not parts.hostname:
        return "no host"
    if port is None or not 1 <= port <= 65535:
        return "no port (…:8786)"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "only scheme, host and port"
    return None


def _call(task: Callable[[], Any]) -> Any:
    return task()


def _worker_setup(warm: Callable[[], Any] | None) -> None:
    # logging of a spawned worker goes to its stderr; keep numba's compile chatter out of it
    logging.getLogger("numba").setLevel(logging.WARNING)
    if warm is not None:
        try:
            warm()
        except Exception:              # a worker that died here would be restarted for ever by the pool:
            logging.getLogger(__name__).exception("warm-up failed")   # the first task reports the error



class SerialExecutor:
    """Tasks one after the other in this process (numba threads inside each)."""

    name = "serial"
    workers = 1

    def __init__(self, warm: Callable[[], Any] | None = None):
        if warm is not None:
            warm()

    def imap(self, tasks: Sequence[Callable[[], Any]]) -> Iterator[tuple[int, Any]]:
        """Yield (index, result) as tasks finish (here: in order)."""
        for index, task in enumerate(tasks):
            yield index, task()

    def close(self) -> None:
        pass


def _leave_ctrl_c_to_the_parent() -> None:
    # Ctrl-C reaches every process of the terminal: the parent stops its pool's workers, which must not print
    # tracebacks (only our own pool's and LocalCluster's: the workers of a user's dask scheduler keep their Ctrl-C)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_worker_setup(warm: Callable[[], Any] | None) -> None:
    _leave_ctrl_c_to_the_parent()
    _worker_setup(warm)


class WorkerStartError(RuntimeError):
    """A worker process died before or while running a task (it could not start, or was killed)."""


class ProcessExecutor:
    """A pool of `workers` spawned processes with one numba thread each. A worker that dies (a script
    without the ``__main__`` guard makes every worker fail at start-up) ends the sweep with
    `WorkerStartError` instead of a pool restarting workers for ever."""

    name = "processes"

    def __init__(self, workers: int, warm: Callable[[], Any] | None = None):
        self.workers = workers
        self.pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                                           initializer=_pool_worker_setup, initargs=(warm,))

    def imap(self, tasks: Sequence[Callable[[], Any]]) -> Iterator[tuple[int, Any]]:
        # the children copy the environment when they start, which happens while tasks are submitted
        with _environment(WORKER_ENV):
            futures = {self.pool.submit(task): index for index, task in enumerate(tasks)}
        try:
            for future in concurrent.futures.as_completed(futures):
                yield futures[future], future.result()
        except concurrent.futures.process.BrokenProcessPool:
            raise WorkerStartError(
                "a worker process ended abruptly (it could not start, or was killed). A script that uses "
                "executor='processes' must start the sweep under `if __name__ == \"__main__\":` (spawned "
                "workers import the script); see the worker's message above") from None

    def close(self) -> None:
        # shutdown() would wait for running tasks (minutes); an interrupted or failed sweep stops them now
        processes = list((self.pool._processes or {}).values())     # no public way before Python 3.14
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()


class DaskExecutor:
    """A dask.distributed client: on a LocalCluster of single-threaded workers, or a given scheduler."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, warm: Callable[[], Any] | None = None):
        import dask                                      # dask loads only for --executor dask (start-up cost)
        from distributed import Client, LocalCluster   # as above
        self.cluster = None
        if scheduler is None:
            # a sweep uses neither Dask's sampling profiler (every 10 ms) nor the dashboard, and on a small
            # machine the CPU they take is the workers' (benchmarks/README.md, sweeps)
            env = dict(WORKER_ENV, DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False")
            if "NUMBA_CACHE_DIR" in os.environ:     # the same compiled kernels as this process
                env["NUMBA_CACHE_DIR"] = os.environ["NUMBA_CACHE_DIR"]
            # in the workers' environment from their start: a spawned worker imports the parent's __main__
            # (and with it numba, which reads NUMBA_NUM_THREADS once) before dask applies `env`, and a kernel
            # compiled later then fails ("Cannot set NUMBA_NUM_THREADS…"). Restored here once they run.
            with _environment(env), dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
                # the scheduler's HTTP server runs without a dashboard too: on a free port, so a second
                # cluster on the machine does not print "Port 8787 is already in use"
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                                            env=env, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(scheduler, timeout=CONNECT_SECONDS)
            except (OSError, TimeoutError) as error:
                raise ScenarioError([Problem("command line", "--scheduler", scheduler,
                                             f"no dask scheduler answered within {CONNECT_SECONDS} s "
                                             f"({type(error).__name__}); start one (dask scheduler) or check the "
                                             "address")]) from None
        if self.cluster is not None:
            # on each worker's main thread (its event loop), replacing asyncio's handler that would raise
            self.client.run(_leave_ctrl_c_to_the_parent)
        self.workers = len(self.client.scheduler_info()["workers"])
        self.client.run(_worker_setup, warm)        # once on every worker, before any task

    def imap(self, tasks: Sequence[Callable[[], Any]]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed           # as above
        futures = {self.client.submit(_call, task, pure=False): index for index, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def executor(name: str = "serial", *, workers: int | None = None, scheduler: str | None = None,
             warm: Callable[[], Any] | None = None):
    """Open an executor for the duration of a ``with`` block.

    Parameters
    ----------
    name : {"serial", "processes", "dask"}
    workers : int, optional
        Worker processes (default: the cores available); ignored by ``serial`` and with `scheduler`.
    scheduler : str, optional
        Address of a running dask scheduler (``dask`` only).
    warm : callable, optional
        Picklable; run once in every worker before its first task.

    Yields
    ------
    An object with ``imap(tasks)`` yielding ``(index, result)`` as tasks finish, and ``workers``.
    """
    problems = check_options(name, workers, scheduler)
    if problems:
        raise ScenarioError(problems)
    if name == "auto":
        raise ValueError("resolve `auto` first (executors.resolved): it depends on the number of tasks")
    n = workers or default_workers()
    pool = (SerialExecutor(warm) if name == "serial" else ProcessExecutor(n, warm) if name == "processes"
            else DaskExecutor(n, scheduler, warm))
    try:
        yield pool
    finally:
        pool.close()


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def worker_numba_threads() -> int:
    """numba's thread count in the calling process (tests check it is 1 in workers)."""
    return int(numba.config.NUMBA_NUM_THREADS)
