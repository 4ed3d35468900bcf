"""Training instruments: 职业培训补贴 with living allowance, follow-up fee and appraisal subsidy
(training_subsidy), and 技能提升补贴 (skill_upgrade_subsidy). Kernel rules: sim.kernels.pay
`_training_month`, `_training_completed`, `skill_upgrade`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import DISTRICTS, Declaration, amount_field, fen, months_field, per_district
from sim.kernels import layout as L
from sim.schema import Field, Schema


def _training_static(m, k, p, run):
    m["training_certificate_required"][k] = p["certificate_required"]
    return 0, -1


def _training_month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(run, p["per_day"][t] * p["days"] + p["amount"][t])
    m["training_living_fen"][k] = per_district(run, p["living_allowance"][t])
    m["training_followup_fen"][k] = per_district(run, p["followup_fee"][t])
    m["training_appraisal_fen"][k] = fen(p["appraisal"][t])


SKILL_LEVELS = ("primary", "intermediate", "advanced")

TRAINING_SUBSIDY_PARAMETERS: Schema = {
    "per_day": amount_field("subsidy per training day (GYB 100, SYB 120, online 200 in seed 004 A1§(八))",
                             0.0, unit="yuan/day"),
    "days": Field("int", unit="days", min=0, max=365, default=0, description="days of the course"),
    "amount": amount_field("flat subsidy per completion (added to per_day × days)", name_zh="培训补贴"),
    "certificate_required": Field("bool", default=False,
                                  description="paid only when the trainee obtains a certificate"),
    "living_allowance": amount_field("monthly living allowance to the trainee while in training", 0.0,
                                      name_zh="生活费补贴"),
    "followup_fee": amount_field("one-time follow-up service fee to the provider per completer", 0.0,
                                  name_zh="跟踪服务费"),
    "appraisal": amount_field("skill-appraisal subsidy per certificate", 0.0, name_zh="鉴定补贴"),
}


TRAINING_SUBSIDY = Declaration(
    T.training_subsidy, "职业/创业培训补贴", schema=TRAINING_SUBSIDY_PARAMETERS, situations=lambda p: (L.L_TRAINING,),
    fields=(("training_certificate_required", np.uint8),
            ("training_living_fen", np.int64, DISTRICTS),    # monthly living allowance in training
            ("training_followup_fen", np.int64, DISTRICTS),  # follow-up fee at completion
            ("training_appraisal_fen", np.int64)),             # appraisal subsidy with a certificate
    static=_training_static, month=_training_month,
    person_contained=lambda p: True, shares_with=(L.L_SKILL,))   # a course it pays is not also 技能提升


def _skill_static(m, k, p, run):
    m["skill_min_ui_months"][k] = p["min_ui_months"]
    m["skill_max_per_year"][k] = p["max_per_year"]
    m["skill_recipients"][k] = p["ui_recipients"]
    return 0, -1


def _skill_month(m, k, p, t, run):
    m["skill_level_fen"][k] = fen([p["amount"][level] for level in SKILL_LEVELS])


SKILL_UPGRADE_SUBSIDY_PARAMETERS: Schema = {
    "amount": Field("table", unit="yuan", min=0.0, max=100_000.0, choices=SKILL_LEVELS,
                    default={"primary": 1000.0, "intermediate": 1500.0, "advanced": 2000.0}, name_zh="补贴标准",
                    description="amount by certificate level (DOMAIN_NOTES A32: 1000/1500/2000)"),
    "min_ui_months": months_field("UI contribution months required (DOMAIN_NOTES A32: ≥ 1 year)", 12, 0, 600),
    "max_per_year": Field("int", unit="subsidies", min=1, max=12, default=3,
                          description="per person and calendar year (DOMAIN_NOTES A32: ≤ 3)"),
    "ui_recipients": Field("bool", default=False,
                           description="persons drawing 失业保险金 qualify too (seed 004 M§21 「企业职工或领取失业保险金"
                                       "人员」), for a certificate from a course no training subsidy paid"),
}


SKILL_UPGRADE_SUBSIDY = Declaration(
    T.skill_upgrade_subsidy, "技能提升补贴", schema=SKILL_UPGRADE_SUBSIDY_PARAMETERS, situations=lambda p: (L.L_SKILL,),
    fields=(("skill_min_ui_months", np.int64),         # UI contribution months required
            ("skill_max_per_year", np.int64),          # certificates paid per person and calendar year
            ("skill_recipients", np.uint8),            # UI recipients qualify without the insured months
            ("skill_level_fen", np.int64, L.N_SKILL_LEVELS)),   # amount by certificate level
    static=_skill_static, month=_skill_month,
    person_contained=lambda p: True, shares_with=(L.L_SKILL,))   # certificates paid this year (upgrades)

DECLARATIONS = (TRAINING_SUBSIDY, SKILL_UPGRADE_SUBSIDY)
