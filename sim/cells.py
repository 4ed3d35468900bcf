"""Text a spreadsheet must never take for a formula (issue 15 item 5), for every writer of CSV or .xlsx.

Any text cell (a district name from a locality file, a source, a title, a note) may start with ``=``,
``+``, ``-`` or ``@``; a spreadsheet opening the file would evaluate it (CSV injection). The writers
pass their tables through here: in CSV such a text gets a leading apostrophe (the usual escape; the
readers of our own folders remove it again, so a saved folder reads back exactly), in .xlsx it stays
as it is but is stored as a text cell with Excel's "quote prefix" (never a formula, also after an
edit). Numbers are never touched: a number column stays numeric, and a text that is just a negative
number (``-12.5``) is no formula and stays as it is."""
from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@")
# a spreadsheet may skip a leading tab or carriage return and then read a formula (OWASP, CSV injection)
_LEADS = FORMULA_STARTS + ("\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?([eE][-+]?\d+)?")
ESCAPE = "'"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula."""
    return text[:1] in _LEADS and _NEGATIVE_NUMBER.fullmatch(text) is None


def _needs_escape(text: str) -> bool:
    # apostrophes already in front of a formula-like text are escaped too, so unescaping is exact
    return formula_like(text.lstrip(ESCAPE))


def escape(value):
    """`value` as a CSV cell: a formula-like text with a leading apostrophe; anything else unchanged."""
    return ESCAPE + value if isinstance(value, str) and _needs_escape(value) else value


def unescape(value):
    """The inverse of `escape` (for reading our own CSV files back)."""
    if isinstance(value, str) and value.startswith(ESCAPE) and _needs_escape(value[1:]):
        return value[1:]
    return value


def _map_text(frame: pd.DataFrame, cell) -> pd.DataFrame:
    """`frame` with `cell` applied to its column names and to the text of its text columns (a copy
    only when something changes; number columns are never looked at)."""
    columns = [cell(c) for c in frame.columns]
    changed = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            # a text column holds few distinct values (instrument, line, fund, district): look at those
            changes = {v: cell(v) for v in column.dropna().unique() if isinstance(v, str) and cell(v) != v}
            if changes:
                changed[name] = column.where(~column.isin(list(changes)), column.map(changes))
    if not changed and columns == list(frame.columns):
        return frame
    out = frame.assign(**changed) if changed else frame.copy()
    out.columns = columns
    return out


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table ready for CSV: every formula-like text (and column name) escaped."""
    return _map_text(frame, escape)


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read from our CSV with the escapes of `escape_frame` removed."""
    return _map_text(frame, unescape)


def protect_sheet(sheet) -> None:
    """Store every formula-like text of an openpyxl worksheet as a text cell with the quote prefix.

    openpyxl turns any text starting with ``=`` into a formula cell; our workbooks hold no formula of
    their own, so every such cell is text that came from the data."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or (isinstance(cell.value, str) and formula_like(cell.value)):
                cell.data_type = "s"
                cell.quotePrefix = True
