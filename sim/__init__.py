"""subsim: monthly microsimulation of the cost and effect of Chinese employment subsidies.

Public API (DESIGN §1): `load_scenario`, `run`, `compare`, `sweep`, `sensitivity` and `calibrate`.
"""
import os as _os
from pathlib import Path as _Path

from sim.version import __version__, code_version as _code_version


def _numba_cache_dir() -> str:
    """A numba cache folder per version of the source. Numba checks only the timestamp of a compiled
    function's own file, so a kernel whose callee in another module changed would load stale machine
    code; keying the folder by the hash of every source file rules that out. NUMBA_CACHE_DIR, if set,
    is respected."""
    base = _Path(_os.environ.get("XDG_CACHE_HOME", _Path.home() / ".cache"))
    return str(base / "subsim" / "numba" / _code_version())


_os.environ.setdefault("NUMBA_CACHE_DIR", _numba_cache_dir())

from sim.api import run  # noqa: E402  (after the cache folder is chosen)
from sim.calibrate import calibrate  # noqa: E402
from sim.compare import compare  # noqa: E402
from sim.params import load_scenario  # noqa: E402
from sim.sensitivity import sensitivity  # noqa: E402
from sim.sweep import sweep  # noqa: E402

__all__ = ["load_scenario", "run", "compare", "sweep", "sensitivity", "calibrate", "__version__"]
