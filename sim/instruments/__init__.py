"""The instrument types other than ui_benefit: one declaration per type, one module per family.

- `declaration`: what a type declares (parameter schema, situations, named kernel fields, packing).
- `registry`: the declarations, the schemas by type name, and the month record built from them.
- `table`: `InstrumentTable` packs every enabled instrument into the month record, once and each month.
- family modules (`hiring`, `startup`, …): the declarations, and the payments made outside the person
  pass (`refund.stabilization_refund`, `awards.fixed_award`, `awards.placement_fees`), which their
  declarations' `pay_outside` calls through `InstrumentTable.pay_outside`.

The kernel rules read the named fields in sim.kernels.pay. Layer: above sim.kernels and sim.ledger (imports
their constants and money rounding), below sim.params (whose validation reads the declared schemas) and
sim.engine.
"""
from sim.instruments.awards import fixed_award, placement_fees
from sim.instruments.declaration import OutsideMonth, instrument_key
from sim.instruments.refund import stabilization_refund
from sim.instruments.registry import DECLARATION, month_dtype
from sim.instruments.table import InstrumentTable

__all__ = ["DECLARATION", "InstrumentTable", "OutsideMonth", "fixed_award", "instrument_key", "month_dtype",
           "placement_fees", "stabilization_refund"]
