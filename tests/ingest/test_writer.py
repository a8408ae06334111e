"""Write-behind: batches are written in order, reads wait for them, a failure stops the rest.

Each test runs on both stores and with one and two writers (Neo4j's default is two
transactions at once; the embedded store serialises its writes and uses one).
"""

from __future__ import annotations

import contextlib

import pytest

from graph.errors import MissingEndpoint
from graph.rows import NodeRow, RelRow
from graph.store import Store
from graph.store.base import UpsertResult
from ingest.bundle._writer import SyncedStore, WriteBehind

writers = pytest.mark.parametrize("writers", [1, 2], ids=["1-writer", "2-writers"])


def person(pid: str, **props: object) -> NodeRow:
    return {"id": pid, "labels": ["Person"], "props": {"name": pid, "sources": ["s"], **props}}


def family(rid: str, a: str, b: str) -> RelRow:
    return {"id": rid, "type": "FAMILY", "start": a, "end": b, "props": {}}


@writers
def test_batches_land_in_order_and_reads_see_them(store: Store, writers: int) -> None:
    results: list[UpsertResult] = []
    writer = WriteBehind(store, results.append, depth=2, writers=writers)
    synced = SyncedStore(writer)
    for i in range(20):
        # each batch links to the previous batch's node: out of order it would fail
        rels = [family(f"f{i}", f"w:{i - 1}", f"w:{i}")] if i else []
        writer.submit([person(f"w:{i}")], rels)
    assert synced.get_node("w:19") is not None  # the read waited for all 20
    # with two writers a batch of nodes and relationships is written as two
    assert len(results) == 20 if writers == 1 else 39
    writer.close()
    assert store.counts()["relationships"]["FAMILY"] == 19
    assert sum(r.nodes["created"] for r in results) == 20
    assert sum(r.relationships["created"] for r in results) == 19


@writers
def test_a_failed_batch_raises_in_the_loader_and_stops_later_batches(
    store: Store, writers: int
) -> None:
    writer = WriteBehind(store, lambda _r: None, writers=writers)
    writer.submit([person("x:1")], [])
    writer.submit([], [family("bad", "x:1", "x:ghost")])
    # queued behind the bad batch (dropped), written alongside it (rolled back) or
    # refused at once: never written
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


def _people(prefix: str, n: int) -> list[NodeRow]:
    return [person(f"{prefix}:{i}") for i in range(n)]


def test_two_writers_overlap_batches_that_share_nothing_and_commit_in_order(
    neo4j_store: Store,
) -> None:
    """A big batch, then small independent ones: the small ones are written while the
    big one still runs, but none commits before it, and results arrive in order."""
    results: list[UpsertResult] = []
    writer = WriteBehind(neo4j_store, results.append, depth=4, writers=2)
    assert writer.patience >= 1.0
    writer.submit(_people("big", 20_000), [])
    for k in range(6):
        writer.submit(_people(f"small{k}", 1 + k), [])
    writer.close()
    assert writer.most_running == 2
    assert [r.nodes["created"] for r in results] == [20_000, 1, 2, 3, 4, 5, 6]
    assert neo4j_store.counts()["nodes"]["Person"] == 20_021


def test_batches_that_touch_the_same_node_are_never_written_at_once(
    neo4j_store: Store,
) -> None:
    """Later batches set the same node's property: the last submitted value wins, as in
    a sequential run (two writers updating it at once could commit in either order)."""
    writer = WriteBehind(neo4j_store, lambda _r: None, depth=4, writers=2)
    for k in range(12):
        writer.submit(_people(f"filler{k}", 3_000) + [person("hub", address=f"v{k}")], [])
    writer.close()
    assert writer.most_running == 1
    node = neo4j_store.get_node("hub")
    assert node is not None and node["props"]["address"] == "v11"


def test_a_batch_that_waits_too_long_rolls_back_and_is_written_again(
    neo4j_store: Store,
) -> None:
    """With no patience every batch that finishes before the one ahead of it rolls back
    and is written again once that one has committed: the graph is still complete.
    (Each small batch is written as two: its nodes, then its relationship.)"""
    results: list[UpsertResult] = []
    writer = WriteBehind(neo4j_store, results.append, depth=4, writers=2)
    writer.patience = 0.0
    writer.submit(_people("slow", 20_000), [])
    for k in range(5):
        writer.submit(_people(f"quick{k}", 10), [family(f"q{k}", f"quick{k}:0", f"quick{k}:1")])
    writer.close()
    assert writer.retries >= 1
    assert [(r.nodes["created"], r.relationships["created"]) for r in results] == [
        (20_000, 0)
    ] + [(10, 0), (0, 1)] * 5
    counts = neo4j_store.counts()
    assert counts["nodes"]["Person"] == 20_050
    assert counts["relationships"]["FAMILY"] == 5


def test_a_failure_rolls_back_the_later_batch_already_written_alongside(
    neo4j_store: Store,
) -> None:
    """The later batch runs next to the failing one (they share no id) and has finished
    its statements when the earlier one fails: it must not commit."""
    writer = WriteBehind(neo4j_store, lambda _r: None, depth=4, writers=2)
    writer.submit(_people("before", 5_000), [])
    doomed = [family(f"d{i}", f"before:{i % 5_000}", f"before:{(i * 7) % 5_000}")
              for i in range(20_000)]
    writer.submit([], doomed + [family("bad", "before:0", "y:ghost")])
    writer.submit([person("y:after")], [])
    with pytest.raises(MissingEndpoint, match="y:ghost"):
        writer.close()
    assert writer.most_running == 2
    assert neo4j_store.get_node("before:4999") is not None
    assert neo4j_store.counts()["relationships"]["FAMILY"] == 0
    assert neo4j_store.get_node("y:after") is None
