"""Ring expansion (queries.expand): weighted ties, hubs, officials, victims, both stores.

Each graph is built by hand so that the answer without the behaviour under test
would differ: ids are chosen so that the alphabet alone would pick the wrong node.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import queries
from bench.expansion import (
    common_neighbours,
    evaluate,
    infinito,
    noordin,
    telusur,
)
from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Neo4jStore, Store
from queries.expand import tie_weight, walk_scores


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": {"sources": ["x:S"], **props}}


def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end, "props": props}


class Graph:
    """Ring x:R with members x:M1, x:M2; helpers add people with phones and accounts."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = [
            node("x:S", "Source", kind="bap"),
            node("x:R", "Ring", name="R"),
            node("x:K", "Case", title="LP/1", status="sidik"),
        ]
        self.rels: list[RelRow] = []
        self.n = 0
        for m in ("x:M1", "x:M2"):
            self.person(m)
            self.rels.append(rel(f"mem{m}", "MEMBER_OF", m, "x:R"))

    def person(self, pid: str, *extra: str, label: str = "Person") -> None:
        self.nodes.append(node(pid, label, *extra, name=f"name {pid}"))
        self.nodes.append(node(f"{pid}:p", "Phone", number=f"{pid}:p"))
        self.nodes.append(node(f"{pid}:a", "Account", bank="B", number=f"{pid}:a"))
        self.rels.append(rel(f"u{pid}", "USES", pid, f"{pid}:p"))
        self.rels.append(rel(f"h{pid}", "HOLDS", pid, f"{pid}:a"))

    def calls(self, a: str, b: str, n: int = 1) -> None:
        for _ in range(n):
            self.n += 1
            self.rels.append(rel(f"c{self.n}", "CALLED", f"{a}:p", f"{b}:p", at="2023-01-01"))

    def pay(self, a: str, b: str, amount: float) -> None:
        self.n += 1
        self.rels.append(
            rel(
                f"t{self.n}",
                "TRANSFERRED",
                f"{a}:a",
                f"{b}:a",
                amount=amount,
                currency="IDR",
                at="2023-01-01",
            )
        )

    def load(self, store: Store) -> Store:
        store.upsert(self.nodes, self.rels)
        return store


def ids(rows: list[Any]) -> list[str]:
    return [r["id"] for r in rows]


def test_a_hub_sinks_below_a_quiet_contact(store: Store) -> None:
    g = Graph()
    g.person("x:A_shop", label="Organization")  # a top-up shop: sorts first by id
    g.person("x:Z")
    for m in ("x:M1", "x:M2"):
        g.calls(m, "x:A_shop")
        g.calls(m, "x:Z")
    for i in range(40):  # the shop's other customers
        g.person(f"x:C{i:02d}")
        g.calls(f"x:C{i:02d}", "x:A_shop")
    out = queries.ring_expand(g.load(store), ring_id="x:R", max_degree=20)
    got = ids(out["candidates"])
    assert got.index("x:Z") < got.index("x:A_shop")
    shop = next(c for c in out["candidates"] if c["id"] == "x:A_shop")
    assert shop["score"] < 0.5 and shop["evidence"][0]["counts"] == {"CALLED": 1}


def test_repeated_and_varied_ties_beat_a_single_call(store: Store) -> None:
    g = Graph()
    g.person("x:A_once")
    g.person("x:B_often")
    g.person("x:C_paid")
    g.calls("x:M1", "x:A_once")
    g.calls("x:M1", "x:B_often", 6)
    g.calls("x:M1", "x:C_paid")
    g.pay("x:M2", "x:C_paid", 5_000_000.0)
    out = queries.ring_expand(g.load(store), ring_id="x:R")
    # two members by two kinds first; six calls beat one (the alphabet would say A)
    assert ids(out["candidates"]) == ["x:C_paid", "x:B_often", "x:A_once"]
    paid = out["candidates"][0]
    assert paid["evidence"] == [
        {"member": "x:M1", "name": "name x:M1", "counts": {"CALLED": 1}, "amounts": {}},
        {
            "member": "x:M2",
            "name": "name x:M2",
            "counts": {"TRANSFERRED": 1},
            "amounts": {"IDR": 5_000_000.0},
        },
    ]
    assert out["candidates"][0]["score"] == 1.0


def test_officials_are_their_own_list_and_victims_are_never_candidates(store: Store) -> None:
    g = Graph()
    g.person("x:A_cop", "Official")
    g.person("x:A_victim")
    g.person("x:Z")
    g.calls("x:M1", "x:A_cop", 3)
    g.calls("x:M1", "x:A_victim", 5)
    g.calls("x:M2", "x:A_victim", 5)
    g.calls("x:M1", "x:Z")
    g.rels += [
        rel("s1", "SUSPECT_IN", "x:M2", "x:K"),
        rel("v1", "VICTIM_IN", "x:A_victim", "x:K"),
        rel("i1", "INVESTIGATES", "x:A_cop", "x:K"),
    ]
    out = queries.ring_expand(g.load(store), ring_id="x:R")
    assert ids(out["candidates"]) == ["x:Z"]
    assert ids(out["officials"]) == ["x:A_cop"]
    assert out["officials"][0]["evidence"] == [
        {"member": "x:M1", "name": "name x:M1", "counts": {"CALLED": 3}, "amounts": {}},
        {"member": "x:M2", "name": "name x:M2", "counts": {"CASE_DUTY": 1}, "amounts": {}},
    ]


def test_reached_through_others_and_bounded_by_hops(store: Store) -> None:
    g = Graph()
    g.person("x:B")
    g.person("x:C")
    g.calls("x:M1", "x:B", 2)
    g.calls("x:M2", "x:B", 2)
    g.rels.append(rel("f1", "FAMILY", "x:B", "x:C"))
    g.load(store)
    two = queries.ring_expand(store, ring_id="x:R", hops=2)
    assert ids(two["candidates"]) == ["x:B", "x:C"]
    assert two["candidates"][1]["evidence"] == []  # no tie to a member: reached via B
    assert ids(queries.ring_expand(store, ring_id="x:R", hops=1)["candidates"]) == ["x:B"]
    # the cost bound: the first hop's subgraph is already larger than max_nodes
    capped = queries.ring_expand(store, ring_id="x:R", hops=3, max_nodes=5)
    assert capped["hops"] == 1 and ids(capped["candidates"]) == ["x:B"]
    assert two["hops"] == 2
    empty = queries.ring_expand(store, ring_id="x:nope")
    assert empty["members"] == [] and empty["candidates"] == [] and empty["officials"] == []


def test_the_store_builds_the_ties_the_bench_scores(embedded_store: EmbeddedStore) -> None:
    """ring_expand and bench/expansion.py run one scoring function on the same ties."""
    ties: dict[tuple[str, str], Counter[str]] = {
        ("x:M1", "x:P1"): Counter(ASSOCIATE=2),
        ("x:M2", "x:P2"): Counter(FAMILY=1),
        ("x:P1", "x:P3"): Counter(ASSOCIATE=1),
        ("x:P2", "x:P3"): Counter(ASSOCIATE=1, FAMILY=1),
        ("x:M1", "x:P4"): Counter(ASSOCIATE=1),
    }
    g = Graph()
    for p in ("x:P1", "x:P2", "x:P3", "x:P4"):
        g.person(p)
    for (a, b), kinds in ties.items():
        for kind, n in kinds.items():
            g.rels += [rel(f"{kind}{a}{b}{i}", kind, a, b) for i in range(n)]
    out = queries.ring_expand(g.load(embedded_store), ring_id="x:R")
    scores = telusur(ties, ["x:M1", "x:M2"])
    expected = sorted((n for n in scores if n.startswith("x:P")), key=lambda n: (-scores[n], n))
    assert ids(out["candidates"]) == expected
    top = scores[expected[0]]
    assert [c["score"] for c in out["candidates"]] == [round(scores[n] / top, 4) for n in expected]


def test_walk_scores_by_hand() -> None:
    # a - b, restart 0.5: x_a = 0.5 + 0.5 x_b, x_b = 0.5 x_a -> x_a = 2/3, x_b = 1/3
    s = walk_scores({("a", "b"): 2.0}, ["a"], restart=0.5, beta=0.0)
    assert s["a"] == pytest.approx(2 / 3) and s["b"] == pytest.approx(1 / 3)
    # a leak of 2 at b halves what b passes back: x_b = 0.5 x_a, x_a = 0.5 + 0.25 x_b
    s = walk_scores({("a", "b"): 2.0}, ["a"], leak={"b": 2.0}, restart=0.5, beta=1.0)
    x_a = 0.5 / (1 - 0.125)
    assert s["b"] == pytest.approx(0.5 * x_a / 4)
    assert tie_weight({"CALLED": 1, "FAMILY": 1}) == 3.0


def test_both_stores_agree(embedded_store: EmbeddedStore, neo4j_store: Neo4jStore) -> None:
    g = Graph()
    for i in range(12):
        g.person(f"x:P{i:02d}", *(("Official",) if i % 5 == 0 else ()))
    for i in range(12):
        g.calls("x:M1" if i % 2 else "x:M2", f"x:P{i:02d}", 1 + i % 3)
        g.calls(f"x:P{i:02d}", f"x:P{(i * 7 + 3) % 12:02d}")
        g.pay(f"x:P{i:02d}", "x:M1", 1000.0 * (i + 1))
    g.rels += [
        rel("s1", "SUSPECT_IN", "x:M1", "x:K"),
        rel("s2", "SUSPECT_IN", "x:P03", "x:K"),
        rel("v1", "VICTIM_IN", "x:P04", "x:K"),
        rel("f1", "FAMILY", "x:P01", "x:P02"),
    ]
    left = queries.ring_expand(g.load(embedded_store), ring_id="x:R", hops=3)
    right = queries.ring_expand(g.load(neo4j_store), ring_id="x:R", hops=3)
    assert left == right
    assert len(left["candidates"]) >= 5 and left["officials"]


# -- the labelled real networks (../shared/data) ---------------------------------------------
@pytest.mark.parametrize("load", [infinito, noordin], ids=["infinito", "noordin_139"])
def test_beats_common_neighbours_on_real_networks(shared_data: Path, load: Any) -> None:
    res = evaluate(load(shared_data), {"telusur": telusur, "cn": common_neighbours})["mean"]
    assert res["telusur"][0] > 1.1 * res["cn"][0]
