"""Rewrite chosen leaves of a sourced parameter file (behaviour.toml) in place of their old text.

Every other line — comments, order, blank lines — is kept, so a calibrated file diffs cleanly against
the original: only the calibrated leaves and the provenance block at the top change. Each leaf must be
written on one line, ``key = { value = …, source = "…" }``, as the bundled files are.
"""
from __future__ import annotations

import math
import re
import tomllib
from typing import Any

PROVENANCE_START = "# --- calibration provenance (written by subsim calibrate; replaced on the next run) ---"
PROVENANCE_END = "# --- end of calibration provenance ---"
_SECTION = re.compile(r"^\s*\[([A-Za-z0-9_.-]+)\]\s*(#.*)?$")
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_inline(value: Any) -> str:
    """Write a value as TOML inline text (numbers, strings, booleans, lists and tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to TOML parameter files")
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        parts = [f"{k if _BARE.match(k) else toml_inline(k)} = {toml_inline(v)}" for k, v in value.items()]
        return "{ " + ", ".join(parts) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def rewrite_leaves(text: str, updates: dict[str, dict[str, Any]], provenance: list[str]) -> str:
    """Return `text` with the named leaves replaced and the provenance block set.

    Parameters
    ----------
    text : str
        The file as read.
    updates : dict
        Dotted key (``"separation.base"``) → the new leaf table (``{"value": …, "source": …, …}``).
    provenance : list of str
        Lines of the provenance block (without ``#``); written after the file's opening comment.

    Raises
    ------
    KeyError
        When a leaf is not found on a line of its own (the caller's bug, not a user's input).
    """
    lines = text.splitlines()
    lines = _drop_provenance(lines)
    section, done = "", set()
    for i, line in enumerate(lines):
        header = _SECTION.match(line)
        if header:
            section = header.group(1)
            continue
        for key, leaf in updates.items():
            head, _, name = key.rpartition(".")
            if head == section and re.match(rf"^\s*{re.escape(name)}\s*=\s*\{{", line):
                lines[i] = f"{name} = {toml_inline(leaf)}"
                done.add(key)
    missing = set(updates) - done
    if missing:
        raise KeyError(f"leaves not found on a line of their own: {', '.join(sorted(missing))}")
    block = [PROVENANCE_START] + [f"# {line}" if line else "#" for line in provenance] + [PROVENANCE_END]
    opening = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    out = "\n".join(lines[:opening] + block + lines[opening:]) + "\n"
    tomllib.loads(out)                         # the result must still be valid TOML
    return out


def _drop_provenance(lines: list[str]) -> list[str]:
    if PROVENANCE_START not in lines:
        return lines
    start = lines.index(PROVENANCE_START)
    end = lines.index(PROVENANCE_END, start)
    return lines[:start] + lines[end + 1:]
