"""Schema of a locality profile (`calibration/<locality>/profile.toml`).

Every leaf in the file is `{ value = …, source = "…" }`; the schema gives kind, unit and range. The
profile describes the place (people, firms, wages, contribution rules, the UI fund); how people move
between states is in the behaviour file.
"""
from __future__ import annotations

from sim.params.kinds import is_by_month
from sim.params.months import FIRST_MONTH, in_force
from sim.schema import Field, named

AGE_BANDS = ("16-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64")
EDUCATION_KEYS = ("primary_or_less", "junior_high", "senior_high", "secondary_vocational", "college",
                  "bachelor_plus")
HUKOU_KEYS = ("local_urban", "local_rural", "migrant")
SKILL_KEYS = ("none", "basic", "intermediate", "advanced")
SIZE_KEYS = ("micro", "small", "medium", "large")
SECTOR_KEYS = ("agriculture", "mining_energy", "manufacturing", "construction", "trade_catering",
               "other_services", "public_services")
INITIAL_STATE_KEYS = ("employed_local", "employed_away", "unemployed", "self_employed", "flexible",
                      "public_job", "inactive", "training", "intern")
DURATION_KEYS = ("0-1", "1-6", "6-12", "12-24", "24+")
SI_LINES = ("pension_employer", "pension_employee", "medical_employer", "medical_employee", "ui_employer",
            "ui_employee", "injury_employer")       # all social-insurance rates, employer and employee
UI_POOLING = ("local", "municipal", "provincial")
CONTRIB_STATE_KEYS = ("employed_local", "employed_away", "unemployed", "self_employed", "flexible",
                      "public_job", "inactive", "training", "intern")

F = Field


def minimum_wage_by_month(profile: dict) -> dict[str, dict[str, float]]:
    """`districts.minimum_wage` as a table of effective months → {district: yuan}; a single table is in
    force throughout."""
    value = profile["districts"]["minimum_wage"]
    return value if any(isinstance(item, dict) for item in value.values()) else {FIRST_MONTH: value}


def _same_district_keys(values: dict) -> list:
    districts = values.get("districts", {})
    share = districts.get("population_share")
    problems = []
    if not isinstance(share, dict):
        return problems
    tables = []                       # (key, district table): the minimum wage of each effective month, names
    if isinstance(districts.get("minimum_wage"), dict):
        tables += [(f"minimum_wage.{month}" if month != FIRST_MONTH else "minimum_wage", table)
                   for month, table in minimum_wage_by_month(values).items()]
    tables.append(("names_zh", districts.get("names_zh")))
    for key, other in tables:
        if isinstance(other, dict) and list(other) != list(share):
            problems.append((f"districts.{key}", list(other),
                             f"must list the same districts in the same order as districts.population_share "
                             f"({', '.join(share)})"))
    return problems


# a district code is an int8 in the person and firm records (sim.population.arrays; a test holds them equal):
# widening it would grow every record for a limit no county reaches
MAX_DISTRICTS = 127


def _district_count(values: dict) -> list:
    share = values.get("districts", {}).get("population_share")
    if isinstance(share, dict) and len(share) > MAX_DISTRICTS:
        return [("districts.population_share", f"{len(share)} districts",
                 f"at most {MAX_DISTRICTS} districts (a district code is one byte in the person record); "
                 "merge small districts")]
    return []


def _floor_below_ceiling(values: dict) -> list:
    si = values.get("social_insurance", {})
    lo, hi = si.get("base_floor_share"), si.get("base_ceiling_share")
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
        return [("social_insurance.base_floor_share", lo, f"must not exceed base_ceiling_share ({hi})")]
    return []


def _retirement_targets_not_below_base(values: dict) -> list:
    rules = values.get("retirement", {})
    problems = []
    for group in ("men", "women_cadre", "women_worker"):
        base, target = rules.get(f"{group}_base_age"), rules.get(f"{group}_target_age")
        if isinstance(base, int) and isinstance(target, int) and target < base:
            problems.append((f"retirement.{group}_target_age", target, f"must not be below {group}_base_age ({base})"))
    return problems


def _size_thresholds_increasing(values: dict) -> list:
    thresholds = values.get("firms", {}).get("size_thresholds")
    if isinstance(thresholds, list) and any(b <= a for a, b in zip(thresholds, thresholds[1:])):
        return [("firms.size_thresholds", thresholds, "must increase (small < medium < large)")]
    return []


def _pooled_fund_has_cover(values: dict) -> list:
    fund = values.get("ui_fund", {})
    if fund.get("pooling", "local") != "local" and fund.get("pooled_cover_months") is None:
        return [("ui_fund.pooled_cover_months", None,
                 f"needed when ui_fund.pooling = {fund['pooling']!r}: the 备付 gate reads the pooled fund's cover")]
    return []


def _rate(high: float, what: str) -> F:
    """A contribution rate, a single value or a table of effective months."""
    return F("float", min=0, max=high, by_month=True, description=f"{what} (by effective month when it changes)")


PROFILE_SCHEMA = {
    "__checks__": (_same_district_keys, _district_count, _floor_below_ceiling, _retirement_targets_not_below_base,
                   _size_thresholds_increasing, _pooled_fund_has_cover),
    "meta": {
        "name_zh": F("str", description="locality name in Chinese"),
        "province_zh": F("str", description="province"),
        "reference_year": F("int", unit="year", min=2000, max=2100,
                            description="year the profile describes"),
    },
    "population": {
        "residents": F("int", unit="persons", min=1000, max=2_000_000_000, default=None,
                       description="all residents (常住人口) of the modelled area: the denominator of spending "
                                   "per resident in the baseline checks (sim/backtest.py); reads nothing else"),
        "working_age_population": F("int", unit="persons", min=1000, max=500_000_000,
                                    description="residents from age 16 to statutory retirement age; the "
                                                "simulated persons stand for these (weight = this / persons)"),
        "age_shares": F("shares", choices=AGE_BANDS, description="working-age residents by age band"),
        "female_share": F("float", min=0, max=1, description="share of women among working-age residents"),
        "education_under_35": F("shares", choices=EDUCATION_KEYS, description="education of those under 35"),
        "education_35_plus": F("shares", choices=EDUCATION_KEYS, description="education of those 35 and over"),
        "hukou_shares": F("shares", choices=HUKOU_KEYS, description="household registration"),
        "disabled_share": F("float", min=0, max=0.5, description="share with a disability certificate"),
        "severe_share_of_disabled": F("float", min=0, max=1, description="share of the disabled with grade 1–2"),
        "dibao_share": F("float", min=0, max=0.5, description="share living in 低保 households"),
        "zero_employment_family_share": F("float", min=0, max=0.2,
                                          description="share in 零就业家庭 (drawn among the unemployed)"),
        "poverty_alleviated_share_of_rural": F("float", min=0, max=1,
                                               description="脱贫人口(含监测对象) among local-rural residents"),
        "relocated_share_of_rural": F("float", min=0, max=1, description="易地搬迁 among local-rural residents"),
        "rural_low_income_share_of_rural": F("float", min=0, max=1,
                                             description="农村低收入人口 among local-rural residents"),
        "returnee_share_of_rural": F("float", min=0, max=1,
                                     description="returned migrant workers among local-rural residents"),
        "veteran_share_of_men": F("float", min=0, max=0.3, description="veterans among men"),
        "skill_shares": F("shares", choices=SKILL_KEYS, description="vocational skill level held"),
        "women_cadre_share": F("float", min=0, max=1,
                               description="women whose original retirement age is 55 (cadre posts), the "
                                           "rest 50"),
    },
    "groups": {
        "difficulty_any_of": F("flags", description="就业困难人员: registered unemployed (or hired from "
                                                    "registered unemployment) in any of these groups"),
        "p4050_women_age": F("int", unit="years", min=16, max=70, description="'4050': women from this age"),
        "p4050_men_age": F("int", unit="years", min=16, max=70, description="'4050': men from this age"),
    },
    "districts": {
        "population_share": F("shares", description="county-level units and their share of residents; "
                                                    "the keys are the district codes used everywhere"),
        "names_zh": F("names", description="Chinese name of each district"),
        "minimum_wage": F("table", unit="yuan/month", min=500, max=10000, by_month=True,
                          description="monthly minimum wage in force in each district; by effective month "
                                      '{ "2021-08" = { a = 2280, … }, "2025-01" = { a = 2490, … } } when it '
                                      "changes (before the first month listed, the first table applies)"),
    },
    "graduates": {
        "higher_education_per_year": F("int", unit="persons/year", min=0, max=5_000_000,
                                       description="college and university leavers entering the local "
                                                   "labour market each year"),
        "vocational_per_year": F("int", unit="persons/year", min=0, max=5_000_000,
                                 description="secondary-vocational leavers entering the labour market"),
        "early_leavers_per_year": F("int", unit="persons/year", min=0, max=5_000_000,
                                    description="leavers of junior or senior high school entering the "
                                                "labour market (not continuing)"),
        "graduation_month": F("int", unit="calendar month", min=1, max=12,
                              description="month in which school leavers enter the labour market"),
        "bachelor_share_of_higher": F("float", min=0, max=1,
                                      description="bachelor-or-above among higher-education leavers"),
        "age_higher": F("int", unit="years", min=18, max=30, description="age at leaving college"),
        "age_vocational": F("int", unit="years", min=15, max=25, description="age at leaving 中职"),
        "rural_share": F("float", min=0, max=1, description="school leavers with rural hukou"),
    },
    "initial_state": {
        "shares": F("shares", choices=INITIAL_STATE_KEYS,
                    description="working-age residents by state in the first month"),
        "unemployment_duration_shares": F("shares", choices=DURATION_KEYS,
                                          description="unemployed by months in the spell at the start"),
        "registered_share_of_unemployed": F("float", min=0, max=1,
                                            description="share of the unemployed registered (登记失业)"),
        "contribution_density": F("table", choices=CONTRIB_STATE_KEYS, min=0, max=1,
                                  description="share of the months since age 18 with social-insurance "
                                              "contributions, by current state"),
        "ui_recipient_share_of_registered": F("float", min=0, max=1,
                                              description="registered unemployed drawing 失业保险金 at start"),
    },
    "firms": {
        "size_shares": F("shares", choices=SIZE_KEYS, description="insured employers by size class"),
        "mean_insured": F("table", choices=SIZE_KEYS, unit="persons", min=1, max=100_000,
                          description="average insured headcount by size class"),
        "sector_shares": F("shares", choices=SECTOR_KEYS, description="insured employers by sector"),
        "size_thresholds": F("list_int", length=3, min=1, max=1_000_000, unit="insured persons",
                             description="lower bounds of small, medium and large at the year-end review"),
        "spare_slot_share": F("float", min=0, max=2,
                              description="extra firm slots preallocated for births, as a share of firms"),
    },
    "wages": {
        "provincial_average_wage": F("float", unit="yuan/year", min=10_000, max=1_000_000,
                                     description="全口径城镇单位就业人员平均工资 of the province (SI base reference)"),
        "median_wage_by_size": F("table", choices=SIZE_KEYS, unit="yuan/month", min=500, max=100_000,
                                 description="median monthly wage of insured employees by firm size"),
        "education_premium": F("table", choices=EDUCATION_KEYS, min=0.2, max=5,
                               description="wage multiplier by education"),
        "dispersion_sigma": F("float", min=0, max=2, description="log-wage standard deviation within firms"),
    },
    "social_insurance": {
        "base_floor_share": F("float", min=0, max=1,
                              description="contribution base floor, share of the provincial average wage"),
        "base_ceiling_share": F("float", min=1, max=10,
                                description="contribution base ceiling, share of the provincial average wage"),
        "declared_base_at_floor_share": F(
            "float", unit="share of firms", min=0, max=1,
            description="share of insured employers that declare their staff's contribution base (缴费基数) at "
                        "the floor; the others declare the wage, clipped to floor and ceiling. Contributions, "
                        "稳岗返还 and employer SI subsidies use the declared base"),
        "pension_employer": _rate(0.3, "pension rate, employer"),
        "pension_employee": _rate(0.3, "pension rate, employee"),
        "medical_employer": _rate(0.3, "medical incl. maternity, employer"),
        "medical_employee": _rate(0.3, "medical, employee"),
        "ui_employer": _rate(0.05, "unemployment insurance, employer"),
        "ui_employee": _rate(0.05, "unemployment insurance, employee"),
        "injury_employer": _rate(0.05, "work injury, employer (average)"),
    },
    "ui_fund": {
        "pooling": F("enum", choices=UI_POOLING, default="local",
                     description="level the UI fund is pooled at: local (the modelled area keeps its own "
                                 "account) or above it (municipal, provincial): then the area has no balance "
                                 "of its own; the results show its contributions and its draw on the pool"),
        "pooled_cover_months": F("float", unit="months", min=0, max=600, default=None,
                                 description="months of cover (备付月数) of the pooled fund, read by the 备付 "
                                             "gate of 稳岗返还 when the fund is pooled above the area"),
        "opening_balance": F("float", unit="yuan", min=0, max=1e13,
                             description="fund balance at the start of the run"),
        "prior_monthly_outlay": F("float", unit="yuan/month", min=0, max=1e12,
                                  description="average monthly outlay in the 12 months before the run "
                                              "(seeds 备付月数 until the run has its own history)"),
    },
    "finance": {
        "lpr_1y": F("float", unit="percent/year", min=0, max=20, by_month=True,
                    description="one-year loan prime rate by effective month"),
    },
    "retirement": {
        "reform_start": F("month", description="first month of the phased increase"),
        "men_base_age": F("int", unit="years", min=40, max=75, description="men, before the reform"),
        "men_target_age": F("int", unit="years", min=40, max=75, description="men, after the reform"),
        "men_step_months": F("int", unit="months", min=1, max=24,
                             description="birth months per extra month of working life (men)"),
        "women_cadre_base_age": F("int", unit="years", min=40, max=75, description="women at 55, before"),
        "women_cadre_target_age": F("int", unit="years", min=40, max=75, description="women at 55, after"),
        "women_cadre_step_months": F("int", unit="months", min=1, max=24, description="step, women at 55"),
        "women_worker_base_age": F("int", unit="years", min=40, max=75, description="women at 50, before"),
        "women_worker_target_age": F("int", unit="years", min=40, max=75, description="women at 50, after"),
        "women_worker_step_months": F("int", unit="months", min=1, max=24, description="step, women at 50"),
    },
}

# The Chinese name of every profile parameter (the reports' appendix; `sim.schema.named`).
NAMES_ZH = {
    "meta.name_zh": "地区名称", "meta.province_zh": "所属省份", "meta.reference_year": "基准年份",
    "population.residents": "常住人口", "population.working_age_population": "劳动年龄人口",
    "population.age_shares": "年龄构成", "population.female_share": "女性比例",
    "population.education_under_35": "35岁以下学历构成", "population.education_35_plus": "35岁及以上学历构成",
    "population.hukou_shares": "户籍构成", "population.disabled_share": "持证残疾人比例",
    "population.severe_share_of_disabled": "残疾人中一二级比例", "population.dibao_share": "低保家庭人员比例",
    "population.zero_employment_family_share": "零就业家庭人员比例",
    "population.poverty_alleviated_share_of_rural": "农村户籍中脱贫人口(含监测对象)比例",
    "population.relocated_share_of_rural": "农村户籍中易地搬迁人口比例",
    "population.rural_low_income_share_of_rural": "农村户籍中农村低收入人口比例",
    "population.returnee_share_of_rural": "农村户籍中返乡农民工比例", "population.veteran_share_of_men": "男性中退役军人比例",
    "population.skill_shares": "职业技能等级构成", "population.women_cadre_share": "女性中管理技术岗位(55岁退休)比例",
    "groups.difficulty_any_of": "就业困难人员认定类别", "groups.p4050_women_age": "“4050”人员女性年龄下限",
    "groups.p4050_men_age": "“4050”人员男性年龄下限",
    "districts.population_share": "各县(区)常住人口比例", "districts.names_zh": "县(区)名称",
    "districts.minimum_wage": "各县(区)月最低工资标准",
    "graduates.higher_education_per_year": "每年高校毕业生(进入本地劳动力市场)",
    "graduates.vocational_per_year": "每年中职毕业生(进入劳动力市场)",
    "graduates.early_leavers_per_year": "每年初高中毕业未升学人数", "graduates.graduation_month": "毕业月份",
    "graduates.bachelor_share_of_higher": "高校毕业生中本科及以上比例", "graduates.age_higher": "高校毕业年龄",
    "graduates.age_vocational": "中职毕业年龄", "graduates.rural_share": "毕业生中农村户籍比例",
    "initial_state.shares": "期初就业状态构成", "initial_state.unemployment_duration_shares": "期初失业人员失业时长构成",
    "initial_state.registered_share_of_unemployed": "失业人员中登记失业比例",
    "initial_state.contribution_density": "社会保险缴费密度(按状态)",
    "initial_state.ui_recipient_share_of_registered": "登记失业人员中期初领取失业保险金比例",
    "firms.size_shares": "参保企业规模构成", "firms.mean_insured": "各规模企业平均参保人数",
    "firms.sector_shares": "参保企业行业构成", "firms.size_thresholds": "小型、中型、大型企业参保人数下限",
    "firms.spare_slot_share": "新设企业预留比例",
    "wages.provincial_average_wage": "全省全口径城镇单位就业人员平均工资(元/年)",
    "wages.median_wage_by_size": "各规模企业月工资中位数", "wages.education_premium": "学历工资系数",
    "wages.dispersion_sigma": "企业内对数工资标准差",
    "social_insurance.base_floor_share": "缴费基数下限(占全省平均工资比例)",
    "social_insurance.base_ceiling_share": "缴费基数上限(占全省平均工资比例)",
    "social_insurance.declared_base_at_floor_share": "按下限申报缴费基数的企业比例",
    "social_insurance.pension_employer": "养老保险单位费率", "social_insurance.pension_employee": "养老保险个人费率",
    "social_insurance.medical_employer": "医疗(含生育)保险单位费率", "social_insurance.medical_employee": "医疗保险个人费率",
    "social_insurance.ui_employer": "失业保险单位费率", "social_insurance.ui_employee": "失业保险个人费率",
    "social_insurance.injury_employer": "工伤保险单位平均费率",
    "ui_fund.pooling": "失业保险基金统筹层次", "ui_fund.pooled_cover_months": "统筹基金备付月数",
    "ui_fund.opening_balance": "失业保险基金期初结余(元)", "ui_fund.prior_monthly_outlay": "测算前12个月月均支出(元)",
    "finance.lpr_1y": "一年期贷款市场报价利率(LPR,%)",
    "retirement.reform_start": "渐进式延迟退休起始月份", "retirement.men_base_age": "男性原法定退休年龄",
    "retirement.men_target_age": "男性目标退休年龄", "retirement.men_step_months": "男性每延迟一个月对应的出生月数",
    "retirement.women_cadre_base_age": "女干部原法定退休年龄", "retirement.women_cadre_target_age": "女干部目标退休年龄",
    "retirement.women_cadre_step_months": "女干部每延迟一个月对应的出生月数",
    "retirement.women_worker_base_age": "女职工原法定退休年龄", "retirement.women_worker_target_age": "女职工目标退休年龄",
    "retirement.women_worker_step_months": "女职工每延迟一个月对应的出生月数",
}
PROFILE_SCHEMA = named(PROFILE_SCHEMA, NAMES_ZH)


def profile_at(profile: dict, month: str) -> dict:
    """The profile with each effective-month table (contribution rates, minimum wage, …) replaced by its
    value in force in `month` (before its first effective month, its first value): what a starting
    population is drawn with."""
    out = dict(profile)
    for section, fields in PROFILE_SCHEMA.items():
        if not isinstance(fields, dict) or section not in profile:
            continue
        dated = {key: in_force(profile[section][key], month) for key, field in fields.items()
                 if isinstance(field, Field) and is_by_month(field, profile[section].get(key))}
        if dated:
            out[section] = {**profile[section], **dated}
    return out
