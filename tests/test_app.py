"""The analyst app (`subsim app`) in Debian's headless Chromium, driven by Playwright (no browser download).

One app server for the module; the main path of issue 17 (open Liupanshui, set the SME refund share to 0.9,
save the reform, compare it with the base at a small size, see the headline difference, download the
workbook and read it back), plus: Chinese laid out, no console error, no request leaving 127.0.0.1, the
CLI's validation message for a bad value, cancel leaving nothing half-written. SUBSIM_APP_SCREENSHOTS=folder
also writes a screenshot of each page there (docs/app.md uses them).
"""
from __future__ import annotations

import os
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

    def shot(self, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"app-{name}.png"), full_page=False)

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

    # compare the saved reform with the bundled base, small
    page.click("#reset")
    page.wait_for_selector("text=尚无修改")
    view.size(persons=600, months=7, reps=1)
    view.tab("compare")
    page.evaluate(f"() => Shiny.setInputValue('reforms', [{str(reform)!r}])")
    page.click("#start_compare")
    page.wait_for_selector("#compare_progress #run-result, #compare_progress .validation-message", timeout=WAIT_MS)
    assert page.locator("#compare_progress .validation-message").count() == 0, page.locator("#compare_progress").inner_text()
    page.wait_for_selector("#compare_headline .bslib-value-box")
    assert "lps-refund-sme-90" in page.locator("#compare_headline").inner_text()
    view.shot("compare")
    view.tab("results")
    page.wait_for_selector("#card-cash")
    view.shot("results")
    view.tab("saved")
    page.wait_for_selector("#saved_table table")
    view.shot("saved")
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


def test_english_switch(app_server, browser):
    origin, _ = app_server
    view = Watched(browser, origin + "/?lang=en")
    assert view.page.locator("a[data-value='scenario']").inner_text().strip() == "Scenario"
    view.check_clean(origin)
    view.context.close()
