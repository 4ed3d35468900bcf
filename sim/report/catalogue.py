"""The instrument-type catalogue as text (`subsim instruments`), from the schemas themselves."""
from __future__ import annotations

from sim.instruments.registry import DECLARATION
from sim.params.scenario_schema import INSTRUMENT_COMMON, TYPE_SCHEMAS
from sim.schema import DERIVED, REQUIRED, Field

TYPE_NAMES_ZH = {"ui_benefit": "失业保险金"} | {d.type.name: d.name_zh for d in DECLARATION.values()}


def _default(field: Field) -> str:
    if field.default is REQUIRED:
        return "required"
    if field.default is DERIVED:
        return "derived"
    return repr(field.default)


def _lines(schema: dict, indent: str) -> list[str]:
    out = []
    for key, field in schema.items():
        if key.startswith("__") or not isinstance(field, Field):
            continue
        unit = f" [{field.unit}]" if field.unit else ""
        name_zh = f" {field.name_zh}" if field.name_zh else ""
        by_month = ", by month" if field.by_month else ""
        out.append(f"{indent}{key}{name_zh}{unit} — {field.kind}{by_month}, default {_default(field)}")
        if field.description:
            out.append(f"{indent}    {field.description}")
    return out


def catalogue_text(only: str | None = None) -> str | None:
    """The catalogue of every type (or of `only`); None when `only` is not a type."""
    names = list(TYPE_SCHEMAS) if only is None else [only]
    if only is not None and only not in TYPE_SCHEMAS:
        return None
    out = ["Instrument types (DESIGN §6; semantics in docs/instruments.md)", "",
           "Keys common to every type:"] + _lines(INSTRUMENT_COMMON, "  ")
    for name in names:
        out += ["", f"{name} {TYPE_NAMES_ZH[name]}"] + _lines(TYPE_SCHEMAS[name], "  ")
    return "\n".join(out)
