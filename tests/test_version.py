"""The code version (sim.version.code_version) keys stored tasks, warm states, calibration evaluations and
numba's cache: every source that can change a simulated number is in it, the presentation layers are not."""
from __future__ import annotations

import shutil

from sim.version import PACKAGE, code_version, is_presentation
from tests.test_architecture import MODULES, _imports


def _copy(tmp_path):
    root = tmp_path / "sim"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


def _edited(root, relative: str) -> str:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    return code_version(root)


def test_a_results_affecting_file_changes_the_code_version(tmp_path):
    root = _copy(tmp_path)
    before = code_version(root)
    assert before == code_version()
    for relative in ("kernels/persons.py", "engine.py", "attribution.py", "instruments/refund.py",
                     "params/compile.py", "ledger.py"):
        after = _edited(root, relative)
        assert after != before, relative
        before = after
    (root / "new_module.py").write_text("X = 1\n", encoding="utf-8")      # a new module counts by default
    assert code_version(root) != before


def test_the_presentation_layers_do_not_change_the_code_version(tmp_path):
    root = _copy(tmp_path)
    before = code_version(root)
    for relative in ("report/html.py", "report/figures.py", "app/views.py", "cli.py"):
        assert _edited(root, relative) == before, relative
    (root / "report" / "new_page.py").write_text("X = 1\n", encoding="utf-8")
    assert code_version(root) == before


def test_no_counted_module_imports_a_presentation_module():
    """A module in the code version that imported the app, the report or the command line could route a
    result through code the version leaves out."""
    presentation = {name for name, path in MODULES.items() if is_presentation(path.relative_to(PACKAGE).as_posix())}
    assert {"sim.cli", "sim.report", "sim.app"} <= presentation
    for name, path in MODULES.items():
        if name not in presentation:
            assert not (_imports(path) & presentation), name
