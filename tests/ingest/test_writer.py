"""Write-behind: batches are written in order, reads wait for them, a failure stops the rest."""

from __future__ import annotations

import contextlib

import pytest

from graph_api.errors import MissingEndpoint
from graph_api.rows import NodeRow, RelRow
from graph_api.store import Store
from graph_api.store.base import UpsertResult
from ingest.bundle._writer import SyncedStore, WriteBehind


def person(pid: str) -> NodeRow:
    return {"id": pid, "labels": ["Person"], "props": {"name": pid, "sources": ["s"]}}


def family(rid: str, a: str, b: str) -> RelRow:
    return {"id": rid, "type": "FAMILY", "start": a, "end": b, "props": {}}


def test_batches_land_in_order_and_reads_see_them(store: Store) -> None:
    results: list[UpsertResult] = []
    writer = WriteBehind(store, results.append, depth=2)
    synced = SyncedStore(writer)
    for i in range(20):
        # each batch links to the previous batch's node: out of order it would fail
        rels = [family(f"f{i}", f"w:{i - 1}", f"w:{i}")] if i else []
        writer.submit([person(f"w:{i}")], rels)
    assert synced.get_node("w:19") is not None  # the read waited for all 20
    assert len(results) == 20
    writer.close()
    assert store.counts()["relationships"]["FAMILY"] == 19
    assert sum(r.nodes["created"] for r in results) == 20


def test_a_failed_batch_raises_in_the_loader_and_stops_later_batches(store: Store) -> None:
    writer = WriteBehind(store, lambda _r: None)
    writer.submit([person("x:1")], [])
    writer.submit([], [family("bad", "x:1", "x:ghost")])
    # queued behind the bad batch (dropped) or refused at once: never written
    with contextlib.suppress(MissingEndpoint):
        writer.submit([person("x:2")], [])
    with pytest.raises(MissingEndpoint, match="x:ghost"):
        writer.wait()
    with pytest.raises(MissingEndpoint):
        writer.submit([person("x:3")], [])
    with pytest.raises(MissingEndpoint):
        writer.close()
    assert store.get_node("x:1") is not None
    assert store.get_node("x:2") is None
    assert store.counts()["relationships"]["FAMILY"] == 0
