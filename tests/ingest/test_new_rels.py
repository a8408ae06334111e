"""Transfers and calls that the store does not hold yet are created without a lookup.

``load_bundle`` submits the transfers and calls files' batches with ``fresh=`` the
bundle's prefix; Neo4j's bulk writer asks once per type whether it holds any
relationship under it and, if not, creates them without seeking their ids. The
graph must be exactly the one the merge writes, on a first ingest, a second one, a
rerun after part of a file was written, and with ids that could collide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.store import Store, _neo4j_write
from ingest.bundle._records import _row_digest
from ingest.bundle.loader import load_bundle

ACCOUNTS = "account_id,bank,number\nAC1,BRI,0123 4567 8901\nAC2,Bank Mandiri,1400012345678\n"
TRANSFERS = (
    "transfer_id,from_account,to_account,amount,at,source_id\n"
    "T1,AC1,AC2,100000,2023-06-05,S1\n"
    ",AC2,AC1,250000,2023-06-06,S1\n"
    ",AC2,AC1,250000,2023-06-06,S1\n"
    "T2,AC1,AC2,\"1.500.000\",2023-06-07 10:00,S1\n"
)
CALLS = (
    "from_phone,to_phone,at,duration_s,source_id\n"
    "0812 3030 1122,+62 813 1111 2222,2023-06-05 21:00,45,S1\n"
    "0812-3030-1122,0813 1111 2222,2023-06-05 21:00,45,S1\n"
    "+6281330301122,0812 3030 1122,06/06/2023 08:15,5,S1\n"
)
SOURCES = "source_id,kind,title\nS1,bank_statement,Rekening koran\n"


def bundle(folder: Path, transfers: str = TRANSFERS, calls: str = CALLS) -> Path:
    folder.mkdir(parents=True)
    for name, text in {
        "sources.csv": SOURCES, "accounts.csv": ACCOUNTS,
        "transfers.csv": transfers, "calls.csv": calls,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(relationship type, created without a lookup) of every Neo4j statement that
    writes relationships; the store itself does the work as ever."""
    seen: list[tuple[str, bool]] = []
    statement = _neo4j_write.rel_statement

    def watched(typ: str, columns: Any, *, new: bool = False) -> str:
        seen.append((typ, new))
        return statement(typ, columns, new=new)

    monkeypatch.setattr(_neo4j_write, "rel_statement", watched)
    return seen


def graph(store: Store) -> dict[str, Any]:
    rels = {t: store.rels_of_type(t) for t in ("TRANSFERRED", "CALLED")}
    return {"counts": store.counts(), "rels": rels}


@pytest.mark.neo4j
def test_first_ingest_creates_then_second_changes_nothing(
    tmp_path: Path, neo4j_store: Store, embedded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = bundle(tmp_path / "b")
    load_bundle(folder, embedded_store, chunk=2)
    seen = spy(monkeypatch)
    first = load_bundle(folder, neo4j_store, chunk=2)
    assert first.files["transfers.csv"].rejected == 0 and first.files["calls.csv"].rejected == 0
    assert {t for t, new in seen if new} == {"TRANSFERRED", "CALLED"}
    assert all(new for t, new in seen if t in ("TRANSFERRED", "CALLED"))
    assert graph(neo4j_store) == graph(embedded_store)
    assert graph(neo4j_store)["counts"]["relationships"]["TRANSFERRED"] == 4
    seen.clear()
    again = load_bundle(folder, neo4j_store, chunk=2)
    assert seen and not any(new for _, new in seen)
    assert again.relationships["created"] == 0 and again.relationships["updated"] == 0
    assert graph(neo4j_store) == graph(embedded_store)


@pytest.mark.neo4j
def test_rerun_after_part_of_the_transfers_looks_them_up(
    tmp_path: Path, neo4j_store: Store, embedded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a crash in the middle of transfers.csv: the store holds some of the
    bundle's transfers and no call. Transfers are merged, calls created."""
    head = "".join(TRANSFERS.splitlines(keepends=True)[:3])
    load_bundle(bundle(tmp_path / "part" / "b", transfers=head, calls=CALLS.splitlines()[0]),
                neo4j_store, chunk=2)
    assert neo4j_store.counts()["relationships"]["TRANSFERRED"] == 2
    seen = spy(monkeypatch)
    folder = bundle(tmp_path / "b")
    load_bundle(folder, neo4j_store, chunk=2)
    assert {new for t, new in seen if t == "TRANSFERRED"} == {False}
    assert {new for t, new in seen if t == "CALLED"} == {True}
    load_bundle(folder, embedded_store, chunk=2)
    assert graph(neo4j_store) == graph(embedded_store)


def test_transfer_id_shaped_like_a_derived_one(tmp_path: Path, store: Store) -> None:
    """A ``transfer_id`` that equals the id a row without one got is merged into it, as
    before; on Neo4j, a creation without lookup would be refused by the id constraint."""
    header = "transfer_id,from_account,to_account,amount,at,source_id"
    plain = {"transfer_id": "", "from_account": "AC2", "to_account": "AC1",
             "amount": "250000", "at": "2023-06-06", "source_id": "S1"}
    derived = f"tx:{_row_digest(plain)}:0"
    transfers = (
        f"{header}\n,AC2,AC1,250000,2023-06-06,S1\nT9,AC1,AC2,5,2023-06-09,S1\n"
        f"{derived},AC2,AC1,300000,2023-06-07,S1\n"
    )
    report = load_bundle(bundle(tmp_path / "b", transfers=transfers), store, chunk=1)
    assert report.files["transfers.csv"].rejected == 0
    got = store.rels_of_type("TRANSFERRED")
    assert [(r["id"], r["props"]["amount"]) for r in got] == [
        ("b:T9", 5.0), (f"b:{derived}", 300000.0)
    ]
