"""Issue 15, item by item: each test reproduces the original failure (special files are made in tmp_path)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import psutil
import pytest

import sim
from sim.api import resolve
from sim.cells import escape_frame, formula_like, unescape_frame
from sim.cli import EXIT_INTERRUPTED, main
from sim.params import ScenarioError
from sim.params.files import read_input, InputFileError
from sim.params.months import is_month
from sim.params.profile_schema import MAX_DISTRICTS, _district_count
from sim.population.arrays import FIRM_FIELDS, PERSON_FIELDS
from sim.population.register import CONTRIBUTION_SLACK_MONTHS, load_register
from sim.results import LOCK_FILE, OutputLock, Results, begin_writing, remove_stale_temporaries
from sim.tasks import TaskStore, run_tasks
from sim.sweep import FunctionTask
from tests.conftest import ROOT, UI_ONLY
from tests.test_fuzz import _call, _special, warm_kernels  # noqa: F401  (a fixture)
from tests.test_register import CSV

SPECIALS = ("fifo", "zero", "loop", "folder")




@pytest.fixture(autouse=True)
def _warm(warm_kernels):
    """Compiled kernels: a case that runs is timed without numba's compilation."""


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario(UI_ONLY, months=1, seed=7)


@pytest.fixture()
def rows() -> pd.DataFrame:
    return pd.read_csv(CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig").head(12)


def _clean_error(argv: list[str], seconds: int = 30) -> str:
    outcome, _, err = _call(argv, seconds)
    assert outcome == "clean error", (outcome, err[-3000:])
    return err


# 1 ---------------------------------------------------------------------------------------------- privacy

def test_identifiers_in_the_wrong_column_are_never_printed_nor_written(scenario, rows, tmp_path):
    planted = {"性别": "罗娟静", "月工资": "139-0013-8000", "年龄": "+8613900138000", "学历": "990370 19821003 0438",
               "区县": rows.loc[3, "姓名"]}
    for k, (column, value) in enumerate(planted.items()):
        rows.loc[k, column] = value
    rows["联系人"] = "张伟明"
    rows.loc[6, "户籍"] = "张伟明"
    path = tmp_path / "register.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(ScenarioError) as error:
        load_register(path, profile=scenario.profile, start=scenario.start)
    text = str(error.value)
    assert text.count("<value withheld>") == len(planted) + 1
    for value in [*planted.values(), "张伟明", *rows["姓名"], *rows["身份证号"], *rows["手机号"]]:
        assert value not in text
    out = tmp_path / "out"
    outcome, stdout, err = _call(["run", str(UI_ONLY), "--population", str(path), "--drop-invalid", "--months", "1",
                                  "--out", str(out), "--no-report"])
    assert outcome == "ran", err
    written = stdout + err + (out / "manifest.json").read_text(encoding="utf-8")
    assert "dropped:" in err and "<value withheld>" in err
    for value in [*planted.values(), "张伟明", *rows["姓名"], *rows["身份证号"], *rows["手机号"]]:
        assert value not in written


# 2 ---------------------------------------------------------------------------------------------- districts

def test_district_limit_is_the_code_type_and_both_sides_of_it_are_tested():
    assert MAX_DISTRICTS == np.iinfo(PERSON_FIELDS["district"]).max == np.iinfo(FIRM_FIELDS["district"]).max

    def profile(n: int) -> dict:
        return {"districts": {"population_share": {f"d{k}": 1 / n for k in range(n)}}}
    assert _district_count(profile(MAX_DISTRICTS)) == []
    (key, value, message), = _district_count(profile(MAX_DISTRICTS + 1))
    assert key == "districts.population_share" and "at most 127 districts" in message


# 3 ---------------------------------------------------------------------------------------------- header

@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_repeated_register_header_stops_the_run(scenario, rows, tmp_path, suffix):
    path = tmp_path / f"register{suffix}"
    if suffix == ".csv":
        header = ",".join(list(rows.columns) + ["性别"])
        body = rows.assign(extra="男").to_csv(index=False, header=False)
        path.write_text(header + "\n" + body, encoding="utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq
        table = pa.Table.from_arrays([pa.array(rows[c]) for c in rows.columns] + [pa.array(rows["性别"])],
                                     names=list(rows.columns) + ["性别"])
        pq.write_table(table, path)
    # pyarrow will not read a Parquet file with a repeated column into a table: refused as unreadable
    with pytest.raises(ScenarioError, match="appears twice in the header" if suffix == ".csv" else "Parquet"):
        load_register(path, profile=scenario.profile, start=scenario.start)


# 4 ---------------------------------------------------------------------------------------------- targets

def test_validate_checks_the_targets_of_the_locality_folder_the_scenario_names(tmp_path):
    shutil.copytree(ROOT / "calibration" / "liupanshui", tmp_path / "calibration" / "outside")
    (tmp_path / "calibration" / "outside" / "targets.toml").write_text("[targets.x]\nvalue = 'many'\n",
                                                                       encoding="utf-8")
    text = UI_ONLY.read_text(encoding="utf-8").replace('locality = "liupanshui"', 'locality = "outside"')
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    err = _clean_error(["validate", str(path)])
    assert "outside/targets.toml" in err
    _clean_error(["run", str(path), "--persons", "500", "--months", "1", "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out" / "manifest.json").exists()


# 5 ---------------------------------------------------------------------------------------------- strings

@pytest.mark.parametrize("line, words", [('title_zh = "六盘水\\u0000"', "control character U+0000"),
                                         ('name = "' + "a" * 300 + '"', "at most 100 characters"),
                                         ('start = "２０２４-01"', "YYYY-MM"),
                                         ('start = "2024-01\\n"', "YYYY-MM")])
def test_strings_a_writer_would_refuse_are_refused_up_front(tmp_path, line, words):
    key = line.split(" =")[0]
    text = "\n".join(line if row.startswith(f"{key} = ") else row for row in
                     UI_ONLY.read_text(encoding="utf-8").splitlines())
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    assert words in _clean_error(["validate", str(path)])
    assert not is_month("２０２４-01") and not is_month("2024-01\n") and is_month("2024-01")


FORMULAS = ('=HYPERLINK("x")', "+1", "@SUM(A1)")


def _formula_city(tmp_path: Path) -> Path:
    """A scenario whose locality names its districts (codes and Chinese names) with formula-like text, and
    whose title, instrument name, source and note and a profile source start with =, +, - or @."""
    folder = tmp_path / "calibration" / "formula"
    shutil.copytree(ROOT / "calibration" / "liupanshui", folder)
    profile = (folder / "profile.toml").read_text(encoding="utf-8")
    names = {"zhongshan": ('"=HYPERLINK(\\"y\\")"', "钟山区", '=HYPERLINK(\\"x\\")'),
             "liuzhi": ('"+2"', "六枝特区", "+1"), "shuicheng": ('"@SUM(B1)"', "水城区", "@SUM(A1)"),
             "panzhou": ('"-pz"', "盘州市", "-盘州市")}
    for code, (new_code, name, new_name) in names.items():
        profile = profile.replace(f'"{name}"', f'"{new_name}"').replace(f"{code} =", f"{new_code} =")
    profile = profile.replace('source = "2020 census', 'source = "=1+1 2020 census', 1)
    (folder / "profile.toml").write_text(profile, encoding="utf-8")
    text = (UI_ONLY.read_text(encoding="utf-8").replace('locality = "liupanshui"', 'locality = "formula"')
            .replace('title_zh = "', 'title_zh = "=').replace('source = "004', 'source = "@004')
            .replace('note = "', 'note = "-').replace('name_zh = "', 'name_zh = "='))
    path = tmp_path / "formula.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _text_cells(path: Path) -> list:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_formula_like_text_is_escaped_in_every_csv_and_workbook(tmp_path):
    scenario = _formula_city(tmp_path)
    out = tmp_path / "out"
    outcome, _, err = _call(["run", str(scenario), "--persons", "600", "--months", "2", "--out", str(out)], 120)
    assert outcome == "ran", err[-3000:]
    cells = _text_cells(out / "workbook.xlsx")
    assert not [c.coordinate for c in cells if c.data_type == "f"]      # subsim writes no formula of its own
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for start in ("=1+1 2020 census", "@004 M§21", "=六盘水"):                    # kept as text, exactly
        assert any(t.startswith(start) for t in texts), start
    assert any('=HYPERLINK("x")' in t for t in texts)                    # the district names (参数与来源)
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value[:1] in "=+@")
    costs = pd.read_csv(out / "costs.csv", dtype=str)
    districts = set(costs["district"])
    assert districts and districts <= {"'=HYPERLINK(\"y\")", "'+2", "'@SUM(B1)", "'-pz"}
    assert pd.to_numeric(costs["amount_yuan"]).notna().all()             # numbers stay numbers
    budget = pd.read_csv(out / "budget.csv", dtype=str)
    assert set(budget["name_zh"]) == {"'=失业保险金(含代缴医疗保险费、失业补助金)"}
    assert Results.load(out).budget["name_zh"].iloc[0].startswith("=失业保险金")   # read back exactly

    book = tmp_path / "params.xlsx"
    assert _call(["workbook", str(scenario), "--out", str(book)])[0] == "ran"
    cells = _text_cells(book)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith("@004 M§21") for c in cells)
    back = tmp_path / "back.toml"
    assert _call(["workbook", str(book), "--toml", str(back)])[0] == "ran"
    assert sim.load_scenario(back).title_zh.startswith("=六盘水")              # the round trip keeps the text


def test_the_cell_escape_is_exact_and_leaves_numbers_alone():
    from sim.app.main import _frame_download        # the app's table downloads (imports Shiny: only here)
    frame = pd.DataFrame({"name": list(FORMULAS) + ["-12.5", "'=x", "钟山区", None], "value": [-1.5, 2, -3, 4, 5, 6, 7]})
    assert escape_frame(frame)["name"].tolist()[:6] == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "-12.5", "''=x",
                                                        "钟山区"]
    pd.testing.assert_frame_equal(unescape_frame(escape_frame(frame)), frame)
    assert escape_frame(frame)["value"].tolist() == frame["value"].tolist()
    assert [formula_like(t) for t in ("-12.5", "-1e5", "-x", "\t=1", "a=1")] == [False, False, True, True, False]
    csv = _frame_download(frame, "csv").decode("utf-8-sig").splitlines()
    assert csv[1] == '"\'=HYPERLINK(""x"")",-1.5' and csv[2] == "'+1,2.0" and csv[4] == "-12.5,4.0"
    path = Path(tempfile.mkdtemp()) / "t.xlsx"
    path.write_bytes(_frame_download(frame, "xlsx"))
    cells = _text_cells(path)
    assert not [c for c in cells if c.data_type == "f"]
    assert [c.value for c in cells if c.column == 2][1:] == [-1.5, 2, -3, 4, 5, 6, 7]
    shutil.rmtree(path.parent)


# 6 ---------------------------------------------------------------------------------------------- special files

@pytest.mark.parametrize("kind", SPECIALS)
def test_special_files_as_scenario_extends_target_and_register_are_clean_errors(tmp_path, kind):
    scenario = _special(tmp_path / "scenario.toml", kind)
    assert "not a regular file" in _clean_error(["validate", str(scenario)]) or kind == "loop"
    parent = _special(tmp_path / "parent.toml", kind)
    reform = tmp_path / "reform.toml"
    reform.write_text(f'[scenario]\nextends = "{parent.name}"\nname = "r"\n', encoding="utf-8")
    _clean_error(["validate", str(reform)])
    register = _special(tmp_path / "register.csv", kind)
    _clean_error(["run", str(UI_ONLY), "--population", str(register), "--months", "1", "--out", str(tmp_path / "o")])
    with pytest.raises(InputFileError):
        read_input(register, 2**20)


@pytest.mark.parametrize("kind", SPECIALS)
def test_special_file_as_a_locality_file(tmp_path, kind):
    shutil.copytree(ROOT / "calibration" / "liupanshui", tmp_path / "calibration" / "liupanshui")
    profile = tmp_path / "calibration" / "liupanshui" / "behaviour.toml"
    profile.unlink()
    _special(profile, kind)
    path = tmp_path / "s.toml"
    shutil.copy(UI_ONLY, path)
    assert "behaviour.toml" in _clean_error(["validate", str(path)])


def test_nul_byte_and_oversized_files(tmp_path):
    assert "NUL byte" in _clean_error(["validate", str(tmp_path / "a\0b.toml")])
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(InputFileError, match="larger than the limit"):
        read_input(big, 1024)


# 7 ---------------------------------------------------------------------------------------------- --out

@pytest.mark.parametrize("layout", ["proc", "tasks file", "costs folder", "report folder", "manifest folder"])
def test_out_paths_the_run_cannot_write_are_refused_before_it(tmp_path, layout):
    out = tmp_path / "out"
    if layout == "proc":
        out = Path("/proc/subsim-results")
    elif layout == "tasks file":
        out.mkdir()
        (out / "tasks").write_text("", encoding="utf-8")
    else:
        (out / {"costs folder": "costs.csv", "report folder": "report.html",
                "manifest folder": "manifest.json"}[layout]).mkdir(parents=True)
    err = _clean_error(["run", str(UI_ONLY), "--persons", "500", "--months", "1", "--out", str(out)])
    assert "--out" in err


# 8 ---------------------------------------------------------------------------------------------- --scheduler

@pytest.mark.parametrize("address, words", [("http://host:8786", "unknown scheme"), ("tcp://host", "no port"),
                                            ("host:8786", "no scheme"), ("tcp://:8786", "no host"),
                                            ("tcp://host:99999", "port")])
def test_bad_scheduler_addresses(address, words, tmp_path):
    err = _clean_error(["run", str(UI_ONLY), "--persons", "500", "--months", "1", "--executor", "dask",
                        "--scheduler", address, "--out", str(tmp_path / "o")])
    assert words in err and address in err


@pytest.mark.slow
def test_a_dead_scheduler_is_a_clean_error_naming_the_address(tmp_path):
    err = _clean_error(["run", str(UI_ONLY), "--persons", "500", "--months", "1", "--executor", "dask",
                        "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")], seconds=180)
    assert "tcp://127.0.0.1:9" in err and "no dask scheduler answered" in err


# 9 ---------------------------------------------------------------------------------------------- report

@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b"[]", b'{"scenario": 1}'])
def test_report_on_a_corrupt_manifest_is_a_clean_error(tmp_path, content):
    (tmp_path / "manifest.json").write_bytes(content)
    assert "cannot be read" in _clean_error(["report", str(tmp_path)])


# 10, 19 --------------------------------------------------------------------------------------- interrupts

def test_ctrl_c_exits_130_with_one_line_on_what_was_kept(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(sim, "run", interrupted)
    out = tmp_path / "out"
    assert main(["run", str(UI_ONLY), "--persons", "500", "--months", "1", "--out", str(out)]) == EXIT_INTERRUPTED
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "interrupted" in err[0] and "tasks" in err[0] and "resumes" in err[0]


def _sigint_handler() -> str:
    return str(signal.getsignal(signal.SIGINT))


def test_process_workers_leave_ctrl_c_to_the_parent():
    from sim.executors import executor
    with executor("processes", workers=1) as pool:
        (_, handler), = pool.imap([_sigint_handler])
    assert handler == str(signal.SIG_IGN)


def _descendants(pid: int) -> set[int]:
    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def test_ctrl_c_during_a_dask_run_stops_every_worker_quietly_and_the_rerun_resumes(tmp_path):
    """A real `--executor dask` run (a LocalCluster of 2 workers) in its own session, interrupted as a
    terminal does (SIGINT to the whole process group) once a replication is stored (8 replications of
    20,000 persons, so that the others are still running then on a loaded machine)."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sim.cli", "run", str(UI_ONLY), "--executor", "dask", "--workers", "2",
               "--reps", "8", "--persons", "20000", "--months", "3", "--seed", "3", "--out", str(out), "--no-report"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 600
    while run.poll() is None and not list(out.glob("tasks/*.pkl")) and time.monotonic() < deadline:
        workers |= _descendants(run.pid)
        time.sleep(0.1)
    assert run.poll() is None, run.communicate()[1][-3000:]             # still running: mid-run
    workers |= _descendants(run.pid)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_INTERRUPTED, err[-3000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0] and "resumes" in lines[0], err[-3000:]
    assert len(workers) >= 2                                          # the cluster's worker processes were seen
    left = workers
    for _ in range(100):                                              # given 10 s to exit, no more
        left = {pid for pid in left if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"}
        if not left:
            break
        time.sleep(0.1)
    assert not left, [psutil.Process(pid).cmdline() for pid in left]
    kept = {p.name for p in out.iterdir()}
    assert kept <= {"tasks", LOCK_FILE}, kept                         # no table, no marker, no temporary
    stored = len(list(out.glob("tasks/*.pkl")))
    assert 1 <= stored < 8

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    execution = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["execution"]
    assert (execution["tasks_reused"], execution["tasks_computed"]) == (stored, 8 - stored)


def test_a_new_run_removes_the_old_marker_and_reports_before_writing(tmp_path):
    for name in ("manifest.json", "report.html", "workbook.xlsx", "budget.csv"):
        (tmp_path / name).write_text("old", encoding="utf-8")
    begin_writing(tmp_path, ("report.html", "workbook.xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.csv"]      # interrupted now: no marker, no old report
    assert "RESULTS_DIR" in _clean_error(["report", str(tmp_path)])


# 11-13 ---------------------------------------------------------------------------------------- writers

def test_a_second_writer_of_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lock = OutputLock(out)
    try:
        err = _clean_error(["run", str(UI_ONLY), "--persons", "500", "--months", "1", "--out", str(out)])
        assert "another subsim run" in err and str(os.getpid()) in err
    finally:
        lock.release()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_temporaries_of_gone_writers_are_removed(tmp_path):
    import socket
    host = socket.gethostname().replace(".", "_")
    live = tmp_path / f".costs.csv.{host}-{os.getpid()}.abc123.tmp"
    dead = tmp_path / f".workbook.xlsx.{host}-{_dead_pid()}.abc123.tmp"
    other_host = tmp_path / f".costs.csv.elsewhere-{_dead_pid()}.abc123.tmp"
    for path in (live, dead, other_host):
        path.write_text("", encoding="utf-8")
    TaskStore(tmp_path)
    assert live.exists() and not dead.exists() and other_host.exists()
    dead.write_text("", encoding="utf-8")
    OutputLock(tmp_path).release()                   # a run claiming its folder clears its own leftovers
    assert not dead.exists() and live.exists()
    assert remove_stale_temporaries(tmp_path) == []


# 14 ---------------------------------------------------------------------------------------------- counts

def _square(values: dict) -> dict:
    return {"y": values["x"] ** 2}


def test_computed_and_reused_count_distinct_tasks(tmp_path):
    tasks = [FunctionTask(_square, (("x", float(x)),)) for x in (1, 2, 1, 3)]
    first = run_tasks(tasks[:2], store=tmp_path)
    assert (first.computed, first.reused) == (2, 0)
    again = run_tasks(tasks, store=tmp_path)
    assert (again.computed, again.reused) == (1, 2)        # 3 distinct tasks: x = 1 and 2 stored, x = 3 new


# 15 ---------------------------------------------------------------------------------------------- plausibility

def test_a_weight_of_a_billion_is_refused(scenario, rows, tmp_path):
    rows["权重"] = "1e9"                                   # one weight per run: the column holds one value
    path = tmp_path / "r.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(ScenarioError, match="row 2, column 权重 = <value withheld>: must be a number from 0.001 to 1,000,000"):
        load_register(path, profile=scenario.profile, start=scenario.start)


def test_720_contribution_months_at_17_are_refused_or_dropped(scenario, rows, tmp_path):
    rows.loc[3, ["年龄", "累计缴费月数"]] = ["17", "720"]
    path = tmp_path / "r.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(ScenarioError) as refused:
        load_register(path, profile=scenario.profile, start=scenario.start)
    message = str(refused.value)
    assert message.count("\n") == 0 and "r.csv: row 5, column 累计缴费月数 = '720': more contribution months" in message
    dropped = load_register(path, profile=scenario.profile, start=scenario.start, drop_invalid=True)
    assert dropped.persons["sex"].size == len(rows) - 1                # --drop-invalid drops that row only


def test_contribution_months_up_to_the_months_since_16_plus_a_year_are_accepted(scenario, rows, tmp_path):
    rows.loc[:, "年龄"] = "17"
    rows.loc[:, "累计缴费月数"] = str(12 * (17 - 16) + 11 + CONTRIBUTION_SLACK_MONTHS)   # the limit itself
    rows = rows.drop(columns="毕业年月")
    path = tmp_path / "r.csv"
    rows.to_csv(path, index=False)
    assert load_register(path, profile=scenario.profile, start=scenario.start).persons["sex"].size == len(rows)
    rows.loc[0, "累计缴费月数"] = str(12 * (17 - 16) + 11 + CONTRIBUTION_SLACK_MONTHS + 1)
    rows.to_csv(path, index=False)
    with pytest.raises(ScenarioError, match="row 2, column 累计缴费月数"):
        load_register(path, profile=scenario.profile, start=scenario.start)


def test_a_long_error_listing_is_capped_and_written_in_full_to_a_file(scenario, tmp_path, capsys):
    from sim.cli import SHOWN_PROBLEMS, _print_problems
    from sim.params import Problem
    problems = [Problem("r.csv", f"row {k}, column 性别", "x" * 5000, "must be 男 or 女") for k in range(5000)]
    _print_problems(problems)
    err = capsys.readouterr().err
    assert len(err) < 100_000 and "5,000 × r.csv: must be 男 or 女" in err
    full = Path(err.split("the full list: ")[1].strip())
    assert len(full.read_text(encoding="utf-8").splitlines()) == 5000 > SHOWN_PROBLEMS
    full.unlink()


# 16 ---------------------------------------------------------------------------------------------- overrides

def test_run_with_a_size_override_keeps_the_loaded_scenarios_set_overrides():
    loaded = sim.load_scenario(UI_ONLY, months=3, set={"instruments.UI-10.take_up": 0.5})
    again = resolve(loaded, persons=500)
    assert again.persons == 500 and again.months == 3
    assert again.overrides == loaded.overrides and again.document["instruments"]["UI-10"]["take_up"] == \
        loaded.document["instruments"]["UI-10"]["take_up"] != \
        sim.load_scenario(UI_ONLY).document["instruments"]["UI-10"]["take_up"]


# 17 ---------------------------------------------------------------------------------------------- workers

@pytest.mark.slow
def test_a_script_without_the_main_guard_fails_clearly_instead_of_hanging(tmp_path):
    script = tmp_path / "sweep.py"
    script.write_text("from sim.executors import executor, worker_numba_threads\n"
                      "with executor('processes', workers=1) as pool:\n"
                      "    print(list(pool.imap([worker_numba_threads])))\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode != 0 and "__main__" in done.stderr and "WorkerStartError" in done.stderr


def test_the_readme_sweep_snippet_has_the_main_guard():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme[:readme.index('executor="processes")')]
    assert 'if __name__ == "__main__":' in snippet[snippet.rindex("```"):]


# 18 ---------------------------------------------------------------------------------------------- warnings

def test_a_reform_is_warned_about_inherited_titles_sources_and_a_window_outside_the_run(tmp_path):
    reform = tmp_path / "reform.toml"
    reform.write_text(textwrap.dedent(f"""\
        [scenario]
        extends = "{UI_ONLY}"
        [instruments.UI-10]
        ratio = 0.8
        source = "assumption: a lower ratio"
        valid = ["2030-01", "2030-12"]
        """), encoding="utf-8")
    notices = "\n".join(sim.load_scenario(reform).notices)
    for words in ("scenario.name", "scenario.title_zh", "scenario.title_en", "UI-10.source replaces",
                  "entirely outside the run"):
        assert words in notices
    outcome, _, err = _call(["validate", str(reform)])
    assert outcome == "ran" and "warning: " in err


# 20 ---------------------------------------------------------------------------------------------- commands

def test_version_and_groups(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("subsim ")
    assert main(["groups"]) == 0
    text = capsys.readouterr().out
    assert "reg_unemployed" in text and "登记失业人员" in text and "失业保险基金" in text and "ui_fund" in text
