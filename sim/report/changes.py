"""What a reform changes and why (issue 16 item 2): the 参数变更一览表 (each changed parameter with its
base and reform value, dates and source), the comparison's 摘要 (cost by year and fund with the interval,
the effect on jobs, the instruments that drive it, the gates that decide a cost, the figures that are
zero or 100 % by construction) and the same headline differences as terminal rows for `subsim compare`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.codes import InstrumentType
from sim.report.bureau import GATE_MONTHS, closed_gates
from sim.report.labels import citation, fund_name, metric_name, param_name, text

# keys of a scenario that name or describe it rather than set a parameter
NOT_PARAMETERS = {"scenario.name", "scenario.title_zh", "scenario.title_en", "scenario.extends", "scenario.description",
                  "scenario.note"}
DESCRIPTIVE = {"source", "note", "name_zh", "name_en", "catalogue_id"}
SUBKEY_ZH = {"sme": "中小微企业", "large": "大型企业", "micro": "微型企业", "small": "小型企业", "medium": "中型企业"}

TEXT = {
    "zh": {"parameter": "参数", "key": "参数键", "base": "基准值", "reform": "改革值", "dates": "有效期",
           "source": "依据/来源", "scenario": "改革情景", "whole": "测算全期", "added": "(新增)", "removed": "(无)",
           "no_change": "与基准相比没有参数变更。"},
    "en": {"parameter": "Parameter", "key": "Key", "base": "Base value", "reform": "Reform value", "dates": "In force",
           "source": "Source", "scenario": "Reform", "whole": "whole run", "added": "(added)", "removed": "(none)",
           "no_change": "No parameter differs from the base."},
}


def _t(lang: str, key: str) -> str:
    return TEXT[lang][key]


def _flatten(document, prefix: str = ""):
    """(dotted key, value) of every leaf; a by-month table (keys are months) is one value."""
    if isinstance(document, dict) and document and not all(str(k)[:1].isdigit() for k in document):
        for key, value in document.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, document


def _show(value):
    """A parameter value for the table: a number stays a number, anything else becomes text."""
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(_show(v)) for v in value) + "]"
    return str(value)


def changed_parameters(comparison) -> pd.DataFrame:
    """Per reform, every resolved-scenario leaf whose value differs from the base: reform, key, instrument,
    base value, reform value (None when absent), the instrument's dates and the reform's source for it."""
    base = comparison.results[comparison.base].manifest["resolved_scenario"]
    base_leaves = dict(_flatten({k: v for k, v in base.items() if k != "run"}))
    rows = []
    for reform in comparison.reforms:
        resolved = comparison.results[reform].manifest["resolved_scenario"]
        leaves = dict(_flatten({k: v for k, v in resolved.items() if k != "run"}))
        for key in list(dict.fromkeys([*base_leaves, *leaves])):
            if key in NOT_PARAMETERS or key.split(".")[-1] in DESCRIPTIVE or key.endswith("_source"):
                continue
            old, new = base_leaves.get(key), leaves.get(key)
            if old == new:
                continue
            parts = key.split(".")
            instrument = parts[1] if parts[0] == "instruments" and len(parts) > 2 else None
            spec = (resolved if new is not None else base).get("instruments", {}).get(instrument, {}) if instrument \
                else {}
            leaf = parts[-1]
            source = spec.get(f"{leaf}_source") or spec.get("source") or resolved.get("scenario", {}).get("description")
            rows.append((reform, key, instrument, spec.get("type"), old, new, spec.get("valid"), source or ""))
    return pd.DataFrame(rows, columns=["reform", "key", "instrument", "type", "base", "reform_value", "valid", "source"])


def parameter_changes_table(comparison, lang: str) -> pd.DataFrame:
    """参数变更一览表: per reform and changed parameter, its name (Chinese in the Chinese report), base and
    reform value, dates and source; the key itself in its own column."""
    changes = changed_parameters(comparison)
    names = _instrument_names(comparison, lang)
    labels = []
    for key, instrument, type_ in zip(changes["key"], changes["instrument"], changes["type"]):
        parts = key.split(".")
        if instrument:
            sub = [SUBKEY_ZH.get(p, p) if lang == "zh" else p for p in parts[3:]]
            labels.append(f"{instrument} {names.get(instrument, '')} · {param_name(type_, parts[2], lang)}"
                          + (f"({'.'.join(sub)})" if sub else ""))
        else:
            labels.append(param_name(None, key, lang))
    return pd.DataFrame({
        _t(lang, "scenario"): changes["reform"].astype(object), _t(lang, "parameter"): labels,
        _t(lang, "base"): [_show(v) if v is not None else _t(lang, "removed") for v in changes["base"]],
        _t(lang, "reform"): [_show(v) if v is not None else _t(lang, "removed") for v in changes["reform_value"]],
        _t(lang, "dates"): [f"{v[0]} – {v[1]}" if isinstance(v, (list, tuple)) and len(v) == 2 else _t(lang, "whole")
                            for v in changes["valid"]],
        _t(lang, "source"): [citation(x, lang) for x in changes["source"]], _t(lang, "key"): changes["key"]})


def _instrument_names(comparison, lang: str) -> dict[str, str]:
    names = {}
    for results in comparison.results.values():
        for iid, spec in results.manifest["resolved_scenario"].get("instruments", {}).items():
            names[iid] = spec.get("name_zh", "") if lang == "zh" else spec.get("name_en") or spec.get("name_zh", "")
    return names


def _row(d: pd.DataFrame, reform: str, category: str, year: str, key: str):
    row = d[(d["reform"] == reform) & (d["category"] == category) & (d["year"] == year) & (d["key"] == key)]
    return None if row.empty else row.iloc[0]


def _money(row, lang: str) -> str:
    """A cost difference in 万元 with its 90 % interval."""
    value = f"{row['difference'] / 1e4:+,.1f} 万元" if lang == "zh" else f"{row['difference'] / 1e4:+,.1f} (10k yuan)"
    if np.isfinite(row["ci_low"]):
        value += (f"(90% 区间 {row['ci_low'] / 1e4:+,.1f} … {row['ci_high'] / 1e4:+,.1f})" if lang == "zh"
                  else f" (90 % interval {row['ci_low'] / 1e4:+,.1f} … {row['ci_high'] / 1e4:+,.1f})")
    return value


def _persons(row, lang: str) -> str:
    value = f"{row['difference']:+,.0f} 人" if lang == "zh" else f"{row['difference']:+,.0f} persons"
    if np.isfinite(row["ci_low"]):
        value += (f"(90% 区间 {row['ci_low']:+,.0f} … {row['ci_high']:+,.0f})" if lang == "zh"
                  else f" (90 % interval {row['ci_low']:+,.0f} … {row['ci_high']:+,.0f})")
    return value


def summary_paragraphs(comparison, lang: str) -> list[str]:
    """The 摘要 of a comparison, one paragraph per statement (plain text)."""
    zh = lang == "zh"
    d = comparison.differences
    years = sorted(y for y in d["year"].unique() if y != "all")
    names = _instrument_names(comparison, lang)
    changes = changed_parameters(comparison)
    out = []
    for reform in comparison.reforms:
        manifest = comparison.results[reform].manifest
        title = manifest.get("title_zh") or reform
        mine = changes[changes["reform"] == reform]
        touched = [f"{i} {names.get(i, '')}".strip() for i in dict.fromkeys(mine["instrument"].dropna())]
        if zh:
            out.append(f"改革情景「{title}」({reform})相对基准({comparison.base})改变 {len(mine)} 个参数"
                       + (f",涉及:{'、'.join(touched)}。" if touched else "。") + "各项参数见下表「参数变更一览表」。")
        else:
            out.append(f"The reform “{title}” ({reform}) changes {len(mine)} parameter(s) of the base "
                       f"({comparison.base})" + (f": {', '.join(touched)}." if touched else "."))
        costs = []
        for year in years + ["all"]:
            row = _row(d, reform, "cost", year, "total")
            if row is not None:
                label = (text(lang, "all_years") if year == "all" else year)
                funds = d[(d["reform"] == reform) & (d["category"] == "cost") & (d["year"] == year)
                          & d["key"].str.startswith("fund:") & (d["difference"] != 0)]
                detail = "、".join(f"{fund_name(k[5:], lang)} {v / 1e4:+,.1f}" for k, v in
                                  zip(funds["key"], funds["difference"]))
                costs.append(f"{label} {_money(row, lang)}" + (f"[{detail}]" if detail else ""))
        if costs:
            out.append(("现金支出变化(改革 − 基准):" if zh else "Cash spending, reform − base: ") + ";".join(costs)
                       + ("。" if zh else "."))
        forgone = _row(d, reform, "cost", "all", "forgone_total")
        if forgone is not None and forgone["difference"] != 0:
            out.append(("收入减少(减免,不计入现金支出)变化:" if zh else "Revenue forgone (not in cash), reform − base: ")
                       + _money(forgone, lang) + ("。" if zh else "."))
        drivers = d[(d["reform"] == reform) & (d["category"] == "cost") & (d["year"] == "all")
                    & ~d["key"].str.startswith("fund:") & ~d["key"].isin(["total", "forgone_total"])
                    & (d["difference"] != 0)]
        drivers = drivers.reindex(drivers["difference"].abs().sort_values(ascending=False).index).head(2)
        if len(drivers):
            items = [f"{k} {names.get(k, '')} {v / 1e4:+,.1f}" for k, v in zip(drivers["key"], drivers["difference"])]
            out.append(("差异主要来自:" + "、".join(items) + " 万元(测算全期)。") if zh
                       else ("Driven mainly by: " + ", ".join(items) + " (10k yuan, whole run)."))
        last = years[-1] if years else "all"
        jobs = _row(d, reform, "outcome", last, "new_urban_jobs_ytd")
        if jobs is not None:
            out.append((f"{last} 年{metric_name('new_urban_jobs_ytd', lang)}变化:{_persons(jobs, lang)}。") if zh
                       else f"New urban jobs in {last}: {_persons(jobs, lang)}.")
            if _zero_everywhere(d, reform):
                out.append("就业结果在每次重复中与基准逐人相同(差异恰为 0):本改革改变的参数不进入模型的任何行为反应"
                           "(行为反应只取决于补贴是否在有效期内、招聘补贴占用工成本的比例、是否领取失业保险金等,"
                           "docs/instruments.md §1.10),这是模型构造所致,不表示实际没有就业效应。" if zh else
                           "Outcomes are identical person by person in every replication (difference exactly 0): the "
                           "parameters this reform changes enter no behavioural response of the model "
                           "(docs/instruments.md §1.10) — a consequence of the model's construction, not evidence "
                           "of no effect.")
    out += gate_paragraphs(comparison, lang)
    out += envelope_paragraphs(comparison, lang)
    out += construction_paragraphs(comparison, lang)
    return out


def _zero_everywhere(d: pd.DataFrame, reform: str) -> bool:
    """True when every outcome of `reform` equals the base's in every replication (a zero difference with a
    zero-width interval)."""
    rows = d[(d["reform"] == reform) & (d["category"] == "outcome")]
    return len(rows) > 0 and bool(((rows["difference"] == 0) & (rows["ci_low"].fillna(0) == 0)
                                   & (rows["ci_high"].fillna(0) == 0)).all())


def envelope_paragraphs(comparison, lang: str) -> list[str]:
    """Where a budget envelope ran out: per scenario, instrument and year, the replications and the first
    month with unpaid claims (costs.csv `unfunded_yuan`)."""
    out = []
    for name, results in comparison.results.items():
        costs = results.costs if "rep" in results.costs else results.costs.assign(rep=0)
        if "unfunded_yuan" not in costs:
            continue
        short = costs[costs["unfunded_yuan"] > 0].assign(year=lambda c: c["month"].str.slice(0, 4))
        reps = max(costs["rep"].nunique(), 1)
        for (iid, year), group in short.groupby(["instrument", "year"]):
            which = "、".join(str(r + 1) for r in sorted(group["rep"].unique()))
            out.append((f"{name}:{iid} 的预算额度在 {year} 年不足,第 {which} 次重复(共 {reps} 次)自 "
                        f"{group['month'].min()} 起按额度支付,未付申领平均 {group['unfunded_yuan'].sum() / reps / 1e4:,.1f} 万元;"
                        "该项支出由预算额度决定。") if lang == "zh" else
                       (f"{name}: the envelope of {iid} ran out in {year} in replication(s) {which} of {reps} "
                        f"(from {group['month'].min()}); unpaid claims {group['unfunded_yuan'].sum() / reps / 1e4:,.1f} "
                        "(10k yuan, mean): the envelope decides this cost."))
    return out


def gate_paragraphs(comparison, lang: str) -> list[str]:
    """Where the 备付 gate decided a refund: per scenario, the replications and months it was closed."""
    out = []
    for name, results in comparison.results.items():
        closed = closed_gates(results)
        closed = closed.loc[~closed["open"].astype(bool)]     # .loc: an empty mask still selects rows
        for (iid, month), group in closed.groupby(["instrument", "month"]):
            reps = "、".join(str(r + 1) for r in group["rep"])
            total = results.costs["rep"].nunique() if "rep" in results.costs else 1
            lows = ", ".join(f"{c:.2f}" for c in group["months_of_cover"])
            out.append((f"{name}:{iid} 稳岗返还的 {month} 发放月,第 {reps} 次重复(共 {total} 次)的失业保险基金备付月数为 "
                        f"{lows} 个月,低于 {GATE_MONTHS:g} 个月门槛,当次不发放;该项支出由备付门槛决定,"
                        "区间因此变宽。") if lang == "zh" else
                       (f"{name}: in the pay month {month} of {iid}, replication(s) {reps} of {total} had the UI "
                        f"fund's cover at {lows} months, under the {GATE_MONTHS:g}-month gate: no refund was paid "
                        "there; the gate decides this cost and widens the interval."))
    return out


def construction_paragraphs(comparison, lang: str) -> list[str]:
    """One sentence for each attribution figure that is 100 % or zero by construction."""
    a = comparison.attribution
    if a is None:
        return []
    base = a[(a["scenario"] == comparison.base) & (a["cost_yuan"] != 0)]
    out = []
    full = base[base["deadweight_share"] >= 1.0]
    if len(full):
        items = "、".join(f"{i} {n}" for i, n in zip(full["instrument"], full["name_zh"]))
        out.append((f"无谓损失比例为 100% 的项目({items}):其受补贴者在关闭该项目的反事实中同样就业——该项目不进入任何"
                    "行为反应(或行为反应已关闭),按构造全部为无谓损失,见 docs/attribution.md。") if lang == "zh" else
                   (f"Deadweight of 100 % ({items}): every subsidised person is also employed when the instrument "
                    "is switched off — it enters no behavioural response, so this holds by construction "
                    "(docs/attribution.md)."))
    firm = base[base["type"].isin([InstrumentType.stabilization_refund.name, InstrumentType.fixed_award.name])] \
        if "type" in base else base.iloc[0:0]
    if len(firm):
        items = "、".join(f"{i}" for i in firm["instrument"])
        out.append((f"面向企业的项目({items})没有逐人的受补贴就业,无谓损失比例不适用。") if lang == "zh" else
                   f"Firm-level instruments ({items}) have no subsidised persons; deadweight does not apply.")
    return out


def terminal_rows(comparison) -> list[tuple[str, str]]:
    """The headline differences `subsim compare` prints: per reform, cash spending by year and over the
    run, revenue forgone, the last year's new urban jobs, unemployment rate and months of cover, each
    with its 90 % interval."""
    d = comparison.differences
    years = sorted(y for y in d["year"].unique() if y != "all")
    rows = [("基准情景", comparison.base)]
    for reform in comparison.reforms:
        rows.append(("改革情景", reform))
        for year in years + ["all"]:
            row = _row(d, reform, "cost", year, "total")
            if row is not None:
                rows.append((f"  {'全期' if year == 'all' else year} 现金支出差异", _money(row, "zh")))
        forgone = _row(d, reform, "cost", "all", "forgone_total")
        if forgone is not None and (forgone["difference"] != 0 or forgone["base"] != 0):
            rows.append(("  全期 收入减少差异(不计入现金)", _money(forgone, "zh")))
        if years:
            jobs = _row(d, reform, "outcome", years[-1], "new_urban_jobs_ytd")
            if jobs is not None:
                rows.append((f"  {years[-1]} 城镇新增就业差异", _persons(jobs, "zh")))
            rate = _row(d, reform, "outcome", years[-1], "surveyed_unemployment_rate")
            if rate is not None:
                band = (f"(90% 区间 {rate['ci_low'] * 100:+.2f} … {rate['ci_high'] * 100:+.2f})"
                        if np.isfinite(rate["ci_low"]) else "")
                rows.append((f"  {years[-1]} 城镇调查失业率差异", f"{rate['difference'] * 100:+.2f} 个百分点{band}"))
            cover = _row(d, reform, "fund", years[-1], "months_of_cover")
            if cover is not None:
                band = (f"(90% 区间 {cover['ci_low']:+.2f} … {cover['ci_high']:+.2f})"
                        if np.isfinite(cover["ci_low"]) else "")
                rows.append((f"  {years[-1]} 年末备付月数差异", f"{cover['difference']:+.2f} 个月{band}"))
    return rows
