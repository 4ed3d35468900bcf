"""Revenue forgone and income support: 社保费减免 (contribution_relief) and 低保渐退 (dibao_taper).
Kernel rules: sim.kernels.pay `relief`, `_employment_linked`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, SI_EMPLOYER_LINES, amount, amount_field, months_field, \
    share_field, sizes_field
from sim.kernels import layout as L
from sim.schema import Field, Schema


def _relief_month(m, k, p, t, run):
    share = p["share"][t]
    m["relief_rate"][k] = share * sum(run.rates[line][t] for line in p["lines"])
    m["relief_ui_rate"][k] = share * run.rates["ui_employer"][t] if "ui_employer" in p["lines"] else 0.0


CONTRIBUTION_RELIEF_PARAMETERS: Schema = {
    "lines": Field("choice_list", choices=SI_EMPLOYER_LINES, default=list(SI_EMPLOYER_LINES),
                   description="employer contribution lines relieved"),
    "share": share_field("share of those contributions waived (1 = 免征, 0.5 = 减半)", 1.0, name_zh="减免比例"),
    "firm_sizes": sizes_field(),
}


CONTRIBUTION_RELIEF = Declaration(
    T.contribution_relief, "社保费减免", schema=CONTRIBUTION_RELIEF_PARAMETERS, situations=lambda p: (L.L_RELIEF,),
    fields=(("relief_rate", np.float64),               # contribution rate relieved (all its lines)
            ("relief_ui_rate", np.float64)),           # of which UI: the fund's revenue falls by it
    month=_relief_month)


def _dibao_static(m, k, p, run):
    m["dibao_months"][k] = p["months"]
    return p["months"], -1


DIBAO_TAPER_PARAMETERS: Schema = {
    "amount": amount_field("monthly amount per household while it continues", name_zh="渐退标准"),
    "months": months_field("months after entry into employment (seed 003 §(十六): 6)", 6, 1, 60),
    "first_time_only": Field("bool", default=False,
                             description="only after the person's first entry into employment or business in "
                                         "the run (首次实现就业, seed 003 §(十七)¶2); false: after every entry"),
}


DIBAO_TAPER = Declaration(
    T.dibao_taper, "低保渐退", schema=DIBAO_TAPER_PARAMETERS, situations=lambda p: (L.L_EMPLOYMENT,),
    fields=(("dibao_months", np.int64),),              # months 低保 continues after taking a job
    static=_dibao_static, month=amount(lambda p, t: p["amount"][t]),
    claim_months=lambda p: p["months"],
    once_per_person=lambda p: p["first_time_only"], person_contained=lambda p: True)

DECLARATIONS = (CONTRIBUTION_RELIEF, DIBAO_TAPER)
