"""Sourced parameter files (locality profile and behaviour): values with their sources."""
from __future__ import annotations

from pathlib import Path

import pytest

from sim.params import REQUIRED, Field, load_sourced
from sim.params.sourced import DEFAULT_SOURCE, SOURCE_RULE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "params"


def _employment_below_force(values: dict) -> list[tuple[str, object, str]]:
    population = values.get("population", {})
    if population.get("employed", 0) > population.get("labour_force", 0):
        return [("population.employed", population["employed"], "must not exceed labour_force")]
    return []


TEST_SCHEMA = {
    "__checks__": (_employment_below_force,),
    "population": {
        "labour_force": Field("int", unit="persons", min=1, default=REQUIRED),
        "employed": Field("int", unit="persons", min=0, default=0,
                          description="assumption: none unless given"),
        "shares": Field("shares", choices=("urban", "rural")),
    },
    "wages": {
        "minimum_wage": Field("float", unit="yuan/month", min=500, max=10_000, by_month=True),
    },
}

GOOD = (FIXTURES / "sourced_good.toml").read_text(encoding="utf-8")


def load(tmp_path: Path, text: str):
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return load_sourced(path, TEST_SCHEMA)


def test_good_file() -> None:
    values, sources, problems = load_sourced(FIXTURES / "sourced_good.toml", TEST_SCHEMA)
    assert problems == []
    assert values == {
        "population": {"labour_force": 1650000, "employed": 0,
                       "shares": {"urban": 0.4, "rural": 0.6}},
        "wages": {"minimum_wage": {"2023-01": 1790.0, "2024-07": 1890.0}},
    }
    assert sources["population.labour_force"] == "assumption: census × participation"
    assert sources["wages.minimum_wage"] == "黔府发〔2023〕"
    # an absent optional value is filled from the schema, and says so
    assert sources["population.employed"].startswith(DEFAULT_SOURCE)
    assert set(sources) == {"population.labour_force", "population.employed", "population.shares",
                            "wages.minimum_wage"}


# a misspelt required key is also a missing one: both are reported
ALSO_MISSING = {"population.labour_forse": "population.labour_force", "wage": "wages.minimum_wage"}


@pytest.mark.parametrize("old, new, key, words", [
    (', source = "assumption: census × participation"', "", "population.labour_force", [SOURCE_RULE]),
    ('source = "2020 census"', 'source = "  "', "population.shares", [SOURCE_RULE]),
    ("value = 1650000", "value = -3", "population.labour_force", ["= -3", "must be at least 1"]),
    ("value = 1650000", 'value = "many"', "population.labour_force", ["expected an integer"]),
    ("rural = 0.6", "rural = 0.5", "population.shares", ["must sum to 1"]),
    ("labour_force =", "labour_forse =", "population.labour_forse",
     ["unknown key", "did you mean 'labour_force'"]),
    ('note = "rounded"', 'noet = "rounded"', "population.shares.noet", ["did you mean 'note'"]),
    ('unit = "persons"', 'unit = "万人"', "population.labour_force.unit", ["schema's unit is 'persons'"]),
    ('status = "V"', "status = 1", "population.shares.status", ["must be a string"]),
    ('"2024-07" = 1890', '"2024-7" = 1890', "wages.minimum_wage.2024-7", ["not a valid month"]),
    ("[wages]", "[wage]", "wage", ["unknown key 'wage'", "did you mean 'wages'"]),
])
def test_one_mistake_one_problem(tmp_path: Path, old: str, new: str, key: str,
                                 words: list[str]) -> None:
    assert old in GOOD
    _, _, problems = load(tmp_path, GOOD.replace(old, new, 1))
    missing = [p for p in problems if p.key == ALSO_MISSING.get(key)]
    assert [p.message for p in missing] == (["required key missing"] if key in ALSO_MISSING else [])
    problems = [p for p in problems if p not in missing]
    assert len(problems) == 1, [str(p) for p in problems]
    text = str(problems[0])
    assert problems[0].key == key and problems[0].file.endswith("profile.toml"), text
    assert all(w in text for w in words), text


def test_bare_value_needs_inline_table(tmp_path: Path) -> None:
    line = next(x for x in GOOD.splitlines() if x.startswith("labour_force"))
    _, _, problems = load(tmp_path, GOOD.replace(line, "labour_force = 1650000"))
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        'population.labour_force = 1650000: must be an inline table { value = …, source = "…" }']


def test_missing_required(tmp_path: Path) -> None:
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith("labour_force"))
    _, _, problems = load(tmp_path, text)
    assert [(p.key, p.message) for p in problems] == [("population.labour_force",
                                                       "required key missing")]


def test_checks_hook(tmp_path: Path) -> None:
    text = GOOD.replace("[wages]", 'employed = { value = 2000000, source = "assumption: x" }\n\n[wages]')
    values, _, problems = load(tmp_path, text)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "population.employed = 2000000: must not exceed labour_force"]


def test_checks_skip_a_section_with_problems(tmp_path: Path) -> None:
    # the hook may assume valid kinds: it does not run when a value it reads is broken
    text = GOOD.replace("value = 1650000", 'value = "x"').replace(
        "[wages]", 'employed = { value = 2000000, source = "assumption: x" }\n\n[wages]')
    _, _, problems = load(tmp_path, text)
    assert [p.key for p in problems] == ["population.labour_force"]


def test_many_problems_at_once(tmp_path: Path) -> None:
    text = (GOOD.replace("value = 1650000", "value = 0")
            .replace(', source = "2020 census"', "")
            .replace("1790", "100"))
    _, _, problems = load(tmp_path, text)
    assert sorted(p.key for p in problems) == ["population.labour_force", "population.shares",
                                                "wages.minimum_wage.2023-01"]


def test_unreadable_and_syntax(tmp_path: Path) -> None:
    values, sources, problems = load_sourced(tmp_path / "missing.toml", TEST_SCHEMA)
    assert (values, sources) == ({}, {}) and "file not found" in str(problems[0])
    _, _, problems = load(tmp_path, "[population\n")
    assert len(problems) == 1 and problems[0].key == "<syntax>" and "line 1" in str(problems[0])
