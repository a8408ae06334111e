"""An analyst confirms or rejects candidate matches; decisions stick across re-ingests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import NotFound, QueryError
from graph.store import Store
from ingest import ingest_path
from ingest.resolve import candidates, confirm, decisions, reject

A = {
    "people.csv": "person_id,name,birth_date,phones\nP1,Sutrisno Hadi,1980-02-03,0812-1111-2222\n",
    "accounts.csv": "account_id,bank,number,holder_id\nAC1,BRI,111,P1\n",
}
B = {
    "people.csv": "person_id,name,birth_date,birth_place\n"
    "Q7,SUTRISNO HADI,03/02/1980,Blitar\nQ8,Sutrisno Hadi,03/02/1980,Kediri\n",
    "accounts.csv": "account_id,bank,number,holder_id\nBB1,BCA,999,Q7\n",
    "transfers.csv": "from_account,to_account,amount,at\nBB1,BB1,1.000,2023-01-01\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load(tmp_path: Path, store: Store) -> None:
    for name, files in (("a", A), ("b", B)):
        folder = tmp_path / name
        if not folder.exists():
            write(folder, files)
        assert ingest_path(folder, store, rejects=tmp_path / "r.csv").rejected_total == 0


def test_confirm_merges_for_good_and_survives_reingest(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store)
    found = candidates(store)
    pair = next(c for c in found if {c["a"], c["b"]} == {"a:P1", "b:Q7"})
    assert pair["score"] == 1.0 and "same birth date" in pair["reasons"]
    persons = store.counts()["nodes"]["Person"]
    done = confirm(store, pair["id"], by="analis1")
    assert done["kept"] == "a:P1" and done["merged"] == "b:Q7"
    kept = store.get_node("a:P1")
    assert kept is not None
    assert kept["props"]["keys"] == ["a:P1", "b:Q7"]
    assert kept["props"]["birth_place"] == "Blitar"  # a gap filled from the other record
    assert "SUTRISNO HADI" in kept["props"]["aliases"]
    assert json.loads(kept["props"]["merge_log"][0])["by"] == "analis1"
    holders = {n["node"]["id"] for n in store.neighbours("b:BB1", types=["HOLDS"])}
    assert holders == {"a:P1"}  # the dropped record's account moved over
    stub = store.get_node("b:Q7")
    assert stub is not None and stub["props"]["merged_into"] == "a:P1"
    assert [n["node"]["id"] for n in store.neighbours("b:Q7")] == ["a:P1"]  # SAME_AS only
    before = store.counts()
    assert before["nodes"]["Person"] == persons
    load(tmp_path, store)  # both bundles again: nothing comes back apart
    assert store.counts() == before
    again = store.get_node("a:P1")
    assert again is not None and again["props"]["keys"] == ["a:P1", "b:Q7"]
    assert {n["node"]["id"] for n in store.neighbours("b:BB1", types=["HOLDS"])} == {"a:P1"}
    assert [d["decision"] for d in decisions(store)] == ["confirmed"]
    with pytest.raises((QueryError, NotFound), match="already decided|no candidate"):
        confirm(store, pair["id"], by="analis1")


def test_reject_is_kept_and_not_proposed_again(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store)
    pair = next(c for c in candidates(store) if {c["a"], c["b"]} == {"b:Q7", "b:Q8"})
    done = reject(store, pair["id"], by="analis2")
    assert done["status"] == "rejected" and done["decided_by"] == "analis2"
    load(tmp_path, store)
    assert pair["id"] not in {c["id"] for c in candidates(store)}
    assert [c["id"] for c in candidates(store, status="rejected")] == [pair["id"]]
    assert decisions(store)[0]["decision"] == "rejected"


def test_cli_resolve(tmp_path: Path) -> None:
    cli = [sys.executable, "-c", "from graph_api.cli import main; main()"]
    uri = f"embedded:{tmp_path / 'store'}"
    for name, files in (("a", A), ("b", B)):
        write(tmp_path / name, files)
        subprocess.run(
            [*cli, "ingest", str(tmp_path / name), "--store", uri],
            check=True,
            capture_output=True,
            cwd=tmp_path,
        )
    listed = json.loads(
        subprocess.run(
            [*cli, "resolve", "list", "--json", "--store", uri],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    first = listed[0]["id"]
    out = subprocess.run(
        [*cli, "resolve", "confirm", first, "--by", "kanit", "--store", uri],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and "merged" in out.stdout
    out = subprocess.run(
        [*cli, "resolve", "decisions", "--store", uri], capture_output=True, text=True
    )
    assert "confirmed" in out.stdout and "kanit" in out.stdout
    out = subprocess.run(
        [*cli, "resolve", "confirm", "nope", "--store", uri], capture_output=True, text=True
    )
    assert out.returncode == 1 and "no candidate" in out.stderr
