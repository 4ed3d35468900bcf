"""Hiring instruments: 一次性吸纳就业补贴 (hiring_bonus), 社会保险补贴 for hires (hiring_si_subsidy) and
the tax credit (tax_credit, for hires or founders). Kernel rules: sim.kernels.pay `_employment_linked`
(and `_business` for the founders' tax credit)."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import Declaration, per_district
from sim.kernels.money import fen_array as fen
from sim.kernels import layout as L

HIRE = (L.L_EMPLOYMENT, L.L_HIRE_VALUE)


def _bonus_static(m, k, p, run):
    m["bonus_vesting_months"][k] = p["vesting_months"]
    m["bonus_min_contract_months"][k] = p["min_contract_months"]
    return p["vesting_months"], -1


def _bonus_month(m, k, p, t, run):
    m["ins_value"][k] = p["amount"][t]
    m["ins_amount_fen"][k] = per_district(run, p["amount"][t])


HIRING_BONUS = Declaration(
    T.hiring_bonus, "一次性吸纳就业补贴/扩岗补助/岗位补贴", situations=lambda p: HIRE,
    fields=(("bonus_vesting_months", np.int64),        # paid when the hire has lasted this many months
            ("bonus_min_contract_months", np.int64)),  # shorter fixed-term contracts do not qualify (0: any)
    static=_bonus_static, month=_bonus_month)


def _hire_si_static(m, k, p, run):
    near = int(round(p["to_retirement_within_years"] * 12))
    m["hire_si_max_months"][k] = p["max_months"]
    m["hire_si_near_retirement"][k] = near
    m["hire_si_rate"][k] = sum(run.si[line] for line in p["lines"])
    return p["max_months"], near


def _hire_si_month(m, k, p, t, run):
    m["hire_si_share"][k] = p["share"][t]
    floor = run.inputs.floor_yuan
    wage_base = min(max(floor, run.hire_multiple * float(run.min_wage.mean())), run.inputs.ceiling_yuan)
    at_floor = run.si["declared_base_at_floor_share"]      # the declared base, as expected
    base = at_floor * floor + (1 - at_floor) * wage_base
    m["ins_value"][k] = p["share"][t] * m["hire_si_rate"][k] * base * p["max_months"]


HIRING_SI_SUBSIDY = Declaration(
    T.hiring_si_subsidy, "企业社保补贴", situations=lambda p: HIRE,
    fields=(("hire_si_max_months", np.int64),
            ("hire_si_near_retirement", np.int64),     # paid on while this close to retirement (months)
            ("hire_si_rate", np.float64),              # employer contribution rate of the subsidised lines
            ("hire_si_share", np.float64)),            # share of those contributions subsidised
    static=_hire_si_static, month=_hire_si_month)


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


TAX_CREDIT = Declaration(
    T.tax_credit, "税收扣减", situations=lambda p: HIRE if p["applies_to"] == "hire" else (L.L_BUSINESS,),
    fields=(("tax_months", np.int64),                  # months of the hire or business credited
            ("tax_vintage_from", np.int64, TAX_VINTAGES),   # run month each vintage's amount applies from
            ("tax_vintage_fen", np.int64, TAX_VINTAGES)),   # monthly credit of hires made from then
    static=_tax_static, month=_tax_month)

DECLARATIONS = (HIRING_BONUS, HIRING_SI_SUBSIDY, TAX_CREDIT)
