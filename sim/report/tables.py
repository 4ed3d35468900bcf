"""The reports' tables, built once from saved results and shared by the HTML report and the workbook.

Numbers stay numbers (money in 万元 and 元, rates as fractions); only headers and names are localised.
With replications, amounts are means over replications and P5/P95 bands are given where the design asks.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from sim.ledger import is_cash
from sim.metrics import BY_NAME, HEADLINE, SHARES, by_year
from sim.once import once
from sim.report.labels import (citation, fund_name, line_name, metric_name, param_name, relation_name, text,
                               section_name, value_text)
from sim.targets import compare_targets, load_targets



def _reps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "rep" in frame else frame.assign(rep=0)


def instrument_names(manifest: dict, lang: str) -> dict[str, str]:
    """Instrument ID → its name in the report's language (`name_en` in English when the scenario gives
    one, else `name_zh`)."""
    specs = manifest["resolved_scenario"].get("instruments", {})
    return {iid: (spec.get("name_en") if lang == "en" else None) or spec.get("name_zh", "") for iid, spec in specs.items()}


@once
def setting_table(manifest: dict, lang: str) -> pd.DataFrame:
    """What was run: scenario, period, size, seed, replications, weight, time, input hash."""
    t = lambda key: text(lang, key)                          # noqa: E731
    rows = [(t("scenario"), f"{manifest['scenario']} {manifest.get('title_zh', '')}".strip()),
            (t("period"), f"{manifest['start']} + {manifest['months']} {t('months_unit')}"),
            (t("persons"), int(manifest["persons"])), (t("weight"), round(float(manifest["weight"]), 4)),
            (t("seed"), str(manifest["seed"])), (t("reps"), int(manifest["replications"])),
            (t("created"), _created(manifest.get("created_utc", ""), lang)), (t("sha"), manifest.get("scenario_sha256", ""))]
    return pd.DataFrame(rows, columns=[t("item"), t("value")], dtype=object)   # numbers stay numbers


def _created(stamp: str, lang: str) -> str:
    """An ISO time stamp in UTC as 2026-12-07 18:38:56 (UTC)."""
    if "T" not in stamp:
        return stamp
    day, clock = stamp.split("T")
    return f"{day} {clock[:8]}" + ("(世界协调时)" if lang == "zh" else " UTC")


@once
def budget_by_instrument(results, lang: str) -> pd.DataFrame:
    """Annual cost by instrument, cost line and fund in 万元 (with P5/P95 when replicated)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    b = results.budget.copy()
    out = pd.DataFrame({
        t("year"): b["year"].astype(str), t("instrument"): b["instrument"],
        t("name"): b["instrument"].map(instrument_names(results.manifest, lang)).fillna(b["name_zh"]),
        t("line"): [line_name(x, lang) for x in b["line"]], t("fund"): [fund_name(x, lang) for x in b["funding"]],
        t("amount_wan"): (b["amount_yuan"] / 1e4).round(2), t("amount_yuan"): b["amount_yuan"].round(2)})
    if "p5" in b:
        for q in ("p5", "p50", "p95"):
            out[t(q)] = (b[q] / 1e4).round(2)
    if "unfunded_yuan" in b and (b["unfunded_yuan"] != 0).any():
        out[t("unfunded_wan")] = (b["unfunded_yuan"] / 1e4).round(2)
    out[t("payments")] = b["payments"]
    return out


@once
def budget_by_fund(results, lang: str) -> pd.DataFrame:
    """Annual cost by fund (万元): one row per fund, one column per year and the whole period; the cash
    funds with their total, then the revenue-forgone funds with theirs (never added to the cash)."""
    b = results.budget
    wide = b.pivot_table(index="funding", columns="year", values="amount_yuan", aggfunc="sum", fill_value=0.0)
    wide.columns = [str(c) for c in wide.columns]
    wide[text(lang, "all_years")] = wide.sum(axis=1)
    cash = is_cash(wide.index.to_series()).to_numpy()
    parts = [wide[cash], wide[cash].sum(axis=0).rename("__total__").to_frame().T]
    if (~cash).any():
        parts += [wide[~cash], wide[~cash].sum(axis=0).rename("__forgone__").to_frame().T]
    wide = (pd.concat(parts) / 1e4).round(2)
    unit = "(万元)" if lang == "zh" else " (10k yuan)"
    wide.columns = [f"{c}{unit}" for c in wide.columns]
    totals = {"__total__": text(lang, "total_cost"), "__forgone__": text(lang, "forgone_total")}
    names = [totals.get(f) or fund_name(f, lang) for f in wide.index]
    wide.insert(0, text(lang, "fund"), names)
    return wide.reset_index(drop=True)


@once
def bands(results, lang: str, by: str) -> pd.DataFrame | None:
    """Cost per year and fund (`by` = "funding") or per year and instrument (`by` = "instrument", all its
    lines and funds) in 万元 over the replications: mean, P5, P50, P95 of the per-replication sums of
    costs.csv (a replication without a payment counts as zero); None with one replication. Cash and
    revenue forgone stay apart: a fund is one or the other, an instrument's rows are split by kind."""
    t = lambda key: text(lang, key)                          # noqa: E731
    costs = _reps(results.costs)
    reps = sorted(costs["rep"].unique())
    if len(reps) < 2:
        return None
    costs = costs.assign(year=costs["month"].str.slice(0, 4), cash=is_cash(costs["funding"]).to_numpy())
    keys = ["cash", "year", by]
    per_rep = costs.pivot_table(index=keys, columns="rep", values="amount_yuan", aggfunc="sum", fill_value=0.0)
    per_rep = per_rep.reindex(columns=reps, fill_value=0.0).sort_index(level=[0, 1], ascending=[False, True],
                                                                        sort_remaining=False)
    values = per_rep.to_numpy(np.float64) / 1e4
    index = per_rep.index.to_frame(index=False)
    if by == "funding":
        first = {t("fund"): [fund_name(f, lang) for f in index[by]]}
    else:
        names = instrument_names(results.manifest, lang)
        first = {t("instrument"): index[by], t("name"): index[by].map(names).fillna("")}
    kind = "现金支出" if lang == "zh" else "cash"
    forgone = "收入减少" if lang == "zh" else "revenue forgone"
    out = pd.DataFrame({t("year"): index["year"], **first, t("category"): np.where(index["cash"], kind, forgone),
                        t("amount_wan"): values.mean(axis=1).round(2)})
    for q, name in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
        out[t(name)] = np.quantile(values, q, axis=1).round(2)
    return out


@once
def budget_bands_by_year(results, cash: bool = True) -> pd.DataFrame:
    """Cash spending (or, with `cash` false, revenue forgone) per year and replication (yuan): for the
    bands of the headline cards; empty when there is none."""
    costs = _reps(results.costs)
    costs = costs[is_cash(costs["funding"]) == cash]
    per = costs.assign(year=costs["month"].str.slice(0, 4)).groupby(["rep", "year"])["amount_yuan"].sum()
    return per.reset_index()


@once
def monthly_by_fund(results, lang: str) -> pd.DataFrame:
    """Cost per month and fund (万元, mean over replications)."""
    costs = _reps(results.costs)
    reps = costs["rep"].nunique() or 1
    wide = costs.pivot_table(index="month", columns="funding", values="amount_yuan", aggfunc="sum", fill_value=0.0)
    wide = (wide / reps / 1e4).round(2)
    wide.columns = [fund_name(c, lang) for c in wide.columns]
    wide.insert(0, text(lang, "month"), wide.index)
    return wide.reset_index(drop=True)


@once
def ui_fund_table(results, lang: str) -> pd.DataFrame:
    """The UI fund by month: revenue, outlays, balance (万元) and months of cover (mean over replications)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    ui = _reps(results.funds)
    ui = ui[ui["fund"] == "ui_fund"].groupby("month")[["revenue", "outlays", "balance", "months_of_cover"]].mean()
    return pd.DataFrame({t("month"): ui.index, t("revenue_wan"): (ui["revenue"] / 1e4).round(2),
                         t("outlays_wan"): (ui["outlays"] / 1e4).round(2),
                         t("balance_wan"): (ui["balance"] / 1e4).round(2),
                         t("months_of_cover"): ui["months_of_cover"].round(2)}).reset_index(drop=True)


@once
def outcomes_by_year(results, lang: str, metrics=HEADLINE) -> pd.DataFrame:
    """Headline outcomes of each year by their year rule (`sim.metrics`: the year's last month for stocks,
    rates and running totals, the sum of a flow, the monthly mean, August for the destination rate),
    mean and P5/P95 over replications."""
    t = lambda key: text(lang, key)                          # noqa: E731
    o = _reps(results.outcomes)
    per_rep = by_year(o[o["metric"].isin(metrics)], "metric").dropna(subset=["value"])
    rows = []
    for (metric, year), group in per_rep.groupby(["metric", "year"], sort=False):
        values = group["value"].to_numpy()
        rows.append((metric, year, values.mean(), np.quantile(values, 0.05), np.quantile(values, 0.95)))
    frame = pd.DataFrame(rows, columns=["metric", "year", "mean", "p5", "p95"])
    frame["order"] = frame["metric"].map({m: i for i, m in enumerate(metrics)})
    frame = frame.sort_values(["order", "year"])
    unit = [text(lang, "share_unit") if m in SHARES else text(lang, "persons_unit") for m in frame["metric"]]
    out = pd.DataFrame({t("metric"): [metric_name(m, lang) for m in frame["metric"]], t("year"): frame["year"],
                        t("value"): _rounded(frame["mean"], frame["metric"]), t("unit"): unit})
    if o["rep"].nunique() > 1:
        out[t("low")] = _rounded(frame["p5"], frame["metric"]).to_numpy()
        out[t("high")] = _rounded(frame["p95"], frame["metric"]).to_numpy()
    out["__metric"] = frame["metric"].to_numpy()
    return out.reset_index(drop=True)


def _rounded(values: pd.Series, metrics: pd.Series) -> pd.Series:
    """Persons and counts to whole numbers, shares to four decimals (0.0552 shows as 5.52 %)."""
    return pd.Series(np.where(metrics.isin(SHARES), values.round(4), values.round(0)), index=values.index)


@once
def recorded_targets(results) -> list | None:
    """The targets of the file the run's manifest recorded, or None when it recorded none or the file
    has changed since (its sha256 differs: the run is not compared with other targets)."""
    recorded = [f for f in results.manifest.get("input_files", []) if f["role"] == "targets"]
    if not recorded:
        return None
    path = Path(recorded[0]["path"])
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != recorded[0]["sha256"]:
        return None
    return load_targets(path)


@once
def targets_table(results, lang: str) -> pd.DataFrame | None:
    """Simulated outcomes against the targets file the run's manifest recorded (`recorded_targets`), or
    None when there is none."""
    targets = recorded_targets(results)
    if not targets:
        return None
    table = compare_targets(results, targets)
    t = lambda key: text(lang, key)                          # noqa: E731
    name = table["name_zh"] if lang == "zh" else table["name"]
    return pd.DataFrame({t("metric"): name, t("relation"): [relation_name(r, lang) for r in table["relation"]],
                         t("target"): table["value"],
                         t("simulated"): table["simulated"].round(4), t("tolerance"): table["tolerance"],
                         t("met"): [t("yes") if m else t("no") for m in table["met"]],
                         t("source"): [citation(x, lang) for x in table["source"]]})


# free-text parameters the Chinese report renders as citations (their English prose is in the workbook's
# 来源原文 of the instrument or the English report)
FREE_TEXT = ("text_valid_reason", "description", "title_en")


@once
def parameters_table(manifest: dict, lang: str) -> pd.DataFrame:
    """Every parameter of the run with its value and source: the scenario's instruments (source of the
    instrument), then the scenario's sections, then the locality profile and behaviour (source of each
    value). In Chinese each parameter has its schema's Chinese name (`labels.param_name`), values name
    their choices in Chinese and the source is the Chinese citation (`labels.citation`); the source as
    written and the key have their own columns (the workbook shows them, the HTML report does not)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    rows = []
    skip = {"source", "note", "name_zh", "name_en", "catalogue_id"}
    names = instrument_names(manifest, lang)
    profile = manifest.get("locality_profile", {})
    districts = profile.get("districts", {}).get("names_zh", {}) | (
        {manifest["locality"]: profile["meta"]["name_zh"]} if profile.get("meta", {}).get("name_zh") else {})
    value = lambda v: value_text(v, lang, districts)         # noqa: E731
    for ins_id, spec in manifest["resolved_scenario"].get("instruments", {}).items():
        for key, item in spec.items():
            if key not in skip and not key.endswith("_source"):
                source = spec.get(f"{key}_source") or spec.get("source", "")
                if key in FREE_TEXT:                         # a reason written like a source: cited in Chinese
                    item = citation(item, lang, fallback="—") if item else item
                rows.append((f"{ins_id} {names.get(ins_id, '')}".strip(), param_name(spec.get("type"), key, lang),
                             value(item), citation(source, lang), source, f"instruments.{ins_id}.{key}"))
    for section in ("scenario", "run", "economy", "budget", "cost_sharing"):
        for key, item in _flatten(manifest["resolved_scenario"].get(section, {}), section):
            if key.split(".")[-1] in FREE_TEXT:
                item = citation(item, lang, fallback="—") if item else item
            rows.append((section_name(key, lang), param_name(None, key, lang), value(item), t("scenario_file"),
                         t("scenario_file"), key))
    documents = {"profile": manifest.get("locality_profile", {}), "behaviour": manifest.get("locality_behaviour", {})}
    for key, source in manifest.get("parameter_sources", {}).items():   # every locality leaf has its source
        prefix, *path = key.split(".")
        item = documents.get(prefix, {})
        for part in path:
            item = item.get(part, "") if isinstance(item, dict) else ""
        rows.append((section_name(key, lang), param_name(None, key, lang), value(item), citation(source, lang), source,
                     key))
    return pd.DataFrame(rows, columns=[t("group"), t("parameter"), t("value"), t("source"), t("source_written"),
                                       t("key")])


def parameters_summary(params: pd.DataFrame, lang: str, width: int = 40) -> pd.DataFrame:
    """The appendix condensed for print: one row per group (an instrument, a section of the scenario, the
    profile or the behaviour file) with its parameters and values on one line (each value cut to `width`
    characters) and its distinct sources with how many parameters cite each; the full table is on screen
    and in the workbook."""
    t = lambda key: text(lang, key)                          # noqa: E731
    rows = []
    for group, part in params.groupby(t("group"), sort=False):
        items = "; ".join(f"{name} {_cut(value, width)}" for name, value in zip(part[t("parameter")], part[t("value")]))
        sources = part[t("source")].value_counts(sort=False)
        cited = "; ".join(f"{_cut(source, 3 * width)} ({n})" if n > 1 else _cut(source, 3 * width)
                          for source, n in sources.items())
        rows.append((group, len(part), items, cited))
    return pd.DataFrame(rows, columns=[t("group"), t("count"), t("params_values"), t("source")])


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[:width - 1] + "…"


def window_table(manifest: dict, lang: str) -> pd.DataFrame:
    """Instruments whose modelled window (`valid`) departs from the one their text states (`text_valid`),
    with the reason."""
    t = lambda key: text(lang, key)                          # noqa: E731
    rows = [(ins_id, spec.get("name_zh", ""), " – ".join(spec["text_valid"]), " – ".join(spec.get("valid", [])),
             citation(spec.get("text_valid_reason", ""), lang))
            for ins_id, spec in manifest["resolved_scenario"].get("instruments", {}).items()
            if spec.get("text_valid") and spec.get("text_valid") != spec.get("valid") and spec.get("enabled", True)]
    return pd.DataFrame(rows, columns=[t("instrument"), t("name"), t("text_window"), t("model_window"), t("reason")])


def _flatten(document, prefix: str):
    """(key path, value) of a scenario section; a table of month → value (a by-month schedule) is one value."""
    if isinstance(document, dict) and document and not all(k[:1].isdigit() for k in document):
        for key, value in document.items():
            yield from _flatten(value, f"{prefix}.{key}")
    else:
        yield prefix, document


# ---- comparison ------------------------------------------------------------------------------------------

def differences_table(comparison, lang: str, changed_only: bool = False) -> pd.DataFrame:
    """Paired differences, localised: money in 万元, outcomes in their units. `changed_only` drops the
    instruments whose cost is the same in every replication of both scenarios (the report's view; the
    workbook keeps every row)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    d = comparison.differences
    if changed_only:
        same = (d["category"] == "cost") & ~d["key"].str.startswith("fund:") & ~d["key"].isin(["total", "forgone_total"]) \
            & (d["difference"] == 0) & (d["ci_low"].fillna(0) == 0) & (d["ci_high"].fillna(0) == 0)
        d = d[~same]
    d = d.reset_index(drop=True)
    names = {}
    for res in comparison.results.values():
        names |= dict(zip(res.budget["instrument"], res.budget["name_zh"]))
    scale = np.where(d["category"].eq("cost") | (d["category"].eq("fund") & d["key"].eq("balance")), 1e-4, 1.0)
    items = []
    for category, key in zip(d["category"], d["key"]):
        if category == "cost":
            items.append(t("total_cost") if key == "total" else t("forgone_total") if key == "forgone_total"
                         else fund_name(key[5:], lang) if key.startswith("fund:")
                         else f"{key} {names.get(key, '')}".strip())
        elif category == "fund":
            items.append(f"{fund_name('ui_fund', lang)} {t('balance_wan') if key == 'balance' else t('months_of_cover')}")
        else:
            items.append(metric_name(key, lang))
    category = {"cost": t("cost_wan"), "outcome": t("outcome"), "fund": t("fund_cat")}
    out = pd.DataFrame({t("scenario"): d["reform"], t("category"): d["category"].map(category),
                        t("year"): d["year"].replace({"all": t("all_years")}), t("item"): items})
    for column, label in (("base", "base"), ("reform_value", "reform"), ("difference", "difference"),
                          ("ci_low", "ci_low"), ("ci_high", "ci_high")):
        out[t(label)] = (d[column] * scale).round(4)
    out[t("reps")] = d["reps"]
    out["__key"] = d["key"].to_numpy()
    out["__category"] = d["category"].to_numpy()
    return out


def attribution_table(comparison, lang: str) -> pd.DataFrame | None:
    """Per scenario and instrument: cost, subsidised persons in work, deadweight, additional jobs, offsets,
    net cost and cost per additional job (万元); instruments that paid nothing are left out."""
    a = comparison.attribution
    if a is None:
        return None
    a = a[a["cost_yuan"] != 0]
    t = lambda key: text(lang, key)                          # noqa: E731
    offsets = a["ui_benefits_saved_yuan"] + a["other_payments_saved_yuan"] + a["ui_contributions_gained_yuan"]
    out = pd.DataFrame({
        t("scenario"): a["scenario"], t("instrument"): a["instrument"], t("name"): a["name_zh"],
        t("cost_wan"): (a["cost_yuan"] / 1e4).round(2), t("subsidised_hires"): a["subsidised_hires"].round(0),
        t("deadweight_share"): a["deadweight_share"].round(4), t("additional_jobs"): a["additional_jobs"].round(1),
        t("additional_jobs") + " " + t("ci_low"): a["additional_jobs_low"].round(1),
        t("additional_jobs") + " " + t("ci_high"): a["additional_jobs_high"].round(1),
        t("additional_months"): a["additional_employment_months"].round(0),
        t("offsets_wan"): (offsets / 1e4).round(2), t("net_cost_wan"): (a["net_cost_yuan"] / 1e4).round(2),
        t("cost_per_job"): (a["cost_per_additional_job"] / 1e4).round(2),
        t("cost_per_job_year"): (a["cost_per_additional_job_year"] / 1e4).round(2)})
    return out.reset_index(drop=True)


def metric_unit(metric: str) -> str:
    m = BY_NAME.get(metric)
    return m.unit if m else ""


# ---- sensitivity -----------------------------------------------------------------------------------------

SENS_COLUMNS = {"low": "low_value", "high": "high_value", "central": "central", "metric_central": "metric_central",
                "metric_low": "metric_low", "metric_high": "metric_high", "swing": "swing"}


def sensitivity_params(result, lang: str) -> pd.DataFrame:
    """The varied parameters with their ranges and central values."""
    t = lambda key: text(lang, key)                          # noqa: E731
    return pd.DataFrame({t("parameter"): [p.key for p in result.params], t("low_value"): [p.low for p in result.params],
                         t("high_value"): [p.high for p in result.params],
                         t("central"): [p.central for p in result.params]})


def sensitivity_indices(result, lang: str) -> pd.DataFrame:
    """The indices, headers localised (Morris and Sobol index names are kept as in the literature)."""
    t = lambda key: text(lang, key)                          # noqa: E731
    frame = result.indices.rename(columns={"metric": t("sens_metric"), "parameter": t("parameter")})
    return frame.rename(columns={k: t(v) for k, v in SENS_COLUMNS.items()})
