"""All instrument declarations, their parameter schemas, and the month record built from them.

Each family module lists its types in `DECLARATIONS`; `FAMILIES` below is the one list of family modules.
ui_benefit has no declaration here: its schema is sim.params.scenario_schema.UI_BENEFIT and sim.engine
packs it into the record's `ui_*` fields (at most one).
"""
from __future__ import annotations

import numpy as np

from sim.codes import MAX_INSTRUMENTS, InstrumentType
from sim.instruments import allowance, awards, flexible, hiring, internship, public_job, refund, relief, startup, \
    training
from sim.instruments.declaration import Declaration
from sim.kernels import layout as L
from sim.schema import Schema

FAMILIES = (refund, hiring, flexible, startup, training, internship, public_job, allowance, relief, awards)
DECLARATION: dict[InstrumentType, Declaration] = {d.type: d for family in FAMILIES for d in family.DECLARATIONS}
TYPE_SCHEMAS: dict[str, Schema] = {t.name: DECLARATION[t].schema for t in sorted(DECLARATION)}
"""Type-specific parameters by type name (InstrumentType order), for sim.params' validation."""


def kernel_fields(n_districts: int) -> list[tuple]:
    """Every type's named fields, in registry order."""
    return [spec for d in DECLARATION.values() for spec in d.field_specs(MAX_INSTRUMENTS, n_districts)]


def month_dtype(n_districts: int, n_schedule: int) -> np.dtype:
    """The month record the kernels read: sim.kernels.layout's fields and every type's named fields."""
    return L.month_dtype(n_districts, n_schedule, kernel_fields(n_districts))
