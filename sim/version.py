"""The package version and the one hash of its sources (stored tasks, calibration evaluations and
numba's cache are only reused by the same code). Imports only the standard library, so that
`sim/__init__.py` can choose numba's cache folder before numba is loaded."""
from __future__ import annotations

import hashlib
import platform
from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).parent


def code_version() -> str:
    """sha256 (16 hex digits) of every source file of the package, names included."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    """The versions a manifest records: subsim, Python, numpy, numba and pandas."""
    # here, not above: sim/__init__ imports this module before it sets numba's cache folder, and
    # `subsim --version` needs none of them
    import numba  # see above
    import numpy  # see above
    import pandas  # see above
    return {"subsim": __version__, "python": platform.python_version(), "numpy": numpy.__version__,
            "numba": numba.__version__, "pandas": pandas.__version__}
