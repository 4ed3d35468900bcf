"""就业见习补贴 (internship_subsidy): monthly allowance share of the minimum wage, retention bonus, and the
remaining months when the intern is hired early. Kernel rules: sim.kernels.pay `_intern_month`,
`_intern_hired`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import DISTRICTS, Declaration, amount_field, fen, months_field, per_district, \
    share_field
from sim.kernels import layout as L
from sim.schema import Field, Schema


def _static(m, k, p, run):
    m["intern_months"][k] = p["months"]
    m["intern_remaining_period"][k] = p["remaining_period"]
    return 0, -1


def _month(m, k, p, t, run):
    high = run.retention >= p["high_retention_rate"]
    share = p["high_retention_share"][t] if high else p["allowance_share"][t]
    m["ins_amount_fen"][k] = fen(share * run.min_wage[t])
    m["intern_retention_fen"][k] = per_district(run, p["retention_bonus"][t])


INTERNSHIP_SUBSIDY_PARAMETERS: Schema = {
    "allowance_share": Field("float", unit="share of minimum wage", min=0.0, max=3.0, default=0.6, by_month=True,
                             description="monthly subsidy to the host per intern; assumption: 60 % "
                                         "(DOMAIN_NOTES A35: 50–80 %)", name_zh="见习补贴"),
    "high_retention_share": Field("float", unit="share of minimum wage", min=0.0, max=3.0, default=0.8,
                                  by_month=True, description="the rate when last year's retention reached "
                                                             "high_retention_rate (DOMAIN_NOTES A35)"),
    "high_retention_rate": share_field("retention rate that earns the higher rate", 0.5, by_month=False),
    "months": months_field("subsidised months per intern (DOMAIN_NOTES A35: 3–12)", 12, 1, 24),
    "retention_bonus": amount_field("one-time bonus to the host per intern it hires", 0.0, name_zh="留用奖补"),
    "remaining_period": Field("bool", default=False,
                              description="an intern hired before the end: the host receives the remaining "
                                          "months' subsidy at once (004 A1§(十))"),
}


INTERNSHIP_SUBSIDY = Declaration(
    T.internship_subsidy, "就业见习补贴", schema=INTERNSHIP_SUBSIDY_PARAMETERS, situations=lambda p: (L.L_INTERN,),
    fields=(("intern_months", np.int64),               # months of allowance
            ("intern_remaining_period", np.uint8),     # an early hire is paid the remaining months
            ("intern_retention_fen", np.int64, DISTRICTS)),   # bonus to the host on hiring the intern
    static=_static, month=_month,
    claim_months=lambda p: p["months"], person_contained=lambda p: True)

DECLARATIONS = (INTERNSHIP_SUBSIDY,)
