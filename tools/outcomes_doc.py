"""Regenerate the catalogue table of docs/outcomes.md from the metric catalogue (sim.metrics.CATALOGUE).

    python tools/outcomes_doc.py            # rewrites the table between the catalogue markers
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.metrics import catalogue_markdown  # noqa: E402

DOC = ROOT / "docs" / "outcomes.md"
BEGIN, END = "<!-- catalogue:begin -->\n", "<!-- catalogue:end -->"


def with_catalogue(text: str) -> str:
    """`text` with the block between the markers replaced by the catalogue's table."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + BEGIN + catalogue_markdown() + END + tail


if __name__ == "__main__":
    DOC.write_text(with_catalogue(DOC.read_text(encoding="utf-8")), encoding="utf-8")
