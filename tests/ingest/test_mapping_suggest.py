"""``telusur mapping suggest``: a draft mapping read off a file's header (Indonesian
and English names), valid once saved, with TODOs where the file cannot say."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from graph.store import EmbeddedStore
from ingest import ingest_path
from ingest.bundle._mapping import read_mapping
from ingest.bundle._suggest import suggest
from ingest.synth._workbooks import Sheet, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "examples" / "mappings"


def entry(text: str) -> Any:
    data = yaml.safe_load(text)
    (only,) = data["files"]
    return only


def test_cdr_draft_is_the_shipped_mapping(tmp_path: Path) -> None:
    draft = suggest(SHIPPED / "cdr_telkomsel.xlsx")
    shipped = entry((SHIPPED / "cdr_telkomsel.mapping.yaml").read_text(encoding="utf-8"))
    got = entry(draft)
    assert got["kind"] == "calls"
    assert got["cdr"] == {**shipped["cdr"], "outgoing": ["MO"], "incoming": ["MT"]}
    assert got["columns"] == shipped["columns"]
    assert got["values"] == {"kind": {"Voice": "call", "SMS": "sms"}}
    # saved as it is, it loads the workbook
    folder = tmp_path / "b"
    folder.mkdir()
    shutil.copy(SHIPPED / "cdr_telkomsel.xlsx", folder)
    (folder / "mapping.yaml").write_text(draft, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()
    assert report.files["calls.csv"].accepted == 40


def test_statement_drafts_leave_the_own_account_to_fill_in(tmp_path: Path) -> None:
    bri = entry(suggest(SHIPPED / "mutasi_bri.xlsx"))
    st = bri["statement"]
    assert bri["kind"] == "transfers"
    assert st["debit"] == "Debet" and st["credit"] == "Kredit"
    assert st["counterpart"] == {
        "number": "Rekening Lawan",
        "bank": "Bank Lawan",
        "holder_name": "Nama Lawan",
    }
    assert st["account"]["number"] == "0123-01-000456-50-7"  # title row
    assert bri["columns"] == {"at": ["Tanggal", "Jam"], "reference": "Keterangan"}
    dana = entry(suggest(SHIPPED / "dana_riwayat.xlsx"))
    st = dana["statement"]
    assert (st["amount"], st["direction"]) == ("Nominal", "Tipe")
    assert (st["outgoing"], st["incoming"]) == (["Keluar"], ["Masuk"])
    assert dana["columns"] == {"at": "Waktu", "reference": "Catatan"}
    path = tmp_path / "m.yaml"
    path.write_text(suggest(SHIPPED / "dana_riwayat.xlsx"), encoding="utf-8")
    (layout,) = read_mapping(path)  # a valid mapping, TODOs and all
    assert layout.statement is not None and layout.statement.account["bank"] == "TODO"


def test_people_register_in_indonesian(tmp_path: Path) -> None:
    path = tmp_path / "daftar.csv"
    path.write_text(
        "No,Nama Lengkap,NIK,Tempat Lahir,Tanggal Lahir,Alamat,No HP\n"
        "1,Budi,3578010506800001,Blitar,05/06/1980,Jl. Mawar,0812\n",
        encoding="utf-8",
    )
    got = entry(suggest(path))
    assert got["kind"] == "people"
    # a CSV header is read as the loader reads it: lower-cased (mappings ignore case)
    assert got["columns"] == {
        "name": "nama lengkap",
        "nik": "nik",
        "birth_date": "tanggal lahir",
        "birth_place": "tempat lahir",
        "phones": "no hp",
        "address": "alamat",
    }


def test_cli_suggest_writes_a_draft(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "x.xlsx",
        [Sheet("S", [["62811", "62822", "MO"]], header=["A Number", "B Number", "Direction"])],
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TELUSUR_STORE", "TELUSUR_DEBUG")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from graph_api.cli import main; main()",
            "mapping",
            "suggest",
            str(tmp_path / "x.xlsx"),
            "--out",
            str(tmp_path / "m.yaml"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    (layout,) = read_mapping(tmp_path / "m.yaml")
    assert layout.cdr is not None and layout.cdr.a_number == "A Number"
