"""Parameter uncertainty (behaviour distributions drawn per replication), outcome bands and key overrides."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import main
from sim.warmup import run as warm_run
from sim.replicate import replication_tables
from sim.params import ScenarioError
from sim.uncertainty import draw_value, draws
from tests.conftest import ROOT, UI_ONLY

ELASTICITY = "responses.hiring_subsidy_elasticity"
JOB_FINDING = "job_finding.base"


def _locality(tmp_path: Path, leaves: dict[str, str]) -> Path:
    """A copy of Liupanshui's locality under tmp_path/calibration with `leaves` (dotted key → TOML text
    of the distribution) added, and a scenario in tmp_path extending the UI-only scenario."""
    target = tmp_path / "calibration" / "liupanshui"
    shutil.copytree(ROOT / "calibration" / "liupanshui", target)
    behaviour = (target / "behaviour.toml").read_text(encoding="utf-8")
    lines = behaviour.split("\n")
    for key, spec in leaves.items():
        section, name = key.split(".")
        if f"[{section}]" not in lines:
            lines += ["", f"[{section}]"]
        start = lines.index(f"[{section}]") + 1
        end = next((k for k in range(start, len(lines)) if lines[k].startswith("[")), len(lines))
        found = next((k for k in range(start, end) if lines[k].startswith(f"{name} = {{")), None)
        if found is None:                       # a schema default: write the leaf
            lines.insert(start, f'{name} = {{ value = 0.75, source = "test", distribution = {spec} }}')
        else:
            lines[found] = lines[found].rstrip().removesuffix("}").rstrip() + f", distribution = {spec} }}"
    behaviour = "\n".join(lines)
    (target / "behaviour.toml").write_text(behaviour, encoding="utf-8")
    scenario = tmp_path / "uncertain.toml"
    scenario.write_text(f'[scenario]\nextends = "{UI_ONLY.as_posix()}"\nname = "uncertain"\n', encoding="utf-8")
    return scenario


UNIFORM = '{ kind = "uniform", low = 0.2, high = 1.2 }'
NORMAL = '{ kind = "normal", sd = 0.02, low = 0.08, high = 0.3 }'


def test_distributions_are_read_and_drawn_per_replication_reproducibly(tmp_path):
    path = _locality(tmp_path, {ELASTICITY: UNIFORM, JOB_FINDING: NORMAL})
    s = sim.load_scenario(path, persons=2000, months=6, reps=4, seed=0)      # seed 0 is a valid seed
    assert set(s.distributions) == {ELASTICITY, JOB_FINDING}
    first = [draws(s, rep) for rep in range(4)]
    assert first == [draws(sim.load_scenario(path, persons=2000, months=6, reps=4, seed=0), rep) for rep in range(4)]
    values = [d[ELASTICITY] for d in first]
    assert len(set(values)) == 4 and all(0.2 <= v <= 1.2 for v in values)
    assert all(0.08 <= d[JOB_FINDING] <= 0.3 for d in first)
    # another seed, other draws
    assert draws(sim.load_scenario(path, persons=2000, months=6, reps=4, seed=1), 0) != first[0]


def test_adding_an_uncertain_parameter_does_not_change_the_others_draws(tmp_path):
    one = sim.load_scenario(_locality(tmp_path / "a", {ELASTICITY: UNIFORM}), reps=5, seed=3)
    two = sim.load_scenario(_locality(tmp_path / "b", {ELASTICITY: UNIFORM, JOB_FINDING: NORMAL}), reps=5, seed=3)
    assert [draws(one, r)[ELASTICITY] for r in range(5)] == [draws(two, r)[ELASTICITY] for r in range(5)]


def test_draws_follow_their_distribution():
    """10,000 replications' draws: the uniform's mean and the truncated normal's range. Tolerance: the
    mean of 10,000 uniforms on [0, 1] has standard error 0.0029; 0.01 is > 3 standard errors."""
    uniform = {"kind": "uniform", "low": 0.0, "high": 1.0, "integer": False}
    u = np.array([draw_value(uniform, 11, rep, "x") for rep in range(10_000)])
    assert abs(u.mean() - 0.5) < 0.01 and u.min() >= 0 and u.max() < 1
    normal = {"kind": "normal", "mean": 0.5, "sd": 0.1, "low": 0.45, "high": 0.9, "integer": False}
    z = np.array([draw_value(normal, 11, rep, "y") for rep in range(2000)])
    assert z.min() >= 0.45 and z.max() <= 0.9 and abs(np.median(z) - 0.55) < 0.02
    # independent per key: the draws of two keys are uncorrelated
    v = np.array([draw_value(uniform, 11, rep, "z") for rep in range(10_000)])
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.04


def test_runs_use_the_draws_and_the_manifest_records_them(tmp_path):
    path = _locality(tmp_path, {ELASTICITY: UNIFORM})
    res = sim.run(path, persons=2000, months=6, reps=2, seed=5)
    recorded = res.manifest["parameter_draws"]
    assert [r["rep"] for r in recorded] == [0, 1]
    # replication 1 with its drawn value set by an override is the same run
    value = recorded[1][ELASTICITY]
    fixed = sim.load_scenario(path, persons=2000, months=6, seed=5, set={f"behaviour.{ELASTICITY}": value})
    costs = replication_tables(fixed, warm_run(fixed, 1))[0]
    assert np.array_equal(res.costs[res.costs["rep"] == 1]["amount_yuan"].to_numpy(), costs["amount_yuan"].to_numpy())


def test_central_values_without_replications_or_when_switched_off(tmp_path):
    path = _locality(tmp_path, {ELASTICITY: UNIFORM})
    assert draws(sim.load_scenario(path, reps=1), 0) == {}
    off = tmp_path / "off.toml"
    off.write_text(f'[scenario]\nextends = "{path.as_posix()}"\nname = "off"\n[run]\nparameter_uncertainty = false\n',
                   encoding="utf-8")
    assert draws(sim.load_scenario(off, reps=3), 2) == {}


@pytest.mark.parametrize("spec, words", [
    ('{ kind = "beta", low = 0.1, high = 0.9 }', ["distribution.kind", "'beta'", "uniform", "normal"]),
    ('{ kind = "uniform", low = 0.9, high = 0.1 }', ["low (0.9) must be below high (0.1)"]),
    ('{ kind = "normal", low = 0.1 }', ["distribution.sd", "needs sd"]),
    ('{ kind = "normal", sd = -1 }', ["distribution.sd", "must be above 0"]),
    ('{ kind = "uniform", low = 0.8, high = 1.2 }', ["the value 0.75 must lie between low and high"]),
    ('{ kind = "uniform", low = 0.1, high = 9 }', ["distribution.high", "inside the parameter's range"]),
    ('{ kind = "uniform", lo = 0.1, high = 0.9 }', ["unknown key 'lo'", "low"]),
    ('"wide"', ["must be a table"]),
])
def test_bad_distributions_exit_2_with_clear_messages(tmp_path, capsys, spec, words):
    path = _locality(tmp_path, {ELASTICITY: spec})
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "behaviour.toml" in err and ELASTICITY in err
    for word in words:
        assert word in err, (word, err)


def test_a_distribution_on_a_table_is_refused(tmp_path, capsys):
    path = _locality(tmp_path, {"job_finding.age_multiplier": '{ kind = "uniform", low = 0.1, high = 2 }'})
    assert main(["validate", str(path)]) == 2
    assert "only a single number can be uncertain" in capsys.readouterr().err


def test_outcome_bands_cover_every_outcome_and_are_saved(tmp_path):
    res = sim.run(UI_ONLY, persons=2000, months=4, reps=3, seed=0)
    assert {"p5", "p50", "p95"} <= set(res.bands.columns) and {"p5", "p50", "p95"} <= set(res.budget.columns)
    assert set(res.outcomes["metric"]) | {"ui_fund_balance", "ui_fund_months_of_cover"} == set(res.bands["metric"])
    assert (res.bands["p5"] <= res.bands["p50"]).all() and (res.bands["p50"] <= res.bands["p95"]).all()
    res.save(tmp_path)
    assert (tmp_path / "outcome_bands.csv").exists()
    assert sim.results.Results.load(tmp_path).bands.shape == res.bands.shape


def test_overrides_apply_and_bad_keys_say_what_is_allowed():
    s = sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023.toml",
                          set={"instruments.SR-05.share.sme": 0.8, f"behaviour.{ELASTICITY}": 0.3})
    assert next(i for i in s.instruments if i.id == "SR-05").params["share"]["sme"] == 0.8
    assert s.behaviour["responses"]["hiring_subsidy_elasticity"] == 0.3
    assert s.document["overrides"]["instruments.SR-05.share.sme"] == 0.8
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023.toml",
                          set={"instruments.SR-5.share.sme": 0.8, "behaviour.responses.hiring_subsidy_elastcity": 1,
                               "instruments.SR-05.share.sme": 1.7})
    text = str(caught.value)
    assert "did you mean 'SR-05'" in text and "did you mean 'hiring_subsidy_elasticity'" in text
    assert "must be between 0 and 1" in text
