"""Results of a run: DataFrames, the manifest, and the results folder (DESIGN §9), written atomically."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import socket
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from sim.cells import escape_frame, unescape_frame
from sim.params.compile import canonical_sha256
from sim.version import versions

RESULT_FILES = ("manifest.json", "costs.csv", "costs.parquet", "budget.csv", "outcomes.csv", "funds.csv")
REPORT_FILES = ("report.html", "workbook.xlsx")      # written by sim.report.build


@dataclass
class Results:
    """What `sim.run` returns: tidy tables (money in yuan, population estimates) and the manifest."""

    costs: pd.DataFrame
    budget: pd.DataFrame
    outcomes: pd.DataFrame
    funds: pd.DataFrame
    manifest: dict
    records: list = field(default_factory=list, repr=False)   # engine records (in memory only)
    bands: pd.DataFrame | None = None   # with replications: P5/P50/P95 of every outcome by month
    notices: list = field(default_factory=list, repr=False)   # messages for the user (in memory only)

    def save(self, out_dir: Path | str) -> Path:
        """Write the results folder; every file is written to a temporary name and renamed into place."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        write_csv(out / "costs.csv", self.costs)
        atomic_write(out / "costs.parquet", lambda p: self.costs.to_parquet(p, index=False))
        write_csv(out / "budget.csv", self.budget)
        write_csv(out / "outcomes.csv", self.outcomes)
        write_csv(out / "funds.csv", self.funds)
        if self.bands is not None:
            write_csv(out / "outcome_bands.csv", self.bands)
        else:                                  # a folder re-used for a run without replications
            (out / "outcome_bands.csv").unlink(missing_ok=True)
        write_json(out / "manifest.json", self.manifest)
        return out

    @classmethod
    def load(cls, folder: Path | str) -> "Results":
        """Read a results folder written by `save`."""
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        bands = folder / "outcome_bands.csv"
        return cls(costs=pd.read_parquet(folder / "costs.parquet"), budget=read_csv(folder / "budget.csv"),
                   outcomes=read_csv(folder / "outcomes.csv"), funds=read_csv(folder / "funds.csv"),
                   manifest=manifest, bands=read_csv(bands) if bands.exists() else None)


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    # the writer's host and process in the name: a later run removes only temporaries whose writer is gone
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_WRITER}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())          # mkstemp makes 0600 files; results are to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_WRITER = f"{socket.gethostname().replace('.', '_')}-{os.getpid()}"
_TEMPORARY = re.compile(r"^\..+\.(?P<host>[^.]+)-(?P<pid>\d+)\.[^.]+\.tmp$")


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries of `atomic_write` in `folder` whose writer is provably gone (a process of
    this host that no longer runs); a live writer's file, another host's and any other file stay."""
    removed = []
    host = _WRITER.rsplit("-", 1)[0]
    for path in folder.glob(".*.tmp"):
        match = _TEMPORARY.match(path.name)
        if match is None or match["host"] != host or _alive(int(match["pid"])):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:                    # another user's live process
        return True
    return True


MARKERS = ("manifest.json", "comparison.json", "sensitivity.json")   # written last: the folder is complete
_TABLE_SUFFIXES = (".csv", ".parquet", ".json", ".html", ".xlsx")
LOCK_FILE = ".subsim.lock"


def output_problems(out: Path) -> list[str]:
    """Why the results folder `out` cannot take a run's files (empty when it can), found before the run by
    creating the folder and a trial file in it: a file where the folder or its task store (``tasks``)
    should be, a folder where a table or report should be, a place such as /proc where nothing can be
    written."""
    if out.exists() and not out.is_dir():
        return ["exists and is not a folder"]
    problems = []
    if out.is_dir():
        problems += [f"{entry.name} in it is a folder where the run writes a file" for entry in sorted(out.iterdir())
                     if entry.suffix.lower() in _TABLE_SUFFIXES and entry.is_dir()]
        if (out / "tasks").exists() and not (out / "tasks").is_dir():
            problems.append("tasks in it is a file where the run keeps its task store (a folder)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=f".probe.{_WRITER}.", suffix=".tmp"):
            pass
    except (OSError, ValueError) as error:
        problems.append(f"cannot be written ({getattr(error, 'strerror', None) or error})")
    return problems


class OutputLock:
    """An exclusive lock on a results folder while a run writes it (released when the process ends, even
    when killed), so a second run into the same folder stops with a clear error instead of mixing files."""

    def __init__(self, out: Path):
        self.path = out / LOCK_FILE
        self.handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise FolderBusy(holder) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(_WRITER)
        self.handle.flush()
        remove_stale_temporaries(out)

    def release(self) -> None:
        self.handle.close()


class FolderBusy(Exception):
    """Another run holds the results folder's lock (`holder`: its host and process id)."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


def begin_writing(out: Path, reports: tuple[str, ...] = ()) -> None:
    """Remove the previous run's completion markers and reports before the new files are written: a run
    stopped while writing leaves a folder without a marker (recognised as incomplete), never new tables
    beside an old report."""
    for name in MARKERS + reports:
        (out / name).unlink(missing_ok=True)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A table as CSV (no index, Unix line ends, formula-like text escaped: sim.cells), written atomically."""
    atomic_write(path, lambda p: escape_frame(frame).to_csv(p, index=False, lineterminator="\n"))


def read_csv(path: Path, **options) -> pd.DataFrame:
    """A table written by `write_csv`, read back exactly (the escapes removed)."""
    return unescape_frame(pd.read_csv(path, **options))


def write_json(path: Path, document) -> None:
    """A JSON document (UTF-8, readable Chinese, indented), written atomically."""
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str),
                                                    encoding="utf-8"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def manifest(scenario, *, reps: int, weight: float, initial_persons: int, total_persons: int,
             timings: dict, register: dict | None = None) -> dict:
    meta = {
        "scenario": scenario.name,
        "title_zh": scenario.title_zh,
        "scenario_file": str(scenario.path),
        "extends_chain": [str(p) for p in scenario.files],
        "scenario_sha256": scenario.sha256,
        "inputs_sha256": canonical_sha256({"scenario": scenario.document, "profile": scenario.profile,
                                           "behaviour": scenario.behaviour}),
        "locality": scenario.locality,
        "start": scenario.start,
        "months": scenario.months,
        "seed": scenario.seed,
        "replications": reps,
        "persons": initial_persons,
        "persons_including_school_leavers": total_persons,
        "weight": weight,
        "versions": versions(),
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "timings_seconds": timings,
        "input_files": input_files(scenario),
        "resolved_scenario": scenario.document,
        "locality_profile": scenario.profile,
        "locality_behaviour": scenario.behaviour,
        "parameter_sources": scenario.sources,
    }
    if register is not None:        # file names, hashes, counts, column names: never the rows
        meta["population_source"] = "register"
        meta["register"] = register
    return meta


LOCALITY_FILES = ("profile", "behaviour", "targets")


def input_files(scenario) -> list[dict]:
    """Every input file of the run with its sha256: the scenario and its `extends` chain, the locality's
    profile and behaviour, and its targets when it has them (what a report compares the run against).
    A register's files are recorded apart (`register`)."""
    files = [("scenario" if k == 0 else "extends", path) for k, path in enumerate(scenario.files)]
    files += [(role, scenario.locality_dir / f"{role}.toml") for role in LOCALITY_FILES]
    return [{"role": role, "path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            for role, path in files if Path(path).is_file()]
