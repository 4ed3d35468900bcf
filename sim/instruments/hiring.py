"""Hiring instruments: 一次性吸纳就业补贴 (hiring_bonus), 社会保险补贴 for hires (hiring_si_subsidy) and
the tax credit (tax_credit, for hires or founders). Kernel rules: sim.kernels.pay `_employment_linked`
(and `_business` for the founders' tax credit)."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, SI_EMPLOYER_LINES, amount_field, months_field, per_district, \
    share_field, sizes_field, to_retirement_field
from sim.kernels import layout as L
from sim.kernels.money import fen_array as fen
from sim.schema import Field, Schema

HIRE = (L.L_EMPLOYMENT, L.L_HIRE_VALUE)


def _bonus_static(m, k, p, run):
    m["bonus_vesting_months"][k] = p["vesting_months"]
    m["bonus_min_contract_months"][k] = p["min_contract_months"]
    return p["vesting_months"], -1


def _bonus_month(m, k, p, t, run):
    m["ins_value"][k] = p["amount"][t]
    m["ins_amount_fen"][k] = per_district(run, p["amount"][t])


HIRING_BONUS_PARAMETERS: Schema = {
    "amount": amount_field("one-time amount per qualifying hire", name_zh="补贴标准"),
    "vesting_months": months_field("months the hire must stay employed with contributions paid before the "
                                    "bonus is paid (paid in the month this is reached; 0 = in the hire month)",
                                    0, 0, 60),
    "min_contract_months": months_field("minimum labour-contract length of the hire (open-ended contracts "
                                         "qualify); 0 = any", 0, 0, 120),
    "firm_sizes": sizes_field(),
    "once_per_person": Field("bool", default=False,
                             description="paid for a person's first qualifying hire only (a re-hire of the same "
                                         "person is not paid again, DOMAIN_NOTES A20: 一次性扩岗补助 one firm per "
                                         "person); false: every qualifying hire"),
}


HIRING_BONUS = Declaration(
    T.hiring_bonus, "一次性吸纳就业补贴/扩岗补助/岗位补贴", schema=HIRING_BONUS_PARAMETERS, situations=lambda p: HIRE,
    fields=(("bonus_vesting_months", np.int64),        # paid when the hire has lasted this many months
            ("bonus_min_contract_months", np.int64)),  # shorter fixed-term contracts do not qualify (0: any)
    static=_bonus_static, month=_bonus_month, once_per_person=lambda p: p["once_per_person"],
    person_contained=lambda p: True)


def _hire_si_static(m, k, p, run):
    near = int(round(p["to_retirement_within_years"] * 12))
    m["hire_si_max_months"][k] = p["max_months"]
    m["hire_si_near_retirement"][k] = near
    return p["max_months"], near


def _hire_si_month(m, k, p, t, run):
    # the rates in force this month: a hire's subsidy follows the contributions the employer owes each month
    m["hire_si_rate"][k] = sum(run.rates[line][t] for line in p["lines"])
    m["hire_si_share"][k] = p["share"][t]
    floor = run.inputs.floor_yuan
    wage_base = min(max(floor, run.hire_multiple * float(run.min_wage[t].mean())), run.inputs.ceiling_yuan)
    at_floor = run.at_floor                                # the declared base, as expected
    base = at_floor * floor + (1 - at_floor) * wage_base
    m["ins_value"][k] = p["share"][t] * m["hire_si_rate"][k] * base * p["max_months"]


HIRING_SI_SUBSIDY_PARAMETERS: Schema = {
    "share": share_field("share of the employer's contributions (lines below) at the hire's contribution base "
                          "that is subsidised; default 1: the employer share (DOMAIN_NOTES A24)", 1.0,
                          name_zh="补贴比例"),
    "lines": Field("choice_list", choices=SI_EMPLOYER_LINES,
                   default=["pension_employer", "medical_employer", "ui_employer"],
                   description="employer contribution lines covered (DOMAIN_NOTES A24: pension, medical, UI)"),
    "max_months": months_field("months per hire (DOMAIN_NOTES A24: ≤ 3 years)", 36, 1, 600),
    "to_retirement_within_years": to_retirement_field("hires with fewer years than this to statutory retirement at "
                                                      "the hire", "DOMAIN_NOTES A24"),
    "firm_sizes": sizes_field(),
    "once_per_person": Field("bool", default=False,
                             description="paid for one hire of a person only (the hire it is first paid for, "
                                         "through its months); false: every qualifying hire"),
}


HIRING_SI_SUBSIDY = Declaration(
    T.hiring_si_subsidy, "企业社保补贴", schema=HIRING_SI_SUBSIDY_PARAMETERS, situations=lambda p: HIRE,
    fields=(("hire_si_max_months", np.int64),
            ("hire_si_near_retirement", np.int64),     # paid on while this close to retirement (months)
            ("hire_si_rate", np.float64),              # employer contribution rate of the subsidised lines
            ("hire_si_share", np.float64)),            # share of those contributions subsidised
    static=_hire_si_static, month=_hire_si_month, claim_months=lambda p: p["max_months"],
    once_per_person=lambda p: p["once_per_person"], person_contained=lambda p: True)


TAX_VINTAGES = 8        # amounts a tax credit can change through in one run (effective months)
LATER = np.iinfo(np.int64).max   # vintage slot not used


def _tax_static(m, k, p, run):
    """The credit a hire or business keeps for its whole period is the one in force in its first month
    (财税〔2019〕22号 lets credits granted under 财税〔2017〕49号 run on to their end, recalled): one
    monthly amount per vintage, from the run month its effective month begins."""
    months = int(round(p["max_years"] * 12))
    m["tax_months"][k] = months
    monthly = fen(np.asarray(p["per_year"]) * np.asarray(p["usable_share"]) / 12)
    begins = [0] + [t for t in range(1, len(monthly)) if monthly[t] != monthly[t - 1]]
    if len(begins) > TAX_VINTAGES:
        raise ValueError(f"tax_credit: per_year × usable_share changes {len(begins) - 1} times in the run; "
                         f"at most {TAX_VINTAGES - 1} effective months are supported")
    m["tax_vintage_from"][k] = LATER
    m["tax_vintage_from"][k, :len(begins)] = begins
    m["tax_vintage_fen"][k, :len(begins)] = monthly[begins]
    return months, -1


def _tax_month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(run, p["per_year"][t] * p["usable_share"][t] / 12)
    if p["applies_to"] == "hire":
        m["ins_value"][k] = p["per_year"][t] * p["usable_share"][t] * p["max_years"]


TAX_CREDIT_PARAMETERS: Schema = {
    "per_year": amount_field("credit per person and year (DOMAIN_NOTES A23: 7,800)", name_zh="扣减限额"),
    "max_years": Field("float", unit="years", min=0.0, max=10.0, default=3.0, description="years per person"),
    "applies_to": Field("enum", choices=("hire", "business"), default="hire",
                        description="hire: the employer of a qualifying hire; business: a qualifying founder"),
    "usable_share": share_field("share of the credit that firms can use against tax owed; assumption: 1", 1.0),
    "firm_sizes": sizes_field(),
}


TAX_CREDIT = Declaration(
    T.tax_credit, "税收扣减", schema=TAX_CREDIT_PARAMETERS,
    situations=lambda p: HIRE if p["applies_to"] == "hire" else (L.L_BUSINESS,),
    fields=(("tax_months", np.int64),                  # months of the hire or business credited
            ("tax_vintage_from", np.int64, TAX_VINTAGES),   # run month each vintage's amount applies from
            ("tax_vintage_fen", np.int64, TAX_VINTAGES)),   # monthly credit of hires made from then
    static=_tax_static, month=_tax_month,
    claim_months=lambda p: int(round(p["max_years"] * 12)), person_contained=lambda p: True)

DECLARATIONS = (HIRING_BONUS, HIRING_SI_SUBSIDY, TAX_CREDIT)
