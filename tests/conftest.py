"""Shared fixtures: the bundled scenario at small sizes, and paths."""
from __future__ import annotations

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
LIUPANSHUI = ROOT / "scenarios" / "liupanshui-2023.toml"
UI_ONLY = ROOT / "tests" / "fixtures" / "liupanshui-ui-only.toml"   # the same with its UI benefit only


@pytest.fixture(scope="session")
def small_scenario():
    """Liupanshui at 4,000 persons over 14 months (covers a graduation month and a year-end close)."""
    return sim.load_scenario(UI_ONLY, persons=4000, months=14, seed=7)


@pytest.fixture(scope="session")
def small_record(small_scenario):
    from sim.engine import simulate
    return simulate(small_scenario)


def write_reform(tmp_path: Path, body: str, name: str = "reform.toml") -> Path:
    """A scenario file extending the UI-only Liupanshui scenario with `body` (TOML)."""
    path = tmp_path / name
    path.write_text(f'[scenario]\nextends = "{UI_ONLY.as_posix()}"\nname = "test-reform"\n{body}\n',
                    encoding="utf-8")
    return path
