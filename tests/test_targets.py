"""Targets files: every bundled file validates; each kind of mistake gets its message; `compare_targets`
on a hand-made results object; calibration bounds in behaviour files; the behaviour-file rewriter; the
measurement parameter behind 城镇新增就业 (statistics.recorded_share_new_jobs) touches that statistic only."""
from __future__ import annotations

import dataclasses
import math
import tomllib

import numpy as np
import pandas as pd
import pytest

import sim
from sim.codes import N_OUTCOMES, Outcome
from sim.outcomes import outcome_values
from sim.params import ScenarioError
from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
from sim.params.rewrite import PROVENANCE_START, rewrite_leaves
from sim.params.sourced import load_sourced_bounds
from sim.results import Results
from sim.targets import Target, compare_targets, load_targets, read_targets
from tests.conftest import ROOT

CITIES = ("jixi", "changzhou", "jiulongpo", "dalian", "liupanshui")

GOOD = """
[targets.jobs]
metric = "new_urban_jobs_ytd"
at = "year_end"
value = 60000
relation = "about"
tolerance = 0.05
name_zh = "城镇新增就业"
definition = "d"
source = "004 M 一"
"""


@pytest.mark.parametrize("city", CITIES)
def test_every_bundled_targets_file_validates(city):
    targets = load_targets(city)
    assert any(t.headline and t.metric == "new_urban_jobs_ytd" for t in targets)
    assert all(t.source.strip() for t in targets)


def test_every_source_is_a_quote_a_statistic_or_labelled():
    """A number from a policy text cites it (seed code and a quote or the annex table); all else names its
    origin (a statistical bulletin, DOMAIN_NOTES, the quoted published figures of REAL_FIGURES.md, or an
    assumption)."""
    for city in CITIES:
        for t in load_targets(city):
            quoted = t.source[:3].isdigit() and ("「" in t.source or "附件《" in t.source)
            assert quoted or t.source.startswith(("DN ", "assumption:", "REAL_FIGURES.md")) or "统计公报" in t.source, (city, t.name)


BAD = {
    "unknown_metric": (GOOD.replace('"new_urban_jobs_ytd"', '"new_urban_job_ytd"'),
                       "targets.jobs.metric", "did you mean 'new_urban_jobs_ytd'"),
    "unknown_key": (GOOD + 'weigth = 2\n', "targets.jobs.weigth", "did you mean 'weight'"),
    "bad_relation": (GOOD.replace('"about"', '"above"'), "targets.jobs.relation", "at_least, at_most, about"),
    "bad_at": (GOOD.replace('"year_end"', '"december"'), "targets.jobs.at", "year_end, august_end, mean"),
    "wrong_type": (GOOD.replace("value = 60000", 'value = "60000"'), "targets.jobs.value", "got a string"),
    "negative": (GOOD.replace("value = 60000", "value = -5"), "targets.jobs.value", "must be"),
    "missing_key": (GOOD.replace('source = "004 M 一"\n', ""), "targets.jobs.source", "required key missing"),
    "empty_source": (GOOD.replace('"004 M 一"', '"  "'), "targets.jobs.source", "must not be empty"),
    "share_above_one": (GOOD.replace('"new_urban_jobs_ytd"', '"surveyed_unemployment_rate"').replace("60000", "5.5"),
                        "targets.jobs.value", "is a share"),
    "about_without_band": (GOOD.replace("tolerance = 0.05", "tolerance = 0"), "targets.jobs.tolerance",
                           "needs a tolerance above 0"),
    "unknown_district": (GOOD + 'district = "nowhere"\n', "targets.jobs.district", "unknown district"),
    "unknown_section": (GOOD + "[meta]\nx = 1\n", "meta", "unknown section"),
    "no_targets": ("# nothing\n", "targets", "at least one"),
    "syntax": (GOOD + "value = \n", "<syntax>", "TOML syntax error"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_targets_file_names_file_key_and_rule(kind, tmp_path):
    text, key, words = BAD[kind]
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    targets, problems = read_targets(path, ["core", "east"])
    assert problems, kind
    assert any(p.key == key and words in p.message and p.file.endswith("targets.toml") for p in problems), \
        [str(p) for p in problems]


def test_all_problems_at_once_raised_as_scenario_error(tmp_path):
    text = GOOD.replace('"about"', '"above"') + 'weigth = 2\n' + GOOD.replace("[targets.jobs]", "[targets.other]") \
        .replace("value = 60000", "value = -1")
    (tmp_path / "targets.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_targets(tmp_path / "targets.toml")
    assert len(caught.value.problems) == 3
    assert "Traceback" not in str(caught.value)


def _results(months: list[str], series: dict[str, list[float]], costs: pd.DataFrame | None = None) -> Results:
    outcomes = pd.concat([pd.DataFrame({"month": months, "metric": name, "value": values})
                          for name, values in series.items()], ignore_index=True)
    if costs is None:
        costs = pd.DataFrame(columns=["month", "instrument", "type", "district", "line", "payments"])
    return Results(costs=costs, budget=pd.DataFrame(), outcomes=outcomes, funds=pd.DataFrame(), manifest={})


def _target(**kw) -> Target:
    base = dict(name="t", metric="new_urban_jobs_ytd", at="year_end", value=100.0, relation="about", tolerance=0.05,
                weight=1.0, headline=True, calibrate=True, name_zh="x", definition="d", source="s")
    base.update(kw)
    return Target(**base)


def test_compare_targets_on_a_hand_made_run():
    # 2024-07 … 2026-12: 2024 is incomplete, so year_end reads the Decembers of 2025 and 2026 only
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][6:]
    ytd = [float(i) for i in range(len(months))]
    ytd[months.index("2025-12")], ytd[months.index("2026-12")] = 98.0, 104.0      # mean 101
    rate = [0.05] * len(months)
    rate[months.index("2025-03")] = 0.08                                             # mean over 2025–26 = 0.05125
    grad = [np.nan] * len(months)
    grad[months.index("2025-08")], grad[months.index("2026-08")] = 0.7, 0.9
    costs = pd.DataFrame({"month": ["2025-05", "2025-06", "2026-02"], "instrument": "TR", "type": "training_subsidy",
                          "district": ["east", "core", "east"], "line": "main", "payments": [30, 10, 50]})
    res = _results(months, {"new_urban_jobs_ytd": ytd, "surveyed_unemployment_rate": rate,
                            "graduate_destination_rate": grad}, costs)
    targets = [
        _target(name="jobs"),
        _target(name="jobs_floor", relation="at_least", value=120.0),
        _target(name="rate_cap", metric="surveyed_unemployment_rate", at="mean", value=0.05, relation="at_most",
                tolerance=0.0),
        _target(name="grad", metric="graduate_destination_rate", at="august_end", value=0.8, relation="at_least"),
        _target(name="grad_2025", metric="graduate_destination_rate", at="august_end", value=0.8, year=2025),
        _target(name="train_east", metric="training_person_times_ytd", district="east", value=40.0),
        _target(name="jobs_east", district="east"),
    ]
    fit = compare_targets(res, targets).set_index("name")
    assert list(compare_targets(res, targets).columns[:13]) == [
        "name", "name_zh", "metric", "at", "district", "value", "relation", "tolerance", "simulated", "met", "gap",
        "source", "headline"]
    assert fit.loc["jobs", "simulated"] == 101.0 and fit.loc["jobs", "met"] and fit.loc["jobs", "gap"] == pytest.approx(0.01)
    assert not fit.loc["jobs_floor", "met"] and fit.loc["jobs_floor", "gap"] == pytest.approx(101 / 120 - 1)
    assert fit.loc["rate_cap", "simulated"] == pytest.approx(0.05125) and not fit.loc["rate_cap", "met"]
    assert fit.loc["grad", "simulated"] == pytest.approx(0.8) and fit.loc["grad", "met"]
    assert fit.loc["grad_2025", "simulated"] == pytest.approx(0.7) and not fit.loc["grad_2025", "met"]
    # east: 30 in 2025, 50 in 2026 → mean of the Decembers' running totals 40
    assert fit.loc["train_east", "simulated"] == pytest.approx(40.0) and fit.loc["train_east", "met"]
    assert math.isnan(fit.loc["jobs_east", "simulated"]) and not fit.loc["jobs_east", "met"]
    assert "by district" in fit.loc["jobs_east", "note"]


def test_one_sided_targets_do_not_penalise_the_right_side():
    floor = _target(relation="at_least")
    assert floor.loss_gap(150.0) == 0.0 and floor.loss_gap(80.0) == pytest.approx(-0.2)
    cap = _target(relation="at_most")
    assert cap.loss_gap(80.0) == 0.0 and cap.loss_gap(110.0) == pytest.approx(0.1)


BEHAVIOUR = ROOT / "calibration" / "liupanshui" / "behaviour.toml"


@pytest.mark.parametrize("bounds, words", [
    ("{ low = 0.05, high = 0.01 }", "must be below high"),
    ("{ low = 0.0, high = 2.0 }", "inside the parameter's range"),
    ("{ low = 0.02, high = 0.03 }", "must lie between low and high"),
    ('{ low = "a", high = 0.03 }', "must be a number"),
    ("{ low = 0.01 }", "exactly these two keys"),
])
def test_bad_calibration_bounds_are_reported(bounds, words, tmp_path):
    text = BEHAVIOUR.read_text(encoding="utf-8")
    start = text.index("\n[separation]\nbase = {") + len("\n[separation]\n")
    end = text.index("\n", start)
    line = text[start:end]
    line = line[:line.index(", calibrate")] + f", calibrate = {bounds} }}" if ", calibrate" in line \
        else line[:-2] + f", calibrate = {bounds} }}"
    path = tmp_path / "behaviour.toml"
    path.write_text(text[:start] + line + text[end:], encoding="utf-8")
    _, _, _, problems = load_sourced_bounds(path, BEHAVIOUR_SCHEMA)
    assert any(p.key.startswith("separation.base.calibrate") and words in p.message for p in problems), \
        [str(p) for p in problems]


def test_calibration_bounds_only_on_single_numbers_and_only_in_behaviour_files(tmp_path):
    text = BEHAVIOUR.read_text(encoding="utf-8").replace(
        'source = "assumption: separation rates fall with age (standard tenure profile)" }',
        'source = "assumption: separation rates fall with age (standard tenure profile)", '
        'calibrate = { low = 0, high = 2 } }')
    path = tmp_path / "behaviour.toml"
    path.write_text(text, encoding="utf-8")
    _, _, _, problems = load_sourced_bounds(path, BEHAVIOUR_SCHEMA)
    assert [p.key for p in problems] == ["separation.age_multiplier.calibrate"]
    assert "only a single number" in problems[0].message
    _, _, _, problems = load_sourced_bounds(BEHAVIOUR, BEHAVIOUR_SCHEMA, allow_calibrate=False)
    assert problems and all("unknown key 'calibrate'" in p.message for p in problems)


# Realistic ranges the calibration must stay inside (docs/calibration.md §2; sources in the behaviour files):
# separation before multipliers ≈ 15–40 %/year of insured employees after them, the UI receipt multiplier
# around DN B7's ≈ 0.8.
SEPARATION_RANGE = (0.012, 0.030)
UI_MULTIPLIER_RANGE = (0.6, 0.95)


def test_bundled_behaviour_files_declare_their_calibration_bounds():
    for city in CITIES:
        values, _, bounds, problems = load_sourced_bounds(ROOT / "calibration" / city / "behaviour.toml",
                                                          BEHAVIOUR_SCHEMA)
        assert not problems
        assert {"separation.base", "job_finding.base", "job_finding.ui_receipt_multiplier",
                "statistics.recorded_share_new_jobs"} <= set(bounds)
        low, high = bounds["separation.base"]
        assert SEPARATION_RANGE[0] <= low < high <= SEPARATION_RANGE[1], (city, low, high)
        low, high = bounds["job_finding.ui_receipt_multiplier"]
        assert UI_MULTIPLIER_RANGE[0] <= low < high <= UI_MULTIPLIER_RANGE[1], (city, low, high)
        assert 0 < values["statistics"]["recorded_share_new_jobs"] <= 1


def test_recorded_share_scales_the_recorded_entries_of_a_hand_made_counter_table():
    counters = np.zeros((3, N_OUTCOMES), np.int64)
    counters[:, Outcome.entries_to_employment] = [100, 40, 60]
    counters[:, Outcome.natural_attrition] = [10, 0, 5]
    counters[:, Outcome.reemployed_unemployed] = [30, 20, 10]
    values = outcome_values(counters, np.array([11, 12, 1]), recorded_share_new_jobs=0.25)
    assert list(values["new_jobs_gross"]) == [100, 40, 60]
    assert list(values["new_jobs_gross_ytd"]) == [100, 140, 60]              # restarts in January
    assert list(values["new_jobs_recorded"]) == [25, 10, 15]
    assert list(values["new_urban_jobs"]) == [15, 10, 10]                  # recorded − attrition in full
    assert list(values["new_urban_jobs_ytd"]) == [15, 25, 10]
    assert list(values["reemployed_unemployed"]) == [30, 20, 10]           # registered persons: in full
    with pytest.raises(ValueError, match="between 0 and 1"):
        outcome_values(counters, np.array([11, 12, 1]), recorded_share_new_jobs=1.5)


OFFICIAL_NEW_JOBS = {"new_jobs_recorded", "new_urban_jobs", "new_urban_jobs_ytd"}


def test_recorded_share_changes_only_the_official_new_jobs_statistic(small_scenario):
    """A measurement parameter: the same run at two recorded shares has identical behaviour, costs, funds
    and every other metric (new_jobs_gross included); only 城镇新就业人数 / 城镇新增就业 move, by the share."""
    def run_at(share: float):
        behaviour = {**small_scenario.behaviour, "statistics": {"recorded_share_new_jobs": share}}
        return sim.run(dataclasses.replace(small_scenario, behaviour=behaviour))

    full, part = run_at(1.0), run_at(0.4)
    for table in ("costs", "budget", "funds"):
        pd.testing.assert_frame_equal(getattr(full, table), getattr(part, table))
    a, b = (r.outcomes.pivot(index="month", columns="metric", values="value") for r in (full, part))
    others = [m for m in a.columns if m not in OFFICIAL_NEW_JOBS]
    pd.testing.assert_frame_equal(a[others], b[others])
    assert (a["new_jobs_gross"] > 0).any()
    np.testing.assert_allclose(a["new_jobs_recorded"], a["new_jobs_gross"], atol=0.011)
    np.testing.assert_allclose(b["new_jobs_recorded"], 0.4 * a["new_jobs_gross"], atol=0.011)
    np.testing.assert_allclose(b["new_urban_jobs"], b["new_jobs_recorded"] - a["natural_attrition"], atol=0.021)


def test_rewrite_replaces_only_the_named_leaves_and_keeps_the_rest():
    text = BEHAVIOUR.read_text(encoding="utf-8")
    new = rewrite_leaves(text, {"separation.base": {"value": 0.0123, "source": 'calibrated: x (was: "q")'}},
                         ["line one", ""])
    parsed = tomllib.loads(new)
    assert parsed["separation"]["base"] == {"value": 0.0123, "source": 'calibrated: x (was: "q")'}
    assert parsed["job_finding"] == tomllib.loads(text)["job_finding"]
    assert new.count(PROVENANCE_START) == 1
    again = rewrite_leaves(new, {}, ["replaced"])
    assert again.count(PROVENANCE_START) == 1 and "# line one" not in again and "# replaced" in again
    outside = lambda t: [l for l in t.splitlines() if not l.startswith("#")]      # noqa: E731
    changed = [(a, b) for a, b in zip(outside(text), outside(new)) if a != b]
    assert len(outside(new)) == len(outside(text)) and [a.split(" =")[0] for a, _ in changed] == ["base"]


def test_rewrite_refuses_a_leaf_it_cannot_find():
    with pytest.raises(KeyError):
        rewrite_leaves(BEHAVIOUR.read_text(encoding="utf-8"), {"separation.nothing": {"value": 1}}, [])
