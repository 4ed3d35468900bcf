"""Scenario comparison on common random numbers and counterfactual attribution (DESIGN §8).

Tolerances: same-seed quantities are exact; the paired interval is checked against the t formula to
1e-12 (floating point)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.compare import paired_differences
from tests.conftest import ROOT, UI_ONLY

HIRING = ROOT / "tests" / "fixtures" / "hiring_bonus.toml"


def _variant(tmp_path, name: str, body: str, parent=HIRING):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[scenario]\nextends = "{parent.as_posix()}"\nname = "{name}"\n{body}\n', encoding="utf-8")
    return path


def test_compared_scenarios_equal_their_standalone_runs(tmp_path):
    # the shared starting population and seed must not change either run by a fen
    reform = _variant(tmp_path, "bigger-bonus", '[instruments.HB-B]\namount = 3000\n')
    comparison = sim.compare(HIRING, reform, persons=2000, months=14, reps=2)
    for path, name in ((HIRING, "hiring-bonus-reference"), (reform, "bigger-bonus")):
        alone = sim.run(path, persons=2000, months=14, reps=2, seed=20240101)
        pd.testing.assert_frame_equal(comparison.results[name].costs, alone.costs)
        pd.testing.assert_frame_equal(comparison.results[name].outcomes, alone.outcomes)


def test_a_reform_that_changes_nothing_has_zero_differences_and_zero_intervals(tmp_path):
    same = _variant(tmp_path, "same", "", parent=UI_ONLY)
    d = sim.compare(UI_ONLY, same, persons=2000, months=13, reps=2).differences
    assert len(d) and (d["difference"].fillna(0) == 0).all()
    assert (d["ci_low"].fillna(0) == 0).all() and (d["ci_high"].fillna(0) == 0).all()


def test_paired_interval_is_the_t_interval_of_the_mean_difference():
    base = pd.DataFrame({"rep": [0, 1, 2], "category": "cost", "year": "2024", "key": "X", "value": [1.0, 2.0, 3.0]})
    reform = base.assign(value=[2.0, 4.0, 5.0])
    extra = pd.DataFrame({"rep": [1], "category": "cost", "year": "2024", "key": "NEW", "value": [6.0]})
    out = paired_differences(base, pd.concat([reform, extra]), "r").set_index("key")
    d = np.array([1.0, 2.0, 2.0])
    half = stats.t.ppf(0.95, 2) * d.std(ddof=1) / np.sqrt(3)
    assert out.loc["X", "difference"] == pytest.approx(5 / 3, abs=1e-12)
    assert out.loc["X", "ci_low"] == pytest.approx(5 / 3 - half, abs=1e-12)
    assert out.loc["X", "ci_high"] == pytest.approx(5 / 3 + half, abs=1e-12)
    # a cost line of the reform only counts as zero in the base, in every replication
    assert out.loc["NEW", "base"] == 0 and out.loc["NEW", "difference"] == pytest.approx(2.0)
    assert out.loc["NEW", "reps"] == 3


def test_without_responses_every_subsidised_hire_is_deadweight_and_no_job_is_added(tmp_path):
    static = _variant(tmp_path, "static", "[run]\nresponses = false\n")
    same = _variant(tmp_path, "static-same", "[run]\nresponses = false\n")
    comparison = sim.compare(static, same, persons=3000, months=24, attribution=True)
    a = comparison.attribution.set_index(["scenario", "instrument"]).loc["static"]
    assert (a["additional_jobs"] == 0).all() and (a["additional_employment_months"] == 0).all()
    paid = a[a["subsidised_hires"] > 0]
    assert set(paid.index) >= {"HB-A", "HB-B"}
    assert (paid["deadweight_share"] == 1.0).all()
    assert a["cost_per_additional_job"].isna().all()
    # HB-A switched off: HB-B pays the hires HB-A took (same exclusive group), so HB-A's offsets include
    # the HB-B payments it displaces
    assert a.loc["HB-A", "other_payments_saved_yuan"] > 0
    budget = comparison.results["static"].budget.groupby("instrument")["amount_yuan"].sum()
    assert a.loc["HB-B", "cost_yuan"] == pytest.approx(budget["HB-B"], abs=0.01)


def test_a_large_hiring_subsidy_adds_jobs_and_some_subsidised_hires_are_not_deadweight(tmp_path):
    generous = _variant(tmp_path, "generous", "[instruments.HB-B]\namount = 30000\n")
    comparison = sim.compare(HIRING, generous, persons=3000, months=24, attribution=True)
    row = comparison.attribution.set_index(["scenario", "instrument"]).loc[("generous", "HB-B")]
    assert row["additional_employment_months"] > 0
    assert 0 < row["deadweight_share"] < 1
    assert row["subsidised_hires"] > row["deadweight_hires"]


def test_compare_cli_writes_the_folder_and_report_rebuilds_it(tmp_path):
    reform = _variant(tmp_path, "bigger-bonus", '[instruments.HB-B]\namount = 3000\n')
    out = tmp_path / "cmp"
    assert main(["compare", str(HIRING), str(reform), "--persons", "1500", "--months", "13", "--reps", "2",
                 "--attribution", "--out", str(out)]) == 0
    for name in ("comparison.json", "differences.csv", "attribution.csv", "attribution_reps.csv", "report.html",
                 "workbook.xlsx", "hiring-bonus-reference/costs.csv", "bigger-bonus/outcomes.csv"):
        assert (out / name).exists(), name
    first = (out / "report.html").read_bytes()
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").read_bytes() == first        # rebuilt from the saved folder, identical
    assert main(["report", str(out), "--lang", "en"]) == 0
    assert "Differences (reform − base)" in (out / "report.html").read_text(encoding="utf-8")


def test_compare_problems_exit_2_with_a_message(tmp_path, capsys):
    later = tmp_path / "later.toml"
    later.write_text(f'[scenario]\nextends = "{HIRING.as_posix()}"\nname = "later"\nstart = "2024-07"\n',
                     encoding="utf-8")
    assert main(["compare", str(HIRING), str(later), "--persons", "500"]) == 2
    err = capsys.readouterr().err
    assert "later.toml" in err and "the same months as the base" in err
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert "a folder written by `subsim run`" in capsys.readouterr().err
