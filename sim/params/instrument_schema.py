"""Type-specific parameters of every instrument type except ui_benefit (DESIGN §6).

Semantics of each type are documented in docs/instruments.md; the kernels are in sim/kernels/pay.py
(persons) and sim/instruments/ (the declarations that pack these parameters for the kernels, and 稳岗返还
and the other aggregate types). Defaults that are
not plain bookkeeping name their source (DOMAIN_NOTES row or `assumption:`); a scenario that relies on
a default for a number its seed leaves open (按规定) says so in its own `source`.
"""
from __future__ import annotations

from typing import Any

from sim.params.schema import CHECKS, Field, Schema

F = Field
SIZES = ("micro", "small", "medium", "large")
SI_EMPLOYER_LINES = ("pension_employer", "medical_employer", "ui_employer", "injury_employer")
SKILL_LEVELS = ("primary", "intermediate", "advanced")
ALLOWANCE_EVENTS = ("graduating", "employed_away", "employed", "business_start")


def _sizes(default=SIZES, what="firms") -> Field:
    return F("choice_list", choices=SIZES, default=list(default),
             description=f"size classes of the {what} that qualify (工信部联企业〔2011〕300号 on insured "
                         "headcount); default: all")


def _amount(description: str, default: Any = 0.0, name_zh: str = "", unit: str = "yuan") -> Field:
    return F("float", unit=unit, min=0.0, max=100_000_000.0, default=default, by_month=True,
             description=description, name_zh=name_zh)


def _months(description: str, default: int, lo: int = 0, hi: int = 600) -> Field:
    return F("int", unit="months", min=lo, max=hi, default=default, description=description)


def _share(description: str, default: float | Any, by_month: bool = True, name_zh: str = "") -> Field:
    return F("float", unit="share", min=0.0, max=1.0, default=default, by_month=by_month,
             description=description, name_zh=name_zh)


def _to_retirement(who: str, source: str) -> Field:
    return F("float", unit="years", min=0.0, max=20.0, default=5.0,
             description=f"{who} are subsidised until retirement ({source})")


def _tiers_increasing(values: dict[str, Any]) -> list[tuple[str, Any, str]]:
    tiers = values.get("tiers", [])
    if any(b[0] <= a[0] for a, b in zip(tiers, tiers[1:])):
        return [("tiers", tiers, "placement thresholds (the x of each pair) must increase")]
    return []


STABILIZATION_REFUND: Schema = {
    "basis": F("enum", choices=("ui_contributions", "ui_benefit_months", "si_contribution_months"),
               default="ui_contributions",
               description="ui_contributions: share × last year's UI contributions (firm + staff); "
                           "ui_benefit_months: benefit_months × the average monthly UI benefit × average "
                           "insured staff; si_contribution_months: share × contribution_months × the "
                           "average month of all SI contributions (firm + staff) last year"),
    "share": F("table", unit="share", min=0.0, max=1.0, choices=("sme", "large"),
               default={"sme": 0.6, "large": 0.3}, name_zh="返还比例",
               description="refund share by size class (sme = micro, small and medium); default 60/30: "
                           "人社部发〔2024〕40号 (DOMAIN_NOTES A8, A9)"),
    "benefit_months": F("float", unit="months", min=0.0, max=24.0, default=6.0,
                        description="months of UI benefit per insured worker (basis ui_benefit_months); "
                                    "DOMAIN_NOTES A2, A3"),
    "contribution_months": F("float", unit="months", min=0.0, max=24.0, default=3.0,
                             description="months of SI contributions (basis si_contribution_months); "
                                         "DOMAIN_NOTES A3"),
    "pay_month": F("int", unit="calendar month", min=1, max=12, default=6,
                   description="calendar month of the yearly payment; assumption: June (DOMAIN_NOTES: "
                               "one month in Q2–Q4)"),
    "layoff_rate_max": F("float", unit="rate", min=0.0, max=1.0, default=0.055, by_month=True,
                         description="last year's layoff rate (involuntary separations ÷ average insured "
                                     "staff) must not exceed this; 5.5 % national surveyed-unemployment "
                                     "target (DOMAIN_NOTES A4)"),
    "small_firm_insured_max": F("int", unit="insured staff", min=0, max=100_000, default=30,
                                description="firms with at most this many insured staff use the small-firm "
                                            "layoff limit (DOMAIN_NOTES A4)"),
    "small_firm_layoff_rate_max": F("float", unit="rate", min=0.0, max=1.0, default=0.20,
                                    description="layoff-rate limit of small firms (DOMAIN_NOTES A4)"),
    "min_contribution_months": _months("months the firm has paid contributions (DOMAIN_NOTES A1, A9: ≥ 12)",
                                       12),
    "min_fund_months": F("float", unit="months", min=0.0, max=600.0, default=12.0,
                         description="备付 gate: paid only if the UI fund's months of cover at the end of the "
                                     "previous month reach this (DOMAIN_NOTES A1, A6: ≥ 1 year)"),
    "difficult_firm_share": F("float", unit="share of firms", min=0.0, max=1.0, default=1.0,
                              name_zh="困难企业占比",
                              description="share of the firms passing the other tests that the variant "
                                          "targets, e.g. firms in temporary difficulty (面临暂时性生产经营困难, "
                                          "DOMAIN_NOTES A2): drawn per firm and pay month, apart from the "
                                          "take-up draw; 1 = every firm (the regular refund)"),
    "firm_sizes": _sizes(),
}

HIRING_BONUS: Schema = {
    "amount": _amount("one-time amount per qualifying hire", name_zh="补贴标准"),
    "vesting_months": _months("months the hire must stay employed with contributions paid before the "
                              "bonus is paid (paid in the month this is reached; 0 = in the hire month)",
                              0, 0, 60),
    "min_contract_months": _months("minimum labour-contract length of the hire (open-ended contracts "
                                   "qualify); 0 = any", 0, 0, 120),
    "firm_sizes": _sizes(),
}

HIRING_SI_SUBSIDY: Schema = {
    "share": _share("share of the employer's contributions (lines below) at the hire's contribution base "
                    "that is subsidised; default 1: the employer share (DOMAIN_NOTES A24)", 1.0,
                    name_zh="补贴比例"),
    "lines": F("choice_list", choices=SI_EMPLOYER_LINES,
               default=["pension_employer", "medical_employer", "ui_employer"],
               description="employer contribution lines covered (DOMAIN_NOTES A24: pension, medical, UI)"),
    "max_months": _months("months per hire (DOMAIN_NOTES A24: ≤ 3 years)", 36, 1, 600),
    "to_retirement_within_years": _to_retirement("hires with fewer years than this to statutory retirement at "
                                                 "the hire", "DOMAIN_NOTES A24"),
    "firm_sizes": _sizes(),
}

FLEXIBLE_SI_SUBSIDY: Schema = {
    "share": _share("share of the contribution subsidised (DOMAIN_NOTES A25: ≤ 2/3)", 2 / 3, name_zh="补贴比例"),
    "base_share": F("float", unit="share of average wage", min=0.0, max=3.0, default=0.6, by_month=True,
                    description="contribution base as a share of the provincial average wage (0.6 = the "
                                "minimum base, DOMAIN_NOTES A26; 1.0 = 100 %)"),
    "contribution_rate": F("float", unit="rate", min=0.0, max=1.0, default=0.20, by_month=True,
                           description="rate of the contributions covered: assumption: 20 % (flexible "
                                       "workers' pension rate, 国发〔2005〕38号); add the medical rate when "
                                       "the text covers medical insurance too"),
    "max_months": _months("months per person (DOMAIN_NOTES A25: 3 years; graduates 2 years)", 36, 1, 255),
    "to_retirement_within_years": _to_retirement("persons with fewer years than this to statutory retirement "
                                                 "(checked each month, beyond max_months)", "DOMAIN_NOTES A25"),
    "extension_months": _months("extra months for persons still in an `extension_target` group when "
                                "max_months runs out (DOMAIN_NOTES A25: +1 year)", 0, 0, 120),
    "extension_target": F("flags", default=[], description="groups that get the extension"),
}

STARTUP_GRANT: Schema = {
    "amount": _amount("one-time grant", name_zh="补贴标准"),
    "operating_months": _months("business age at which it is paid (the business must still operate)", 12,
                                0, 120),
    "sector": F("enum", choices=("any", "agriculture", "non_agriculture"), default="any",
                description="businesses of this sector only (agriculture share: behaviour "
                            "self_employment.agriculture_share)"),
    "first_time_only": F("bool", default=True, description="only first-time founders (首次创业)"),
}

RENT_SUBSIDY: Schema = {
    "cap_month": _amount("monthly cap: pays min(rent, cap)", name_zh="月补贴上限"),
    "typical_rent": _amount("monthly rent of a founder's premises; assumption: 800 yuan", 800.0),
    "renting_share": _share("share of founders who rent premises; assumption: 0.5", 0.5, by_month=False),
    "start_after_months": _months("months of operation before the first payment", 0, 0, 120),
    "max_months": _months("months paid", 36, 1, 255),
    "first_time_only": F("bool", default=True, description="only first-time founders"),
}

GUARANTEED_LOAN: Schema = {
    "limit": _amount("maximum principal per borrower (DOMAIN_NOTES A27)", 200_000.0, name_zh="贷款额度"),
    "min_share_of_limit": _share("loans are drawn uniformly between this share of the limit and the limit; "
                                 "assumption: 0.5 (mean 75 % of the limit)", 0.5, by_month=False),
    "term_months": _months("term (DOMAIN_NOTES A28: individuals ≤ 3 years)", 36, 1, 120),
    "spread_bp": F("float", unit="basis points", min=-500.0, max=1000.0, default=50.0, by_month=True,
                   description="lending rate = 1-year LPR + spread (DOMAIN_NOTES A29: LPR + 50 bp)"),
    "subsidy_rule": F("enum", choices=("lpr_minus", "share"), default="lpr_minus",
                      description="lpr_minus: the borrower pays LPR − borrower_discount_bp, the budget the "
                                  "rest (DOMAIN_NOTES A30); share: the budget pays subsidy_share of the interest"),
    "borrower_discount_bp": F("float", unit="basis points", min=0.0, max=1000.0, default=150.0, by_month=True,
                              description="DOMAIN_NOTES A30: borrower pays ≤ LPR − 150 bp"),
    "subsidy_share": _share("share of interest subsidised (subsidy_rule = share)", 0.5),
    "deferral_share": _share("share of loans extended at term end (展期), without interest subsidy; "
                             "assumption: 0.1", 0.1, by_month=False),
    "deferral_months": _months("length of an extension (seed 004: ≤ 1 year)", 12, 0, 60),
    "default_share": _share("share of businesses failing with a loan outstanding that default; assumption: "
                            "0.3 (DOMAIN_NOTES B12 gives no rate)", 0.3, by_month=False),
    "compensation_share": _share("share of a defaulted principal the guarantee fund pays (代偿); assumption: "
                                 "0.8", 0.8, by_month=False),
    "guarantee_fund_yuan": F("float", unit="yuan", min=0.0, max=1e12, default=0.0,
                             description="guarantee-fund capital; 0 = new lending unlimited"),
    "leverage": F("float", unit="× fund", min=0.0, max=100.0, default=5.0,
                  description="outstanding principal ≤ leverage × fund (DOMAIN_NOTES A31: 5×)"),
}

TRAINING_SUBSIDY: Schema = {
    "per_day": _amount("subsidy per training day (GYB 100, SYB 120, online 200 in seed 004 A1§(八))",
                       0.0, unit="yuan/day"),
    "days": F("int", unit="days", min=0, max=365, default=0, description="days of the course"),
    "amount": _amount("flat subsidy per completion (added to per_day × days)", name_zh="培训补贴"),
    "certificate_required": F("bool", default=False,
                              description="paid only when the trainee obtains a certificate"),
    "living_allowance": _amount("monthly living allowance to the trainee while in training", 0.0,
                                name_zh="生活费补贴"),
    "followup_fee": _amount("one-time follow-up service fee to the provider per completer", 0.0,
                            name_zh="跟踪服务费"),
    "appraisal": _amount("skill-appraisal subsidy per certificate", 0.0, name_zh="鉴定补贴"),
}

SKILL_UPGRADE_SUBSIDY: Schema = {
    "amount": F("table", unit="yuan", min=0.0, max=100_000.0, choices=SKILL_LEVELS,
                default={"primary": 1000.0, "intermediate": 1500.0, "advanced": 2000.0}, name_zh="补贴标准",
                description="amount by certificate level (DOMAIN_NOTES A32: 1000/1500/2000)"),
    "min_ui_months": _months("UI contribution months required (DOMAIN_NOTES A32: ≥ 1 year)", 12, 0, 600),
    "max_per_year": F("int", unit="subsidies", min=1, max=12, default=3,
                      description="per person and calendar year (DOMAIN_NOTES A32: ≤ 3)"),
}

INTERNSHIP_SUBSIDY: Schema = {
    "allowance_share": F("float", unit="share of minimum wage", min=0.0, max=3.0, default=0.6, by_month=True,
                         description="monthly subsidy to the host per intern; assumption: 60 % "
                                     "(DOMAIN_NOTES A35: 50–80 %)", name_zh="见习补贴"),
    "high_retention_share": F("float", unit="share of minimum wage", min=0.0, max=3.0, default=0.8,
                              by_month=True, description="the rate when last year's retention reached "
                                                         "high_retention_rate (DOMAIN_NOTES A35)"),
    "high_retention_rate": _share("retention rate that earns the higher rate", 0.5, by_month=False),
    "months": _months("subsidised months per intern (DOMAIN_NOTES A35: 3–12)", 12, 1, 24),
    "retention_bonus": _amount("one-time bonus to the host per intern it hires", 0.0, name_zh="留用奖补"),
    "remaining_period": F("bool", default=False,
                          description="an intern hired before the end: the host receives the remaining "
                                      "months' subsidy at once (004 A1§(十))"),
}

PUBLIC_JOB: Schema = {
    "post_subsidy_share": F("float", unit="share of minimum wage", min=0.0, max=3.0, default=1.0,
                            by_month=True, name_zh="岗位补贴",
                            description="monthly post subsidy (DOMAIN_NOTES A36: 60–100 % of minimum wage)"),
    "si_subsidy_share": _share("share of the employer's contributions at the floor base that is subsidised "
                               "(DOMAIN_NOTES A36)", 1.0),
    "max_months": _months("months per person (DOMAIN_NOTES A36: ≤ 3 years)", 36, 1, 600),
    "extension_months": _months("extra months for `extension_target` groups", 0, 0, 120),
    "extension_target": F("flags", default=[], description="groups that get the extension"),
    "max_placements": F("int", unit="placements", min=1, max=100, default=2,
                        description="placements per person that may be paid (DOMAIN_NOTES A36)"),
    "posts": F("float", unit="posts", min=0.0, max=10_000_000.0, default=0.0,
               description="posts in the city; 0 = the behaviour file's public_job.posts_share"),
}

ONE_TIME_ALLOWANCE: Schema = {
    "event": F("enum", choices=ALLOWANCE_EVENTS, description="graduating: the month a school leaver "
               "enters the labour market; employed_away: rural labour after wait_months working outside "
               "the county; employed: an entry into employment; business_start: a new business"),
    "amount": _amount("amount (cross-county destination for employed_away)", name_zh="补贴标准"),
    "cross_province_amount": _amount("employed_away: amount for a cross-province destination", 0.0),
    "wait_months": _months("months the event must have lasted (e.g. employed ≥ 3 months)", 0, 0, 60),
    "once_per_person": F("bool", default=True, description="at most once per person in the run"),
}

TAX_CREDIT: Schema = {
    "per_year": _amount("credit per person and year (DOMAIN_NOTES A23: 7,800)", name_zh="扣减限额"),
    "max_years": F("float", unit="years", min=0.0, max=10.0, default=3.0, description="years per person"),
    "applies_to": F("enum", choices=("hire", "business"), default="hire",
                    description="hire: the employer of a qualifying hire; business: a qualifying founder"),
    "usable_share": _share("share of the credit that firms can use against tax owed; assumption: 1", 1.0),
    "firm_sizes": _sizes(),
}

FIXED_AWARD: Schema = {
    "amount": _amount("amount per award", name_zh="奖补标准"),
    "count": F("float", unit="awards per year", min=0.0, max=1e6, default=1.0, by_month=True,
               description="awards made each year (by effective month)"),
    "award_month": F("int", unit="calendar month", min=1, max=12, default=12,
                     description="calendar month the awards are paid; assumption: December"),
}

CONTRIBUTION_RELIEF: Schema = {
    "lines": F("choice_list", choices=SI_EMPLOYER_LINES, default=list(SI_EMPLOYER_LINES),
               description="employer contribution lines relieved"),
    "share": _share("share of those contributions waived (1 = 免征, 0.5 = 减半)", 1.0, name_zh="减免比例"),
    "firm_sizes": _sizes(),
}

DIBAO_TAPER: Schema = {
    "amount": _amount("monthly amount per household while it continues", name_zh="渐退标准"),
    "months": _months("months after entry into employment (seed 003 §(十六): 6)", 6, 1, 60),
    "first_time_only": F("bool", default=False,
                         description="only after the person's first entry into employment or business in the "
                                     "run (首次实现就业, seed 003 §(十七)¶2); false: after every entry"),
}

PLACEMENT_FEE: Schema = {
    "via_agency_share": _share("share of qualifying hires placed by agencies; assumption: 0.1", 0.1,
                               by_month=False),
    "vesting_months": _months("months the placement must last", 6, 0, 60),
    "tiers": F("schedule", unit="yuan per placement", min=0, max=100_000,
               default=[[20, 200], [50, 300], [100, 400]],
               description="pairs [placements in the year, yuan per placement] (seed 003 §(二十)); "
                           "fewer than the first threshold: nothing"),
    "cap_per_agency": _amount("yearly cap per agency", 100_000.0),
    "agencies": F("int", unit="agencies", min=1, max=100_000, default=20,
                  description="agencies sharing the placements equally; assumption: 20"),
    CHECKS: (_tiers_increasing,),
}

TYPE_SCHEMAS: dict[str, Schema] = {
    "stabilization_refund": STABILIZATION_REFUND,
    "hiring_bonus": HIRING_BONUS,
    "hiring_si_subsidy": HIRING_SI_SUBSIDY,
    "flexible_si_subsidy": FLEXIBLE_SI_SUBSIDY,
    "startup_grant": STARTUP_GRANT,
    "rent_subsidy": RENT_SUBSIDY,
    "guaranteed_loan": GUARANTEED_LOAN,
    "training_subsidy": TRAINING_SUBSIDY,
    "skill_upgrade_subsidy": SKILL_UPGRADE_SUBSIDY,
    "internship_subsidy": INTERNSHIP_SUBSIDY,
    "public_job": PUBLIC_JOB,
    "one_time_allowance": ONE_TIME_ALLOWANCE,
    "tax_credit": TAX_CREDIT,
    "fixed_award": FIXED_AWARD,
    "contribution_relief": CONTRIBUTION_RELIEF,
    "dibao_taper": DIBAO_TAPER,
    "placement_fee": PLACEMENT_FEE,
}
