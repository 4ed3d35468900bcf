"""Scenario files: bad-input corpus, extends, effective months, compilation, overrides, hashing."""
from __future__ import annotations

import json
import pickle
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from sim.codes import IMPLEMENTED_TYPES, Fund, GroupFlag, InstrumentType, Payee
from sim.params import (REQUIRED, Field, Problem, Scenario, ScenarioError, load_scenario,
                        validate_files)
from sim.params import scenario_schema
from sim.params.errors import NO_VALUE
from sim.params.kinds import check_value
from sim.params.loader import load_document
from sim.params.months import month_index, month_label
from sim.params.validate import validate_document

TESTS = Path(__file__).resolve().parent
BAD = TESTS / "bad_scenarios"
FIXTURES = TESTS / "fixtures" / "params"
REPO = TESTS.parent

BAD_CASES = sorted(p for p in BAD.glob("*.toml") if not p.name.startswith("_"))


def expected_words(path: Path) -> list[str]:
    """Words listed in the file's leading ``# expect: a | b | …`` comment."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect:"):
            return [w.strip() for w in line[len("# expect:"):].split("|") if w.strip()]
    raise AssertionError(f"{path.name} has no '# expect:' line")


@pytest.fixture
def fake_locality(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace the locality loader so fixtures need no real calibration files."""
    calls: list[Path] = []

    def load_locality(locality_dir: Path, **options):
        calls.append(locality_dir)
        return ({"population": {"working_age_population": 1000}}, {"separation": {"rate": 0.01}},
                {"profile.population.working_age_population": "assumption: test"}, [])

    try:
        import sim.params.locality as module
        monkeypatch.setattr(module, "load_locality", load_locality)
    except ImportError:  # before the lead's module exists
        module = types.ModuleType("sim.params.locality")
        module.load_locality = load_locality  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "sim.params.locality", module)
    return calls


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def stub_locality(folder: Path, name: str = "testville") -> None:
    """A valid locality under `folder` (a copy of the fixture's), found by walking up from scenarios there."""
    target = folder / "calibration" / name
    target.mkdir(parents=True, exist_ok=True)
    source = FIXTURES / "calibration" / "testville"
    for file in ("profile.toml", "behaviour.toml"):
        (target / file).write_text((source / file).read_text(encoding="utf-8"), encoding="utf-8")


MINIMAL = """
[scenario]
name = "tmp"
title_zh = "临时"
locality = "testville"
start = "2024-01"
months = 12

[instruments.UI-10]
type = "ui_benefit"
name_zh = "失业保险金"
funding = "ui_fund"
payee = "person"
take_up = 1.0
take_up_source = "assumption: test"
source = "004 M§21"
"""


# --- the bad-input corpus ------------------------------------------------------------------------

def test_corpus_covers_every_error_kind() -> None:
    assert len(BAD_CASES) >= 14


@pytest.mark.parametrize("path", BAD_CASES, ids=[p.stem for p in BAD_CASES])
def test_bad_scenario_is_reported(path: Path) -> None:
    words = expected_words(path)
    problems = validate_files([path])
    texts = [str(p) for p in problems]
    assert any(all(w in text for w in words) for text in texts), \
        f"no problem contains all of {words}:\n" + "\n".join(texts)
    # one mistake, one problem: no cascade of follow-on noise
    assert len(problems) == 1, "\n".join(texts)


def test_cycle_parent_is_not_a_case_but_also_fails() -> None:
    problems = validate_files([BAD / "_cycle_parent.toml"])
    assert len(problems) == 1 and "extends cycle" in str(problems[0])


# --- the good path -------------------------------------------------------------------------------

def test_base_fixture_compiles(fake_locality: list[Path]) -> None:
    scenario = load_scenario(FIXTURES / "base.toml")
    assert isinstance(scenario, Scenario)
    assert (scenario.name, scenario.title_zh, scenario.locality) == \
        ("testville-base", "测试市基准情景", "testville")
    assert scenario.locality_dir == FIXTURES / "calibration" / "testville"
    assert fake_locality == [scenario.locality_dir]
    assert (scenario.start, scenario.months, scenario.persons, scenario.seed, scenario.reps) == \
        ("2024-01", 12, 1000, 7, 1)
    assert scenario.profile["population"]["working_age_population"] == 1000
    assert scenario.sources["profile.population.working_age_population"].startswith("assumption")
    assert [i.id for i in scenario.instruments] == ["UI-10", "UI-02"]

    ui, aid = scenario.instruments
    assert ui.type is InstrumentType.ui_benefit and ui.enabled
    assert ui.payee is Payee.person and ui.funding == {Fund.ui_fund: 1.0}
    assert ui.target_mask == int(GroupFlag.reg_unemployed)
    assert ui.exclude_mask == int(GroupFlag.near_retirement_1y)
    assert ui.catalogue_id == "UI-10" and ui.source == "004 M§21"
    assert ui.params["max_months"] == 24 and ui.params["carry_over"] is True
    np.testing.assert_array_equal(ui.params["duration_schedule"], [[1, 12], [5, 18], [10, 24]])
    assert ui.params["duration_schedule"].dtype == np.float64

    # disabled instruments are validated and compiled too
    assert not aid.enabled
    assert aid.funding == {Fund.ui_fund: 0.5, Fund.employment_fund: 0.5}
    assert aid.params["aid_for_ineligible"] is True
    assert set(aid.params) == set(k for k in scenario_schema.UI_BENEFIT if not k.startswith("__"))


def test_effective_months_compile_to_dense_arrays(fake_locality: list[Path]) -> None:
    ui = load_scenario(FIXTURES / "base.toml").instruments[0]
    # run 2024-01 … 2024-12; ratio = {2023-01: 0.85, 2024-03: 0.9}: the 2023 value is in force
    # for Jan and Feb 2024
    np.testing.assert_array_equal(ui.params["ratio"], [0.85, 0.85] + [0.9] * 10)
    # take_up = {2024-01: 0.8, 2024-04: 0.9}
    np.testing.assert_array_equal(ui.take_up, [0.8] * 3 + [0.9] * 9)
    # top_up = {2024-07: 200}: before its first month the default (0) is in force
    np.testing.assert_array_equal(ui.params["top_up"], [0.0] * 6 + [200.0] * 6)
    # a scalar is constant
    np.testing.assert_array_equal(ui.params["medical_rate"], np.full(12, 0.08))
    for name in ("ratio", "top_up", "medical_rate", "aid_ratio"):
        assert ui.params[name].dtype == np.float64 and ui.params[name].shape == (12,)


def test_valid_gives_active_mask(fake_locality: list[Path]) -> None:
    scenario = load_scenario(FIXTURES / "base.toml")
    ui, aid = scenario.instruments
    # valid = ["2023-07", "2024-06"]: in force for the first six run months only
    np.testing.assert_array_equal(ui.active, [True] * 6 + [False] * 6)
    # default: the whole run
    assert aid.active.all() and aid.active.dtype == np.bool_
    assert scenario.document["instruments"]["UI-02"]["valid"] == ["2024-01", "2024-12"]


def test_compiled_arrays_are_read_only(fake_locality: list[Path]) -> None:
    ui = load_scenario(FIXTURES / "base.toml").instruments[0]
    with pytest.raises(ValueError):
        ui.params["ratio"][0] = 2.0
    with pytest.raises(ValueError):
        ui.active[0] = False


def test_document_is_complete_json(fake_locality: list[Path]) -> None:
    scenario = load_scenario(FIXTURES / "reform.toml")
    text = json.dumps(scenario.document, ensure_ascii=False)
    document = json.loads(text)
    assert "extends" not in document["scenario"]
    ui = document["instruments"]["UI-10"]
    assert ui["take_up"] == {"2024-01": 0.8, "2024-04": 0.9}
    assert ui["aid_ratio"] == 0.8 and ui["medical_base"] == "benefit"  # defaults filled
    assert document["run"] == {"persons": 2000, "seed": 7, "reps": 1, "responses": True, "parameter_uncertainty": True}
    assert [p.name for p in scenario.files] == ["reform.toml", "base.toml"]


# --- extends -------------------------------------------------------------------------------------

def test_extends_deep_merge_keeps_siblings(fake_locality: list[Path]) -> None:
    base = load_scenario(FIXTURES / "base.toml").document
    reform = load_scenario(FIXTURES / "reform.toml").document
    ui_base, ui_reform = base["instruments"]["UI-10"], reform["instruments"]["UI-10"]
    assert ui_reform["aid_months"] == 3 and ui_base["aid_months"] == 6
    changed = {k for k in ui_base if ui_base[k] != ui_reform[k]}
    assert changed == {"ratio", "aid_months"}
    assert reform["instruments"]["UI-02"] == base["instruments"]["UI-02"]
    assert reform["scenario"]["start"] == "2024-01" and reform["scenario"]["name"] == "testville-reform"
    assert reform["run"]["seed"] == 7 and reform["run"]["persons"] == 2000


def test_effective_month_table_replaces_parent_wholesale(fake_locality: list[Path]) -> None:
    ui = load_scenario(FIXTURES / "reform.toml").instruments[0]
    # base {2023-01: 0.85, 2024-03: 0.9} is replaced by {2024-04: 0.95}, not merged with it:
    # before April the schema default 0.9 is in force
    assert ui.params["ratio"].tolist() == [0.9] * 3 + [0.95] * 9


def test_fund_split_replaces_parent_wholesale(tmp_path: Path, fake_locality: list[Path]) -> None:
    stub_locality(tmp_path)
    write(tmp_path, "base.toml", MINIMAL.replace('funding = "ui_fund"',
                                                 "funding = { ui_fund = 0.5, employment_fund = 0.5 }"))
    reform = write(tmp_path, "reform.toml", '[scenario]\nextends = "base.toml"\n\n'
                   '[instruments.UI-10]\nfunding = { ui_fund = 1.0 }\n')
    assert load_scenario(reform).instruments[0].funding == {Fund.ui_fund: 1.0}


def test_extends_chain_of_three_names_the_middle_file(tmp_path: Path) -> None:
    stub_locality(tmp_path)
    write(tmp_path, "a.toml", MINIMAL)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.toml", '[scenario]\nextends = "../a.toml"\n\n'
          "[instruments.UI-10]\nmax_months = 99\n")
    c = write(tmp_path, "c.toml", '[scenario]\nextends = "sub/b.toml"\nname = "c"\n')
    problems = validate_files([c])
    assert len(problems) == 1
    assert problems[0].file.endswith("b.toml") and problems[0].key == "instruments.UI-10.max_months"
    assert problems[0].value == 99


def test_loader_records_origins() -> None:
    loaded = load_document(FIXTURES / "reform.toml")
    assert loaded.problems == []
    assert loaded.origins[("instruments", "UI-10", "ratio")].name == "reform.toml"
    assert loaded.origins[("instruments", "UI-10", "payee")].name == "base.toml"
    assert loaded.origins[("instruments", "UI-10")].name == "base.toml"


def test_one_enabled_ui_benefit_only(tmp_path: Path) -> None:
    stub_locality(tmp_path)
    second = MINIMAL.split("[instruments.UI-10]")[1]
    path = write(tmp_path, "two_ui.toml", MINIMAL + "\n[instruments.UI-99]" + second)
    problems = validate_files([path])
    assert [p.key for p in problems] == ["instruments.UI-99.type"]
    assert "only one enabled ui_benefit instrument" in str(problems[0])
    assert "UI-10" in str(problems[0])
    path = write(tmp_path, "two_ui_one_off.toml",
                 MINIMAL + "\n[instruments.UI-99]\nenabled = false" + second)
    loaded = load_document(path)
    assert validate_document(loaded.document, path).problems == []


# --- many problems at once -----------------------------------------------------------------------

def test_three_errors_are_three_problems() -> None:
    problems = validate_files([FIXTURES / "three_errors.toml"])
    keys = sorted(p.key for p in problems)
    assert keys == ["instruments.UI-10.aid_ratio", "instruments.UI-10.payee", "scenario.months"]


def test_missing_section_reports_each_required_key(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.toml", "")
    keys = {p.key for p in validate_files([path])}
    assert keys == {"scenario.name", "scenario.title_zh", "scenario.locality", "scenario.start",
                    "scenario.months"}


def test_validate_files_collects_over_files() -> None:
    problems = validate_files([FIXTURES / "three_errors.toml", BAD / "bad_month.toml"])
    assert len(problems) == 4


# --- overrides -----------------------------------------------------------------------------------

def test_overrides_apply_after_validation(fake_locality: list[Path]) -> None:
    scenario = load_scenario(FIXTURES / "base.toml", months=24, persons=500, seed=0, reps=3)
    assert (scenario.months, scenario.persons, scenario.seed, scenario.reps) == (24, 500, 0, 3)
    assert scenario.document["run"]["seed"] == 0  # 0 is a seed, not "no seed"
    ui, aid = scenario.instruments
    assert ui.params["ratio"].shape == (24,) and ui.active.sum() == 6
    assert aid.active.all() and scenario.document["instruments"]["UI-02"]["valid"][1] == "2025-12"


def test_overrides_are_validated(fake_locality: list[Path]) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(FIXTURES / "base.toml", months=0, persons=5, seed=True, reps=2.0)  # type: ignore
    texts = [str(p) for p in caught.value.problems]
    assert len(texts) == 4, texts
    assert all(t.startswith("<override>: ") for t in texts)
    assert "<override>: run.persons = 5: must be between 100 and 50000000 (persons)" in texts
    assert any("scenario.months = 0" in t for t in texts)
    assert any("run.seed = True" in t and "boolean" in t for t in texts)


def test_override_problems_join_file_problems() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(FIXTURES / "three_errors.toml", persons=1)
    assert len(caught.value.problems) == 4
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BAD / "extends_missing.toml", reps=0)
    assert [p.key for p in caught.value.problems] == ["scenario.extends", "run.reps"]


def test_locality_problems_are_raised(monkeypatch: pytest.MonkeyPatch,
                                      fake_locality: list[Path]) -> None:
    import sim.params.locality as module
    bad = Problem("calibration/testville/profile.toml", "population.x", 1, "unknown key 'x'")
    monkeypatch.setattr(module, "load_locality", lambda d, **options: ({}, {}, {}, [bad]))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(FIXTURES / "base.toml")
    assert caught.value.problems == [bad]


# --- hashing -------------------------------------------------------------------------------------

def test_sha256_is_stable_under_key_order(tmp_path: Path, fake_locality: list[Path]) -> None:
    stub_locality(tmp_path)
    one = write(tmp_path, "one.toml",
                MINIMAL.replace("take_up = 1.0\n", "take_up = 1\n") + 'ratio = { "2024-01" = 0.9, "2024-06" = 1 }\n')
    reordered = """
[instruments.UI-10]
ratio = { "2024-06" = 1.0, "2024-01" = 0.9 }
source = "004 M§21"
payee = "person"
take_up = 1.0
take_up_source = "assumption: test"
funding = "ui_fund"
name_zh = "失业保险金"
type = "ui_benefit"

[scenario]
months = 12
start = "2024-01"
locality = "testville"
title_zh = "临时"
name = "tmp"
"""
    two = write(tmp_path, "two.toml", reordered)
    three = write(tmp_path, "three.toml", reordered.replace("take_up = 1.0", "take_up = 0.99"))
    a, b, c = (load_scenario(p) for p in (one, two, three))
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    assert c.sha256 != a.sha256


# --- input mistakes never raise ------------------------------------------------------------------

def test_unreadable_inputs_are_problems(tmp_path: Path) -> None:
    missing = validate_files([tmp_path / "nowhere.toml"])
    assert len(missing) == 1 and "file not found" in str(missing[0])
    folder = validate_files([tmp_path])
    assert len(folder) == 1 and "is a folder, not a regular file" in str(folder[0])
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe[scenario]\n")
    latin = validate_files([binary])
    assert len(latin) == 1 and "UTF-8" in str(latin[0])
    deep = write(tmp_path, "deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    nested = validate_files([deep])
    assert len(nested) == 1 and nested[0].key == "<syntax>"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    stub_locality(tmp_path)
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    loaded = load_document(path)
    assert loaded.problems == [] and validate_document(loaded.document, path).problems == []


def test_wrong_shapes_everywhere_are_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "shapes.toml", 'scenario = 3\nrun = "fast"\ninstruments = [1]\n')
    keys = [p.key for p in validate_files([path])]
    assert keys == ["scenario", "run", "instruments"]
    path = write(tmp_path, "shapes2.toml", MINIMAL + '\n[instruments.X]\n\n[instruments]\nY = 4\n')
    texts = [str(p) for p in validate_files([path])]
    assert any(t.endswith("instruments.Y = 4: must be a table [instruments.<ID>]") for t in texts)
    # an empty instrument: each required key once (take_up: application = "required" is the default), nothing else
    assert sorted(t.split(": ")[1] for t in texts if "instruments.X" in t) == [
        "instruments.X.funding", "instruments.X.name_zh", "instruments.X.payee",
        "instruments.X.source", "instruments.X.take_up", "instruments.X.type"]


def test_no_value_in_force_before_first_month(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # no current field is by_month without a default: give `ratio` none for this test
    ratio = scenario_schema.UI_BENEFIT["ratio"]
    assert isinstance(ratio, Field)
    monkeypatch.setitem(scenario_schema.UI_BENEFIT, "ratio",
                        Field("float", min=0, max=1.5, by_month=True, default=REQUIRED))
    stub_locality(tmp_path)
    path = write(tmp_path, "late.toml", MINIMAL + 'ratio = { "2024-03" = 0.9 }\n')
    problems = validate_files([path])
    assert len(problems) == 1
    assert "instruments.UI-10.ratio" in str(problems[0])
    assert "no value in force before 2024-03" in str(problems[0])
    fine = write(tmp_path, "early.toml", MINIMAL + 'ratio = { "2024-01" = 0.9 }\n')
    loaded = load_document(fine)
    assert validate_document(loaded.document, fine).problems == []


# --- schema, problems, months --------------------------------------------------------------------

def test_type_schemas_match_implemented_types() -> None:
    assert set(scenario_schema.TYPE_SCHEMAS) == {t.name for t in IMPLEMENTED_TYPES}


def _fields(schema: dict, prefix: str = ""):
    for key, node in schema.items():
        if key.startswith("__"):
            continue
        if isinstance(node, dict):
            yield from _fields(node, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", node


ALL_SCHEMAS = {"scenario": scenario_schema.SCENARIO, "run": scenario_schema.RUN,
               "instrument": scenario_schema.INSTRUMENT_COMMON, **scenario_schema.TYPE_SCHEMAS}


@pytest.mark.parametrize("name", list(ALL_SCHEMAS))
def test_every_default_passes_its_own_check(name: str) -> None:
    for key, field in _fields(ALL_SCHEMAS[name]):
        if field.default is REQUIRED or field.default is scenario_schema.DERIVED:
            continue
        _, issues = check_value(field, field.default, key)
        assert issues == [], f"{name}.{key}: {issues}"
        assert field.description, f"{name}.{key} has no description"


def test_problem_text() -> None:
    assert str(Problem("a.toml", "x.y", 1.7, "must be between 0 and 1")) == \
        "a.toml: x.y = 1.7: must be between 0 and 1"
    assert str(Problem("a.toml", "x.y", NO_VALUE, "required key missing")) == \
        "a.toml: x.y: required key missing"
    assert str(Problem("a.toml", "", NO_VALUE, "file not found")) == "a.toml: file not found"
    error = ScenarioError([Problem("a", "k", 1, "m"), Problem("b", "", NO_VALUE, "n")])
    assert str(error) == "a: k = 1: m\nb: n"
    # executors send errors between processes
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems and again.problems[1].value is NO_VALUE


def test_month_helpers() -> None:
    assert month_index("2024-01", "2024-01") == 0
    assert month_index("2024-01", "2025-03") == 14
    assert month_index("2024-03", "2023-12") == -3
    assert month_label("2024-11", 0) == "2024-11"
    assert month_label("2024-11", 2) == "2025-01"
    assert month_label("2024-01", -1) == "2023-12"
    for t in range(-30, 30):
        assert month_index("2024-05", month_label("2024-05", t)) == t


# --- the real locality -------------------------------------------------------------------------

def test_real_liupanshui_scenario_loads(tmp_path: Path) -> None:
    """Integration with the lead's calibration/liupanshui/ (found through the repository fallback)."""
    assert (REPO / "calibration" / "liupanshui" / "profile.toml").is_file()
    path = write(tmp_path, "lps.toml", MINIMAL.replace('"testville"', '"liupanshui"'))
    scenario = load_scenario(path, seed=0)
    assert scenario.locality_dir == (REPO / "calibration" / "liupanshui").resolve()
    assert scenario.profile and scenario.behaviour
    assert all(isinstance(v, str) and v for v in scenario.sources.values())
    assert pickle.loads(pickle.dumps(scenario)).sha256 == scenario.sha256  # ships to workers
