"""The money indicator treats a holder as its own instrument.

Money a member hands to an official (or his relative) directly, by any type the model
declares ``meaning="money"`` between holders (a cash hand-over), counts exactly like
the same payment between their accounts. No such type is in today's model, so the
direct edge is put into the extracted graph here; a type that declares it reaches the
same code through the extraction (``CONTRIBUTING.md``, "Add a relationship type").
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore
from queries._common import parse_ts
from queries.protectors import neighbourhood, rank_graph, weights

AS_OF = "2024-12-31T00:00:00Z"
PAID = {"sources": ["t:S1"], "amount": 10_000_000.0, "at": "2023-05-01T10:00:00Z"}


def _node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def _rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end,
            "props": {"sources": ["t:S1"], **props}}


@pytest.fixture
def through_accounts(embedded_store: EmbeddedStore) -> nx.MultiDiGraph:
    """Member Budi pays Rp 10 juta from his account into the account of Siti, the wife
    of official Joko."""
    embedded_store.upsert(
        [_node("t:S1", "Source", reliability="A", credibility="1"), _node("t:R", "Ring"),
         _node("t:M", "Person", name="Budi"), _node("t:AM", "Account"),
         _node("t:W", "Person", name="Siti"), _node("t:AW", "Account"),
         _node("t:P", "Person", "Official", name="Joko")],
        [_rel("m", "MEMBER_OF", "t:M", "t:R"), _rel("hm", "HOLDS", "t:M", "t:AM"),
         _rel("hw", "HOLDS", "t:W", "t:AW"),
         _rel("f", "FAMILY", "t:P", "t:W", detail="spouse"),
         _rel("t", "TRANSFERRED", "t:AM", "t:AW", **{k: v for k, v in PAID.items()
                                                     if k != "sources"})],
    )
    return neighbourhood(embedded_store, "t:R")


def _money(h: nx.MultiDiGraph) -> dict[str, Any]:
    """Joko's money indicator (strength 0 when he has none)."""
    ranked = rank_graph(h, "t:R", as_of=parse_ts(AS_OF), cfg=weights())
    joko = next(p for p in ranked if p["id"] == "t:P")
    found = [i for i in joko["indicators"] if i["kind"] == "money"]
    return dict(found[0]) if found else {"score": 0}


def test_money_handed_over_counts_like_a_transfer(through_accounts: nx.MultiDiGraph) -> None:
    by_account = _money(through_accounts.copy())
    # the same payment, handed from Budi to Siti directly (no account on either side)
    h = through_accounts.copy()
    h.remove_edge("t:AM", "t:AW", key=("TRANSFERRED", "t"))
    h.add_edge("t:M", "t:W", key=("TRANSFERRED", "c"),
               **PAID, _type="TRANSFERRED", _id="c")
    by_hand = _money(h)
    assert by_hand["score"] == by_account["score"] > 0
    assert by_hand["facts"] == by_account["facts"]
    assert by_hand["facts"]["via_relative"] and by_hand["facts"]["routes"] == ["payment"]
    [path] = by_hand["evidence"]
    assert path["nodes"] == ["t:M", "t:W", "t:P"]
    assert [r["id"] for r in path["rels"]] == ["c", "f"]
    assert by_account["evidence"][0]["nodes"] == ["t:M", "t:AM", "t:AW", "t:W", "t:P"]


def test_money_from_an_outsider_by_hand_does_not_count(
    through_accounts: nx.MultiDiGraph,
) -> None:
    """Only the ring's side pays: the same hand-over from someone outside the ring is
    no payment from the ring."""
    h = through_accounts.copy()
    h.remove_edge("t:AM", "t:AW", key=("TRANSFERRED", "t"))
    h.add_node("t:X", _labels=frozenset({"Person"}), name="Tono")
    h.add_edge("t:X", "t:W", key=("TRANSFERRED", "c"), **PAID, _type="TRANSFERRED", _id="c")
    assert _money(h)["score"] == 0
