"""Every integer code used by the model, in one place.

Kernels see only the integer values; everything outside the kernels (scenario files, results,
reports) uses the names. Changing a value here changes random-number slots and the meaning of saved
arrays, so values are fixed and only ever appended to.
"""
from __future__ import annotations

from enum import IntEnum


class State(IntEnum):
    """Labour-market state of a person (int8)."""

    STUDENT = 0        # in school; enters the labour market in its graduation month
    EMPLOYED = 1       # formal, insured job at a firm (or away from the city: see WorkLocation)
    UNEMPLOYED = 2     # without work and looking; `registered` is a person bit
    TRAINING = 3       # full-time vocational or start-up training
    INTERN = 4         # 就业见习
    SELF_EMPLOYED = 5  # individual business or own small firm
    FLEXIBLE = 6       # 灵活就业, self-paid social insurance
    PUBLIC_JOB = 7     # 公益性岗位
    INACTIVE = 8       # out of the labour force
    RETIRED = 9        # reached statutory retirement age: leaves the working-age population


N_STATES = len(State)


class Sex(IntEnum):
    MALE = 0
    FEMALE = 1


class Education(IntEnum):
    """Highest level completed."""

    PRIMARY_OR_LESS = 0
    JUNIOR_HIGH = 1
    SENIOR_HIGH = 2
    SECONDARY_VOCATIONAL = 3   # 中职
    COLLEGE = 4                # 大专 / 高职
    BACHELOR_PLUS = 5          # 本科及以上


# Education levels counted as 高校毕业生 (graduates of higher education)
HIGHER_EDUCATION = (Education.COLLEGE, Education.BACHELOR_PLUS)


class Hukou(IntEnum):
    LOCAL_URBAN = 0
    LOCAL_RURAL = 1
    MIGRANT = 2                # hukou outside the locality


class WorkLocation(IntEnum):
    LOCAL = 0
    CROSS_COUNTY = 1           # outside the home county, inside the province (local firm or not)
    CROSS_PROVINCE = 2         # outside the province: no local firm, no local contributions


class Disability(IntEnum):
    NONE = 0
    DISABLED = 1
    SEVERE = 2


class SizeClass(IntEnum):
    """Firm size class (工信部联企业〔2011〕300号, simplified to insured headcount)."""

    MICRO = 0
    SMALL = 1
    MEDIUM = 2
    LARGE = 3


class Sector(IntEnum):
    AGRICULTURE = 0
    MINING_ENERGY = 1
    MANUFACTURING = 2
    CONSTRUCTION = 3
    TRADE_CATERING = 4
    OTHER_SERVICES = 5
    PUBLIC_SERVICES = 6


class Household(IntEnum):
    """Household and personal status bits carried by a person (uint8)."""

    DIBAO = 1 << 0                    # 低保家庭
    ZERO_EMPLOYMENT_FAMILY = 1 << 1   # 零就业家庭
    POVERTY_ALLEVIATED = 1 << 2       # 脱贫人口(含监测对象)
    RELOCATED = 1 << 3                # 易地搬迁
    RURAL_LOW_INCOME = 1 << 4         # 农村低收入人口
    VETERAN = 1 << 5                  # 退役军人
    RETURNEE = 1 << 6                 # 返乡农村劳动力
    LAND_LOST = 1 << 7                # 失地农民 (counts towards 就业困难人员 in some provinces)


class PersonBit(IntEnum):
    """Dynamic person bits (uint8): registration and history."""

    REGISTERED = 1 << 0          # 登记失业 (meaningful while UNEMPLOYED)
    INVOLUNTARY = 1 << 1         # current unemployment spell began with an involuntary separation
    EVER_FOUNDED = 1 << 2        # has started a business before (not a first-time founder)
    GRADUATE_COHORT = 1 << 3     # entered the labour market as a school leaver inside the run
    WAS_UNEMPLOYED = 1 << 4      # the employment spell began from registered unemployment (失业人员再就业)
    DIFFICULTY_HIRE = 1 << 5     # the employment spell began while in the `difficulty` group
    FURTHER_STUDY = 1 << 6       # school leaver who went on to further study (升学): a destination
    FIRST_BUSINESS = 1 << 7      # the current business is the person's first (首次创业)


class GroupFlag(IntEnum):
    """Target groups recomputed every month from attributes (uint32). Instruments target these names."""

    reg_unemployed = 1 << 0
    reg_unemployed_6m = 1 << 1
    unemployed_12m = 1 << 2
    graduate_year = 1 << 3
    graduate_2y = 1 << 4
    graduate_5y = 1 << 5
    youth_16_24 = 1 << 6
    under_20 = 1 << 7
    p4050 = 1 << 8
    difficulty = 1 << 9
    disabled = 1 << 10
    severely_disabled = 1 << 11
    dibao = 1 << 12
    zero_employment_family = 1 << 13
    poverty_alleviated = 1 << 14
    relocated = 1 << 15
    rural_low_income = 1 << 16
    returnee = 1 << 17
    migrant_worker = 1 << 18
    veteran = 1 << 19
    near_retirement_5y = 1 << 20
    near_retirement_1y = 1 << 21
    first_time_founder = 1 << 22
    long_term_unemployed_youth = 1 << 23
    school_graduate_year = 1 << 24      # left a college, university or secondary vocational school this year


GROUP_NAMES_ZH = {
    GroupFlag.reg_unemployed: "登记失业人员",
    GroupFlag.reg_unemployed_6m: "登记失业半年以上人员",
    GroupFlag.unemployed_12m: "失业一年以上人员",
    GroupFlag.graduate_year: "毕业年度高校毕业生",
    GroupFlag.graduate_2y: "离校2年内高校毕业生",
    GroupFlag.graduate_5y: "毕业5年内高校毕业生",
    GroupFlag.youth_16_24: "16—24岁青年",
    GroupFlag.under_20: "20岁以下青年",
    GroupFlag.p4050: "“4050”人员",
    GroupFlag.difficulty: "就业困难人员",
    GroupFlag.disabled: "残疾人",
    GroupFlag.severely_disabled: "重度残疾人",
    GroupFlag.dibao: "低保家庭成员",
    GroupFlag.zero_employment_family: "零就业家庭成员",
    GroupFlag.poverty_alleviated: "脱贫人口",
    GroupFlag.relocated: "易地扶贫搬迁群众",
    GroupFlag.rural_low_income: "农村低收入人口",
    GroupFlag.returnee: "返乡入乡人员",
    GroupFlag.migrant_worker: "农民工",
    GroupFlag.veteran: "退役军人",
    GroupFlag.near_retirement_5y: "距法定退休年龄不足5年人员",
    GroupFlag.near_retirement_1y: "距法定退休年龄不足1年人员",
    GroupFlag.first_time_founder: "首次创业人员",
    GroupFlag.long_term_unemployed_youth: "长期失业青年",
    GroupFlag.school_graduate_year: "毕业年度中职、技工院校和高校毕业生",
}
"""Chinese names of the target groups: the parameter workbook and the app show them, and scenario files
accept them as aliases of the English names (sim.params.kinds)."""


class InstrumentType(IntEnum):
    """The fixed vocabulary of instrument types (DESIGN §6)."""

    ui_benefit = 0
    stabilization_refund = 1
    hiring_bonus = 2
    hiring_si_subsidy = 3
    flexible_si_subsidy = 4
    startup_grant = 5
    rent_subsidy = 6
    guaranteed_loan = 7
    training_subsidy = 8
    skill_upgrade_subsidy = 9
    internship_subsidy = 10
    public_job = 11
    one_time_allowance = 12
    tax_credit = 13
    fixed_award = 14
    contribution_relief = 15
    dibao_taper = 16
    placement_fee = 17
    firm_guaranteed_loan = 18


def group_mask(names) -> int:
    """OR of the GroupFlag values named (0 for none)."""
    mask = 0
    for name in names:
        mask |= int(GroupFlag[name])
    return mask


def group_union(masks) -> int:
    """OR of GroupFlag masks (0 for none)."""
    union = 0
    for mask in masks:
        union |= mask
    return union


def target_masks(entries) -> tuple[int, tuple[int, ...]]:
    """A `target` list (any of its entries; an entry is a flag name or an all-of list of names) as the
    any-of mask of its single flags and the masks of its all-of entries."""
    single = group_mask(e for e in entries if isinstance(e, str))
    return single, tuple(group_mask(e) for e in entries if not isinstance(e, str))


ALL_GROUPS = 0xFFFFFFFF     # every GroupFlag bit (an untargeted instrument's reach)

MAX_INSTRUMENTS = 64    # enabled instruments per scenario (the kernels' month record holds this many)
MAX_ALL_OF_GROUPS = 5   # all-of entries per instrument `target` (the kernels' eligibility test reads this many)

# Types the engine can run (all of them; validation still checks membership).
IMPLEMENTED_TYPES = frozenset(InstrumentType)


class UiStatus(IntEnum):
    """Where a person stands with unemployment insurance (persons.ui_status)."""

    NONE = 0              # no claim in this spell (yet)
    BENEFIT = 1           # drawing 失业保险金
    TO_RETIREMENT = 2     # entitlement ran out < 1 year before retirement: paid until retirement
    AID = 3               # drawing 失业补助金 after expiry
    EXHAUSTED = 4         # claim over (or not eligible) in this spell


class Fund(IntEnum):
    ui_fund = 0               # 失业保险基金
    employment_fund = 1       # 就业补助资金
    skills_fund = 2           # 职业技能提升行动专账
    restructuring_fund = 3    # 工业企业结构调整专项奖补资金
    rural_fund = 4            # 衔接推进乡村振兴补助资金
    guarantee_fund = 5        # 创业担保贷款担保基金
    civil_affairs = 6         # 民政/低保
    municipal_budget = 7
    tax_forgone = 8           # revenue forgone
    si_forgone = 9            # revenue forgone


REVENUE_FORGONE_FUNDS = frozenset({Fund.tax_forgone, Fund.si_forgone})
"""Revenue forgone (收入减少), not cash: reports never add these to cash spending (DESIGN §4, §10)."""

FUND_NAMES_ZH = {
    Fund.ui_fund: "失业保险基金",
    Fund.employment_fund: "就业补助资金",
    Fund.skills_fund: "职业技能提升行动专账",
    Fund.restructuring_fund: "工业企业结构调整专项奖补资金",
    Fund.rural_fund: "衔接推进乡村振兴补助资金",
    Fund.guarantee_fund: "创业担保贷款担保基金",
    Fund.civil_affairs: "民政(低保)资金",
    Fund.municipal_budget: "市级财政",
    Fund.tax_forgone: "税收减免(收入减少)",
    Fund.si_forgone: "社保费减免(收入减少)",
}



class Payee(IntEnum):
    person = 0
    firm = 1
    borrower = 2
    provider = 3
    host = 4
    employer = 5
    institution = 6
    household = 7
    agency = 8


PAYEE_NAMES_ZH = {
    Payee.person: "个人",
    Payee.firm: "企业",
    Payee.borrower: "借款人",
    Payee.provider: "培训机构",
    Payee.host: "见习单位",
    Payee.employer: "用人单位",
    Payee.institution: "经办机构",
    Payee.household: "家庭",
    Payee.agency: "人力资源服务机构",
}
"""Chinese names of the payees (aliases in scenario files, as GROUP_NAMES_ZH)."""



class CostLine(IntEnum):
    """Components an instrument pays; the ledger keeps them apart (a budget line each)."""

    main = 0                  # the instrument's principal payment
    ui_medical = 1            # 代缴基本医疗保险费(含生育)
    ui_aid = 2                # 失业补助金 after UI expiry
    ui_top_up = 3             # temporary top-up (临时提高 / 价格临时补贴)
    loan_compensation = 4     # 代偿: the guarantee fund repays a defaulted guaranteed loan
    training_living = 5       # 生活费补贴 to trainees
    training_followup = 6     # 后续跟踪服务费 to providers
    training_appraisal = 7    # 鉴定补贴
    intern_retention = 8      # 留用奖补 to hosts
    public_job_si = 9         # social-insurance subsidy of a public-welfare post
    ui_migrant_allowance = 10  # 失业农民工一次性生活补助 (one-off, insured under a year)


N_COST_LINES = len(CostLine)


class EntityKind(IntEnum):
    """First component of every random-number key besides seed and replication."""

    PERSON = 0
    FIRM = 1
    FIRM_SLOT = 2
    PERSON_INIT = 3      # attributes drawn when the population is generated
    FIRM_INIT = 4
    PARAMETER = 5        # behaviour parameters drawn per replication (sim.uncertainty); entity = key hash


class Slot(IntEnum):
    """One code per random decision (DESIGN §3). Never renumber; append only."""

    # monthly person decisions
    SEPARATION = 0
    SEPARATION_KIND = 1
    REGISTER = 2
    JOB_FIND = 3
    MATCH_FIRM = 4
    TO_TRAINING = 5
    TO_INTERNSHIP = 6
    TO_SELF_EMPLOYMENT = 7
    TO_FLEXIBLE = 8
    TO_PUBLIC_JOB = 9
    TO_INACTIVE = 10
    FROM_INACTIVE = 11
    BUSINESS_FAILURE = 12
    TRAINING_END = 13
    INTERNSHIP_END = 14
    INTERN_RETAINED = 15
    FLEXIBLE_EXIT = 16
    PUBLIC_JOB_EXIT = 17
    GRADUATE_DESTINATION = 18
    CERTIFICATE = 19
    WORK_AWAY = 20
    WAGE = 21
    CONTRACT = 22
    TAKE_UP = 23
    LATE_REGISTER = 24
    SKILL_CERTIFICATE = 25   # an insured employee obtains a skill certificate
    INTERN_EARLY_HIRE = 26
    INSTRUMENT = 27          # an instrument's take-up (keyed further by the instrument's own key)
    INSTRUMENT_DETAIL = 28   # an instrument's second draw (renting, loan size, via an agency …)
    LOAN_DEFAULT = 29
    LOAN_DEFERRAL = 30
    BUSINESS_SECTOR = 31     # agriculture or not, keyed by the business's start month
    LOAN_CAPACITY = 32       # a new guaranteed loan fits the guarantee fund's capacity
    CERTIFY = 33             # a registered unemployed person in a category applies and is certified (认定)
    CLOSURE_LAYOFF = 34      # an employee of a firm record that closes in part loses the job to a closure
    # firm decisions
    FIRM_EXIT = 40
    FIRM_BIRTH = 41
    VACANCY = 42
    FIRM_SIZE = 43
    FIRM_SECTOR = 44
    FIRM_WAGE = 45
    # population attributes (drawn once, PERSON_INIT / FIRM_INIT)
    ATTR_DISTRICT = 60
    ATTR_AGE = 61
    ATTR_SEX = 62
    ATTR_EDUCATION = 63
    ATTR_HUKOU = 64
    ATTR_DISABILITY = 65
    ATTR_HOUSEHOLD = 66
    ATTR_VETERAN = 67
    ATTR_SKILL = 68
    ATTR_STATE = 69
    ATTR_DURATION = 70
    ATTR_CONTRIB = 71
    ATTR_EMPLOYER = 72
    ATTR_WAGE = 73
    ATTR_REGISTERED = 74
    ATTR_WORK_AWAY = 75
    ATTR_COHORT = 76
    ATTR_RETIREMENT_TYPE = 77
    ATTR_UI_LEFT = 78
    ATTR_AGE_FINE = 79
    ATTR_HOUSEHOLD_2 = 80
    ATTR_POVERTY = 81
    ATTR_RELOCATED = 82
    ATTR_LOW_INCOME = 83
    ATTR_RETURNEE = 84
    ATTR_ZERO_EMPLOYMENT = 85
    ATTR_CADRE = 86
    ATTR_SEVERITY = 87
    ATTR_TENURE = 88
    ATTR_UI_CONTRIB = 89
    ATTR_AWAY_PROVINCE = 90
    ATTR_FIRM_SIZE = 91
    ATTR_FIRM_LAYOFFS = 92
    ATTR_FIRM_AGE = 93
    ATTR_FIRM_DISTRICT = 94
    ATTR_UI_MONTHS = 95
    ATTR_COHORT_HUKOU = 96
    ATTR_CERTIFIED = 97      # initial 就业困难人员 certification of the starting population
    ATTR_FIRM_BASE = 98      # a firm declares its staff's contribution base at the floor


NEVER = -32768      # int16 month index meaning "has not happened" (hire, training completion, exit …)

# Money: a micro-fen nudge before rounding half up to the fen, so that binary representation error
# cannot flip a half (0.085 × 1701 = 144.58499… in binary must give 14,459 fen); no real amount lies
# within 10⁻⁶ fen below a half. Used by every rounding to the fen (sim.kernels.money, sim.engine,
# sim.population).
FEN_ROUNDING_NUDGE = 1e-6


class Outcome(IntEnum):
    """Per-month outcome counters accumulated by the kernels (unweighted persons)."""

    # stocks at the end of the month, by state
    stock_student = 0
    stock_employed = 1
    stock_unemployed = 2
    stock_training = 3
    stock_intern = 4
    stock_self_employed = 5
    stock_flexible = 6
    stock_public_job = 7
    stock_inactive = 8
    stock_retired = 9
    registered_unemployed = 10
    ui_recipients = 11
    ui_aid_recipients = 12
    # flows during the month
    entries_to_employment = 13        # from outside employment into a local job, business, flexible work or public post (城镇新就业人数)
    natural_attrition = 14            # employed persons retiring (自然减员)
    reemployed_unemployed = 15        # registered unemployed → employment (失业人员再就业)
    difficulty_employed = 16          # difficulty group → employment (困难人员就业)
    separations_involuntary = 17
    separations_other = 18
    business_starts = 19
    business_closures = 20
    graduates_entering = 21
    graduates_placed = 22             # of this year's cohort, in a destination (去向落实) at month end
    graduates_cohort = 23             # size of this year's cohort
    graduates_employed = 24           # of this year's cohort, employed at month end
    retirements = 25
    entries_from_outside = 26         # graduates entering the working-age population
    hires_from_unemployment = 27
    labour_force_exits_to_inactive = 28
    firms_alive = 29
    firm_exits = 30
    firm_births = 31
    vacancies = 32
    insured_employees = 33
    ui_claims_new = 34
    stock_employed_away = 35          # EMPLOYED with no local employer
    training_completions = 36
    training_certificates = 37
    skill_certificates = 38           # certificates of insured employees (技能提升)
    interns_retained = 39
    loans_issued = 40
    loans_outstanding = 41            # stock at month end
    loans_defaulted = 42


N_OUTCOMES = len(Outcome)
