"""What the report's speed-ups (issue 14, branch outside) must not change: the streamed workbook holds the
cells pandas' `to_excel` wrote, and a table computed once is handed to every caller as its own copy."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sim.cells import protect_sheet
from sim.once import once, reports_being_written
from sim.report.excel import NUMBER_FORMAT, _widths, write_workbook


def _cells(path) -> list[tuple]:
    book = load_workbook(path)
    out = []
    for sheet in book.worksheets:
        out.append((sheet.title, sheet.freeze_panes,
                    tuple(sorted((k, d.width) for k, d in sheet.column_dimensions.items() if d.width))))
        for row in sheet.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    out.append((c.coordinate, c.value, type(c.value).__name__, c.data_type, c.number_format,
                                c.quotePrefix, c.font.b, c.border.left.style, c.alignment.horizontal))
    return out


def _written_by_pandas(sheets: dict, path) -> None:
    """The writer before issue 14's change: pandas' to_excel, then formats, quote prefixes and widths on the
    cells openpyxl keeps in memory."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frames in sheets.items():
            frames = frames if isinstance(frames, list) else [frames]
            row = 0
            for frame in frames:
                frame.to_excel(writer, sheet_name=name, index=False, startrow=row)
                sheet = writer.sheets[name]
                for k, column in enumerate(frame.columns, start=1):
                    if pd.api.types.is_float_dtype(frame[column]):
                        for r in range(row + 2, row + len(frame) + 2):
                            sheet.cell(r, k).number_format = NUMBER_FORMAT
                row += len(frame) + 2
            protect_sheet(sheet)
            if len(frames) == 1:
                sheet.freeze_panes = "A2"
            for k, width in _widths(frames).items():
                sheet.column_dimensions[get_column_letter(k)].width = min(max(width + 2, 8), 60)


def test_streamed_workbook_holds_the_cells_pandas_wrote(tmp_path):
    tricky = pd.DataFrame({
        "文本": pd.array(["甲", None, "=SUM(A1)", "-12.5", "+1", "@x"], dtype="string"),
        "object": ["a", 3, 2.5, None, True, "-cmd"],
        "float": [1.5, np.nan, math.inf, -math.inf, 0.0, -2.25],
        "int": np.arange(6, dtype=np.int64),
        "bool": [True, False, True, False, True, False],
        "=formula header": [np.float32(1.25)] * 6,
    })
    small = pd.DataFrame({"说明": ["note"], "2024": [7]})
    sheets = {"一表": tricky, "两表": [small, tricky, small]}
    write_workbook(sheets, tmp_path / "streamed.xlsx")
    _written_by_pandas(sheets, tmp_path / "pandas.xlsx")
    assert _cells(tmp_path / "streamed.xlsx") == _cells(tmp_path / "pandas.xlsx")


def test_a_table_computed_once_is_a_copy_for_every_caller():
    calls = []

    @once
    def table(results, lang: str, metrics=("a",)) -> pd.DataFrame:
        calls.append(lang)
        return pd.DataFrame({"x": [1.0, 2.0]})

    results = object()
    table(results, "zh")
    table(results, "zh")
    assert len(calls) == 2                                # outside the block: computed on every call
    with reports_being_written():
        first = table(results, "zh")
        first.loc[0, "x"] = 99.0                          # a caller editing its table in place
        second = table(results, "zh")
        table(results, "en")
        table(object(), "zh")                             # other results: computed again
        table(results, "zh", ("b",))
    assert second["x"].tolist() == [1.0, 2.0]
    assert calls == ["zh", "zh", "zh", "en", "zh", "zh"]
    table(results, "zh")
    assert len(calls) == 7                                # the memo ends with the block
