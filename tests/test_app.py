"""The analyst app (`subsim app`) in Debian's headless Chromium, driven by Playwright (no browser download).

One app server for the module; the main path of issue 17 (open Liupanshui, set the SME refund share to 0.9,
save the reform, compare it with the base at a small size with attribution, see the headline difference, the
attribution table with what its figures mean and the budget by district, download the workbook and read it
back, download a chart as SVG and as PNG), a small one-at-a-time sensitivity analysis run to its tornado,
plus: Chinese laid out, no console error, no request leaving 127.0.0.1, the CLI's validation message for a bad
value, cancel leaving nothing half-written. SUBSIM_APP_SCREENSHOTS=folder also writes a screenshot of each
page there (docs/app.md uses them).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("SUBSIM_APP_SCREENSHOTS")
pytestmark = pytest.mark.slow
WAIT_MS = 900_000   # a run starts a fresh process, which compiles the kernels once per code version: generous


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    results = tmp_path_factory.mktemp("app-results")
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", "import sys; from sim.cli import main; sys.exit(main(sys.argv[1:]))",
                                "app", "--no-browser", "--port", str(port), "--results", str(results)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode())
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", results
    process.terminate()
    process.wait(20)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Debian's chromium is needed for this test (.ci/run installs it)"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


class Watched:
    """A page with its console errors and every request it made."""

    def __init__(self, browser, url: str) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.set_default_timeout(60_000)
        self.page.goto(url, wait_until="networkidle")
        self.page.wait_for_selector("#params_table table")

    def tab(self, value: str) -> None:
        self.page.click(f"a[data-value='{value}']")

    def shot(self, name: str, full_page: bool = False) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"app-{name}.png"), full_page=full_page)

    def download(self, selector: str, folder: Path) -> bytes:
        """Click a download button; the downloaded file's bytes."""
        with self.page.expect_download() as download:
            self.page.click(selector)
        target = folder / download.value.suggested_filename
        download.value.save_as(target)
        return target.read_bytes()

    def edit(self, param_id: str, value: str) -> None:
        self.page.fill("#edit_id", param_id)
        self.page.fill("#edit_value", value)
        self.page.click("#apply")

    def size(self, persons: int, months: int, reps: int) -> None:
        self.tab("run")
        for field, value in (("persons", persons), ("months", months), ("reps", reps)):
            self.page.fill(f"#{field}", str(value))
            self.page.press(f"#{field}", "Tab")

    def check_clean(self, origin: str) -> None:
        assert not self.errors, self.errors
        outside = [u for u in self.requests if not u.startswith((origin, "data:", "blob:", "about:"))]
        assert not outside, outside


def test_main_path_reform_compare_and_workbook(app_server, browser, tmp_path):
    origin, results = app_server
    view = Watched(browser, origin)
    page = view.page
    # Chinese by default, laid out with a CJK font (the tab label as wide as its two characters)
    label = page.locator("a[data-value='scenario']")
    assert label.inner_text().strip() == "情景"
    width = page.evaluate("() => { const a = document.querySelector(\"a[data-value='scenario']\"); const r = document.createRange();"
                          " r.selectNodeContents(a); return r.getBoundingClientRect().width; }")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector(\"a[data-value='scenario']\")).fontSize)")
    assert width == pytest.approx(2 * size, rel=0.15)
    page.fill("#search", "SR-05")
    page.wait_for_selector("#params_table >> text=SR-05.share.sme")
    view.shot("scenario")

    # a bad value: the CLI's message, shown inline; nothing applied
    view.edit("SR-05.share.sme", "1.5")
    message = page.wait_for_selector(".validation-message")
    assert "instruments.SR-05.share" in message.inner_text() and "1" in message.inner_text()

    view.edit("SR-05.share.sme", "0.9")
    page.wait_for_selector("text=已应用")
    page.wait_for_selector("table.changes >> text=instruments.SR-05.share")
    page.fill("#reform_name", "lps-refund-sme-90")
    page.click("#save_reform")
    page.wait_for_selector("text=lps-refund-sme-90.toml")
    with page.expect_download() as download:
        page.click("#reform_xlsx")
    book = tmp_path / "reform.xlsx"
    download.value.save_as(book)
    assert sim.load_scenario(book).document["instruments"]["SR-05"]["share"]["sme"] == 0.9
    reform = results / "scenarios" / "lps-refund-sme-90.toml"
    assert sim.load_scenario(reform).document["instruments"]["SR-05"]["share"] == {"sme": 0.9, "large": 0.3}

    # compare the saved reform with the bundled base, small, with attribution
    page.click("#reset")
    page.wait_for_selector("text=尚无修改")
    view.size(persons=600, months=7, reps=2)
    view.tab("compare")
    page.evaluate(f"() => document.querySelector('#reforms').selectize.setValue([{str(reform)!r}])")
    page.check("#attribution")
    page.click("#start_compare")
    page.wait_for_selector("#compare_progress #run-result, #compare_progress .validation-message", timeout=WAIT_MS)
    assert page.locator("#compare_progress .validation-message").count() == 0, page.locator("#compare_progress").inner_text()
    page.wait_for_selector("#compare_headline .bslib-value-box")
    assert "lps-refund-sme-90" in page.locator("#compare_headline").inner_text()
    # attribution: the table and a sentence on what each figure means
    page.wait_for_selector("#attribution_table table")
    assert "新增就业" in page.locator("#attribution_table").inner_text()
    meaning = page.locator("#attribution-meaning").inner_text()
    assert "新增就业" in meaning and "无谓损失" in meaning and "每新增就业成本" in meaning
    # a chart downloads as SVG and as PNG
    page.wait_for_selector("#difference_chart svg")
    svg = view.download("#difference_chart_svg", tmp_path)
    assert svg.startswith(b"<?xml") and b"<svg" in svg[:400]
    png = view.download("#difference_chart_png", tmp_path)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    view.shot("compare", full_page=True)
    # results: the base's budget, with bands, by district
    view.tab("results")
    page.wait_for_selector("#card-cash")
    page.wait_for_selector("#district_table table")
    district = page.locator("#district_table").inner_text()
    assert "P95" in district and "钟山区" in district and "zhongshan" not in district     # names, not codes
    page.wait_for_selector("#monthly_chart svg")
    assert view.download("#district_csv", tmp_path).startswith("\ufeff年度".encode())
    view.shot("results", full_page=True)
    view.tab("saved")
    page.wait_for_selector("#saved_table table")
    saved = page.locator("#saved_table").inner_text()
    assert "结果文件夹" in saved and "对比" in saved and "folder" not in saved    # headers and kinds in Chinese
    view.shot("saved")
    view.check_clean(origin)
    view.context.close()


def test_sensitivity_one_at_a_time(app_server, browser):
    origin, results = app_server
    view = Watched(browser, origin)
    page = view.page
    view.size(persons=600, months=7, reps=1)
    view.tab("sensitivity")
    page.evaluate("() => document.querySelector('#sens_params').selectize.setValue(['instruments.SR-05.share.sme'])")
    page.wait_for_selector("#sens_ranges .sens-range")
    page.fill("#sens_low_instruments_SR_05_share_sme", "0.3")
    page.fill("#sens_high_instruments_SR_05_share_sme", "0.9")
    page.press("#sens_high_instruments_SR_05_share_sme", "Tab")
    page.click("#start_sens")
    page.wait_for_selector("#sens_progress #run-result, #sens_progress .validation-message", timeout=WAIT_MS)
    assert page.locator("#sens_progress .validation-message").count() == 0, page.locator("#sens_progress").inner_text()
    page.wait_for_selector("#sens-charts svg")
    assert "龙卷风图" in page.locator("#sens-charts").inner_text()
    page.wait_for_selector("#indices_table >> text=instruments.SR-05.share.sme")
    view.shot("sensitivity", full_page=True)
    assert any((folder / "sensitivity.json").exists() for folder in results.iterdir())
    view.check_clean(origin)
    view.context.close()


def test_cancel_leaves_nothing_half_written(app_server, browser):
    origin, results = app_server
    before = {p.name for p in results.iterdir()}
    view = Watched(browser, origin)
    page = view.page
    view.size(persons=20_000, months=24, reps=4)
    page.click("#start_run")
    page.wait_for_selector("#progress #run-stage")
    view.shot("run")
    page.click("#cancel")
    page.wait_for_selector("text=已取消")
    time.sleep(1)
    after = {p.name for p in results.iterdir()}
    assert after - before <= {".tasks"}, after - before     # no results folder and no staging folder
    view.check_clean(origin)
    view.context.close()


def test_a_long_replication_shows_its_months(app_server, browser):
    """Issue 17: one replication of a large population shows its warm-up months, then its reported months
    (the replication count alone stays at 0/1 until it ends). 500,000 persons: each phase lasts seconds,
    several polls of the page (POLL_SECONDS); cancelled once the reported months are seen."""
    origin, _ = app_server
    view = Watched(browser, origin)
    page = view.page
    view.size(persons=500_000, months=84, reps=1)
    page.click("#start_run")
    seen: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline and not any(phase == "测算期" and done > 1 for phase, done, _ in seen):
        for phase, done, total in re.findall(r"当前模拟:(预热|测算期) (\d+)/(\d+) 个月", page.locator("#progress").inner_text()):
            if (phase, int(done), int(total)) not in seen:
                seen.append((phase, int(done), int(total)))
        assert page.locator("#progress #run-result").count() == 0, seen     # ended without showing its months
        page.wait_for_timeout(100)
    warm = [(done, total) for phase, done, total in seen if phase == "预热"]
    reported = [(done, total) for phase, done, total in seen if phase == "测算期"]
    assert warm and reported, seen
    assert seen.index(("预热", *warm[-1])) < seen.index(("测算期", *reported[0]))    # warm-up first
    assert {total for _, total in reported} == {84} and len({total for _, total in warm}) == 1
    assert [done for done, _ in warm] == sorted(done for done, _ in warm)         # counting up
    assert all(0 < done <= total for done, total in warm + reported)
    assert "0/1 次重复" in page.locator("#run-stage").inner_text()
    view.shot("run-months")
    page.click("#cancel")
    page.wait_for_selector("text=已取消")
    view.check_clean(origin)
    view.context.close()


def test_english_switch(app_server, browser):
    origin, _ = app_server
    view = Watched(browser, origin + "/?lang=en")
    assert view.page.locator("a[data-value='scenario']").inner_text().strip() == "Scenario"
    view.check_clean(origin)
    view.context.close()
