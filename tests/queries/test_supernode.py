"""A supernode (a shop's phone everyone calls) ends paths instead of multiplying them."""

from __future__ import annotations

from typing import Any

import queries
from graph.rows import NodeRow, RelRow
from graph.store import Store


def _n(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def _r(rid: str, typ: str, a: str, b: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": a, "end": b, "props": props}


def test_official_links_do_not_pass_through_a_supernode(store: Store) -> None:
    nodes = [
        _n("o", "Person", "Official", name="Iptu Hadi"),
        _n("m", "Person", name="Anggota"),
        _n("ring", "Ring", name="R"),
        _n("+621", "Phone", number="+621"),
        _n("+62hub", "Phone", number="+62hub"),
    ]
    rels = [
        _r("u1", "USES", "o", "+621"),
        _r("u2", "USES", "m", "+62hub"),  # the member uses the shop phone
        _r("mem", "MEMBER_OF", "m", "ring", role="leader"),
        _r("c0", "CALLED", "+621", "+62hub", at="2023-01-01T00:00:00Z"),
    ]
    for i in range(30):  # everyone calls the shop
        nodes.append(_n(f"+63{i}", "Phone", number=f"+63{i}"))
        rels.append(_r(f"cx{i}", "CALLED", f"+63{i}", "+62hub", at="2023-01-02T00:00:00Z"))
    store.upsert(nodes, rels)
    found = queries.official_links(store, id="o")
    assert found is not None and found["counts"]["phone"] == 1
    assert found["paths"]["phone"][0]["nodes"] == ["o", "+621", "+62hub", "m"]
    cut = queries.official_links(store, id="o", max_degree=10)
    assert cut is not None and cut["counts"]["phone"] == 0  # the hub is not passed through
