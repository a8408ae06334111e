"""A tiny hand-built investigation graph, written through ``store.upsert``.

Ring t:R1 has members Budi (t:M1, leader) and Siti (t:M2). AKP Joko (t:O1) is
the planted protector: he investigates/supervises their cases, his account
receives ring money, his phone and his wife's phone (t:F1) call members before
failed raids, and he sits on the board of Budi's company t:ORG1. Iptu Andi
(t:O2) is the clean counterweight. Dedi (t:X1) is an unlisted associate.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import Store

P_M1, P_M2, P_O1, P_O2, P_F1, P_X1 = (
    "+6281234567890", "+6281234567891", "+6281300000001", "+6281300000002",
    "+6281300000003", "+6281300000004",
)


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": {"sources": ["t:S1"], **props}}


def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end, "props": props}


def person(nid: str, name: str, official: bool = False, **props: Any) -> NodeRow:
    labels = ("Person", "Official") if official else ("Person",)
    return node(nid, *labels, name=name, name_norm=props.pop("norm", name.lower()), **props)


def build(store: Store) -> None:
    nodes = [
        node("t:S1", "Source", kind="bap", title="BAP Budi", reliability="B", credibility="2"),
        node("t:R1", "Ring", name="Jaringan Timur"),
        node("t:R2", "Ring", name="Jaringan Barat"),
        node("t:AG1", "Agency", name="Polres Tulungagung", kind="police"),
        person("t:M1", "Budi Santoso", nik="3501010101800001", sources=["t:S1", "t:S9"]),
        person("t:M2", "Siti Rahayu"),
        person("t:P9", "Siti Aminah"),
        person("t:X1", "Dedi Kurniawan"),
        person("t:F1", "Rina Marlina"),
        person("t:O1", "AKP Joko Widodo", official=True, norm="joko widodo",
               id_numbers=["80010001"]),
        person("t:O2", "Iptu Andi Pratama", official=True, norm="andi pratama"),
        node("t:ORG1", "Organization", name="PT Maju Jaya", name_norm="pt maju jaya",
             kind="p3mi"),
        *(node(p, "Phone", number=p) for p in (P_M1, P_M2, P_O1, P_O2, P_F1, P_X1)),
        *(node(f"t:A_{x}", "Account", bank="BRI", number=n)
          for x, n in (("M1", "1234567890"), ("M2", "222"), ("O1", "333"), ("X1", "444"),
                       ("MID", "555"))),
        node("t:K1", "Case", title="LP/1", status="sp3", opened_at="2022-01-10",
             status_at="2022-09-01"),
        node("t:K2", "Case", title="LP/2", status="sidik", opened_at="2021-05-01"),
        node("t:K3", "Case", title="LP/3", status="lidik", opened_at="2023-06-01"),
        node("t:K4", "Case", title="LP/4", status="p21", opened_at="2022-03-01",
             status_at="2022-11-01"),
        node("t:K5", "Case", title="LP/5", status="sp3", opened_at="2020-01-01"),
        node("t:E1", "Event", kind="raid", outcome="nothing_found", at="2023-06-10T04:00:00Z"),
        node("t:E2", "Event", kind="raid", outcome="found", at="2023-07-01T04:00:00Z"),
        node("t:E3", "Event", kind="raid", outcome="escaped", at="2023-08-01T00:00:00Z"),
    ]
    uses = [("M1", P_M1), ("M2", P_M2), ("O1", P_O1), ("O2", P_O2), ("F1", P_F1), ("X1", P_X1)]
    calls = [
        ("c1", P_O1, P_M1, "2023-06-09T20:00:00Z"),  # 8 h before failed raid E1
        ("c2", P_M1, P_O1, "2023-06-10T06:00:00Z"),  # after E1
        ("c3", P_F1, P_M2, "2023-06-09T10:00:00Z"),  # wife, 18 h before E1
        ("c4", P_O1, P_M2, "2023-06-30T10:00:00Z"),  # before the successful raid E2
        ("c5", P_O1, P_M1, "2023-06-09T03:00:00Z"),  # 25 h before E1
        ("c6", P_O1, P_M1, "2023-07-31T12:00:00Z"),  # 12 h before escaped raid E3
        ("c7", P_X1, P_M1, "2023-04-01T00:00:00Z"),
        ("c8", P_X1, P_M2, "2023-04-02T00:00:00Z"),
    ]
    transfers = [
        ("t1", "MID", "M1", 10_000_000.0, "2023-03-01T10:00:00Z"),
        ("t2", "O1", "MID", 9_000_000.0, "2023-03-02T10:00:00Z"),  # 24 h after t1
        ("t3", "O1", "MID", 8_000_000.0, "2023-02-28T10:00:00Z"),  # before t1
        ("t4", "O1", "MID", 7_000_000.0, "2023-05-01T10:00:00Z"),  # 61 days after t1
        ("t5", "O1", "M1", 500_000.0, "2023-03-05T00:00:00Z"),
        ("t6", "M1", "X1", 2_000_000.0, "2023-01-15T00:00:00Z"),
    ]
    rels = [
        *(rel(f"u_{who}", "USES", f"t:{who}", p) for who, p in uses),
        *(rel(f"h_{x}", "HOLDS", f"t:{x}", f"t:A_{x}") for x in ("M1", "M2", "O1", "X1")),
        *(rel(c, "CALLED", a, b, at=at, kind="call", duration_s=60) for c, a, b, at in calls),
        *(rel(t, "TRANSFERRED", f"t:A_{src}", f"t:A_{dst}", amount=amt, at=at, currency="IDR")
          for t, dst, src, amt, at in transfers),
        rel("m1", "MEMBER_OF", "t:M1", "t:R1", role="leader"),
        rel("m2", "MEMBER_OF", "t:M2", "t:R1", role="recruiter"),
        rel("hp1", "HOLDS_POST", "t:O1", "t:AG1", id_number="80010001", rank="AKP",
            position="Kasat Reskrim", since="2020-01-01"),
        rel("hp2", "HOLDS_POST", "t:O2", "t:AG1", id_number="90020002", rank="IPTU"),
        rel("fam1", "FAMILY", "t:O1", "t:F1", detail="spouse"),
        rel("as1", "ASSOCIATE", "t:F1", "t:X1"),
        rel("dir1", "DIRECTOR_OF", "t:M1", "t:ORG1"),
        rel("com1", "COMMISSIONER_OF", "t:O1", "t:ORG1"),
        rel("s1", "SUSPECT_IN", "t:M1", "t:K1"),
        rel("s2", "SUSPECT_IN", "t:M2", "t:K2"),
        rel("s3", "SUSPECT_IN", "t:X1", "t:K2"),
        rel("s4", "SUSPECT_IN", "t:M1", "t:K3"),
        rel("s5", "SUSPECT_IN", "t:M2", "t:K4"),
        rel("s6", "SUSPECT_IN", "t:P9", "t:K5"),
        rel("i1", "INVESTIGATES", "t:O1", "t:K1"),
        rel("v1", "SUPERVISES", "t:O1", "t:K2"),
        rel("i2", "INVESTIGATES", "t:O2", "t:K4"),
        rel("tg1", "TARGET_OF", "t:M1", "t:E1"),
        rel("tg3", "TARGET_OF", "t:ORG1", "t:E3"),
        rel("ab2", "ABOUT", "t:E2", "t:K2"),
        rel("led1", "LED", "t:O2", "t:E1"),
    ]
    store.upsert(nodes, rels)


@pytest.fixture
def g(store: Store) -> Store:
    """The store under test (embedded, then Neo4j) holding the hand-built graph."""
    build(store)
    return store
