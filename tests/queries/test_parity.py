"""Parity: a seeded random graph written to both stores gives identical answers."""

from __future__ import annotations

import random
from typing import Any

import pytest

import queries
from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Neo4jStore, Store

pytestmark = pytest.mark.neo4j

FIRST = ["budi", "siti", "agus", "dewi", "joko", "rina", "andi", "sri", "eko", "wati"]
LAST = ["santoso", "rahayu", "wibowo", "lestari", "pratama", "kurniawan", "susanti"]


def _at(rng: random.Random) -> str:
    return f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"


def random_graph(seed: int = 7) -> tuple[list[NodeRow], list[RelRow]]:
    rng = random.Random(seed)
    nodes: list[NodeRow] = [{"id": "r:S1", "labels": ["Source"],
                             "props": {"kind": "cdr", "reliability": "C", "credibility": "3"}}]
    people = [f"r:P{i:03d}" for i in range(80)]
    officials = people[:12]
    for i, pid in enumerate(people):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        nodes.append({"id": pid, "labels": ["Official", "Person"] if pid in officials else
                      ["Person"], "props": {"name": name.title(), "name_norm": name,
                                            "nik": f"3501{i:012d}", "sources": ["r:S1"]}})
    orgs = [f"r:O{i:02d}" for i in range(10)]
    nodes += [{"id": o, "labels": ["Organization"],
               "props": {"name": f"PT {rng.choice(LAST).title()} {i}"}} for i, o in enumerate(orgs)]
    phones = [f"+62812{i:08d}" for i in range(60)]
    nodes += [{"id": p, "labels": ["Phone"], "props": {"number": p}} for p in phones]
    accounts = [f"r:A{i:02d}" for i in range(60)]
    nodes += [{"id": a, "labels": ["Account"], "props": {"bank": "BRI", "number": f"9{j:05d}"}}
              for j, a in enumerate(accounts)]
    cases = [f"r:K{i:02d}" for i in range(15)]
    nodes += [{"id": c, "labels": ["Case"], "props": {
        "status": rng.choice(["lidik", "sidik", "sp3", "p21", "vonis"]),
        "opened_at": f"20{rng.randint(19, 23)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "status_at": _at(rng)}} for c in cases]
    events = [f"r:E{i:02d}" for i in range(15)]
    nodes += [{"id": e, "labels": ["Event"], "props": {
        "kind": rng.choice(["raid", "raid", "arrest"]),
        "outcome": rng.choice(["nothing_found", "escaped", "found"]), "at": _at(rng)}}
        for e in events]
    rings = ["r:R1", "r:R2"]
    nodes += [{"id": r, "labels": ["Ring"], "props": {"name": r}} for r in rings]
    nodes.append({"id": "r:AG", "labels": ["Agency"], "props": {"name": "Polres"}})
    rels: list[RelRow] = []

    def add(typ: str, a: str, b: str, **props: Any) -> None:
        rels.append({"id": f"{typ.lower()}{len(rels)}", "type": typ, "start": a, "end": b,
                     "props": props})

    for i, p in enumerate(phones):
        add("USES", rng.choice(people + orgs[:3]), p)
        if i % 7 == 0:
            add("USES", rng.choice(people), p)
    for a in accounts[:50]:
        add("HOLDS", rng.choice(people + orgs), a)
    for _ in range(250):
        add("CALLED", rng.choice(phones), rng.choice(phones), at=_at(rng), kind="call")
    for _ in range(220):
        add("TRANSFERRED", rng.choice(accounts), rng.choice(accounts), at=_at(rng),
            amount=float(rng.choice([1, 5, 10, 50]) * 100_000), currency="IDR")
    for _ in range(30):
        add(rng.choice(["FAMILY", "ASSOCIATE"]), rng.choice(people), rng.choice(people))
    for p in people[12:30]:
        add("MEMBER_OF", p, rng.choice(rings), role="other")
    add("MEMBER_OF", orgs[0], "r:R1")
    for _ in range(30):
        add("SUSPECT_IN", rng.choice(people[10:]), rng.choice(cases))
    for c in cases:
        add(rng.choice(["INVESTIGATES", "SUPERVISES"]), rng.choice(officials), c)
    for e in events:
        add("TARGET_OF", rng.choice(people[12:40] + orgs), e)
        if rng.random() < 0.5:
            add("ABOUT", e, rng.choice(cases))
        add("LED", rng.choice(officials), e)
    for o in orgs:
        add(rng.choice(["DIRECTOR_OF", "OWNER_OF", "EMPLOYEE_OF", "COMMISSIONER_OF"]),
            rng.choice(people), o)
    for i, o in enumerate(officials):
        add("HOLDS_POST", o, "r:AG", id_number=f"7{i:07d}", since=f"20{10 + i}-01-01")
    _handsets_and_cells(random.Random(seed + 1), nodes, phones, add)
    return nodes, rels


def _handsets_and_cells(rng: random.Random, nodes: list[NodeRow], phones: list[str],
                        add: Any) -> None:
    """Passports, an extra id column, handsets and calls with cells (their own stream,
    so that the graph above stays the same)."""
    for i, n in enumerate(nodes[1:21]):
        n["props"]["passport"] = f"B{i:07d}"
        n["props"]["x_nhs_no"] = f"NHS-{i:04d}"
    for i in range(6):
        nodes.append({"id": f"imei:35{i:013d}", "labels": ["Handset"],
                      "props": {"imei": f"35{i:013d}"}})
        for p in rng.sample(phones[:12], 2):
            add("USED_IN", p, f"imei:35{i:013d}")
    for _ in range(120):
        minute = rng.randint(0, 59)
        add("CALLED", rng.choice(phones[:20]), rng.choice(phones),
            at=f"2023-06-01T{rng.randint(8, 11):02d}:{minute:02d}:00Z", kind="call",
            cell_id=rng.choice(["101", "102", "103"]), lac=rng.choice(["7", "7", "8"]))


def calls(store: Store) -> dict[str, Any]:
    people = [f"r:P{i:03d}" for i in range(80)]
    out: dict[str, Any] = {"rings": queries.rings(store)}
    for q in ("budi santoso", "siti", "wibowo", "agsu", "0812-0000-0007", "3501000000000005",
              "70000003", "900004", "PT Lestari"):
        out[f"search {q}"] = queries.search(store, q=q)
    for pid in people[::9] + ["+6281200000003", "r:A05", "r:K03", "r:E04"]:
        out[f"entity {pid}"] = queries.entity(store, id=pid)
        out[f"timeline {pid}"] = queries.timeline(store, id=pid)
        out[f"nb {pid}"] = queries.neighbourhood(store, id=pid, hops=2, cap=5)
    out["nb types"] = queries.neighbourhood(store, id="r:P020", hops=3, cap=4,
                                            types=["CALLED", "USES", "FAMILY"])
    for a, b in [("r:P001", "r:P050"), ("r:P013", "r:P070"), ("r:P002", "r:O03")]:
        out[f"paths {a} {b}"] = queries.paths(store, source=a, target=b, limit=20)
    for src in ("r:P015", "r:P020", "r:A03", "r:P033"):
        out[f"money {src}"] = queries.money_trail(store, source=src, window_hours=24 * 60)
        out[f"money off {src}"] = queries.money_trail(store, source=src, to_officials=True,
                                                      min_amount=400_000)
    out["money target"] = queries.money_trail(store, source="r:A01", target="r:A07",
                                              window_hours=24 * 365)
    for o in [f"r:P{i:03d}" for i in range(12)]:
        out[f"links {o}"] = queries.official_links(store, id=o, cap=30)
    for r in ("r:R1", "r:R2"):
        out[f"cases {r}"] = queries.case_interference(store, ring_id=r,
                                                      as_of="2024-01-01T00:00:00Z")
        out[f"tipoffs {r}"] = queries.tipoffs(store, ring_id=r, window_hours=24 * 30)
        out[f"expand {r}"] = queries.ring_expand(store, ring_id=r, seed=3)
    out["subgraph"] = queries.subgraph(store, ids=people[:40] + ["+6281200000001"])
    for q in ("B0000003", "b 000 0004", "NHS-0007", "350000000000002"):
        out[f"search {q}"] = queries.search(store, q=q)
    phones = [f"+62812{i:08d}" for i in range(12)]
    for a, b in zip(phones[::2], phones[1::2], strict=True):
        out[f"common {a} {b}"] = queries.common_contacts(store, a=a, b=b)
    for p in phones[:8]:
        for window in (0, 10, 60):
            out[f"colocated {p} {window}"] = queries.colocated(store, phone=p,
                                                               window_minutes=window)
    return out


def test_every_named_query_agrees(embedded_store: EmbeddedStore, neo4j_store: Neo4jStore) -> None:
    nodes, rels = random_graph()
    embedded_store.upsert(nodes, rels)
    neo4j_store.upsert(nodes, rels)
    left, right = calls(embedded_store), calls(neo4j_store)
    assert left.keys() == right.keys()
    differ = [k for k in left if left[k] != right[k]]
    assert not differ, differ
    # The data set must exercise the queries, or agreement proves little.
    assert sum(bool(v) for k, v in left.items() if k.startswith("money")) >= 4
    assert any(left[f"tipoffs {r}"] for r in ("r:R1", "r:R2"))
    assert [h["matched"] for h in left["search 900004"]] == ["account"]
    assert [h["matched"] for h in left["search b 000 0004"]] == ["passport"]
    assert [h["matched"] for h in left["search NHS-0007"]] == ["extra"]
    assert [h["matched"] for h in left["search 350000000000002"]] == ["imei"]
    assert sum(bool(v) for k, v in left.items() if k.startswith("common")) >= 3
    assert sum(bool(v) for k, v in left.items() if k.startswith("colocated")) >= 8
    assert any(v and any(v["counts"].values()) for k, v in left.items() if k.startswith("links"))
    assert any(c["candidates"] for k, c in left.items() if k.startswith("expand"))
