"""The app's pages and server (Shiny for Python); see the package docstring."""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from shiny import App, reactive, render, ui

import sim
from sim import metrics as M
from sim.app import views
from sim.app.jobs import STAGING_PREFIX, Job, new_spec
from sim.app.texts import TEXTS
from sim.cells import escape_frame
from sim.compare import Comparison
from sim.params import ScenarioError
from sim.params.loader import load_document
from sim.params.workbook import SECTIONS, document_to_toml, edit, parameter_rows, write_workbook
from sim.report import excel
from sim.report import tables as report_tables
from sim.report.build import load_saved
from sim.report.labels import fund_name, metric_name
from sim.sensitivity import DEFAULT_N, METHODS, SensitivityResult

REPO = Path(__file__).resolve().parents[2]
BUNDLED = {p.stem: p for p in sorted((REPO / "scenarios").glob("*.toml"))}
DEFAULT_SCENARIO = "liupanshui-2023"
TABLE_COLUMNS = ["参数ID", "政策项目", "参数名称", "取值", "单位", "生效月份", "失效月份", "依据/来源"]
POLL_SECONDS = 0.5
SENS_SPREAD = 0.2       # assumption: a picked parameter's range starts at its value ± 20 % (the analyst edits it)
# A chart card's SVG and PNG buttons save the chart drawn in the page: the SVG as it is, the PNG drawn from it
# on a canvas at twice its size (the browser renders the Chinese text with its own fonts; nothing is fetched).
CHART_JS = """
function subsimChart(id, kind) {
  const svg = document.querySelector('#' + id + ' svg');
  if (!svg) return;
  const text = new XMLSerializer().serializeToString(svg);
  const save = (blob) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob); a.download = id + '.' + kind;
    document.body.appendChild(a); a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  };
  if (kind === 'svg') {
    save(new Blob(['<?xml version="1.0" encoding="UTF-8"?>\\n' + text], {type: 'image/svg+xml'}));
    return;
  }
  const box = svg.getBoundingClientRect();
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(box.width * 2); canvas.height = Math.ceil(box.height * 2);
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff'; context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(save, 'image/png');
  };
  image.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(text)));
}
"""


def _lang(request) -> str:
    lang = request.query_params.get("lang", "zh") if request is not None else "zh"
    return lang if lang in TEXTS else "zh"


def _download_row(prefix: str, t: dict) -> Any:
    return ui.div(ui.download_button(f"{prefix}_csv", t["download_csv"], class_="btn-sm"),
                  ui.download_button(f"{prefix}_xlsx", "XLSX", class_="btn-sm"), class_="d-flex gap-2 mb-2")


def _table_card(prefix: str, title: str, t: dict, *above: Any) -> Any:
    """A card with a table (output `<prefix>_table`) and its CSV and XLSX downloads."""
    return ui.card(ui.card_header(title), *above, _download_row(prefix, t), ui.output_data_frame(f"{prefix}_table"))


def chart_buttons(chart_id: str) -> Any:
    """SVG and PNG buttons that save the chart drawn in the element `chart_id` (see CHART_JS)."""
    return ui.div(*(ui.tags.button(kind.upper(), type="button", id=f"{chart_id}_{kind}",
                                   class_="btn btn-sm btn-outline-secondary", onclick=f"subsimChart('{chart_id}', '{kind}')")
                    for kind in ("svg", "png")), class_="d-flex gap-2 mb-2")


def chart_card(chart_id: str, title: str) -> Any:
    """A card with a chart (output `chart_id`, an SVG) and its SVG and PNG downloads."""
    return ui.card(ui.card_header(title), chart_buttons(chart_id), ui.output_ui(chart_id, class_="chart"))


def chart_html(chart_id: str, svg: str | None, empty: str) -> Any:
    """A chart drawn from saved results (in a div the SVG/PNG buttons find), or a note when there is none."""
    return ui.p(empty) if svg is None else ui.div(ui.HTML(svg), id=chart_id, class_="chart")


def page_ui(request):
    lang = _lang(request)
    t = TEXTS[lang]
    scenario_page = ui.nav_panel(
        t["scenario"],
        ui.layout_columns(
            ui.card(
                ui.input_select("bundled", t["bundled"], choices=list(BUNDLED), selected=DEFAULT_SCENARIO),
                ui.input_file("upload", t["open"], accept=[".toml", ".xlsx"]),
                ui.output_text("current_scenario"),
                ui.hr(),
                ui.input_text("edit_id", t["param_id"], placeholder="SR-05.share.sme"),
                ui.input_text("edit_value", t["value"]),
                ui.input_text("edit_month", t["month"], placeholder="2025-01"),
                ui.div(ui.input_action_button("apply", t["apply"], class_="btn-primary"),
                       ui.input_action_button("reset", t["reset"]), class_="d-flex gap-2"),
                ui.output_ui("edit_message"),
                ui.hr(),
                ui.input_text("reform_name", t["reform_name"], value=""),
                ui.input_action_button("save_reform", t["save_reform"]),
                ui.output_ui("save_message"),
                ui.div(ui.download_button("reform_toml", t["download_toml"], class_="btn-sm"),
                       ui.download_button("reform_xlsx", t["download_xlsx"], class_="btn-sm"),
                       class_="d-flex gap-2 mt-2"),
            ),
            ui.card(
                ui.card_header(t["changes"]),
                ui.output_ui("changes_table"),
                ui.input_text("search", t["search"], width="100%"),
                ui.output_data_frame("params_table"),
            ),
            col_widths=(3, 9),
        ),
        value="scenario")
    run_page = ui.nav_panel(
        t["run"],
        ui.layout_columns(
            ui.card(
                ui.input_numeric("persons", t["persons"], value=3000, min=100),
                ui.input_numeric("months", t["months"], value=12, min=1),
                ui.input_numeric("reps", t["reps"], value=1, min=1),
                ui.input_numeric("seed", t["seed"], value=1, min=0),
                ui.input_select("executor", t["executor"], choices=["serial", "processes"]),
                ui.div(ui.input_action_button("start_run", t["start_run"], class_="btn-primary"),
                       ui.input_action_button("cancel", t["cancel"], class_="btn-outline-danger"),
                       class_="d-flex gap-2"),
            ),
            ui.card(ui.output_ui("progress")),
            col_widths=(4, 8)),
        value="run")
    results_page = ui.nav_panel(
        t["results"],
        ui.output_ui("headline"),
        ui.layout_columns(chart_card("monthly_chart", t["monthly_chart"]), chart_card("ui_fund_chart", t["funds"])),
        _table_card("budget", t["budget"], t),
        _table_card("district", t["district"], t),
        _table_card("funds", t["funds"], t),
        ui.card(ui.card_header(t["report"]),
                ui.div(ui.download_button("report_html", t["download_report"], class_="btn-sm"),
                       ui.download_button("report_book", t["download_book"], class_="btn-sm"),
                       class_="d-flex gap-2 mb-2"),
                ui.output_ui("report_frame")),
        value="results")
    compare_page = ui.nav_panel(
        t["compare"],
        ui.layout_columns(
            ui.card(ui.input_selectize("reforms", t["reforms"], choices=[], multiple=True),
                    ui.input_checkbox("attribution", t["with_attribution"], value=False),
                    ui.input_action_button("start_compare", t["start_compare"], class_="btn-primary"),
                    ui.output_ui("compare_progress")),
            ui.div(ui.card(ui.card_header(t["differences"]), ui.output_ui("compare_headline")),
                   chart_card("difference_chart", t["difference_chart"]),
                   _table_card("differences", t["differences"], t),
                   _table_card("attribution", t["attribution"], t, ui.output_ui("attribution_note")),
                   chart_card("cost_per_job_chart", t["cost_per_job_chart"])),
            col_widths=(4, 8)),
        value="compare")
    sensitivity_page = ui.nav_panel(
        t["sensitivity"],
        ui.layout_columns(
            ui.card(
                ui.input_selectize("sens_params", t["sens_params"], choices=[], multiple=True),
                ui.output_ui("sens_ranges"),
                ui.input_text_area("sens_extra", t["sens_extra"], rows=2, width="100%",
                                   placeholder="behaviour.responses.hiring_subsidy_elasticity=0.1:1.0"),
                ui.input_radio_buttons("sens_method", t["sens_method"], inline=True,
                                       choices={m: t[f"method_{m}"] for m in METHODS}),
                ui.input_numeric("sens_n", t["sens_n"], value=DEFAULT_N["morris"], min=1),
                ui.input_selectize("sens_metrics", t["sens_metrics"], choices=[], multiple=True),
                ui.input_selectize("sens_years", t["sens_years"], choices=[], multiple=True),
                ui.p(t["sens_size"], class_="text-muted small"),
                ui.div(ui.input_action_button("start_sens", t["start_sens"], class_="btn-primary"),
                       ui.input_action_button("cancel_sens", t["cancel"], class_="btn-outline-danger"),
                       class_="d-flex gap-2"),
                ui.output_ui("sens_progress")),
            ui.div(ui.output_ui("sens_charts"),
                   _table_card("indices", t["indices"], t),
                   _table_card("points", t["points"], t),
                   ui.card(ui.card_header(t["report"]),
                           ui.div(ui.download_button("sens_report_html", t["download_report"], class_="btn-sm"),
                                  ui.download_button("sens_report_book", t["download_book"], class_="btn-sm"),
                                  class_="d-flex gap-2"))),
            col_widths=(4, 8)),
        value="sensitivity")
    saved_page = ui.nav_panel(
        t["saved"],
        ui.card(ui.card_header(t["saved_runs"]),
                ui.output_data_frame("saved_table"),
                ui.div(ui.input_action_button("reopen", t["reopen"]),
                       ui.input_action_button("delete", t["delete"], class_="btn-outline-danger"),
                       class_="d-flex gap-2 mt-2"),
                ui.output_ui("saved_detail")),
        value="saved")
    switch = ui.nav_control(ui.a(t["switch"], href=f"?lang={t['switch_lang']}", id="lang-switch"))
    head = ui.head_content(ui.tags.link(rel="icon", href="data:,"),   # no /favicon.ico request (a 404)
                           ui.tags.script(CHART_JS), ui.tags.style(".chart svg { max-width: 100%; height: auto; }"))
    return ui.page_navbar(scenario_page, run_page, results_page, compare_page, sensitivity_page, saved_page,
                          ui.nav_spacer(), switch,
                          title=t["title"], id="page", lang="zh-CN" if lang == "zh" else "en",
                          window_title="subsim", header=head)


def _frame_download(frame: pd.DataFrame, kind: str) -> bytes:
    """A table as CSV or .xlsx, formula-like text escaped (sim.cells) as in every file subsim writes."""
    if kind == "csv":
        return escape_frame(frame).to_csv(index=False).encode("utf-8-sig")   # BOM: Excel opens Chinese CSV correctly
    buffer = io.BytesIO()
    excel.write_workbook({"Sheet1": frame}, buffer)
    return buffer.getvalue()


def _problems_ui(text: str) -> Any:
    return ui.div(ui.tags.pre(text, class_="mb-0"), class_="alert alert-danger mt-2 validation-message")


def make_app(results: Path) -> App:
    """The Shiny app; saved runs and reforms live under `results`."""
    results = Path(results)
    (results / "scenarios").mkdir(parents=True, exist_ok=True)

    def server(input, output, session):
        lang = _lang(session.http_conn)
        t = TEXTS[lang]
        base_path = reactive.value(BUNDLED[DEFAULT_SCENARIO])
        changes = reactive.value({})
        edit_note = reactive.value(None)
        save_note = reactive.value(None)
        reform_file = reactive.value(None)
        job = reactive.value(None)
        job_tick = reactive.value(0)
        opened = reactive.value(None)
        opened_sens = reactive.value(None)
        saved_tick = reactive.value(0)

        @reactive.effect
        @reactive.event(input.bundled)
        def _choose_bundled():
            base_path.set(BUNDLED[input.bundled()])
            changes.set({})

        @reactive.effect
        @reactive.event(input.reset)
        def _reset():
            changes.set({})
            edit_note.set(None)

        @reactive.effect
        @reactive.event(input.upload)
        def _upload():
            files = input.upload()
            if not files:
                return
            target = results / "scenarios" / Path(files[0]["name"]).name
            shutil.copyfile(files[0]["datapath"], target)
            base_path.set(target)
            changes.set({})

        @reactive.calc
        def loaded():
            """The scenario with the edits, or the problems (as `subsim validate` prints them)."""
            try:
                return sim.load_scenario(base_path(), set=changes() or None), None
            except ScenarioError as error:
                return None, str(error)

        @reactive.effect
        def _run_defaults():
            scenario, _ = loaded()
            if scenario is not None:
                ui.update_numeric("months", value=min(scenario.months, 12))
                ui.update_numeric("seed", value=scenario.seed)
                ui.update_text("reform_name", value=f"{scenario.name}-reform")

        @render.text
        def current_scenario():
            return f"{t['current']}: {base_path().name}"

        @reactive.calc
        def table() -> pd.DataFrame:
            scenario, _ = loaded()
            if scenario is None:
                return pd.DataFrame(columns=TABLE_COLUMNS)
            frame = pd.DataFrame(parameter_rows(scenario.document))
            frame["取值"] = frame["取值"].map(lambda v: "" if v is None else str(v))
            # the full citation is in the workbook; the table keeps rows one or two lines high
            frame["依据/来源"] = frame["依据/来源"].map(lambda v: v if len(str(v)) <= 60 else str(v)[:60] + "…")
            return frame[TABLE_COLUMNS]

        @render.data_frame
        def params_table():
            frame = table()
            words = input.search().strip().lower()
            if words:
                hay = frame["参数ID"] + " " + frame["政策项目"] + " " + frame["参数名称"].astype(str)
                frame = frame[hay.str.lower().str.contains(words, regex=False)]
            return render.DataGrid(frame, height="520px", width="100%")

        @reactive.effect
        @reactive.event(input.apply)
        def _apply():
            scenario, _ = loaded()
            if scenario is None:
                return
            try:
                key, value = edit(scenario.document, input.edit_id(), input.edit_value(), input.edit_month() or None)
            except ValueError as error:
                edit_note.set(_problems_ui(str(error)))
                return
            candidate = {**changes(), key: value}
            try:
                sim.load_scenario(base_path(), set=candidate)
            except ScenarioError as error:
                edit_note.set(_problems_ui(str(error)))
                return
            changes.set(candidate)
            edit_note.set(ui.div(f"{t['applied']}: {key}", class_="alert alert-success mt-2"))

        @render.ui
        def edit_message():
            return edit_note()

        @render.ui
        def changes_table():
            if not changes():
                return ui.p(t["no_changes"])
            base = sim.load_scenario(base_path()).document
            rows = []
            for key, new in changes().items():
                old: Any = base
                for part in key.split("."):
                    old = old.get(part) if isinstance(old, dict) else None
                rows.append({"参数": key, "原值": json.dumps(old, ensure_ascii=False),
                             "新值": json.dumps(new, ensure_ascii=False)})
            return ui.HTML(pd.DataFrame(rows).to_html(index=False, classes="table table-sm changes"))

        def _write_reform(name: str) -> tuple[Path | None, str | None]:
            """The edits as a reform file (TOML that extends the base) and its stand-alone workbook."""
            scenario, _ = loaded()
            folder = results / "scenarios"
            document: dict[str, Any] = {"scenario": {"extends": base_path().resolve().as_posix(), "name": name,
                                                     "title_zh": f"{scenario.title_zh}(改革)"}}
            for key, value in changes().items():
                node = document
                *parents, last = key.split(".")
                for part in parents:
                    node = node.setdefault(part, {})
                node[last] = value
            target = folder / f"{name}.toml"
            staging = folder / f".{name}.toml.tmp"
            staging.write_text(document_to_toml(document, "reform saved by subsim app"), encoding="utf-8")
            try:
                sim.load_scenario(staging)
            except ScenarioError as error:
                staging.unlink()
                return None, str(error)
            staging.replace(target)
            full = load_document(target).document
            full["scenario"].pop("extends", None)
            write_workbook(full, folder / f"{name}.xlsx")
            saved_tick.set(saved_tick() + 1)
            return target, None

        @reactive.effect
        @reactive.event(input.save_reform)
        def _save_reform():
            scenario, _ = loaded()
            if scenario is None:
                return
            target, problems = _write_reform(input.reform_name().strip())
            if problems:
                save_note.set(_problems_ui(problems))
                return
            reform_file.set(target)
            save_note.set(ui.div(f"{t['saved_ok']}: {target.name}, {target.stem}.xlsx", class_="alert alert-success mt-2"))

        @render.ui
        def save_message():
            return save_note()

        def _reform_path(suffix: str) -> Path | None:
            target = reform_file()
            return target.with_suffix(suffix) if target is not None else None

        @render.download_button(filename=lambda: (_reform_path(".toml") or Path("reform.toml")).name)
        def reform_toml():
            path = _reform_path(".toml")
            if path is not None:
                yield path.read_bytes()

        @render.download_button(filename=lambda: (_reform_path(".xlsx") or Path("reform.xlsx")).name)
        def reform_xlsx():
            path = _reform_path(".xlsx")
            if path is not None:
                yield path.read_bytes()

        # ------------------------------------------------------------------ runs
        def _start(kind: str, **extra) -> None:
            current = job()
            if current is not None and current.running:
                return
            scenario, problems = loaded()
            if scenario is None:
                return
            size = {"persons": int(input.persons()), "months": int(input.months()), "reps": int(input.reps()),
                    "seed": int(input.seed())}
            base = base_path()
            if changes():       # run a saved file, so the saved run names a file that reproduces it
                base, problems = _write_reform(f"{scenario.name}-edited")
                if base is None:
                    return
            name = scenario.name if kind == "run" else f"{kind}-{scenario.name}"
            spec = new_spec(kind, base=str(base), results=results, name=name, executor=input.executor(), lang=lang,
                            **extra, **size)
            job.set(Job(spec).start())
            job_tick.set(job_tick() + 1)

        @reactive.effect
        @reactive.event(input.start_run)
        def _start_run():
            _start("run")

        @reactive.effect
        @reactive.event(input.start_compare)
        def _start_compare():
            chosen = list(input.reforms())
            if chosen:
                _start("compare", reforms=chosen, attribution=bool(input.attribution()))

        @reactive.effect
        @reactive.event(input.cancel, input.cancel_sens)
        def _cancel():
            current = job()
            if current is not None and current.running:
                current.cancel()
                job_tick.set(job_tick() + 1)

        @reactive.effect
        def _poll():
            current = job()
            if current is None or not current.running:
                return
            reactive.invalidate_later(POLL_SECONDS)
            with reactive.isolate():
                current.poll()
                job_tick.set(job_tick() + 1)
                if current.result:
                    _open(Path(current.result))
                    saved_tick.set(saved_tick() + 1)

        def _progress_ui(kinds: tuple[str, ...]) -> Any:
            job_tick()
            current = job()
            if current is None or current.spec["kind"] not in kinds:
                return ui.p(t["idle"])
            share = current.done / current.total if current.total else 0.0
            if current.stage == "done":
                share = 1.0
            eta = current.eta_seconds()
            unit = t["unit_" + current.unit] if current.stage == "simulate" else ""
            parts = [ui.div(ui.div(f"{share:.0%}", class_="progress-bar", role="progressbar",
                                   style=f"width: {share * 100:.0f}%"), class_="progress mb-2", style="height: 1.5rem"),
                     ui.p(f"{t['stage']}: {t['stage_' + current.stage]}  ({current.done}/{current.total} {unit})"
                          + (f" · {t['eta']} {eta:.0f} {t['seconds']}" if eta is not None and current.running else ""),
                          id="run-stage")]
            if current.running and current.stage == "simulate" and current.month_total:
                # the months of the simulation running now: a long replication shows it is moving
                month_share = current.month_done / current.month_total
                parts += [ui.div(ui.div(class_="progress-bar bg-info", role="progressbar",
                                        style=f"width: {month_share * 100:.0f}%"), class_="progress mb-1",
                                 style="height: 0.5rem"),
                          ui.p(f"{t['months_' + current.month_phase]} {current.month_done}/{current.month_total} "
                               f"{t['unit_month']}", id="run-months", class_="small")]
            if current.error:
                parts.append(_problems_ui(current.error))
            if current.result:
                parts.append(ui.p(Path(current.result).name, id="run-result"))
            return ui.div(*parts)

        @render.ui
        def progress():
            return _progress_ui(("run",))

        @render.ui
        def compare_progress():
            return _progress_ui(("compare",))

        @render.ui
        def sens_progress():
            return _progress_ui(("sensitivity",))

        # ------------------------------------------------------------------ results
        def _open(folder: Path) -> None:
            """Show a saved folder: a sensitivity analysis on its page, a run or comparison on 结果/对比."""
            if (folder / "sensitivity.json").exists():
                opened_sens.set(folder)
            else:
                opened.set(folder)

        @reactive.calc
        def saved():
            folder = opened()
            if folder is None or not folder.is_dir():
                return None
            return load_saved(folder)

        def _run_results():
            result = saved()
            if isinstance(result, Comparison):
                return result.results[result.base]
            return result

        @render.ui
        def headline():
            result = _run_results()
            if result is None:
                return ui.p(t["no_results"], class_="mt-3")
            budget = result.budget
            cash = budget.loc[budget["kind"] == "cash", "amount_yuan"].sum() / 1e4
            forgone = budget.loc[budget["kind"] != "cash", "amount_yuan"].sum() / 1e4
            cards = [ui.div(ui.value_box(t["cash"], f"{cash:,.1f}"), id="card-cash"),
                     ui.div(ui.value_box(t["forgone"], f"{forgone:,.1f}"), id="card-forgone")]
            return ui.layout_columns(*cards)

        def _of_run(build) -> Any:
            """`build(results, lang)` of the run shown (the base of a comparison), or None."""
            result = _run_results()
            return None if result is None else build(result, lang)

        @render.ui
        def monthly_chart():
            return _svg_or_note(_of_run(views.monthly_chart), _run_results() is not None)

        @render.ui
        def ui_fund_chart():
            return _svg_or_note(_of_run(views.ui_fund_chart), _run_results() is not None)

        def _svg_or_note(svg: str | None, shown: bool = True) -> Any:
            """The chart, or why there is none: no results shown, or nothing to draw in them."""
            return ui.HTML(svg) if svg is not None else ui.p(t["no_chart"] if shown else t["no_results"])

        run_tables = {"budget": report_tables.budget_by_instrument, "district": views.budget_by_district,
                      "funds": report_tables.ui_fund_table}
        for prefix, build in run_tables.items():
            _table_outputs(output, prefix, lambda build=build: _frame(_of_run(build)))

        def _report_file(folder: Path | None, name: str) -> Path | None:
            return folder / name if folder is not None and (folder / name).exists() else None

        @render.download_button(filename="report.html")
        def report_html():
            path = _report_file(opened(), "report.html")
            if path is not None:
                yield path.read_bytes()

        @render.download_button(filename="workbook.xlsx")
        def report_book():
            path = _report_file(opened(), "workbook.xlsx")
            if path is not None:
                yield path.read_bytes()

        @render.ui
        def report_frame():
            path = _report_file(opened(), "report.html")
            if path is None:
                return ui.p(t["no_results"])
            return ui.tags.iframe(src=f"/files/{path.parent.name}/report.html", style="width:100%;height:800px;border:0")

        # ------------------------------------------------------------------ comparison
        @reactive.effect
        def _reform_choices():
            saved_tick()
            choices = {str(p): p.stem for p in sorted((results / "scenarios").glob("*.toml"))}
            choices.update({str(p): p.stem for p in BUNDLED.values() if p != base_path()})
            with reactive.isolate():        # a new saved file must not clear the reforms already chosen
                chosen = [path for path in input.reforms() if path in choices]
            ui.update_selectize("reforms", choices=choices, selected=chosen)

        def _comparison() -> Comparison | None:
            result = saved()
            return result if isinstance(result, Comparison) else None

        @render.ui
        def compare_headline():
            comparison = _comparison()
            if comparison is None:
                return ui.p(t["no_results"])
            frame = comparison.differences
            # cash spending over the whole horizon (`total` never includes revenue forgone, sim.compare)
            rows = frame[(frame["category"] == "cost") & (frame["key"] == "total") & (frame["year"].astype(str) == "all")]
            items = []
            for _, row in rows.iterrows():
                interval = "" if pd.isna(row["ci_low"]) else \
                    f"90%: [{row['ci_low'] / 1e4:+,.1f}, {row['ci_high'] / 1e4:+,.1f}]"
                items.append(ui.value_box(f"{row['reform']} — {t['headline_diff']}", f"{row['difference'] / 1e4:+,.1f}",
                                          interval))
            return ui.layout_columns(*items)

        @render.ui
        def difference_chart():
            comparison = _comparison()
            return _svg_or_note(None if comparison is None else views.difference_chart(comparison, lang),
                                comparison is not None)

        @render.ui
        def cost_per_job_chart():
            comparison = _comparison()
            return _svg_or_note(None if comparison is None else views.cost_per_job_chart(comparison, lang),
                                comparison is not None)

        @render.ui
        def attribution_note():
            comparison = _comparison()
            if comparison is None or comparison.attribution is None:
                return ui.p(t["attribution_off"], class_="text-muted")
            window = comparison.manifest.get("attribution_window_months")
            return ui.tags.ul(*(ui.tags.li(ui.tags.b(t[f"{key}_title"]), " ", t[f"{key}_means"].format(window=window))
                                for key in ("additional", "deadweight", "per_job")), id="attribution-meaning")

        _table_outputs(output, "differences", lambda: _frame(None if _comparison() is None else
                                                              report_tables.differences_table(_comparison(), lang)))
        _table_outputs(output, "attribution", lambda: _frame(None if _comparison() is None else
                                                              views.attribution_rows(_comparison(), lang)))

        # ------------------------------------------------------------------ sensitivity
        @reactive.calc
        def numeric_params() -> dict[str, tuple[str, float]]:
            """Sensitivity key → (label, the scenario's value) of every single-number parameter in the table."""
            frame = table()
            out = {}
            for row in frame.itertuples(index=False):
                value = row[TABLE_COLUMNS.index("取值")]
                month = row[TABLE_COLUMNS.index("生效月份")]
                try:
                    number = float(value)
                except ValueError:
                    continue
                if isinstance(month, str):      # a by-month value cannot be varied as one number
                    continue
                param_id = row[0]
                key = param_id if param_id.split(".")[0] in SECTIONS else f"instruments.{param_id}"
                out[key] = (f"{param_id} {row[1]} {row[2]} = {value}", number)
            return out

        @reactive.effect
        def _sens_choices():
            scenario, _ = loaded()
            if scenario is None:
                return
            ui.update_selectize("sens_params", choices={k: label for k, (label, _) in numeric_params().items()},
                                selected=[])
            metrics = {"cost.total": t["metric_cost_total"], "cost.forgone": t["metric_cost_forgone"],
                       "jobs.new_urban": metric_name("new_urban_jobs", lang),
                       "unemployment_rate": metric_name("surveyed_unemployment_rate", lang),
                       "ui_fund.cover_months": t["metric_cover"], "cost_per_additional_job": t["metric_per_job"]}
            funds = dict.fromkeys(fund.name for ins in scenario.instruments if ins.enabled for fund in ins.funding)
            metrics |= {f"cost.{fund}": f"{fund_name(fund, lang)}" for fund in funds}
            metrics |= {f"cost.instrument.{ins.id}": f"{ins.id} {ins.name_zh}" for ins in scenario.instruments
                        if ins.enabled}
            metrics |= {f"outcome.{m.name}": metric_name(m.name, lang) for m in M.OUTCOMES}
            ui.update_selectize("sens_metrics", choices={k: f"{k} — {v}" for k, v in metrics.items()},
                                selected=["cost.total"])

        @reactive.effect
        def _sens_years():
            scenario, _ = loaded()
            if scenario is None or not input.months():
                return
            year, month = (int(part) for part in scenario.start.split("-"))
            last = year + (month - 1 + int(input.months()) - 1) // 12
            ui.update_selectize("sens_years", choices={"all": t["whole_run"]} |
                                {str(y): str(y) for y in range(year, last + 1)}, selected=["all"])

        @reactive.effect
        @reactive.event(input.sens_method)
        def _sens_n():
            ui.update_numeric("sens_n", value=DEFAULT_N[input.sens_method()])

        def _range_id(key: str, end: str) -> str:
            return f"sens_{end}_" + re.sub(r"[^A-Za-z0-9_]", "_", key)

        @render.ui
        def sens_ranges():
            params = numeric_params()
            rows = []
            for key in input.sens_params():
                if key not in params:
                    continue
                central = params[key][1]
                low, high = (float(f"{central * (1 - SENS_SPREAD):.6g}"), float(f"{central * (1 + SENS_SPREAD):.6g}")) \
                    if central else (0.0, 1.0)
                with reactive.isolate():     # keep what the analyst typed when the selection changes
                    low = input[_range_id(key, "low")]() if _range_id(key, "low") in input else low
                    high = input[_range_id(key, "high")]() if _range_id(key, "high") in input else high
                rows.append(ui.div(ui.tags.small(key, class_="text-muted"),
                                   ui.layout_columns(ui.input_numeric(_range_id(key, "low"), t["low"], value=low),
                                                     ui.input_numeric(_range_id(key, "high"), t["high"], value=high)),
                                   class_="sens-range"))
            return ui.div(*rows)

        @reactive.effect
        @reactive.event(input.start_sens)
        def _start_sens():
            params = [f"{key}={input[_range_id(key, 'low')]()}:{input[_range_id(key, 'high')]()}"
                      for key in input.sens_params()]
            params += [line.strip() for line in input.sens_extra().splitlines() if line.strip()]
            years = list(input.sens_years()) or ["all"]
            metrics = [name if year == "all" else f"{name}@{year}" for name in input.sens_metrics() or ["cost.total"]
                       for year in years]
            _start("sensitivity", params=params, method=input.sens_method(), metrics=metrics,
                   n=int(input.sens_n()) if input.sens_method() != "oat" else None)

        @reactive.calc
        def sens_result() -> SensitivityResult | None:
            folder = opened_sens()
            return None if folder is None or not folder.is_dir() else SensitivityResult.load(folder)

        @render.ui
        def sens_charts():
            result = sens_result()
            if result is None:
                return ui.card(ui.p(t["no_sens"]))
            title = t["tornado"] if result.method == "oat" else t["index_chart"]
            return ui.div(*(ui.card(ui.card_header(f"{title}: {metric}"), chart_buttons(f"sens_chart_{i}"),
                                    chart_html(f"sens_chart_{i}", views.sensitivity_chart(result, metric, lang), ""))
                            for i, metric in enumerate(result.metrics)), id="sens-charts")

        _table_outputs(output, "indices", lambda: _frame(None if sens_result() is None else
                                                          report_tables.sensitivity_indices(sens_result(), lang)))
        _table_outputs(output, "points", lambda: _frame(None if sens_result() is None else sens_result().point_means()))

        @render.download_button(filename="report.html")
        def sens_report_html():
            path = _report_file(opened_sens(), "report.html")
            if path is not None:
                yield path.read_bytes()

        @render.download_button(filename="workbook.xlsx")
        def sens_report_book():
            path = _report_file(opened_sens(), "workbook.xlsx")
            if path is not None:
                yield path.read_bytes()

        # ------------------------------------------------------------------ saved runs
        @reactive.calc
        def saved_runs() -> pd.DataFrame:
            saved_tick()
            rows = []
            for folder in sorted(results.iterdir(), reverse=True):
                if not folder.is_dir() or folder.name.startswith((".", STAGING_PREFIX)) or folder.name == "scenarios":
                    continue
                meta = _meta(folder)
                if meta is None:
                    continue
                rows.append({"folder": folder.name, "kind": meta.get("kind", "run"),
                             "persons": meta.get("persons"), "months": meta.get("months"),
                             "replications": meta.get("replications", meta.get("reps"))})
            return pd.DataFrame(rows, columns=["folder", "kind", "persons", "months", "replications"])

        @render.data_frame
        def saved_table():
            shown = saved_runs().assign(kind=lambda f: [t.get(f"kind_{kind}", kind) for kind in f["kind"]])
            shown.columns = [t["saved_folder"], t["saved_kind"], t["persons"], t["months"], t["reps"]]
            return render.DataGrid(shown, selection_mode="row", width="100%")   # rows in saved_runs' order

        def _selected_folder() -> Path | None:
            rows = saved_table.cell_selection()["rows"]
            frame = saved_runs()
            if not rows or rows[0] >= len(frame):
                return None
            return results / frame.iloc[rows[0]]["folder"]

        @reactive.effect
        @reactive.event(input.reopen)
        def _reopen():
            folder = _selected_folder()
            if folder is not None:
                _open(folder)
                ui.update_navset("page", selected="sensitivity" if (folder / "sensitivity.json").exists() else "results")

        @reactive.effect
        @reactive.event(input.delete)
        def _delete():
            folder = _selected_folder()
            if folder is not None:
                shutil.rmtree(folder)
                for shown in (opened, opened_sens):
                    if shown() == folder:
                        shown.set(None)
                saved_tick.set(saved_tick() + 1)

        @render.ui
        def saved_detail():
            folder = _selected_folder()
            if folder is None:
                return ui.p("")
            meta = _meta(folder) or {}
            return ui.div(ui.h6(t["reproduce"]), ui.tags.pre(_command(meta), id="reproduce"),
                          ui.tags.details(ui.tags.summary("manifest"),
                                          ui.tags.pre(json.dumps(meta, ensure_ascii=False, indent=1)[:20000])))

    return App(page_ui, server, static_assets={"/files": str(results.resolve())})


def _frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The table to show and download: the reports' helper columns (`__key`, …) left out."""
    if frame is None:
        return pd.DataFrame()
    return frame[[c for c in frame.columns if not str(c).startswith("__")]]


def _table_outputs(output, prefix: str, frame_of) -> None:
    """The table `<prefix>_table` of `frame_of()` and its CSV and XLSX downloads `<prefix>_csv`, `<prefix>_xlsx`."""
    def table():
        return render.DataGrid(frame_of(), height="360px", width="100%")
    output(id=f"{prefix}_table")(render.data_frame(table))
    for kind in ("csv", "xlsx"):
        def make(kind=kind):
            @render.download_button(filename=f"{prefix}.{kind}")
            def download():
                yield _frame_download(frame_of(), kind)
            return download
        output(id=f"{prefix}_{kind}")(make())


def _meta(folder: Path) -> dict | None:
    """The manifest of a saved run, comparison or sensitivity analysis (None for another folder)."""
    for name in ("comparison.json", "sensitivity.json", "manifest.json"):
        if (folder / name).exists():
            return json.loads((folder / name).read_text(encoding="utf-8"))
    return None


def _command(meta: dict) -> str:
    """The command line that reproduces a saved run, comparison or sensitivity analysis."""
    if meta.get("kind") == "sensitivity":
        params = " ".join(f"--param {p['key']}={p['low']}:{p['high']}" for p in meta.get("params", []))
        metrics = " ".join(f"--metric {m}" for m in meta.get("metrics", []))
        n = f" --n {meta.get('n')}" if meta.get("method") != "oat" else ""
        return (f"subsim sensitivity {meta.get('scenario_file')} --method {meta.get('method')} {params} {metrics}{n} "
                f"--persons {meta.get('persons')} --months {meta.get('months')} --seed {meta.get('seed')} "
                f"--reps {meta.get('replications')}")
    if meta.get("kind") == "comparison":
        files = " ".join(meta.get("scenario_files", []))
        attribution = " --attribution" if meta.get("attribution") else ""
        return (f"subsim compare {files} --persons {meta.get('persons')} --months {meta.get('months')} "
                f"--seed {meta.get('seed')} --reps {meta.get('replications')}{attribution}")
    return (f"subsim run {meta.get('scenario_file')} --persons {meta.get('persons')} --months {meta.get('months')} "
            f"--seed {meta.get('seed')} --reps {meta.get('replications')}")
