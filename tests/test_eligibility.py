"""Who qualifies, who claims, what is paid, what is counted (issue 12 §2): certified 就业困难人员, explicit
take-up, declared contribution bases, all-of target groups."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.codes import NEVER, GroupFlag, Outcome, State
from sim.kernels import layout as L
from sim.kernels.money import to_fen
from sim.kernels.pay import _in_groups
from sim.params import ScenarioError, load_scenario
from sim.params.compile import validate_files

REPO = Path(__file__).resolve().parents[1]
UI_ONLY = REPO / "tests" / "fixtures" / "liupanshui-ui-only.toml"
LIUPANSHUI = REPO / "scenarios" / "liupanshui-2023.toml"


def _record(path, months=6, persons=3000, **overrides):
    scenario = load_scenario(path, persons=persons, months=months, set=overrides or None)
    return sim.run(scenario, keep_records=True).records[0]


# --- certification ---------------------------------------------------------------------------------

def test_only_certified_persons_hold_difficulty():
    rec = _record(UI_ONLY, months=12)
    P = rec.population.persons
    difficulty = (P.group_flags & GroupFlag.difficulty) != 0
    assert difficulty.any()
    assert (P.certified_month[difficulty] != NEVER).all()
    # certified persons are registered unemployed, in training, or in the job found as such
    # (a retired record leaves the working-age population with its last month's record: not counted here)
    certified = (P.certified_month != NEVER) & (P.state != State.RETIRED)
    assert set(np.unique(P.state[certified])) <= {State.UNEMPLOYED, State.TRAINING, State.EMPLOYED,
                                                  State.SELF_EMPLOYED, State.FLEXIBLE, State.PUBLIC_JOB}


def test_without_certification_nobody_is_a_difficulty_person():
    rec = _record(UI_ONLY, months=6, **{"behaviour.certification.monthly_probability": 0.0})
    assert (rec.population.persons.certified_month == NEVER).all()
    assert rec.outcomes[:, Outcome.difficulty_employed].sum() == 0
    assert rec.outcomes[:, Outcome.stock_public_job].sum() > 0          # posts held at the start remain


def test_certification_rate_raises_difficulty_placements():
    low = _record(UI_ONLY, months=12, **{"behaviour.certification.monthly_probability": 0.02})
    high = _record(UI_ONLY, months=12, **{"behaviour.certification.monthly_probability": 0.5})
    assert high.outcomes[:, Outcome.difficulty_employed].sum() > 1.5 * low.outcomes[:, Outcome.difficulty_employed].sum()


def test_initial_certified_stock_grows_with_spell_length():
    rec = _record(UI_ONLY, months=1, **{"behaviour.certification.monthly_probability": 0.1})
    P = rec.population.persons
    certified = P.certified_month != NEVER
    assert certified.any() and (P.certified_month[certified] <= 0).any()


# --- take-up ---------------------------------------------------------------------------------------

BASE = UI_ONLY.read_text(encoding="utf-8")


def _problems(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return [str(p) for p in validate_files([path])]


def test_missing_take_up_is_a_problem(tmp_path):
    text = BASE.replace('take_up = 1.0\ntake_up_source = "assumption: test fixture (full take-up)"\n', "")
    problems = _problems(tmp_path, text)
    assert any("instruments.UI-10.take_up: required: the instrument needs an application" in p for p in problems)


def test_take_up_needs_a_source_and_application_none_refuses_take_up(tmp_path):
    no_source = BASE.replace('take_up_source = "assumption: test fixture (full take-up)"\n', "")
    assert any("UI-10.take_up_source: required with take_up" in p for p in _problems(tmp_path, no_source))
    automatic = BASE.replace('take_up = 1.0\n', 'take_up = 0.5\napplication = "none"\n')
    assert any('paid without application (application = "none")' in p for p in _problems(tmp_path, automatic))


def test_every_bundled_instrument_states_its_take_up():
    for path in sorted((REPO / "scenarios").glob("*.toml")):
        for ins in load_scenario(path).instruments:
            if ins.enabled:
                assert ins.take_up_source, (path.name, ins.id)


# --- declared contribution bases ------------------------------------------------------------------

def test_every_firm_at_the_floor_pays_floor_contributions():
    rec = _record(UI_ONLY, months=2, **{"profile.social_insurance.declared_base_at_floor_share": 1.0})
    profile = rec.scenario.profile
    si = profile["social_insurance"]
    floor = si["base_floor_share"] * profile["wages"]["provincial_average_wage"] / 12
    per_person = int(to_fen(floor * (si["ui_employer"] + si["ui_employee"])))
    contributors = rec.outcomes[:, Outcome.insured_employees] + rec.outcomes[:, Outcome.stock_public_job]
    np.testing.assert_array_equal(rec.revenue_fen.sum(axis=1), contributors * per_person)


def test_declared_bases_lower_contributions():
    wage = _record(UI_ONLY, months=2, **{"profile.social_insurance.declared_base_at_floor_share": 0.0})
    floor = _record(UI_ONLY, months=2, **{"profile.social_insurance.declared_base_at_floor_share": 1.0})
    assert floor.revenue_fen.sum() < wage.revenue_fen.sum()
    np.testing.assert_array_equal(floor.outcomes[:, Outcome.insured_employees],
                                  wage.outcomes[:, Outcome.insured_employees])   # no behaviour changes


# --- all-of target groups --------------------------------------------------------------------------

def test_all_of_target_compiles_to_masks():
    hs08 = next(i for i in load_scenario(LIUPANSHUI).instruments if i.id == "HS-08")
    assert hs08.target_mask == GroupFlag.graduate_year | GroupFlag.graduate_2y
    assert hs08.target_all_of == (GroupFlag.reg_unemployed | GroupFlag.youth_16_24,)


@pytest.mark.parametrize("target, message", [
    ('[["reg_unemployed"]]', "an all-of entry needs at least two group flags"),
    ('[["reg_unemployed", "youth_17"]]', "unknown group flag 'youth_17'"),
    ('[["reg_unemployed", "youth_16_24"], ["youth_16_24", "reg_unemployed"]]', "entry listed twice"),
    ('[["a1", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["i", "j"], ["k", "l"]]', "at most 5 all-of entries"),
    ("[3]", "an entry is a group-flag name or a list of them"),
])
def test_bad_all_of_targets_are_reported(tmp_path, target, message):
    text = LIUPANSHUI.read_text(encoding="utf-8").replace(
        'target = ["graduate_year", "graduate_2y", ["reg_unemployed", "youth_16_24"]]   # 「登记失业的16—24岁青年」: '
        'registered AND 16–24\nvalid = ["2023-01", "2025-12"]   # text: 「政策执行至2023年12月31日」; extended to the '
        'plan horizon — assumption\n', f'target = {target}\nvalid = ["2023-01", "2025-12"]\n')
    (tmp_path / "liupanshui-2023.toml").write_text(text, encoding="utf-8")
    problems = [str(p) for p in validate_files([tmp_path / "liupanshui-2023.toml"])]
    assert any("instruments.HS-08.target" in p and message in p for p in problems), problems


def test_ui_benefit_refuses_all_of_targets(tmp_path):
    text = BASE.replace('funding = "ui_fund"\n', 'funding = "ui_fund"\ntarget = [["reg_unemployed", "p4050"]]\n', 1)
    assert any("ui_benefit takes single group flags only" in p for p in _problems(tmp_path, text))


def test_all_of_entry_needs_every_flag():
    """pay._in_groups: an instrument targeting graduate_2y or (registered unemployed AND 16–24)."""
    M = np.zeros(1, L.month_dtype(1, 8))[0]
    M["ins_target"][0] = GroupFlag.graduate_2y
    M["ins_all_of"][0, 0] = GroupFlag.reg_unemployed | GroupFlag.youth_16_24
    M["ins_exclude"][0] = GroupFlag.veteran
    cases = {GroupFlag.graduate_2y: True, GroupFlag.reg_unemployed: False, GroupFlag.youth_16_24: False,
             GroupFlag.reg_unemployed | GroupFlag.youth_16_24: True,
             GroupFlag.reg_unemployed | GroupFlag.youth_16_24 | GroupFlag.p4050: True,
             GroupFlag.reg_unemployed | GroupFlag.youth_16_24 | GroupFlag.veteran: False, 0: False}
    for flags, expected in cases.items():
        assert _in_groups(M, 0, np.uint32(flags)) == expected, flags
    M["ins_target"][0] = 0
    M["ins_all_of"][0, 0] = 0
    assert _in_groups(M, 0, np.uint32(0))                 # untargeted: everybody
