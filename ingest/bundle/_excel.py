"""Excel workbooks as rows of text: python-calamine (Rust), chosen by ``bench/excel.py``.

A sheet is a file of the bundle. Cells become the text a CSV export would hold, so
that everything after this module (the mapping, the loader's rules) sees text only:

- numbers: integers without ``.0`` (``1500000``, an IMEI ``356938035643809``), other
  floats as Python writes them (``1500000.5``);
- date cells: ISO 8601 (``2023-06-05``; with a time ``2023-06-05T14:30:00``; a time
  cell ``14:30:00``), which the date rules read as WIB like any other time without
  offset; text dates are left as written and read by the same rules as in a CSV;
- booleans ``true``/``false``; empty cells ``""``; line breaks inside a cell become
  ``\\n``.

``find_header`` finds the header row under title rows ("MUTASI REKENING", "No.
Rekening : ...") that exports put above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import InputError

if TYPE_CHECKING:  # imported when a workbook is read: a CSV bundle never loads the reader
    from python_calamine import CalamineWorkbook

#: Suffixes read as workbooks (``.xls``: the BIFF format, read by the same reader).
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 50


def is_workbook(path: Path) -> bool:
    return path.name.lower().endswith(EXCEL_SUFFIXES)


def _workbook(path: Path) -> CalamineWorkbook:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # the reader's own error types, one per format
        raise InputError(f"{path.name}: not a readable workbook: {exc}") from exc


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, in order."""
    wb = _workbook(path)
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def cell_text(value: object) -> str:
    """One cell as the text a CSV export would hold (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**63 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration cell
        return str(int(value.total_seconds()))
    return str(value).strip()


def sheet_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank row of ``sheet`` as ``(row number in the sheet, cell texts)``."""
    wb = _workbook(path)
    try:
        try:
            ws = wb.get_sheet_by_name(sheet)
        except Exception as exc:
            raise InputError(f"{path.name}: no sheet {sheet!r}") from exc
        first = ws.start[0] if ws.start is not None else 0
        for i, row in enumerate(ws.iter_rows()):
            cells = [cell_text(v) for v in row]
            if any(cells):
                yield first + i + 1, cells
    finally:
        wb.close()


def find_header(rows: list[tuple[int, list[str]]], want: Collection[str]) -> int | None:
    """Index in ``rows`` of the first row holding every name of ``want`` (compared
    trimmed and lower-cased); with ``want`` empty, the first row of the widest
    all-text run (the most non-empty cells) within the first rows. None if none."""
    wanted = {w.strip().lower() for w in want}
    head = rows[:HEADER_SEARCH_ROWS]
    if wanted:
        for i, (_, cells) in enumerate(head):
            if wanted <= {c.strip().lower() for c in cells if c}:
                return i
        return None
    best, best_n = None, 1
    for i, (_, cells) in enumerate(head):
        n = sum(1 for c in cells if c)
        if n > best_n:
            best, best_n = i, n
    return best
