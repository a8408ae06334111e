"""``telusur ingest DIR``: JSON summary, ``--strict`` and exit codes, run as a real process.

Exit codes: 0 loaded (rows may have been rejected, see the rejects file); 1
``--strict`` and a row was rejected; 2 a user error (missing folder, no bundle
file, undecodable bytes, missing required column) printed as one line, never a
traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from graph.store import EmbeddedStore

MAIN = "from graph_api.cli import main; main()"
SOURCES = "source_id,kind\nS1,bap\n"
PEOPLE = "person_id,name,gender,source_id\nP1,Budi Santoso,m,S1\nP2,Siti Aminah,f,S1\n"
PEOPLE_ONE_BAD = PEOPLE + "P3,Agus,laki-laki,S1\n"


def write_bundle(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{file name: text or bytes}`` into ``folder`` (text as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def telusur(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELUSUR_STORE", "TELUSUR_DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def stored(path: Path) -> tuple[int, int]:
    """(nodes, relationships) in the embedded store at ``path``."""
    store = EmbeddedStore(path)
    try:
        counts = store.counts()
    finally:
        store.close()
    nodes = sum(n for label, n in counts["nodes"].items() if label != "Official")
    return nodes, sum(counts["relationships"].values())


def test_json_summary_has_the_documented_keys(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "polres-blitar",
                          {"sources.csv": SOURCES, "people.csv": PEOPLE_ONE_BAD})
    run = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st'}", "--json",
                  cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)  # stdout is the JSON document and nothing else
    assert {"bundle", "files", "rejected", "nodes", "relationships", "rejects_file"} <= set(out)
    assert out["bundle"] == "polres-blitar"
    people = out["files"]["people.csv"]
    assert {"rows", "accepted", "rejected", "encoding", "delimiter"} <= set(people)
    assert (people["rows"], people["accepted"], people["rejected"]) == (3, 2, 1)
    assert (people["encoding"], people["delimiter"]) == ("utf-8", ",")
    assert out["rejected"] == {"sources.csv": 0, "people.csv": 1}
    assert {"created", "updated"} <= set(out["nodes"]) and out["nodes"]["created"] == 3
    assert {"created", "updated"} <= set(out["relationships"])
    # default rejects file: ./<bundle>.rejects.csv
    assert Path(out["rejects_file"]) == tmp_path / "polres-blitar.rejects.csv"
    text = (tmp_path / "polres-blitar.rejects.csv").read_text(encoding="utf-8")
    assert "people.csv,4," in text and "laki-laki" in text
    assert stored(tmp_path / "st") == (3, 0)


def test_strict_with_a_bad_row_writes_nothing(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", {"sources.csv": SOURCES, "people.csv": PEOPLE_ONE_BAD})
    run = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st'}", "--strict",
                  "--json", "--rejects", str(tmp_path / "r.csv"), cwd=tmp_path)
    assert "Traceback" not in run.stderr
    out = json.loads(run.stdout)
    assert out["rejected"]["people.csv"] == 1
    assert stored(tmp_path / "st") == (0, 0)
    assert "laki-laki" in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_strict_with_a_bad_row_exits_1(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", {"sources.csv": SOURCES, "people.csv": PEOPLE_ONE_BAD})
    run = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st'}", "--strict",
                  "--rejects", str(tmp_path / "r.csv"), cwd=tmp_path)
    assert run.returncode == 1, (run.stdout, run.stderr)


def test_strict_without_bad_rows_writes(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", {"sources.csv": SOURCES, "people.csv": PEOPLE})
    run = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st'}", "--strict",
                  "--json", "--rejects", str(tmp_path / "r.csv"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["written"] is True
    assert out["rejects_file"] is None and out["rejected"] == {"sources.csv": 0, "people.csv": 0}
    assert not (tmp_path / "r.csv").exists()
    assert stored(tmp_path / "st") == (3, 0)


USER_ERRORS = [
    pytest.param(None, "no such", id="missing-folder"),
    pytest.param({"notes.txt": "catatan", "people.pdf": b"%PDF-1.4"}, "no bundle file",
                 id="no-recognised-file"),
    # a workbook is a bundle file since Excel is read (issue 19): a broken one says so
    pytest.param({"people.xlsx": b"PK\x03\x04"}, "not a readable workbook",
                 id="broken-workbook"),
    pytest.param({"people.csv": b"person_id,name\nP1,Bud\x81\x8di\n"}, "undecodable",
                 id="undecodable-bytes"),
    pytest.param({"people.csv": "person_id,nama\nP1,Budi\n"}, "name", id="missing-column"),
    pytest.param({"people.csv": ""}, "header", id="empty-file"),
]


@pytest.mark.parametrize(("files", "message"), USER_ERRORS)
def test_user_errors_exit_2_with_one_clear_line(
    tmp_path: Path, files: Mapping[str, str | bytes] | None, message: str
) -> None:
    folder = tmp_path / "bundle"
    if files is not None:
        write_bundle(folder, {"sources.csv": SOURCES, **files} if "people.csv" in files else files)
    run = telusur("ingest", str(folder), "--store", f"embedded:{tmp_path / 'st'}", "--json",
                  cwd=tmp_path)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    err = run.stderr.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("telusur: error:")
    assert message in err[0]
    assert run.stdout == ""
    if (tmp_path / "st").exists():
        assert stored(tmp_path / "st") == (0, 0)  # not even the valid sources.csv
