"""就业见习补贴 (internship_subsidy): monthly allowance share of the minimum wage, retention bonus, and the
remaining months when the intern is hired early. Kernel rules: sim.kernels.pay `_intern_month`,
`_intern_hired`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import DISTRICTS, Declaration, fen, per_district
from sim.kernels import layout as L


def _static(m, k, p, run):
    m["intern_months"][k] = p["months"]
    m["intern_remaining_period"][k] = p["remaining_period"]
    return 0, -1


def _month(m, k, p, t, run):
    high = run.retention >= p["high_retention_rate"]
    share = p["high_retention_share"][t] if high else p["allowance_share"][t]
    m["ins_amount_fen"][k] = fen(share * run.min_wage)
    m["intern_retention_fen"][k] = per_district(run, p["retention_bonus"][t])


INTERNSHIP_SUBSIDY = Declaration(
    T.internship_subsidy, "就业见习补贴", situations=lambda p: (L.L_INTERN,),
    fields=(("intern_months", np.int64),               # months of allowance
            ("intern_remaining_period", np.uint8),     # an early hire is paid the remaining months
            ("intern_retention_fen", np.int64, DISTRICTS)),   # bonus to the host on hiring the intern
    static=_static, month=_month)

DECLARATIONS = (INTERNSHIP_SUBSIDY,)
