"""Phone nodes of a chunk: one per number, every source kept, nothing from rejected rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from ingest.bundle._context import Batch, LoadContext, RowError, each


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[LoadContext]:
    store = EmbeddedStore(tmp_path / "s")
    context = LoadContext(bundle="b", store=store)
    yield context
    context.seen.close()
    store.close()


def test_rows_sharing_a_number_give_one_node_with_all_sources(ctx: LoadContext) -> None:
    batch = Batch()
    rows = [(2, {"n": "+62811", "s": "b:S1"}), (3, {"n": "+62811", "s": "b:S2"}),
            (4, {"n": "+62812", "s": "b:S1"}), (5, {"n": "+62811", "s": "b:S1"})]

    def one(line: int, row: dict[str, str], local: Batch) -> None:
        local.phone(row["n"], [row["s"]])

    assert each(rows, batch, lambda *a: None, one) == 4
    nodes = ctx.phone_nodes(batch.phones)
    assert nodes == [
        {"id": "+62811", "labels": ["Phone"], "props": {"number": "+62811",
                                                       "sources": ["b:S1", "b:S2"]}},
        {"id": "+62812", "labels": ["Phone"], "props": {"number": "+62812",
                                                       "sources": ["b:S1"]}},
    ]
    # a later chunk: only numbers never written come back; a new source of a written
    # number waits for the end of the file, in the order found
    again = Batch()
    again.phone("+62811", ["b:S2"])
    again.phone("+62812", ["b:S3"])
    again.phone("+62813", [])
    assert [(n["id"], n["props"]["sources"]) for n in ctx.phone_nodes(again.phones)] == [
        ("+62813", [])]
    third = Batch()
    third.phone("+62812", ["b:S4", "b:S3"])
    third.phone("+62811", ["b:S5"])
    assert ctx.phone_nodes(third.phones) == []
    assert [(n["id"], n["props"]["sources"]) for n in ctx.later_phone_nodes()] == [
        ("+62812", ["b:S3", "b:S4"]), ("+62811", ["b:S5"])]
    assert ctx.later_phone_nodes() == []


def test_a_rejected_row_leaves_no_phone_behind(ctx: LoadContext) -> None:
    batch = Batch()
    rejected: list[int] = []

    def one(line: int, row: dict[str, str], local: Batch) -> None:
        local.phone(row["n"], ["b:S1"])
        local.rel(f"r{line}", "CALLED", row["n"], row["n"], {})
        if line == 3:
            raise RowError("bad row after its phone was seen")

    rows = [(2, {"n": "+62811"}), (3, {"n": "+62899"}), (4, {"n": "+62812"})]
    assert each(rows, batch, lambda line, row, reason: rejected.append(line), one) == 2
    assert rejected == [3]
    assert sorted(batch.phones) == ["+62811", "+62812"]
    assert [r["id"] for r in batch.rels] == ["r2", "r4"]
    assert [n["id"] for n in ctx.phone_nodes(batch.phones)] == ["+62811", "+62812"]
