"""`sim.calibrate`: recovery of a known parameter on a small synthetic problem, resumption from stored
evaluations, the written behaviour file, and (slow) the calibrated baselines against their headline
targets."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

import sim
from sim.calibrate import calibrate
from sim.params import ScenarioError
from sim.report.calibration import write_fit_report
from sim.targets import Target, compare_targets, load_targets
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "two_state"
TRUE_SEPARATION = 0.02            # the fixture's value: u* = s / (s + f) with f = 0.2
RECOVERY_TOLERANCE = 0.10         # relative: the calibrated s must be within 10 % of the truth
PERSONS, SEED = 2000, 11


def _copy_fixture(tmp_path: Path, separation: float) -> Path:
    """The two-state locality in tmp_path, 36 months, with separation.base set to `separation` and
    marked calibratable in [0.005, 0.05]."""
    shutil.copytree(FIXTURE, tmp_path / "two_state")
    scenario = tmp_path / "two_state" / "scenarios" / "two-state.toml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("months = 120", "months = 36"), encoding="utf-8")
    behaviour = tmp_path / "two_state" / "calibration" / "twostate" / "behaviour.toml"
    text = behaviour.read_text(encoding="utf-8")
    old = 'base = { value = 0.02, source = "assumption: analytic test fixture" }'
    assert old in text
    behaviour.write_text(text.replace(old, f'base = {{ value = {separation}, source = "assumption: analytic test '
                                           f'fixture", calibrate = {{ low = 0.005, high = 0.05 }} }}', 1),
                         encoding="utf-8")
    return scenario


def _rate_target(value: float) -> Target:
    return Target(name="rate", metric="surveyed_unemployment_rate", at="mean", value=value, relation="about",
                  tolerance=0.02, weight=1.0, headline=True, calibrate=True, name_zh="调查失业率", definition="d",
                  source="assumption: synthetic")


@pytest.fixture(scope="module")
def synthetic_moment(tmp_path_factory):
    """The moment simulated at the true parameter (same persons and seed as the calibration)."""
    scenario = _copy_fixture(tmp_path_factory.mktemp("truth"), TRUE_SEPARATION)
    results = sim.run(scenario, persons=PERSONS, seed=SEED)
    return float(compare_targets(results, [_rate_target(1.0)])["simulated"].iloc[0])


def test_calibration_recovers_a_known_separation_rate(tmp_path, synthetic_moment):
    scenario = _copy_fixture(tmp_path, 0.035)                       # perturbed start
    result = calibrate("twostate", scenario=scenario, persons=PERSONS, seed=SEED, budget=24,
                       targets=[_rate_target(synthetic_moment)], out=tmp_path / "out")
    found = result.parameters["separation.base"]
    assert abs(found / TRUE_SEPARATION - 1) < RECOVERY_TOLERANCE, found
    assert result.objective < result.start_objective
    assert result.evaluations <= 24
    # the calibrated file: value, wrapped source, provenance; the original is untouched (no write=True)
    written = tomllib.loads((tmp_path / "out" / "behaviour.toml").read_text(encoding="utf-8"))
    leaf = written["separation"]["base"]
    assert leaf["value"] == found and leaf["calibrate"] == {"low": 0.005, "high": 0.05}
    assert leaf["source"].startswith("calibrated: subsim calibrate twostate ")
    assert leaf["source"].endswith("(was: assumption: analytic test fixture)")
    original = scenario.parents[1] / "calibration" / "twostate" / "behaviour.toml"
    assert "value = 0.035" in original.read_text(encoding="utf-8")
    write_fit_report(result.fit, result.out, title="fit")         # what `subsim calibrate` adds
    for name in ("fit.csv", "fit.html", "fit.png", "calibration.json"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_resume_reuses_every_stored_evaluation(tmp_path, synthetic_moment):
    scenario = _copy_fixture(tmp_path, 0.035)
    args = dict(scenario=scenario, persons=PERSONS, seed=SEED, budget=8, targets=[_rate_target(synthetic_moment)],
                out=tmp_path / "out")

    def interrupt_after_three(done, total, best):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        calibrate("twostate", progress=interrupt_after_three, **args)
    stored = sorted((tmp_path / "out" / "evaluations").glob("*.json"))
    assert len(stored) == 3
    resumed = calibrate("twostate", **args)
    assert resumed.reused >= 3                                       # the interrupted run's points, not rerun
    again = calibrate("twostate", **args)
    assert again.reused == again.evaluations == resumed.evaluations  # a finished calibration reruns nothing
    assert again.parameters == resumed.parameters
    assert len(list((tmp_path / "out" / "evaluations").glob("*.json"))) == len(
        {json.dumps(h["parameters"], sort_keys=True) for h in resumed.history})


def test_write_replaces_the_behaviour_file_and_recalibration_does_not_nest_sources(tmp_path, synthetic_moment):
    scenario = _copy_fixture(tmp_path, 0.035)
    args = dict(scenario=scenario, persons=PERSONS, seed=SEED, budget=4, targets=[_rate_target(synthetic_moment)],
                out=tmp_path / "out", write=True)
    calibrate("twostate", **args)
    calibrate("twostate", **args)
    path = scenario.parents[1] / "calibration" / "twostate" / "behaviour.toml"
    source = tomllib.loads(path.read_text(encoding="utf-8"))["separation"]["base"]["source"]
    assert source.count("calibrated:") == 1 and source.endswith("(was: assumption: analytic test fixture)")
    sim.load_scenario(scenario)                                       # still a valid locality


def test_no_calibratable_parameter_is_an_input_error(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "two_state")
    with pytest.raises(ScenarioError, match="no parameter to calibrate"):
        calibrate("twostate", scenario=tmp_path / "two_state" / "scenarios" / "two-state.toml", persons=500,
                  budget=2, targets=[_rate_target(0.1)], out=tmp_path / "out")


def test_cli_calibrate_rejects_a_bad_budget(capsys):
    from sim.cli import main
    assert main(["calibrate", "liupanshui", "--budget", "0"]) == 2
    assert "--budget = 0: must be at least 1" in capsys.readouterr().err


# The calibrated baselines (docs/calibration.md): every headline target met at the calibration's size and seed.
CALIBRATION_RUN = {"persons": 50_000}      # seed: each scenario's own


# Refit under the warm start (docs/calibration.md, "Refit after the warm start").
@pytest.mark.slow
@pytest.mark.parametrize("city, scenario", [("jixi", "jixi-2018"), ("changzhou", "changzhou-2024"),
                                            ("jiulongpo", "jiulongpo-2020"), ("dalian", "dalian-2020"),
                                            ("liupanshui", "liupanshui-2023")])
def test_calibrated_baseline_meets_its_headline_targets(city, scenario):
    results = sim.run(ROOT / "scenarios" / f"{scenario}.toml", **CALIBRATION_RUN)
    fit = compare_targets(results, load_targets(city))
    headline = fit[fit["headline"]]
    assert len(headline) >= 1
    assert headline["met"].all(), headline[["name", "value", "simulated", "gap"]].to_string()
