"""Write-behind: the store writes chunks while the loader reads the next.

Reading, normalising and validating a chunk is Python work; writing it is mostly
the database's work (on Neo4j another process, often another machine). Done one
after the other, each waits for the other. :class:`WriteBehind` hands each
finished batch to writer threads through a queue of ``depth`` batches, so at
most ``depth`` + ``writers`` batches are in memory besides the one being built.

With one writer (the embedded store) the batches are written one at a time, in
the order they were submitted. A store with :attr:`Store.concurrent_writes` > 1
(Neo4j) gets that many writers, each with its own transaction, and the graph
after the run is still exactly the one a sequential run writes:

- a batch starts only when it touches no id that a batch still being written
  touches, except relationship endpoints both only read (two batches of
  transfers between the same accounts run together; a call to a phone that the
  batch before creates waits for it). Batches that overlap in nothing give the
  same graph in either order;
- a chunk with both nodes and relationships is written as two batches, its nodes
  first, so that its relationships only wait for the nodes they need;
- batches commit in submission order: a batch whose statements are done waits,
  inside its open transaction, until every batch before it has committed. What
  is committed is therefore always a prefix of what was submitted, as with one
  writer. If the wait lasts longer than :attr:`WriteBehind.patience` (a lock the
  waiting batch holds might be what the earlier one waits for: the database
  cannot see this wait), the batch rolls back, waits without a transaction, and
  is written again.

Reads that must see earlier writes (entity resolution asks the store about
identifiers) go through :class:`SyncedStore`, which waits until every submitted
batch is written first. A failed write stops the writer; the error is raised in
the loader's thread at the next submit or wait, and nothing submitted after the
failed batch is written (a rerun of the same command completes the ingest).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from graph.rows import NodeRow, RelRow
from graph.store.base import (
    Counts,
    Direction,
    Neighbour,
    PreparedBatch,
    Store,
    UpsertResult,
)

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Job:
    """One submitted batch and the ids it touches (computed only with several writers)."""

    seq: int
    batch: PreparedBatch
    nodes: frozenset[str] = _EMPTY  # nodes it writes
    ends: frozenset[str] = _EMPTY  # relationship endpoints it reads
    rels: frozenset[str] = _EMPTY  # relationships it writes or deletes

    @classmethod
    def of(cls, seq: int, batch: PreparedBatch) -> _Job:
        ends: set[str] = set()
        for r in batch.rels:
            ends.add(r["start"])
            ends.add(r["end"])
        return cls(
            seq,
            batch,
            frozenset(n["id"] for n in batch.nodes),
            frozenset(ends),
            frozenset([r["id"] for r in batch.rels] + [rid for _, rid in batch.delete]),
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


class WriteBehind:
    """Writer threads applying ``store.write_prepared`` to submitted batches, in order."""

    #: Seconds a finished batch waits in its open transaction for earlier batches.
    patience: float = 5.0

    def __init__(
        self,
        store: Store,
        on_result: Callable[[UpsertResult], None],
        *,
        depth: int = 1,
        writers: int | None = None,
    ) -> None:
        self.store = store
        self._on_result = on_result
        self._depth = max(1, depth)
        self.writers = max(1, writers if writers is not None else store.concurrent_writes)
        self._cond = threading.Condition()
        self._pending: collections.deque[_Job] = collections.deque()
        self._running: dict[int, _Job] = {}
        self._submitted = 0  # seq of the last submitted batch (1, 2, ...)
        self._committed = 0  # every batch up to this seq is written
        self._failed = 0  # seq of the earliest failed batch, 0 for none
        self._error: BaseException | None = None
        self._stopping = False
        self._closed = False
        #: Most batches written at once, and rollbacks after :attr:`patience` (for tests
        #: and the benchmark).
        self.most_running = 0
        self.retries = 0
        self._threads = [
            threading.Thread(target=self._run, name="telusur-writer", daemon=True)
            for _ in range(self.writers)
        ]
        for t in self._threads:
            t.start()

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
            except BaseException as exc:  # noqa: BLE001 - handed to the loader's thread
                with self._cond:
                    if not self._failed or job.seq < self._failed:
                        self._failed, self._error = job.seq, exc
            finally:
                with self._cond:
                    del self._running[job.seq]
                    self._cond.notify_all()

    def _write(self, job: _Job) -> UpsertResult:
        if self.writers == 1:
            return self.store.write_prepared(job.batch)

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
            return self.store.write_prepared(job.batch, before_commit=lambda: turn(self.patience))
        except _Late:
            with self._cond:
                self.retries += 1
            turn(None)  # outside any transaction, holding no locks
            return self.store.write_prepared(job.batch, before_commit=lambda: turn(None))

    # -- the loader's thread ---------------------------------------------------------
    def _raise(self) -> None:
        """Raise the failure of the earliest failed batch, once no earlier one is running."""
        with self._cond:
            if not self._failed:
                return
            while any(seq < self._failed for seq in self._running):
                self._cond.wait()
            assert self._error is not None
            raise self._error

    def submit(self, nodes: list[NodeRow], rels: list[RelRow], *, new_rels: bool = False) -> None:
        """Validate one batch here, then queue it (blocks while ``depth`` batches wait).

        Validation and collapsing are done in the caller's thread (an invalid
        batch raises here, before anything is queued), so that the writer
        threads spend their time on the store only. ``new_rels`` as in
        :meth:`Store.prepare`.
        """
        self._raise()
        if self._closed:
            raise RuntimeError("write-behind already closed")
        if self.writers > 1 and nodes and rels:
            # Two batches, nodes first (the order of one transaction's statements): a
            # chunk's relationships often reach nodes the previous chunk created (a
            # phone called again) and must wait for it; its new nodes need not.
            parts = [
                self.store.prepare(nodes, []),
                self.store.prepare([], rels, new_rels=new_rels),
            ]
        else:
            parts = [self.store.prepare(nodes, rels, new_rels=new_rels)]
        for batch in parts:
            seq = self._submitted + 1
            # the ids a batch touches matter only when batches can run side by side
            self._queue(_Job.of(seq, batch) if self.writers > 1 else _Job(seq, batch))

    def _queue(self, job: _Job) -> None:
        with self._cond:
            while len(self._pending) >= self._depth and not self._failed:
                self._cond.wait()
            if not self._failed:
                self._submitted = job.seq
                self._pending.append(job)
                self._cond.notify_all()
        self._raise()

    def wait(self) -> None:
        """Return once every submitted batch is written; raise the first write error."""
        with self._cond:
            while self._pending or self._running:
                self._cond.wait()
        self._raise()

    def close(self) -> None:
        """Write what is queued, stop the threads, raise the first write error."""
        if not self._closed:
            self._closed = True
            with self._cond:
                self._stopping = True
                self._cond.notify_all()
            for t in self._threads:
                t.join()
        self._raise()


class SyncedStore(Store):
    """``store`` for readers that must see every batch submitted to ``writer``.

    Each read waits for the writer first; writes go to the store directly (after
    the same wait, so that their order is kept).
    """

    def __init__(self, writer: WriteBehind) -> None:
        self._writer = writer
        self._store = writer.store
        self.kind = self._store.kind

    def _sync(self) -> Store:
        self._writer.wait()
        return self._store

    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        return self._sync().get_nodes(ids)

    def get_rels(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        return self._sync().get_rels(keys)

    def neighbours(
        self,
        node_id: str,
        *,
        types: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        return self._sync().neighbours(
            node_id, types=types, labels=labels, direction=direction, limit=limit
        )

    def find_by_property(
        self, label: str, prop: str, values: Sequence[str]
    ) -> dict[str, list[str]]:
        return self._sync().find_by_property(label, prop, values)

    def holds_rel_prefix(self, typ: str, prefix: str) -> bool:
        return self._sync().holds_rel_prefix(typ, prefix)

    @property
    def generation(self) -> Hashable:
        return self._sync().generation

    def counts(self) -> Counts:
        return self._sync().counts()

    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        return self._sync()._write(nodes, rels, delete)

    def _payload(self, nodes: list[NodeRow], rels: list[RelRow]) -> object:
        return self._store._payload(nodes, rels)

    def write_prepared(
        self, batch: PreparedBatch, *, before_commit: Callable[[], None] | None = None
    ) -> UpsertResult:
        return self._sync().write_prepared(batch, before_commit=before_commit)

    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        return self._sync().rels_of_type(typ, limit=limit)

    def wipe(self) -> None:
        self._sync().wipe()

    def delete_nodes(self, ids: Sequence[str], *, labels: Iterable[str]) -> int:
        return self._sync().delete_nodes(ids, labels=labels)

    def check(self) -> dict[str, str]:
        return self._sync().check()
