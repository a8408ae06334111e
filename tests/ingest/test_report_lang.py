"""The ingest report in Bahasa Indonesia by default, English on request: the command
line's progress lines, table and summary, the reasons files were skipped, in ``--json``
too (same keys) and in the API's answer (``?lang=en``)."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from ingest.report import FileReport, IngestReport, reading_line
from tests.test_cli_errors import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import make_api  # noqa: E402

PEOPLE = "person_id,name\np1,Budi\np2,Siti\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8")
    (folder / "catatan.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def _words(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines


def test_cli_ingest_speaks_bahasa_indonesia_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    args = ("ingest", str(folder), "--rejects", str(tmp_path / "r.csv"))
    code, out, err = cli(capsys, *args, "--store", f"embedded:{tmp_path / 'st'}")
    assert code == 0, err
    assert err.splitlines() == [
        "membaca people.csv (2 baris)",
        "menyelesaikan penulisan ...",
        "mencari kandidat orang yang sama ...",
    ]
    text = _words(out)
    for words in (
        "Pemuatan b",
        "berkas",
        "diterima",
        "ditolak",
        "dilewati foto.jpg: bukan berkas CSV atau Excel",
        "dilewati catatan.csv: bukan nama berkas bundel dan tidak ada pemetaan",
        "simpul: 2 dibuat, 0 diperbarui, 0 tetap; hubungan:",
        "waktu: ",
        " detik",
    ):
        assert words in text, (words, text)
    for english in ("reading", "skipped", "created", "not a CSV", "time:"):
        assert english not in text + err, english


def test_cli_ingest_in_english_with_lang_en(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    args = ("ingest", str(folder), "--rejects", str(tmp_path / "r.csv"), "--lang", "en")
    code, out, err = cli(capsys, *args, "--store", f"embedded:{tmp_path / 'st'}")
    assert code == 0, err
    assert err.splitlines() == [
        "reading people.csv (2 rows)",
        "finishing writes ...",
        "candidate matches ...",
    ]
    text = _words(out)
    assert "skipped foto.jpg: not a CSV or Excel file" in text
    assert "nodes: 2 created, 0 updated, 0 unchanged" in text and "dilewati" not in text


def test_cli_json_keeps_its_keys_and_words_the_reasons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    args = ("ingest", str(folder), "--rejects", str(tmp_path / "r.csv"), "--json")
    _, out_id, _ = cli(capsys, *args, "--store", f"embedded:{tmp_path / 'a'}")
    _, out_en, _ = cli(capsys, *args, "--lang", "en", "--store", f"embedded:{tmp_path / 'b'}")
    got_id, got_en = json.loads(out_id), json.loads(out_en)
    assert set(got_id) == set(got_en)
    assert {"file": "foto.jpg", "reason": "bukan berkas CSV atau Excel"} in got_id["skipped"]
    assert {"file": "foto.jpg", "reason": "not a CSV or Excel file"} in got_en["skipped"]


def test_api_answers_the_reasons_in_the_readers_language(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.writestr(f"b/{p.name}", p.read_bytes())
    store = EmbeddedStore(tmp_path / "st")
    api = make_api(store, tmp_path / "state")
    try:
        for url, reason in (
            ("/api/v1/ingest", "bukan berkas CSV atau Excel"),
            ("/api/v1/ingest?lang=en", "not a CSV or Excel file"),
        ):
            r = api.post(
                url, "analyst", files={"file": ("b.zip", buf.getvalue())}, data={"bundle": "b"}
            )
            assert r.status_code == 200, r.text
            assert {"file": "foto.jpg", "reason": reason} in r.json()["skipped"]
    finally:
        store.close()


def test_report_lines_word_every_part_in_both_languages() -> None:
    report = IngestReport(
        bundle="b",
        files={"people.csv": FileReport(rows=52066, accepted=52060, rejected=6)},
        inputs=[
            {"file": "m.yaml", "kind": "mapping"},
            {
                "file": "cdr.xlsx",
                "sheet": "CDR",
                "kind": "calls.csv",
                "rows": 1,
                "mapping": "m.yaml:3",
                "unused_columns": ["No"],
            },
        ],
        skipped=[{"file": "x.docx", "reason": "not a CSV or Excel file"}],
        other_schemata={"Vessel": 1200},
        rejects_file="b.rejects.csv",
        written=False,
        seconds=19.25,
    )
    assert report.lines("id") == [
        "berkas pemetaan: m.yaml",
        "cdr.xlsx [CDR] dibaca sebagai calls.csv (1 baris); pemetaan m.yaml:3; "
        "kolom tidak dipakai: No",
        "dilewati x.docx: bukan berkas CSV atau Excel",
        "tidak ada yang ditulis: --strict dan ada baris yang ditolak",
        "tidak dimuat (skema lain): Vessel 1.200",
        "baris ditolak: 6 -> b.rejects.csv",
        "waktu: 19,2 detik",
    ]
    assert report.lines("en")[1] == (
        "read cdr.xlsx [CDR] as calls.csv (1 row); mapping m.yaml:3; columns not used: No"
    )
    assert report.lines("en")[-1] == "time: 19.2 s"
    assert reading_line("people.csv", 52066, "id") == "membaca people.csv (52.066 baris)"
    assert reading_line("people.csv", 52066, "en") == "reading people.csv (52,066 rows)"
