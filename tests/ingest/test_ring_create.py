"""Rings drawn over data already loaded (issue 17, item 6): ``telusur ring create``,
``ingest.rings.create_ring`` and a bundle whose ``member_of`` names a stored id.

People come from two bundles that know nothing of a ring (a case register and a bank
statement); the investigator draws the ring around them. The ring then ranks like a
loaded one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import InputError, NotFound
from graph.store import EmbeddedStore, Store
from ingest.rings import create_ring, ring_id_for
from queries.protectors import rank_protectors
from tests.ingest.test_bundle_rules import lines, load, rejects
from tests.test_cli import run

REGISTER = {
    "people.csv": lines(
        "person_id,name,birth_date",
        "p1,Sugeng Riyadi,1979-02-11",
        "p2,Wahyu Setiawan,1984-09-30",
        "o1,Bambang Hartono,1975-04-02",
    ),
    "officials.csv": lines("person_id,agency_id,rank,position", "o1,ag1,AKP,Kanit"),
    "agencies.csv": lines("agency_id,name,kind", "ag1,Polres Blitar,police"),
}
STATEMENT = {
    "people.csv": lines("person_id,name", "q1,Dewi Lestari", "w1,Bambang Hartono"),
    "accounts.csv": lines(
        "account_id,holder_id,bank,number",
        "a1,q1,BRI,0011223344",
        "a2,w1,BCA,5566778899",
    ),
    "officials.csv": lines("person_id,agency_id,rank,position", "w1,ag1,AKP,Kanit"),
    "agencies.csv": lines("agency_id,name,kind", "ag1,Polres Blitar,police"),
    "transfers.csv": lines(
        "transfer_id,from_account,to_account,amount,at,reference",
        *(f"t{m},a1,a2,15000000,2023-{m:02d}-05T10:00,setoran" for m in range(1, 8)),
    ),
}


def _loaded(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store, REGISTER, bundle="reg")
    load(tmp_path, store, STATEMENT, bundle="bank")


def _members(store: Store, ring: str) -> dict[str, str]:
    return {
        n["node"]["id"]: n["rel"]["props"]["role"]
        for n in store.neighbours(ring, types=["MEMBER_OF"], direction="in")
    }


def test_a_ring_drawn_around_people_of_two_bundles_ranks_like_a_loaded_one(
    tmp_path: Path, store: Store
) -> None:
    _loaded(tmp_path, store)
    made = create_ring(
        store, "Jaringan Blitar", [("reg:p1", "leader"), ("bank:q1", "financier")], by="iptu.a"
    )
    assert made.id == "ring:jaringan-blitar" and made.added == 2
    ring = store.get_node(made.id)
    assert ring is not None and ring["labels"] == ["Ring"]
    assert ring["props"]["name"] == "Jaringan Blitar"
    assert ring["props"]["created_by"] == "iptu.a"
    assert _members(store, made.id) == {"reg:p1": "leader", "bank:q1": "financier"}
    # the financier's monthly payments to the official's account now point at him
    report = rank_protectors(store, ring_id=made.id, as_of="2024-01-01T00:00:00Z")
    top = report["protectors"][0]
    assert top["id"] == "bank:w1" and top["score"] > 0.5


def test_running_it_again_adds_members_and_changes_nothing_else(
    tmp_path: Path, store: Store
) -> None:
    _loaded(tmp_path, store)
    first = create_ring(store, "Jaringan Blitar", [("reg:p1", "leader")], by="iptu.a")
    again = create_ring(
        store, "Jaringan  Blitar ", [("reg:p1", "leader"), ("reg:p2", "other")], by="bripka.b"
    )
    assert again.id == first.id and again.added == 1
    ring = store.get_node(first.id)
    assert ring is not None and ring["props"]["created_by"] == "iptu.a"  # kept
    assert _members(store, first.id) == {"reg:p1": "leader", "reg:p2": "other"}
    counts = store.counts()
    assert counts["nodes"]["Ring"] == 1 and counts["relationships"]["MEMBER_OF"] == 2


def test_unknown_ids_wrong_kinds_and_roles_write_nothing(tmp_path: Path, store: Store) -> None:
    _loaded(tmp_path, store)
    with pytest.raises(NotFound, match="'reg:nobody'"):
        create_ring(store, "R", [("reg:p1", "leader"), ("reg:nobody", "other")], by="x")
    with pytest.raises(InputError, match="people or organizations: 'bank:a1' is a"):
        create_ring(store, "R", [("bank:a1", "other")], by="x")
    with pytest.raises(InputError, match="unknown role"):
        create_ring(store, "R", [("reg:p1", "boss")], by="x")
    with pytest.raises(InputError, match="at least one member"):
        create_ring(store, "R", [], by="x")
    with pytest.raises(InputError, match="is stored and is not a ring"):
        create_ring(store, "R", [("reg:p1", "other")], by="x", ring_id="reg:p2")
    assert store.get_node(ring_id_for("R")) is None
    assert store.counts()["relationships"]["MEMBER_OF"] == 0


def test_a_bundle_names_stored_ids_as_members(tmp_path: Path, store: Store) -> None:
    """``member_of`` may name a person or organization loaded earlier by its stored id;
    an id that is neither in the bundle nor stored is rejected with the reason."""
    _loaded(tmp_path, store)
    report = load(
        tmp_path,
        store,
        {
            "rings.csv": lines("ring_id,name", "r1,Jaringan Kediri"),
            "relations.csv": lines(
                "from_id,to_id,type,detail",
                "reg:p2,r1,member_of,recruiter",
                "bank:q1,r1,member_of,financier",
                "bank:a1,r1,member_of,other",
                "reg:ghost,r1,member_of,other",
            ),
        },
        bundle="kediri",
    )
    assert _members(store, "kediri:r1") == {"reg:p2": "recruiter", "bank:q1": "financier"}
    assert report.files["relations.csv"].rejected == 2
    reasons = {r["line"]: r["reason"] for r in rejects(tmp_path, "kediri")}
    assert "nor a stored organization or person" in reasons["4"]  # an account
    assert "'reg:ghost'" in reasons["5"]


def test_cli_ring_create(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    try:
        _loaded(tmp_path, store)
    finally:
        store.close()
    where = f"embedded:{tmp_path / 's'}"
    out = run(
        "ring", "create", "Jaringan Blitar", "--member", "reg:p1=leader",
        "-m", "bank:q1", "--by", "iptu.a", "--json", "--store", where,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got == {
        "id": "ring:jaringan-blitar",
        "name": "Jaringan Blitar",
        "members": [{"id": "bank:q1", "role": "other"}, {"id": "reg:p1", "role": "leader"}],
        "added": 2,
    }
    out = run("ring", "create", "X", "--member", "reg:nobody", "--store", where)
    assert out.returncode == 1
    assert out.stderr.strip() == "telusur: error: no person or organization 'reg:nobody'"
    out = run("protectors", "ring:jaringan-blitar", "--json", "--store", where)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["protectors"][0]["id"] == "bank:w1"
