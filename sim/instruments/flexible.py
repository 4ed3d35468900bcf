"""灵活就业社会保险补贴 (flexible_si_subsidy). Kernel rule: sim.kernels.pay `_flexible`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T, group_mask
from sim.instruments.declaration import Declaration, per_district
from sim.kernels import layout as L


def _static(m, k, p, run):
    m["flex_max_months"][k] = p["max_months"]
    m["flex_extension_months"][k] = p["extension_months"]
    m["flex_extension_target"][k] = group_mask(p["extension_target"])
    m["flex_near_retirement"][k] = int(round(p["to_retirement_within_years"] * 12))
    m["flex_groups_at_entry"][k] = p["groups_at_entry"]
    return 0, -1


def _month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(
        run, p["share"][t] * p["base_share"][t] * run.average_month * p["contribution_rate"][t])


FLEXIBLE_SI_SUBSIDY = Declaration(
    T.flexible_si_subsidy, "灵活就业社保补贴", situations=lambda p: (L.L_FLEXIBLE,),
    fields=(("flex_max_months", np.int64),             # lifetime months paid
            ("flex_extension_months", np.int64),       # more months for the groups of extension_target
            ("flex_extension_target", np.uint32),
            ("flex_near_retirement", np.int64),        # paid on while this close to retirement (months)
            ("flex_groups_at_entry", np.uint8)),       # groups tested at the entry, not each month
    static=_static, month=_month)

DECLARATIONS = (FLEXIBLE_SI_SUBSIDY,)
