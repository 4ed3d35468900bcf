"""Results of a run: DataFrames, the manifest, and the results folder (DESIGN §9), written atomically."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from sim.params.compile import canonical_sha256
from sim.version import versions

RESULT_FILES = ("manifest.json", "costs.csv", "costs.parquet", "budget.csv", "outcomes.csv", "funds.csv")


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
        return cls(costs=pd.read_parquet(folder / "costs.parquet"), budget=pd.read_csv(folder / "budget.csv"),
                   outcomes=pd.read_csv(folder / "outcomes.csv"), funds=pd.read_csv(folder / "funds.csv"),
                   manifest=manifest, bands=pd.read_csv(bands) if bands.exists() else None)


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())          # mkstemp makes 0600 files; results are to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A table as CSV (no index, Unix line ends), written atomically."""
    atomic_write(path, lambda p: frame.to_csv(p, index=False, lineterminator="\n"))


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
