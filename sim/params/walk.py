"""Walking a parsed document against a `Schema`, collecting every problem on the way.

`Reporter` turns key paths into `Problem`s naming the file each value came from; `Walker` checks a
section: unknown keys (with did-you-mean), missing required keys, each value against its `Field`,
defaults filled, then the section's cross-field checks.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.params.errors import NO_VALUE, Problem, display_path
from sim.params.kinds import check_value, suggest
from sim.schema import CHECKS, DERIVED, REQUIRED, Field, Schema, schema_keys

KeyPath = tuple[str, ...]
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key_text(path: KeyPath) -> str:
    """Write a key path as TOML would: dotted, quoting components that are not bare keys."""
    return ".".join(k if _BARE_KEY.match(k) else '"' + k.replace('"', '\\"') + '"' for k in path)


class Reporter:
    """Collects problems; names each after the file its key was written in.

    Parameters
    ----------
    default_file : str or Path
        File named when a key has no recorded origin (e.g. a key that is missing everywhere).
    origins : mapping of key path to Path, optional
        Where each table and value was written (from the loader's merge of an ``extends`` chain).
    """

    def __init__(self, default_file: str | Path,
                 origins: Mapping[KeyPath, Path] | None = None) -> None:
        self.default_file = default_file
        self.origins = origins or {}
        self.problems: list[Problem] = []

    def file_for(self, path: KeyPath) -> str:
        """Return the display name of the file that wrote `path` (or its nearest ancestor)."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return display_path(origin)
        if isinstance(self.default_file, Path):
            return display_path(self.default_file)
        return str(self.default_file)

    def add(self, path: KeyPath, value: Any, message: str) -> None:
        """Record one problem at `path` (value `NO_VALUE` when there is nothing to show)."""
        self.problems.append(Problem(self.file_for(path), key_text(path), value, message))


class Walker:
    """Validates sections against a schema and returns their values with defaults filled.

    Subclasses change how a leaf is read (`leaf`) and what a default records (`default`).
    """

    def __init__(self, report: Reporter) -> None:
        self.report = report

    def section(self, raw: Any, schema: Schema, path: KeyPath, *,
                skip_unknown: bool = False) -> dict[str, Any]:
        """Check one section.

        Parameters
        ----------
        raw : Any
            The section as read; anything but a table is itself a problem.
        schema : Schema
            Its declaration.
        path : tuple of str
            Key path of the section (``()`` for the whole file).
        skip_unknown : bool
            Do not report keys the schema does not know (used when the instrument type is unknown,
            so its type-specific keys cannot be judged).

        Returns
        -------
        dict
            Valid values and filled defaults; keys with problems are left out.
        """
        if not isinstance(raw, dict):
            self.report.add(path, raw, "must be a table (a [section] or { … })")
            return {}
        before = len(self.report.problems)
        allowed = schema_keys(schema)
        out: dict[str, Any] = {}
        for key, value in raw.items():
            node = schema.get(key) if key in allowed else None
            sub = path + (key,)
            if node is None:
                if not skip_unknown:
                    # the key is at fault; a table's contents (a whole section) would be noise
                    shown = NO_VALUE if isinstance(value, dict) else value
                    self.report.add(sub, shown, f"unknown key {key!r}" + suggest(key, allowed))
            elif isinstance(node, dict):
                out[key] = self.section(value, node, sub)
            else:
                ok, checked = self.leaf(sub, node, value)
                if ok:
                    out[key] = checked
        for key in allowed:
            if key in raw:
                continue
            node = schema[key]
            if isinstance(node, dict):
                # a missing section is an empty one: each of its required keys is reported
                out[key] = self.section({}, node, path + (key,))
            elif node.default is REQUIRED:
                self.report.add(path + (key,), NO_VALUE, "required key missing"
                                + (f" ({node.description})" if node.description else ""))
            elif node.default is not DERIVED:
                out[key] = self.default(path + (key,), node)
        if len(self.report.problems) == before:
            self.run_checks(schema, out, path)
        return out

    def leaf(self, path: KeyPath, field: Field, value: Any) -> tuple[bool, Any]:
        """Check one value; return (valid, normalised value)."""
        checked, issues = check_value(field, value, path[-1])
        for sub, bad, message in issues:
            self.report.add(path + sub, bad, message)
        return not issues, checked

    def default(self, path: KeyPath, field: Field) -> Any:
        """Return the default of an absent optional key, normalised like a given value."""
        checked, _ = check_value(field, copy.deepcopy(field.default), path[-1])
        return checked

    def run_checks(self, schema: Schema, values: dict[str, Any], path: KeyPath) -> None:
        """Run the section's cross-field checks on its validated values."""
        for check in schema.get(CHECKS, ()):  # type: ignore[union-attr]
            for key, value, message in check(values):
                self.report.add(path + tuple(key.split(".")) if key else path, value, message)
