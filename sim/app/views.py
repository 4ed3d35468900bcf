"""What the app's result pages show, read from saved results: tables (localised, as in the reports) and
charts (SVG text from the reports' own chart functions).

Nothing here simulates or estimates: every figure is a sum, mean or quantile of a saved results table,
or a table of the reports (`sim.report.tables`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ledger import is_cash
from sim.report import figures, tables
from sim.report.labels import fund_name, text

MAX_BARS = 20           # instruments or parameters drawn in one bar chart (the tables list every row)


def _reps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "rep" in frame else frame.assign(rep=0)


def budget_by_district(results, lang: str) -> pd.DataFrame:
    """Spending by year × district × fund in 万元: the mean over replications and, when replicated, the
    P5/P50/P95 of the replications' sums (a replication without a payment on a row counts as zero).
    Cash and revenue forgone are on separate rows (never added). Districts by their Chinese names in
    Chinese (the profile's `names_zh`), by their codes otherwise."""
    t = lambda key: text(lang, key)                          # noqa: E731
    costs = _reps(results.costs)
    reps = int(results.manifest.get("replications", costs["rep"].nunique() or 1))
    keyed = costs.assign(year=costs["month"].str.slice(0, 4))
    per = keyed.groupby(["year", "district", "funding", "rep"])["amount_yuan"].sum().unstack("rep", fill_value=0.0)
    per = per.reindex(columns=range(reps), fill_value=0.0)
    values = per.to_numpy(np.float64) / 1e4
    index = per.index.to_frame(index=False)
    profile = results.manifest.get("locality_profile", {})
    names = profile.get("districts", {}).get("names_zh", {}) if lang == "zh" else {}
    out = pd.DataFrame({t("year"): index["year"],
                        ("区县" if lang == "zh" else "district"): [names.get(d, d) for d in index["district"]],
                        t("fund"): [fund_name(f, lang) for f in index["funding"]],
                        ("类别" if lang == "zh" else "kind"): np.where(is_cash(index["funding"]),
                                                                     "现金支出" if lang == "zh" else "cash",
                                                                     "减收" if lang == "zh" else "revenue forgone"),
                        t("amount_wan"): values.mean(axis=1).round(2)})
    if reps > 1:
        for q, name in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
            out[t(name)] = np.quantile(values, q, axis=1).round(2)
    return out


def attribution_rows(comparison, lang: str) -> pd.DataFrame:
    """The attribution table of the reports (per scenario and instrument), or an empty table."""
    table = tables.attribution_table(comparison, lang)
    return pd.DataFrame() if table is None else table


# ---- charts (SVG text) -----------------------------------------------------------------------------------

def monthly_chart(results, lang: str) -> str | None:
    table = tables.monthly_by_fund(results, lang)
    if len(table.columns) < 2:
        return None
    return figures.monthly_by_fund(table, text(lang, "monthly"), text(lang, "amount_wan"))


def ui_fund_chart(results, lang: str) -> str | None:
    table = tables.ui_fund_table(results, lang)
    if table.empty:
        return None
    return figures.ui_fund(table, text(lang, "ui_fund"), text(lang, "balance_wan"), text(lang, "months_of_cover"))


def difference_chart(comparison, lang: str) -> str | None:
    """Cash spending difference over the whole run, one bar per reform, with its 90 % paired interval."""
    d = comparison.differences
    rows = d[(d["category"] == "cost") & (d["key"] == "total") & (d["year"].astype(str) == "all")]
    if rows.empty:
        return None
    return figures.horizontal_bars(rows["reform"].tolist(), rows["difference"].to_numpy(np.float64) / 1e4,
                                   f"{text(lang, 'difference')}: {text(lang, 'total_cost')} ({text(lang, 'all_years')})",
                                   text(lang, "cost_wan"), rows["ci_low"].to_numpy(np.float64) / 1e4,
                                   rows["ci_high"].to_numpy(np.float64) / 1e4)


def cost_per_job_chart(comparison, lang: str) -> str | None:
    """Cost per additional job (万元) by instrument and scenario, where jobs are added."""
    a = comparison.attribution
    if a is None:
        return None
    a = a[np.isfinite(a["cost_per_additional_job"]) & (a["cost_yuan"] != 0)]
    if a.empty:
        return None
    a = a.sort_values("cost_per_additional_job").head(MAX_BARS)
    labels = [f"{s}: {i} {n}" for s, i, n in zip(a["scenario"], a["instrument"], a["name_zh"])]
    return figures.horizontal_bars(labels, a["cost_per_additional_job"].to_numpy(np.float64) / 1e4,
                                   text(lang, "cost_per_job"), text(lang, "cost_per_job"))


def sensitivity_chart(result, metric: str, lang: str) -> str:
    """The tornado (OAT) or index chart (Morris μ*/σ, Sobol S1/ST) of one metric."""
    t = lambda key: text(lang, key)                          # noqa: E731
    group = result.indices[result.indices["metric"] == metric].head(MAX_BARS)
    labels = group["parameter"].tolist()
    if result.method == "oat":
        # money metrics in 万元 with the unit on the axis, as in the report
        scale, axis = (1e-4, f"{metric} ({t('wan')})") if metric.startswith("cost.") else (1.0, metric)
        central = group["metric_central"].to_numpy(np.float64)
        return figures.tornado(labels, (group["metric_low"].to_numpy(np.float64) - central) * scale,
                               (group["metric_high"].to_numpy(np.float64) - central) * scale,
                               f"{metric}: {t('tornado')}", axis, t("at_low"), t("at_high"))
    if result.method == "morris":
        none = np.full(len(group), np.nan)
        series = {"μ*": tuple(group[c].to_numpy(np.float64) for c in ("mu_star", "mu_star_low", "mu_star_high")),
                  "σ": (group["sigma"].to_numpy(np.float64), none, none)}
        return figures.grouped_indices(labels, series, f"{metric}: Morris", metric)
    series = {name: tuple(group[c].to_numpy(np.float64) for c in (name, f"{name}_low", f"{name}_high"))
              for name in ("S1", "ST")}
    return figures.grouped_indices(labels, series, f"{metric}: Sobol", "index")
