"""Revenue forgone and income support: 社保费减免 (contribution_relief) and 低保渐退 (dibao_taper).
Kernel rules: sim.kernels.pay `relief`, `_employment_linked`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, amount
from sim.kernels import layout as L


def _relief_month(m, k, p, t, run):
    share = p["share"][t]
    m["relief_rate"][k] = share * sum(run.si[line] for line in p["lines"])
    m["relief_ui_rate"][k] = share * run.si["ui_employer"] if "ui_employer" in p["lines"] else 0.0


CONTRIBUTION_RELIEF = Declaration(
    T.contribution_relief, "社保费减免", situations=lambda p: (L.L_RELIEF,),
    fields=(("relief_rate", np.float64),               # contribution rate relieved (all its lines)
            ("relief_ui_rate", np.float64)),           # of which UI: the fund's revenue falls by it
    month=_relief_month)


def _dibao_static(m, k, p, run):
    m["dibao_months"][k] = p["months"]
    return p["months"], -1


DIBAO_TAPER = Declaration(
    T.dibao_taper, "低保渐退", situations=lambda p: (L.L_EMPLOYMENT,),
    fields=(("dibao_months", np.int64),),              # months 低保 continues after taking a job
    static=_dibao_static, month=amount(lambda p, t: p["amount"][t]),
    once_per_person=lambda p: p["first_time_only"])

DECLARATIONS = (CONTRIBUTION_RELIEF, DIBAO_TAPER)
