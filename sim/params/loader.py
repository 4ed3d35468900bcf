"""Reading scenario files (TOML, or an Excel parameter workbook: sim.params.workbook) and resolving ``[scenario] extends`` chains.

A reform names its parent in ``[scenario] extends`` (relative to the reform's own file) and overrides
only what changes. Merging is by key: sections (tables the schema declares as sections, such as
``[instruments.SR-05]``) merge key by key; a parameter's value replaces the parent's value wholesale,
even when the value is itself a table (an effective-month table, a fund split, a table of shares):
merging those key by key would mix two policies' months or make shares no longer sum to 1.

The loader records which file wrote each key, so a problem in an inherited value names the parent.
"""
from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.params.errors import NO_VALUE, Problem, display_path
from sim.params.files import TOML_LIMIT, InputFileError, read_input, safe_resolve
from sim.params.scenario_schema import is_value_path
from sim.params.workbook import is_workbook, read_workbook

KeyPath = tuple[str, ...]
Origins = dict[KeyPath, Path]


@dataclass
class LoadedDocument:
    """A merged scenario document and where each of its keys was written.

    Attributes
    ----------
    document : dict
        The merged TOML document (empty when `problems` is not).
    origins : dict
        Key path → file, for every table and value.
    files : list of Path
        The chain, the requested file first, its parent next, and so on.
    problems : list of Problem
        Unreadable files, syntax errors, missing parents and cycles.
    """

    document: dict[str, Any] = field(default_factory=dict)
    origins: Origins = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_toml(path: Path, *, key: str = "", value: Any = NO_VALUE,
              referrer: Path | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read one TOML file; problems instead of exceptions.

    Parameters
    ----------
    path : Path
        The file.
    key, value, referrer : optional
        When the file was named by another file (``scenario.extends``), the problem about a missing
        or unreadable file is reported against the referring file and key.

    Returns
    -------
    document : dict or None
        The parsed document, or None when it could not be read.
    problems : list of Problem
    """
    where = display_path(referrer) if referrer is not None else display_path(path)
    named = f": {display_path(path)}" if referrer is not None else ""
    try:
        data = read_input(path, TOML_LIMIT)
    except InputFileError as exc:
        if exc.missing:
            return None, [Problem(where, key, value, f"file not found{named}")]
        return None, [Problem(where, key, value, f"the file{' ' + display_path(path) if referrer is not None else ''} {exc.reason}; "
                                            "a TOML text file is needed")]
    try:
        # utf-8-sig: editors on Windows often save a byte-order mark, which TOML would refuse
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(display_path(path), "<encoding>", NO_VALUE,
                              f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line N, column M)"
        return None, [Problem(display_path(path), "<syntax>", NO_VALUE, f"TOML syntax error: {exc}")]
    except RecursionError:
        return None, [Problem(display_path(path), "<syntax>", NO_VALUE,
                              "arrays or tables nested too deeply to read")]


def record_origins(node: dict[str, Any], file: Path, path: KeyPath, origins: Origins) -> None:
    """Record `file` as the origin of every table and value below `path`."""
    for key, value in node.items():
        sub = path + (key,)
        origins[sub] = file
        if isinstance(value, dict):
            record_origins(value, file, sub, origins)


def _instrument_type(path: KeyPath, base: dict, over: dict) -> Any:
    # the type decides which keys are parameters; the reform may change it
    return over.get("type", base.get("type")) if path[:1] == ("instruments",) and len(path) == 3 \
        else None


def merge(base: dict[str, Any], over: dict[str, Any], over_file: Path, origins: Origins,
          path: KeyPath = (), is_value: Callable[[KeyPath, Any], bool] = is_value_path) -> None:
    """Merge `over` (a child file) into `base` in place, updating `origins`.

    Parameters
    ----------
    base : dict
        The merged parent document (modified).
    over : dict
        The child's document.
    over_file : Path
        The child's file, recorded as origin of everything it writes.
    origins : dict
        Key path → file (modified).
    path : tuple of str
        Key path of `base` and `over` (``()`` at the top).
    is_value : callable
        ``is_value(key_path, instrument_type)``: True when the key is a parameter whose value
        replaces the parent's wholesale.
    """
    for key, value in over.items():
        sub = path + (key,)
        old = base.get(key)
        if isinstance(old, dict) and isinstance(value, dict) \
                and not is_value(sub, _instrument_type(sub, base, over)):
            # section: merge key by key; the section's origin stays the file that introduced it
            merge(old, value, over_file, origins, sub, is_value)
            continue
        for stale in [k for k in origins if k[:len(sub)] == sub]:
            del origins[stale]
        base[key] = copy.deepcopy(value)
        origins[sub] = over_file
        if isinstance(value, dict):
            record_origins(value, over_file, sub, origins)


def load_document(path: str | Path) -> LoadedDocument:
    """Read a scenario file and every file it extends, and merge them.

    Parameters
    ----------
    path : str or Path
        The scenario file.

    Returns
    -------
    LoadedDocument
        The merged document with origins; on any problem, the problems and an empty document
        (validating half a chain would only add noise such as missing required keys).
    """
    result = LoadedDocument()
    chain: list[tuple[Path, dict[str, Any]]] = []
    current = Path(path)
    key, value, referrer = "", NO_VALUE, None
    seen: list[Path] = []
    while True:
        resolved = safe_resolve(current)
        if resolved in seen:
            names = [display_path(p) for p in seen] + [display_path(resolved)]
            result.problems.append(Problem(display_path(seen[-1]), "scenario.extends", value,
                                           "extends cycle: " + " → ".join(names)))
            break
        if is_workbook(current) and current.is_file():     # an Excel parameter workbook holds the same document
            document, problems, _ = read_workbook(current)
        else:
            document, problems = read_toml(current, key=key, value=value, referrer=referrer)
        if document is None or problems:
            result.problems.extend(problems)
            break
        seen.append(resolved)
        chain.append((current, document))
        scenario = document.get("scenario")
        parent = scenario.get("extends") if isinstance(scenario, dict) else None
        # a non-string or empty `extends` is not followed; validation reports its type
        if not isinstance(parent, str) or not parent:
            break
        key, value, referrer = "scenario.extends", parent, current
        current = current.parent / parent
    result.files = [file for file, _ in chain]
    if result.problems:
        return result
    merged: dict[str, Any] = {}
    for file, document in reversed(chain):
        merge(merged, document, file, result.origins)
    result.document = merged
    return result
