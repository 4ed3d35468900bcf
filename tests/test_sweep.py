"""Executors, the task store (resume after a kill), and sensitivity analysis (OAT, Morris, Sobol)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import sim
from sim.cli import main
from sim.tasks import TaskStore
from tests.conftest import LIUPANSHUI, ROOT, UI_ONLY

SMALL = {"persons": 2000, "months": 6}
PARAMS = ["instruments.SR-05.share.sme=0.3:0.9", "behaviour.responses.hiring_subsidy_elasticity=0.1:1.0"]


def _same(a: sim.results.Results, b: sim.results.Results) -> None:
    for name in ("costs", "budget", "outcomes", "funds", "bands"):
        assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


@pytest.mark.slow
def test_local_dask_cluster_and_processes_give_the_serial_results_bit_for_bit(tmp_path):
    """A real LocalCluster with 2 single-threaded workers, and a pool of 2 processes, against serial:
    replications of a run and the points of a small sweep."""
    serial = sim.run(UI_ONLY, reps=3, seed=0, **SMALL)
    dask = sim.run(UI_ONLY, reps=3, seed=0, executor="dask", workers=2, store=tmp_path / "d", **SMALL)
    procs = sim.run(UI_ONLY, reps=3, seed=0, executor="processes", workers=2, **SMALL)
    _same(serial, dask)
    _same(serial, procs)
    execution = dict(dask.manifest["execution"])
    assert execution.pop("warm_states")["kept"] is False          # a run's replications: not kept (sim.tasks)
    assert execution == {"executor": "dask", "workers": 2, "tasks_computed": 3, "tasks_reused": 0}
    oat = [sim.sensitivity(LIUPANSHUI, PARAMS, method="oat", metrics=["cost.total", "jobs.new_urban"], reps=2,
                           executor=ex, workers=2, **SMALL) for ex in ("serial", "dask")]
    assert_frame_equal(oat[0].values, oat[1].values, check_exact=True)
    assert_frame_equal(oat[0].indices, oat[1].indices, check_exact=True)
    reform = ROOT / "scenarios" / "liupanshui-2023-refund-90-50.toml"
    cmp = [sim.compare(LIUPANSHUI, reform, reps=2, seed=0, executor=ex, workers=2, **SMALL) for ex in ("serial", "dask")]
    assert_frame_equal(cmp[0].differences, cmp[1].differences, check_exact=True)


@pytest.mark.slow
def test_workers_run_one_numba_thread_each():
    from sim.executors import DaskExecutor, ProcessExecutor, worker_numba_threads
    pool = ProcessExecutor(2)
    try:
        assert [n for _, n in pool.imap([worker_numba_threads] * 2)] == [1, 1]
    finally:
        pool.close()
    cluster = DaskExecutor(2)
    try:
        assert set(cluster.client.run(worker_numba_threads).values()) == {1}
    finally:
        cluster.close()


SCRIPT = """
import sys, sim
if __name__ == "__main__":
    sim.run(sys.argv[1], persons=3000, months=12, reps=10, seed=0, executor="serial", store=sys.argv[2])
"""


@pytest.mark.slow
def test_a_killed_sweep_resumes_without_recomputing_finished_tasks(tmp_path):
    store = tmp_path / "tasks"
    script = tmp_path / "sweep.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, str(script), str(UI_ONLY), str(store)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if store.exists() and len(TaskStore(store)) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished (or failed) before it could be killed: " + proc.stderr.read().decode()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(TaskStore(store))          # also removes a temporary file the kill may have left
    assert 3 <= finished < 10
    for path in store.glob("*.pkl"):         # nothing half-written
        assert {"costs", "outcomes", "funds"} <= set(pd.read_pickle(path))
    resumed = sim.run(UI_ONLY, persons=3000, months=12, reps=10, seed=0, store=store)
    assert resumed.manifest["execution"]["tasks_reused"] == finished
    assert resumed.manifest["execution"]["tasks_computed"] == 10 - finished
    _same(resumed, sim.run(UI_ONLY, persons=3000, months=12, reps=10, seed=0))
    again = sim.run(UI_ONLY, persons=3000, months=12, reps=10, seed=0, store=store)
    assert again.manifest["execution"]["tasks_computed"] == 0


def test_the_store_key_changes_with_inputs_and_not_with_the_replication_count():
    from sim.replicate import ReplicationTask
    from sim.tasks import task_key
    a = sim.load_scenario(UI_ONLY, reps=2, seed=0, **SMALL)
    b = sim.load_scenario(UI_ONLY, reps=5, seed=0, **SMALL)
    c = sim.load_scenario(UI_ONLY, reps=2, seed=1, **SMALL)
    d = sim.load_scenario(UI_ONLY, reps=2, seed=0, set={"instruments.UI-10.ratio": 0.8}, **SMALL)
    key = task_key(ReplicationTask(a, 1))
    assert key == task_key(ReplicationTask(b, 1))
    assert len({key, task_key(ReplicationTask(a, 0)), task_key(ReplicationTask(c, 1)),
                task_key(ReplicationTask(d, 1))}) == 4


# ---- sensitivity on models with a known answer --------------------------------------------------------------

def ishigami(values: dict) -> dict:
    """Ishigami & Homma (1990) with a = 7, b = 0.1 on [-π, π]³."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1)}


def additive(values: dict) -> dict:
    return {"y": 2 * values["a"] + 3 * values["b"]}


def test_sobol_indices_of_the_ishigami_function():
    """Analytic values (Saltelli et al. 2008, §4.8): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    With N = 1024 base points (5,120 evaluations) the bootstrap standard errors of the estimates are about
    0.02–0.035; a tolerance of 0.05 is about two of them, and each analytic value must also lie inside the
    reported 95 % interval. The sample is seeded, so the check is deterministic."""
    pi = np.pi
    result = sim.sensitivity(None, [("x1", -pi, pi), ("x2", -pi, pi), ("x3", -pi, pi)], method="sobol", n=1024,
                             metrics=["y"], model=ishigami, seed=0)
    got = result.indices.set_index("parameter")
    truth = {"x1": (0.3139, 0.5576), "x2": (0.4424, 0.4424), "x3": (0.0, 0.2437)}
    for name, (s1, st) in truth.items():
        row = got.loc[name]
        assert abs(row["S1"] - s1) < 0.05 and abs(row["ST"] - st) < 0.05, (name, row)
        assert row["S1_low"] <= s1 <= row["S1_high"] and row["ST_low"] <= st <= row["ST_high"], (name, row)


def test_sobol_of_an_additive_metric_splits_the_variance_by_the_coefficients():
    """y = 2a + 3b with a, b uniform on [0, 1]: S_a = 4/13, S_b = 9/13 and no interaction (ST = S1).
    Same tolerance argument as for Ishigami (N = 1024)."""
    result = sim.sensitivity(None, [("a", 0, 1), ("b", 0, 1)], method="sobol", n=1024, metrics=["y"], model=additive)
    got = result.indices.set_index("parameter")
    for name, share in (("a", 4 / 13), ("b", 9 / 13)):
        assert abs(got.loc[name, "S1"] - share) < 0.05 and abs(got.loc[name, "ST"] - share) < 0.05


def test_oat_and_morris_of_a_linear_model_are_exact():
    """Elementary effects of a linear model are its coefficients times the range (SALib's Δ is in the
    unit cube), with no spread; one-at-a-time swings are the coefficients times the range."""
    params = [("a", 0, 1), ("b", 0, 2)]
    oat = sim.sensitivity(None, params, method="oat", metrics=["y"], model=additive).indices.set_index("parameter")
    assert oat.loc["a", "swing"] == pytest.approx(2) and oat.loc["b", "swing"] == pytest.approx(6)
    morris = sim.sensitivity(None, params, method="morris", n=8, metrics=["y"], model=additive)
    got = morris.indices.set_index("parameter")
    assert got.loc["a", "mu_star"] == pytest.approx(2) and got.loc["b", "mu_star"] == pytest.approx(6)
    assert got["sigma"].abs().max() < 1e-9


# ---- the command line ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_sensitivity_command_writes_tables_and_reports(tmp_path, capsys):
    out = tmp_path / "sens"
    code = main(["sensitivity", str(LIUPANSHUI), "--method", "oat", "--param", PARAMS[0], "--param", PARAMS[1],
                 "--metric", "cost.total", "--metric", "cost.fund.ui_fund", "--metric", "ui_fund.cover_months",
                 "--metric", "cost.employment_fund@2024", "--persons", "2000", "--months", "6", "--seed", "0", "--out", str(out), "--lang", "en"])
    assert code == 0
    assert "5 (0)" in capsys.readouterr().out                             # computed (reused)
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["metric"]) == {"cost.total", "cost.fund.ui_fund", "ui_fund.cover_months", "cost.employment_fund@2024"}
    sr05 = indices[(indices["metric"] == "cost.total") & (indices["parameter"] == "instruments.SR-05.share.sme")]
    assert sr05["metric_high"].iloc[0] > sr05["metric_low"].iloc[0]        # a higher refund share costs more
    assert len(list((out / "tasks").glob("*.pkl"))) == 5                   # 1 + 2 × 2 design points
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Tornado" in page and "<svg" in page
    import openpyxl
    assert {"敏感性分析", "设计点"} <= set(openpyxl.load_workbook(out / "workbook.xlsx").sheetnames)
    meta = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 0 and meta["runs"] == 5
    assert {f["role"] for f in meta["input_files"]} >= {"scenario", "profile", "behaviour", "targets"}
    # re-running reuses every design point; `subsim report` rebuilds the reports from the folder
    assert main(["sensitivity", str(LIUPANSHUI), "--param", PARAMS[0], "--param", PARAMS[1], "--persons", "2000",
                 "--months", "6", "--seed", "0", "--out", str(out), "--no-report"]) == 0
    assert "0 (5)" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0


@pytest.mark.parametrize("argv, words", [
    (["--param", "instruments.SR-05.share.sme"], ["--param", "KEY=LOW:HIGH"]),
    (["--param", "instruments.SR-05.share.sme=0.9:0.3"], ["LOW must be below HIGH"]),
    (["--param", "instruments.SR-05.share.sme=a:b"], ["must be numbers"]),
    (["--param", "instruments.SR-5.share.sme=0.3:0.9"], ["unknown instrument 'SR-5'", "did you mean 'SR-05'"]),
    (["--param", "behaviour.responses.hiring_subsidy_elastcity=0.1:1"], ["did you mean 'hiring_subsidy_elasticity'"]),
    (["--param", "instruments.SR-05.name_zh=0:1"], ["not a numeric parameter"]),
    (["--param", "instruments.SR-05.share=0:1"], ["not a numeric parameter"]),
    (["--param", "instruments.SR-05.share.sme=0.3:1.5"], ["must be between 0 and 1"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--metric", "cost.fund.ui"], ["unknown fund", "ui_fund"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--metric", "total_cost"], ["unknown metric", "cost.total"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--metric", "cost.total@2030"], ["2030", "allowed: @2024"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--metric", "outcome.new_urban_job"],
     ["unknown outcome", "new_urban_jobs"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--method", "sobol", "--n", "50"], ["power of 2"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--method", "fast"], ["unknown method", "sobol"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--executor", "mpi"], ["unknown executor", "dask"]),
    (["--param", "instruments.SR-05.share.sme=0.3:0.9", "--scheduler", "tcp://x:1"], ["needs --executor dask"]),
])
def test_bad_sensitivity_options_exit_2_with_clear_messages(tmp_path, capsys, argv, words):
    code = main(["sensitivity", str(LIUPANSHUI), "--persons", "2000", "--months", "6", "--out", str(tmp_path / "o")]
                + argv)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


def test_run_rejects_bad_executor_options(tmp_path, capsys):
    assert main(["run", str(UI_ONLY), "--persons", "2000", "--months", "2", "--workers", "0",
                 "--out", str(tmp_path)]) == 2
    assert "--workers" in capsys.readouterr().err


def test_a_register_run_refuses_other_executors(tmp_path, capsys):
    register = tmp_path / "register.csv"
    register.write_text("x\n1\n", encoding="utf-8")
    assert main(["run", str(UI_ONLY), "--population", str(register), "--executor", "processes",
                 "--out", str(tmp_path / "o")]) == 2
    assert "runs in this process" in capsys.readouterr().err
