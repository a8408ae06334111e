"""``Store.ingesting``: one writer at a time, on both stores (processes are in
``tests/ingest/test_concurrent_ingest.py``; here threads and connections of one)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.rows import NodeRow
from graph.store import EmbeddedStore, Neo4jStore, Store, _neo4j_turn, open_store
from graph.store._neo4j_turn import LOCK_LABEL, LOST
from graph.store.base import WAITING

NODE: NodeRow = {"id": "p1", "labels": ["Person"], "props": {"name": "Sri"}}


@pytest.fixture
def other(store: Store, tmp_path: Path) -> Iterator[Store]:
    """A second handle on the same store: another connection, or another open file."""
    if isinstance(store, EmbeddedStore):
        second: Store = EmbeddedStore(tmp_path / "store")
    else:
        assert isinstance(store, Neo4jStore)
        second = open_store(store.uri)
    with contextlib.closing(second):
        yield second


class Waiter(threading.Thread):
    """Takes ``store``'s turn in a thread of its own; ``waiting`` is set when it has
    to wait, ``entered`` once it holds the turn."""

    def __init__(self, store: Store) -> None:
        super().__init__(daemon=True)
        self.store = store
        self.waiting = threading.Event()
        self.entered = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.store.ingesting(on_wait=self.waiting.set):
                self.entered.set()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc


@pytest.mark.parametrize("handle", ["same", "other"])
def test_a_second_writer_waits_for_the_first(
    handle: str, store: Store, other: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Another thread waits, on the same store object or another handle on the store,
    says so (naming the store), and enters once the first is done."""
    waiter = Waiter(store if handle == "same" else other)
    with store.ingesting():
        waiter.start()
        assert waiter.waiting.wait(timeout=60)
        assert not waiter.entered.is_set()
        store.upsert([NODE])  # the holder's own writes go on
    waiter.join(timeout=60)
    assert waiter.entered.is_set() and waiter.error is None
    assert [r.getMessage() for r in caplog.records if WAITING in r.getMessage()] == [
        f"{WAITING}: {waiter.store.where()}"
    ]


def test_a_thread_holding_the_turn_takes_it_again(store: Store) -> None:
    """Nested use in one thread does not wait for itself (a writer that calls another)."""
    with store.ingesting(), store.ingesting():
        store.upsert([NODE])
    with store.ingesting():  # and it was released
        assert store.get_node("p1") is not None


def test_the_turn_leaves_nothing_behind(store: Store, other: Store) -> None:
    """Taking and holding the turn writes nothing anyone can see: the counts, the graph
    and the generation (the cache key) are those of before, during and after."""
    store.upsert([NODE])
    counts, generation = other.counts(), other.generation
    with store.ingesting():
        assert other.counts() == counts
        assert other.generation == generation
    assert other.counts() == counts and other.generation == generation
    if isinstance(other, Neo4jStore):
        assert other.run(f"MATCH (n:{LOCK_LABEL}) RETURN count(n) AS c") == [{"c": 0}]
        assert other.run("MATCH (n) RETURN count(n) AS c") == [{"c": 1}]


class Said(logging.Handler):
    """Sets ``event`` when a record starting with ``prefix`` is logged."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(self.prefix):
            self.event.set()


@pytest.mark.neo4j
@pytest.mark.parametrize("noticed", ["by the heartbeat", "at the end"])
def test_a_terminated_lock_lets_the_next_writer_in_and_is_reported(
    noticed: str,
    neo4j_store: Neo4jStore,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An administrator can end a stuck holder's lock (``TERMINATE TRANSACTIONS``, the
    lock's transaction is tagged in ``SHOW TRANSACTIONS``); the next writer then goes
    in, and the holder says once that it lost the lock: when its heartbeat finds the
    transaction gone, else at its end."""
    if noticed == "by the heartbeat":
        monkeypatch.setattr(_neo4j_turn, "HEARTBEAT", 0.05)
    said = Said(LOST)
    logging.getLogger("telusur.ingest").addHandler(said)
    try:
        with contextlib.closing(open_store(neo4j_store.uri)) as admin:
            assert isinstance(admin, Neo4jStore)
            with neo4j_store.ingesting():
                found = admin.run("SHOW TRANSACTIONS YIELD transactionId, metaData RETURN *")
                [tx] = [r["transactionId"] for r in found if "telusur" in r["metaData"]]
                admin.run("TERMINATE TRANSACTIONS $ids", {"ids": [tx]})
                waiter = Waiter(admin)
                waiter.start()
                waiter.join(timeout=60)
                assert waiter.entered.is_set() and waiter.error is None
                if noticed == "by the heartbeat":
                    assert said.event.wait(timeout=60)  # while the ingest still runs
                else:
                    assert not said.event.is_set()
    finally:
        logging.getLogger("telusur.ingest").removeHandler(said)
    lost = [r for r in caplog.records if r.getMessage().startswith(LOST)]
    assert [r.levelno for r in lost] == [logging.WARNING]
