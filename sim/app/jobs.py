"""Long runs of the app in a child process: progress through a queue, cancel by ending the process.

Progress is counted in replications (or runs of a sensitivity design) and, for the simulation running in
the child (executor ``serial``), in its months: the warm-up's, then the reported months'.

The child calls only the public API (`sim.load_scenario`, `sim.run`, `sim.compare`, `sim.sensitivity`)
and the report writer, as `subsim run`, `subsim compare` and `subsim sensitivity` do. Results are written to a staging folder and renamed into
place when complete, so a cancelled or crashed run leaves no half-written results folder; finished
replications are kept in the shared task store (`sim.tasks`), so running the same work again resumes.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sim
from sim.params import ScenarioError
from sim.report.build import write_reports

STAGING_PREFIX = ".staging-"


def _work(spec: dict[str, Any], queue) -> None:
    """The child process: load, simulate, write; every step reported on `queue`."""
    try:
        queue.put(("stage", "load", 0, 0))
        size = {key: spec.get(key) for key in ("persons", "months", "seed", "reps")}
        base = sim.load_scenario(spec["base"], **size)
        options = dict(executor=spec.get("executor", "serial"), store=spec["store"],
                       progress=lambda done, total: queue.put(("progress", "simulate", done, total)),
                       month_progress=lambda phase, done, total: queue.put(("months", phase, done, total)))
        if spec["kind"] == "compare":
            reforms = [sim.load_scenario(path, **size) for path in spec["reforms"]]
            result = sim.compare(base, *reforms, attribution=spec.get("attribution", False), **options)
        elif spec["kind"] == "sensitivity":
            result = sim.sensitivity(spec["base"], spec["params"], method=spec["method"], metrics=spec["metrics"],
                                     n=spec.get("n"), **size, **options)
        else:
            result = sim.run(base, **options)
        queue.put(("stage", "write", 0, 0))
        staging = Path(spec["staging"])
        result.save(staging)
        write_reports(result, staging, spec.get("lang", "zh"))
        os.replace(staging, spec["final"])      # the results folder appears complete or not at all
        queue.put(("done", spec["final"], 0, 0))
    except ScenarioError as error:
        queue.put(("error", str(error), 0, 0))
    except Exception:                           # a bug: the app shows the trace
        queue.put(("error", traceback.format_exc(), 0, 0))


@dataclass
class Job:
    """One run or comparison in its own process."""

    spec: dict[str, Any]
    process: Any = None
    queue: Any = None
    started: float = field(default_factory=time.monotonic)
    stage: str = "start"
    stage_started: float = field(default_factory=time.monotonic)
    stage_first: int = 0            # units already done when the stage's counting began (reused from the store)
    done: int = 0
    total: int = 0
    # months of the simulation running now (serial executor): phase "warmup" or "report", done of total
    month_phase: str = ""
    month_done: int = 0
    month_total: int = 0
    result: str | None = None
    error: str | None = None
    cancelled: bool = False

    def start(self) -> "Job":
        context = multiprocessing.get_context("spawn")      # no fork of the app's threads
        self.queue = context.Queue()
        self.process = context.Process(target=_work, args=(self.spec, self.queue), daemon=True)
        self.process.start()
        return self

    def poll(self) -> None:
        """Read the child's messages; notice a child that died without saying so."""
        while self.queue is not None and not self.queue.empty():
            kind, what, done, total = self.queue.get_nowait()
            if kind == "months":
                self.month_phase, self.month_done, self.month_total = what, done, total
            elif kind in ("stage", "progress"):
                if what != self.stage:          # a new stage: its rate is measured from now
                    self.stage_started, self.stage_first = time.monotonic(), done
                self.stage = what
                if total:                       # a stage message without counts keeps the last counts
                    self.done, self.total = done, total
                self.month_phase, self.month_done, self.month_total = "", 0, 0   # that simulation has ended
            elif kind == "done":
                self.result, self.stage = what, "done"
            elif kind == "error":
                self.error, self.stage = what, "error"
        if self.running and not self.process.is_alive() and self.queue.empty():
            self.error, self.stage = f"the run ended unexpectedly (exit code {self.process.exitcode})", "error"
        if not self.running:
            _remove_staging(self.spec)

    @property
    def unit(self) -> str:
        """What `done` and `total` count: replications of a run or comparison, runs of a sensitivity design."""
        return "run" if self.spec["kind"] == "sensitivity" else "rep"

    @property
    def running(self) -> bool:
        return self.stage not in ("done", "error", "cancelled")

    def eta_seconds(self) -> float | None:
        """Time left in the simulation stage at the rate measured in it: none before its first unit is
        finished (loading, compiling and reused store entries are not counted as speed)."""
        finished = self.done - self.stage_first
        if self.stage != "simulate" or finished <= 0 or not self.total:
            return None
        return (time.monotonic() - self.stage_started) / finished * (self.total - self.done)

    def cancel(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
        self.cancelled, self.stage = True, "cancelled"
        _remove_staging(self.spec)


def _remove_staging(spec: dict[str, Any]) -> None:
    shutil.rmtree(spec["staging"], ignore_errors=True)


def new_spec(kind: str, *, base: str, results: Path, name: str, **options) -> dict[str, Any]:
    """A job description (`options`: size, executor, language, and the reforms, attribution, or the sensitivity
    parameters, method and metrics); the results folder is results/<name>-<time>/, the task store results/.tasks/."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    final = results / f"{name}-{stamp}"
    return {"kind": kind, "base": base, "store": str(results / ".tasks"),
            "staging": str(results / f"{STAGING_PREFIX}{name}-{stamp}"), "final": str(final), **options}
