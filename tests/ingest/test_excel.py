"""Excel workbooks wherever a CSV is accepted (``ingest/bundle/_excel.py``): a sheet is
a bundle file named by its sheet or its workbook; date cells and text dates; the header
found under title rows; rejects name the workbook, sheet and row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.store import EmbeddedStore
from ingest import ingest_path
from ingest.bundle._excel import cell_text, sheet_rows
from ingest.report import IngestReport
from ingest.synth._workbooks import Cell, Sheet, write_xlsx

PEOPLE_HEAD = ["Person_ID", "Name", "Birth_Date", "NIK", "Phones"]
PEOPLE: list[list[Cell]] = [
    ["p1", "Budi Santoso", dt.date(1980, 6, 5), "3578010506800001", "0812-3456-7890"],
    ["p2", "Siti Aminah", "05/06/1981", None, None],  # a text date, day first
    ["p3", "Agus", "31/02/1981", None, None],  # not a date: rejected, with its row
]


def load(tmp_path: Path, folder: Path) -> tuple[EmbeddedStore, IngestReport]:
    store = EmbeddedStore(tmp_path / "st")
    report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    return store, report


def test_cell_text_is_what_a_csv_export_holds() -> None:
    assert cell_text(1500000.0) == "1500000"
    assert cell_text(1500000.5) == "1500000.5"
    assert cell_text(356938035643809.0) == "356938035643809"
    assert cell_text(dt.date(2023, 6, 5)) == "2023-06-05"
    assert cell_text(dt.datetime(2023, 6, 5, 14, 30)) == "2023-06-05T14:30:00"
    assert cell_text(dt.datetime(2023, 6, 5)) == "2023-06-05"
    assert cell_text(dt.time(14, 30)) == "14:30:00"
    assert cell_text(None) == "" and cell_text("  a\r\nb ") == "a\nb"
    assert cell_text(True) == "true"


def test_workbook_named_as_a_bundle_file_with_title_rows(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    write_xlsx(
        folder / "People.xlsx",
        [Sheet("Sheet1", PEOPLE, header=PEOPLE_HEAD, title=["DAFTAR ORANG", "Polres Blitar"])],
    )
    store, report = load(tmp_path, folder)
    try:
        budi, siti = store.get_node("b:p1"), store.get_node("b:p2")
        assert store.get_node("b:p3") is None
    finally:
        store.close()
    assert budi is not None and siti is not None
    assert budi["props"]["birth_date"] == "1980-06-05"  # a date cell
    assert siti["props"]["birth_date"] == "1981-06-05"  # a text date, day first
    assert budi["props"]["nik"] == "3578010506800001"
    assert report.files["people.csv"].rejected == 1
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    # title 1-2, blank 3, header 4: Agus is on row 7 of the sheet
    assert (row["file"], row["line"]) == ("People.xlsx [Sheet1]", "7")
    assert "31/02/1981" in row["reason"]


def test_sheets_named_as_bundle_files_and_an_unknown_sheet_reported(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    calls: list[list[Cell]] = [["0812-3456-7890", "0813-1111-2222", "05/06/2023 14:30"]]
    write_xlsx(
        folder / "kasus.xlsx",
        [
            Sheet("people", PEOPLE[:1], header=PEOPLE_HEAD),
            Sheet("Calls.csv", calls, header=["from_phone", "to_phone", "at"]),
            Sheet("Catatan", [["bukan data"]], header=["catatan"]),
        ],
    )
    store, report = load(tmp_path, folder)
    try:
        counts = store.counts()
    finally:
        store.close()
    assert counts["relationships"].get("CALLED") == 1
    assert report.skipped == [
        {
            "file": "kasus.xlsx [Catatan]",
            "reason": "sheet not named as a bundle file and no mapping applies to it",
        }
    ]
    assert [(s["sheet"], s["kind"]) for s in report.inputs] == [
        ("people", "people.csv"),
        ("Calls.csv", "calls.csv"),
    ]


def test_sheet_and_csv_of_the_same_kind_are_both_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "people.csv").write_text("person_id,name\np9,Dewi Lestari\n", encoding="utf-8")
    write_xlsx(folder / "people.xlsx", [Sheet("x", PEOPLE[:2], header=PEOPLE_HEAD)])
    store, report = load(tmp_path, folder)
    try:
        assert all(store.get_node(f"b:{k}") is not None for k in ("p1", "p2", "p9"))
    finally:
        store.close()
    assert report.files["people.csv"].rows == 3


def test_sheet_without_the_required_columns_stops_the_load(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    write_xlsx(folder / "people.xlsx", [Sheet("x", [["Budi"]], header=["Nama"])])
    store = EmbeddedStore(tmp_path / "st")
    try:
        with pytest.raises(InputError, match=r"people.xlsx \[x\]: no header row holding person_id"):
            ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()


def test_cells_beyond_the_header_reject_the_row_as_in_a_csv(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    rows: list[list[Cell]] = [["p1", "Budi"], ["p2", "Siti", "", "lost?"]]
    write_xlsx(folder / "people.xlsx", [Sheet("x", rows, header=["person_id", "name"])])
    store, report = load(tmp_path, folder)
    store.close()
    assert report.files["people.csv"].rejected == 1


def test_sheet_rows_numbers_rows_as_the_sheet_does(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx", [Sheet("S", [["x", 1.0]], header=["a", "b"], title=["T"])]
    )
    assert list(sheet_rows(path, "S")) == [(1, ["T", ""]), (3, ["a", "b"]), (4, ["x", "1"])]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "people.xlsx").write_bytes(b"not a zip")
    store = EmbeddedStore(tmp_path / "st")
    try:
        with pytest.raises(InputError, match="people.xlsx: not a readable workbook"):
            ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()


def test_empty_sheets_and_sheets_a_layout_does_not_name_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    write_xlsx(
        folder / "people.xlsx",
        [
            Sheet("Data", PEOPLE[:1], header=PEOPLE_HEAD),
            Sheet("calls", []),
        ],
    )
    write_xlsx(
        folder / "daftar.xlsx",
        [
            Sheet("Daftar", [["p7", "Rina"]], header=["ID", "Nama"]),
            Sheet("Rekap", [["total", "1"]], header=["a", "b"]),
        ],
    )
    (folder / "mapping.yaml").write_text(
        "files:\n  - match: daftar.xlsx\n    kind: people\n"
        "    columns: {person_id: ID, name: Nama}\n",
        encoding="utf-8",
    )
    store, report = load(tmp_path, folder)
    try:
        assert store.get_node("b:p7") is not None and store.get_node("b:p1") is not None
    finally:
        store.close()
    assert report.skipped == [
        {
            "file": "daftar.xlsx [Rekap]",
            "reason": "sheet not named as a bundle file and no mapping applies to it",
        },
        {"file": "people.xlsx [calls]", "reason": "empty sheet"},
    ]


def test_the_writer_makes_workbooks_another_reader_agrees_on(tmp_path: Path) -> None:
    """The synthetic workbooks are read alike by openpyxl (the dev extra), date cells
    as dates, and by the loader's reader: a writer bug cannot hide behind one reader."""
    openpyxl = pytest.importorskip("openpyxl")
    path = write_xlsx(tmp_path / "a.xlsx", [Sheet("S", PEOPLE, header=PEOPLE_HEAD, title=["T"])])
    ws = openpyxl.load_workbook(path).active
    theirs = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    ours = [cells for _, cells in sheet_rows(path, "S")]
    assert [r for r in theirs if any(r)] == ours
    assert ours[2][2] == "1980-06-05"


def test_an_old_binary_xls_workbook_reads_like_the_xlsx(tmp_path: Path) -> None:
    """``.xls`` (BIFF, as older bank and operator systems export): written by xlwt, a
    different library from the reader, with a date cell, a text date, title rows above
    the header and a bad row; the same nodes and the same reject as the ``.xlsx``."""
    import xlwt  # type: ignore[import-untyped]  # a dev dependency, without type hints

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write(0, 0, "DAFTAR ORANG")
    sheet.write(1, 0, "Polres Blitar")
    for c, head in enumerate(PEOPLE_HEAD):
        sheet.write(3, c, head)
    for r, row in enumerate(PEOPLE, start=4):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    folder = tmp_path / "b"
    folder.mkdir()
    book.save(str(folder / "People.xls"))
    store, report = load(tmp_path, folder)
    try:
        budi, siti = store.get_node("b:p1"), store.get_node("b:p2")
        assert store.get_node("b:p3") is None
    finally:
        store.close()
    assert budi is not None and siti is not None
    assert budi["props"]["birth_date"] == "1980-06-05"
    assert siti["props"]["birth_date"] == "1981-06-05"
    assert budi["props"]["nik"] == "3578010506800001"
    assert report.files["people.csv"].rejected == 1
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as fh:
        (bad,) = list(csv.DictReader(fh))
    assert (bad["file"], bad["line"]) == ("People.xls [Sheet1]", "7")
