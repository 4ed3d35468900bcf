"""Problems found in input files, and the exception that carries them.

Every input mistake becomes a `Problem` naming the file, the key path, the bad value and what is
allowed; all problems of a run are collected and raised together in one `ScenarioError`, so a user
fixes everything in one pass instead of one error per attempt.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class _NoValue:
    """Marks a problem that has no value to show (a missing key, a syntax error)."""

    _instance: "_NoValue | None" = None

    def __new__(cls) -> "_NoValue":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<no value>"

    def __reduce__(self) -> str:
        # pickles as the module attribute, so the singleton survives a trip to a worker process
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


def display_path(path: str | os.PathLike[str]) -> str:
    """Return `path` relative to the current directory when it lies below it, else as given.

    Parameters
    ----------
    path : str or path-like
        A file path.

    Returns
    -------
    str
        The path as a user would type it from where they stand.
    """
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):      # outside the folder, a link loop, a NUL byte
        return str(path).replace("\0", "\\0")


@dataclass(frozen=True)
class Problem:
    """One mistake in an input file.

    Parameters
    ----------
    file : str
        The file where the bad value was written (relative to the current directory when possible),
        or a pseudo-file such as ``<override>`` for values given on the command line.
    key : str
        Dotted key path, e.g. ``instruments.SR-05.share.sme``; empty when the whole file is at fault.
    value : Any
        The offending value, or `NO_VALUE` when there is none (missing key, syntax error).
    message : str
        What is wrong and what is allowed.
    """

    file: str
    key: str
    value: Any
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.key:
            where += f": {self.key}"
            if self.value is not NO_VALUE:
                where += f" = {self.value!r}"
        elif self.value is not NO_VALUE:
            where += f": {self.value!r}"
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """Raised with every problem found in a scenario (and its locality files).

    Parameters
    ----------
    problems : list of Problem
        All problems, in the order they were found.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # rebuild from the problems, not from the message, when sent between processes
        return (type(self), (self.problems,))
