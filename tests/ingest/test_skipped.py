"""Nothing skipped in silence: every entry of a bundle folder is either loaded or listed
under "skipped" with its reason, in the report and ``--json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.store import EmbeddedStore
from ingest import ingest_path

ROOT = Path(__file__).resolve().parents[2]


def test_every_other_file_is_listed_with_its_reason(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    (folder / "lampiran").mkdir(parents=True)
    (folder / "people.csv").write_text("person_id,name\np1,Budi\n", encoding="utf-8")
    (folder / "telepon_2023.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "catatan.txt").write_text("x\n", encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()
    assert list(report.files) == ["people.csv"]
    assert report.skipped == [
        {"file": "catatan.txt", "reason": "not a bundle file name and no mapping applies to it"},
        {"file": "foto.jpg", "reason": "not a CSV or Excel file"},
        {"file": "lampiran", "reason": "a folder (only the files of the bundle folder are read)"},
        {
            "file": "telepon_2023.csv",
            "reason": "not a bundle file name and no mapping applies to it",
        },
    ]
    assert report.inputs == []  # plain bundle files: read as they are, nothing staged


def test_json_summary_lists_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "people.csv").write_text("person_id,name\np1,Budi\n", encoding="utf-8")
    (folder / "telepon_2023.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TELUSUR_STORE", "TELUSUR_DEBUG")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from graph_api.cli import main; main()",
            "ingest",
            str(folder),
            "--store",
            f"embedded:{tmp_path / 'st'}",
            "--json",
            "--lang",
            "en",  # the reasons' English (Bahasa Indonesia by default: test_report_lang)
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["skipped"] == [
        {
            "file": "telepon_2023.csv",
            "reason": "not a bundle file name and no mapping applies to it",
        }
    ]
    table = subprocess.run(
        [
            sys.executable,
            "-c",
            "from graph_api.cli import main; main()",
            "ingest",
            str(folder),
            "--store",
            f"embedded:{tmp_path / 'st'}",
            "--lang",
            "en",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "skipped telepon_2023.csv: not a bundle file name" in " ".join(table.stdout.split())


def test_a_folder_with_no_bundle_file_still_fails(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "telepon_2023.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    store = EmbeddedStore(tmp_path / "st")
    try:
        with pytest.raises(InputError, match="no bundle file found"):
            ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()
