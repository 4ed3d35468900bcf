"""The self-contained HTML report (DESIGN §10): one file, inline CSS and SVG charts, no script, no
external resource — it opens the same on an office PC without network as in headless Chromium."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sim.metrics import KPI, SHARES
from sim.report import backtest, bureau, changes, figures, tables
from sim.report.figures import CSS_FONTS
from sim.report.labels import citation_legend, text

CSS = f"""
body {{ font-family: {CSS_FONTS}; margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.5; }}
h1 {{ font-size: 1.6em; border-bottom: 3px solid #1f5fa8; padding-bottom: .3em; }}
h2 {{ font-size: 1.25em; margin-top: 2em; color: #1f5fa8; }}
table {{ border-collapse: collapse; margin: .6em 0; font-size: .85em; }}
th, td {{ border: 1px solid #ccd; padding: .25em .5em; }}
th {{ background: #eef3fa; text-align: center; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.kpis {{ display: flex; flex-wrap: wrap; gap: .8em; }}
.kpi {{ border: 1px solid #ccd; border-radius: 6px; padding: .6em 1em; min-width: 10em; background: #fafcff; }}
.kpi .v {{ font-size: 1.5em; font-weight: bold; color: #1f5fa8; }}
.kpi .l {{ font-size: .85em; color: #555; }}
.kpi .b {{ font-size: .75em; color: #777; }}
.note {{ font-size: .85em; color: #555; }}
.scroll {{ max-height: 32em; overflow-y: auto; }}
figure {{ margin: 1em 0; }}
figure svg {{ max-width: 100%; height: auto; }}
.summary p {{ margin: .4em 0; }}
.print-only {{ display: none; }}
@page {{ size: A4; margin: 14mm 12mm 16mm 12mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; }} }}
@media print {{
  body {{ margin: 0; max-width: none; font-size: 10pt; }}
  .scroll {{ max-height: none; overflow: visible; }}
  table {{ font-size: 8pt; width: 100%; }}
  thead {{ display: table-header-group; }}
  tr, .kpi, figure {{ break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; }}
  h2 {{ margin-top: 1.2em; }}
  figure svg {{ max-width: 100%; max-height: 120mm; }}
  td {{ word-break: break-word; }}
  .screen-only {{ display: none; }}
  .print-only {{ display: block; }}
}}
"""


def number(value, rate: bool = False, money: bool = False) -> str:
    """A cell: thousands separators; money (a column in 元 or 万元) always with two decimals; a whole float
    (a count) without decimals; percentages with two decimals for rates; — for missing."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if isinstance(value, (float, np.floating)):
        if rate:
            return f"{value:.2%}"
        if money:
            return f"{value:,.2f}"
        if float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return html.escape(str(value))


def table_html(frame: pd.DataFrame | None, rate_rows: pd.Series | None = None, scroll: bool = False) -> str:
    """An HTML table; columns whose name starts with "__" are helpers and not shown; `rate_rows` marks the
    rows whose numbers are shares (shown as percentages)."""
    if frame is None or frame.empty:
        return ""
    columns = [c for c in frame.columns if not str(c).startswith("__")]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    money = {c: any(unit in str(c) for unit in ("万元", "(元)", "yuan")) for c in columns}
    body = []
    shown = [frame.columns.get_loc(c) for c in columns]
    # the rows of `frame.values`, which iterrows builds its Series from (its values, one dtype for the whole
    # row), without a Series per row
    for k, row in enumerate(frame.values):
        rate = bool(rate_rows.iloc[k]) if rate_rows is not None else False
        cells = []
        for c, position in zip(columns, shown):
            value = row[position]
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cells.append(f'<td class="n">{number(value, rate, money[c])}</td>' if numeric
                         else f"<td>{number(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="scroll">{table}</div>' if scroll else table


def document(title: str, sections: list[tuple[str, str]], lang: str) -> str:
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for heading, content in sections:
        parts.append(f"<section><h2>{html.escape(heading)}</h2>{content}</section>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")


def kpi_cards(cards: list[tuple[str, str, str]]) -> str:
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="l">{html.escape(label)}</div><div class="v">{html.escape(value)}</div>'
        f'<div class="b">{html.escape(band)}</div></div>' for label, value, band in cards) + "</div>"


def _figure(svg: str) -> str:
    return f"<figure>{svg}</figure>"


# ---- a run ------------------------------------------------------------------------------------------------

def run_sections(results, lang: str, *, with_appendix: bool = True) -> list[tuple[str, str]]:
    """The sections of a run's report: setting, KPIs, budget, monthly cost, UI fund, outcomes, targets."""
    t = lambda key: text(lang, key)                          # noqa: E731
    m = results.manifest
    sections = [(t("kpi"), kpi_cards(headline_cards(results, lang))),
                (t("setting"), table_html(tables.setting_table(m, lang)) + f'<p class="note">{t("run_note")}</p>')]
    by_fund = tables.budget_by_fund(results, lang)
    budget = tables.budget_by_instrument(results, lang)
    top = results.budget.groupby("instrument")["amount_yuan"].sum().sort_values(ascending=False)
    top = top[top != 0].head(25)
    names = tables.instrument_names(m, lang)
    bars = ""
    if len(top):
        labels = [f"{i} {names.get(i, '')}" for i in top.index]
        bars = _figure(figures.horizontal_bars(labels, top.to_numpy() / 1e4, t("budget_chart"), t("amount_wan")))
    fund_bands, instrument_bands = tables.bands(results, lang, "funding"), tables.bands(results, lang, "instrument")
    band_note = f'<p class="note">{html.escape(t("bands_note"))}</p>' if fund_bands is not None else ""
    sections.append((t("budget_fund"), table_html(by_fund) + band_note + table_html(fund_bands)))
    sections.append((t("budget"), bars + table_html(instrument_bands) + table_html(budget, scroll=True)))
    monthly = tables.monthly_by_fund(results, lang)
    if len(monthly.columns) > 1:
        sections.append((t("monthly"), _figure(figures.monthly_by_fund(monthly, t("monthly"), t("amount_wan")))
                         + table_html(monthly, scroll=True)))
    sections.append((t("ui_fund"), ui_fund_section(results, lang)))
    sections += bureau_sections(results, lang)
    outcomes = tables.outcomes_by_year(results, lang)
    rates = outcomes["__metric"].isin(SHARES)
    sections.append((t("outcomes"), table_html(outcomes, rates)))
    sections.append((t("targets"), targets_section(results, lang)))
    sections.append((backtest.t(lang, "heading"), backtest_section(results, lang)))
    windows = tables.window_table(m, lang)
    if len(windows):
        sections.append((t("windows"), table_html(windows) + f'<p class="note">{t("windows_note")}</p>'))
    if with_appendix:
        sections.append((t("appendix"), appendix_html(m, lang)))
    return sections


def appendix_html(manifest: dict, lang: str) -> str:
    """附录: the citation legend, then every parameter on screen (the Chinese report without the English
    source as written and the key, which the workbook keeps) and, in print, its per-group summary."""
    t = lambda key: text(lang, key)                          # noqa: E731
    params = tables.parameters_table(manifest, lang)
    shown = params.drop(columns=[t("source_written"), t("key")] if lang == "zh" else [t("source_written")])
    return (legend_html(lang) + f'<div class="screen-only">{table_html(shown, scroll=True)}</div>'
            + f'<div class="print-only"><p class="note">{html.escape(t("appendix_print"))}</p>'
            + table_html(tables.parameters_summary(params, lang, width=24)) + "</div>")


def legend_html(lang: str) -> str:
    """The legend of the citation codes the sources use."""
    t = lambda key: text(lang, key)                          # noqa: E731
    legend = pd.DataFrame(citation_legend(lang), columns=[t("code"), t("document"), t("file")])
    if lang == "zh":            # the Chinese sources name the documents, not their codes
        legend = legend.drop(columns=t("code"))
    return (f"<h3>{html.escape(t('legend'))}</h3>" + table_html(legend)
            + f'<p class="note">{html.escape(t("legend_note"))}</p>')


def headline_cards(results, lang: str) -> list[tuple[str, str, str]]:
    """KPI cards: cost per year (with the P5–P95 band when replicated), year-end outcomes, the UI fund."""
    t = lambda key: text(lang, key)                          # noqa: E731
    cards = []
    for cash, label in ((True, t("total_cost")), (False, t("forgone_total"))):
        per_year = tables.budget_bands_by_year(results, cash)
        for year, group in per_year.groupby("year"):
            values = group["amount_yuan"].to_numpy() / 1e4
            band = f"P5–P95 {np.quantile(values, .05):,.0f} – {np.quantile(values, .95):,.0f}" if len(values) > 1 else ""
            cards.append((f"{year} {label} ({t('wan')})", f"{values.mean():,.0f}", band))
    outcomes = tables.outcomes_by_year(results, lang, metrics=KPI)
    labels = {"new_urban_jobs_ytd": "kpi_new_jobs", "surveyed_unemployment_rate": "kpi_rate",
              "reemployed_unemployed_ytd": "kpi_reemployed", "difficulty_employed_ytd": "kpi_difficulty"}
    value_col = t("value")
    for _, row in outcomes.iterrows():
        metric = row["__metric"]
        rate = metric in SHARES
        value = f"{row[value_col]:.2%}" if rate else f"{row[value_col]:,.0f}"
        band = ""
        if t("low") in outcomes.columns:
            lo, hi = row[t("low")], row[t("high")]
            band = f"P5–P95 {lo:.2%} – {hi:.2%}" if rate else f"P5–P95 {lo:,.0f} – {hi:,.0f}"
        cards.append((f"{row[t('year')]} {t(labels[metric])}", value, band))
    ui = tables.ui_fund_table(results, lang)
    if backtest.pooling(results) != "local":          # no balance or cover of its own
        cards += backtest.pooled_cards(results, lang)
    elif len(ui):
        last = ui.iloc[-1]
        cards.append((f"{last.iloc[0]} {t('kpi_ui_balance')} ({t('wan')})", f"{last.iloc[3]:,.0f}", ""))
        cover = last.iloc[4]
        cards.append((f"{last.iloc[0]} {t('kpi_cover')}", f"{cover:.1f}" if np.isfinite(cover) else "—", ""))
    return cards


def ui_fund_section(results, lang: str) -> str:
    """The UI fund: balance and cover of the area's own fund, or its contributions and draw on a fund
    pooled above it; then the 备付 gate of each refund pay month."""
    gates = backtest.gates_table(results, lang)
    gate_part = "" if gates is None else (f"<h3>{html.escape(backtest.t(lang, 'gates'))}</h3>" + table_html(gates)
                                          + f'<p class="note">{html.escape(backtest.t(lang, "gates_note"))}</p>')
    if backtest.pooling(results) != "local":
        return (f'<p class="note">{html.escape(backtest.pooled_note(results, lang))}</p>'
                + table_html(backtest.pooled_fund_table(results, lang), scroll=True) + gate_part)
    t = lambda key: text(lang, key)                          # noqa: E731
    ui = tables.ui_fund_table(results, lang)
    return (_figure(figures.ui_fund(ui, t("ui_fund"), t("balance_wan"), t("months_of_cover")))
            + table_html(ui, scroll=True) + gate_part)


def bureau_sections(results, lang: str, attribution: pd.DataFrame | None = None,
                    scenario: str | None = None) -> list[tuple[str, str]]:
    """The bureau's formats (sim.report.bureau), with their notes."""
    b = lambda key: html.escape(bureau.t(lang, key))        # noqa: E731
    t = lambda key: text(lang, key)                          # noqa: E731
    levels_note = b("levels_note_net") if bureau.levels_available(results.costs) else b("levels_note")
    sections = [(t("by_code"), table_html(bureau.employment_by_code(results, lang))
                 + f'<p class="note">{b("code_note")}</p>'),
                (t("by_level"), table_html(bureau.spending_by_level(results, lang)) + f'<p class="note">{levels_note}</p>')]
    ui = bureau.ui_fund_budget(results, lang)
    if ui is not None:
        shortfalls = bureau.cover_shortfalls(results, lang)
        extra = "" if shortfalls is None else f"<h3>{b('gate_detail')}</h3>" + table_html(shortfalls)
        sections.append((t("sy08"), table_html(ui) + f'<p class="note">{html.escape(t("sy08_note"))}</p>' + extra))
    sections.append((t("performance"), table_html(bureau.performance_targets(results, lang, attribution, scenario))
                     + f'<p class="note">{html.escape(t("performance_note"))}</p>'))
    sections.append((t("self_eval"), self_evaluation_html(results, lang)))
    return sections


def self_evaluation_html(results, lang: str, planned=None) -> str:
    """就业补助资金绩效自评表 (sim.report.bureau.self_evaluation): funds A, B, B/A, then the indicators."""
    funds, indicators = bureau.self_evaluation(results, lang, planned)
    return (table_html(funds) + table_html(indicators)
            + f'<p class="note">{html.escape(text(lang, "self_eval_note"))}</p>')


def backtest_section(results, lang: str) -> str:
    """基线与公开数据对比: the baseline checks, the published figures and the texts' volumes."""
    parts = [f"<h3>{html.escape(backtest.t(lang, 'checks'))}</h3>", table_html(backtest.checks_table(results, lang).drop(
                 columns=backtest.t(lang, "note_written"), errors="ignore")),
             f'<p class="note">{html.escape(backtest.t(lang, "checks_note"))}</p>']
    published = backtest.published_table(results, lang)
    if published is not None:
        parts += [f"<h3>{html.escape(backtest.t(lang, 'published'))}</h3>", table_html(published)]
    return "".join(parts)


def targets_section(results, lang: str) -> str:
    t = lambda key: text(lang, key)                          # noqa: E731
    table = tables.targets_table(results, lang)
    if table is None:
        return f'<p class="note">{html.escape(t("no_targets").format(locality=results.manifest["locality"]))}</p>'
    chart = ""
    numeric = table[t("target")].astype(float)
    if len(table):
        chart = _figure(figures.targets(table[t("metric")].tolist(), table[t("simulated")].to_numpy(np.float64),
                                        numeric.to_numpy(), table[t("tolerance")].to_numpy(np.float64),
                                        t("targets"), t("simulated"), t("target")))
    return chart + table_html(table)


def run_report(results, lang: str = "zh") -> str:
    m = results.manifest
    title = f"{text(lang, 'run_title')} — {m.get('title_zh') or m['scenario']}"
    return document(title, run_sections(results, lang), lang)


# ---- a comparison -----------------------------------------------------------------------------------------

def comparison_report(comparison, lang: str = "zh") -> str:
    """Differences with intervals first, then attribution, then each scenario's own sections."""
    t = lambda key: text(lang, key)                          # noqa: E731
    meta = comparison.manifest
    base = comparison.results[comparison.base]
    setting = tables.setting_table(base.manifest, lang)
    setting.loc[len(setting)] = [t("reform"), ", ".join(comparison.reforms)]
    summary = "".join(f"<p>{html.escape(p)}</p>" for p in changes.summary_paragraphs(comparison, lang))
    sections = [(t("summary"), f'<div class="summary">{summary}</div>'),
                (t("changes"), table_html(_changes_shown(comparison, lang))
                 or f'<p class="note">{html.escape(changes.TEXT[lang]["no_change"])}</p>'),
                (t("kpi_diff"), kpi_cards(difference_cards(comparison, lang))),
                (t("setting"), table_html(setting) + f'<p class="note">{t("compare_note")}</p>')]
    diff = tables.differences_table(comparison, lang, changed_only=True)
    sections.append((t("differences"), _differences_charts(comparison, lang) + f'<p class="note">{t("diff_note")}</p>'
                     + _differences_tables(diff, lang)))
    attribution = tables.attribution_table(comparison, lang)
    if attribution is not None:
        note = t("attribution_note").format(window=meta.get("attribution_window_months"))
        sections.append((t("attribution"), _attribution_chart(comparison, lang) + f'<p class="note">{note}</p>'
                         + table_html(attribution, scroll=True)))
    base_performance = bureau.performance_targets(base, lang, comparison.attribution, comparison.base)
    sections.append((f"{t('base')}: {comparison.base} — {t('performance')}", table_html(base_performance)
                     + f'<p class="note">{html.escape(t("performance_note"))}</p>'))
    for reform in comparison.reforms:
        sections.append((f"{t('reform')}: {reform} — {t('self_eval')}",
                         self_evaluation_html(comparison.results[reform], lang, base)))
    for name, results in comparison.results.items():
        label = f"{t('base') if name == comparison.base else t('reform')}: {name}"
        for heading, content in run_sections(results, lang, with_appendix=False):
            if heading in (t("kpi"), t("budget_fund"), t("outcomes"), t("targets"), t("by_code"), t("sy08")):
                sections.append((f"{label} — {heading}", content))
    for name, results in comparison.results.items():
        sections.append((f"{t('appendix')} — {name}", appendix_html(results.manifest, lang)))
    titles = {name: res.manifest.get("title_zh") or name for name, res in comparison.results.items()}
    title = (f"{t('compare_title')} — {titles[comparison.base]} 与 {'、'.join(titles[r] for r in comparison.reforms)}"
             if lang == "zh" else f"{t('compare_title')} — {comparison.base} vs {', '.join(comparison.reforms)}")
    return document(title, sections, lang)


def _changes_shown(comparison, lang: str) -> pd.DataFrame:
    """参数变更一览表 as the report shows it: the Chinese report without the keys (the workbook has them)."""
    table = changes.parameter_changes_table(comparison, lang)
    return table.drop(columns=text(lang, "key")) if lang == "zh" else table


def difference_cards(comparison, lang: str) -> list[tuple[str, str, str]]:
    """Per reform: the whole-period cost difference, the last year's new urban jobs and unemployment rate,
    and the UI fund's final months of cover, each with its 90 % interval."""
    t = lambda key: text(lang, key)                          # noqa: E731
    d = comparison.differences
    last_year = max(y for y in d["year"].unique() if y != "all")
    picks = (("cost", "all", "total", t("total_cost") + f" ({t('all_years')}, {t('wan')})", 1e-4, False),
             ("outcome", last_year, "new_urban_jobs_ytd", f"{last_year} {t('kpi_new_jobs')}", 1.0, False),
             ("outcome", last_year, "surveyed_unemployment_rate", f"{last_year} {t('kpi_rate')}", 1.0, True),
             ("fund", last_year, "months_of_cover", f"{last_year} {t('kpi_cover')}", 1.0, False))
    cards = []
    for reform in comparison.reforms:
        for category, year, key, label, scale, rate in picks:
            row = d[(d["reform"] == reform) & (d["category"] == category) & (d["year"] == year) & (d["key"] == key)]
            if row.empty:
                continue
            row = row.iloc[0]
            points = "个百分点" if lang == "zh" else "pp"
            show = (lambda v: f"{v * 100:+.2f} {points}") if rate else (lambda v: f"{v * scale:+,.1f}")
            band = (f"90% {show(row['ci_low'])} … {show(row['ci_high'])}" if np.isfinite(row["ci_low"]) else "")
            cards.append((f"{reform}: {label} {t('difference')}", show(row["difference"]), band))
    return cards


def _differences_tables(diff: pd.DataFrame, lang: str) -> str:
    rates = diff["__key"].isin(SHARES)
    return table_html(diff, rates, scroll=True)


def _differences_charts(comparison, lang: str) -> str:
    """Per reform: whole-period cost difference by instrument with the 90 % interval."""
    t = lambda key: text(lang, key)                          # noqa: E731
    d = comparison.differences
    out = []
    names = {}
    for res in comparison.results.values():
        names |= dict(zip(res.budget["instrument"], res.budget["name_zh"]))
    for reform, group in d[(d["category"] == "cost") & (d["year"] == "all")].groupby("reform", sort=False):
        group = group[~group["key"].str.startswith("fund:") & (group["difference"] != 0)]
        group = group.reindex(group["difference"].abs().sort_values(ascending=False).index).head(20)
        if group.empty:
            continue
        totals = {"total": t("total_cost"), "forgone_total": t("forgone_total")}
        labels = [totals.get(k) or f"{k} {names.get(k, '')}" for k in group["key"]]
        out.append(_figure(figures.horizontal_bars(labels, group["difference"].to_numpy() / 1e4,
                                                   f"{reform}: {t('difference')} ({t('all_years')})", t("cost_wan"),
                                                   group["ci_low"].to_numpy() / 1e4, group["ci_high"].to_numpy() / 1e4)))
    return "".join(out)


def _attribution_chart(comparison, lang: str) -> str:
    """Cost per additional job (万元) by instrument, base scenario, instruments that add jobs."""
    t = lambda key: text(lang, key)                          # noqa: E731
    a = comparison.attribution
    a = a[(a["scenario"] == comparison.base) & np.isfinite(a["cost_per_additional_job"])]
    if a.empty:
        return ""
    a = a.sort_values("cost_per_additional_job")
    labels = [f"{i} {n}" for i, n in zip(a["instrument"], a["name_zh"])]
    return _figure(figures.horizontal_bars(labels, a["cost_per_additional_job"].to_numpy() / 1e4,
                                           f"{comparison.base}: {t('cost_per_job')}", t("cost_per_job")))


# ---- a sensitivity analysis -------------------------------------------------------------------------------

def sensitivity_sections(result, lang: str) -> list[tuple[str, str]]:
    """Setting, parameters, then per metric its chart (tornado, μ* or S1/ST) and indices; the design."""
    t = lambda key: text(lang, key)                          # noqa: E731
    m = result.manifest
    setting = pd.DataFrame([(t("sens_method"), result.method), (t("scenario"), m.get("scenario") or ""),
                            (t("persons"), m.get("persons")), (t("period"), f"{m.get('months')} {t('months_unit')}"),
                            (t("seed"), m.get("seed")), (t("reps"), m.get("replications")), (t("runs"), m.get("runs"))],
                           columns=[t("item"), t("value")]).astype(str)
    sections = [(t("sens_setting"), table_html(setting) + f'<p class="note">{html.escape(t("sens_note"))}</p>'),
                (t("sens_params"), table_html(tables.sensitivity_params(result, lang)))]
    localised = tables.sensitivity_indices(result, lang)
    for metric, group in result.indices.groupby("metric", sort=False):
        sections.append((f"{t('sens_indices')}: {metric}", _sensitivity_chart(result.method, metric, group, lang)
                         + table_html(localised.loc[group.index])))
    sections.append((t("sens_design"), table_html(result.point_means(), scroll=True)))
    return sections


def _sensitivity_chart(method: str, metric: str, group: pd.DataFrame, lang: str) -> str:
    t = lambda key: text(lang, key)                          # noqa: E731
    labels = group["parameter"].tolist()
    if method == "oat":
        # money metrics (cost.*) in 万元 with the unit on the axis, not in raw yuan
        scale, axis = (1e-4, f"{metric} ({t('wan')})") if metric.startswith("cost.") else (1.0, metric)
        central = group["metric_central"].to_numpy(np.float64)
        return _figure(figures.tornado(labels, (group["metric_low"].to_numpy(np.float64) - central) * scale,
                                       (group["metric_high"].to_numpy(np.float64) - central) * scale,
                                       f"{metric}: {t('tornado')}", axis, t("at_low"), t("at_high")))
    if method == "morris":
        none = np.full(len(group), np.nan)
        series = {"μ*": (group["mu_star"].to_numpy(np.float64), group["mu_star_low"].to_numpy(np.float64),
                         group["mu_star_high"].to_numpy(np.float64)),
                  "σ": (group["sigma"].to_numpy(np.float64), none, none)}
        return _figure(figures.grouped_indices(labels, series, f"{metric}: Morris", metric))
    series = {name: tuple(group[c].to_numpy(np.float64) for c in (name, f"{name}_low", f"{name}_high"))
              for name in ("S1", "ST")}
    return _figure(figures.grouped_indices(labels, series, f"{metric}: Sobol", "index"))


def sensitivity_report(result, lang: str = "zh") -> str:
    title = f"{text(lang, 'sens_title')} — {result.manifest.get('scenario') or ''} ({result.method})"
    return document(title, sensitivity_sections(result, lang), lang)
