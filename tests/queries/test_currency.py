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
