"""Currency is carried wherever an amount is shown: a USD transfer is never a bare
number nor rupiah (timeline on both stores, the protector money sentence, the entity
page's timeline rows, graph tooltips)."""

from __future__ import annotations

from typing import Any

import queries
from graph.model import MODEL
from graph.rows import NodeRow, RelRow
from graph.store import Store
from queries.protectors.indicators.money import amount_text
from queries.protectors.words import describe
from viz.aggregate import Bundle
from viz.tooltips import edge_label

(TRANSFERRED,) = MODEL.meaning("money")


def _graph(store: Store) -> None:
    nodes: list[NodeRow] = [
        {"id": a, "labels": ["Account"], "props": {"bank": "BRI", "number": a[-1]}}
        for a in ("t:A1", "t:A2")
    ]
    rels: list[RelRow] = [
        {"id": "t:x1", "type": TRANSFERRED, "start": "t:A1", "end": "t:A2",
         "props": {"amount": 1200.5, "currency": "USD", "at": "2023-01-01T00:00:00Z"}},
        {"id": "t:x2", "type": TRANSFERRED, "start": "t:A2", "end": "t:A1",
         "props": {"amount": 1500000.0, "at": "2023-01-02T00:00:00Z"}},
    ]
    store.upsert(nodes, rels)


def test_timeline_items_carry_the_currency(store: Store) -> None:
    _graph(store)
    items = queries.timeline(store, id="t:A1")
    assert [(i["amount"], i["currency"]) for i in items] == [(1200.5, "USD"), (1500000.0, "IDR")]


def test_money_sentence_names_the_currency() -> None:
    facts: dict[str, Any] = {"count": 2, "amount": 6200.0, "amounts": {"IDR": 1200.0,
                                                                       "USD": 5000.0}}
    said = describe("money", facts, "en")
    assert "(Rp 1.200 + USD 5.000)" in said, said
    only_usd = describe("money", {"count": 1, "amount": 99.5, "amounts": {"USD": 99.5}}, "id")
    assert "USD 99,50" in only_usd and "Rp" not in only_usd
    # rupiah alone reads as before
    assert "(Rp 1.500.000)" in describe("money", {"count": 1, "amount": 1500000.0}, "en")
    assert amount_text(1200.5, "usd") == "USD 1.200,50"


def test_tooltip_edge_label_names_the_currency() -> None:
    rel: RelRow = {"id": "t:x1", "type": TRANSFERRED, "start": "t:A1", "end": "t:A2",
                   "props": {"amount": 1200.5, "currency": "USD"}}
    label = edge_label(Bundle(TRANSFERRED, "t:A1", "t:A2", True, [rel]), "id")
    assert label.startswith("USD 1.200,50"), label


def _paid(store: Store, currency: str, amount: float) -> dict[str, Any]:
    """A member pays an official five times ``amount`` in ``currency``; his money indicator."""
    from queries.protectors import rank_protectors

    nodes: list[NodeRow] = [
        {"id": "t:R", "labels": ["Ring"], "props": {}},
        {"id": "t:M", "labels": ["Person"], "props": {"name": "Member"}},
        {"id": "t:P", "labels": ["Person", "Official"], "props": {"name": "Officer"}},
        {"id": "t:AM", "labels": ["Account"], "props": {}},
        {"id": "t:AP", "labels": ["Account"], "props": {}},
    ]
    rels: list[RelRow] = [
        {"id": "m", "type": "MEMBER_OF", "start": "t:M", "end": "t:R", "props": {}},
        {"id": "hm", "type": "HOLDS", "start": "t:M", "end": "t:AM", "props": {}},
        {"id": "hp", "type": "HOLDS", "start": "t:P", "end": "t:AP", "props": {}},
    ] + [
        {"id": f"p{i}", "type": TRANSFERRED, "start": "t:AM", "end": "t:AP",
         "props": {"amount": amount, "currency": currency, "at": f"2023-0{i + 1}-05T00:00:00Z"}}
        for i in range(5)
    ]
    store.upsert(nodes, rels)
    report = rank_protectors(store, ring_id="t:R", as_of="2024-01-01T00:00:00Z")
    (p,) = report["protectors"]
    return next(i for i in p["indicators"] if i["kind"] == "money")


def test_the_money_score_weighs_other_currencies_in_rupiah(store: Store) -> None:
    """USD 2,000 five times weighs as Rp 31 juta five times (at [money] rupiah_per), not
    as Rp 2,000; a currency without a rate counts the payments, not their amount."""
    usd = _paid(store, "USD", 2_000.0)
    store.wipe()
    idr = _paid(store, "IDR", 31_000_000.0)
    assert usd["score"] == idr["score"] and usd["facts"]["amount"] == 155_000_000.0
    assert "USD 10.000" in describe("money", usd["facts"], "en")
    store.wipe()
    gold = _paid(store, "XAU", 2_000.0)
    store.wipe()
    nothing = _paid(store, "IDR", 0.01)
    assert gold["score"] == nothing["score"] < idr["score"]
    assert gold["facts"]["unpriced"] == ["XAU"]
    words = describe("money", gold["facts"], "id")
    assert "tidak ada kurs rupiah untuk XAU" in words
