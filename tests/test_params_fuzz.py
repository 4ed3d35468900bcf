"""Property: no input mistake raises; whatever validates also compiles."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.params.compile import canonical_sha256, compile_instrument
from sim.params.errors import Problem
from sim.params.loader import load_document
from sim.params.validate import validate_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "params"
BASE_PATH = FIXTURES / "base.toml"
BASE = load_document(BASE_PATH).document

# every value TOML can produce
scalars = st.one_of(
    st.integers(-10**6, 10**9), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=12), st.sampled_from(["2024-01", "2023-13", "ui_fund", "person", "p4050",
                                           "ui_benefit", "hiring_bonus", "testville", ""]),
    st.dates(min_value=dt.date(1980, 1, 1)), st.times())
toml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=10)


def _paths(node: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in node.items():
        out.append(prefix + (key,))
        if isinstance(value, dict):
            out.extend(_paths(value, prefix + (key,)))
    return out


PATHS = _paths(BASE)


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict:
    document = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = document
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(toml_values)
        elif action == "delete":
            parent.pop(path[-1], None)
        else:
            parent[draw(st.text(max_size=10))] = draw(toml_values)
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_documents(),
       overrides=st.dictionaries(st.sampled_from(["months", "persons", "seed", "reps"]),
                                 st.one_of(st.none(), st.integers(-5, 10**8), st.booleans(),
                                           st.floats(), st.text(max_size=3))))
def test_mutations_never_raise(document: dict, overrides: dict) -> None:
    result = validate_document(document, BASE_PATH, overrides=overrides)
    assert all(isinstance(p, Problem) and str(p) for p in result.problems)
    if result.problems:
        return
    # validated means buildable: nothing downstream may fail on a value that passed
    head = result.document["scenario"]
    for iid, values in result.document["instruments"].items():
        instrument = compile_instrument(iid, values, head["start"], head["months"])
        assert instrument.active.shape == (head["months"],)
    assert len(canonical_sha256(result.document)) == 64
