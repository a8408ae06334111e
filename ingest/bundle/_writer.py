"""Write-behind: the store writes one chunk while the loader reads the next.

Reading, normalising and validating a chunk is Python work; writing it is mostly
the database's work (on Neo4j another process, often another machine). Done one
after the other, each waits for the other. :class:`WriteBehind` hands each
finished batch to one writer thread through a queue of ``depth`` batches, so at
most ``depth + 1`` batches are in memory besides the one being built, and the
batches are written one at a time in the order they were submitted: the graph
after the run is exactly the one a sequential run writes.

Reads that must see earlier writes (entity resolution asks the store about
identifiers) go through :class:`SyncedStore`, which waits until every submitted
batch is written first. A failed write stops the writer; the error is raised in
the loader's thread at the next submit or wait, and nothing submitted after the
failed batch is written (a rerun of the same command completes the ingest).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Sequence

from graph_api.rows import NodeRow, RelRow
from graph_api.store.base import (
    Counts,
    Direction,
    Neighbour,
    PreparedBatch,
    Store,
    UpsertResult,
)

_STOP = None


class WriteBehind:
    """One writer thread applying ``store.upsert`` to submitted batches, in order."""

    def __init__(
        self, store: Store, on_result: Callable[[UpsertResult], None], *, depth: int = 1
    ) -> None:
        self.store = store
        self._on_result = on_result
        self._queue: queue.Queue[PreparedBatch | None] = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="telusur-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None:  # after a failure, later batches are dropped
                    self._on_result(self.store.write_prepared(item))
            except BaseException as exc:  # noqa: BLE001 - handed to the loader's thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, nodes: list[NodeRow], rels: list[RelRow]) -> None:
        """Validate one batch here, then queue it (blocks while ``depth`` batches wait).

        Validation and collapsing are done in the caller's thread (an invalid
        batch raises here, before anything is queued), so that the writer
        thread spends its time on the store only.
        """
        self._raise()
        if self._closed:
            raise RuntimeError("write-behind already closed")
        batch = self.store.prepare(nodes, rels)
        self._raise()
        self._queue.put(batch)

    def wait(self) -> None:
        """Return once every submitted batch is written; raise the first write error."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        """Write what is queued, stop the thread, raise the first write error."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._thread.join()
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

    def write_prepared(self, batch: PreparedBatch) -> UpsertResult:
        return self._sync().write_prepared(batch)

    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        return self._sync().rels_of_type(typ, limit=limit)

    def wipe(self) -> None:
        self._sync().wipe()

    def check(self) -> dict[str, str]:
        return self._sync().check()
