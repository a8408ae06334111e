"""Column mappings (``ingest/bundle/_mapping.py``): the shipped sample workbooks with
their mappings load as the equivalent CSV bundle; statements and CDRs turn into
transfers and calls; a bad mapping is refused naming file, line and key; a row the
mapping cannot turn is rejected with its sheet, row and reason."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.errors import InputError
from graph.store import EmbeddedStore
from ingest import ingest_path
from ingest.bundle._mapping import read_mapping
from ingest.synth._workbooks import Cell, Sheet, equivalent_bundle, write_samples, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "examples" / "mappings"
MAIN = "from graph_api.cli import main; main()"


def graph_of(store: EmbeddedStore) -> tuple[dict[str, Any], list[Any]]:
    g = store.graph
    nodes = {n: dict(d) for n, d in g.nodes(data=True)}
    edges = sorted(
        (u, v, k, json.dumps(d, sort_keys=True, default=str))
        for u, v, k, d in g.edges(keys=True, data=True)
    )
    return nodes, edges


def telusur(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELUSUR_STORE", "TELUSUR_DEBUG")}
    env["PYTHONPATH"] = str(ROOT)  # the checkout, installed or not
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sample_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "unit"
    folder.mkdir()
    for f in SHIPPED.iterdir():
        if f.suffix == ".xlsx" or f.name.endswith(".mapping.yaml"):
            shutil.copy(f, folder)
    return folder


def test_shipped_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    write_samples(tmp_path)
    for name in ("mutasi_bri.xlsx", "dana_riwayat.xlsx", "cdr_telkomsel.xlsx"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_samples_with_mappings_load_as_the_equivalent_csv_bundle(tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "gen")
    csv_bundle = equivalent_bundle(tmp_path / "csv", samples)
    folder = sample_folder(tmp_path)
    (folder / "telepon_2023.csv").write_text("nomor,nama\n081234,Budi\n", encoding="utf-8")
    a, b = EmbeddedStore(tmp_path / "sa"), EmbeddedStore(tmp_path / "sb")
    try:
        ra = ingest_path(folder, a, bundle="unit", rejects=tmp_path / "a.rej.csv")
        rb = ingest_path(csv_bundle, b, bundle="unit", rejects=tmp_path / "b.rej.csv")
        na, ea = graph_of(a)
        nb, eb = graph_of(b)
    finally:
        a.close()
        b.close()
    assert len(ea) >= 120 and len(na) >= 50  # 80 transfers, 40 calls, 50 accounts, phones
    assert na == nb
    assert ea == eb
    assert ra.rejected_total == rb.rejected_total == 0
    assert ra.skipped == [
        {
            "file": "telepon_2023.csv",
            "reason": "not a bundle file name and no mapping applies to it",
        }
    ]
    kinds = {(s["file"], s.get("sheet")): s["kind"] for s in ra.inputs}
    assert kinds[("mutasi_bri.xlsx", "Mutasi")] == "transfers.csv"
    assert kinds[("cdr_telkomsel.xlsx", "CDR")] == "calls.csv"
    assert kinds[("dana_riwayat.mapping.yaml", None)] == "mapping"


def test_cli_mapping_option_and_json_lists_inputs_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "unit"
    folder.mkdir()
    shutil.copy(SHIPPED / "cdr_telkomsel.xlsx", folder)
    (folder / "catatan.docx").write_bytes(b"PK\x03\x04")
    run = telusur(
        "ingest",
        str(folder),
        "--mapping",
        str(SHIPPED / "cdr_telkomsel.mapping.yaml"),
        "--store",
        f"embedded:{tmp_path / 'st'}",
        "--json",
        "--lang",
        "en",  # the reasons' English (Bahasa Indonesia by default: test_report_lang)
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["files"]["calls.csv"]["accepted"] == 40
    assert out["inputs"] == [
        {
            "file": "cdr_telkomsel.xlsx",
            "sheet": "CDR",
            "kind": "calls.csv",
            "rows": 40,
            "mapping": "cdr_telkomsel.mapping.yaml:7",
            "unused_columns": ["No"],
        }
    ]
    assert out["skipped"] == [{"file": "catatan.docx", "reason": "not a CSV or Excel file"}]
    # without the mapping the workbook is not a bundle file: said so, and nothing to load
    bare = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st2'}", cwd=tmp_path)
    assert bare.returncode == 2 and "no bundle file found" in bare.stderr


def test_cdr_direction_and_a_number_columns(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    for f in folder.iterdir():
        if not f.name.startswith("cdr_"):
            f.unlink()
    store = EmbeddedStore(tmp_path / "st")
    try:
        ingest_path(folder, store, bundle="u", rejects=tmp_path / "r.csv")
        calls = store.rels_of_type("CALLED")
    finally:
        store.close()
    target = "u:phone:+6281234560001" if False else None  # ids are the store's own
    del target
    out = [c for c in calls if c["start"].endswith("+6281234560001")]
    inc = [c for c in calls if c["end"].endswith("+6281234560001")]
    assert out and inc and len(out) + len(inc) == 40
    # IMEI and cell describe the A-number: on its outgoing calls only
    assert all(c["props"].get("imei") for c in out)
    assert not any(c["props"].get("imei") for c in inc)
    assert {c["props"].get("kind") for c in calls} == {"call", "sms"}


MUTASI_HEAD = ["Tanggal", "Keterangan", "Rekening Lawan", "Debet", "Kredit"]
MUTASI_MAP = """\
version: 1
files:
  - match: "m*.xlsx"
    kind: transfers
    statement:
      account: {bank: BRI, number: "111", holder_name: A}
      debit: Debet
      credit: Kredit
      counterpart: {number: Rekening Lawan}
    columns:
      at: Tanggal
      reference: Keterangan
"""


def test_rows_a_statement_mapping_cannot_turn_are_rejected_with_sheet_and_row(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    rows: list[list[Cell]] = [
        ["05/06/2023", "ok", "222", 1000, None],  # row 4 (title, blank row, header above)
        ["06/06/2023", "both", "222", 1000, 2000],  # row 5: both debit and credit
        ["07/06/2023", "none", "222", None, None],  # row 6: neither
        ["08/06/2023", "no account", "", None, 500],  # row 7
        ["31/02/2023", "bad date", "333", None, 500],  # row 8: the loader's rule
    ]
    write_xlsx(folder / "m1.xlsx", [Sheet("S", rows, header=MUTASI_HEAD, title=["MUTASI"])])
    (folder / "mapping.yaml").write_text(MUTASI_MAP, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
        transfers = store.rels_of_type("TRANSFERRED")
    finally:
        store.close()
    assert len(transfers) == 1
    t = transfers[0]
    assert t["start"].endswith("BRI:111") and t["end"].endswith("BRI:222")
    assert report.files["transfers.csv"].rejected == 4
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as fh:
        got = {(r["file"], r["line"]): r["reason"] for r in csv.DictReader(fh)}
    assert "both Debet and Kredit" in got[("m1.xlsx [S]", "5")]
    assert "neither" in got[("m1.xlsx [S]", "6")]
    assert "no counterpart account" in got[("m1.xlsx [S]", "7")]
    assert "31/02/2023" in got[("m1.xlsx [S]", "8")]


def test_direction_column_with_one_amount(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    rows: list[list[Cell]] = [
        ["05/06/2023 10:00", "Masuk", "Rp 150.000", "0811"],
        ["05/06/2023 11:00", "Keluar", "Rp 50.000", "0822"],
        ["05/06/2023 12:00", "Pending", "Rp 1", "0833"],
    ]
    write_xlsx(folder / "w.xlsx", [Sheet("W", rows, header=["Waktu", "Tipe", "Nominal", "Nomor"])])
    (folder / "w.mapping.yaml").write_text(
        "files:\n  - match: w.xlsx\n    kind: transfers\n    statement:\n"
        "      account: {bank: DANA, number: '0800', kind: ewallet}\n"
        "      amount: Nominal\n      direction: Tipe\n      outgoing: [keluar]\n"
        "      incoming: [masuk]\n      counterpart: {number: Nomor}\n"
        "    columns: {at: Waktu}\n",
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
        transfers = {
            (t["start"].split(":", 1)[1], t["end"].split(":", 1)[1], t["props"]["amount"])
            for t in store.rels_of_type("TRANSFERRED")
        }
    finally:
        store.close()
    assert transfers == {("DANA:0811", "DANA:0800", 150000.0), ("DANA:0800", "DANA:0822", 50000.0)}
    assert report.files["transfers.csv"].rejected == 1
    assert "'Pending' is neither outgoing" in (tmp_path / "r.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "files:\n  - match: a.xlsx\n    kind: transfer\n",
            "m.yaml:3: files[0].kind: unknown kind",
        ),
        (
            "files:\n  - match: a.xlsx\n    kind: calls\n    colums: {}\n",
            "m.yaml:4: files[0].colums: unknown key",
        ),
        (
            "files:\n  - match: a.xlsx\n    kind: calls\n    columns:\n      atx: Tanggal\n",
            "m.yaml:5: files[0].columns.atx: not a column of calls.csv",
        ),
        ("files:\n  - kind: calls\n", "m.yaml:2: files[0]: missing match"),
        (
            "files:\n  - match: a\n    kind: calls\n    statement: {}\n",
            "m.yaml:4: files[0].statement: only for kind transfers",
        ),
        (
            "files:\n  - match: a\n    kind: transfers\n    statement:\n      account: {bank: X}\n"
            "      counterpart: {number: N}\n      debit: D\n",
            "m.yaml:5: files[0].statement.account: missing number",
        ),
        (
            "files:\n  - match: a\n    kind: transfers\n    statement:\n"
            "      account: {bank: X, number: '1'}\n      counterpart: {number: N}\n",
            "m.yaml:4: files[0].statement: give debit/credit or amount and direction",
        ),
        (
            "files:\n  - match: a\n    kind: calls\n    cdr: {a_number: A, b_number: B, "
            "direction: D, outgoing: [MO], incoming: [MO]}\n",
            "m.yaml:4: files[0].cdr.incoming: also outgoing: mo",
        ),
        (
            "files:\n  - match: a\n    match: b\n    kind: calls\n",
            "m.yaml:3: files[0].match: given twice",
        ),
        ("files:\n  - match: [a\n", "m.yaml:3: not valid YAML"),
        ("version: 2\nfiles: []\n", "m.yaml:1: version: only version 1"),
        (
            "files:\n  - match: a\n    kind: people\n    header_row: top\n",
            "m.yaml:4: files[0].header_row: expected a row number",
        ),
    ],
)
def test_bad_mappings_are_refused_naming_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_mapping(path)
    assert message in str(err.value)


def test_shipped_mappings_are_valid() -> None:
    kinds = {p.name: [lay.kind for lay in read_mapping(p)] for p in SHIPPED.glob("*.yaml")}
    assert kinds == {
        "mutasi_bri.mapping.yaml": ["transfers.csv"],
        "dana_riwayat.mapping.yaml": ["transfers.csv"],
        "cdr_telkomsel.mapping.yaml": ["calls.csv"],
    }


def test_mapping_names_a_column_the_header_lacks(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    write_xlsx(folder / "m1.xlsx", [Sheet("S", [["x"]], header=["Tanggal", "Debet"])])
    (folder / "mapping.yaml").write_text(MUTASI_MAP, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        with pytest.raises(InputError, match=r"m1.xlsx \[S\]: no header row holding"):
            ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
        assert store.counts()["nodes"] == {} or sum(store.counts()["nodes"].values()) == 0
    finally:
        store.close()


def test_a_csv_export_with_a_mapping_and_strict(tmp_path: Path) -> None:
    """A mapping applies to CSV exports too (here Windows-1252, ``;``); under --strict a
    row the mapping rejects means nothing is written."""
    folder = tmp_path / "b"
    folder.mkdir()
    text = "Tanggal;Keterangan;Rekening Lawan;Debet;Kredit\n05/06/2023;Gaji Juni;222;;1.500.000\n"
    (folder / "mutasi.csv").write_bytes(text.encode("cp1252"))
    (folder / "mapping.yaml").write_text(MUTASI_MAP.replace("m*.xlsx", "mutasi.csv"), "utf-8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
        (t,) = store.rels_of_type("TRANSFERRED")
        assert t["props"]["amount"] == 1_500_000.0 and t["end"].endswith("BRI:111")
        with (folder / "mutasi.csv").open("a", encoding="cp1252") as fh:
            fh.write("06/06/2023;Salah;333;;\n")  # neither debit nor credit
        strict = ingest_path(folder, store, bundle="c", rejects=tmp_path / "r2.csv", strict=True)
        assert not strict.written and strict.rejected_total == 1
        assert not any(r["start"].startswith("c:") for r in store.rels_of_type("TRANSFERRED"))
    finally:
        store.close()
    assert report.inputs[1] == {
        "file": "mutasi.csv",
        "kind": "transfers.csv",
        "rows": 1,
        "mapping": "mapping.yaml:3",
    }
