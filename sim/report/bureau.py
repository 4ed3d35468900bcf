"""The bureau's own tables (DESIGN §10, §13), built from the results files only, so that every cell can be
traced to a row of `budget.csv`, `costs.csv`, `funds.csv`, `outcomes.csv` or `attribution.csv`:

- 就业补助资金 by 政府收支分类科目 功能科目 code (20807 就业补助) and by funding level;
- the 失业保险基金收支预算表 in the layout of 社预08, with 备付月数 and the 12-month gate;
- a pre-filled 项目支出绩效目标申报表.

Codes, layouts and their sources: docs/reports.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import CostLine, Fund, InstrumentType
from sim.ledger import is_cash
from sim.metrics import label as metric_label
from sim.once import once
from sim.report.labels import data_ref, fund_name

EMPLOYMENT_FUND = Fund.employment_fund.name
UI_FUND = Fund.ui_fund.name

# 政府收支分类科目, 支出功能分类 208 社会保障和就业支出 › 20807 就业补助 (款) › its 项. assumption: codes and
# names as recalled from 财政部《2024年政府收支分类科目》; not verified against the published edition (no copy of
# it, of the 2025 edition or of a budget table listing these 项 is available offline: DESIGN §13 gives only
# 2080711 就业见习补贴 as an example, REAL_FIGURES none); docs/reports.md lists them with their English names.
FUNCTION_CODES = {
    "2080701": ("就业创业服务补贴", "Employment and start-up services subsidy"),
    "2080702": ("职业培训补贴", "Vocational training subsidy"),
    "2080704": ("社会保险补贴", "Social insurance subsidy"),
    "2080705": ("公益性岗位补贴", "Public-welfare post subsidy"),
    "2080709": ("职业技能评价补贴", "Skill appraisal subsidy"),
    "2080711": ("就业见习补贴", "Internship subsidy"),
    "2080712": ("高技能人才培养补助", "High-skill talent training grant"),
    "2080713": ("促进创业补贴", "Start-up promotion subsidy"),
    "2080799": ("其他就业补助支出", "Other employment subsidy spending"),
}
FUNCTION_TOTAL = ("20807", "就业补助", "Employment subsidies")

# assumption: the 项 an instrument type's payment is booked under, by the subsidy the 就业补助资金管理办法
# (财社〔2017〕164号, 财社〔2023〕181号) names for it; a type those texts do not name goes to 2080799.
TYPE_CODE = {
    InstrumentType.placement_fee: "2080701",            # 职业介绍补贴 is paid as 就业创业服务补贴
    InstrumentType.training_subsidy: "2080702",
    InstrumentType.skill_upgrade_subsidy: "2080702",
    InstrumentType.hiring_si_subsidy: "2080704",
    InstrumentType.flexible_si_subsidy: "2080704",
    InstrumentType.public_job: "2080705",
    InstrumentType.internship_subsidy: "2080711",
    InstrumentType.startup_grant: "2080713",
    InstrumentType.rent_subsidy: "2080713",
}
# assumption: cost lines booked apart from their instrument's 项 (鉴定补贴 is 职业技能评价补贴; the social
# insurance of a public-welfare post is 社会保险补贴, as the two texts above list them).
LINE_CODE = {CostLine.training_appraisal: "2080709", CostLine.public_job_si: "2080704"}
OTHER_CODE = "2080799"

# 社预08 失业保险基金收支预算表: rows as published (DESIGN §13), and 农民工一次性生活补助 (《失业保险条例》 Art. 21
# 一次性生活补助 to 农民合同制工人; 004 M§21 L156 「失业农民工一次性生活补助」; assumption: a row of its own before
# 转移支出, its name and place not in the layout DESIGN §13 quotes). A row the model does not simulate is left
# empty (not zero) and says so.
SY08_INCOME = ("失业保险费收入", "利息收入", "财政补贴收入", "其他收入", "上级补助收入", "下级上解收入")
SY08_SPENDING = ("失业保险金", "基本医疗保险费", "稳定岗位补贴", "技能提升补贴", "农民工一次性生活补助", "转移支出",
                 "补助下级支出", "上解上级支出", "其他支出")
SY08_NOT_MODELLED = (*SY08_INCOME[1:], "转移支出", "补助下级支出", "上解上级支出")
SY08_EN = {"期初余额": "Opening balance", "收入合计": "Total revenue", "失业保险费收入": "Contributions",
           "利息收入": "Interest", "财政补贴收入": "Budget subsidy", "其他收入": "Other revenue",
           "上级补助收入": "Grants from the higher level", "下级上解收入": "Remittances from lower levels",
           "支出合计": "Total spending", "失业保险金": "Unemployment benefit", "基本医疗保险费": "Medical insurance paid",
           "稳定岗位补贴": "Job-retention refunds", "技能提升补贴": "Skill-upgrade subsidies",
           "农民工一次性生活补助": "Migrant workers' one-off living allowance",
           "转移支出": "Transfers out", "补助下级支出": "Grants to lower levels", "上解上级支出": "Remittances upward",
           "其他支出": "Other spending", "本年收支结余": "Surplus of the year", "年末滚存结余": "Closing balance",
           "年末备付月数": "Months of cover at year end", "备付 ≥ 12 个月": "Cover ≥ 12 months"}
GATE_MONTHS = 12.0       # 上年度滚存结余备付期限 ≥ 1 年 gates 稳岗返还 and 技能提升补贴 (DESIGN §13; DOMAIN_NOTES A1)

TEXT = {
    "zh": {"year": "年度", "code": "功能科目编码", "code_name": "功能科目名称", "instruments": "政策项目",
           "amount": "金额(万元)", "p5": "P5(万元)", "p95": "P95(万元)", "source": "数据来源", "fund": "资金渠道",
           "central": "中央(万元)", "provincial": "省级(万元)", "city": "市级(万元)", "district": "县(区)级(万元)",
           "total": "合计(万元)", "item": "项目", "note": "说明", "not_modelled": "未建模(空白)",
           "total_row": "合计",
           "levels_note": ("中央、省级资金:结果文件尚无中央、省级金额列(转移支付未建模),留空;"
                           "市级、县(区)级按情景 [cost_sharing] 分担,为扣除上级转移支付前的毛额。"),
           "levels_note_net": "各级金额取自 costs.csv 的中央、省级、市级、县(区)级金额列(扣除转移支付后)。",
           "code_note": ("功能科目按《2024年政府收支分类科目》20807 就业补助(各项编码与名称为本模型依记忆整理,尚未与"
                         "正式出版的科目表核对,使用前请按预算年度的科目表核对);政策项目归入哪一科目是本模型的假设"
                         "(见 docs/reports.md),只含就业补助资金支付的现金支出。"),
           "unit_name": "单位名称", "project": "项目名称", "budget": "预算数(万元)", "goal": "年度目标",
           "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "nature": "指标性质",
           "value": "指标值", "unit": "度量单位", "weight": "权重", "direction": "指标方向性",
           "fill": "(由填报单位填写)",
           "cover": "年末备付月数", "gate": "备付 ≥ 12 个月", "yes": "是", "no": "否",
           "gate_detail": "备付不足 12 个月的重复与月份", "rep": "重复", "month": "月份", "months_below": "月份(备付 < 12)",
           "min_cover": "最低备付月数"},
    "en": {"year": "Year", "code": "Function code", "code_name": "Function name", "instruments": "Instruments",
           "amount": "Amount (10k yuan)", "p5": "P5 (10k yuan)", "p95": "P95 (10k yuan)", "source": "Source file",
           "fund": "Fund", "central": "Central (10k yuan)", "provincial": "Provincial (10k yuan)",
           "city": "City (10k yuan)", "district": "District (10k yuan)", "total": "Total (10k yuan)", "item": "Item",
           "note": "Note", "not_modelled": "not modelled (blank)", "total_row": "Total",
           "levels_note": ("Central and provincial funds: the results have no central_yuan / provincial_yuan column yet "
                           "(transfers are not modelled), left blank; city and district follow the scenario's "
                           "[cost_sharing] and are gross of transfers from above."),
           "levels_note_net": ("Every level from costs.csv's central_yuan, provincial_yuan, city_yuan and district_yuan "
                               "(net of transfers)."),
           "code_note": ("Function codes of the 2024 government revenue and expenditure classification, 20807 employment "
                         "subsidies (codes and names as recalled, not yet checked against the published edition: check "
                         "them against the budget year's); which code an instrument is booked under is this model's "
                         "assumption "
                         "(docs/reports.md); cash paid by the employment subsidy fund only."),
           "unit_name": "Unit", "project": "Project", "budget": "Budget (10k yuan)", "goal": "Annual goal",
           "level1": "Level 1", "level2": "Level 2", "level3": "Level 3", "nature": "Kind", "value": "Value",
           "unit": "Unit of measure", "weight": "Weight", "direction": "Direction", "fill": "(for the unit to fill in)",
           "cover": "Months of cover at year end", "gate": "Cover ≥ 12 months", "yes": "yes", "no": "no",
           "gate_detail": "Replications and months with cover under 12 months", "rep": "Replication", "month": "Month",
           "months_below": "Months (cover < 12)", "min_cover": "Lowest cover (months)"},
}


def t(lang: str, key: str) -> str:
    return TEXT[lang][key]


def _reps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "rep" in frame else frame.assign(rep=0)


def function_code(instrument_type: str, line: str) -> str:
    """The 20807 项 code of a payment of `instrument_type` on cost line `line`."""
    return LINE_CODE.get(CostLine[line]) or TYPE_CODE.get(InstrumentType[instrument_type], OTHER_CODE)


def code_name(code: str, lang: str) -> str:
    zh, en = FUNCTION_CODES[code] if code in FUNCTION_CODES else FUNCTION_TOTAL[1:]
    return zh if lang == "zh" else en


# ---- 就业补助资金 by function code and by level ---------------------------------------------------------

@once
def employment_by_code(results, lang: str) -> pd.DataFrame:
    """就业补助资金 cash spending by year and 功能科目 code (万元), with the year's 20807 total; P5/P95 over
    replications when replicated. Amounts are the sums of `budget.csv` rows with funding employment_fund."""
    b = results.budget[results.budget["funding"] == EMPLOYMENT_FUND]
    b = b.assign(code=[function_code(ty, li) for ty, li in zip(b["type"], b["line"])])
    costs = _reps(results.costs)
    costs = costs[costs["funding"] == EMPLOYMENT_FUND]
    costs = costs.assign(code=[function_code(ty, li) for ty, li in zip(costs["type"], costs["line"])],
                         year=costs["month"].str.slice(0, 4).astype(int))
    replicated = costs["rep"].nunique() > 1
    per_rep = costs.groupby(["year", "code", "rep"])["amount_yuan"].sum()
    per_rep_total = costs.groupby(["year", "rep"])["amount_yuan"].sum()
    rows = []
    for year, group in b.groupby("year"):
        for code, items in group.groupby("code"):
            band = per_rep.loc[(year, code)] if (year, code) in per_rep.index.droplevel(2) else pd.Series([0.0])
            rows.append((str(year), code, code_name(code, lang), "、".join(dict.fromkeys(items["instrument"])),
                         items["amount_yuan"].sum(), band, f"budget.csv: year={year}, funding={EMPLOYMENT_FUND}, "
                         f"instrument ∈ {{{', '.join(dict.fromkeys(items['instrument']))}}}"))
        band = per_rep_total.loc[year] if year in per_rep_total.index.get_level_values(0) else pd.Series([0.0])
        rows.append((str(year), FUNCTION_TOTAL[0], code_name(FUNCTION_TOTAL[0], lang) + " " + t(lang, "total_row"), "",
                     group["amount_yuan"].sum(), band, f"budget.csv: year={year}, funding={EMPLOYMENT_FUND}"))
    out = pd.DataFrame({t(lang, "year"): [r[0] for r in rows], t(lang, "code"): [r[1] for r in rows],
                        t(lang, "code_name"): [r[2] for r in rows], t(lang, "instruments"): [r[3] for r in rows],
                        t(lang, "amount"): [round(r[4] / 1e4, 2) for r in rows]})
    if replicated:
        reps = costs["rep"].nunique()
        # a replication with no payment on a code is a zero, not a missing value
        full = [np.concatenate([r[5].to_numpy(np.float64), np.zeros(reps - len(r[5]))]) for r in rows]
        out[t(lang, "p5")] = [round(float(np.quantile(v, 0.05)) / 1e4, 2) for v in full]
        out[t(lang, "p95")] = [round(float(np.quantile(v, 0.95)) / 1e4, 2) for v in full]
    out[t(lang, "source")] = [data_ref(r[6], lang) for r in rows]
    return out


def levels_available(frame: pd.DataFrame) -> bool:
    """True when the results split spending net of transfers into central and provincial parts too."""
    return {"central_yuan", "provincial_yuan"} <= set(frame.columns)


@once
def spending_by_level(results, lang: str) -> pd.DataFrame:
    """Cash spending of each budget fund (not the UI fund, not revenue forgone) by year and funding level
    (万元, mean over replications, from costs.csv): central, provincial, city, district. Central and
    provincial are read when the results have them (`central_yuan`, `provincial_yuan`), else left empty
    (DESIGN §10: the split net of transfers)."""
    c = _reps(results.costs)
    c = c[is_cash(c["funding"]) & (c["funding"] != UI_FUND)].assign(year=lambda d: d["month"].str.slice(0, 4))
    reps = max(c["rep"].nunique(), 1)
    net = levels_available(c)
    rows = []
    for (year, fund), group in c.groupby(["year", "funding"]):
        central = group["central_yuan"].sum() if net else np.nan
        provincial = group["provincial_yuan"].sum() if net else np.nan
        rows.append((year, fund_name(fund, lang), central, provincial, group["city_yuan"].sum(),
                     group["district_yuan"].sum(), group["amount_yuan"].sum()))
    columns = ["year", "fund", "central", "provincial", "city", "district", "total"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[2:]:
        frame[column] = (frame[column] / reps / 1e4).round(2)
    return frame.rename(columns={c: t(lang, c) for c in columns})


# ---- 社预08 失业保险基金收支预算表 ------------------------------------------------------------------------

def _sy08_spending_row(instrument_type: str, line: str) -> str:
    """The 社预08 spending row of a UI-fund payment."""
    if line == CostLine.ui_medical.name:
        return "基本医疗保险费"
    if line == CostLine.ui_migrant_allowance.name:
        return "农民工一次性生活补助"
    if instrument_type == InstrumentType.ui_benefit.name and line == CostLine.main.name:
        return "失业保险金"
    if instrument_type == InstrumentType.stabilization_refund.name:
        return "稳定岗位补贴"
    if instrument_type == InstrumentType.skill_upgrade_subsidy.name:
        return "技能提升补贴"
    return "其他支出"       # 失业补助金, temporary top-ups, hiring and training paid by the fund


@once
def ui_fund_budget(results, lang: str) -> pd.DataFrame | None:
    """The 失业保险基金收支预算表 (社预08 rows) per calendar year of the run, mean over replications (万元),
    then 年末备付月数 and whether it is ≥ 12 months; None when the area's UI fund is pooled above it (no
    account of its own). Every cell: funds.csv (revenue, balance, months_of_cover) or budget.csv (ui_fund
    spending by row)."""
    if results.manifest.get("locality_profile", {}).get("ui_fund", {}).get("pooling", "local") != "local":
        return None
    funds = _reps(results.funds)
    ui = funds[funds["fund"] == UI_FUND].assign(year=lambda d: d["month"].str.slice(0, 4))
    reps = ui["rep"].nunique()
    b = results.budget[results.budget["funding"] == UI_FUND]
    b = b.assign(row=[_sy08_spending_row(ty, li) for ty, li in zip(b["type"], b["line"])])
    columns = {}
    for year, group in ui.groupby("year"):
        revenue = group["revenue"].sum() / reps
        spending = b[b["year"] == int(year)].groupby("row")["amount_yuan"].sum()
        last = group[group["month"] == group["month"].max()]
        closing = last["balance"].mean()
        outlays = group["outlays"].sum() / reps
        values = {"期初余额": closing - revenue + outlays, "收入合计": revenue, "失业保险费收入": revenue}
        values |= {row: np.nan for row in SY08_INCOME[1:]}
        values["支出合计"] = outlays
        values |= {row: np.nan if row in SY08_NOT_MODELLED else spending.get(row, 0.0) for row in SY08_SPENDING}
        values |= {"本年收支结余": revenue - outlays, "年末滚存结余": closing}
        columns[year] = ({k: round(v / 1e4, 2) for k, v in values.items()}
                         | {"年末备付月数": round(float(last["months_of_cover"].mean()), 2)})
    order = (["期初余额", "收入合计", *SY08_INCOME, "支出合计", *SY08_SPENDING, "本年收支结余", "年末滚存结余",
              "年末备付月数"])
    unit = "(万元)" if lang == "zh" else " (10k yuan)"
    label = [("  " if row in SY08_INCOME + SY08_SPENDING else "") + (row if lang == "zh" else SY08_EN[row])
             for row in order]
    frame = pd.DataFrame({t(lang, "item"): label})
    for year, values in columns.items():
        frame[f"{year}{unit}"] = [values[row] for row in order]
    notes = []
    for row in order:
        if row in SY08_NOT_MODELLED:
            notes.append(t(lang, "not_modelled"))
        elif row == "期初余额":
            notes.append("funds.csv: 年末结余 − 收入 + 支出" if lang == "zh" else "funds.csv: closing − revenue + outlays")
        elif row in ("收入合计", "失业保险费收入"):
            notes.append("funds.csv: Σ revenue")
        elif row == "支出合计":
            notes.append("funds.csv: Σ outlays")
        elif row in SY08_SPENDING:
            notes.append("budget.csv: funding=ui_fund")
        elif row == "年末备付月数":
            notes.append("funds.csv: months_of_cover")
        else:
            notes.append("funds.csv: balance" if row == "年末滚存结余" else "funds.csv")
    frame[t(lang, "note")] = [data_ref(n, lang) for n in notes]
    gate = {t(lang, "item"): t(lang, "gate")}
    for year, values in columns.items():
        gate[f"{year}{unit}"] = t(lang, "yes") if values["年末备付月数"] >= GATE_MONTHS else t(lang, "no")
    gate[t(lang, "note")] = ("稳岗返还、技能提升补贴的门槛" if lang == "zh"
                             else "the gate of job-retention refunds and skill-upgrade subsidies")
    return pd.concat([frame, pd.DataFrame([gate])], ignore_index=True)


@once
def cover_shortfalls(results, lang: str) -> pd.DataFrame | None:
    """Per replication, the months whose UI fund cover is under 12 months (the 备付 gate closed), and its
    lowest cover; None when no month of any replication is under 12 (or the fund is pooled)."""
    funds = _reps(results.funds)
    ui = funds[(funds["fund"] == UI_FUND) & (funds["months_of_cover"] < GATE_MONTHS)]
    if ui.empty:
        return None
    rows = [(int(rep) + 1, "、".join(group["month"]), round(float(group["months_of_cover"].min()), 2))
            for rep, group in ui.groupby("rep")]
    return pd.DataFrame(rows, columns=[t(lang, "rep"), t(lang, "months_below"), t(lang, "min_cover")])


# ---- 项目支出绩效目标申报表 --------------------------------------------------------------------------------

PERF_HEAD = ("unit_name", "project", "budget", "goal", "level1", "level2", "level3", "nature", "value", "unit",
             "weight", "direction", "source")


@once
def performance_targets(results, lang: str, attribution: pd.DataFrame | None = None,
                        scenario: str | None = None) -> pd.DataFrame:
    """A pre-filled 项目支出绩效目标申报表 for the 就业补助资金 of each year: 数量指标 (payments per
    instrument), 成本指标 (cost per payment; with attribution, cost per additional job), 效益指标 (城镇新增
    就业 and the year-end outcomes; with attribution, additional jobs), 满意度指标 and 权重 left for the unit.
    Every value names the results file and rows it comes from."""
    zh = lang == "zh"
    m = results.manifest
    scenario = scenario or m["scenario"]
    b = results.budget[results.budget["funding"] == EMPLOYMENT_FUND]
    outcomes = _reps(results.outcomes).groupby(["month", "metric"], as_index=False)["value"].mean()
    mean_note = ", mean of replications" if "rep" in results.outcomes else ""
    project = ("就业补助资金" if zh else "Employment subsidy fund") + f" — {m.get('title_zh') or m['scenario']}"
    rows = []
    for year, group in b.groupby("year"):
        budget_wan = round(group["amount_yuan"].sum() / 1e4, 2)
        in_year = outcomes[outcomes["month"].str.startswith(str(year))]
        last_month = in_year["month"].max()
        last = in_year[in_year["month"] == last_month].set_index("metric")["value"]
        jobs = int(round(last["new_urban_jobs_ytd"])) if "new_urban_jobs_ytd" in last else None
        n = group["instrument"].nunique()
        goal = ((f"落实 {n} 项就业补助政策,支出 {budget_wan:,.2f} 万元" + (f";城镇新增就业 {jobs:,} 人" if jobs else ""))
                if zh else (f"{n} employment subsidies, {budget_wan:,.2f} (10k yuan)"
                            + (f"; {jobs:,} new urban jobs" if jobs else "")))

        def add(level1, level2, level3, value, unit, direction, source, nature=("定量" if zh else "quantitative")):
            rows.append([str(year), t(lang, "fill"), project, budget_wan, goal, level1, level2, level3, nature, value,
                         unit, None, direction, source])

        names = dict(zip(group["instrument"], group["name_zh"]))
        payments = group[group["line"] == CostLine.main.name].groupby("instrument", sort=False)["payments"].sum()
        amounts = group.groupby("instrument", sort=False)["amount_yuan"].sum()
        for iid in amounts.index:
            label = f"{iid} {names[iid]} 享受人次" if zh else f"{iid} payments"
            add("产出指标" if zh else "Output", "数量指标" if zh else "Quantity", label, int(round(payments.get(iid, 0))),
                "人次" if zh else "person-times", "≥",
                f"budget.csv: year={year}, instrument={iid}, funding={EMPLOYMENT_FUND}, line=main, payments")
        for iid in amounts.index:
            if payments.get(iid, 0) > 0:
                label = f"{iid} {names[iid]} 人均补贴" if zh else f"{iid} cost per payment"
                add("产出指标" if zh else "Output", "成本指标" if zh else "Cost", label,
                    round(amounts[iid] / payments[iid], 2), "元/人次" if zh else "yuan/payment", "≤",
                    f"budget.csv: year={year}, instrument={iid}, funding={EMPLOYMENT_FUND}: "
                    "Σ amount_yuan ÷ payments of line main")
        ours = None
        if attribution is not None:
            ours = attribution[(attribution["scenario"] == scenario) & attribution["instrument"].isin(amounts.index)]
            for _, row in ours[np.isfinite(ours["cost_per_additional_job"])].iterrows():
                label = f"{row['instrument']} 每新增就业成本" if zh else f"{row['instrument']} cost per additional job"
                add("产出指标" if zh else "Output", "成本指标" if zh else "Cost", label,
                    round(row["cost_per_additional_job"] / 1e4, 2), "万元/人" if zh else "10k yuan/job", "≤",
                    f"attribution.csv: scenario={scenario}, instrument={row['instrument']}, "
                    "cost_per_additional_job ÷ 10,000 (whole run)")
        for metric, rate in (("new_urban_jobs_ytd", False), ("reemployed_unemployed_ytd", False),
                             ("difficulty_employed_ytd", False), ("surveyed_unemployment_rate", True)):
            if metric in last:
                value = round(float(last[metric]) * 100, 2) if rate else int(round(last[metric]))
                add("效益指标" if zh else "Outcome", "社会效益指标" if zh else "Social benefit",
                    metric_label(metric, "zh" if zh else "en"), value,
                    "%" if rate else ("人" if zh else "persons"), "≤" if rate else "≥",
                    f"outcomes.csv: month={last_month}, metric={metric}{mean_note}" + (" × 100" if rate else ""))
        if ours is not None and len(ours):
            add("效益指标" if zh else "Outcome", "社会效益指标" if zh else "Social benefit",
                "政策带来的新增就业(反事实归因)" if zh else "Additional jobs (attribution)",
                int(round(ours["additional_jobs"].sum())), "人" if zh else "persons", "≥",
                f"attribution.csv: scenario={scenario}, Σ additional_jobs of the {EMPLOYMENT_FUND} instruments "
                "(whole run)")
        add("满意度指标" if zh else "Satisfaction", "服务对象满意度指标" if zh else "Beneficiaries",
            "服务对象满意度" if zh else "Beneficiary satisfaction", None, "%", "≥", t(lang, "fill"))
    frame = pd.DataFrame(rows, columns=[t(lang, "year")] + [t(lang, k) for k in PERF_HEAD], dtype=object)
    frame[t(lang, "budget")] = frame[t(lang, "budget")].astype(float)
    frame[t(lang, "source")] = [data_ref(x, lang) for x in frame[t(lang, "source")]]
    return frame


@once
def closed_gates(results) -> pd.DataFrame:
    """Per replication, each 稳岗返还 pay month with the cover its 备付 gate read (the fund's cover at the
    end of the previous month, the opening cover in the first month, or the pooled fund's cover), the
    threshold and whether it was open — as sim.backtest.refund_gates reads it, but replication by
    replication, so a report can say in which replications a gate decided the cost."""
    m = results.manifest
    fund = m["locality_profile"]["ui_fund"]
    pooled = fund.get("pooling", "local") != "local"
    months = list(pd.unique(results.outcomes["month"]))
    ui = _reps(results.funds)
    ui = ui[ui["fund"] == UI_FUND].pivot(index="month", columns="rep", values="months_of_cover").reindex(months)
    prior = fund["prior_monthly_outlay"]
    opening = fund["opening_balance"] / prior if prior > 0 else np.inf
    rows = []
    for iid, spec in m["resolved_scenario"].get("instruments", {}).items():
        if spec.get("type") != InstrumentType.stabilization_refund.name or not spec.get("enabled", True):
            continue
        first, last = spec.get("valid", [months[0], months[-1]])
        threshold = float(spec["min_fund_months"])
        for k, month in enumerate(months):
            if int(month[5:]) != spec["pay_month"] or not first <= month <= last:
                continue
            for rep in ui.columns:
                cover = fund["pooled_cover_months"] if pooled else (ui[rep].iloc[k - 1] if k > 0 else opening)
                rows.append((iid, month, int(rep), float(cover), threshold, bool(cover >= threshold)))
    return pd.DataFrame(rows, columns=["instrument", "month", "rep", "months_of_cover", "min_fund_months", "open"])


# ---- 就业补助资金绩效自评表 --------------------------------------------------------------------------------

# rows of the 绩效自评表's funds (DESIGN §13) and the costs.csv column each reads; 地方财政资金 = 省 + 市 + 县,
# 其他资金 is not modelled (blank)
LEVEL_ROWS = (("年度资金总额", "amount_yuan"), ("其中:中央财政资金", "central_yuan"), ("地方财政资金", "local"),
              ("  省级", "provincial_yuan"), ("  市级", "city_yuan"), ("  县(区)级", "district_yuan"), ("其他资金", None))
LEVELS_EN = {"年度资金总额": "Total", "其中:中央财政资金": "of which central", "地方财政资金": "Local",
             "  省级": "  provincial", "  市级": "  city", "  县(区)级": "  district", "其他资金": "Other"}
LOCAL = ("provincial_yuan", "city_yuan", "district_yuan")
SELF_TEXT = {
    "zh": {"section": "资金", "indicator": "绩效指标", "item": "项目", "planned": "全年预算数(A)(万元)",
           "executed": "全年执行数(B)(万元)", "rate": "预算执行率(B/A)(%)", "planned_value": "年度指标值",
           "actual_value": "实际完成值", "deviation": "偏差原因分析", "source_a": "A 的来源", "source_b": "B 的来源",
           "no_budget": "未设预算额度", "deviation_text": "实际完成值比年度指标值{sign}{pct:.1f}%",
           "reform_reason": ";改革情景改变了参数(见参数变更一览表)",
           "fill_reason": ";原因由填报单位填写"},
    "en": {"section": "Funds", "indicator": "Indicators", "item": "Item", "planned": "Budget for the year A (10k yuan)",
           "executed": "Executed in the year B (10k yuan)", "rate": "Execution rate B/A (%)",
           "planned_value": "Target for the year", "actual_value": "Achieved", "deviation": "Reason for the deviation",
           "source_a": "Source of A", "source_b": "Source of B", "no_budget": "no envelope set",
           "deviation_text": "achieved {sign}{pct:.1f} % against the target",
           "reform_reason": "; the reform changes parameters (see the changed parameters)",
           "fill_reason": "; the reason is for the unit to fill in"},
}


def _envelope(manifest: dict, year: int) -> float:
    """The employment fund's envelope for `year` (yuan): the value in force in its January (or the first
    listed month), 0 when none is set."""
    value = manifest["resolved_scenario"].get("budget", {}).get(EMPLOYMENT_FUND, {}).get("annual_yuan", 0.0)
    if isinstance(value, dict):
        months = sorted(value)
        in_force = [m for m in months if m <= f"{year}-01"]
        value = value[in_force[-1] if in_force else months[0]]
    return float(value or 0.0)


def _executed(results, year: str) -> dict[str, float]:
    """Employment-fund cash of `year` by level (yuan, mean over replications) from costs.csv."""
    costs = _reps(results.costs)
    reps = max(costs["rep"].nunique(), 1)
    part = costs[(costs["funding"] == EMPLOYMENT_FUND) & costs["month"].str.startswith(year)]
    out = {column: float(part[column].sum()) / reps if column in part else np.nan
           for _, column in LEVEL_ROWS if column not in (None, "local")}
    return out | {"local": sum(out[c] for c in LOCAL), None: np.nan}


def _level_ref(scenario: str, year: str, column: str | None) -> str:
    if column is None:
        return "not modelled"
    summed = " + ".join(LOCAL) if column == "local" else column
    return f"costs.csv ({scenario}): year={year}, funding={EMPLOYMENT_FUND}, Σ {summed}"


@once
def self_evaluation(results, lang: str, planned=None) -> list[pd.DataFrame]:
    """The 就业补助资金绩效自评表 of each year of the run: funds (全年预算数 A, 全年执行数 B, 执行率 B/A for
    the total and the 中央/省/市/县 levels) and indicators (年度指标值, 实际完成值, 偏差原因).

    B is the run's employment-fund cash (costs.csv, by level). A is, in a comparison, the base scenario's
    cash (`planned`, the budget drawn up on the base projection) and otherwise the scenario's envelope
    ([budget.employment_fund] annual_yuan; levels blank: an envelope has no split by level). The
    indicators' 实际完成值 are the run's 绩效目标申报表 values, their 年度指标值 those of `planned` (blank
    without it: the unit copies them from its 申报表); the deviation is stated, its reason left to the unit
    (in a comparison: the changed parameters)."""
    s = lambda key: SELF_TEXT[lang][key]                     # noqa: E731
    zh = lang == "zh"
    costs = _reps(results.costs)
    years = sorted(costs["month"].str.slice(0, 4).unique())
    scenario = results.manifest["scenario"]
    rows = []
    for year in years:
        executed = _executed(results, year)
        budgeted = _executed(planned, year) if planned is not None else None
        envelope = _envelope(results.manifest, int(year)) if planned is None else 0.0
        for label, column in LEVEL_ROWS:
            b = executed[column]
            if budgeted is not None:
                a = budgeted[column]
                source_a = _level_ref(planned.manifest["scenario"], year, column)
            elif column == "amount_yuan" and envelope > 0:
                a, source_a = envelope, f"scenario: budget.{EMPLOYMENT_FUND}.annual_yuan ({year})"
            else:
                a, source_a = np.nan, s("no_budget") if column == "amount_yuan" else ("" if column else "not modelled")
            rate = b / a if a and np.isfinite(a) else np.nan
            rows.append((year, label if zh else LEVELS_EN[label], round(a / 1e4, 2) if np.isfinite(a) else np.nan,
                         round(b / 1e4, 2) if np.isfinite(b) else np.nan, round(rate * 100, 2) if np.isfinite(rate) else np.nan,
                         data_ref(source_a, lang),
                         data_ref(_level_ref(scenario, year, column), lang)))
    funds = pd.DataFrame(rows, columns=[t(lang, "year"), s("item"), s("planned"), s("executed"), s("rate"),
                                        s("source_a"), s("source_b")])
    actual = performance_targets(results, lang)
    value, level3 = t(lang, "value"), t(lang, "level3")
    actual = actual[actual[value].notna()]
    target = None
    if planned is not None:
        target = performance_targets(planned, lang).set_index([t(lang, "year"), level3])[value]
    indicators = []
    for _, row in actual.iterrows():
        key = (row[t(lang, "year")], row[level3])
        goal = target.get(key, np.nan) if target is not None else np.nan
        got = row[value]
        reason = ""
        if target is not None and goal is not None and np.isfinite(goal) and goal != got:
            change = (got - goal) / abs(goal) * 100 if goal else np.inf
            reason = s("deviation_text").format(sign="+" if change > 0 else "", pct=change) + s("reform_reason")
        elif target is not None:
            reason = "—"
        indicators.append((row[t(lang, "year")], row[t(lang, "level1")], row[t(lang, "level2")], row[level3],
                           goal, got, row[t(lang, "unit")], reason or t(lang, "fill"), row[t(lang, "source")]))
    indicator_frame = pd.DataFrame(indicators, columns=[t(lang, "year"), t(lang, "level1"), t(lang, "level2"), level3,
                                                        s("planned_value"), s("actual_value"), t(lang, "unit"),
                                                        s("deviation"), t(lang, "source")])
    for column in (s("planned_value"), s("actual_value")):
        indicator_frame[column] = indicator_frame[column].astype(float)
    return [funds, indicator_frame]
