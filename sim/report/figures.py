"""The reports' charts as SVG text (matplotlib is imported here and nowhere outside sim.report).

Text stays text in the SVG (`svg.fonttype = none`), so the browser renders Chinese with the reader's
fonts; the font stack below lists the usual CJK fonts of Linux (Noto, installed by .ci/run), Windows and
macOS. Matplotlib lays the text out with the first of them it finds installed.
"""
from __future__ import annotations

import io
import logging
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei",
             "WenQuanYi Micro Hei"]
CSS_FONTS = ", ".join(f"'{name}'" for name in CJK_FONTS) + ", sans-serif"
PALETTE = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7a5195", "#8c6d31", "#4d908e", "#6c757d", "#e0a800",
           "#17becf"]


def _style() -> dict:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]
    return {"svg.fonttype": "none", "font.family": family, "font.size": 10, "axes.spines.top": False,
            "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "axes.prop_cycle":
            matplotlib.cycler(color=PALETTE), "svg.hashsalt": "subsim"}     # fixed ids: same input, same file


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]                                  # inline: no XML prolog or doctype
    return re.sub(r"font-family: [^;\"]*", f"font-family: {CSS_FONTS}", svg)


def _figure(width=8.0, height=3.6):
    """A new figure (call inside `plt.rc_context(_style())`); font fallback warnings are silenced because
    the SVG's text is drawn by the browser, not by matplotlib."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")
    return plt.subplots(figsize=(width, height))


def monthly_by_fund(table: pd.DataFrame, title: str, ylabel: str) -> str:
    """Stacked bars of cost per month by fund (the table of sim.report.tables.monthly_by_fund)."""
    with plt.rc_context(_style()):
        fig, ax = _figure()
        months = table.iloc[:, 0].tolist()
        bottom = np.zeros(len(months))
        for k, column in enumerate(table.columns[1:]):
            values = table[column].to_numpy(np.float64)
            ax.bar(range(len(months)), values, bottom=bottom, label=column, color=PALETTE[k % len(PALETTE)], width=0.8)
            bottom += values
        ax.set_xticks(range(len(months)), months, rotation=90, fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(fontsize=8, frameon=False, ncol=2)
        return _svg(fig)


def ui_fund(table: pd.DataFrame, title: str, balance_label: str, cover_label: str) -> str:
    """UI fund balance (bars) and months of cover (line, right axis)."""
    with plt.rc_context(_style()):
        fig, ax = _figure()
        months = table.iloc[:, 0].tolist()
        x = np.arange(len(months))
        ax.bar(x, table.iloc[:, 3].to_numpy(np.float64), color=PALETTE[0], alpha=0.6, label=balance_label)
        ax.set_ylabel(balance_label)
        right = ax.twinx()
        right.plot(x, table.iloc[:, 4].to_numpy(np.float64), color=PALETTE[1], marker="o", ms=3, label=cover_label)
        right.set_ylabel(cover_label)
        right.grid(False)
        right.set_ylim(bottom=0)
        ax.set_xticks(x, months, rotation=90, fontsize=7)
        ax.set_title(title)
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(handles, [balance_label, cover_label], fontsize=8, frameon=False, loc="upper left")
        return _svg(fig)


def horizontal_bars(labels: list[str], values: np.ndarray, title: str, xlabel: str,
                    low: np.ndarray | None = None, high: np.ndarray | None = None) -> str:
    """Horizontal bars (largest first), with interval whiskers when `low`/`high` are given."""
    with plt.rc_context(_style()):
        fig, ax = _figure(8.0, max(2.0, 0.28 * len(labels) + 1.0))
        y = np.arange(len(labels))[::-1]
        colors = [PALETTE[0] if v >= 0 else PALETTE[3] for v in values]
        ax.barh(y, values, color=colors, height=0.7)
        if low is not None and high is not None:
            ok = np.isfinite(low) & np.isfinite(high)
            ax.errorbar(values[ok], y[ok], xerr=[values[ok] - low[ok], high[ok] - values[ok]], fmt="none",
                        ecolor="#333333", capsize=3, lw=1)
        ax.set_yticks(y, labels, fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        return _svg(fig)


def targets(names: list[str], simulated: np.ndarray, target: np.ndarray, tolerance: np.ndarray, title: str,
            sim_label: str, target_label: str) -> str:
    """Simulated value relative to each target (target = 1), with the tolerance band."""
    with plt.rc_context(_style()):
        fig, ax = _figure(8.0, max(2.0, 0.35 * len(names) + 1.0))
        y = np.arange(len(names))[::-1]
        ratio = np.divide(simulated, target, out=np.full(len(target), np.nan), where=target != 0)
        ax.barh(y, 2 * tolerance, left=1 - tolerance, color="#cfe3f5", height=0.7, label=target_label)
        ax.axvline(1.0, color=PALETTE[0], lw=1)
        ax.plot(ratio, y, "o", color=PALETTE[1], label=sim_label)
        ax.set_yticks(y, names, fontsize=8)
        ax.set_xlabel(f"{sim_label} / {target_label}")
        ax.set_title(title)
        ax.legend(fontsize=8, frameon=False)
        return _svg(fig)


def tornado(labels: list[str], low: np.ndarray, high: np.ndarray, title: str, xlabel: str, low_label: str,
            high_label: str) -> str:
    """A tornado chart: per parameter (largest swing on top), the change of a metric from its central
    value with the parameter at its low and at its high end."""
    with plt.rc_context(_style()):
        fig, ax = _figure(8.0, max(2.0, 0.4 * len(labels) + 1.2))
        y = np.arange(len(labels))[::-1]
        ax.barh(y, low, color=PALETTE[3], height=0.6, label=low_label)
        ax.barh(y, high, color=PALETTE[0], height=0.6, label=high_label, alpha=0.85)
        ax.set_yticks(y, labels, fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, frameon=False)
        return _svg(fig)


def grouped_indices(labels: list[str], series: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                    title: str, xlabel: str) -> str:
    """Horizontal grouped bars of sensitivity indices with interval whiskers: `series` maps a name
    (S1, ST, μ*) to (values, low, high)."""
    with plt.rc_context(_style()):
        fig, ax = _figure(8.0, max(2.0, 0.5 * len(labels) + 1.2))
        y = np.arange(len(labels))[::-1].astype(float)
        height = 0.8 / max(len(series), 1)
        for k, (name, (values, low, high)) in enumerate(series.items()):
            pos = y + 0.4 - height * (k + 0.5)
            ax.barh(pos, np.nan_to_num(values), height=height, color=PALETTE[k % len(PALETTE)], label=name)
            ok = np.isfinite(low) & np.isfinite(high) & np.isfinite(values)
            ax.errorbar(values[ok], pos[ok], xerr=[values[ok] - low[ok], high[ok] - values[ok]], fmt="none",
                        ecolor="#333333", capsize=2, lw=0.8)
        ax.set_yticks(y, labels, fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, frameon=False)
        return _svg(fig)
