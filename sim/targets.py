"""Calibration and validation targets of a locality: load `calibration/<locality>/targets.toml`, compare
a run against them.

The report module and `sim.calibrate` use exactly `load_targets` and `compare_targets`. How a run's
moment is computed lives in `sim.moments`; what `met` and `gap` mean:

- ``gap`` = (simulated − value) ÷ value (relative; NaN when nothing was simulated);
- ``met``: `about` — \\|gap\\| ≤ tolerance; `at_least` — gap ≥ −tolerance; `at_most` — gap ≤ tolerance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.moments import moment_series, reduce_series
from sim.params.errors import NO_VALUE, Problem, ScenarioError
from sim.params.loader import read_toml
from sim.params.profile_schema import PROFILE_SCHEMA
from sim.params.sourced import load_sourced
from sim.targets_schema import TARGET_SCHEMA
from sim.params.walk import Reporter, Walker

CALIBRATION_ROOT = Path(__file__).resolve().parents[1] / "calibration"
COLUMNS = ["name", "name_zh", "metric", "at", "district", "value", "relation", "tolerance", "simulated", "met",
           "gap", "source", "headline", "calibrate", "weight", "year", "note"]


@dataclass(frozen=True)
class Target:
    """One target of `targets.toml` (see `sim.targets_schema` for each field's meaning)."""

    name: str
    metric: str
    at: str
    value: float
    relation: str
    tolerance: float
    weight: float
    headline: bool
    calibrate: bool
    name_zh: str
    definition: str
    source: str
    district: str | None = None
    year: int | None = None

    def gap(self, simulated: float) -> float:
        """Relative gap (simulated − value) ÷ value; NaN if either is missing or the value is 0."""
        if simulated is None or not math.isfinite(simulated) or self.value == 0:
            return float("nan")
        return (simulated - self.value) / self.value

    def band(self) -> tuple[float, float]:
        """The values the target accepts: value × (1 ± tolerance), open on the side a one-sided target
        (at_least / at_most) leaves free."""
        low, high = self.value * (1 - self.tolerance), self.value * (1 + self.tolerance)
        if self.relation == "at_least":
            return low, math.inf
        if self.relation == "at_most":
            return -math.inf, high
        return low, high

    def met(self, simulated: float) -> bool:
        """Inside the acceptance band; never met when either number is missing or the value is 0."""
        if not math.isfinite(self.gap(simulated)):
            return False
        low, high = self.band()
        return low <= simulated <= high

    def loss_gap(self, simulated: float) -> float:
        """The gap the calibration objective squares: two-sided for `about`, zero inside a one-sided
        target (at_least / at_most only penalise the wrong side)."""
        gap = self.gap(simulated)
        if self.relation == "at_least":
            return min(gap, 0.0)
        if self.relation == "at_most":
            return max(gap, 0.0)
        return gap


def targets_path(locality: str | Path) -> Path:
    """`calibration/<locality>/targets.toml`, or `locality` itself when it is a file or a locality folder."""
    path = Path(locality)
    if path.suffix == ".toml":
        return path
    if path.is_dir():
        return path / "targets.toml"
    return CALIBRATION_ROOT / str(locality) / "targets.toml"


def read_targets(path: Path, districts: list[str] | None = None) -> tuple[list[Target], list[Problem]]:
    """Read and validate a targets file; every problem at once, none raised.

    Parameters
    ----------
    path : Path
        The targets file.
    districts : list of str, optional
        The locality's district codes; a target's `district` must be one of them.
    """
    document, problems = read_toml(path)
    if document is None:
        return [], problems
    report = Reporter(path)
    walker = Walker(report)
    unknown = [key for key in document if key != "targets"]
    for key in unknown:
        report.add((key,), NO_VALUE if isinstance(document[key], dict) else document[key],
                   f"unknown section {key!r}; a targets file holds only [targets.<name>] tables")
    section = document.get("targets")
    if not isinstance(section, dict) or not section:
        report.add(("targets",), NO_VALUE if section is None or isinstance(section, dict) else section,
                   "needs at least one [targets.<name>] table")
        return [], report.problems
    targets = []
    for name, raw in section.items():
        before = len(report.problems)
        values = walker.section(raw, TARGET_SCHEMA, ("targets", name))
        district = values.get("district")
        if district is not None and districts is not None and district not in districts:
            report.add(("targets", name, "district"), district,
                       f"unknown district; the locality's districts are: {', '.join(districts)}")
        if len(report.problems) == before:
            targets.append(Target(name=name, **values))
    return targets, report.problems


def _districts(locality_dir: Path) -> list[str] | None:
    profile, _, problems = load_sourced(locality_dir / "profile.toml", PROFILE_SCHEMA)
    if problems:
        return None
    return list(profile.get("districts", {}).get("population_share", {}))


def load_targets(locality: str | Path) -> list[Target]:
    """Load a locality's targets.

    Parameters
    ----------
    locality : str or Path
        A locality name (``"liupanshui"`` → ``calibration/liupanshui/targets.toml``), a locality folder,
        or a targets file.

    Returns
    -------
    list of Target
        In file order.

    Raises
    ------
    ScenarioError
        With every problem of the file (file, key, value and what is allowed).
    """
    path = targets_path(locality)
    targets, problems = read_targets(path, _districts(path.parent) if (path.parent / "profile.toml").exists()
                                     else None)
    if problems:
        raise ScenarioError(problems)
    return targets


def scenario_target_problems(scenario) -> list[Problem]:
    """Problems of the targets file of the folder the scenario's locality was loaded from (none when the
    locality has no targets file): checked before a run, whose report compares the run against it."""
    path = scenario.locality_dir / "targets.toml"
    if not (path.exists() or path.is_symlink()):
        return []
    _, problems = read_targets(path, list(scenario.profile["districts"]["population_share"]))
    return problems


def simulated_value(results, target: Target) -> tuple[float, str]:
    """The run's value of one target's moment, and a note when there is none."""
    series, note = moment_series(results, target.metric, target.district)
    value = reduce_series(series, target.at, target.year)
    if not note and not math.isfinite(value):
        note = "no value in the months read"
    return value, note


def compare_targets(results, targets: list[Target]) -> pd.DataFrame:
    """One row per target: the target, the simulated value, whether it is met and the relative gap.

    Parameters
    ----------
    results : sim.results.Results
        A run (in memory or read with `Results.load`).
    targets : list of Target

    Returns
    -------
    pandas.DataFrame
        Columns `COLUMNS`: name, name_zh, metric, at, district, value, relation, tolerance, simulated,
        met (bool), gap (relative), source, headline, then calibrate, weight, year and note (why a
        moment has no simulated value).
    """
    rows = []
    for target in targets:
        simulated, note = simulated_value(results, target)
        rows.append({"name": target.name, "name_zh": target.name_zh, "metric": target.metric, "at": target.at,
                     "district": target.district, "value": target.value, "relation": target.relation,
                     "tolerance": target.tolerance, "simulated": simulated, "met": target.met(simulated),
                     "gap": target.gap(simulated), "source": target.source, "headline": target.headline,
                     "calibrate": target.calibrate, "weight": target.weight, "year": target.year, "note": note})
    return pd.DataFrame(rows, columns=COLUMNS)
