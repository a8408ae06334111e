"""The Neo4j store's bulk writer: the database writes batch n while the loader reads n+1.

Reading, normalising and validating a chunk is Python work; writing it is mostly
the database's work (another process, often another machine). Done one after the
other, each waits for the other. :class:`Neo4jBulk` checks and packs each submitted
batch in the caller's thread (an invalid batch raises there) and hands it to writer
threads through a queue of ``depth`` batches, so at most ``depth`` + ``writers``
batches are in memory besides the one being built.

With one writer the batches are written one at a time, in submission order. With
more (``Neo4jStore.writers``, default 2: one transaction keeps one of the server's
cores busy and leaves it idle while the client sends the next), each has its own
transaction, and the graph after the run is still exactly the one a sequential run
writes:

- a batch starts only when it touches no id that a batch still being written
  touches, except relationship endpoints both only read (two batches of transfers
  between the same accounts run together; a call to a phone that the batch before
  creates waits for it). Batches that overlap in nothing give the same graph in
  either order;
- a chunk with both nodes and relationships is written as two batches, its nodes
  first, so that its relationships only wait for the nodes they need;
- batches commit in submission order: a batch whose statements are done waits,
  inside its open transaction, until every batch before it has committed. What is
  committed is therefore always a prefix of what was submitted, as with one writer.
  If the wait lasts longer than :attr:`Neo4jBulk.patience` (a lock the waiting batch
  holds might be what the earlier one waits for: the database cannot see this
  wait), the batch rolls back, waits without a transaction, and is written again.

Reads and writes through the store from the thread that opened the writer first
wait until every submitted batch is written (``Neo4jStore._session``). A failed
write stops the writer; the error is raised in that thread at the next submit,
read or close, and nothing submitted after the failed batch is written (a rerun of
the same command completes the ingest).

A batch that the server refuses for memory (``neo4j_store.MEMORY_REFUSALS``: its
transaction pool, which both writer threads and every other user share, or one
transaction's limit, as on Aura) is written again as two halves, each the same way down
to one row, in the order of its statements (nodes, then relationships: a relationship
finds a node of its batch in an earlier part or its own). The driver would retry the same
batch, refused the same way, and a rerun would too. The writes are merges, so the graph is
the one transaction's; what is committed is still a prefix, of the rows in write order (a
failure in a later part leaves the earlier parts committed; a rerun completes them). The
parts of a batch wait for its turn to commit as the whole would, and ``on_result`` gets one
result per batch, its parts' summed.

Relationships submitted with ``fresh=prefix`` (ids unique within the run, as a
bundle's transfers and calls) are created without seeking their ids when the store
held none of their type under the prefix when the first of them came (one prefix
seek in the relationship id index per type and prefix): the graph is the merge's; a
rerun after a crash finds some and merges again, and the relationship id constraint
would refuse a duplicate.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from graph.model import MODEL
from graph.rows import NodeRow, RelRow
from graph.store._neo4j_write import Columns, Prepared
from graph.store.base import BulkWriter, UpsertResult, checked_rows
from graph.store.neo4j_store import RefusedForMemory

if TYPE_CHECKING:
    from graph.store.neo4j_store import Neo4jStore

log = logging.getLogger("telusur.ingest")
_EMPTY: frozenset[str] = frozenset()
K = TypeVar("K")


@dataclass(frozen=True)
class _Job:
    """One queued batch and the ids it touches (computed only with several writers)."""

    seq: int
    batch: Prepared
    nodes: frozenset[str] = _EMPTY  # nodes it writes
    ends: frozenset[str] = _EMPTY  # relationship endpoints it reads
    rels: frozenset[str] = _EMPTY  # relationships it writes or deletes

    @classmethod
    def of(cls, seq: int, batch: Prepared, nodes: list[NodeRow], rels: list[RelRow]) -> _Job:
        ends: set[str] = set()
        for r in rels:
            ends.add(r["start"])
            ends.add(r["end"])
        return cls(
            seq,
            batch,
            frozenset(n["id"] for n in nodes),
            frozenset(ends),
            frozenset(r["id"] for r in rels),
        )

    def overlaps(self, other: _Job) -> bool:
        return not (
            self.nodes.isdisjoint(other.nodes)
            and self.nodes.isdisjoint(other.ends)
            and self.ends.isdisjoint(other.nodes)
            and self.rels.isdisjoint(other.rels)
        )


class _Abandoned(Exception):
    """A batch before this one failed: roll this one back."""


class _Late(Exception):
    """The batches before this one took longer than the patience: roll back, retry."""


def _ignore(result: UpsertResult) -> None:
    pass


class Neo4jBulk(BulkWriter):
    """Writer threads writing submitted batches to a :class:`Neo4jStore`, in order."""

    #: Seconds a finished batch waits in its open transaction for earlier batches.
    patience: float = 5.0

    def __init__(
        self,
        store: Neo4jStore,
        on_result: Callable[[UpsertResult], None] | None = None,
        *,
        writers: int = 1,
        depth: int = 1,
    ) -> None:
        if getattr(store._bulk_of, "writer", None) is not None:
            raise RuntimeError("this thread already has a bulk writer open on this store")
        self.store = store
        self._on_result = on_result or _ignore
        self._depth = max(1, depth)
        self.writers = max(1, writers)
        self._cond = threading.Condition()
        self._pending: collections.deque[_Job] = collections.deque()
        self._running: dict[int, _Job] = {}
        self._submitted = 0  # seq of the last queued batch (1, 2, ...)
        self._committed = 0  # every batch up to this seq is written
        self._failed = 0  # seq of the earliest failed batch, 0 for none
        self._error: BaseException | None = None
        self._stopping = False
        self._closed = False
        #: (type, prefix) -> whether the store held none under it when first asked
        self._fresh: dict[tuple[str, str], bool] = {}
        #: Most batches written at once, rollbacks after :attr:`patience`, and batches
        #: the server refused for memory and that were written in halves (for tests and
        #: the benchmark).
        self.most_running = 0
        self.retries = 0
        self.splits = 0
        self._threads = [
            threading.Thread(target=self._run, name="telusur-writer", daemon=True)
            for _ in range(self.writers)
        ]
        for t in self._threads:
            t.start()
        store._bulk_of.writer = self

    # -- writer threads --------------------------------------------------------------
    def _next(self) -> _Job | None:
        """The next batch this thread may start (in order), or None to stop."""
        with self._cond:
            while True:
                if self._failed and self._pending:  # later batches are dropped
                    self._pending.clear()
                    self._cond.notify_all()
                if self._pending and not any(
                    self._pending[0].overlaps(j) for j in self._running.values()
                ):
                    job = self._pending.popleft()
                    self._running[job.seq] = job
                    self.most_running = max(self.most_running, len(self._running))
                    self._cond.notify_all()
                    return job
                if self._stopping and not self._pending:
                    return None
                self._cond.wait()

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                result = self._write(job)
                with self._cond:
                    self._committed = job.seq
                    self._on_result(result)  # in submission order
            except _Abandoned:
                pass
            except BaseException as exc:  # noqa: BLE001 - handed to the submitting thread
                with self._cond:
                    if not self._failed or job.seq < self._failed:
                        self._failed, self._error = job.seq, exc
            finally:
                with self._cond:
                    del self._running[job.seq]
                    self._cond.notify_all()

    def _write(self, job: _Job) -> UpsertResult:
        return self._written(job, job.batch)

    def _written(self, job: _Job, batch: Prepared) -> UpsertResult:
        """Write ``batch`` (``job``'s or a part of it) in one transaction, or, when the
        server refuses it for memory, its two halves, each the same way, in order."""
        try:
            return self._attempt(job, batch)
        except RefusedForMemory as exc:
            with self._cond:
                self.splits += 1
            log.debug("a batch of %d rows was refused for memory (%s); halved", _rows(batch), exc)
            first, second = _halves(batch)
            result = self._written(job, first)
            result.add(self._written(job, second))
            return result

    def _attempt(self, job: _Job, batch: Prepared) -> UpsertResult:
        # one row cannot be halved: its refusal is retried and raised as any other error
        divisible = _rows(batch) > 1 and not batch.delete
        if self.writers == 1:
            return self.store._write_prepared(batch, divisible=divisible)

        def turn(patience: float | None) -> None:
            deadline = None if patience is None else time.monotonic() + patience
            with self._cond:
                while self._committed < job.seq - 1:
                    if self._failed and self._failed < job.seq:
                        raise _Abandoned
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise _Late
                    self._cond.wait(left)

        try:
            return self.store._write_prepared(
                batch, lambda: turn(self.patience), divisible=divisible
            )
        except _Late:
            with self._cond:
                self.retries += 1
            turn(None)  # outside any transaction, holding no locks
            return self.store._write_prepared(batch, lambda: turn(None), divisible=divisible)

    # -- the submitting thread ---------------------------------------------------------
    def _raise(self) -> None:
        """Raise the failure of the earliest failed batch, once no earlier one is running."""
        with self._cond:
            if not self._failed:
                return
            while any(seq < self._failed for seq in self._running):
                self._cond.wait()
            assert self._error is not None
            raise self._error

    def submit(
        self,
        nodes: Sequence[NodeRow] = (),
        rels: Sequence[RelRow] = (),
        *,
        fresh: str | None = None,
    ) -> None:
        self._raise()
        if self._closed:
            raise RuntimeError("bulk writer already closed")
        node_rows, rel_rows = checked_rows(nodes, rels)
        if not node_rows and not rel_rows:
            return
        new = fresh is not None and bool(rel_rows) and self._all_fresh(rel_rows, fresh)
        for job in self._jobs(node_rows, rel_rows, new):
            self._queue(job)

    def _jobs(self, nodes: list[NodeRow], rels: list[RelRow], fresh: bool) -> list[_Job]:
        """The batch's statement parameters, as one job or (with several writers and
        both nodes and relationships) two."""
        parts = [(nodes, rels, fresh)]
        if self.writers > 1 and nodes and rels:
            # Two batches, nodes first (the order of one transaction's statements): a
            # chunk's relationships often reach nodes the previous chunk created (a
            # phone called again) and must wait for it; its new nodes need not.
            parts = [(nodes, [], False), ([], rels, fresh)]
        jobs: list[_Job] = []
        for n, r, f in parts:
            seq = self._submitted + 1 + len(jobs)
            batch = Prepared.of(n, r, fresh=f)
            # the ids a batch touches matter only when batches can run side by side
            jobs.append(_Job.of(seq, batch, n, r) if self.writers > 1 else _Job(seq, batch))
        return jobs

    def _all_fresh(self, rels: list[RelRow], prefix: str) -> bool:
        """Whether ``rels`` (the caller's word: none submitted before) are all new."""
        ids = [r["id"] for r in rels]
        if not (min(ids).startswith(prefix) and max(ids).startswith(prefix)):
            return False  # every id between two that share a prefix shares it too
        for typ in {r["type"] for r in rels}:
            key = (typ, prefix)
            if key not in self._fresh:  # asked before the first of them is written
                self._fresh[key] = not _holds_prefix(self.store, typ, prefix)
            if not self._fresh[key]:
                return False
        return True

    def _queue(self, job: _Job) -> None:
        with self._cond:
            while len(self._pending) >= self._depth and not self._failed:
                self._cond.wait()
            if not self._failed:
                self._submitted = job.seq
                self._pending.append(job)
                self._cond.notify_all()
        self._raise()

    def sync(self) -> None:
        """Return once every submitted batch is written; raise the first write error."""
        with self._cond:
            while self._pending or self._running:
                self._cond.wait()
        self._raise()

    def close(self) -> None:
        """Write what is queued, stop the threads, raise the first write error."""
        if not self._closed:
            self._closed = True
            if getattr(self.store._bulk_of, "writer", None) is self:
                self.store._bulk_of.writer = None
            with self._cond:
                self._stopping = True
                self._cond.notify_all()
            for t in self._threads:
                t.join()
        self._raise()


def _holds_prefix(store: Neo4jStore, typ: str, prefix: str) -> bool:
    """Whether ``store`` holds a ``typ`` relationship whose id starts with ``prefix``: one
    prefix seek in the relationship id index (after this thread's submitted batches)."""
    if typ not in MODEL.rels:
        raise ValueError(f"unknown relationship type {typ!r}")
    rows = store.run(
        f"MATCH ()-[r:{typ}]->() USING INDEX r:{typ}(id) WHERE r.id STARTS WITH $prefix "
        "RETURN r.id AS id LIMIT 1",
        {"prefix": prefix},
    )
    return bool(rows)


def _rows(batch: Prepared) -> int:
    return _count(batch.node_groups) + _count(batch.rel_groups)


def _count(groups: dict[K, Columns]) -> int:
    return sum(len(c.ids) for c in groups.values())


def _halves(batch: Prepared) -> tuple[Prepared, Prepared]:
    """``batch``'s rows in the order they are written (node groups, then relationship
    groups) cut in the middle, as two batches. A batch with deletions is never cut."""
    assert not batch.delete, "a batch with deletions is written whole"
    cut = _rows(batch) // 2
    nodes = _cut(batch.node_groups, cut)
    rels = _cut(batch.rel_groups, cut - _count(batch.node_groups))
    return (
        replace(
            batch, node_groups=nodes[0], rel_groups=rels[0], fresh=batch.fresh and bool(rels[0])
        ),
        replace(
            batch, node_groups=nodes[1], rel_groups=rels[1], fresh=batch.fresh and bool(rels[1])
        ),
    )


def _cut(groups: dict[K, Columns], first: int) -> tuple[dict[K, Columns], dict[K, Columns]]:
    """The first ``first`` rows of ``groups`` (in order) and the rest."""
    head: dict[K, Columns] = {}
    tail: dict[K, Columns] = {}
    for key, columns in groups.items():
        size = len(columns.ids)
        if first >= size:
            head[key] = columns
        elif first > 0:
            head[key], tail[key] = columns.rows(0, first), columns.rows(first, size)
        else:
            tail[key] = columns
        first = max(0, first - size)
    return head, tail
