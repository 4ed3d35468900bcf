"""Import rules of DESIGN §1, and the command line's contract (exit codes, no tracebacks)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import LIUPANSHUI, ROOT

SIM = ROOT / "sim"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_kernels_import_only_numpy_numba_codes_rng_and_each_other():
    allowed = {"numpy", "numba", "sim.codes", "sim.rng", "__future__"}
    for path in (SIM / "kernels").glob("*.py"):
        for name in _imports(path):
            assert name in allowed or name.startswith(("numba.", "sim.kernels")), (path.name, name)


def test_only_report_imports_matplotlib():
    for path in SIM.rglob("*.py"):
        if "report" in path.parts:
            continue
        assert not any(name.split(".")[0] == "matplotlib" for name in _imports(path)), path


def test_cli_holds_no_model_logic():
    names = _imports(SIM / "cli.py")
    assert not any(n.startswith(("sim.kernels", "sim.engine", "sim.population", "numpy", "numba")) for n in names)


def test_upstream_never_imports_downstream():
    """scenario → params → population → kernels → engine → ledger/results → report."""
    downstream_of = {"params": ("sim.population", "sim.kernels", "sim.engine", "sim.ledger", "sim.results", "sim.report"),
                     "population": ("sim.kernels", "sim.engine", "sim.ledger", "sim.results", "sim.report")}
    for package, forbidden in downstream_of.items():
        for path in (SIM / package).glob("*.py"):
            assert not any(n.startswith(forbidden) for n in _imports(path)), (path, _imports(path))


BAD = sorted(p for p in (ROOT / "tests" / "bad_scenarios").glob("*.toml") if not p.name.startswith("_"))


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_validate_rejects_each_bad_scenario_with_exit_2_and_its_words(path, capsys):
    expected = [w.strip() for w in path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").split("|")]
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for word in expected:
        assert word in err, (word, err)


def test_run_with_a_bad_scenario_exits_2_without_traceback(capsys):
    assert main(["run", str(ROOT / "tests" / "bad_scenarios" / "out_of_range.toml")]) == 2
    err = capsys.readouterr().err
    assert "must be between" in err and "Traceback" not in err


def test_run_rejects_bad_command_line_values(capsys, tmp_path):
    assert main(["run", str(LIUPANSHUI), "--persons", "0"]) == 2
    assert "run.persons" in capsys.readouterr().err
    assert main(["run", str(LIUPANSHUI), "--seed", str(2**64)]) == 2
    assert "run.seed" in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["run", str(LIUPANSHUI), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "not a folder" in err and "Traceback" not in err


def test_a_run_past_2100_is_a_validation_problem(tmp_path, capsys):
    from tests.conftest import write_reform
    path = write_reform(tmp_path, 'start = "2100-06"\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "scenario.months" in err and "2100-12" in err and "Traceback" not in err


def test_results_files_are_readable_by_others(tmp_path):
    import os
    import stat
    assert main(["run", str(LIUPANSHUI), "--persons", "500", "--months", "2", "--out", str(tmp_path / "r")]) == 0
    mask = os.umask(0)
    os.umask(mask)
    for path in (tmp_path / "r").rglob("*"):        # the task store tasks/ and its files too
        assert stat.S_IMODE(path.stat().st_mode) == (0o777 if path.is_dir() else 0o666) & ~mask, path


def test_validate_accepts_the_bundled_scenario(capsys):
    assert main(["validate", str(LIUPANSHUI)]) == 0


def test_run_writes_the_results_folder_and_a_summary(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(LIUPANSHUI), "--persons", "2000", "--months", "3", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"manifest.json", "costs.csv", "costs.parquet", "budget.csv",
                                               "outcomes.csv", "funds.csv"}
    assert "城镇调查失业率" in capsys.readouterr().out
