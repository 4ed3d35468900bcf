"""Pack validated parameters into the flat arrays the kernels read (once, before the month loop)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.codes import GroupFlag, InstrumentType
from sim.kernels import layout as L
from sim.params.behaviour_schema import (BEHAVIOUR_AGE_BANDS, DISABILITY_KEYS, REGISTRATION_KEYS,
                                         SPELL_BANDS)
from sim.params.profile_schema import (EDUCATION_KEYS, HUKOU_KEYS, SI_LINES, SIZE_KEYS, SKILL_KEYS,
                                       minimum_wage_by_month)
from sim.params.months import by_month_array, month_number
from sim.population.synthetic import wage_noise


@dataclass
class KernelInputs:
    beh: np.ndarray                  # float64[N_BEH]
    mult: np.ndarray                 # float64[N_MULT, MULT_WIDTH]
    difficulty_any_of: int
    wage_noise: np.ndarray
    edu_premium: np.ndarray
    size_thresholds: np.ndarray
    min_wage: np.ndarray             # int32[month, district]
    floor_yuan: float
    ceiling_yuan: float
    rates: dict                      # social-insurance line (SI_LINES) -> float64[month]
    ui_rate: np.ndarray              # float64[month]: UI, employer + employee
    si_rate: np.ndarray              # float64[month]: all lines, employer + employee
    changes: np.ndarray              # bool[month]: rates or minimum wage differ from the month before
    public_job_posts: float          # simulated persons
    lpr: np.ndarray                  # float64[months], percent


def _table(row: np.ndarray, values: dict, keys: tuple[str, ...]) -> None:
    for k, key in enumerate(keys):
        row[k] = values[key]


def behaviour_vector(behaviour: dict, profile: dict) -> np.ndarray:
    b = behaviour
    beh = np.zeros(L.N_BEH, np.float64)
    sep = b["separation"]
    beh[L.SEP_BASE] = sep["base"]
    beh[L.SEP_INVOLUNTARY_SHARE] = sep["involuntary_share"]
    beh[L.SEP_TO_UNEMPLOYED] = sep["voluntary_destinations"]["unemployed"]
    beh[L.SEP_TO_INACTIVE] = sep["voluntary_destinations"]["inactive"]
    beh[L.SEP_SHORT_TENURE] = sep["short_tenure_multiplier"]
    beh[L.SEP_AWAY_BASE] = sep["away_base"]
    reg = b["registration"]
    beh[L.REG_INVOLUNTARY], beh[L.REG_OTHER], beh[L.REG_LATE] = reg["involuntary_eligible"], reg["other"], reg["late"]
    jf = b["job_finding"]
    beh[L.JF_BASE] = jf["base"]
    beh[L.JF_UI_RECEIPT] = jf["ui_receipt_multiplier"]
    beh[L.JF_UI_EXHAUSTION] = jf["ui_exhaustion_multiplier"]
    beh[L.JF_AWAY_RURAL] = jf["away_share_rural"]
    beh[L.JF_AWAY_PROVINCE] = jf["away_cross_province_share"]
    beh[L.JF_REPLACEMENT] = jf["replacement_share"]
    beh[L.CT_ONE_YEAR] = jf["contract_shares"]["one_year"]
    beh[L.CT_THREE_YEARS] = jf["contract_shares"]["three_years"]
    ex = b["unemployed_exits"]
    beh[L.EX_TRAINING], beh[L.EX_INTERNSHIP] = ex["to_training"], ex["to_internship"]
    beh[L.EX_SELF_EMPLOYMENT], beh[L.EX_FLEXIBLE] = ex["to_self_employment"], ex["to_flexible"]
    beh[L.EX_PUBLIC_JOB], beh[L.EX_INACTIVE] = ex["to_public_job"], ex["to_inactive"]
    tr = b["training"]
    beh[L.TR_END] = 1.0 / tr["mean_months"]
    beh[L.TR_CERTIFICATE] = tr["certificate_probability"]
    beh[L.TR_BOOST], beh[L.TR_BOOST_LAG], beh[L.TR_BOOST_MONTHS] = (tr["job_finding_boost"], tr["boost_lag_months"],
                                                                  tr["boost_months"])
    beh[L.IN_MONTHS], beh[L.IN_RETAIN] = b["internship"]["months"], b["internship"]["retention_probability"]
    se = b["self_employment"]
    beh[L.SE_FAIL_Y1:L.SE_FAIL_Y4 + 1] = se["failure_by_year"]
    beh[L.SE_TO_EMPLOYED] = se["to_employed"]
    fl = b["flexible"]
    beh[L.FL_TO_EMPLOYED], beh[L.FL_TO_UNEMPLOYED], beh[L.FL_TO_INACTIVE] = (fl["to_employed"], fl["to_unemployed"],
                                                                           fl["to_inactive"])
    beh[L.PJ_TO_EMPLOYED], beh[L.PJ_MAX_MONTHS] = b["public_job"]["to_employed"], b["public_job"]["max_months"]
    ia = b["inactive"]
    beh[L.IA_TO_UNEMPLOYED], beh[L.IA_TO_EMPLOYED], beh[L.IA_FROM_LONG] = (ia["to_unemployed"], ia["to_employed"],
                                                                         ia["from_unemployed_long"])
    dest = b["graduates"]["destinations"]
    beh[L.GR_EMPLOYED], beh[L.GR_INTERN] = dest["employed"], dest["intern"]
    beh[L.GR_UNEMPLOYED], beh[L.GR_FURTHER_STUDY] = dest["unemployed"], dest["further_study"]
    beh[L.GR_JF_MULT] = b["graduates"]["job_finding_multiplier"]
    groups = profile["groups"]
    beh[L.P4050_WOMEN_MONTHS] = groups["p4050_women_age"] * 12
    beh[L.P4050_MEN_MONTHS] = groups["p4050_men_age"] * 12
    beh[L.FIRM_BIRTH] = b["firms"]["birth_probability"]
    beh[L.FIRM_VACANCY_RATE] = b["firms"]["vacancy_rate"]
    beh[L.IN_EARLY_HIRE] = b["internship"]["early_hire"]
    beh[L.SE_AGRICULTURE] = se["agriculture_share"]
    beh[L.SK_EMPLOYED_RATE] = b["skills"]["employed_certificate_rate"]
    beh[L.CERTIFY_RATE] = b["certification"]["monthly_probability"]
    responses = b["responses"]
    if responses["enabled"]:                  # off: no hazard depends on any instrument (static costing)
        beh[L.RESP_HIRE_ELASTICITY] = responses["hiring_subsidy_elasticity"]
        beh[L.RESP_REFUND_LAYOFF] = responses["refund_layoff_reduction"]
        beh[L.RESP_STARTUP_ENTRY] = responses["startup_entry_effect"]
        beh[L.RESP_STARTUP_SURVIVAL] = responses["startup_survival_effect"]
    if not (responses["enabled"] and responses["ui_benefit_response"]):
        beh[L.JF_UI_RECEIPT] = beh[L.JF_UI_EXHAUSTION] = 1.0
    return beh


def multiplier_tables(behaviour: dict) -> np.ndarray:
    mult = np.zeros((L.N_MULT, L.MULT_WIDTH), np.float64)
    sep, jf, firms = behaviour["separation"], behaviour["job_finding"], behaviour["firms"]
    _table(mult[L.M_SEP_AGE], sep["age_multiplier"], BEHAVIOUR_AGE_BANDS)
    _table(mult[L.M_SEP_SIZE], sep["size_multiplier"], SIZE_KEYS)
    _table(mult[L.M_JF_AGE], jf["age_multiplier"], BEHAVIOUR_AGE_BANDS)
    _table(mult[L.M_JF_EDU], jf["education_multiplier"], EDUCATION_KEYS)
    _table(mult[L.M_JF_SPELL], jf["spell_multiplier"], SPELL_BANDS)
    _table(mult[L.M_JF_SKILL], jf["skill_multiplier"], SKILL_KEYS)
    _table(mult[L.M_JF_DISABILITY], jf["disability_multiplier"], DISABILITY_KEYS)
    _table(mult[L.M_JF_REGISTRATION], jf["registration_multiplier"], REGISTRATION_KEYS)
    _table(mult[L.M_JF_HUKOU], jf["hukou_multiplier"], HUKOU_KEYS)
    _table(mult[L.M_FIRM_EXIT], firms["exit_by_size"], SIZE_KEYS)
    _table(mult[L.M_FIRM_NEW_VACANCIES], firms["new_firm_vacancies"], SIZE_KEYS)
    _table(mult[L.M_FIRM_PARTIAL_CLOSURE], {k: float(k in firms["partial_closure_sizes"]) for k in SIZE_KEYS},
           SIZE_KEYS)
    return mult


def kernel_inputs(profile: dict, behaviour: dict, *, start: str, months: int, persons: int) -> KernelInputs:
    si, wages = profile["social_insurance"], profile["wages"]
    districts = tuple(profile["districts"]["population_share"])
    average_month = wages["provincial_average_wage"] / 12
    difficulty = 0
    for name in profile["groups"]["difficulty_any_of"]:
        difficulty |= int(GroupFlag[name])
    # the rules of each month of the run (from the warm-up's first month when there is one)
    rates = {line: _series(si[line], start, months) for line in SI_LINES}
    wages_by_month = minimum_wage_by_month(profile)
    min_wage = np.stack([_series({month: table[d] for month, table in wages_by_month.items()}, start, months)
                         for d in districts], axis=1).astype(np.int32)
    changes = np.zeros(months, bool)
    changes[1:] = (np.diff(min_wage, axis=0) != 0).any(axis=1)
    for series in rates.values():
        changes[1:] |= np.diff(series) != 0
    return KernelInputs(
        beh=behaviour_vector(behaviour, profile),
        mult=multiplier_tables(behaviour),
        difficulty_any_of=difficulty,
        wage_noise=wage_noise(wages["dispersion_sigma"]),
        edu_premium=np.array([wages["education_premium"][k] for k in EDUCATION_KEYS], np.float64),
        size_thresholds=np.array(profile["firms"]["size_thresholds"], np.float64),
        min_wage=min_wage,
        floor_yuan=si["base_floor_share"] * average_month,
        ceiling_yuan=si["base_ceiling_share"] * average_month,
        rates=rates,
        ui_rate=rates["ui_employer"] + rates["ui_employee"],
        si_rate=sum(rates[line] for line in SI_LINES),
        changes=changes,
        public_job_posts=behaviour["public_job"]["posts_share"] * persons,
        lpr=_series(profile["finance"]["lpr_1y"], start, months),
    )


def _series(value, start: str, months: int) -> np.ndarray:
    """A profile value by effective month as one value per run month; before its first effective
    month a series holds its earliest value (profile series describe the past, not a default)."""
    earliest = value[min(value, key=month_number)] if isinstance(value, dict) else value
    return by_month_array(value, earliest, start, months)


def ui_instrument(instruments) -> object | None:
    """The enabled ui_benefit instrument (at most one is allowed), or None."""
    found = [ins for ins in instruments if ins.enabled and ins.type == InstrumentType.ui_benefit]
    return found[0] if found else None
