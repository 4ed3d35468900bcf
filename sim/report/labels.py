"""Words of the reports in Chinese (default) and English: headings, column names, fund and line names."""
from __future__ import annotations

from sim.codes import FUND_NAMES_ZH, CostLine, Fund
from sim.metrics import label
from sim.params.scenario_schema import INSTRUMENT_COMMON, TYPE_SCHEMAS

LANGS = ("zh", "en")

TEXT = {
    "zh": {
        "run_title": "就业补贴预算测算报告", "compare_title": "政策情景对比报告",
        "setting": "测算设定", "kpi": "核心指标", "kpi_diff": "核心差异(改革 − 基准,90% 置信区间)", "budget": "年度预算(按政策项目与资金渠道)",
        "budget_fund": "年度预算(按资金渠道)", "monthly": "月度支出(按资金渠道)", "ui_fund": "失业保险基金收支与备付月数",
        "outcomes": "就业结果", "targets": "就业目标完成情况", "differences": "情景差异(改革 − 基准)",
        "attribution": "反事实归因:新增就业、无谓损失与每新增就业成本", "appendix": "附录:参数与来源",
        "method": "方法说明", "no_targets": "本地区尚无目标文件(calibration/{locality}/targets.toml)。",
        "scenario": "情景", "period": "测算期", "persons": "模拟人数", "seed": "随机种子", "reps": "重复次数",
        "weight": "每个模拟人代表人数", "created": "生成时间", "sha": "情景文件校验值(sha256)",
        "total_cost": "现金支出合计", "forgone_total": "收入减少合计(减免,不计入现金支出)", "year": "年度", "instrument": "政策项目", "name": "名称", "type": "类型",
        "windows": "有效期与原文不同的政策", "text_window": "原文有效期", "model_window": "测算有效期", "reason": "理由",
        "windows_note": "这些政策按测算有效期计入;按原文有效期测算见同名“as-written”改革情景(如有)。",
        "fund": "资金渠道", "line": "支出科目", "amount_yuan": "金额(元)", "amount_wan": "金额(万元)",
        "p5": "P5(万元)", "p50": "P50(万元)", "p95": "P95(万元)", "payments": "支付人次",
        "claimed_wan": "申领额(万元)", "unfunded_wan": "预算不足未付(万元)", "month": "月份",
        "revenue_wan": "收入(万元)", "outlays_wan": "支出(万元)", "balance_wan": "结余(万元)",
        "months_of_cover": "备付月数", "metric": "指标", "value": "数值", "unit": "单位", "low": "P5", "high": "P95",
        "target": "目标", "simulated": "模拟值", "met": "是否达成", "source": "来源", "tolerance": "容差",
        "relation": "目标关系", "base": "基准", "reform": "改革", "difference": "差异", "ci": "90% 置信区间",
        "ci_low": "区间下限", "ci_high": "区间上限", "category": "类别", "item": "项目",
        "cost_wan": "支出(万元)", "subsidised_hires": "受补贴就业人数", "deadweight_share": "无谓损失比例",
        "additional_jobs": "新增就业(期末人数)", "additional_months": "新增就业(人月)",
        "cost_per_job": "每新增就业成本(万元/人)", "cost_per_job_year": "每新增就业年成本(万元/人年)",
        "offsets_wan": "财政抵减(万元)", "net_cost_wan": "净成本(万元)", "parameter": "参数", "yes": "是", "no": "否",
        "wan": "万元", "persons_unit": "人", "share_unit": "比例", "months_unit": "月", "all_years": "全期",
        "cost": "支出", "outcome": "结果", "fund_cat": "基金", "none": "—",
        "run_note": "金额为全市总体估计(模拟样本 × 权重),以元计、精确到分;多次重复时给出均值与 P5–P95 区间。",
        "compare_note": ("各情景在每次重复中使用相同的初始人口和随机数(共同随机数),差异为逐次配对差的均值,"
                         "区间为配对差均值的 90% t 置信区间(一次重复时不给出)。"),
        "diff_note": "金额单位万元;未列出在各次重复中支出均无变化的政策项目(见工作簿“情景对比”表)。",
        "attribution_note": ("逐项关闭政策后重跑同一重复;受补贴者在反事实中于 ±{window} 个月内同样就业的视为无谓损失;"
                             "新增就业为期末在业人数之差;财政抵减为其他项目支出减少与失业保险缴费增加。"
                             "每新增就业成本在新增就业不为正时不适用(—)。"),
        "kpi_new_jobs": "城镇新增就业", "kpi_rate": "城镇调查失业率", "kpi_reemployed": "失业人员再就业",
        "kpi_difficulty": "就业困难人员就业", "kpi_ui_balance": "失业保险基金期末结余", "kpi_cover": "期末备付月数",
        "sens_title": "敏感性分析报告", "sens_setting": "分析设定", "sens_method": "方法", "sens_params": "参数与取值范围",
        "sens_metric": "指标", "sens_indices": "敏感性指标", "sens_design": "设计点与指标均值",
        "low_value": "下限", "high_value": "上限", "central": "中心值", "metric_central": "中心值处指标",
        "metric_low": "下限处指标", "metric_high": "上限处指标", "swing": "摆幅", "runs": "运行次数",
        "sens_note": ("每个设计点使用相同的随机种子与重复(共同随机数);指标为各次重复的均值。单因素(OAT)逐一把参数置于上下限、"
                      "其余取中心值;Morris 给出平均绝对基本效应 μ* 与标准差 σ;Sobol 给出一阶指数 S1 与总效应指数 ST,"
                      "区间为 95% 自助法置信区间。"),
        "tornado": "龙卷风图:参数取上下限时指标相对中心值的变化", "at_low": "取下限", "at_high": "取上限",
        "budget_chart": "测算全期支出最大的 25 个政策项目(各年合计,万元)",
        "by_code": "就业补助资金(按政府收支分类科目 功能科目)", "by_level": "就业补助资金(按资金层级)",
        "sy08": "失业保险基金收支预算表(社预08)", "performance": "项目支出绩效目标申报表(预填)",
        "sy08_note": ("按社预08 表式列示,金额为各次重复均值(万元);未建模的收支项留空。期初余额 = 年末滚存结余 − 本年收支结余;"
                      "上年度滚存结余备付期限不足 12 个月时不发放稳岗返还与技能提升补贴。"),
        "performance_note": ("指标值全部取自结果文件(“数据来源”列);单位名称、权重与满意度指标由填报单位填写。"
                             "数量指标为支付人次(按月发放的项目为人月),不是去重人数。"),
        "summary": "摘要", "changes": "参数变更一览表", "key": "参数键", "scenario_file": "情景文件",
        "legend": "引用代码说明", "code": "代码", "document": "文件", "file": "仓库中的文件",
        "legend_note": ("条款写法:M§10 为正文第10项措施,A1§(七) 为附件1第(七)条,§(九)¶3 为第(九)条第3段,L39 为文件第39行;"
                        "“assumption”为本模型的假设,“derived”为推算。"),
    },
    "en": {
        "run_title": "Employment-subsidy budget projection", "compare_title": "Policy scenario comparison",
        "setting": "Setting", "kpi": "Headline indicators",
        "kpi_diff": "Headline differences (reform − base, 90 % interval)", "budget": "Annual budget by instrument and fund",
        "budget_fund": "Annual budget by fund", "monthly": "Monthly cost by fund",
        "ui_fund": "Unemployment-insurance fund: balance and months of cover", "outcomes": "Labour-market outcomes",
        "targets": "Outcomes against the locality's targets", "differences": "Differences (reform − base)",
        "attribution": "Counterfactual attribution: additional jobs, deadweight, cost per additional job",
        "appendix": "Appendix: parameters and sources", "method": "Method",
        "no_targets": "No targets file for this locality yet (calibration/{locality}/targets.toml).",
        "scenario": "Scenario", "period": "Period", "persons": "Simulated persons", "seed": "Seed", "reps": "Replications",
        "weight": "Persons per simulated person", "created": "Created", "sha": "Scenario sha256",
        "total_cost": "Cash spending, total", "forgone_total": "Revenue forgone, total (not in cash spending)", "year": "Year", "instrument": "Instrument", "name": "Name", "type": "Type",
        "windows": "Instruments in force outside their text's window", "text_window": "Text's window",
        "model_window": "Modelled window", "reason": "Reason",
        "windows_note": "These instruments are costed over the modelled window; an 'as-written' reform scenario "
                        "(where bundled) runs the text's windows.",
        "fund": "Fund", "line": "Cost line", "amount_yuan": "Amount (yuan)", "amount_wan": "Amount (10k yuan)",
        "p5": "P5 (10k yuan)", "p50": "P50 (10k yuan)", "p95": "P95 (10k yuan)", "payments": "Payments",
        "claimed_wan": "Claimed (10k yuan)", "unfunded_wan": "Unfunded (10k yuan)", "month": "Month",
        "revenue_wan": "Revenue (10k yuan)", "outlays_wan": "Outlays (10k yuan)", "balance_wan": "Balance (10k yuan)",
        "months_of_cover": "Months of cover", "metric": "Indicator", "value": "Value", "unit": "Unit", "low": "P5",
        "high": "P95", "target": "Target", "simulated": "Simulated", "met": "Met", "source": "Source",
        "tolerance": "Tolerance", "relation": "Relation", "base": "Base", "reform": "Reform", "difference": "Difference",
        "ci": "90 % interval", "ci_low": "Interval low", "ci_high": "Interval high", "category": "Category",
        "item": "Item", "cost_wan": "Cost (10k yuan)", "subsidised_hires": "Subsidised persons in work",
        "deadweight_share": "Deadweight share", "additional_jobs": "Additional jobs (end of horizon)",
        "additional_months": "Additional employment-months", "cost_per_job": "Cost per additional job (10k yuan)",
        "cost_per_job_year": "Cost per additional job-year (10k yuan)", "offsets_wan": "Fiscal offsets (10k yuan)",
        "net_cost_wan": "Net cost (10k yuan)", "parameter": "Parameter", "yes": "yes", "no": "no", "wan": "10k yuan",
        "persons_unit": "persons", "share_unit": "share", "months_unit": "months", "all_years": "whole period",
        "cost": "cost", "outcome": "outcome", "fund_cat": "fund", "none": "—",
        "run_note": ("Amounts are estimates for the whole city (simulated sample × weight), in yuan to the fen; with "
                     "replications, the mean and the P5–P95 band."),
        "compare_note": ("Every scenario runs each replication from the same starting population with the same random "
                         "numbers (common random numbers); differences are means of the paired differences, with a "
                         "90 % t interval of that mean (none with one replication)."),
        "diff_note": ("Money in 10k yuan; instruments whose cost is unchanged in every replication are not listed "
                      "here (the workbook's 情景对比 sheet has every row)."),
        "attribution_note": ("Each instrument is switched off in turn and the same replication re-run; a subsidised "
                             "person who is also hired in the counterfactual within ±{window} months is deadweight; "
                             "additional jobs are the difference in persons employed at the end of the horizon; "
                             "offsets are other payments saved and UI contributions gained. Cost per additional job "
                             "is not defined (—) when no job is added."),
        "kpi_new_jobs": "New urban jobs", "kpi_rate": "Surveyed unemployment rate",
        "kpi_reemployed": "Re-employment of the unemployed", "kpi_difficulty": "Employment of difficulty groups",
        "kpi_ui_balance": "UI fund balance at the end", "kpi_cover": "Months of cover at the end",
        "sens_title": "Sensitivity analysis", "sens_setting": "Setting", "sens_method": "Method",
        "sens_params": "Parameters and ranges", "sens_metric": "Metric", "sens_indices": "Sensitivity indices",
        "sens_design": "Design points and metric means", "low_value": "Low", "high_value": "High",
        "central": "Central", "metric_central": "Metric at central", "metric_low": "Metric at low",
        "metric_high": "Metric at high", "swing": "Swing", "runs": "Runs",
        "sens_note": ("Every design point runs the same seed and replications (common random numbers); a point's "
                      "metric is the mean over replications. One-at-a-time (OAT) sets each parameter to its low and "
                      "high with the others central; Morris gives the mean absolute elementary effect μ* and its "
                      "spread σ; Sobol gives first-order S1 and total ST indices with 95 % bootstrap intervals."),
        "tornado": "Tornado: change of the metric from its central value at each parameter's low and high",
        "at_low": "at low", "at_high": "at high",
        "budget_chart": "The 25 largest instruments, whole run (all years, 10k yuan)",
        "by_code": "Employment subsidy fund by budget function code", "by_level": "Employment subsidy fund by level",
        "sy08": "UI fund revenue and spending budget (form 社预08)", "performance": "Performance targets (pre-filled)",
        "sy08_note": ("In the layout of form 社预08, means over replications (10k yuan); rows the model does not simulate "
                      "are blank. Opening balance = closing balance − surplus of the year; with under 12 months of "
                      "cover at the end of the previous year no refund or skill-upgrade subsidy is paid."),
        "performance_note": ("Every value comes from a results file (column Source); unit, weights and satisfaction are "
                             "for the unit to fill in. Quantities are payments (person-months for monthly "
                             "instruments), not distinct persons."),
        "summary": "Summary", "changes": "Changed parameters", "key": "Key", "scenario_file": "scenario file",
        "legend": "Citation codes", "code": "Code", "document": "Document", "file": "File in the repository",
        "legend_note": ("Clauses: M§10 main-text measure 10, A1§(七) annex 1 article (七), §(九)¶3 article (九) paragraph "
                        "3, L39 line 39 of the file; “assumption” is this model's, “derived” computed."),
    },
}

FUND_NAMES_EN = {
    Fund.ui_fund: "UI fund", Fund.employment_fund: "Employment subsidy fund", Fund.skills_fund: "Skills upgrading account",
    Fund.restructuring_fund: "Industrial restructuring fund", Fund.rural_fund: "Rural revitalisation fund",
    Fund.guarantee_fund: "Loan guarantee fund", Fund.civil_affairs: "Civil affairs (dibao)",
    Fund.municipal_budget: "Municipal budget", Fund.tax_forgone: "Tax forgone", Fund.si_forgone: "Social insurance forgone",
}
LINE_NAMES = {
    "zh": {CostLine.main: "主体支付", CostLine.ui_medical: "代缴医疗保险费", CostLine.ui_aid: "失业补助金",
           CostLine.ui_top_up: "临时价格补贴", CostLine.loan_compensation: "担保代偿", CostLine.training_living: "生活费补贴",
           CostLine.training_followup: "跟踪服务费", CostLine.training_appraisal: "鉴定补贴",
           CostLine.intern_retention: "见习留用奖补", CostLine.public_job_si: "公益岗位社保补贴",
           CostLine.ui_migrant_allowance: "失业农民工一次性生活补助"},
    "en": {line: line.name.replace("_", " ") for line in CostLine},
}
UNITS = {"zh": {"persons": "人", "persons/month": "人", "share": "%", "yuan": "万元", "months": "月", "firms": "户",
                "firms/month": "户", "posts": "个"},
         "en": {"persons": "persons", "persons/month": "persons", "share": "%", "yuan": "10k yuan", "months": "months",
                "firms": "firms", "firms/month": "firms", "posts": "posts"}}


# The citation codes of the scenarios and calibration files (docs/policy_catalogue.md §0): seed code →
# (document title, file under docs/seeds/); `DN` is a row of docs/domain_notes.md.
SEED_TITLES = {
    "000": ("鸡西市《关于做好当前和今后一段时期就业创业工作的实施意见》(2018)", "docs/seeds/000_491a0ddbe42c3406.txt"),
    "001": ("常州市《关于进一步推进就业创业工作高质量发展的实施意见》(2024)", "docs/seeds/001_f750de1b91a1a462.txt"),
    "002": ("九龙坡就组发〔2020〕1号《2020年九龙坡区就业工作要点》", "docs/seeds/002_49b49415754f1abf.txt"),
    "003": ("大连市《关于进一步做好稳就业工作的实施意见》(2020)", "docs/seeds/003_d9e9f52033f98669.txt"),
    "004": ("《六盘水市促进高质量充分就业工作方案》(2023)", "docs/seeds/004_b78a61525f0130f6.txt"),
}
DN_TITLE = ("领域说明(国家规定与行为证据)", "docs/domain_notes.md")


def citation(source: str, lang: str) -> str:
    """A source as a readable citation: in Chinese a leading seed code becomes the document's title
    (`004 M§10` → 《六盘水市…》 M§10) and `DN A19` becomes 领域说明 A19; the rest stays as written."""
    if lang != "zh" or not isinstance(source, str):
        return source
    code = source[:3]
    if code in SEED_TITLES and source[3:4] in (" ", ""):
        return f"{SEED_TITLES[code][0]} {source[4:]}".strip()
    if source.startswith("DN "):
        return f"{DN_TITLE[0]} {source[3:]}"
    return source


def citation_legend(lang: str) -> list[tuple[str, str, str]]:
    """(code, document, file) of every citation code the sources use."""
    rows = [(code, title, path) for code, (title, path) in SEED_TITLES.items()]
    return rows + [("DN", DN_TITLE[0] if lang == "zh" else "Domain notes (national rules, behavioural evidence)",
                    DN_TITLE[1]), ("POLICY_CATALOGUE §…", "政策工具目录" if lang == "zh" else "Policy catalogue",
                                   "docs/policy_catalogue.md")]


RELATIONS = {"zh": {"at_least": "不低于", "at_most": "不高于", "about": "约为"},
             "en": {"at_least": "at least", "at_most": "at most", "about": "about"}}


def relation_name(relation: str, lang: str) -> str:
    return RELATIONS[lang].get(relation, relation)


def text(lang: str, key: str) -> str:
    return TEXT[lang][key]


def fund_name(fund: str, lang: str) -> str:
    code = Fund[fund]
    if lang == "zh":
        return FUND_NAMES_ZH.get(code, fund)
    return FUND_NAMES_EN.get(code, fund)


def line_name(line: str, lang: str) -> str:
    return LINE_NAMES[lang][CostLine[line]]


def metric_name(metric: str, lang: str) -> str:
    return label(metric, lang)


# Chinese names of instrument keys whose schema field has no `name_zh` (the reports' appendix and
# 参数变更一览表 show these; the schema's own name wins where it has one).
KEY_NAMES_ZH = {
    "agencies": "机构数", "aid_for_ineligible": "不符合领金条件者发放失业补助金", "aid_months": "失业补助金月数",
    "application": "申领方式", "applies_to": "适用对象", "award_month": "奖补发放月", "base_share": "基础比例",
    "basis": "计算基数", "benefit_months": "领取月数", "borrower_discount_bp": "借款人利率优惠(基点)",
    "cap_per_agency": "每家机构上限", "carry_over": "结转", "certificate_required": "须取得证书",
    "compensation_share": "代偿比例", "continue_to_retirement_within_months": "距退休月数内延续领取",
    "contribution_months": "缴费月数", "contribution_rate": "费率", "count": "数量",
    "cross_province_amount": "跨省标准", "days": "天数", "default_share": "默认比例", "deferral_months": "缓缴月数",
    "deferral_share": "缓缴比例", "duration_schedule": "领取期限表", "enabled": "是否启用", "event": "触发事件",
    "exclude": "排除人群", "exclusive_group": "互斥组", "extension_months": "延长月数", "extension_target": "延长适用人群",
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
    "share": "返还比例", "budget": "预算", "annual_yuan": "年度预算(元)", "policy": "超支处理",
    "city_share": "市级分担比例", "default_city_share": "未列明地区的市级分担比例", "funds": "适用资金",
}


def param_name(instrument_type: str | None, key: str, lang: str) -> str:
    """A parameter's name for the reports: in Chinese the schema's `name_zh` (or KEY_NAMES_ZH, or the
    key itself when neither has one), in English the key."""
    if lang != "zh":
        return key
    leaf = key.split(".")[-1]
    schema = {**INSTRUMENT_COMMON, **TYPE_SCHEMAS.get(instrument_type or "", {})}
    field = schema.get(leaf)
    name = getattr(field, "name_zh", "") or KEY_NAMES_ZH.get(leaf, "")
    return name or key
