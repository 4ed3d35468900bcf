"""Fit report of a calibration: the targets table as CSV and HTML, and a chart of simulated ÷ target
with each target's acceptance band."""
from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.results import atomic_write, write_csv  # noqa: E402

FIT_COLUMNS = ["name", "name_zh", "metric", "at", "district", "value", "relation", "tolerance", "simulated", "gap",
               "met", "calibrate", "headline", "source", "note"]


def write_fit_report(fit: pd.DataFrame, out: Path, *, title: str) -> dict[str, Path]:
    """Write ``fit.csv``, ``fit.html`` and ``fit.png`` into `out`.

    Parameters
    ----------
    fit : pandas.DataFrame
        `sim.targets.compare_targets` output.
    out : Path
        Folder (exists).
    title : str
        Heading of the HTML page and the chart.

    Returns
    -------
    dict of str to Path
    """
    out = Path(out)
    table = fit[[c for c in FIT_COLUMNS if c in fit.columns]]
    paths = {"csv": out / "fit.csv", "html": out / "fit.html", "png": out / "fit.png"}
    write_csv(paths["csv"], table)
    atomic_write(paths["html"], lambda p: Path(p).write_text(fit_html(table, title), encoding="utf-8"))
    atomic_write(paths["png"], lambda p: fit_chart(table, title, p))
    return paths


def fit_html(table: pd.DataFrame, title: str) -> str:
    """A self-contained HTML page with the fit table (targets not met in red)."""
    def cell(column: str, value) -> str:
        if isinstance(value, float) and math.isnan(value):
            return ""
        if column == "gap":
            return f"{value:+.1%}"
        if column in ("value", "simulated") and isinstance(value, float):
            return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.0f}"
        if column == "tolerance":
            return f"±{value:.0%}"
        return html.escape(str(value)) if value is not None else ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    rows = []
    for record in table.to_dict("records"):
        style = "" if record["met"] else ' class="miss"'
        rows.append(f"<tr{style}>" + "".join(f"<td>{cell(c, record[c])}</td>" for c in table.columns) + "</tr>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse;font-size:13px}"
            "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}tr.miss td{color:#b00}</style>"
            f"</head><body><h1>{html.escape(title)}</h1><p><img src='fit.png' alt='fit chart'></p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table></body></html>\n")


def fit_chart(table: pd.DataFrame, title: str, path) -> None:
    """Simulated ÷ target per target (dots), the acceptance band (grey), the target (line at 1)."""
    shown = table[table["simulated"].notna() & (table["value"] > 0)].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(shown), 3) + 1.2))
    for i, r in shown.iterrows():
        low = 1 - r.tolerance if r.relation in ("about", "at_least") else 0.0
        high = 1 + r.tolerance if r.relation in ("about", "at_most") else max(2.0, r.simulated / r.value + 0.1)
        ax.plot([low, high], [i, i], color="0.85", linewidth=7, solid_capstyle="butt")
        ax.plot(r.simulated / r.value, i, "o", color="tab:green" if r.met else "tab:red",
                markeredgecolor="black" if r.calibrate else "none")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(shown)), [f"{r.name}" + (f" [{r.district}]" if isinstance(r.district, str) else "")
                                      for r in shown.itertuples()], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("simulated ÷ target (grey: acceptance band; black edge: calibration moment)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
