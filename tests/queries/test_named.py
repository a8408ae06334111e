"""Every named query on the hand-built graph, against both stores, with worked answers."""

from __future__ import annotations

import pytest

import queries
from graph.errors import QueryError
from graph.store import Store
from queries._types import Path, Trail

from .conftest import P_F1, P_M1, P_M2, P_O1, P_X1, node, rel


def trail_ids(trails: list[Trail]) -> list[tuple[list[str], list[str]]]:
    return [(t["path_nodes"], [r["id"] for r in t["rels"]]) for t in trails]


def path_ids(found: list[Path]) -> list[tuple[list[str], list[str]]]:
    return [(p["nodes"], [r["id"] for r in p["relationships"]]) for p in found]


# -- search ----------------------------------------------------------------------
def test_search_phone_in_any_written_form(g: Store) -> None:
    for written in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890"):
        hits = queries.search(g, q=written)
        assert [(h["id"], h["matched"], h["score"]) for h in hits] == [
            (P_M1, "phone", 100.0), ("t:M1", "phone_user", 100.0)], written
    assert hits[0]["labels"] == ["Phone"] and hits[0]["name"] == P_M1


def test_search_identifiers(g: Store) -> None:
    assert [(h["id"], h["matched"]) for h in queries.search(g, q="3501010101800001")] == [
        ("t:M1", "nik")]
    assert [(h["id"], h["matched"]) for h in queries.search(g, q="80010001")] == [
        ("t:O1", "id_number")]
    assert [(h["id"], h["matched"]) for h in queries.search(g, q="1234567890")] == [
        ("t:A_M1", "account")]
    assert queries.search(g, q="t:K1")[0]["matched"] == "id"


def test_search_names_fuzzy_ranked_and_safe(g: Store) -> None:
    hits = queries.search(g, q="Budi Santoso")
    assert hits[0] == {"id": "t:M1", "labels": ["Person"], "name": "Budi Santoso",
                       "score": 100.0, "matched": "name"}
    assert queries.search(g, q="budi santso")[0]["id"] == "t:M1"  # one typo
    siti = queries.search(g, q="siti")
    assert [h["id"] for h in siti] == ["t:M2", "t:P9"]  # equal scores: by id
    assert siti[0]["score"] == siti[1]["score"]
    assert [h["id"] for h in queries.search(g, q="AKP Joko")] == ["t:O1"]
    for nasty in ('budi~ AND (santoso" OR', "*:*", "\\", "name:budi^10 [a TO z]"):
        out = queries.search(g, q=nasty)  # must not raise
        assert all(h["matched"] == "name" for h in out)
    assert queries.search(g, q="   ") == []
    assert queries.search(g, q="zzzzqqqq") == []


# -- entity, subgraph, rings -------------------------------------------------------
def test_entity_with_graded_sources(g: Store) -> None:
    e = queries.entity(g, id="t:M1")
    assert e is not None
    assert e["labels"] == ["Person"] and e["keys"] == []
    assert e["props"]["nik"] == "3501010101800001" and "sources" not in e["props"]
    assert e["sources"] == [
        {"id": "t:S1", "kind": "bap", "title": "BAP Budi", "date": None, "reliability": "B",
         "credibility": "2"},
        {"id": "t:S9", "kind": None, "title": None, "date": None, "reliability": None,
         "credibility": None},
    ]
    assert queries.entity(g, id="t:nope") is None


def test_subgraph_and_rings(g: Store) -> None:
    sub = queries.subgraph(g, ids=["t:O1", "t:M1", "t:ORG1", "t:ghost"])
    assert [n["id"] for n in sub["nodes"]] == ["t:M1", "t:O1", "t:ORG1"]
    assert [(r["type"], r["id"], r["start"], r["end"]) for r in sub["relationships"]] == [
        ("COMMISSIONER_OF", "com1", "t:O1", "t:ORG1"),
        ("DIRECTOR_OF", "dir1", "t:M1", "t:ORG1"),
    ]
    assert queries.rings(g) == [
        {"id": "t:R1", "name": "Jaringan Timur", "members": 2},
        {"id": "t:R2", "name": "Jaringan Barat", "members": 0},
    ]


# -- neighbourhood and paths -------------------------------------------------------------
def test_neighbourhood_cap_reports_the_rest(g: Store) -> None:
    nb = queries.neighbourhood(g, id=P_M1, cap=3)
    assert nb is not None
    # P_M1: CALLED c1 c2 c5 c6 (P_O1), c7 (P_X1); USES u_M1. Sorted by type, other, id.
    assert [r["id"] for r in nb["relationships"]] == ["c1", "c2", "c5"]
    assert [n["id"] for n in nb["nodes"]] == [P_M1, P_O1]
    assert nb["truncated"] == {P_M1: 3}
    full = queries.neighbourhood(g, id=P_M1)
    assert full is not None and full["truncated"] == {}
    assert [n["id"] for n in full["nodes"]] == [P_M1, P_O1, P_X1, "t:M1"]


def test_neighbourhood_hops_and_filters(g: Store) -> None:
    nb = queries.neighbourhood(g, id="t:O1", hops=2, types=["FAMILY", "ASSOCIATE"])
    assert nb is not None
    assert [n["id"] for n in nb["nodes"]] == ["t:F1", "t:O1", "t:X1"]
    assert [r["id"] for r in nb["relationships"]] == ["as1", "fam1"]
    only = queries.neighbourhood(g, id="t:O1", labels=["Case"])
    assert only is not None and [n["id"] for n in only["nodes"]] == ["t:K1", "t:K2", "t:O1"]
    assert queries.neighbourhood(g, id="t:none") is None
    with pytest.raises(QueryError):
        queries.neighbourhood(g, id="t:O1", hops=5)


def test_neighbourhood_supernode(g: Store) -> None:
    hub = "+6281399999999"
    g.upsert(
        [node(hub, "Phone", number=hub),
         *(node(f"+62813888{i:05d}", "Phone", number=f"+62813888{i:05d}") for i in range(40))],
        [rel(f"hub{i:02d}", "CALLED", f"+62813888{i:05d}", hub, at="2023-01-01T00:00:00Z")
         for i in range(40)],
    )
    nb = queries.neighbourhood(g, id=hub, hops=2)
    assert nb is not None
    assert nb["truncated"] == {hub: 15}
    assert [r["id"] for r in nb["relationships"]] == [f"hub{i:02d}" for i in range(25)]


def test_paths_all_shortest(g: Store) -> None:
    assert path_ids(queries.paths(g, source="t:M1", target="t:O1")) == [
        (["t:M1", "t:K1", "t:O1"], ["s1", "i1"]),
        (["t:M1", "t:ORG1", "t:O1"], ["dir1", "com1"]),
    ]
    phone = queries.paths(g, source="t:M1", target="t:O1", types=["USES", "CALLED"], limit=2)
    assert path_ids(phone) == [
        (["t:M1", P_M1, P_O1, "t:O1"], ["u_M1", "c1", "u_O1"]),
        (["t:M1", P_M1, P_O1, "t:O1"], ["u_M1", "c2", "u_O1"]),
    ]
    assert phone[0]["relationships"][1]["start"] == P_O1  # stored direction kept
    assert queries.paths(g, source="t:M1", target="t:O1", types=["USES", "CALLED"],
                         max_hops=2) == []
    assert queries.paths(g, source="t:M1", target="t:M1") == []


# -- money ---------------------------------------------------------------------------------
def test_money_trail_time_order_window_amount(g: Store) -> None:
    direct = (["t:A_M1", "t:A_O1"], ["t5"])
    via = (["t:A_M1", "t:A_MID", "t:A_O1"], ["t1", "t2"])
    trails = queries.money_trail(g, source="t:M1", to_officials=True)
    # t3 is earlier than t1 (no trail), t4 is 61 days after t1 (outside 720 h).
    assert trail_ids(trails) == [direct, via]
    assert trails[1]["holders"] == [["t:M1"], [], ["t:O1"]]
    assert trails[1]["rels"][0] == {"id": "t1", "type": "TRANSFERRED", "start": "t:A_M1",
                                    "end": "t:A_MID", "amount": 10_000_000.0,
                                    "currency": "IDR", "at": "2023-03-01T10:00:00Z"}
    assert trail_ids(queries.money_trail(g, source="t:A_M1", target="t:O1")) == [direct, via]
    assert trail_ids(queries.money_trail(g, source="t:M1", to_officials=True,
                                         min_amount=1_000_000)) == [via]
    assert trail_ids(queries.money_trail(g, source="t:M1", to_officials=True,
                                         window_hours=24)) == [direct, via]  # exactly 24 h
    assert trail_ids(queries.money_trail(g, source="t:M1", to_officials=True,
                                         window_hours=23)) == [direct]
    assert trail_ids(queries.money_trail(g, source="t:M1", to_officials=True,
                                         window_hours=2000)) == [
        direct, via, (["t:A_M1", "t:A_MID", "t:A_O1"], ["t1", "t4"])]
    assert trail_ids(queries.money_trail(g, source="t:M1", target="t:A_MID")) == [
        (["t:A_M1", "t:A_MID"], ["t1"])]
    assert queries.money_trail(g, source="t:O1", to_officials=True) == []  # no way out
    assert trail_ids(queries.money_trail(g, source="t:X1", max_hops=1)) == [
        (["t:A_X1", "t:A_M1"], ["t6"])]
    with pytest.raises(QueryError):
        queries.money_trail(g, source="t:M1", max_hops=5)


# -- officials ----------------------------------------------------------------------------
def test_official_links_grouped_by_kind(g: Store) -> None:
    links = queries.official_links(g, id="t:O1")
    assert links is not None
    got = {k: [(p["nodes"], p["types"], p["parallel"]) for p in v]
           for k, v in links["paths"].items()}
    assert got == {
        "money": [(["t:O1", "t:A_O1", "t:A_M1", "t:M1"], ["HOLDS", "TRANSFERRED", "HOLDS"],
                   [1, 1, 1])],
        "family": [(["t:O1", "t:F1", "t:X1"], ["FAMILY", "ASSOCIATE"], [1, 1])],
        "phone": [(["t:O1", P_O1, P_M1, "t:M1"], ["USES", "CALLED", "USES"], [1, 4, 1]),
                  (["t:O1", P_O1, P_M2, "t:M2"], ["USES", "CALLED", "USES"], [1, 1, 1])],
        "case": [(["t:O1", "t:K1", "t:M1"], ["INVESTIGATES", "SUSPECT_IN"], [1, 1]),
                 (["t:O1", "t:K2", "t:M2"], ["SUPERVISES", "SUSPECT_IN"], [1, 1]),
                 (["t:O1", "t:K2", "t:X1"], ["SUPERVISES", "SUSPECT_IN"], [1, 1]),
                 (["t:O1", "t:K1", "t:M1", "t:ORG1"],
                  ["INVESTIGATES", "SUSPECT_IN", "DIRECTOR_OF"], [1, 1, 1])],
        "organization": [(["t:O1", "t:ORG1"], ["COMMISSIONER_OF"], [1]),
                         (["t:O1", "t:ORG1", "t:M1"], ["COMMISSIONER_OF", "DIRECTOR_OF"],
                          [1, 1])],
    }
    assert links["counts"] == {"money": 1, "family": 1, "phone": 2, "case": 4,
                               "organization": 2}
    phone = links["paths"]["phone"][0]
    assert phone["target_roles"] == ["member", "suspect"]
    assert [r["id"] for r in phone["relationships"]] == ["u_O1", "c1", "u_M1"]
    assert links["paths"]["organization"][0]["target_roles"] == ["member_org"]
    short = queries.official_links(g, id="t:O1", max_hops=2, cap=1)
    assert short is not None
    assert short["counts"] == {"money": 0, "family": 1, "phone": 0, "case": 3,
                               "organization": 2}
    assert [len(v) for v in short["paths"].values()] == [0, 1, 0, 1, 1]
    assert queries.official_links(g, id="t:M1") is None


# -- cases and tip-offs ---------------------------------------------------------------------
def test_case_interference_sp3_stalled_and_counterweight(g: Store) -> None:
    out = queries.case_interference(g, ring_id="t:R1", as_of="2023-12-31T00:00:00Z")
    assert out["cutoff"] == "2022-12-31T00:00:00Z"
    assert [(c["case_id"], c["reason"]) for c in out["interfered"]] == [
        ("t:K2", "stalled"), ("t:K1", "sp3")]
    k2, k1 = out["interfered"]
    assert k2["suspects"] == ["t:M2", "t:X1"] and k2["member_suspects"] == ["t:M2"]
    assert [(o["official_id"], o["roles"]) for o in k1["officials"]] == [
        ("t:O1", ["INVESTIGATES"])]
    assert [(t["kind"], t["suspect_id"], t["rel_id"]) for t in k1["officials"][0]["ties"]] == [
        ("call", "t:M1", "c5"), ("call", "t:M1", "c1"), ("call", "t:M1", "c2"),
        ("call", "t:M1", "c6"), ("transfer", "t:M1", "t5")]
    assert k1["officials"][0]["ties"][-1]["amount"] == 500_000.0
    assert k1["officials"][0]["ties"][-1]["currency"] == "IDR"  # and a call has none
    assert k1["officials"][0]["ties"][0]["currency"] is None
    # c3 is the wife's phone, not his: only c4 ties him to Siti.
    assert [(t["kind"], t["rel_id"]) for t in k2["officials"][0]["ties"]] == [("call", "c4")]
    assert [(c["case_id"], c["reason"], [o["official_id"] for o in c["officials"]])
            for c in out["counterweight"]] == [("t:K4", "p21", ["t:O2"])]
    assert out["counterweight"][0]["officials"][0]["ties"] == []
    longer = queries.case_interference(g, ring_id="t:R1", stalled_days=1000,
                                       as_of="2023-12-31T00:00:00Z")
    assert [c["case_id"] for c in longer["interfered"]] == ["t:K1"]


def test_tipoffs_only_before_failed_raids(g: Store) -> None:
    items = queries.tipoffs(g, ring_id="t:R1")
    assert [(t["event_id"], t["call_id"], t["official_id"], t["via"], t["member_id"],
             t["hours_before"]) for t in items] == [
        ("t:E1", "c3", "t:O1", "t:F1", "t:M2", 18.0),
        ("t:E1", "c1", "t:O1", "t:O1", "t:M1", 8.0),
        ("t:E3", "c6", "t:O1", "t:O1", "t:M1", 12.0),
    ]
    assert items[0] == {
        "event_id": "t:E1", "event_at": "2023-06-10T04:00:00Z", "outcome": "nothing_found",
        "official_id": "t:O1", "via": "t:F1", "member_id": "t:M2", "call_id": "c3",
        "call_at": "2023-06-09T10:00:00Z", "hours_before": 18.0, "official_phone": P_F1,
        "member_phone": P_M2,
    }
    wide = queries.tipoffs(g, ring_id="t:R1", window_hours=48)
    assert [t["call_id"] for t in wide] == ["c5", "c3", "c1", "c6"]
    assert queries.tipoffs(g, ring_id="t:R2") == []


# -- timeline ----------------------------------------------------------------------------------
def test_timeline_in_time_order(g: Store) -> None:
    items = queries.timeline(g, id="t:M1")
    assert [(i["at"], i["kind"], i["direction"], i["other"], i["rel_id"]) for i in items] == [
        ("2022-01-10", "case_opened", None, "t:K1", "s1"),
        ("2022-09-01", "case_status", None, "t:K1", "s1"),
        ("2023-01-15T00:00:00Z", "transfer", "in", "t:A_X1", "t6"),
        ("2023-03-01T10:00:00Z", "transfer", "out", "t:A_MID", "t1"),
        ("2023-03-05T00:00:00Z", "transfer", "out", "t:A_O1", "t5"),
        ("2023-04-01T00:00:00Z", "call", "in", P_X1, "c7"),
        ("2023-06-01", "case_opened", None, "t:K3", "s4"),
        ("2023-06-09T03:00:00Z", "call", "in", P_O1, "c5"),
        ("2023-06-09T20:00:00Z", "call", "in", P_O1, "c1"),
        ("2023-06-10T04:00:00Z", "event", None, "t:E1", "tg1"),
        ("2023-06-10T06:00:00Z", "call", "out", P_O1, "c2"),
        ("2023-07-31T12:00:00Z", "call", "in", P_O1, "c6"),
    ]
    assert items[1]["detail"] == "sp3" and items[9]["detail"] == "raid:nothing_found"
    assert items[2]["via"] == "t:A_M1" and items[2]["amount"] == 2_000_000.0
    assert len(queries.timeline(g, id="t:M1", limit=3)) == 3
    posts = queries.timeline(g, id="t:O1")
    assert [(i["kind"], i["detail"]) for i in posts if i["rel_type"] == "HOLDS_POST"] == [
        ("post_since", "Kasat Reskrim")]
    case = queries.timeline(g, id="t:K2")
    assert [(i["kind"], i["other"]) for i in case] == [("case_opened", "t:K2"),
                                                       ("event", "t:E2")]
    assert queries.timeline(g, id="t:none") == []


# -- ring expansion ------------------------------------------------------------------------------
def test_ring_expand_proposes_dedi(g: Store) -> None:
    out = queries.ring_expand(g, ring_id="t:R1")
    assert out["members"] == ["t:M1", "t:M2"]
    top = out["candidates"][0]
    assert top["id"] == "t:X1" and top["score"] == 1.0
    assert top["evidence"] == [
        {"member": "t:M1", "name": "Budi Santoso", "counts": {"CALLED": 1, "TRANSFERRED": 1},
         "amounts": {"IDR": 2_000_000.0}},
        {"member": "t:M2", "name": "Siti Rahayu", "counts": {"CALLED": 1, "CO_SUSPECT": 1},
         "amounts": {}},
    ]
    ids = [c["id"] for c in out["candidates"]]
    assert "t:O1" not in ids and "t:O2" not in ids and "t:P9" not in ids
    assert [o["id"] for o in out["officials"]][:1] == ["t:O1"]  # listed, not dropped
    assert queries.ring_expand(g, ring_id="t:R1") == out  # deterministic
    assert queries.ring_expand(g, ring_id="t:R2")["candidates"] == []


def test_all_exported_sorted() -> None:
    assert queries.__all__ == sorted(queries.__all__)
    for name in queries.__all__:
        assert callable(getattr(queries, name)), name


@pytest.mark.neo4j
def test_named_query_refuses_wrong_params(neo4j_store: Store) -> None:
    from queries._common import run

    with pytest.raises(QueryError, match="takes"):
        run(neo4j_store, "entity", id="x", extra=1)
