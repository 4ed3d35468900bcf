"""The local analyst app (`subsim app`): Shiny for Python on 127.0.0.1, every asset served locally.

Pages: 情景 (choose or open a scenario, search and edit its parameters with the CLI's validation, the
changed-parameter table, save a reform as TOML and workbook), 测算 (size, progress with stage and ETA,
cancel), 结果 (headline cards, charts, the budget by measure and by district and the UI fund), 对比 (any
number of reforms against the base on common random numbers, with attribution), 敏感性 (OAT, Morris or
Sobol over parameters picked from the table; tornado and index charts), 已保存 (saved runs: reopen,
delete, the command that reproduces each). Every table downloads as CSV and XLSX, every chart as SVG and
PNG. It calls the public API only (`sim.load_scenario`, `sim.run`, `sim.compare`, `sim.sensitivity`, the
report writer and the parameter workbook) and reads saved results (`sim.app.views`); it adds no model logic.
"""
from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from sim.app.main import make_app

HOST = "127.0.0.1"


def serve(*, port: int = 8765, results: Path = Path("results"), open_browser: bool = True) -> None:
    """Serve the app on 127.0.0.1:`port` until interrupted; optionally open the browser on it."""
    import uvicorn                 # shiny's server; imported here because only serving needs it
    app = make_app(Path(results))
    if open_browser:
        threading.Timer(1.5, webbrowser.open, args=(f"http://{HOST}:{port}/",)).start()
    uvicorn.run(app, host=HOST, port=port, log_level="warning")


__all__ = ["make_app", "serve", "HOST"]
