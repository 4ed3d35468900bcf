"""Loader for sourced parameter files (a locality's profile.toml and behaviour.toml).

Every parameter is an inline table with its value and where the value comes from::

    [population]
    labour_force = { value = 1650000, source = "assumption: 2020 census × participation", unit = "persons" }

Sections are ordinary TOML tables. Optional extra keys: ``note``, ``unit`` (must match the schema's
unit when the schema declares one), ``status``, and in behaviour files ``calibrate = { low = …, high = … }``:
the parameter is one `subsim calibrate` may move, within these bounds (inside the schema's range, low <
high, the current value between them; numbers only)::

    base = { value = 0.014, source = "assumption: …", calibrate = { low = 0.004, high = 0.03 } }

and ``distribution = { kind = "uniform", low = …, high = … }`` or ``{ kind = "normal", sd = …[, mean = …]
[, low = …][, high = …] }``: the parameter is uncertain and each Monte Carlo replication draws its own
value (`sim.uncertainty`); ``value`` stays the central value used without replications.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.params.distributions import check_distribution
from sim.params.errors import Problem
from sim.params.kinds import format_number, suggest
from sim.params.loader import read_toml
from sim.params.months import FIRST_MONTH, in_force, is_month
from sim.params.walk import KeyPath, Reporter, Walker
from sim.schema import KINDS, Field, Schema

LEAF_KEYS = ("value", "source", "note", "unit", "status", "calibrate", "distribution")
OVERRIDE_SOURCE = "override: set on the command line or through load_scenario(set=…)"
SOURCE_RULE = "every value needs a source or 'assumption: …'"
DEFAULT_SOURCE = "schema default"


class SourcedWalker(Walker):
    """A `Walker` whose leaves are ``{ value = …, source = "…" }`` tables."""

    def __init__(self, report: Reporter, *, allow_calibrate: bool = False) -> None:
        super().__init__(report)
        self.sources: dict[str, str] = {}
        self.allow_calibrate = allow_calibrate
        self.bounds: dict[str, tuple[float, float]] = {}
        self.distributions: dict[str, dict] = {}

    def leaf(self, path: KeyPath, field: Field, raw: Any) -> tuple[bool, Any]:
        """Unwrap and check one sourced value; record its source."""
        if not isinstance(raw, dict) or "value" not in raw:
            self.report.add(path, raw, 'must be an inline table { value = …, source = "…" }')
            return False, None
        ok = True
        for key, extra in raw.items():
            allowed = LEAF_KEYS if self.allow_calibrate else LEAF_KEYS[:-2]
            if key not in allowed:
                self.report.add(path + (key,), extra, f"unknown key {key!r}" + suggest(key, allowed))
                ok = False
            elif key == "calibrate":
                ok = self._bounds(path, field, extra, raw["value"]) and ok
            elif key == "distribution":
                spec, problems = check_distribution(field, extra, raw["value"])
                for sub, bad, message in problems:
                    self.report.add(path + ("distribution",) + sub, bad, message)
                if problems:
                    ok = False
                else:
                    self.distributions[".".join(path)] = spec
            elif key != "value" and not isinstance(extra, str):
                self.report.add(path + (key,), extra, "must be a string")
                ok = False
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            self.report.add(path, raw["value"], SOURCE_RULE)
            ok = False
        else:
            self.sources[".".join(path)] = source
        unit = raw.get("unit")
        if isinstance(unit, str) and field.unit and unit != field.unit:
            self.report.add(path + ("unit",), unit, f"the schema's unit is {field.unit!r}: "
                            "convert the value, do not change the unit")
            ok = False
        valid, checked = super().leaf(path, field, raw["value"])
        return ok and valid, checked

    def _bounds(self, path: KeyPath, field: Field, bounds: Any, value: Any) -> bool:
        """Check ``calibrate = { low = …, high = … }`` and record it; return True when valid."""
        where = path + ("calibrate",)
        if field.kind not in ("float", "int") or field.by_month:
            self.report.add(where, bounds, f"only a single number can be calibrated, not {KINDS[field.kind]}")
            return False
        if not isinstance(bounds, dict) or set(bounds) != {"low", "high"}:
            self.report.add(where, bounds, "must be a table { low = …, high = … } (exactly these two keys)")
            return False
        low, high = bounds["low"], bounds["high"]
        ok = True
        for key, bound in (("low", low), ("high", high)):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                self.report.add(where + (key,), bound, "must be a number")
                ok = False
            elif (field.min is not None and bound < field.min) or (field.max is not None and bound > field.max):
                self.report.add(where + (key,), bound, f"must be inside the parameter's range "
                                f"[{format_number(field.min)}, {format_number(field.max)}]")
                ok = False
        if not ok:
            return False
        if not low < high:
            self.report.add(where, bounds, f"low ({low:g}) must be below high ({high:g})")
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
            self.report.add(where, bounds, f"the value {value:g} must lie between low and high")
            return False
        self.bounds[".".join(path)] = (float(low), float(high))
        return True

    def default(self, path: KeyPath, field: Field) -> Any:
        """Fill an absent optional parameter and record that its source is the schema."""
        self.sources[".".join(path)] = DEFAULT_SOURCE + (f": {field.description}"
                                                         if field.description else "")
        return super().default(path, field)


def load_sourced(path: Path, schema: Schema, *, allow_calibrate: bool = False,
                 overrides: dict[str, Any] | None = None,
                 distributions: dict[str, dict] | None = None
                 ) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    """Read and validate a sourced parameter file.

    Parameters
    ----------
    path : Path
        The TOML file.
    schema : Schema
        Its declaration; sections may carry cross-field checks under ``"__checks__"``.
    allow_calibrate : bool
        Accept ``calibrate = { low, high }`` and ``distribution = {…}`` on numeric leaves (behaviour files).
    overrides : dict, optional
        Dotted key → value replacing the file's value before validation (checked like it; the key
        must be in the schema: see `sim.params.overrides`).
    distributions : dict, optional
        Filled with dotted key → checked ``distribution`` of each uncertain parameter.

    Returns
    -------
    values : dict
        Nested plain values (sources stripped), defaults filled; keys with problems left out.
    sources : dict of str to str
        Flat dotted key → source text, e.g. ``{"population.labour_force": "assumption: …"}``.
    problems : list of Problem
        Empty when the file is valid.
    """
    values, sources, _, problems = load_sourced_bounds(path, schema, allow_calibrate=allow_calibrate,
                                                       overrides=overrides, distributions=distributions)
    return values, sources, problems


def load_sourced_bounds(path: Path, schema: Schema, *, allow_calibrate: bool = True,
                        overrides: dict[str, Any] | None = None, distributions: dict[str, dict] | None = None
                        ) -> tuple[dict[str, Any], dict[str, str], dict[str, tuple[float, float]], list[Problem]]:
    """As `load_sourced`, and also return the calibration bounds: flat dotted key → (low, high)."""
    path = Path(path)
    document, problems = read_toml(path)
    if document is None:
        return {}, {}, {}, problems
    for key, value in (overrides or {}).items():
        _override(document, key, value)
    walker = SourcedWalker(Reporter(path), allow_calibrate=allow_calibrate)
    values = walker.section(document, schema, ())
    if distributions is not None:
        distributions.update(walker.distributions)
    return values, walker.sources, walker.bounds, walker.report.problems


def _with_entry(table: Any, keys: list[str], value: Any) -> dict:
    """A copy of `table` (a plain value: an empty table) with `value` at the path `keys`."""
    out = dict(table) if isinstance(table, dict) else {}
    out[keys[0]] = _with_entry(out.get(keys[0]), keys[1:], value) if len(keys) > 1 else value
    return out


def _override(document: dict, key: str, value: Any) -> None:
    """Write `value` at a dotted key of a sourced document: into the leaf's ``value`` (a fixed value
    is no longer uncertain: its ``distribution`` is dropped), or one entry of a table-valued leaf
    (``job_finding.age_multiplier.16-24``), or one effective month of a by-month leaf, or an entry of
    it (``districts.minimum_wage.2025-01.core``: a new month's table starts as the one in force before
    it; a value not yet by month stays in force before that month). The key was checked against the
    schema beforehand."""
    parts = key.split(".")
    node = document
    for depth, part in enumerate(parts):
        child = node.get(part) if isinstance(node, dict) else None
        if isinstance(child, dict) and "value" in child:            # the sourced leaf
            leaf = dict(child, source=OVERRIDE_SOURCE)
            leaf.pop("distribution", None)
            rest = parts[depth + 1:]
            if rest:
                old = leaf["value"]
                if is_month(rest[0]):
                    if not (isinstance(old, dict) and any(map(is_month, old))):
                        old = {FIRST_MONTH: old}                    # the single value, before the month
                    before = in_force(old, rest[0])
                    if rest[0] not in old and len(rest) > 1 and isinstance(before, dict):
                        old = dict(old, **{rest[0]: dict(before)})  # a new month's table: as before it, but …
                leaf["value"] = _with_entry(old, rest, value)
            else:
                leaf["value"] = value
            node[part] = leaf
            return
        if child is None:                                           # absent: a schema default
            node[part] = {"value": value, "source": OVERRIDE_SOURCE} if depth == len(parts) - 1 else {}
            if depth < len(parts) - 1:
                child = node[part]
            else:
                return
        node = child


__all__ = ["load_sourced", "load_sourced_bounds", "SourcedWalker", "SOURCE_RULE"]
