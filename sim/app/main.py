"""The app's pages and server (Shiny for Python); see the package docstring."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from shiny import App, reactive, render, ui

import sim
from sim.app.jobs import STAGING_PREFIX, Job, new_spec
from sim.app.texts import TEXTS
from sim.cells import escape_frame
from sim.compare import Comparison
from sim.params import ScenarioError
from sim.params.loader import load_document
from sim.params.workbook import document_to_toml, edit, parameter_rows, write_workbook
from sim.report import excel
from sim.report.build import load_saved

REPO = Path(__file__).resolve().parents[2]
BUNDLED = {p.stem: p for p in sorted((REPO / "scenarios").glob("*.toml"))}
DEFAULT_SCENARIO = "liupanshui-2023"
TABLE_COLUMNS = ["参数ID", "政策项目", "参数名称", "取值", "单位", "生效月份", "失效月份", "依据/来源"]
POLL_SECONDS = 0.5


def _lang(request) -> str:
    lang = request.query_params.get("lang", "zh") if request is not None else "zh"
    return lang if lang in TEXTS else "zh"


def _download_row(prefix: str, t: dict) -> Any:
    return ui.div(ui.download_button(f"{prefix}_csv", t["download_csv"], class_="btn-sm"),
                  ui.download_button(f"{prefix}_xlsx", "XLSX", class_="btn-sm"), class_="d-flex gap-2 mb-2")


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
        ui.card(ui.card_header(t["budget"]), _download_row("budget", t), ui.output_data_frame("budget_table")),
        ui.card(ui.card_header(t["funds"]), _download_row("funds", t), ui.output_data_frame("funds_table")),
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
                    ui.input_action_button("start_compare", t["start_compare"], class_="btn-primary"),
                    ui.output_ui("compare_progress")),
            ui.card(ui.card_header(t["differences"]), ui.output_ui("compare_headline"),
                    _download_row("differences", t), ui.output_data_frame("differences_table")),
            col_widths=(4, 8)),
        value="compare")
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
    no_icon = ui.head_content(ui.tags.link(rel="icon", href="data:,"))   # no /favicon.ico request (a 404)
    return ui.page_navbar(scenario_page, run_page, results_page, compare_page, saved_page, ui.nav_spacer(), switch,
                          title=t["title"], id="page", lang="zh-CN" if lang == "zh" else "en",
                          window_title="subsim", header=no_icon)


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

        @render.download(filename=lambda: (_reform_path(".toml") or Path("reform.toml")).name)
        def reform_toml():
            path = _reform_path(".toml")
            if path is not None:
                yield path.read_bytes()

        @render.download(filename=lambda: (_reform_path(".xlsx") or Path("reform.xlsx")).name)
        def reform_xlsx():
            path = _reform_path(".xlsx")
            if path is not None:
                yield path.read_bytes()

        # ------------------------------------------------------------------ runs
        def _start(kind: str, reforms: list[str] | None = None) -> None:
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
            spec = new_spec(kind, base=str(base), results=results,
                            name=scenario.name if kind == "run" else f"compare-{scenario.name}",
                            reforms=reforms, executor=input.executor(), lang=lang, **size)
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
                _start("compare", chosen)

        @reactive.effect
        @reactive.event(input.cancel)
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
                    opened.set(Path(current.result))
                    saved_tick.set(saved_tick() + 1)

        def _progress_ui() -> Any:
            job_tick()
            current = job()
            if current is None:
                return ui.p(t["idle"])
            share = current.done / current.total if current.total else 0.0
            if current.stage == "done":
                share = 1.0
            eta = current.eta_seconds()
            parts = [ui.div(ui.div(f"{share:.0%}", class_="progress-bar", role="progressbar",
                                   style=f"width: {share * 100:.0f}%"), class_="progress mb-2", style="height: 1.5rem"),
                     ui.p(f"{t['stage']}: {t['stage_' + current.stage]}  ({current.done}/{current.total})"
                          + (f" · {t['eta']} {eta:.0f} {t['seconds']}" if eta is not None and current.running else ""),
                          id="run-stage")]
            if current.error:
                parts.append(_problems_ui(current.error))
            if current.result:
                parts.append(ui.p(Path(current.result).name, id="run-result"))
            return ui.div(*parts)

        @render.ui
        def progress():
            return _progress_ui()

        @render.ui
        def compare_progress():
            return _progress_ui()

        # ------------------------------------------------------------------ results
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

        def _budget_frame() -> pd.DataFrame:
            result = _run_results()
            return pd.DataFrame() if result is None else result.budget

        def _funds_frame() -> pd.DataFrame:
            result = _run_results()
            return pd.DataFrame() if result is None else result.funds

        @render.data_frame
        def budget_table():
            return render.DataGrid(_budget_frame(), height="360px", width="100%")

        @render.data_frame
        def funds_table():
            return render.DataGrid(_funds_frame(), height="300px", width="100%")

        for prefix, frame_of in (("budget", _budget_frame), ("funds", _funds_frame)):
            _downloads(output, prefix, frame_of)

        def _report_file(name: str) -> Path | None:
            folder = opened()
            return folder / name if folder is not None and (folder / name).exists() else None

        @render.download(filename="report.html")
        def report_html():
            path = _report_file("report.html")
            if path is not None:
                yield path.read_bytes()

        @render.download(filename="workbook.xlsx")
        def report_book():
            path = _report_file("workbook.xlsx")
            if path is not None:
                yield path.read_bytes()

        @render.ui
        def report_frame():
            path = _report_file("report.html")
            if path is None:
                return ui.p(t["no_results"])
            return ui.tags.iframe(src=f"/files/{path.parent.name}/report.html", style="width:100%;height:800px;border:0")

        # ------------------------------------------------------------------ comparison
        @reactive.effect
        def _reform_choices():
            saved_tick()
            choices = {str(p): p.stem for p in sorted((results / "scenarios").glob("*.toml"))}
            choices.update({str(p): p.stem for p in BUNDLED.values() if p != base_path()})
            ui.update_selectize("reforms", choices=choices)

        def _differences() -> pd.DataFrame:
            result = saved()
            return result.differences if isinstance(result, Comparison) else pd.DataFrame()

        @render.ui
        def compare_headline():
            frame = _differences()
            if frame.empty:
                return ui.p(t["no_results"])
            # cash spending over the whole horizon (`total` never includes revenue forgone, sim.compare)
            rows = frame[(frame["category"] == "cost") & (frame["key"] == "total") & (frame["year"].astype(str) == "all")]
            items = []
            for _, row in rows.iterrows():
                interval = "" if pd.isna(row["ci_low"]) else \
                    f"90%: [{row['ci_low'] / 1e4:+,.1f}, {row['ci_high'] / 1e4:+,.1f}]"
                items.append(ui.value_box(f"{row['reform']} — {t['headline_diff']}", f"{row['difference'] / 1e4:+,.1f}",
                                          interval))
            return ui.layout_columns(*items)

        @render.data_frame
        def differences_table():
            return render.DataGrid(_differences(), height="420px", width="100%")

        _downloads(output, "differences", _differences)

        # ------------------------------------------------------------------ saved runs
        @reactive.calc
        def saved_runs() -> pd.DataFrame:
            saved_tick()
            rows = []
            for folder in sorted(results.iterdir(), reverse=True):
                if not folder.is_dir() or folder.name.startswith((".", STAGING_PREFIX)) or folder.name == "scenarios":
                    continue
                meta_file = folder / "comparison.json" if (folder / "comparison.json").exists() else folder / "manifest.json"
                if not meta_file.exists():
                    continue
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                rows.append({"folder": folder.name, "kind": meta.get("kind", "run"),
                             "persons": meta.get("persons"), "months": meta.get("months"),
                             "replications": meta.get("replications", meta.get("reps"))})
            return pd.DataFrame(rows, columns=["folder", "kind", "persons", "months", "replications"])

        @render.data_frame
        def saved_table():
            return render.DataGrid(saved_runs(), selection_mode="row", width="100%")

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
                opened.set(folder)
                ui.update_navs("page", selected="results")

        @reactive.effect
        @reactive.event(input.delete)
        def _delete():
            folder = _selected_folder()
            if folder is not None:
                shutil.rmtree(folder)
                if opened() == folder:
                    opened.set(None)
                saved_tick.set(saved_tick() + 1)

        @render.ui
        def saved_detail():
            folder = _selected_folder()
            if folder is None:
                return ui.p("")
            meta_file = folder / "comparison.json" if (folder / "comparison.json").exists() else folder / "manifest.json"
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            return ui.div(ui.h6(t["reproduce"]), ui.tags.pre(_command(meta), id="reproduce"),
                          ui.tags.details(ui.tags.summary("manifest"),
                                          ui.tags.pre(json.dumps(meta, ensure_ascii=False, indent=1)[:20000])))

    return App(page_ui, server, static_assets={"/files": str(results.resolve())})


def _downloads(output, prefix: str, frame_of) -> None:
    """A CSV and an XLSX download of the table `frame_of()` returns."""
    for kind in ("csv", "xlsx"):
        def make(kind=kind):
            @render.download(filename=f"{prefix}.{kind}")
            def download():
                yield _frame_download(frame_of(), kind)
            return download
        output(id=f"{prefix}_{kind}")(make())


def _command(meta: dict) -> str:
    """The command line that reproduces a saved run or comparison."""
    if meta.get("kind") == "comparison":
        files = " ".join(meta.get("scenario_files", []))
        return (f"subsim compare {files} --persons {meta.get('persons')} --months {meta.get('months')} "
                f"--seed {meta.get('seed')} --reps {meta.get('replications')}")
    return (f"subsim run {meta.get('scenario_file')} --persons {meta.get('persons')} --months {meta.get('months')} "
            f"--seed {meta.get('seed')} --reps {meta.get('replications')}")
