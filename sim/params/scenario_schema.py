"""The scenario file's schema: [scenario], [run], and [instruments.<ID>] with per-type parameters.

Every default that is not plain bookkeeping says where it comes from (DOMAIN_NOTES row, seed
citation, or ``assumption:``), so the report appendix can show a source for every value in force.
"""
from __future__ import annotations

import re
from typing import Any

from sim.codes import IMPLEMENTED_TYPES, Fund, InstrumentType, Payee
from sim.instruments.registry import TYPE_SCHEMAS as OTHER_TYPE_SCHEMAS
from sim.schema import CHECKS, DERIVED, REQUIRED, Field, Schema, named

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""Instrument IDs, scenario names and locality names: safe as file and folder names."""

# a folder name may have 255 bytes; results/compare-<name>/ and sensitivity-<name>/ add a prefix
MAX_NAME = 100
NAME_RULE = "must start with a letter or digit and use only letters, digits, '_', '.', '-'"


def _name_is_safe(values: dict[str, Any]) -> list[tuple[str, Any, str]]:
    # the name becomes the results folder results/<name>/
    name = values.get("name")
    if isinstance(name, str) and not NAME_PATTERN.match(name):
        return [("name", name, f"{NAME_RULE} (it names the results folder)")]
    if isinstance(name, str) and len(name) > MAX_NAME:
        return [("name", name, f"at most {MAX_NAME} characters (it names the results folder)")]
    return []


def _locality_is_folder(values: dict[str, Any]) -> list[tuple[str, Any, str]]:
    locality = values.get("locality")
    if isinstance(locality, str) and not NAME_PATTERN.match(locality):
        return [("locality", locality, f"{NAME_RULE} (it names the folder calibration/<locality>/)")]
    return []


SCENARIO: Schema = {
    "name": Field("str", min=1, description="short identifier, also the results folder name"),
    "title_zh": Field("str", min=1, description="Chinese title shown in reports", name_zh="标题"),
    "title_en": Field("str", default="", description="English title"),
    "description": Field("str", default="", description="free text"),
    "locality": Field("str", min=1, description="folder calibration/<locality>/ with profile.toml"),
    "start": Field("month", description="first month of the run"),
    "months": Field("int", unit="months", min=1, max=600, description="length of the run"),
    "extends": Field("str", default="", description="scenario file this one inherits from, "
                     "relative to this file"),
    CHECKS: (_name_is_safe, _locality_is_folder),
}

RUN: Schema = {
    "persons": Field("int", unit="persons", min=100, max=50_000_000, default=100_000,
                     description="simulated working-age persons at the start (each stands for "
                                 "profile population.working_age_population / persons people)"),
    "seed": Field("int", min=0, max=2**63 - 1, default=1, description="random seed; 0 is a valid seed"),
    "reps": Field("int", unit="replications", min=1, max=10_000, default=1,
                  description="Monte Carlo replications"),
    "responses": Field("bool", default=True,
                       description="false switches every behavioural response to policy off (the "
                                   "behaviour file's [responses]): a static, pure accounting projection"),
    "warmup_months": Field("int", unit="months", min=0, max=240, default=DERIVED,
                           description="months simulated before the first reported month, under the rules then "
                                       "in force (sim.warmup), so the run begins with the caseload that exists; "
                                       "nothing from them is reported. Default: long enough for the longest "
                                       "duration of an enabled continuing instrument and for a complete "
                                       "calendar year of firm accounts; 0 = cold start"),
    "parameter_uncertainty": Field("bool", default=True,
                                   description="with reps > 1, each replication draws the behaviour parameters "
                                               "that carry a distribution (sim.uncertainty); false uses their "
                                               "central values"),
}

TYPE_NAMES = tuple(InstrumentType.__members__)
APPLICATIONS = ("required", "none")
IMPLEMENTED_NAMES = tuple(t.name for t in sorted(IMPLEMENTED_TYPES))

INSTRUMENT_COMMON: Schema = {
    "type": Field("enum", choices=TYPE_NAMES, description="instrument type (DESIGN §6)"),
    "enabled": Field("bool", default=True, description="false switches the instrument off"),
    "name_zh": Field("str", min=1, description="Chinese name", name_zh="名称"),
    "name_en": Field("str", default="", description="English name"),
    "target": Field("groups", default=[], description="eligible if any entry holds: a group flag, or an "
                    "all-of list of flags (「登记失业的16—24岁青年」 = [\"reg_unemployed\", \"youth_16_24\"]); "
                    "empty = no group restriction"),
    "exclude": Field("flags", default=[], description="not eligible if any of these flags is set"),
    "funding": Field("fund_split", description="paying fund, or a table fund → share summing to 1"),
    "payee": Field("enum", choices=tuple(Payee.__members__), description="who receives the money"),
    "valid": Field("month_range", default=DERIVED,
                   description="[first, last] month in force (实施期限); default: the whole run"),
    "text_valid": Field("month_range", default=DERIVED,
                        description="the window the policy text states, when `valid` departs from it (e.g. a "
                        "measure the text ends in 2023, modelled to 2025 on a national renewal); the report "
                        "lists every such instrument. Needs text_valid_reason. Default: none (`valid` is the "
                        "text's window)"),
    "text_valid_reason": Field("str", default="", description="why `valid` departs from `text_valid` (a "
                               "citation or 'assumption: …'); required with text_valid"),
    "application": Field("enum", choices=APPLICATIONS, default="required",
                         description="required: the payee must apply, so `take_up` is given; none: paid "
                         "without application (免申即享, 直补快办: data matching), to every eligible case"),
    "take_up": Field("float", unit="probability", min=0.0, max=1.0, default=DERIVED, by_month=True,
                     description="probability that an eligible claim is made (application = \"required\": "
                     "must be given, with take_up_source); 1 when application = \"none\""),
    "take_up_source": Field("str", default="", description="where the take-up comes from: a citation or "
                            "'assumption: …'; for application = \"none\", the source of the automatic "
                            "payment"),
    "since": Field("month", default=DERIVED, description="month the instrument, or the programme it restates, "
                   "came into force (e.g. a national programme a 2023 text restates); it is in force from "
                   "then to the end of `valid`, in the warm-up months too. Default: the start of `valid` "
                   "(a measure the text creates)"),
    "since_source": Field("str", default="", description="where `since` comes from (a law or document, "
                          "DOMAIN_NOTES row, or 'assumption: …'); required with `since`"),
    "exclusive_group": Field("str", default="", description="stacking group: at most one instrument "
                             "of a group per person and event"),
    "priority": Field("int", default=0, description="order within an exclusive group (higher first)"),
    "source": Field("str", min=1, description="seed citation such as '004 A1§(七)', an external "
                    "reference, or 'assumption: …'"),
    "catalogue_id": Field("str", default=DERIVED, description="POLICY_CATALOGUE ID; default: the "
                          "instrument's key"),
    "note": Field("str", default="", description="free text"),
}


MAX_SCHEDULE_ROWS = 8   # rows of the UI duration schedule the kernels' month record holds


def _schedule_x_nonnegative(values: dict[str, Any]) -> list[tuple[str, Any, str]]:
    schedule = values.get("duration_schedule", [])
    if schedule and schedule[0][0] < 0:
        return [("duration_schedule", schedule,
                 "contribution years (the x of each pair) must be at least 0")]
    if len(schedule) > MAX_SCHEDULE_ROWS:
        return [("duration_schedule", schedule, f"at most {MAX_SCHEDULE_ROWS} rows")]
    return []


UI_BENEFIT: Schema = {
    "ratio": Field("float", unit="share of minimum wage", min=0.0, max=1.5, default=0.9,
                   by_month=True, name_zh="失业保险金标准",
                   description="benefit = ratio × the person's district minimum wage; "
                   "default 0.9: 2017 national guideline to raise UI to 90 % of the minimum wage "
                   "(DOMAIN_NOTES A16)"),
    "min_contribution_months": Field("int", unit="months", min=0, max=120, default=12,
                                     description="UI contribution months needed to qualify; "
                                     "《失业保险条例》 Art. 14: ≥ 1 year (DOMAIN_NOTES A14)"),
    "duration_schedule": Field("schedule", unit="months", min=0, max=60,
                               default=[[1, 12], [5, 18], [10, 24]],
                               description="pairs [contribution years, benefit months]: from x "
                               "years on, y months; 《失业保险条例》 Art. 17 (DOMAIN_NOTES A15)"),
    "max_months": Field("int", unit="months", min=0, max=60, default=24,
                        description="cap on entitlement including carried-over months "
                        "(DOMAIN_NOTES A15)"),
    "carry_over": Field("bool", default=True, description="unused months carry into the next claim "
                        "(DOMAIN_NOTES A15)"),
    "continue_to_retirement_within_months": Field(
        "int", unit="months", min=0, max=120, default=12, by_month=True,
        description="if at expiry fewer months than this remain to statutory retirement, the benefit "
        "continues to retirement; 0 disables (seed 003 §(十七), DOMAIN_NOTES A17); by effective month "
        "(the national rule dates from 2019-12)"),
    "medical_rate": Field("float", unit="share of base", min=0.0, max=0.3, default=0.08,
                          by_month=True, name_zh="代缴医疗保险费率",
                          description="basic medical (incl. maternity) contribution paid on the "
                          "recipient's behalf (seed 004 M§21); assumption: 8 % of the base"),
    "medical_base": Field("enum", choices=("benefit", "contribution_floor"), default="benefit",
                          description="base of the medical contribution; assumption: the benefit"),
    "aid_ratio": Field("float", unit="share of UI benefit", min=0.0, max=1.5, default=0.8,
                       by_month=True, name_zh="失业补助金标准",
                       description="失业补助金 after UI expiry as a share of the UI benefit "
                       "(seed 003 §(十七), 004 A3§(二)); assumption: 80 %"),
    "aid_months": Field("int", unit="months", min=0, max=60, default=6,
                        description="months of 失业补助金; assumption: 6"),
    "aid_for_ineligible": Field("bool", default=False,
                                description="also pay 失业补助金 to insured unemployed with too few "
                                "contribution months"),
    "migrant_allowance_months": Field(
        "float", unit="months of UI benefit", min=0.0, max=24.0, default=0.0, by_month=True,
        name_zh="失业农民工一次性生活补助",
        description="one-off living allowance to an involuntarily unemployed migrant worker (migrant_worker: "
        "hukou not local urban) insured for fewer than min_contribution_months, in months of this month's "
        "benefit, paid when the claim is made (registered, taken up; the months of contributions are used "
        "up); 《失业保险条例》 Art. 21 leaves the amount to the province; default none"),
    "top_up": Field("float", unit="yuan/month", min=0.0, max=100_000.0, default=0.0, by_month=True,
                    name_zh="临时提高/价格临时补贴",
                    description="temporary top-up per recipient (UI-01, UI-05); default none"),
    "registration_required": Field("bool", default=True,
                                   description="only registered unemployed may claim "
                                   "(DOMAIN_NOTES A14)"),
    CHECKS: (_schedule_x_nonnegative,),
}

ECONOMY: Schema = {
    "separation_multiplier": Field("float", unit="× behaviour rate", min=0.0, max=10.0, default=1.0, by_month=True,
                                   description="economy-wide multiplier on employees' monthly separation "
                                               "probability (a downturn: e.g. { \"2024-03\" = 1.5, "
                                               "\"2024-09\" = 1.0 })"),
    "firm_exit_multiplier": Field("float", unit="× behaviour rate", min=0.0, max=20.0, default=1.0, by_month=True,
                                  description="multiplier on firms' monthly exit probability"),
    "vacancy_multiplier": Field("float", unit="× behaviour rate", min=0.0, max=10.0, default=1.0, by_month=True,
                                description="multiplier on vacancies posted (labour demand)"),
}
"""Scenario-driven shocks to the labour market (DESIGN §5 step 3: difficulty shocks, downturns)."""

TYPE_SCHEMAS: dict[str, Schema] = {
    "ui_benefit": UI_BENEFIT,
    **OTHER_TYPE_SCHEMAS,
}
"""Type-specific parameters of every implemented instrument type."""

BUDGET_FUNDS = tuple(f.name for f in Fund if f not in (Fund.tax_forgone, Fund.si_forgone, Fund.ui_fund))
ENVELOPE: Schema = {
    "annual_yuan": Field("float", unit="yuan/year", min=0.0, max=1e13, default=0.0, by_month=True,
                         name_zh="年度预算",
                         description="the fund's budget for each calendar year (the value in force in "
                                     "January, or in the run's first month); 0 = no envelope"),
    "rule": Field("enum", choices=("stop", "prorate"), default="stop",
                  description="stop: claims are paid in month order until the year's budget is spent, the "
                              "month that exhausts it pays every claim the same fraction, later claims are "
                              "unfunded demand; prorate: the budget is spread evenly over the months left in "
                              "the year (unspent money carries forward) and a month whose claims exceed its "
                              "share pays every claim the same fraction"),
}
BUDGET: Schema = {fund: ENVELOPE for fund in BUDGET_FUNDS}
"""[budget.<fund>]: annual envelopes (DESIGN §4); the UI fund is an account, not an envelope."""

def _transfers_within_whole(values: dict) -> list:
    central, provincial = values.get("central_share"), values.get("provincial_share")
    if isinstance(central, (int, float)) and isinstance(provincial, (int, float)) and central + provincial > 1:
        return [("provincial_share", provincial,
                 f"central_share + provincial_share must not exceed 1 (central_share is {central})")]
    return []


COST_SHARING: Schema = {
    CHECKS: (_transfers_within_whole,),
    "central_share": Field("float", unit="share", min=0.0, max=1.0, default=0.0,
                           description="share of the shared funds' outlays financed by central transfers "
                                       "(中央就业补助资金) before the city/district split (e.g. Changzhou: "
                                       "「在统筹中央、省就业补助资金后,其余…」, 001 closing paragraph)"),
    "provincial_share": Field("float", unit="share", min=0.0, max=1.0, default=0.0,
                              description="share financed by provincial transfers (省级就业补助资金) before "
                                          "the city/district split"),
    "city_share": Field("table", unit="share", min=0.0, max=1.0, default={},
                        description="per district code: the share of each payment in that district, net of "
                                    "the central and provincial transfers, borne by the city budget, the rest "
                                    "by the district (e.g. Changzhou: three districts 0.5, the others 0, 001 "
                                    "closing paragraph)"),
    "default_city_share": Field("float", unit="share", min=0.0, max=1.0, default=1.0,
                                description="city share in districts not listed"),
    "funds": Field("choice_list", choices=tuple(f.name for f in Fund), default=[f.name for f in Fund
                   if f not in (Fund.ui_fund, Fund.tax_forgone, Fund.si_forgone)],
                   description="funds the sharing applies to (default: the budget funds)"),
}
"""[cost_sharing]: the split of each fund's outlays between the city and its districts."""

TOP_LEVEL = ("scenario", "run", "economy", "budget", "cost_sharing", "instruments")


SECTIONS: dict[str, Schema] = {"scenario": SCENARIO, "run": RUN, "economy": ECONOMY, "budget": BUDGET,
                                "cost_sharing": COST_SHARING}


# The Chinese name of every instrument parameter without one of its own, by key (the same key means the
# same in every type); `sim.schema.named` sets them as the fields' `name_zh` for the reports.
INSTRUMENT_NAMES_ZH = {
    "agencies": "机构数", "aid_for_ineligible": "不符合领金条件者发放失业补助金", "aid_months": "失业补助金月数",
    "application": "申领方式", "applies_to": "适用对象", "award_month": "奖补发放月", "base_share": "基础比例",
    "basis": "计算基数", "benefit_months": "领取月数", "borrower_discount_bp": "借款人利率优惠(基点)",
    "cap_per_agency": "每家机构上限", "carry_over": "结转", "certificate_required": "须取得证书",
    "compensation_share": "代偿比例", "continue_to_retirement_within_months": "距退休月数内延续领取",
    "contribution_months": "缴费月数", "contribution_rate": "费率", "count": "数量",
    "cross_province_amount": "跨省标准", "days": "天数", "default_share": "违约比例", "deferral_months": "缓缴月数",
    "deferral_share": "缓缴比例", "duration_schedule": "领取期限表", "enabled": "是否启用", "event": "触发事件",
    "exclude": "排除人群", "exclusive_group": "互斥组", "extension_months": "延长月数", "extension_target": "延长适用人群",
    "extension_expiry": "可延长的期满月份", "mean_share_of_limit": "平均贷款额占上限比例",
    "firm_sizes": "企业规模", "first_time_only": "仅限首次", "funding": "资金渠道",
    "guarantee_fund_yuan": "担保基金(元)", "high_retention_rate": "高留用率门槛", "high_retention_share": "高留用率比例",
    "layoff_rate_max": "裁员率上限", "leverage": "放大倍数", "lines": "支出科目", "max_months": "最长月数",
    "max_per_year": "每年上限", "max_placements": "介绍人数上限", "max_years": "最长年限", "medical_base": "医疗保险缴费基数",
    "min_contract_months": "最短合同期(月)", "min_contribution_months": "最短缴费月数",
    "min_fund_months": "基金备付门槛(月)", "min_share_of_limit": "不低于上限的比例", "min_ui_months": "最短参保月数",
    "months": "月数", "once_per_person": "每人限一次", "operating_months": "经营月数", "pay_month": "发放月",
    "payee": "支付对象", "per_day": "每日标准", "posts": "岗位数", "priority": "优先次序", "registration_required": "须登记",
    "remaining_period": "剩余期限", "renting_share": "租房比例", "sector": "行业", "si_subsidy_share": "社保补贴比例",
    "since": "起始月份", "small_firm_insured_max": "小微企业参保人数上限", "small_firm_layoff_rate_max": "小微企业裁员率上限",
    "spread_bp": "利差(基点)", "start_after_months": "起始于第几个月后", "subsidy_rule": "补贴规则",
    "subsidy_share": "补贴比例", "take_up": "申领率", "target": "适用人群", "term_months": "期限(月)", "tiers": "分档",
    "to_retirement_within_years": "距退休年数内", "type": "政策类型", "valid": "有效期", "amount": "补贴标准",
    "share": "返还比例", "name_en": "英文名称", "text_valid": "原文有效期", "text_valid_reason": "有效期调整理由",
    "take_up_source": "申领率来源", "since_source": "起始月份来源", "source": "政策依据", "catalogue_id": "政策目录编号",
    "note": "备注", "vesting_months": "须稳定就业月数", "groups_at_entry": "按参保时人群认定",
    "typical_rent": "典型月租金", "ui_recipients": "含失业保险金领取人员", "wait_months": "须持续月数",
    "usable_share": "可抵扣比例", "via_agency_share": "经机构介绍比例",
}
# The Chinese name of every scenario-section parameter without one of its own, by path in SECTIONS.
SECTION_NAMES_ZH = {
    "scenario.name": "情景标识", "scenario.title_en": "英文标题", "scenario.description": "说明",
    "scenario.locality": "地区", "scenario.start": "起始月份", "scenario.months": "测算月数",
    "scenario.extends": "继承的情景文件", "run.persons": "模拟人数", "run.seed": "随机种子", "run.reps": "重复次数",
    "run.responses": "启用政策行为响应", "run.warmup_months": "预热月数", "run.parameter_uncertainty": "参数不确定性",
    "economy.separation_multiplier": "离职率系数", "economy.firm_exit_multiplier": "企业退出率系数",
    "economy.vacancy_multiplier": "岗位空缺系数", "cost_sharing.central_share": "中央转移支付比例",
    "cost_sharing.provincial_share": "省级转移支付比例", "cost_sharing.city_share": "市级分担比例",
    "cost_sharing.default_city_share": "未列明地区的市级分担比例", "cost_sharing.funds": "适用资金",
    "rule": "超支处理规则",
}
INSTRUMENT_COMMON = named(INSTRUMENT_COMMON, INSTRUMENT_NAMES_ZH)
TYPE_SCHEMAS = {name: named(schema, INSTRUMENT_NAMES_ZH) for name, schema in TYPE_SCHEMAS.items()}
UI_BENEFIT = TYPE_SCHEMAS["ui_benefit"]
SECTIONS = named(SECTIONS, SECTION_NAMES_ZH)
SCENARIO, RUN, ECONOMY, BUDGET, COST_SHARING = (SECTIONS[k] for k in ("scenario", "run", "economy", "budget",
                                                                      "cost_sharing"))


def instrument_schema(type_name: Any) -> Schema | None:
    """Return common + type-specific fields of an implemented type, or None for any other type."""
    if isinstance(type_name, str) and type_name in TYPE_SCHEMAS:
        return {**INSTRUMENT_COMMON, **TYPE_SCHEMAS[type_name]}
    return None


def node_at(path: tuple[str, ...], instrument_type: Any = None) -> Field | dict | None:
    """Return the schema node at a key path: a `Field`, a section dict, or None when unknown.

    Parameters
    ----------
    path : tuple of str
        Key path from the top of a scenario document.
    instrument_type : Any
        For paths inside ``instruments.<ID>``: that instrument's type (as written, may be invalid).
    """
    if not path:
        return None
    head, rest = path[0], path[1:]
    if head in SECTIONS:
        node: Any = SECTIONS[head]
    elif head == "instruments":
        if len(rest) == 0:
            return {}
        if len(rest) == 1:
            return instrument_schema(instrument_type) or INSTRUMENT_COMMON
        node = instrument_schema(instrument_type) or INSTRUMENT_COMMON
        rest = rest[1:]
    else:
        return None
    for key in rest:
        if not isinstance(node, dict) or key.startswith("__"):
            return None
        node = node.get(key)
    return node


def is_value_path(path: tuple[str, ...], instrument_type: Any = None) -> bool:
    """True when `path` names a parameter (a value, replaced wholesale by ``extends``)."""
    return isinstance(node_at(path, instrument_type), Field)


__all__ = ["SCENARIO", "RUN", "ECONOMY", "BUDGET", "COST_SHARING", "SECTIONS", "INSTRUMENT_COMMON", "UI_BENEFIT", "TYPE_SCHEMAS", "TYPE_NAMES",
           "IMPLEMENTED_NAMES", "NAME_PATTERN", "TOP_LEVEL", "instrument_schema", "node_at",
           "is_value_path", "REQUIRED"]
