"""The package version and the one hash of its sources (stored tasks, calibration evaluations and
numba's cache are only reused by the same code). Imports only the standard library, so that
`sim/__init__.py` can choose numba's cache folder before numba is loaded."""
from __future__ import annotations

import hashlib
import platform
from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).parent

# Sources that cannot change a simulated number, so editing them keeps stored tasks, warm states,
# calibration evaluations and numba's cache (paths relative to the package; a folder ends in "/"):
# - app/: the web app's pages and jobs, which call the public API with a scenario (a job's inputs);
# - report/: HTML pages, figures and workbooks drawn from finished tables;
# - cli.py: turns command-line options into API calls; every option that changes a number (persons,
#   seed, reps, months, overrides, the scenario files) reaches the task's key as its value.
# No other module imports them (tests/test_architecture.py checks it), so none can route a result through them.
PRESENTATION = ("app/", "report/", "cli.py")


def is_presentation(relative: str) -> bool:
    """Whether a source file (POSIX path relative to the package) is left out of `code_version`."""
    return any(relative == entry or (entry.endswith("/") and relative.startswith(entry)) for entry in PRESENTATION)


def code_version(package: Path = PACKAGE) -> str:
    """sha256 (16 hex digits) of every source file of the package that can change a result (all but
    `PRESENTATION`), names included."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if is_presentation(relative):
            continue
        digest.update(relative.encode())
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
