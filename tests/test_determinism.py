"""Same seed ⇒ byte-identical results whatever the thread count (DESIGN §3); other seeds differ."""
from __future__ import annotations

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
