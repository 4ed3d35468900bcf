"""The reports' section 基线与公开数据对比 (baseline against published figures) and the UI fund as the
area sees it when the fund is pooled above it; tables shared by the HTML report and the workbook."""
from __future__ import annotations

import math

import pandas as pd

from sim.backtest import baseline_checks, refund_gates
from sim.once import once
from sim.report.labels import citation, relation_name, value_text
from sim.report.tables import recorded_targets
from sim.targets import compare_targets

# targets that hold the run against published statistics (REAL_FIGURES.md) or a text's own volumes
PUBLISHED_METRICS = ("new_urban_jobs_ytd", "surveyed_unemployment_rate", "reemployed_unemployed_ytd",
                     "difficulty_employed_ytd", "reemployed_per_new_urban_job", "difficulty_per_new_urban_job",
                     "ui_months_per_recipient", "ui_benefit_months_per_claim", "ui_recipients_per_contributor",
                     "active_spending_per_resident_ytd", "refunds_per_ui_contributor_ytd",
                     "training_person_times_ytd", "onjob_training_person_times_ytd",
                     "guaranteed_loans_issued_yuan_ytd", "new_jobs_recorded")
POOLING_ZH = {"municipal": "市级", "provincial": "省级"}
POOLING_EN = {"municipal": "municipal", "provincial": "provincial"}

TEXT = {
    "zh": {
        "heading": "基线与公开数据对比", "checks": "基线检验(验收标准)", "published": "与公开数据对比",
        "gates": "备付门槛(稳岗返还是否发放由基金备付月数决定)",
        "check": "检验", "city": "地区", "year": "年度", "value": "模型值", "low": "下限", "high": "上限",
        "passed": "通过", "note": "说明", "note_written": "说明原文", "yes": "是", "no": "否",
        "indicator": "指标", "published_value": "公开值/目标", "relation": "关系", "tolerance": "容差", "gap": "差距",
        "met": "在容差内", "source": "来源",
        "instrument": "政策项目", "month": "月份", "pay_month": "发放月", "fund_read": "读取的基金", "cover": "备付月数",
        "threshold": "门槛(月)", "open": "门槛通过", "paid_wan": "发放(万元)", "own": "本地基金", "pooled": "统筹基金",
        "checks_note": ("各检验的区间来自验收标准(第12号议题);省级比例、城镇新增就业与失业率目标及其出处见 calibration/<地区>/targets.toml,"
                        "逐项比较与差距原因见 docs/validation.md。"),
        "gates_note": "门槛未通过的月份不发放稳岗返还:该项支出由基金备付状况决定,而非由申领决定。",
        "pooled_note": ("失业保险基金实行{level}统筹,本地区没有可为负的独立结余:下表列出本地区向统筹基金的缴费与从中支取,"
                        "备付门槛读取统筹基金的备付月数({cover:.1f} 个月,见参数附录)。"),
        "contributions": "本地区缴费(万元)", "draw": "从统筹基金支取(万元)", "net_draw": "净支取(万元)",
        "kpi_net_draw": "测算期失业保险净支取(统筹基金)",
    },
    "en": {
        "heading": "Baseline against published figures", "checks": "Baseline checks (issue 12 acceptance)",
        "published": "Against published figures",
        "gates": "Fund-cover gate (whether 稳岗返还 is paid is decided by the fund's months of cover)",
        "check": "Check", "city": "Area", "year": "Year", "value": "Model", "low": "Low", "high": "High",
        "passed": "Pass", "note": "Note", "note_written": "Note as written", "yes": "yes", "no": "no",
        "indicator": "Indicator", "published_value": "Published / target", "relation": "Relation",
        "tolerance": "Tolerance", "gap": "Gap", "met": "Within tolerance", "source": "Source",
        "instrument": "Instrument", "month": "Month", "pay_month": "Pay month", "fund_read": "Fund read", "cover": "Months of cover",
        "threshold": "Threshold (months)", "open": "Gate open", "paid_wan": "Paid (10k yuan)", "own": "own fund",
        "pooled": "pooled fund",
        "checks_note": ("Ranges are issue 12's; the province ratios, new-urban-jobs and unemployment targets and their "
                        "sources are in calibration/<area>/targets.toml; figure by figure and why gaps remain: "
                        "docs/validation.md."),
        "gates_note": "In a month where the gate is closed no refund is paid: the cost is decided by the fund's cover, "
                      "not by claims.",
        "pooled_note": ("The UI fund is pooled at the {level} level: the area has no balance of its own that could go "
                        "negative. The table gives the area's contributions to the pool and its draw on it; the "
                        "refund gate reads the pooled fund's cover ({cover:.1f} months, see the appendix)."),
        "contributions": "Contributions (10k yuan)", "draw": "Draw on the pool (10k yuan)",
        "net_draw": "Net draw (10k yuan)", "kpi_net_draw": "UI net draw on the pooled fund, whole run",
    },
}


def t(lang: str, key: str) -> str:
    return TEXT[lang][key]


def pooling(results) -> str:
    """The UI fund's pooling level of the run ("local" when the fund is the area's own account)."""
    return results.manifest.get("locality_profile", {}).get("ui_fund", {}).get("pooling", "local")


@once
def checks_table(results, lang: str) -> pd.DataFrame:
    """The baseline checks of the run, localised."""
    checks = baseline_checks(results, recorded_targets(results) or [])
    # the Chinese check name ends in the instrument type a check is about (冷启动 … hiring_si_subsidy)
    names = [" ".join(value_text(w, lang) for w in name.split(" ")) for name in checks["check_zh"]]
    frame = pd.DataFrame({
        t(lang, "check"): names if lang == "zh" else checks["check"],
        t(lang, "year"): checks["year"].astype("string").fillna("—"),
        t(lang, "value"): checks["value"].round(4), t(lang, "low"): checks["low"].round(4),
        t(lang, "high"): checks["high"].round(4),
        t(lang, "passed"): [t(lang, "yes") if p else t(lang, "no") for p in checks["passed"]],
        t(lang, "note"): [citation(n, lang, fallback="(英文说明见工作簿)") if n else n for n in checks["note"]]})
    if lang == "zh":                                         # the workbook keeps the note as written
        frame[t(lang, "note_written")] = checks["note"]
    return frame


@once
def published_table(results, lang: str) -> pd.DataFrame | None:
    """The run's recorded targets that are published statistics or a text's volumes: value, model, gap."""
    targets = [x for x in recorded_targets(results) or [] if x.metric in PUBLISHED_METRICS and x.district is None]
    if not targets:
        return None
    table = compare_targets(results, targets)
    return pd.DataFrame({
        t(lang, "indicator"): table["name_zh"] if lang == "zh" else table["name"],
        t(lang, "published_value"): table["value"], t(lang, "value"): table["simulated"].round(4),
        t(lang, "gap"): table["gap"].round(4), t(lang, "relation"): [relation_name(r, lang) for r in table["relation"]],
        t(lang, "tolerance"): table["tolerance"],
        t(lang, "met"): [t(lang, "yes") if m else t(lang, "no") for m in table["met"]],
        t(lang, "source"): [citation(x, lang) for x in table["source"]]})


@once
def gates_table(results, lang: str) -> pd.DataFrame | None:
    """The 备付 gate of each refund pay month (None when the scenario pays no 稳岗返还)."""
    gates = refund_gates(results)
    if gates.empty:
        return None
    return pd.DataFrame({
        t(lang, "instrument"): gates["instrument"], t(lang, "pay_month"): gates["month"],
        t(lang, "fund_read"): [t(lang, f) for f in gates["fund_read"]],
        t(lang, "cover"): gates["months_of_cover"].round(2), t(lang, "threshold"): gates["min_fund_months"],
        t(lang, "open"): [t(lang, "yes") if g else t(lang, "no") for g in gates["open"]],
        t(lang, "paid_wan"): (gates["paid_yuan"] / 1e4).round(2)})


@once
def pooled_fund_table(results, lang: str) -> pd.DataFrame:
    """A pooled UI fund as the area sees it, by month: contributions, draw and net draw (万元)."""
    funds = results.funds
    ui = funds[funds["fund"] == "ui_fund"].groupby("month")[["revenue", "outlays"]].mean()
    return pd.DataFrame({t(lang, "month"): ui.index, t(lang, "contributions"): (ui["revenue"] / 1e4).round(2),
                         t(lang, "draw"): (ui["outlays"] / 1e4).round(2),
                         t(lang, "net_draw"): ((ui["outlays"] - ui["revenue"]) / 1e4).round(2)}).reset_index(drop=True)


def pooled_note(results, lang: str) -> str:
    fund = results.manifest["locality_profile"]["ui_fund"]
    level = (POOLING_ZH if lang == "zh" else POOLING_EN)[fund["pooling"]]
    cover = fund.get("pooled_cover_months")
    return t(lang, "pooled_note").format(level=level, cover=cover if cover is not None else math.nan)


def pooled_cards(results, lang: str) -> list[tuple[str, str, str]]:
    """The headline card of a pooled UI fund: the whole run's net draw on the pool (万元)."""
    table = pooled_fund_table(results, lang)
    return [(t(lang, "kpi_net_draw"), f"{table[t(lang, 'net_draw')].sum():,.0f}", "")]


def sheets(results, lang: str) -> dict[str, list[pd.DataFrame]]:
    """The workbook sheet 基线与公开数据对比: checks, published figures, gates (those that exist)."""
    frames = [checks_table(results, lang)]
    for frame in (published_table(results, lang), gates_table(results, lang)):
        if frame is not None:
            frames.append(frame)
    return {"基线与公开数据对比": frames}
