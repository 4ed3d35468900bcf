"""Schema of a locality's behaviour file (`calibration/<locality>/behaviour.toml`).

Monthly transition probabilities by state, and multipliers that scale them by personal
characteristics. A person's hazard is the base rate times the product of its multipliers, capped at 1.
"""
from __future__ import annotations

from sim.params.profile_schema import EDUCATION_KEYS, HUKOU_KEYS, SIZE_KEYS, SKILL_KEYS
from sim.schema import Field, named

F = Field

BEHAVIOUR_AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55+")
SPELL_BANDS = ("0-3", "3-6", "6-12", "12-24", "24+")
DISABILITY_KEYS = ("none", "disabled", "severe")
REGISTRATION_KEYS = ("registered", "unregistered")
GRADUATE_DESTINATIONS = ("employed", "intern", "unemployed", "further_study", "inactive")
VOLUNTARY_DESTINATIONS = ("unemployed", "inactive", "flexible")


def _probability(description: str, **kw) -> Field:
    return F("float", unit="probability/month", min=0, max=1, description=description, **kw)


def _multipliers(keys: tuple[str, ...], description: str) -> Field:
    return F("table", choices=keys, min=0, max=20, description=description)


def _exits_sum_to_at_most_one(values: dict) -> list:
    """Exits decided by one draw against cumulative edges must not exceed certainty."""
    problems = []
    for section, keys in (("flexible", ("to_employed", "to_unemployed", "to_inactive")),
                          ("inactive", ("to_unemployed", "to_employed"))):
        part = values.get(section, {})
        rates = [part.get(k) for k in keys]
        if all(isinstance(r, (int, float)) for r in rates) and sum(rates) > 1:
            problems.append((f"{section}.{keys[0]}", rates[0],
                             f"{' + '.join(f'{section}.{k}' for k in keys)} = {sum(rates):g} must not exceed 1 "
                             "(one draw decides between them)"))
    return problems


BEHAVIOUR_SCHEMA = {
    "__checks__": (_exits_sum_to_at_most_one,),
    "separation": {
        "base": _probability("monthly separation probability of an insured employee"),
        "involuntary_share": F("float", min=0, max=1,
                               description="share of separations that are involuntary (layoffs, contract "
                                           "ends): these may claim UI"),
        "voluntary_destinations": F("shares", choices=VOLUNTARY_DESTINATIONS,
                                    description="where voluntary leavers go"),
        "age_multiplier": _multipliers(BEHAVIOUR_AGE_BANDS, "separation multiplier by age band"),
        "size_multiplier": _multipliers(SIZE_KEYS, "separation multiplier by firm size class"),
        "short_tenure_multiplier": F("float", min=0, max=20,
                                     description="multiplier in the first 12 months of a job"),
        "away_base": _probability("monthly separation probability of a worker employed outside the city"),
    },
    "registration": {
        "involuntary_eligible": F("float", min=0, max=1,
                                  description="probability of registering after an involuntary separation "
                                              "with UI entitlement"),
        "other": F("float", min=0, max=1, description="probability of registering at any other entry "
                                                      "into unemployment"),
        "late": _probability("monthly probability that an unregistered unemployed person registers"),
    },
    "certification": {
        "monthly_probability": _probability(
            "monthly probability that a registered unemployed person in one of the profile's 就业困难人员 "
            "categories (groups.difficulty_any_of) applies and is certified (认定); only certified persons "
            "hold the `difficulty` group (docs/model.md)"),
    },
    "job_finding": {
        "base": _probability("monthly probability that an unemployed person finds a job, before "
                             "multipliers and vacancy rationing"),
        "age_multiplier": _multipliers(BEHAVIOUR_AGE_BANDS, "by age band"),
        "education_multiplier": _multipliers(EDUCATION_KEYS, "by education"),
        "spell_multiplier": _multipliers(SPELL_BANDS, "by months unemployed (duration dependence)"),
        "skill_multiplier": _multipliers(SKILL_KEYS, "by skill level"),
        "disability_multiplier": _multipliers(DISABILITY_KEYS, "by disability"),
        "registration_multiplier": _multipliers(REGISTRATION_KEYS, "registered vs not"),
        "hukou_multiplier": _multipliers(HUKOU_KEYS, "by household registration"),
        "ui_receipt_multiplier": F("float", min=0, max=5,
                                   description="multiplier while drawing 失业保险金 (moral hazard)"),
        "ui_exhaustion_multiplier": F("float", min=0, max=10,
                                      description="multiplier instead of the receipt multiplier in the last "
                                                  "two months of entitlement (exhaustion spike)"),
        "contract_shares": F("shares", choices=("one_year", "three_years", "open_ended"),
                             description="labour-contract length of new hires"),
        "away_share_rural": F("float", min=0, max=1,
                              description="share of jobs found by local-rural persons that are outside "
                                          "the city (外出务工)"),
        "away_cross_province_share": F("float", min=0, max=1,
                                       description="of jobs outside the city, share outside the province"),
        "replacement_share": F("float", unit="share", min=0, max=1,
                               description="share of the local employees the retirement-age rise keeps at "
                                           "work past their pre-reform retirement month whose post is not "
                                           "refilled: local job finding falls by that many hires (D49)"),
    },
    "unemployed_exits": {
        "to_training": _probability("unemployed → vocational training"),
        "to_internship": _probability("unemployed graduates within 2 years or youth 16–24 → internship"),
        "to_self_employment": _probability("unemployed → own business"),
        "to_flexible": _probability("unemployed → flexible work"),
        "to_public_job": _probability("unemployed in the difficulty group → public-welfare job"),
        "to_inactive": _probability("unemployed → out of the labour force"),
    },
    "training": {
        "mean_months": F("float", unit="months", min=1, max=36, description="mean course length"),
        "certificate_probability": F("float", min=0, max=1, description="completers obtaining a certificate "
                                                                        "(skill level +1)"),
        "job_finding_boost": F("float", min=0, max=5,
                               description="job-finding multiplier for completers during the boost window"),
        "boost_lag_months": F("int", unit="months", min=0, max=36,
                              description="months after completion before the boost starts"),
        "boost_months": F("int", unit="months", min=0, max=120, description="length of the boost window"),
    },
    "internship": {
        "months": F("int", unit="months", min=1, max=24, description="length of an internship"),
        "retention_probability": F("float", min=0, max=1,
                                   description="interns hired by their host at the end"),
        "early_hire": _probability("intern hired by the host before the internship ends; assumption: 0.02",
                                   default=0.02),
    },
    "self_employment": {
        "failure_by_year": F("list_float", min=0, max=1, length=4,
                             description="monthly failure probability in business years 1, 2, 3, 4+"),
        "to_employed": _probability("self-employed closing down into a job instead of unemployment "
                                    "(share of closures)"),
        "agriculture_share": F("float", unit="share", min=0, max=1, default=0.2,
                               description="share of new businesses in agriculture (startup_grant sector "
                                           "rules); assumption: 0.2"),
    },
    "skills": {
        "employed_certificate_rate": _probability(
            "insured employee obtaining a skill certificate (技能提升补贴 claims); assumption: 0.002 "
            "(≈ 2.4 % a year)", default=0.002),
    },
    "responses": {
        "enabled": F("bool", default=True,
                     description="false switches every policy response off: hazards then do not depend on "
                                 "any instrument, so costs are a pure accounting (static) projection"),
        "hiring_subsidy_elasticity": F("float", min=0, max=5, default=0.75,
                                       description="job-finding hazard × (1 + ε × s), s = value of the hiring "
                                                   "subsidies a person would bring ÷ annual labour cost; "
                                                   "assumption: 0.75, upper end of constant-output "
                                                   "labour-demand elasticities (Hamermesh 1993: 0.15–0.75); "
                                                   "DOMAIN_NOTES B4: most subsidised hires are deadweight"),
        "hire_wage_multiple": F("float", min=0.5, max=5, default=1.3,
                                description="annual labour cost of a subsidised hire = 12 × this × minimum "
                                            "wage × (1 + employer SI rate); assumption: 1.3"),
        "refund_layoff_reduction": F("float", unit="share", min=0, max=1, default=0.05,
                                     description="involuntary separations at firms of a size class a "
                                                 "稳岗返还 in force covers are lower by this share; "
                                                 "assumption: 0.05 (DOMAIN_NOTES B13: direction only)"),
        "ui_benefit_response": F("bool", default=True,
                                 description="apply job_finding.ui_receipt_multiplier and "
                                             "ui_exhaustion_multiplier (DOMAIN_NOTES B7, B8)"),
        "startup_entry_effect": F("float", unit="share", min=0, max=5, default=0.1,
                                  description="entry into self-employment higher by this share for persons "
                                              "an enabled startup_grant or guaranteed_loan targets; "
                                              "assumption: 0.1 (DOMAIN_NOTES B11: direction only)"),
        "startup_survival_effect": F("float", unit="share", min=0, max=1, default=0.15,
                                     description="business failure lower by this share while a business has a "
                                                 "guaranteed loan or received a start-up grant; assumption: "
                                                 "0.15 (DOMAIN_NOTES B11: better survival)"),
    },
    "flexible": {
        "to_employed": _probability("flexible worker → formal job"),
        "to_unemployed": _probability("flexible worker → unemployed"),
        "to_inactive": _probability("flexible worker → out of the labour force"),
    },
    "public_job": {
        "to_employed": _probability("public-job holder → formal job"),
        "max_months": F("int", unit="months", min=1, max=120,
                        description="months after which a post ends (back to unemployment)"),
        "posts_share": F("float", min=0, max=0.2,
                         description="public-welfare posts as a share of working-age residents (capacity)"),
    },
    "inactive": {
        "to_unemployed": _probability("inactive → looking for work"),
        "to_employed": _probability("inactive → directly into a job"),
        "from_unemployed_long": _probability("extra exit to inactivity after 24 months unemployed"),
    },
    "graduates": {
        "destinations": F("shares", choices=GRADUATE_DESTINATIONS,
                          description="state on leaving school (employed = job arranged before leaving)"),
        "job_finding_multiplier": F("float", min=0, max=10,
                                    description="job-finding multiplier for school leavers in their first "
                                                "12 months"),
    },
    "statistics": {
        # a measurement model: read only by sim.outcomes, never by the kernels (no behaviour changes)
        "recorded_share_new_jobs": F("float", unit="share", min=0, max=1, default=1.0,
                                     description="share of the model's entries into employment that the "
                                                 "real-name employment registration (实名制就业登记) records, "
                                                 "and so counts in 城镇新就业人数 / 城镇新增就业; "
                                                 "失业人员再就业, 就业困难人员实现就业 and 自然减员 are "
                                                 "counted in full. Default 1: every entry recorded"),
    },
    "firms": {
        "exit_by_size": F("table", choices=SIZE_KEYS, min=0, max=1, unit="probability/month",
                          description="monthly exit probability of a firm"),
        "birth_probability": _probability("monthly probability that a free firm slot becomes a new firm"),
        "vacancy_rate": F("float", min=0, max=1, unit="vacancies per insured employee per month",
                          description="vacancies a firm posts each month, per insured employee"),
        "new_firm_vacancies": F("table", choices=SIZE_KEYS, min=0, max=10_000,
                                description="vacancies posted by a firm in its first month"),
        "partial_closure_sizes": F("choice_list", choices=SIZE_KEYS, default=["large"],
                                   description="size classes whose firm records close in part: a record "
                                               "stands for many real firms of the sample's weight, which close "
                                               "independently, so each month each of its workers loses the "
                                               "job to a closure with the exit probability and the record "
                                               "lives on; the other classes' records close whole. Default "
                                               "large: assumption — one large record holds ≈ 1 % of the "
                                               "sample's insured jobs, and its whole closure is a mass layoff "
                                               "of tens of thousands no real month shows (docs/decisions.md)"),
    },
}

# The Chinese name of every behaviour parameter (the reports' appendix; `sim.schema.named`).
NAMES_ZH = {
    "separation.base": "参保职工月离职概率", "separation.involuntary_share": "非自愿离职比例",
    "separation.voluntary_destinations": "自愿离职去向构成", "separation.age_multiplier": "离职年龄系数",
    "separation.size_multiplier": "离职企业规模系数", "separation.short_tenure_multiplier": "入职12个月内离职系数",
    "separation.away_base": "市外务工人员月离职概率",
    "registration.involuntary_eligible": "有领金资格的非自愿失业者登记概率", "registration.other": "其他失业者登记概率",
    "registration.late": "未登记失业人员月补登记概率",
    "certification.monthly_probability": "就业困难人员月认定概率",
    "job_finding.base": "失业人员月就业基准概率", "job_finding.age_multiplier": "就业年龄系数",
    "job_finding.education_multiplier": "就业学历系数", "job_finding.spell_multiplier": "就业失业时长系数",
    "job_finding.skill_multiplier": "就业技能等级系数", "job_finding.disability_multiplier": "就业残疾系数",
    "job_finding.registration_multiplier": "就业登记状态系数", "job_finding.hukou_multiplier": "就业户籍系数",
    "job_finding.ui_receipt_multiplier": "领取失业保险金期间就业系数",
    "job_finding.ui_exhaustion_multiplier": "失业保险金期满前两个月就业系数",
    "job_finding.contract_shares": "新招用人员劳动合同期限构成",
    "job_finding.away_share_rural": "农村劳动力市外就业比例", "job_finding.away_cross_province_share": "市外就业中省外比例",
    "job_finding.replacement_share": "延迟退休减少的补员招聘比例",
    "unemployed_exits.to_training": "失业人员月参加培训概率", "unemployed_exits.to_internship": "失业人员月参加见习概率",
    "unemployed_exits.to_self_employment": "失业人员月自主创业概率",
    "unemployed_exits.to_flexible": "失业人员月灵活就业概率",
    "unemployed_exits.to_public_job": "就业困难失业人员月进入公益性岗位概率",
    "unemployed_exits.to_inactive": "失业人员月退出劳动力市场概率",
    "training.mean_months": "平均培训月数", "training.certificate_probability": "培训取证概率",
    "training.job_finding_boost": "培训后就业系数", "training.boost_lag_months": "培训效果滞后月数",
    "training.boost_months": "培训效果持续月数",
    "internship.months": "见习月数", "internship.retention_probability": "见习期满留用概率",
    "internship.early_hire": "见习期内提前录用月概率",
    "self_employment.failure_by_year": "创业第1、2、3、4年及以后月歇业概率",
    "self_employment.to_employed": "歇业后转为受雇比例", "self_employment.agriculture_share": "新创业中农业比例",
    "skills.employed_certificate_rate": "参保职工月取得技能证书概率",
    "responses.enabled": "启用政策行为响应", "responses.hiring_subsidy_elasticity": "吸纳就业补贴就业弹性",
    "responses.hire_wage_multiple": "受补贴招用人员工资(最低工资倍数)",
    "responses.refund_layoff_reduction": "稳岗返还覆盖企业裁员下降比例",
    "responses.ui_benefit_response": "启用失业保险金就业响应", "responses.startup_entry_effect": "创业扶持创业进入提升比例",
    "responses.startup_survival_effect": "创业扶持歇业下降比例",
    "flexible.to_employed": "灵活就业人员月转正规就业概率", "flexible.to_unemployed": "灵活就业人员月失业概率",
    "flexible.to_inactive": "灵活就业人员月退出劳动力市场概率",
    "public_job.to_employed": "公益性岗位人员月转正规就业概率", "public_job.max_months": "公益性岗位最长月数",
    "public_job.posts_share": "公益性岗位数(占劳动年龄人口比例)",
    "inactive.to_unemployed": "非经济活动人口月求职概率", "inactive.to_employed": "非经济活动人口月直接就业概率",
    "inactive.from_unemployed_long": "失业24个月以上者月额外退出概率",
    "graduates.destinations": "毕业去向构成", "graduates.job_finding_multiplier": "毕业12个月内就业系数",
    "statistics.recorded_share_new_jobs": "实名制就业登记记录比例",
    "firms.exit_by_size": "各规模企业月退出概率", "firms.birth_probability": "新设企业月概率",
    "firms.vacancy_rate": "每名参保职工月岗位空缺数", "firms.new_firm_vacancies": "新设企业首月岗位空缺数",
    "firms.partial_closure_sizes": "按部分关闭处理的企业规模",
}
BEHAVIOUR_SCHEMA = named(BEHAVIOUR_SCHEMA, NAMES_ZH)
