"""subsim: monthly microsimulation of the cost and effect of Chinese employment subsidies.

Public API (DESIGN §1): `load_scenario`, `run`, `compare`, `sweep`, `sensitivity` and `calibrate`.
"""
import importlib as _importlib
import os as _os
import sys as _sys
import types as _types
from pathlib import Path as _Path

from sim.version import __version__, code_version as _code_version


def _numba_cache_dir() -> str:
    """A numba cache folder per version of the source. Numba checks only the timestamp of a compiled
    function's own file, so a kernel whose callee in another module changed would load stale machine
    code; keying the folder by the hash of every source file rules that out. NUMBA_CACHE_DIR, if set,
    is respected."""
    base = _Path(_os.environ.get("XDG_CACHE_HOME", _Path.home() / ".cache"))
    return str(base / "subsim" / "numba" / _code_version())


_os.environ.setdefault("NUMBA_CACHE_DIR", _numba_cache_dir())     # before any module of sim imports numba
# Threads of the parallel person pass sleep between months instead of spinning (OpenMP's default): a
# spinning thread keeps its core from other work, and where there is other work a month then waits for
# the spinning thread's next time slice (docs/decisions.md, "The person pass's threads sleep between
# months"). Read when numba first starts its threads; OMP_WAIT_POLICY, if set, is respected.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")

# The public API loads on first use, so `subsim --version` and `subsim validate` do not import pandas,
# scipy, matplotlib or openpyxl they do not need (issue 14: start-up ≤ 1 s)
_API = {"run": "sim.api", "calibrate": "sim.calibrate", "compare": "sim.compare", "load_scenario": "sim.params",
        "sensitivity": "sim.sensitivity", "sweep": "sim.sweep"}


class _Package(_types.ModuleType):
    """The package `sim`: an API function is loaded when first asked for, and the submodule of the same
    name (`sim.compare` …), when imported, does not replace it as the package's attribute (as when
    this file imported the functions eagerly)."""

    def __getattr__(self, name: str):
        if name not in _API:
            raise AttributeError(f"module 'sim' has no attribute {name!r}")
        value = getattr(_importlib.import_module(_API[name]), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value) -> None:
        if name in _API and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package

__all__ = ["load_scenario", "run", "compare", "sweep", "sensitivity", "calibrate", "__version__"]
