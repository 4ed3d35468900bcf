"""docs/coverage.md accounts for every catalogue ID, and each "modelled" row names a real instrument."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.params import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT.parent / "shared" / "POLICY_CATALOGUE.md"
ID = re.compile(r"^\| ([A-Z]{2}-\d{2}) \|")
WHERE = re.compile(r"`?(scenarios/[\w.-]+\.toml) \[instruments\.([\w.-]+)\]`?")


def _rows() -> dict[str, str]:
    rows = {}
    for line in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8").splitlines():
        match = ID.match(line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_catalogue_id_has_one_row():
    rows = _rows()
    assert len(rows) == 127
    if CATALOGUE.exists():                     # the shared folder sits beside the repository
        index = CATALOGUE.read_text(encoding="utf-8").split("### 1.1")[0]
        ids = {m.group(1) for m in map(ID.match, index.splitlines()) if m}
        assert ids == set(rows)


@pytest.mark.parametrize("catalogue_id,line", sorted(_rows().items()), ids=sorted(_rows()))
def test_row_is_modelled_where_it_says_or_gives_a_reason(catalogue_id, line):
    cells = [c.strip() for c in line.strip("|").split("|")]
    where = next((c for c in cells if "scenarios/" in c or c.startswith("not modelled")), None)
    assert where is not None, line
    match = WHERE.search(where)
    if where.startswith("not modelled"):
        assert len(where) > len("not modelled: ") + 5, f"{catalogue_id}: a reason is needed"
        return
    assert match, line
    scenario = load_scenario(ROOT / match.group(1))
    instrument = {ins.id: ins for ins in scenario.instruments}[match.group(2)]
    assert instrument.catalogue_id == catalogue_id
