"""Validation of a merged scenario document: every problem, at once, before anything is built.

The result is the normalised document (defaults filled, overrides applied) that `compile` turns into
a `Scenario`; it is only meaningful when there are no problems.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.codes import MAX_INSTRUMENTS, InstrumentType
from sim.params.errors import NO_VALUE, Problem, display_path
from sim.params.kinds import check_value, suggest
from sim.params.months import is_month, month_label, month_number

LAST_MONTH = 2100 * 12 + 11            # month labels run to 2100-12
from sim.params.scenario_schema import (APPLICATIONS, ECONOMY, IMPLEMENTED_NAMES, INSTRUMENT_COMMON, NAME_PATTERN, RUN,
                                        SCENARIO, TOP_LEVEL, instrument_schema,
                                        BUDGET, COST_SHARING)
from sim.params.walk import KeyPath, Reporter, Walker, key_text
from sim.schema import REQUIRED, Field

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository holding this package: the last place searched for calibration/<locality>/."""

SINGLE_INSTANCE_TYPES = frozenset({"ui_benefit"})
"""Types of which at most one instance may be enabled: the engine runs one UI scheme per run."""

OVERRIDE_FILE = "<override>"
OVERRIDE_KEYS: dict[str, KeyPath] = {
    "months": ("scenario", "months"),
    "persons": ("run", "persons"),
    "seed": ("run", "seed"),
    "reps": ("run", "reps"),
}


@dataclass
class ValidatedDocument:
    """Outcome of `validate_document`.

    Attributes
    ----------
    document : dict
        ``{"scenario": …, "run": …, "instruments": {ID: …}}`` with defaults filled and overrides
        applied; complete only when `problems` is empty.
    locality_dir : Path or None
        ``…/calibration/<locality>/`` when found.
    problems : list of Problem
    """

    document: dict[str, Any] = field(default_factory=dict)
    locality_dir: Path | None = None
    problems: list[Problem] = field(default_factory=list)


def _calibration_dirs(scenario_path: Path) -> list[Path]:
    here = scenario_path.resolve().parent
    dirs = [folder / "calibration" for folder in (here, *here.parents)]
    dirs.append(REPO_ROOT / "calibration")
    return list(dict.fromkeys(dirs))


def find_locality(name: str, scenario_path: Path) -> Path | None:
    """Find ``calibration/<name>/`` for a scenario file.

    Walks up from the scenario file's folder to the first ancestor holding
    ``calibration/<name>/profile.toml``, then falls back to this repository's ``calibration/``.

    Parameters
    ----------
    name : str
        Locality folder name.
    scenario_path : Path
        The scenario file.

    Returns
    -------
    Path or None
        The locality folder, or None when no candidate has a ``profile.toml``.
    """
    for calibration in _calibration_dirs(scenario_path):
        if (calibration / name / "profile.toml").is_file():
            return calibration / name
    return None


def known_localities(scenario_path: Path) -> list[str]:
    """Return the locality names a scenario at `scenario_path` could use."""
    names: set[str] = set()
    for calibration in _calibration_dirs(scenario_path):
        if calibration.is_dir():
            names.update(p.parent.name for p in calibration.glob("*/profile.toml"))
    return sorted(names)


def _check_locality(name: str, scenario_path: Path, report: Reporter) -> Path | None:
    found = find_locality(name, scenario_path)
    if found is None:
        known = known_localities(scenario_path)
        listing = (suggest(name, known, always_list=True) if known
                   else "; no calibration/<locality>/profile.toml found")
        report.add(("scenario", "locality"), name,
                   f"unknown locality {name!r}: no calibration/{name}/profile.toml in "
                   f"{display_path(scenario_path.resolve().parent)}, any folder above it, or the "
                   "repository" + listing.replace("allowed:", "localities found:"))
    return found


def _apply_overrides(overrides: Mapping[str, Any], document: dict[str, dict[str, Any]],
                     problems: list[Problem]) -> None:
    """Validate command-line overrides with the same fields as the file, then apply them."""
    for name, value in overrides.items():
        if value is None:
            continue
        if name not in OVERRIDE_KEYS:
            problems.append(Problem(OVERRIDE_FILE, name, value, "unknown override"
                                    + suggest(name, list(OVERRIDE_KEYS))))
            continue
        section, key = OVERRIDE_KEYS[name]
        node = (SCENARIO if section == "scenario" else RUN)[key]
        assert isinstance(node, Field)
        checked, issues = check_value(node, value, key)
        for _, bad, message in issues:
            problems.append(Problem(OVERRIDE_FILE, key_text((section, key)), bad, message))
        if not issues:
            document[section][key] = checked


def _instrument(iid: str, body: Any, walker: Walker, start: str | None,
                months: int | None) -> dict[str, Any] | None:
    """Validate one ``[instruments.<ID>]`` table; return its values with defaults filled."""
    report = walker.report
    path = ("instruments", iid)
    if not NAME_PATTERN.match(iid):
        report.add(path, NO_VALUE, f"instrument ID {iid!r} must start with a letter or digit and "
                   "use only letters, digits, '_', '.', '-'")
    if not isinstance(body, dict):
        report.add(path, body, "must be a table [instruments.<ID>]")
        return None
    type_name = body.get("type")
    schema = instrument_schema(type_name)
    if schema is None and isinstance(type_name, str) and type_name in InstrumentType.__members__:
        report.add(path + ("type",), type_name,
                   f"instrument type {type_name!r} is known but not implemented in this version "
                   f"(implemented: {', '.join(IMPLEMENTED_NAMES)})")
    # without a usable type, type-specific keys cannot be judged: check only the common ones
    values = walker.section(body, schema or INSTRUMENT_COMMON, path, skip_unknown=schema is None)
    values.setdefault("catalogue_id", iid)
    if "valid" not in body and start is not None and months is not None:
        values["valid"] = [start, month_label(start, months - 1)]
    since, valid = values.get("since", ""), values.get("valid")
    if since and valid and month_number(since) > month_number(valid[0]):
        report.add(path + ("since",), since, f"must not be after the first month of valid ({valid[0]}): "
                   "since says when the instrument or its predecessor came into force")
    if since and not values.get("since_source"):
        report.add(path + ("since_source",), NO_VALUE, "required with since: the law, document or "
                   "DOMAIN_NOTES row that dates it, or 'assumption: …'")
    target = values.get("target", [])
    in_target = {f for entry in target for f in ([entry] if isinstance(entry, str) else entry)}
    overlap = [f for f in values.get("exclude", []) if f in in_target]
    if overlap:
        report.add(path + ("exclude",), overlap, "flags both targeted and excluded: "
                   f"{', '.join(overlap)}; a flag may be in target or in exclude, not both")
    _take_up(body, values, path, report)
    if type_name == "ui_benefit" and any(isinstance(entry, list) for entry in target):
        report.add(path + ("target",), target, "ui_benefit takes single group flags only (any of them); "
                   "all-of entries are for the other instrument types")
    if start is not None and schema is not None:
        for key, node in schema.items():
            value = values.get(key)
            if isinstance(node, Field) and node.by_month and (node.default is REQUIRED or key == "take_up") \
                    and isinstance(value, dict):
                first = min(value, key=month_number)
                if month_number(first) > month_number(start):
                    report.add(path + (key,), value, f"no value in force before {first}: the run "
                               f"starts {start} and {key} has no default; add an entry for "
                               f"{start} or earlier")
    return values


def _take_up(body: dict, values: dict[str, Any], path: KeyPath, report: Reporter) -> None:
    """No silent take-up: an enabled instrument that needs an application gives its take-up and where it
    comes from; one paid without application (免申即享, 直补快办) says so and is taken up by everyone."""
    if not values.get("enabled", False) or values.get("application") not in APPLICATIONS:
        values.setdefault("take_up", 0.0)      # a disabled instrument claims nothing (nor is it run)
        return
    if values["application"] == "none":
        if "take_up" in body:
            report.add(path + ("take_up",), body["take_up"], 'an instrument paid without application '
                       '(application = "none") reaches every eligible case: remove take_up, or set '
                       'application = "required"')
        values["take_up"] = 1.0
        if not values.get("take_up_source"):
            report.add(path + ("take_up_source",), NO_VALUE, 'required with application = "none": cite the '
                       "automatic payment (免申即享, 直补快办, data matching) or write 'assumption: …'")
        return
    if "take_up" not in body:
        report.add(path + ("take_up",), NO_VALUE, "required: the instrument needs an application "
                   '(application = "required", the default), so give the probability that an eligible case '
                   'claims, with take_up_source; an instrument paid without application says application = "none"')
    elif not values.get("take_up_source"):
        report.add(path + ("take_up_source",), NO_VALUE, "required with take_up: a citation or 'assumption: …'")


def _check_single_instances(instruments: dict[str, dict[str, Any]], report: Reporter) -> None:
    first_enabled: dict[str, str] = {}
    for iid, values in instruments.items():
        kind = values.get("type")
        if kind not in SINGLE_INSTANCE_TYPES or not values.get("enabled", False):
            continue
        if kind in first_enabled:
            report.add(("instruments", iid, "type"), kind,
                       f"only one enabled {kind} instrument is allowed per scenario (already "
                       f"enabled: {first_enabled[kind]}); set enabled = false on one of them")
        else:
            first_enabled[kind] = iid


def _check_capacity(instruments: dict[str, dict[str, Any]], report: Reporter) -> None:
    """The kernels' month record holds MAX_INSTRUMENTS enabled instruments and persons carry 16 bits
    for once-per-person allowances."""
    enabled = [iid for iid, v in instruments.items() if v.get("enabled", False)]
    if len(enabled) > MAX_INSTRUMENTS:
        report.add(("instruments", enabled[MAX_INSTRUMENTS]), NO_VALUE,
                   f"at most {MAX_INSTRUMENTS} enabled instruments per scenario ({len(enabled)} are enabled)")
    once = [iid for iid in enabled if instruments[iid].get("type") == "one_time_allowance"
            and instruments[iid].get("once_per_person", True)]
    if len(once) > 16:
        report.add(("instruments", once[16], "once_per_person"), True,
                   f"at most 16 enabled one_time_allowance instruments may be once_per_person ({len(once)} are)")


def validate_document(document: Mapping[str, Any], scenario_path: str | Path,
                      origins: Mapping[KeyPath, Path] | None = None,
                      overrides: Mapping[str, Any] | None = None) -> ValidatedDocument:
    """Validate a merged scenario document and collect every problem.

    Parameters
    ----------
    document : mapping
        The merged TOML document (see `sim.params.loader.load_document`).
    scenario_path : str or Path
        The scenario file (problems without a recorded origin name it; the locality search starts
        from its folder).
    origins : mapping, optional
        Key path → file that wrote it.
    overrides : mapping, optional
        ``months``, ``persons``, ``seed``, ``reps`` given outside the file (None = not given).

    Returns
    -------
    ValidatedDocument
    """
    scenario_path = Path(scenario_path)
    report = Reporter(scenario_path, origins)
    walker = Walker(report)
    for key, value in document.items():
        if key not in TOP_LEVEL:
            report.add((key,), NO_VALUE if isinstance(value, dict) else value,
                       f"unknown key {key!r}" + suggest(key, TOP_LEVEL))
    scenario = walker.section(document.get("scenario", {}), SCENARIO, ("scenario",))
    run = walker.section(document.get("run", {}), RUN, ("run",))
    economy = walker.section(document.get("economy", {}), ECONOMY, ("economy",))
    budget = walker.section(document.get("budget", {}), BUDGET, ("budget",))
    sharing = walker.section(document.get("cost_sharing", {}), COST_SHARING, ("cost_sharing",))
    result = ValidatedDocument(document={"scenario": scenario, "run": run, "economy": economy, "budget": budget,
                                         "cost_sharing": sharing, "instruments": {}})
    override_problems: list[Problem] = []
    _apply_overrides(overrides or {}, result.document, override_problems)
    start, months = scenario.get("start"), scenario.get("months")
    if isinstance(start, str) and is_month(start) and isinstance(months, int) and \
            month_number(start) + months - 1 > LAST_MONTH:
        report.add(("scenario", "months"), months, f"the run would end after 2100-12 (start {start}); months "
                   f"must be at most {LAST_MONTH - month_number(start) + 1}")
        months = None                          # nothing month-indexed can be built past the calendar
    raw_instruments = document.get("instruments", {})
    if isinstance(raw_instruments, dict):
        for iid, body in raw_instruments.items():
            values = _instrument(iid, body, walker, start, months)
            if values is not None:
                result.document["instruments"][iid] = values
    else:
        report.add(("instruments",), raw_instruments,
                   "must be a set of tables [instruments.<ID>]")
    _check_single_instances(result.document["instruments"], report)
    _check_capacity(result.document["instruments"], report)
    if isinstance(scenario.get("locality"), str) and NAME_PATTERN.match(scenario["locality"]):
        result.locality_dir = _check_locality(scenario["locality"], scenario_path, report)
    result.problems = report.problems + override_problems
    return result
