"""Identifiers (issue 19, item 5): a passport is a strong identifier, every identifier
is searchable on both stores, an extra column is kept once as ``x_<name>``; calls keep
their handset (IMEI) and serving cell.

Each test writes a tiny bundle, ingests it and reads back through the store or
:func:`queries.search`, on both stores.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from graph.model import MODEL
from graph.store import Store
from queries import search
from queries.search import MATCHED_BY
from tests.ingest.test_bundle_rules import load, out_rels, props, rejects

PEOPLE = (
    "person_id,name,nik,passport,x_nhs_no,phones\n"
    "p1,Budi Santoso,,b 1234567,NHS-778-12,0812-1111-2222\n"
)
ORGS = "org_id,name,license_no,npwp\no1,PT Maju Jaya,SIP3MI-42/2019,01.234.567.8-901.000\n"
CALLS = (
    "from_phone,to_phone,at,imei,cell_id,lac\n"
    "081211112222,081233334444,2023-01-02 10:00,35-209900-176148-1,10231,4120\n"
    "081255556666,081233334444,2023-01-03 10:00,352099001761481,10231,4120\n"
)


def test_passport_resolves_two_records_into_one_person(tmp_path: Path, store: Store) -> None:
    """Spec: "Two records are the same entity when they share a strong identifier: ...
    a passport number" (written with a space in one bundle, without in the other)."""
    load(tmp_path, store, {"people.csv": PEOPLE}, bundle="a")
    load(
        tmp_path,
        store,
        {"people.csv": "person_id,name,passport\nq7,Budi S.,B1234567\n"},
        bundle="b",
    )
    assert store.counts()["nodes"]["Person"] == 1
    assert store.find_by_property("Person", "passport", ["B1234567"]) == {"B1234567": ["a:p1"]}
    assert set(props(store, "a:p1")["keys"]) == {"a:p1", "b:q7"}


def test_extra_column_is_prefixed_once(tmp_path: Path, store: Store) -> None:
    """An ``x_nhs_no`` column becomes ``x_nhs_no``, not ``x_x_nhs_no``; ``NHS No`` too."""
    load(tmp_path, store, {"people.csv": PEOPLE + "p2,Siti,,,,\n"})
    p1 = props(store, "a:p1")
    assert p1["x_nhs_no"] == "NHS-778-12"
    assert not [k for k in p1 if k.startswith("x_x_")]
    load(tmp_path, store, {"people.csv": "person_id,name,NHS No\np3,Ani,778\n"}, bundle="c")
    assert props(store, "c:p3")["x_nhs_no"] == "778"


def test_every_identifier_is_searchable(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store, {"people.csv": PEOPLE, "organizations.csv": ORGS, "calls.csv": CALLS})
    cases = {
        "B 1234567": ("a:p1", "passport"),
        "b1234567": ("a:p1", "passport"),
        "01.234.567.8-901.000": ("a:o1", "npwp"),
        "SIP3MI-42/2019": ("a:o1", "license_no"),
        "35-209900-176148-1": ("imei:352099001761481", "imei"),
        "NHS-778-12": ("a:p1", "extra"),
    }
    for q, (nid, how) in cases.items():
        hits = search(store, q=q)
        assert hits and (hits[0]["id"], hits[0]["matched"]) == (nid, how), (q, hits)
    assert search(store, q="Santoso")[0]["matched"] == "name"


def test_every_identifier_the_model_declares_has_a_way_to_match() -> None:
    props = {p.name for s in MODEL.nodes.values() for p in s.props if p.identifier}
    assert props <= set(MATCHED_BY), props - set(MATCHED_BY)


def test_calls_keep_handset_and_cell(tmp_path: Path, store: Store) -> None:
    """Spec: ``imei`` is the handset of ``from_phone``; two numbers used in one handset
    are linked through it; ``cell_id`` + ``lac`` kept per call."""
    load(tmp_path, store, {"calls.csv": CALLS})
    imei = "352099001761481"
    assert store.counts()["nodes"]["Handset"] == 1
    assert store.find_by_property("Handset", "imei", [imei]) == {imei: [f"imei:{imei}"]}
    (used_in,) = MODEL.meaning("handset")
    for phone in ("+6281211112222", "+6281255556666"):
        assert [end for end, _ in out_rels(store, phone, used_in)] == [f"imei:{imei}"]
    assert store.counts()["relationships"][used_in] == 2
    (called,) = MODEL.meaning("communication")
    calls = [p for _, p in out_rels(store, "+6281211112222", called)]
    assert [(c["cell_id"], c["lac"], c["imei"]) for c in calls] == [("10231", "4120", imei)]


def test_bad_imei_rejects_the_row(tmp_path: Path, store: Store) -> None:
    load(
        tmp_path,
        store,
        {"calls.csv": "from_phone,to_phone,at,imei\n081211112222,081233334444,2023-01-02,12345\n"},
    )
    (row,) = rejects(tmp_path)
    assert "bad imei" in row["reason"]
    assert store.counts()["nodes"]["Handset"] == 0


def test_extra_columns_stay_searchable_as_columns_come(tmp_path: Path, store: Store) -> None:
    """A column a later load brings, and one written without a load, are searched as
    the first (on Neo4j: the first two through the full-text index a load refreshes,
    the last by reading the nodes until the next refresh); quotes and backslashes in a
    value are a value like any other. (A database keeps every property name it was
    ever given, and its index with them: the column written directly is new each run.)"""
    fresh = f"x_lain_{secrets.token_hex(4)}"
    load(tmp_path, store, {"people.csv": PEOPLE})
    load(tmp_path, store, {"people.csv": "person_id,name,Kode Desa\np3,Ani,35.04.01\n"}, bundle="c")
    store.upsert(
        [
            {
                "id": "d:p4",
                "labels": ["Person"],
                "props": {"name": "Siti", fresh: 'L "9" \\ 9', "sources": ["d:s"]},
            }
        ],
        [],
    )
    for q, nid in (("NHS-778-12", "a:p1"), ("35.04.01", "c:p3"), ('L "9" \\ 9', "d:p4")):
        hits = [h for h in search(store, q=q) if h["matched"] == "extra"]
        assert [h["id"] for h in hits] == [nid], (q, hits)
