"""Screenshot of a report's first screen (headless Chromium through Playwright), for docs/.

    python tools/screenshot.py RESULTS_DIR/report.html docs/report-screenshot.png
"""
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

page_file, image = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"])
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(page_file.as_uri(), wait_until="load")
    page.screenshot(path=str(image))
    browser.close()
print(f"written {image}")
