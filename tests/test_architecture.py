"""Import rules of DESIGN §1 (a layer table and a cycle check), and the command line's contract
(exit codes, no tracebacks)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import LIUPANSHUI, ROOT

SIM = ROOT / "sim"

# The layers, bottom first. A module may import its own layer and the layers below it, never one above;
# an entry names a module or a package (with everything in it). Every module of sim/ must be listed: a
# new module is placed here on purpose. docs/developing.md explains each layer. The instruments sit below
# the parameters because each type declares its parameter schema, which validation reads; the kernels
# and the accounts below them import only the foundation.
LAYERS = [
    ("foundation", ["sim.version", "sim.codes", "sim.rng", "sim.stats", "sim.schema", "sim.cells", "sim.once"]),
    ("kernels", ["sim.kernels"]),
    ("accounts", ["sim.ledger", "sim.metrics", "sim.outcomes"]),
    ("instruments", ["sim.instruments"]),
    ("parameters", ["sim.params"]),
    ("population", ["sim.population"]),
    ("engine", ["sim.inputs", "sim.funds", "sim.packing", "sim.engine", "sim.warmup"]),
    ("runs", ["sim.results", "sim.uncertainty", "sim.executors", "sim.tasks", "sim.replicate", "sim.api"]),
    ("studies", ["sim.attribution", "sim.compare", "sim.sweep", "sim.sensitivity", "sim.moments",
                 "sim.targets_schema", "sim.targets", "sim.backtest", "sim.calibrate"]),
    ("report", ["sim.report"]),
    ("entry points", ["sim", "sim.cli", "sim.app"]),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SIM.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, (path, "use absolute imports")
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES.keys()
            names |= submodules or {node.module}          # `from sim import attribution` names sim.attribution
    return names


def import_graph() -> dict[str, set[str]]:
    """sim module → the sim modules it imports."""
    return {name: {n for n in _imports(path) if n in MODULES} for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    """Index of the layer whose longest entry holds `module` (KeyError when none does)."""
    best = max(((len(entry), index) for index, (_, entries) in enumerate(LAYERS) for entry in entries
                if module == entry or module.startswith(entry + ".")), default=None)
    if best is None:
        raise KeyError(module)
    return best[1]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
                  for a, targets in graph.items() for b in targets if layer_of(b) > layer_of(a))


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import graph's strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    unplaced = []
    for name in MODULES:
        try:
            layer_of(name)
        except KeyError:
            unplaced.append(name)
    assert not unplaced, f"add these modules to LAYERS: {unplaced}"


def test_layers_import_only_downward():
    assert upward_imports(import_graph()) == []


def test_no_import_circles():
    assert circles(import_graph()) == []


def test_the_checks_catch_a_back_arrow_and_a_circle():
    graph = {"sim.codes": {"sim.engine"}, "sim.engine": {"sim.codes"}}
    assert upward_imports(graph) == ["sim.codes (foundation) imports sim.engine (engine)"]
    assert circles(graph) == [["sim.codes", "sim.engine"]]


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


def test_imports_inside_functions_say_why():
    """Outside cli.py, an import inside a function carries a comment on its line or the line above
    (an optional or slow-to-load dependency, or a test seam)."""
    unexplained = []
    for name, path in MODULES.items():
        if name == "sim.cli":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        line, above = lines[node.lineno - 1], lines[node.lineno - 2]
                        if "#" not in line and not above.strip().startswith("#"):
                            unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unexplained, unexplained


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
