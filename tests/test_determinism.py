"""Same seed ⇒ byte-identical results whatever the thread count (DESIGN §3); other seeds differ."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import LIUPANSHUI, ROOT


def _run(out, threads: int, seed: int) -> None:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    subprocess.run([sys.executable, "-m", "sim.cli", "run", str(LIUPANSHUI), "--persons", "6000", "--months", "14",
                    "--seed", str(seed), "--out", str(out)], check=True, cwd=ROOT, env=env, capture_output=True)


@pytest.mark.slow
def test_one_and_two_threads_give_identical_files_and_other_seeds_differ(tmp_path):
    _run(tmp_path / "t1", 1, seed=5)
    _run(tmp_path / "t2", 2, seed=5)
    _run(tmp_path / "s6", 2, seed=6)
    for name in ("costs.csv", "outcomes.csv", "budget.csv", "funds.csv"):
        assert (tmp_path / "t1" / name).read_bytes() == (tmp_path / "t2" / name).read_bytes(), name
    assert (tmp_path / "t1" / "outcomes.csv").read_bytes() != (tmp_path / "s6" / "outcomes.csv").read_bytes()
    assert (tmp_path / "t1" / "costs.csv").read_bytes() != (tmp_path / "s6" / "costs.csv").read_bytes()


def test_results_do_not_depend_on_the_number_of_chunks(monkeypatch):
    """Every per-chunk sum is an integer (money in fen, counts, expected flows in fixed point), so the
    chunking is free: 16, 5 or 1 chunks give the same run."""
    import numpy as np

    import sim
    import sim.engine as engine
    scenario = sim.load_scenario(LIUPANSHUI, persons=3000, months=14, seed=12)
    runs = []
    for chunks in (16, 5, 1):
        monkeypatch.setattr(engine, "N_CHUNKS", chunks)
        record = engine.simulate(scenario)
        runs.append((record.outcomes, record.ledger_fen, record.theta, record.population.persons.data.tobytes()))
    for other in runs[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(runs[0][:3], other[:3])) and runs[0][3] == other[3]
    assert (runs[0][2] < 1).any()              # rationing bound at least once, so θ was really compared


def _compare(out, threads: int) -> None:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    reform = ROOT / "scenarios" / "liupanshui-2023-youth-hiring.toml"
    subprocess.run([sys.executable, "-m", "sim.cli", "compare", str(LIUPANSHUI), str(reform), "--persons", "3000",
                    "--months", "6", "--seed", "5", "--attribution", "--out", str(out)], check=True, cwd=ROOT, env=env,
                   capture_output=True)


@pytest.mark.slow
def test_a_warm_started_comparison_is_identical_for_one_and_two_threads(tmp_path):
    """Issue 12 done-means 7 (threads; serial against dask: tests/test_sweep.py): base and reform start
    from one warmed state, and nothing in it depends on the thread count."""
    _compare(tmp_path / "t1", 1)
    _compare(tmp_path / "t2", 2)
    files = ["differences.csv", "attribution_reps.csv"] + [f"{name}/{table}" for name in
                                                          ("liupanshui-2023", "liupanshui-2023-youth-hiring")
                                                          for table in ("costs.csv", "outcomes.csv", "funds.csv")]
    for name in files:
        assert (tmp_path / "t1" / name).read_bytes() == (tmp_path / "t2" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "t1" / "comparison.json").read_text(encoding="utf-8"))
    assert manifest["warmup"]["months"] > 0
