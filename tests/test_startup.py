"""Start-up (issue 14): the command line imports no heavy library it does not need, and the package's
API functions load on first use yet stay the package's attributes when their submodules are imported."""
from __future__ import annotations

import subprocess
import sys

import sim
from tests.conftest import ROOT

HEAVY = ("pandas", "numba", "scipy", "openpyxl", "matplotlib", "dask")


def test_the_command_line_and_version_import_no_heavy_library():
    code = ("import sys, sim.cli; from sim.version import __version__; "
            f"print([name for name in {HEAVY!r} if name in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_api_functions_are_the_package_attributes():
    import sim.compare  # noqa: F401  (a test seam: the submodule named like the function, imported)
    import sim.sweep  # noqa: F401  (as above)

    assert callable(sim.compare) and sim.compare.__name__ == "compare"
    assert sim.sweep.__name__ == "sweep" and sim.run.__module__ == "sim.api"
    assert sim.load_scenario.__module__.startswith("sim.params")
