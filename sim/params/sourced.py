"""Loader for sourced parameter files (a locality's profile.toml and behaviour.toml).

Every parameter is an inline table with its value and where the value comes from::

    [population]
    labour_force = { value = 1650000, source = "assumption: 2020 census × participation", unit = "persons" }

Sections are ordinary TOML tables. Optional extra keys: ``note``, ``unit`` (must match the schema's
unit when the schema declares one), ``status``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.params.errors import Problem
from sim.params.kinds import suggest
from sim.params.loader import read_toml
from sim.params.schema import Field, Schema
from sim.params.walk import KeyPath, Reporter, Walker

LEAF_KEYS = ("value", "source", "note", "unit", "status")
SOURCE_RULE = "every value needs a source or 'assumption: …'"
DEFAULT_SOURCE = "schema default"


class SourcedWalker(Walker):
    """A `Walker` whose leaves are ``{ value = …, source = "…" }`` tables."""

    def __init__(self, report: Reporter) -> None:
        super().__init__(report)
        self.sources: dict[str, str] = {}

    def leaf(self, path: KeyPath, field: Field, raw: Any) -> tuple[bool, Any]:
        """Unwrap and check one sourced value; record its source."""
        if not isinstance(raw, dict) or "value" not in raw:
            self.report.add(path, raw, 'must be an inline table { value = …, source = "…" }')
            return False, None
        ok = True
        for key, extra in raw.items():
            if key not in LEAF_KEYS:
                self.report.add(path + (key,), extra, f"unknown key {key!r}" + suggest(key, LEAF_KEYS))
                ok = False
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

    def default(self, path: KeyPath, field: Field) -> Any:
        """Fill an absent optional parameter and record that its source is the schema."""
        self.sources[".".join(path)] = DEFAULT_SOURCE + (f": {field.description}"
                                                         if field.description else "")
        return super().default(path, field)


def load_sourced(path: Path, schema: Schema) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    """Read and validate a sourced parameter file.

    Parameters
    ----------
    path : Path
        The TOML file.
    schema : Schema
        Its declaration; sections may carry cross-field checks under ``"__checks__"``.

    Returns
    -------
    values : dict
        Nested plain values (sources stripped), defaults filled; keys with problems left out.
    sources : dict of str to str
        Flat dotted key → source text, e.g. ``{"population.labour_force": "assumption: …"}``.
    problems : list of Problem
        Empty when the file is valid.
    """
    path = Path(path)
    document, problems = read_toml(path)
    if document is None:
        return {}, {}, problems
    walker = SourcedWalker(Reporter(path))
    values = walker.section(document, schema, ())
    return values, walker.sources, walker.report.problems


__all__ = ["load_sourced", "SourcedWalker", "SOURCE_RULE"]
