"""The profile's contribution rates and minimum wage by effective month (issue 13 items 19, 22): validation,
the run's [month] series, and the month record the engine writes in the warm-up and the reported months."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import sim.engine
from sim import warmup
from sim.inputs import kernel_inputs
from sim.params import load_scenario
from sim.params.errors import ScenarioError
from sim.params.locality import load_locality
from sim.params.months import month_label
from sim.params.profile_schema import profile_at
from sim.population.synthetic import synthesize
from tests.test_instruments import instrument

REPO = Path(__file__).resolve().parents[1]
JIXI_DISTRICTS = ("jiguan", "mining_districts", "jidong", "hulin", "mishan")


def _jixi_with(tmp_path: Path, key: str, line: str) -> Path:
    """A copy of the Jixi locality whose line `key = …` is replaced by `line`."""
    folder = tmp_path / "jixi"
    shutil.copytree(REPO / "calibration" / "jixi", folder)
    profile = folder / "profile.toml"
    lines = profile.read_text(encoding="utf-8").splitlines()
    at = [i for i, text in enumerate(lines) if text.startswith(f"{key} =")]
    assert len(at) == 1
    lines[at[0]] = line
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _wages(tables: dict) -> str:
    return "{ " + ", ".join(f'"{month}" = {{ ' + ", ".join(f"{d} = {v}" for d, v in table.items()) + " }"
                            for month, table in tables.items()) + " }"


def test_every_bundled_profile_loads_with_plain_and_dated_values():
    for locality in ("liupanshui", "jixi", "changzhou", "dalian", "jiulongpo"):
        _, _, _, problems = load_locality(REPO / "calibration" / locality)
        assert problems == [], locality
    profile = load_locality(REPO / "calibration" / "jixi")[0]
    assert profile["social_insurance"]["pension_employer"] == {"2016-05": 0.20, "2019-05": 0.16}
    assert profile["social_insurance"]["medical_employer"] == 0.08


PLAIN = {d: 1450 for d in JIXI_DISTRICTS}


@pytest.mark.parametrize("key, line, where, message", [
    ("pension_employer", 'pension_employer = { value = { "2016-05" = 0.20, "2019-5" = 0.16 }, source = "t" }',
     "social_insurance.pension_employer.2019-5", "is not a valid month"),
    ("pension_employer", 'pension_employer = { value = { "2016-05" = 0.20, "2019-05" = 0.6 }, source = "t" }',
     "social_insurance.pension_employer.2019-05", "must be between 0 and 0.3"),
    ("pension_employer", 'pension_employer = { value = {}, source = "t" }',
     "social_insurance.pension_employer", "needs at least one month"),
    ("pension_employer", 'pension_employer = { value = "0.16", source = "t" }',
     "social_insurance.pension_employer", 'or a table of effective months { "YYYY-MM" = … }'),
    ("minimum_wage", f'minimum_wage = {{ value = {_wages({"2017-10": PLAIN, "2025-13": PLAIN})}, source = "t" }}',
     "districts.minimum_wage.2025-13", "is not a valid month"),
    ("minimum_wage", f'minimum_wage = {{ value = {_wages({"2017-10": PLAIN, "2025-01": PLAIN | {"mishan": 100}})},'
                     ' source = "t" }',
     "districts.minimum_wage.2025-01.mishan", "must be between 500 and 10000"),
    ("minimum_wage", 'minimum_wage = { value = { "2017-10" = { jiguan = 1450, mining_districts = 1450, jidong = 1270, '
                     'hulin = 1270, mishan = 1270 }, "2025-01" = { jiguan = 1450, jidong = 1270, hulin = 1270, '
                     'mishan = 1270 } }, source = "t" }',
     "districts.minimum_wage.2025-01", "must list the same districts in the same order"),
    ("minimum_wage", 'minimum_wage = { value = { "2017-10" = { jiguan = 1450, mining_districts = 1450, jidong = 1270, '
                     'hulin = 1270, mishan = 1270 }, jiguan = 1450 }, source = "t" }',
     "districts.minimum_wage.jiguan", "is not a valid month"),
])
def test_a_bad_dated_value_names_file_key_value_and_what_is_allowed(tmp_path, key, line, where, message):
    _, _, _, problems = load_locality(_jixi_with(tmp_path, key, line))
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file.endswith("profile.toml")
    assert problem.key == where
    assert message in problem.message


def test_series_hold_each_value_from_its_month_and_the_earliest_before(tmp_path):
    """Jixi: employer pension 20 % until 2019-04, 16 % from 2019-05, over a run from 2015-01 (before the
    table's first month, 2016-05, the earliest value). Changzhou: the minimum wage moves in 2025-01 only."""
    jixi = load_scenario(REPO / "scenarios" / "jixi-2018.toml", persons=500)
    inputs = kernel_inputs(jixi.profile, jixi.behaviour, start="2015-01", months=72, persons=500)
    cut = 12 * 4 + 4                                        # 2019-05
    pension = inputs.rates["pension_employer"]
    assert (pension[:cut] == 0.20).all() and (pension[cut:] == 0.16).all()
    assert np.flatnonzero(inputs.changes).tolist() == [cut]
    assert np.allclose(inputs.si_rate[:cut] - inputs.si_rate[cut:cut + 1], 0.04)
    assert (inputs.min_wage == [1450, 1450, 1270, 1270, 1270]).all()       # a plain table: all run
    changzhou = load_scenario(REPO / "scenarios" / "changzhou-2024.toml", persons=500)
    inputs = kernel_inputs(changzhou.profile, changzhou.behaviour, start="2021-01", months=60, persons=500)
    raise_ = 12 * 4                                         # 2025-01
    assert np.flatnonzero(inputs.changes).tolist() == [raise_]
    assert (inputs.min_wage[:raise_] == [2280, 2280, 2280, 2280, 2070]).all()
    assert (inputs.min_wage[raise_:] == [2490, 2490, 2490, 2490, 2260]).all()
    assert (inputs.rates["pension_employer"] == 0.16).all()


def test_starting_population_uses_the_first_months_values():
    """A population drawn for 2019-06 has the 16 % pension rate in its firms' last-year contributions; one
    drawn for 2019-04 the 20 % rate (profile_at picks the value in force)."""
    jixi = load_scenario(REPO / "scenarios" / "jixi-2018.toml", persons=500)
    assert profile_at(jixi.profile, "2019-04")["social_insurance"]["pension_employer"] == 0.20
    assert profile_at(jixi.profile, "2019-05")["social_insurance"]["pension_employer"] == 0.16
    assert profile_at(jixi.profile, "2010-01")["social_insurance"]["pension_employer"] == 0.20
    changzhou = load_scenario(REPO / "scenarios" / "changzhou-2024.toml", persons=500)
    assert profile_at(changzhou.profile, "2025-01")["districts"]["minimum_wage"]["liyang"] == 2260
    before, after = (synthesize(jixi.profile, jixi.behaviour, persons=500, start=start, months=1, seed=1)
                     for start in ("2019-04", "2019-06"))
    si_before, si_after = (p.firms.data["si_contrib_last"].sum() for p in (before, after))
    rate = sum(profile_at(jixi.profile, "2019-04")["social_insurance"][k] for k in
               ("pension_employer", "pension_employee", "medical_employer", "medical_employee", "ui_employer",
                "ui_employee", "injury_employer"))
    assert si_after / si_before == pytest.approx((rate - 0.04) / rate, rel=1e-4)


def test_engine_writes_the_months_rates_in_the_warm_up_and_the_reported_months(tmp_path, monkeypatch):
    """A Jixi run from 2019-09 with 6 warm-up months (2019-03 … 2019-08): the person pass sees the 20 %
    employer pension rate in 2019-03 and 2019-04 and 16 % from 2019-05, in the warm-up and after it."""
    path = tmp_path / "jixi-late.toml"
    path.write_text('[scenario]\nname = "jixi-late"\ntitle_zh = "鸡西"\nlocality = "jixi"\nstart = "2019-09"\n'
                    'months = 3\n\n[run]\nwarmup_months = 6\n\n'
                    + instrument("HS-14", "hiring_si_subsidy", "firm",
                                 'target = ["difficulty"]\nsince = "2010-01"\nsince_source = "assumption: test"'),
                    encoding="utf-8")
    scenario = load_scenario(path, persons=400)
    seen = {}
    real = sim.engine.person_month

    def person_month(MR, *args):
        m = MR[0]
        seen[month_label("2019-03", int(m["t"]))] = (round(float(m["si_rate"]), 6), m["min_wage"].tolist())
        return real(MR, *args)
    monkeypatch.setattr(sim.engine, "person_month", person_month)
    warmup.run(scenario)
    months = [month_label("2019-03", t) for t in range(9)]
    assert sorted(seen) == months
    high = seen["2019-03"][0]
    assert [seen[m][0] for m in months] == [high, high] + [round(high - 0.04, 6)] * 7
    assert all(seen[m][1] == [1450, 1450, 1270, 1270, 1270] for m in months)


def test_overrides_set_one_effective_month_or_one_entry_of_it():
    """`--set` style keys reach into a by-month profile value: a district of one month's minimum wage (a new
    month's table starts as the one in force before it), or one month of a rate (a single value stays in
    force before it); a key below a number is refused against <set>."""
    path = REPO / "scenarios" / "changzhou-2024.toml"
    wages = load_scenario(path, persons=300, set={"profile.districts.minimum_wage.2026-01.core": 2700}).profile
    assert wages["districts"]["minimum_wage"]["2026-01"] == {"core": 2700, "wujin": 2490, "jingkai": 2490,
                                                            "jintan": 2490, "liyang": 2260}
    assert wages["districts"]["minimum_wage"]["2025-01"]["core"] == 2490
    rate = load_scenario(path, persons=300, set={"profile.social_insurance.pension_employer.2025-01": 0.15}).profile
    assert rate["social_insurance"]["pension_employer"] == {"1990-01": 0.16, "2025-01": 0.15}
    with pytest.raises(ScenarioError) as error:
        load_scenario(path, persons=300, set={"profile.social_insurance.pension_employer.2025-01.x": 0.1})
    assert any(p.file == "<set>" and "pension_employer.2025-01 has no entry 'x'" in p.message
               for p in error.value.problems)
