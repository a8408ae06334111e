"""The ring's side, inferred (queries/protectors/_side.py): who acts for the ring
besides its recorded members, with a confidence and the evidence; indicators weigh
the side's instruments by that confidence. Each rule with its near miss."""

from __future__ import annotations

from typing import Any

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore
from queries.protectors import rank_protectors

AS_OF = "2024-12-31T00:00:00Z"


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end,
            "props": {"sources": ["t:S1"], **props}}


def ring() -> tuple[list[NodeRow], list[RelRow]]:
    """Two members with a phone and an account each, and a ring company."""
    nodes = [node("t:S1", "Source", reliability="A", credibility="1"),
             node("t:R", "Ring", name="Jaringan"), node("t:ORG", "Organization", name="PT Maju")]
    rels = [rel("do", "DIRECTOR_OF", "t:M1", "t:ORG")]
    for i in (1, 2):
        nodes += [node(f"t:M{i}", "Person", name=f"Member {i}"),
                  node(f"+6281{i}", "Phone"), node(f"t:AM{i}", "Account")]
        rels += [rel(f"m{i}", "MEMBER_OF", f"t:M{i}", "t:R"),
                 rel(f"um{i}", "USES", f"t:M{i}", f"+6281{i}"),
                 rel(f"hm{i}", "HOLDS", f"t:M{i}", f"t:AM{i}")]
    return nodes, rels


def calls_to(phone: str, members: list[int], n: int = 3) -> list[RelRow]:
    return [rel(f"c{phone}{i}{j}", "CALLED", phone, f"+6281{i}",
                at=f"2023-0{j + 1}-10T10:00:00Z") for i in members for j in range(n)]


def report(store: EmbeddedStore, nodes: list[NodeRow], rels: list[RelRow]) -> dict[str, Any]:
    store.upsert(nodes, rels)
    return dict(rank_protectors(store, ring_id="t:R", as_of=AS_OF))


def side(rep: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in rep["side"]}


def test_calls_with_several_members_and_a_recruit_make_a_side(
    embedded_store: EmbeddedStore,
) -> None:
    nodes, rels = ring()
    nodes += [node("t:X", "Person", name="Broker"), node("+62899", "Phone"),
              node("t:Y", "Person", name="One contact"), node("+62898", "Phone"),
              node("t:V", "Person", name="Victim"), node("t:V2", "Person", name="Victim 2")]
    rels += [rel("ux", "USES", "t:X", "+62899"), rel("uy", "USES", "t:Y", "+62898"),
             *calls_to("+62899", [1, 2]), *calls_to("+62898", [1]),
             rel("r1", "RECRUITED", "t:M1", "t:V", since="2023-01-01"),
             rel("r2", "RECRUITED", "t:Y", "t:V", since="2023-02-01")]
    got = side(report(embedded_store, nodes, rels))
    assert "t:X" in got and 0.3 <= got["t:X"]["confidence"] < 1
    assert [e["how"] for e in got["t:X"]["evidence"]] == ["calls"]
    assert got["t:X"]["evidence"][0]["with"] == ["t:M1", "t:M2"]
    # one member called is no role; recruiting the ring's victim is
    assert [e["how"] for e in got["t:Y"]["evidence"]] == ["recruited"]
    assert got["t:X"]["name"] == "Broker"
    # members are not repeated as inferred side; the victim never is
    assert not {"t:M1", "t:M2", "t:V"} & set(got)


def test_board_seat_and_co_suspect_make_a_side(embedded_store: EmbeddedStore) -> None:
    nodes, rels = ring()
    nodes += [node("t:B", "Person", name="Commissioner"), node("t:C", "Person", name="Co"),
              node("t:K", "Case", status="sidik"), node("t:N", "Person", name="Elsewhere"),
              node("t:K2", "Case", status="sidik")]
    rels += [rel("cb", "COMMISSIONER_OF", "t:B", "t:ORG"),
             rel("s1", "SUSPECT_IN", "t:M1", "t:K", since="2023-01-01"),
             rel("s2", "SUSPECT_IN", "t:C", "t:K", since="2023-01-01"),
             rel("s3", "SUSPECT_IN", "t:M2", "t:K2", since="2023-01-01")]
    got = side(report(embedded_store, nodes, rels))
    assert [e["how"] for e in got["t:B"]["evidence"]] == ["board"]
    assert got["t:B"]["confidence"] == 0.9
    assert [e["how"] for e in got["t:C"]["evidence"]] == ["suspect"]
    assert "t:N" not in got


def test_victims_officials_and_their_relatives_are_never_the_side(
    embedded_store: EmbeddedStore,
) -> None:
    nodes, rels = ring()
    nodes += [node("t:V", "Person", name="Victim"), node("+62897", "Phone"),
              node("t:P", "Person", "Official", name="Officer"), node("+62896", "Phone"),
              node("t:W", "Person", name="Wife"), node("+62895", "Phone")]
    rels += [rel("r", "RECRUITED", "t:M1", "t:V", since="2023-01-01"),
             rel("uv", "USES", "t:V", "+62897"), rel("up", "USES", "t:P", "+62896"),
             rel("uw", "USES", "t:W", "+62895"), rel("f", "FAMILY", "t:P", "t:W"),
             *calls_to("+62897", [1, 2]), *calls_to("+62896", [1, 2]),
             *calls_to("+62895", [1, 2])]
    rep = report(embedded_store, nodes, rels)
    assert side(rep) == {}
    # the official is scored, and his wife's calls still count as his side's
    officer = next(p for p in rep["protectors"] if p["id"] == "t:P")
    comms = next(i for i in officer["indicators"] if i["kind"] == "comms")
    assert comms["facts"]["calls"] == 12


def test_a_busy_phone_sinks(embedded_store: EmbeddedStore) -> None:
    """A top-up shop calls both members, and thousands of others: no role."""
    nodes, rels = ring()
    nodes += [node("t:T", "Organization", name="Pulsa"), node("+62890", "Phone"),
              *(node(f"+6270{i:03d}", "Phone") for i in range(300))]
    rels += [rel("ut", "USES", "t:T", "+62890"), *calls_to("+62890", [1, 2]),
             *(rel(f"o{i}", "CALLED", "+62890", f"+6270{i:03d}", at="2023-05-01T10:00:00Z")
               for i in range(300))]
    assert "t:T" not in side(report(embedded_store, nodes, rels))
