"""The store interface that the embedded store and the Neo4j store both implement.

Both pass the same contract tests (``tests/store/test_contract.py``,
``tests/store/test_bulk.py``): every operation returns identical results for the
same writes. The interface is reads, :meth:`Store.upsert` (one batch, one
transaction), admin (``wipe``, ``delete_nodes``, the ingest turn) and one entry
point for many batches, :meth:`Store.bulk`; how a store makes bulk writes fast is
its own business (Neo4j: ``_neo4j_bulk.py``).

Writers that decide from what is stored take turns: :meth:`Store.ingesting` is held
by one ingest (or an analyst's merge) at a time, in any process. Entity resolution
reads the store and then writes what it decided; two ingests doing this at once
would each miss the people the other is about to write.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import operator
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from graph.model import MODEL
from graph.rows import NodeRow, RelRow, validate_node, validate_rel
from graph.store._merge import Status, collapse_nodes, collapse_rels

Direction = Literal["out", "in", "both"]

log = logging.getLogger("telusur.ingest")
#: what a second ingest says while it waits for the first (Bahasa Indonesia first)
WAITING = "menunggu ingest lain selesai (waiting for another ingest to finish)"
#: per thread, the stores (by ``id``) whose turn this thread holds (see ``Store.ingesting``)
_TURNS = threading.local()


class Counts(TypedDict):
    nodes: dict[str, int]
    relationships: dict[str, int]


class Neighbour(TypedDict):
    rel: RelRow
    node: NodeRow
    direction: Literal["out", "in"]


@dataclass
class UpsertResult:
    """What one upsert did."""

    nodes: dict[Status, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    relationships: dict[Status, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )

    def add(self, other: UpsertResult) -> None:
        keys: tuple[Status, ...] = ("created", "updated", "unchanged")
        for k in keys:
            self.nodes[k] += other.nodes[k]
            self.relationships[k] += other.relationships[k]


def empty_counts() -> Counts:
    return {
        "nodes": {label: 0 for label in MODEL.labels},
        "relationships": {t: 0 for t in MODEL.types},
    }


_ID = operator.itemgetter("id")
_TYPE_ID = operator.itemgetter("type", "id")


def checked_rows(
    nodes: Iterable[NodeRow], rels: Iterable[RelRow]
) -> tuple[list[NodeRow], list[RelRow]]:
    """The rows of one batch as lists, each checked against the model (the first bad one
    raises), rows that share an id merged into one: what every store writes."""
    node_rows = list(nodes)
    rel_rows = list(rels)
    for n in node_rows:
        validate_node(n)
    for r in rel_rows:
        validate_rel(r)
    unique = len(set(map(_ID, node_rows))) == len(node_rows) and len(
        set(map(_TYPE_ID, rel_rows))
    ) == len(rel_rows)
    if not unique:  # rows sharing an id are merged first (a loader's batch rarely has any)
        node_rows, rel_rows = collapse_nodes(node_rows), collapse_rels(rel_rows)
    return node_rows, rel_rows


class BulkWriter(abc.ABC):
    """A stream of batches into one store, from one thread (:meth:`Store.bulk`).

    Each batch is one transaction, written in the order submitted: what is committed
    is always a prefix of what was submitted, so a crash half-way is mended by
    submitting the same batches again. (On Neo4j a batch the server refuses for
    memory is written in halves, each its own transaction, in order: the prefix then
    ends inside that batch, and rerunning still mends it, as every write merges.)
    Reads and writes through the store from the thread that opened the writer see
    every batch submitted before them. A batch that
    fails raises, at the latest at the next :meth:`submit` or at :meth:`close`, and
    nothing submitted after it is written. ``on_result`` is called once per written
    batch (its parts added up), in order.

    Use it as a context manager: leaving the block writes what is left; leaving it
    with an error still writes what was submitted before it (as a sequential run
    would have) and lets that error through.
    """

    @abc.abstractmethod
    def submit(
        self,
        nodes: Sequence[NodeRow] = (),
        rels: Sequence[RelRow] = (),
        *,
        fresh: str | None = None,
    ) -> None:
        """Write one batch (an invalid one raises here, before anything is queued).

        ``fresh`` is the caller's word about ``rels``: every id starts with this
        prefix and none was submitted before in this bulk write. A store may then
        create them without looking for them first while it held no relationship of
        their type under the prefix when it first saw one; the graph is the same.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Write what is left; raise the first failure."""

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(Exception):  # the block's own error is the one to report
            self.close()


class _OneByOne(BulkWriter):
    """The default: each batch written at once with :meth:`Store.upsert`."""

    def __init__(self, store: Store, on_result: Callable[[UpsertResult], None]) -> None:
        self._store = store
        self._on_result = on_result
        self._error: BaseException | None = None

    def submit(
        self,
        nodes: Sequence[NodeRow] = (),
        rels: Sequence[RelRow] = (),
        *,
        fresh: str | None = None,
    ) -> None:
        if self._error is not None:
            raise self._error
        if not nodes and not rels:
            return
        try:
            result = self._store.upsert(nodes, rels)
        except BaseException as exc:
            self._error = exc
            raise
        self._on_result(result)

    def close(self) -> None:
        if self._error is not None:
            raise self._error


def _ignore(result: UpsertResult) -> None:
    pass


class Store(abc.ABC):
    """A graph store. Every write is validated against the model first."""

    kind: str = "store"

    # -- reads -------------------------------------------------------------
    @abc.abstractmethod
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        """The stored nodes among ``ids`` (absent ids are left out)."""

    def get_node(self, node_id: str) -> NodeRow | None:
        return self.get_nodes([node_id]).get(node_id)

    @abc.abstractmethod
    def get_rels(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        """The stored relationships among ``(type, id)`` keys."""

    @abc.abstractmethod
    def neighbours(
        self,
        node_id: str,
        *,
        types: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        """Adjacent relationships and nodes, ordered by type, other id, relationship id.

        A self-loop is listed once, as outgoing.
        """

    def neighbours_of(
        self, node_ids: Sequence[str], *, types: Sequence[str], direction: Direction = "both"
    ) -> dict[str, list[Neighbour]]:
        """:meth:`neighbours` of many nodes at once: ``{id: its neighbours}`` for the
        ids that have any (a store where a read is a round trip answers in one)."""
        found = {nid: self.neighbours(nid, types=types, direction=direction) for nid in node_ids}
        return {nid: items for nid, items in found.items() if items}

    @abc.abstractmethod
    def find_by_property(
        self, label: str, prop: str, values: Sequence[str]
    ) -> dict[str, list[str]]:
        """Ids of ``label`` nodes whose ``prop`` equals (or, for a list, contains) a value.

        Returns value -> sorted ids; values without a match are left out. Used by
        entity resolution to find a record already stored under a strong identifier.
        """

    @property
    @abc.abstractmethod
    def generation(self) -> Hashable:
        """A value that changes whenever anything commits to the store (this
        process or another): the key for caching results derived from the
        whole graph. Equal values mean nothing was written in between."""

    @abc.abstractmethod
    def counts(self) -> Counts:
        """Nodes per label and relationships per type, every model name present."""

    # -- writes ------------------------------------------------------------
    @contextmanager
    def ingesting(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Held by one writer at a time (an ingest, an analyst's merge), across
        threads, processes and, on Neo4j, machines.

        A second writer waits here until the first has finished or died; when it
        has to wait, :data:`WAITING` is logged (naming the store) and ``on_wait`` is
        called once (the Neo4j store calls it from a timer thread). A thread that
        already holds this store's turn holds it again at once (nested use does not
        wait for itself).
        """
        held: set[int] = getattr(_TURNS, "stores", set())
        _TURNS.stores = held
        if id(self) in held:
            yield
            return

        def waiting() -> None:
            log.warning("%s: %s", WAITING, self.where())
            if on_wait is not None:
                on_wait()

        with self._turn(waiting):
            held.add(id(self))
            try:
                yield
            finally:
                held.discard(id(self))

    def _turn(self, waiting: Callable[[], None]) -> AbstractContextManager[None]:
        """The store's lock behind :meth:`ingesting`: wait for it (calling
        ``waiting`` once when another holds it), hold it for the block. A writer
        that dies releases it."""
        raise NotImplementedError(f"{type(self).__name__} has no ingest lock")

    def where(self) -> str:
        """The store, for messages to operators (a path or an address; no secret)."""
        return self.kind

    def upsert(
        self,
        nodes: Iterable[NodeRow] = (),
        rels: Iterable[RelRow] = (),
        *,
        delete_rels: Iterable[tuple[str, str]] = (),
    ) -> UpsertResult:
        """Idempotent upsert of one batch: all of it is written, or none of it.

        ``delete_rels`` (``(type, id)`` keys) are removed first, in the same
        transaction: how an analyst's merge moves relationships to another node.
        """
        node_rows, rel_rows = checked_rows(nodes, rels)
        return self._write(node_rows, rel_rows, sorted(set(delete_rels)))

    def bulk(self, on_result: Callable[[UpsertResult], None] | None = None) -> BulkWriter:
        """A writer for many batches from this thread (a loader): see :class:`BulkWriter`.

        This store writes each batch at once with :meth:`upsert`; a store may do better
        (the Neo4j store writes while the caller prepares the next batch).
        """
        return _OneByOne(self, on_result or _ignore)

    @abc.abstractmethod
    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        """Delete ``delete``, then write validated rows with unique ids, atomically.

        Props may still hold ``None`` ("not given"); the merge skips those."""

    @abc.abstractmethod
    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        """Relationships of one type, ordered by id."""

    @abc.abstractmethod
    def wipe(self) -> None:
        """Delete everything (tests, admin)."""

    @abc.abstractmethod
    def delete_nodes(self, ids: Sequence[str], *, labels: Iterable[str]) -> int:
        """Delete the nodes of ``ids`` that carry one of ``labels``, with their
        relationships, in one transaction; returns how many went (used to move
        Propam's flags out of the investigation graph, ``graph_api.web.flags.migrate``)."""

    @abc.abstractmethod
    def check(self) -> dict[str, str]:
        """Reachability and identity of the store, for ``telusur store check``."""

    def index_new_columns(self) -> None:  # noqa: B027 - optional hook
        """Bring the indexes that follow the data's own column names up to date: a load
        calls it when it is done. A store whose indexes follow every write (the
        embedded store's ``node_values``) has nothing to do."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and files."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
