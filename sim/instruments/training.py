"""Training instruments: 职业培训补贴 with living allowance, follow-up fee and appraisal subsidy
(training_subsidy), and 技能提升补贴 (skill_upgrade_subsidy). Kernel rules: sim.kernels.pay
`_training_month`, `_training_completed`, `skill_upgrade`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import DISTRICTS, Declaration, fen, per_district
from sim.kernels import layout as L
from sim.params.instrument_schema import SKILL_LEVELS


def _training_static(m, k, p, run):
    m["training_certificate_required"][k] = p["certificate_required"]
    return 0, -1


def _training_month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(run, p["per_day"][t] * p["days"] + p["amount"][t])
    m["training_living_fen"][k] = per_district(run, p["living_allowance"][t])
    m["training_followup_fen"][k] = per_district(run, p["followup_fee"][t])
    m["training_appraisal_fen"][k] = fen(p["appraisal"][t])


TRAINING_SUBSIDY = Declaration(
    T.training_subsidy, "职业/创业培训补贴", situations=lambda p: (L.L_TRAINING,),
    fields=(("training_certificate_required", np.uint8),
            ("training_living_fen", np.int64, DISTRICTS),    # monthly living allowance in training
            ("training_followup_fen", np.int64, DISTRICTS),  # follow-up fee at completion
            ("training_appraisal_fen", np.int64)),             # appraisal subsidy with a certificate
    static=_training_static, month=_training_month)


def _skill_static(m, k, p, run):
    m["skill_min_ui_months"][k] = p["min_ui_months"]
    m["skill_max_per_year"][k] = p["max_per_year"]
    m["skill_recipients"][k] = p["ui_recipients"]
    return 0, -1


def _skill_month(m, k, p, t, run):
    m["skill_level_fen"][k] = fen([p["amount"][level] for level in SKILL_LEVELS])


SKILL_UPGRADE_SUBSIDY = Declaration(
    T.skill_upgrade_subsidy, "技能提升补贴", situations=lambda p: (L.L_SKILL,),
    fields=(("skill_min_ui_months", np.int64),         # UI contribution months required
            ("skill_max_per_year", np.int64),          # certificates paid per person and calendar year
            ("skill_recipients", np.uint8),            # UI recipients qualify without the insured months
            ("skill_level_fen", np.int64, L.N_SKILL_LEVELS)),   # amount by certificate level
    static=_skill_static, month=_skill_month)

DECLARATIONS = (TRAINING_SUBSIDY, SKILL_UPGRADE_SUBSIDY)
