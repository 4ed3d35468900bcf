"""Words of the reports in Chinese (default) and English: headings, column names, fund and line names."""
from __future__ import annotations

import re

import numpy as np

from sim.codes import FUND_NAMES_ZH, GROUP_NAMES_ZH, PAYEE_NAMES_ZH, CostLine, Fund
from sim.metrics import label
from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
from sim.params.profile_schema import PROFILE_SCHEMA
from sim.params.scenario_schema import INSTRUMENT_COMMON, SECTIONS, instrument_schema

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
        "windows_note": "这些政策按测算有效期计入;按原文有效期的测算见同地区的“按原文有效期”改革情景(如有)。",
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
                         "区间为配对差均值的 90% 置信区间(按学生氏分布计算,一次重复时不给出)。"),
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
        "summary": "摘要", "changes": "参数变更一览表", "key": "参数键", "source_written": "来源原文", "group": "分组",
        "self_eval": "就业补助资金绩效自评表",
        "self_eval_note": ("全年执行数 B 为模拟的就业补助资金现金支出(各次重复均值,按资金层级);全年预算数 A 为情景文件中就业补助资金的年度预算额度"
                           "(额度不分层级),对比报告中为基准情景的模拟支出;执行率 = B ÷ A。"
                           "测算期不满一年的年度只含期内月份。实际完成值取自本情景的绩效目标申报表,年度指标值在对比报告中取自基准情景的申报表,"
                           "否则由填报单位按申报表填写。"),
        "bands_note": ("下表为各资金渠道(及下节各政策项目)每年支出在各次重复间的均值与 P5/P50/P95:"
                       "取自 costs.csv 逐次重复的合计,某次重复无支付计为零;现金支出与收入减少分列。"),
        "count": "参数个数", "params_values": "参数与数值",
        "appendix_print": ("打印版附录为摘要:每个政策项目与参数组一行,数值截断;完整附录(每个参数的数值、中文来源、来源原文与参数键)"
                           "见屏幕版与工作簿“参数与来源”表。"), "scenario_file": "情景文件",
        "legend": "引用代码说明", "code": "代码", "document": "文件", "file": "仓库中的文件",
        "legend_note": ("来源写作文件名称与条款(正文第10项、附件1第(七)条、第(九)条第3段、第39行:行号指上表仓库中的文本文件);"
                        "“本模型假设”为本模型的假设,“推算”为由所引数据推算,“校准值”为按目标校准所得;来源中的英文说明从略,"
                        "原文见工作簿“参数与来源”表的“来源原文”列。"),
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
        "summary": "Summary", "changes": "Changed parameters", "key": "Key", "source_written": "Source as written", "group": "Group",
        "self_eval": "Employment subsidy fund: performance self-evaluation",
        "self_eval_note": ("B is the simulated cash of the employment subsidy fund (mean over replications, by level); A is the "
                           "scenario's envelope ([budget] employment fund, not split by level) or, in a comparison, the "
                           "base scenario's simulated cash; rate = B ÷ A. A year the run covers in part has only its "
                           "months. Achieved values are this scenario's performance targets; targets come from the "
                           "base scenario's in a comparison, else the unit copies them from its declaration."),
        "bands_note": ("Below: each fund's (and, in the next section, each instrument's) cost per year over the "
                       "replications, mean and P5/P50/P95 of the per-replication sums in costs.csv (a replication "
                       "without a payment counts as zero); cash and revenue forgone apart."),
        "count": "Parameters", "params_values": "Parameters and values",
        "appendix_print": ("The printed appendix is a summary: one row per instrument and parameter group, values cut "
                           "short; the full appendix (every value, source and key) is on screen and in the "
                           "workbook's 参数与来源 sheet."), "scenario_file": "scenario file",
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


# What kind of source a source's leading words say it is, in Chinese.
SOURCE_KINDS_ZH = (("reform (not in the text)", "改革设定(原文无此规定)"), ("reform", "改革设定"),
                   ("schema default", "模型默认值"), ("assumption", "本模型假设"), ("derived", "推算"),
                   ("calibrated", "校准值"), ("refit", "校准值"), ("scaled", "校准值"), ("national rule", "国家规定"),
                   ("external convention", "通行口径"), ("census", "人口普查"), ("test", "测试用值"))
_CLAUSE = (r"(?:M\s?§\s?\d+|M(?![A-Za-z])|A\d+\s?§\s?\([^)]*\)|A\d+\s?§\s?\d+|§\s?\([^)]*\)(?:¶\d+)?|§\s?\d+|¶\d+|L\d+"
           r"|[一二三四五六七八九十]+)")
# The parts of a source that the Chinese report shows: seed citations with their clauses, domain-note rows,
# the catalogue and design sections, Chinese document numbers, titles and quotations, Chinese phrases.
_CITATION = re.compile(
    rf"(?<![\d.,\-])(?P<seed>00[0-4])(?![\d.,\-])(?P<clause>(?:\s*{_CLAUSE})*)"
    rf"|(?P<clause_only>(?:A\d+§\([^)]*\)|M§\d+)(?:\s*L\d+)?)"
    r"|(?:DN|DOMAIN_NOTES)\s+(?P<dn>[AB]\d+(?:\s*(?:/|,|、|and)\s*[AB]?\d+)*)"
    r"|(?P<catalogue>POLICY_CATALOGUE)(?:\s*(?P<catalogue_section>§[\d.]+(?:\s*and\s*§[\d.]+)?))?"
    r"|(?P<real>REAL_FIGURES(?:\.md)?)|(?P<npcsc>NPCSC)"
    r"|DESIGN\s*(?P<design>§\d+)"
    r"|(?P<quoted>《[^》]*》|「[^」]*」)"
    r"|(?P<phrase>[\u4e00-\u9fff][\u4e00-\u9fff〔〕、·\d]{2,}[\u4e00-\u9fff号])")


def _clause_zh(clause: str) -> str:
    """Clause codes in words: M§10 正文第10项, A1§(七) 附件1第(七)条, §(九)¶3 第(九)条第3段, L39 第39行."""
    out = []
    for token in re.findall(_CLAUSE, clause):
        token = re.sub(r"\s", "", token)
        token = re.sub(r"^M§(\d+)$", r"正文第\1项", token)
        token = re.sub(r"^M$", "正文", token)
        token = re.sub(r"^A(\d+)§(\(.*\)|\d+)$", r"附件\1第\2条", token)
        token = re.sub(r"^§(\([^)]*\)|\d+)(?:¶(\d+))?$", lambda m: f"第{m[1]}条" + (f"第{m[2]}段" if m[2] else ""), token)
        token = re.sub(r"^¶(\d+)$", r"第\1段", token)
        token = re.sub(r"^L(\d+)$", r"第\1行", token)
        out.append(token)
    return "".join(out)


def citation(source: str, lang: str, fallback: str = "外部资料(英文说明见工作簿)") -> str:
    """A source as the Chinese report shows it: what kind of source it is (本模型假设, 推算, 校准值 …) and the
    citations it gives, in Chinese — a seed code becomes its document's title with the clause in words
    (`004 M§10` → 《六盘水市促进高质量充分就业工作方案》(2023)正文第10项), `DN A19` 领域说明 A19, Chinese
    titles, quotations and document numbers as written. English prose is left out (the workbook and the
    English report keep the source as written). In English the source as written."""
    if lang != "zh" or not isinstance(source, str):
        return source
    lower = source.strip().lower()
    kind = next((zh for word, zh in SOURCE_KINDS_ZH if lower.startswith(word)), "")
    parts: list[str] = []
    for m in _CITATION.finditer(source):
        if m["seed"]:
            title = SEED_TITLES[m["seed"]][0]
            # a document cited again: its clause only
            part = _clause_zh(m["clause"]) if any(title in p for p in parts) and m["clause"].strip() else \
                title + _clause_zh(m["clause"])
        elif m["clause_only"]:
            part = _clause_zh(m["clause_only"])
        elif m["dn"]:
            part = DN_TITLE[0] + " " + re.sub(r"\s*(?:and|,)\s*", "、", m["dn"])
        elif m["catalogue"]:
            part = "政策工具目录" + (f" {m['catalogue_section'].replace(' and ', '、')}" if m["catalogue_section"] else "")
        elif m["real"]:
            part = "公开数据汇编"
        elif m["npcsc"]:
            part = "全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》"
        elif m["design"]:
            part = f"设计文档 {m['design']}"
        else:
            part = m["quoted"] or m["phrase"]
        if not any(part in p for p in parts):
            parts.append(part)
    if kind != "本模型假设" and "assumption" in lower:
        parts.append("部分为本模型假设")
    text_ = ";".join(parts)
    if kind:
        return f"{kind}:{text_}" if text_ else kind
    return text_ or fallback


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


def param_name(instrument_type: str | None, key: str, lang: str) -> str:
    """A parameter's name for the reports: in Chinese its schema field's `name_zh` (an instrument's key by
    its type; `profile.…`, `behaviour.…` and scenario-section keys by path; a fund's envelope with the
    fund's name), in English the key. The key itself when no schema field has a name."""
    if lang != "zh":
        return key
    parts = key.split(".")
    if instrument_type is not None:
        node, path = instrument_schema(instrument_type) or INSTRUMENT_COMMON, parts[-1:]
    elif parts[0] in ("profile", "behaviour"):
        node, path = (PROFILE_SCHEMA if parts[0] == "profile" else BEHAVIOUR_SCHEMA), parts[1:]
    else:
        node, path = SECTIONS, parts
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    name = getattr(node, "name_zh", "")
    if name and parts[0] == "budget" and len(parts) == 3 and parts[1] in Fund.__members__:
        name = fund_name(parts[1], lang) + name
    return name or key


# Chinese names of the sections of the locality files and the scenario (the appendix's groups).
SECTION_NAMES_ZH = {
    "profile": "地区概况", "behaviour": "行为参数", "meta": "基本信息", "population": "人口", "groups": "人群认定",
    "districts": "县(区)", "graduates": "毕业生", "initial_state": "期初状态", "firms": "企业", "wages": "工资",
    "social_insurance": "社会保险", "ui_fund": "失业保险基金", "finance": "金融", "retirement": "退休年龄",
    "separation": "离职", "registration": "失业登记", "certification": "就业困难认定", "job_finding": "求职就业",
    "unemployed_exits": "失业人员去向", "training": "培训", "internship": "见习", "self_employment": "自主创业",
    "skills": "技能提升", "responses": "政策行为响应", "flexible": "灵活就业", "public_job": "公益性岗位",
    "inactive": "非经济活动人口", "statistics": "统计口径", "scenario": "情景", "run": "运行设定",
    "economy": "经济形势", "budget": "预算额度", "cost_sharing": "市区分担",
}


def section_name(key: str, lang: str) -> str:
    """The group of a parameter key in the appendix: `profile.population.x` → 地区概况 · 人口."""
    parts = key.split(".")
    head = parts[:2] if parts[0] in ("profile", "behaviour") else parts[:1]
    if lang != "zh":
        return ".".join(head)
    return " · ".join(SECTION_NAMES_ZH.get(p, p) for p in head)


# Column names and phrases of the data-source pointers of the bureau's tables (`budget.csv: year=2024, …`).
DATA_WORDS_ZH = {
    "year": "年度", "funding": "资金渠道", "instrument": "政策项目", "line": "支出科目", "metric": "指标", "month": "月份",
    "scenario": "情景", "revenue": "收入", "outlays": "支出", "balance": "结余", "months_of_cover": "备付月数",
    "payments": "支付人次", "amount_yuan": "金额(元)", "cost_per_additional_job": "每新增就业成本",
    "additional_jobs": "新增就业", "whole run": "全期", "of line main": "(主体支付)", "of the": "",
    "instruments": "各政策项目", "mean of replications": "各次重复均值", "central_yuan": "中央金额(元)",
    "provincial_yuan": "省级金额(元)", "city_yuan": "市级金额(元)", "district_yuan": "县(区)级金额(元)",
    "not modelled": "未建模(空白)", "main": "主体支付", "rep": "重复",
}


def data_ref(ref: str, lang: str) -> str:
    """A pointer into the results files (`budget.csv: year=2024, funding=employment_fund`) with its column
    names and values in Chinese (file names stay: they are the files' names); in English as written."""
    if lang != "zh":
        return ref

    def value(v: str) -> str:
        if v in Fund.__members__:
            return fund_name(v, lang)
        if v in CostLine.__members__:
            return line_name(v, lang)
        translated = metric_name(v, lang)
        return translated if translated != v else DATA_WORDS_ZH.get(v, v)

    ref = re.sub(r"([a-z_]+)=([^,;:\s]+)", lambda m: f"{DATA_WORDS_ZH.get(m[1], m[1])}={value(m[2])}", ref)
    for word in sorted(DATA_WORDS_ZH, key=len, reverse=True):
        ref = re.sub(rf"(?<![\w.]){re.escape(word)}(?![\w.])", DATA_WORDS_ZH[word], ref)
    for fund in Fund.__members__:
        ref = re.sub(rf"(?<![\w.]){fund}(?![\w.])", fund_name(fund, lang), ref)
    return ref.replace(", ", ",").replace(": ", ":")


# Chinese words for the names a parameter's value may hold (enum choices, table keys, instrument types);
# funds, target groups and payees have theirs in sim.codes, districts in the profile.
VALUE_NAMES_ZH = {
    "ui_benefit": "失业保险金", "stabilization_refund": "稳岗返还", "hiring_bonus": "一次性吸纳就业补贴",
    "hiring_si_subsidy": "吸纳就业社保补贴", "flexible_si_subsidy": "灵活就业社保补贴", "startup_grant": "一次性创业补贴",
    "rent_subsidy": "创业场地租金补贴", "guaranteed_loan": "创业担保贷款贴息", "training_subsidy": "职业培训补贴",
    "skill_upgrade_subsidy": "技能提升补贴", "internship_subsidy": "就业见习补贴", "public_job": "公益性岗位",
    "one_time_allowance": "一次性补助", "tax_credit": "税收扣减", "fixed_award": "定额奖补",
    "contribution_relief": "社保费减免", "dibao_taper": "低保渐退", "placement_fee": "职业介绍补贴",
    "required": "须申请", "none": "无", "stop": "用完即停", "prorate": "按月均摊", "local": "本级统筹",
    "municipal": "市级统筹", "provincial": "省级统筹", "micro": "微型", "small": "小型", "medium": "中型", "large": "大型",
    "sme": "中小微企业", "any": "不限", "primary_or_less": "小学及以下", "primary": "小学", "junior_high": "初中",
    "senior_high": "高中", "secondary_vocational": "中职", "college": "大专", "bachelor_plus": "本科及以上",
    "local_urban": "本地城镇户籍", "local_rural": "本地农村户籍", "migrant": "外来人口", "basic": "初级",
    "intermediate": "中级", "advanced": "高级", "agriculture": "农业", "non_agriculture": "非农业",
    "mining_energy": "采矿与能源", "manufacturing": "制造业", "construction": "建筑业", "trade_catering": "批发零售与住宿餐饮",
    "other_services": "其他服务业", "public_services": "公共服务", "employed": "就业", "employed_local": "本地就业",
    "employed_away": "市外务工", "unemployed": "失业", "self_employed": "自主创业", "flexible": "灵活就业",
    "inactive": "非经济活动人口", "training": "培训", "intern": "见习", "further_study": "升学", "disabled": "残疾",
    "severe": "重度残疾", "registered": "已登记", "unregistered": "未登记", "one_year": "一年", "three_years": "三年",
    "open_ended": "无固定期限", "hire": "招用", "business_start": "创业", "graduating": "毕业", "benefit": "领取待遇",
    "share": "比例", "lpr_minus": "LPR 减点", "contribution_floor": "缴费基数下限", "si_contribution_months": "社保缴费月数",
    "ui_benefit_months": "失业保险金月数", "ui_contributions": "失业保险缴费", "business": "经营主体",
    "pension_employer": "养老保险(单位)", "pension_employee": "养老保险(个人)", "medical_employer": "医疗保险(单位)",
    "medical_employee": "医疗保险(个人)", "ui_employer": "失业保险(单位)", "ui_employee": "失业保险(个人)",
    "injury_employer": "工伤保险(单位)",
}


def value_text(value, lang: str, words: dict[str, str] | None = None) -> str:
    """A parameter's value as text: in Chinese, names (enum choices, table keys, funds, target groups,
    payees, and `words` such as the districts' names) in Chinese and true/false as 是/否; lists of more
    than 12 values shortened."""
    if lang == "zh":
        names = (VALUE_NAMES_ZH | {f.name: n for f, n in FUND_NAMES_ZH.items()}
                 | {g.name: n for g, n in GROUP_NAMES_ZH.items()} | {p.name: n for p, n in PAYEE_NAMES_ZH.items()}
                 | (words or {}))
        word = lambda v: names.get(v, v) if isinstance(v, str) else v      # noqa: E731
    else:
        word = lambda v: v                                                # noqa: E731
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else str(value).lower()
    if isinstance(value, float):       # no exponent: 310,000,000 not 3.1e+08
        return f"{value:,.0f}" if value.is_integer() else np.format_float_positional(value, precision=8, trim="-")
    if isinstance(value, str):
        return str(word(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{word(k)}: {value_text(v, lang, words)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = [("+".join(map(str, map(word, v))) if isinstance(v, list) else value_text(v, lang, words))
                 for v in value[:12]]
        more = (f", … (共 {len(value)} 个)" if lang == "zh" else f", … ({len(value)} values)") if len(value) > 12 else ""
        return f"[{', '.join(items)}{more}]"
    return str(value)
