"""Write `report.html` and `workbook.xlsx` for a run or a comparison, from results in memory or saved."""
from __future__ import annotations

from pathlib import Path

from sim.compare import Comparison
from sim.once import reports_being_written
from sim.report import excel, html
from sim.report.labels import LANGS
from sim.results import REPORT_FILES, Results, atomic_write
from sim.sensitivity import SensitivityResult


def write_reports(results, out_dir: Path | str, lang: str = "zh") -> list[Path]:
    """Write both reports of `results` (Results, Comparison or SensitivityResult) into `out_dir`; returns
    their paths."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with reports_being_written():              # the tables both reports show are computed once
        if isinstance(results, SensitivityResult):
            page, sheets = html.sensitivity_report(results, lang), excel.sensitivity_sheets(results, lang)
        elif isinstance(results, Comparison):
            page, sheets = html.comparison_report(results, lang), excel.comparison_sheets(results, lang)
        else:
            page, sheets = html.run_report(results, lang), excel.run_sheets(results, lang)
    atomic_write(out / "report.html", lambda p: Path(p).write_text(page, encoding="utf-8"))
    atomic_write(out / "workbook.xlsx", lambda p: excel.write_workbook(sheets, Path(p)))
    return [out / name for name in REPORT_FILES]


def load_saved(folder: Path | str):
    """A saved results folder (of `subsim run`), comparison folder (of `subsim compare`) or sensitivity
    folder (of `subsim sensitivity`)."""
    folder = Path(folder)
    if (folder / "comparison.json").exists():
        return Comparison.load(folder)
    if (folder / "sensitivity.json").exists():
        return SensitivityResult.load(folder)
    return Results.load(folder)
