"""Contracts between declarations and use: every declared instrument parameter is read by its type's
packing, every named kernel field is written by its declaration and read by a kernel, and every person
field is read and written. Text scans of the source: a parameter, field or person field that nobody
uses fails here."""
from __future__ import annotations

import inspect
import re

from sim.instruments import declaration, registry
from sim.kernels.layout import instrument_fields
from sim.params.scenario_schema import TYPE_SCHEMAS
from sim.population.arrays import PERSON_FIELDS
from tests.conftest import ROOT

SIM = ROOT / "sim"
KERNELS = "\n".join(path.read_text(encoding="utf-8") for path in sorted((SIM / "kernels").glob("*.py")))
ASSIGN = r"\s*(?:=|\+=|-=|\|=)(?!=)"


def _declaration_sources() -> dict[str, str]:
    """Type name → the source that packs its parameters: its family module and the shared helpers."""
    shared = inspect.getsource(declaration)
    return {d.type.name: inspect.getsource(family) + shared
            for family in registry.FAMILIES for d in family.DECLARATIONS}


def unused_parameters(schemas: dict, sources: dict[str, str]) -> list[str]:
    """`type.parameter` for each declared parameter its source never reads (`p["x"]`, `.get("x"`)."""
    unused = []
    for type_name, schema in schemas.items():
        text = sources[type_name]
        for name in schema:
            if not name.startswith("__") and not re.search(rf'\["{name}"\]|\.get\("{name}"', text):
                unused.append(f"{type_name}.{name}")
    return unused


def test_every_declared_parameter_is_read_by_its_packing():
    sources = _declaration_sources()
    sources["ui_benefit"] = (SIM / "packing.py").read_text(encoding="utf-8")   # packed by sim.packing.UiSchedule
    assert set(sources) == set(TYPE_SCHEMAS)
    assert unused_parameters(TYPE_SCHEMAS, sources) == []


def test_the_scan_finds_a_parameter_nobody_reads():
    schema = {"training_subsidy": {"per_day": None, "course": None}}
    source = {"training_subsidy": 'amount = p["per_day"][t] * p["days"]'}
    assert unused_parameters(schema, source) == ["training_subsidy.course"]


def test_every_named_kernel_field_is_written_by_its_declaration_and_read_by_a_kernel():
    problems = []
    for family in registry.FAMILIES:
        text = inspect.getsource(family)
        for d in family.DECLARATIONS:
            for name, *_ in d.fields:
                if f'm["{name}"]' not in text:
                    problems.append(f"{d.type.name}: {name} never written")
                if not re.search(rf"\bM\.{name}\b", KERNELS):
                    problems.append(f"{d.type.name}: {name} never read by a kernel")
    assert problems == []


def test_named_kernel_fields_are_unique():
    names = [spec[0] for spec in registry.kernel_fields(1)]
    assert len(names) == len(set(names))


def test_every_person_field_is_read_and_written():
    """Read by a kernel or the attribution; written by a kernel or a population builder."""
    readers = KERNELS + (SIM / "attribution.py").read_text(encoding="utf-8")
    builders = "\n".join(path.read_text(encoding="utf-8") for path in sorted((SIM / "population").glob("*.py"))
                         if path.name != "arrays.py")
    problems = []
    for name in PERSON_FIELDS:
        if not re.search(rf"\b[pP]\.{name}\b(?!{ASSIGN})", readers):
            problems.append(f"{name} never read")
        if not (re.search(rf"\bp\.{name}{ASSIGN}", KERNELS) or re.search(rf"\.{name}\[[^\]]*\]{ASSIGN}", builders)):
            problems.append(f"{name} never written")
    assert problems == []


def test_every_common_instrument_field_is_read_by_a_kernel():
    # ins_rank: the kernels read the groups' order from group_members; the NumPy reference reads the rank
    unread = [spec[0] for spec in instrument_fields(1) if not re.search(rf"\bM\.{spec[0]}\b", KERNELS)]
    assert unread == ["ins_rank"]
