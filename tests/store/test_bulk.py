"""``Store.bulk``: batches written in order, the writer's own reads see them, a failure
stops the rest; relationships submitted as fresh give the merge's graph.

The contract tests run on both stores (the embedded store writes each batch at once;
Neo4j's bulk writer writes in two transactions at once while the caller prepares the
next). The tests of Neo4j's ordering rules drive its writer directly, with one and
two writer threads.
"""

from __future__ import annotations

import contextlib

import pytest

from graph.errors import MissingEndpoint
from graph.rows import NodeRow, RelRow
from graph.store import Neo4jStore, Store
from graph.store._neo4j_bulk import Neo4jBulk
from graph.store.base import UpsertResult


def person(pid: str, **props: object) -> NodeRow:
    return {"id": pid, "labels": ["Person"], "props": {"name": pid, "sources": ["s"], **props}}


def family(rid: str, a: str, b: str) -> RelRow:
    return {"id": rid, "type": "FAMILY", "start": a, "end": b, "props": {}}


def account(aid: str) -> NodeRow:
    return {"id": aid, "labels": ["Account"], "props": {"bank": "BRI", "number": aid[-1]}}


def transfer(rid: str, a: str, b: str, amount: float) -> RelRow:
    return {"id": rid, "type": "TRANSFERRED", "start": a, "end": b, "props": {"amount": amount}}


def test_batches_land_in_order_and_the_writers_reads_see_them(store: Store) -> None:
    results: list[UpsertResult] = []
    with store.bulk(results.append) as writer:
        for i in range(20):
            # each batch links to the previous batch's node: out of order it would fail
            rels = [family(f"f{i}", f"w:{i - 1}", f"w:{i}")] if i else []
            writer.submit([person(f"w:{i}")], rels)
        assert store.get_node("w:19") is not None  # the read waited for all 20
        assert store.counts()["relationships"]["FAMILY"] == 19
    assert sum(r.nodes["created"] for r in results) == 20
    assert sum(r.relationships["created"] for r in results) == 19


def test_a_failed_batch_raises_and_stops_later_batches(store: Store) -> None:
    writer = store.bulk()
    writer.submit([person("x:1")], [])
    # raised at once (written at once), or later (written in another thread)
    with contextlib.suppress(MissingEndpoint):
        writer.submit([], [family("bad", "x:1", "x:ghost")])
    # queued behind the bad batch (dropped), written alongside it (rolled back) or
    # refused at once: never written
    with contextlib.suppress(MissingEndpoint):
        writer.submit([person("x:2")], [])
    if store.kind == "neo4j":  # a read of the writer's thread waits, and sees the failure
        with pytest.raises(MissingEndpoint, match="x:ghost"):
            store.get_node("x:1")
    with pytest.raises(MissingEndpoint):
        writer.submit([person("x:3")], [])
    with pytest.raises(MissingEndpoint):
        writer.close()
    assert store.get_node("x:1") is not None
    assert store.get_node("x:2") is None
    assert store.counts()["relationships"]["FAMILY"] == 0


def test_leaving_the_block_with_an_error_writes_what_came_before(store: Store) -> None:
    with pytest.raises(ValueError, match="loader"), store.bulk() as writer:
        writer.submit([person("e:1")], [])
        raise ValueError("the loader's own error")
    assert store.get_node("e:1") is not None


def test_fresh_relationships_give_the_merge_graph(store: Store) -> None:
    """Fresh (``submit(fresh=prefix)``): the same graph and counts as a merge; a missing
    endpoint still rejects the whole batch; a second run of the same batches (a rerun
    after a crash) merges into what the first wrote, on Neo4j too, whose id constraint
    would refuse a second relationship with an id."""
    store.upsert([account(f"n:a{i}") for i in range(3)])
    rels = [
        transfer("n:t1", "n:a0", "n:a1", 5.0),
        transfer("n:t2", "n:a1", "n:a2", 7.5),
    ]
    results: list[UpsertResult] = []
    with store.bulk(results.append) as writer:
        writer.submit([], rels, fresh="n:")
    assert sum(r.relationships["created"] for r in results) == 2
    got = store.get_rels([("TRANSFERRED", "n:t1"), ("TRANSFERRED", "n:t2")])
    assert got[("TRANSFERRED", "n:t1")]["props"] == {"amount": 5.0, "sources": []}
    assert (got[("TRANSFERRED", "n:t2")]["start"], got[("TRANSFERRED", "n:t2")]["end"]) == (
        "n:a1",
        "n:a2",
    )
    results.clear()
    again = [transfer("n:t1", "n:a0", "n:a1", 6.0), transfer("n:t3", "n:a0", "n:a2", 1.0)]
    with store.bulk(results.append) as writer:
        writer.submit([], again, fresh="n:")
    assert sum(r.relationships["created"] for r in results) == 1
    assert sum(r.relationships["updated"] for r in results) == 1
    assert store.counts()["relationships"]["TRANSFERRED"] == 3
    assert (
        store.get_rels([("TRANSFERRED", "n:t1")])[("TRANSFERRED", "n:t1")]["props"]["amount"] == 6.0
    )
    before = store.counts()
    ghost = [transfer("m:t4", "n:a0", "n:a2", 1.0), transfer("m:t5", "n:a0", "n:ghost", 1.0)]
    with pytest.raises(MissingEndpoint, match="n:ghost"), store.bulk() as writer:
        writer.submit([], ghost, fresh="m:")
        writer.close()
    assert store.counts() == before


@pytest.mark.neo4j
def test_a_broken_fresh_promise_fails_the_batch(neo4j_store: Store) -> None:
    """Should a caller submit an id twice as fresh, Neo4j's relationship id constraint
    refuses the second relationship: the batch fails whole, nothing is duplicated."""
    neo4j_store.upsert([account(f"n:a{i}") for i in range(2)])
    with pytest.raises(Exception, match="(?i)already exists|constraint"):
        with neo4j_store.bulk() as writer:
            writer.submit([], [transfer("n:t1", "n:a0", "n:a1", 5.0)], fresh="n:")
            writer.submit(
                [],
                [transfer("n:t2", "n:a0", "n:a1", 1.0), transfer("n:t1", "n:a0", "n:a1", 9.0)],
                fresh="n:",
            )
            writer.close()
    assert neo4j_store.counts()["relationships"]["TRANSFERRED"] == 1
    assert (
        neo4j_store.get_rels([("TRANSFERRED", "n:t1")])[("TRANSFERRED", "n:t1")]["props"]["amount"]
        == 5.0
    )


@pytest.mark.neo4j
@pytest.mark.parametrize("writers", [1, 2], ids=["1-writer", "2-writers"])
def test_neo4j_writes_in_submission_order(neo4j_store: Neo4jStore, writers: int) -> None:
    """With two writers a batch of nodes and relationships is written as two, nodes
    first; results arrive in order either way."""
    results: list[UpsertResult] = []
    with Neo4jBulk(neo4j_store, results.append, writers=writers, depth=2) as writer:
        for i in range(20):
            rels = [family(f"f{i}", f"w:{i - 1}", f"w:{i}")] if i else []
            writer.submit([person(f"w:{i}")], rels)
    assert len(results) == (20 if writers == 1 else 39)
    assert neo4j_store.counts()["relationships"]["FAMILY"] == 19


@pytest.mark.neo4j
def test_one_bulk_writer_per_thread(neo4j_store: Neo4jStore) -> None:
    """Its reads wait for it: a second one in the same thread would wait for the wrong one."""
    with neo4j_store.bulk():
        with pytest.raises(RuntimeError, match="already"):
            neo4j_store.bulk()
    neo4j_store.bulk().close()  # closed: a new one may open


def _people(prefix: str, n: int) -> list[NodeRow]:
    return [person(f"{prefix}:{i}") for i in range(n)]


@pytest.mark.neo4j
def test_two_writers_overlap_batches_that_share_nothing_and_commit_in_order(
    neo4j_store: Neo4jStore,
) -> None:
    """A big batch, then small independent ones: the small ones are written while the
    big one still runs, but none commits before it, and results arrive in order."""
    results: list[UpsertResult] = []
    writer = Neo4jBulk(neo4j_store, results.append, depth=4, writers=2)
    assert writer.patience >= 1.0
    writer.submit(_people("big", 20_000), [])
    for k in range(6):
        writer.submit(_people(f"small{k}", 1 + k), [])
    writer.close()
    assert writer.most_running == 2
    assert [r.nodes["created"] for r in results] == [20_000, 1, 2, 3, 4, 5, 6]
    assert neo4j_store.counts()["nodes"]["Person"] == 20_021


@pytest.mark.neo4j
def test_batches_that_touch_the_same_node_are_never_written_at_once(
    neo4j_store: Neo4jStore,
) -> None:
    """Later batches set the same node's property: the last submitted value wins, as in
    a sequential run (two writers updating it at once could commit in either order)."""
    writer = Neo4jBulk(neo4j_store, depth=4, writers=2)
    for k in range(12):
        writer.submit(_people(f"filler{k}", 3_000) + [person("hub", address=f"v{k}")], [])
    writer.close()
    assert writer.most_running == 1
    node = neo4j_store.get_node("hub")
    assert node is not None and node["props"]["address"] == "v11"


@pytest.mark.neo4j
def test_a_batch_that_waits_too_long_rolls_back_and_is_written_again(
    neo4j_store: Neo4jStore,
) -> None:
    """With no patience every batch that finishes before the one ahead of it rolls back
    and is written again once that one has committed: the graph is still complete.
    (Each small batch is written as two: its nodes, then its relationship.)"""
    results: list[UpsertResult] = []
    writer = Neo4jBulk(neo4j_store, results.append, depth=4, writers=2)
    writer.patience = 0.0
    writer.submit(_people("slow", 20_000), [])
    for k in range(5):
        writer.submit(_people(f"quick{k}", 10), [family(f"q{k}", f"quick{k}:0", f"quick{k}:1")])
    writer.close()
    assert writer.retries >= 1
    assert [(r.nodes["created"], r.relationships["created"]) for r in results] == [(20_000, 0)] + [
        (10, 0),
        (0, 1),
    ] * 5
    counts = neo4j_store.counts()
    assert counts["nodes"]["Person"] == 20_050
    assert counts["relationships"]["FAMILY"] == 5


@pytest.mark.neo4j
def test_a_failure_rolls_back_the_later_batch_already_written_alongside(
    neo4j_store: Neo4jStore,
) -> None:
    """The later batch runs next to the failing one (they share no id) and has finished
    its statements when the earlier one fails: it must not commit."""
    writer = Neo4jBulk(neo4j_store, depth=4, writers=2)
    writer.submit(_people("before", 5_000), [])
    doomed = [
        family(f"d{i}", f"before:{i % 5_000}", f"before:{(i * 7) % 5_000}") for i in range(20_000)
    ]
    writer.submit([], doomed + [family("bad", "before:0", "y:ghost")])
    writer.submit([person("y:after")], [])
    with pytest.raises(MissingEndpoint, match="y:ghost"):
        writer.close()
    assert writer.most_running == 2
    assert neo4j_store.get_node("before:4999") is not None
    assert neo4j_store.counts()["relationships"]["FAMILY"] == 0
    assert neo4j_store.get_node("y:after") is None
