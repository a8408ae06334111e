"""The store interface that the embedded store and the Neo4j store both implement.

Both pass the same contract tests (``tests/store/test_contract.py``): every
operation returns identical results for the same writes.

Writers that decide from what is stored take turns: :meth:`Store.ingesting` is held
by one ingest (or an analyst's merge) at a time, in any process. Entity resolution
reads the store and then writes what it decided; two ingests doing this at once
would each miss the people the other is about to write.
"""

from __future__ import annotations

import abc
import logging
import operator
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from graph.errors import MissingEndpoint
from graph.model import MODEL
from graph.rows import NodeRow, RelRow, check_endpoint_labels, validate_node, validate_rel
from graph.store._merge import Status, collapse_nodes, collapse_rels, merge_node, merge_rel

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


@dataclass(frozen=True)
class Plan:
    """A validated batch with the state each row will have once written."""

    nodes: list[NodeRow]
    rels: list[RelRow]
    new_rel_ids: set[tuple[str, str]]
    result: UpsertResult


_ID = operator.itemgetter("id")
_TYPE_ID = operator.itemgetter("type", "id")


def _validated(
    nodes: Iterable[NodeRow], rels: Iterable[RelRow]
) -> tuple[list[NodeRow], list[RelRow]]:
    """The rows as lists, each checked against the model (the first bad one raises)."""
    node_rows = list(nodes)
    rel_rows = list(rels)
    for n in node_rows:
        validate_node(n)
    for r in rel_rows:
        validate_rel(r)
    return node_rows, rel_rows


@dataclass
class PreparedBatch:
    """A validated batch (rows sharing an id merged), ready for :meth:`Store.write_prepared`.

    ``payload`` is whatever the store precomputed for writing it (the Neo4j
    store's statement parameters), or ``None``.
    """

    nodes: list[NodeRow]
    rels: list[RelRow]
    delete: list[tuple[str, str]]
    payload: object = None
    #: the caller's promise that no stored relationship has the id of one of ``rels``
    #: (see :meth:`Store.prepare`)
    new_rels: bool = False


class Store(abc.ABC):
    """A graph store. Every write is validated against the model first."""

    kind: str = "store"
    #: How many batches a loader may write at once, each in its own transaction
    #: (a store that serialises its writes anyway gains nothing from more than one).
    concurrent_writes: int = 1

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

    @abc.abstractmethod
    def find_by_property(
        self, label: str, prop: str, values: Sequence[str]
    ) -> dict[str, list[str]]:
        """Ids of ``label`` nodes whose ``prop`` equals (or, for a list, contains) a value.

        Returns value -> sorted ids; values without a match are left out. Used by
        entity resolution to find a record already stored under a strong identifier.
        """

    def holds_rel_prefix(self, typ: str, prefix: str) -> bool:
        """Whether a stored ``typ`` relationship may have an id starting with ``prefix``.

        False only when the store knows there is none (a bundle whose relationships
        of this type were never written); a store that cannot tell cheaply answers
        True, the safe answer.
        """
        return True

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
        return self.write_prepared(self.prepare(nodes, rels, delete_rels=delete_rels))

    def prepare(
        self,
        nodes: Iterable[NodeRow] = (),
        rels: Iterable[RelRow] = (),
        *,
        delete_rels: Iterable[tuple[str, str]] = (),
        new_rels: bool = False,
    ) -> PreparedBatch:
        """Validate and collapse a batch without touching the store.

        :meth:`upsert` is ``write_prepared(prepare(...))``; a loader that writes
        in another thread prepares in its own (pure Python work) so that the
        writing thread only talks to the store.

        ``new_rels`` is the caller's promise that no relationship with the id of one
        of ``rels`` is stored (a loader knows it from :meth:`holds_rel_prefix` and ids
        unique within its run): a store may then create them without looking for
        them first. The graph written is the same. (A broken promise fails the batch
        on Neo4j, whose relationship id uniqueness constraints refuse a second
        relationship with an id.)
        """
        node_rows, rel_rows = _validated(nodes, rels)
        unique = len(set(map(_ID, node_rows))) == len(node_rows) and len(
            set(map(_TYPE_ID, rel_rows))
        ) == len(rel_rows)
        if not unique:  # rows sharing an id are merged first (a loader's batch rarely has any)
            node_rows, rel_rows = collapse_nodes(node_rows), collapse_rels(rel_rows)
        return PreparedBatch(
            node_rows,
            rel_rows,
            sorted(set(delete_rels)),
            self._payload(node_rows, rel_rows),
            new_rels and bool(rel_rows),
        )

    def _payload(self, nodes: list[NodeRow], rels: list[RelRow]) -> object:
        """What this store can precompute for writing a prepared batch (default: nothing)."""
        return None

    def write_prepared(
        self, batch: PreparedBatch, *, before_commit: Callable[[], None] | None = None
    ) -> UpsertResult:
        """Write a batch from :meth:`prepare` (of this store), atomically.

        ``before_commit`` is called before the batch commits; if it raises, nothing
        of the batch is written and its error is raised. A store that runs
        several writers at once (:attr:`concurrent_writes`) calls it inside the
        transaction, after the batch's statements, so that a writer can hold a
        finished batch back until the batches submitted before it have committed
        (``ingest/bundle/_writer.py``); this one calls it first.
        """
        if before_commit is not None:
            before_commit()
        return self._write(batch.nodes, batch.rels, batch.delete)

    @abc.abstractmethod
    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        """Delete ``delete``, then write validated rows with unique ids, atomically.

        Props may still hold ``None`` ("not given"); the merge skips those."""

    def plan(
        self,
        nodes: list[NodeRow],
        rels: list[RelRow],
        stored_nodes: dict[str, NodeRow],
        stored_rels: dict[tuple[str, str], RelRow],
        endpoint_labels: dict[str, list[str]],
    ) -> Plan:
        """Merge a batch into what is stored; raise before anything is written."""
        result = UpsertResult()
        merged_nodes: list[NodeRow] = []
        labels_after = dict(endpoint_labels)
        for n in nodes:
            merged, status = merge_node(stored_nodes.get(n["id"]), n)
            result.nodes[status] += 1
            labels_after[n["id"]] = merged["labels"]
            if status != "unchanged":
                merged_nodes.append(merged)
        merged_rels: list[RelRow] = []
        new_ids: set[tuple[str, str]] = set()
        for r in rels:
            key = (r["type"], r["id"])
            old = stored_rels.get(key)
            if old is None:
                for end in (r["start"], r["end"]):
                    if end not in labels_after:
                        raise MissingEndpoint(
                            f"relationship {r['id']!r} ({r['type']}): no node {end!r}"
                        )
                check_endpoint_labels(r, labels_after[r["start"]], labels_after[r["end"]])
                new_ids.add(key)
            merged_rel, rel_status = merge_rel(old, r)
            result.relationships[rel_status] += 1
            if rel_status != "unchanged":
                merged_rels.append(merged_rel)
        return Plan(merged_nodes, merged_rels, new_ids, result)

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

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and files."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
