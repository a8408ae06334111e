"""``telusur expand`` as a user runs it: the JSON shape, the tables, a wrong id."""

from __future__ import annotations

import json
from pathlib import Path

from graph.store import EmbeddedStore
from tests.queries.conftest import build
from tests.test_cli import run


def _store(tmp_path: Path) -> str:
    store = EmbeddedStore(tmp_path / "s")
    build(store)
    store.close()
    return f"embedded:{tmp_path / 's'}"


def test_expand_json_shape(tmp_path: Path) -> None:
    where = _store(tmp_path)
    out = run("expand", "t:R1", "--json", "--top", "2", "--store", where)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert list(got) == ["ring", "members", "candidates", "officials"]
    assert got["ring"] == "t:R1" and got["members"] == ["t:M1", "t:M2"]
    assert len(got["candidates"]) == 2 and len(got["officials"]) == 2
    first = got["candidates"][0]
    assert list(first) == ["id", "name", "score", "evidence"]
    assert (first["id"], first["name"], first["score"]) == ("t:X1", "Dedi Kurniawan", 1.0)
    assert first["evidence"][0] == {
        "member": "t:M1",
        "name": "Budi Santoso",
        "counts": {"CALLED": 1, "TRANSFERRED": 1},
        "amounts": {"IDR": 2000000.0},
    }
    assert got["officials"][0]["id"] == "t:O1"


def test_expand_tables_in_both_languages(tmp_path: Path) -> None:
    where = _store(tmp_path)
    table = run("expand", "t:R1", "--store", where)
    assert table.returncode == 0, table.stderr
    assert "Dugaan anggota lain jaringan t:R1" in table.stdout
    assert "Pejabat di sekitar jaringan t:R1" in table.stdout
    assert "Dedi Kurniawan" in table.stdout and "CALLED 1" in table.stdout
    english = run("expand", "t:R1", "--store", where, "--lang", "en")
    assert "Likely further members of t:R1" in english.stdout
    assert "Officials near t:R1" in english.stdout


def test_expand_wrong_id_is_a_clear_error(tmp_path: Path) -> None:
    where = _store(tmp_path)
    for wrong in ("t:nope", "t:M1"):  # absent; a person, not a ring
        out = run("expand", wrong, "--store", where, "--lang", "en")
        assert out.returncode == 1
        assert out.stderr.strip() == f"telusur: error: no ring {wrong!r}"
        assert out.stdout == ""
