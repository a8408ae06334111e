"""The embedded default store: SQLite (WAL), read through its indexes.

Every batch is one SQLite transaction, which also updates the derived tables
(labels, indexed values, name words, counts: ``_sqlite_index.py``). Reads go
through :meth:`EmbeddedStore.reading`: a read transaction on the thread's own
connection (one snapshot: whole batches or none, also while another process
writes) and a :class:`~graph.store._sqlite_view.GraphView` over it, which reads
only the nodes and relationships a query touches. Nothing holds the whole graph:
memory follows what a question reads, not what the store holds
(:attr:`EmbeddedStore.graph` still builds the whole ``networkx`` graph, for
tests and tools that ask for it). Values are stored as JSON, never pickled.

Ingests take turns (:meth:`Store.ingesting`): here the turn is a lock on a file in
the store's folder (``fcntl.flock``), held by one ingest at a time, in any process.

The database file and the lock file are readable by their owner only (``0600``).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import MissingEndpoint, StoreUnavailable
from graph.files import PRIVATE, private_sqlite
from graph.rows import NodeRow, RelRow, check_endpoint_labels
from graph.store._merge import merge_node, merge_rel
from graph.store._sqlite_index import (
    INDEXED,
    add_counts,
    name_fields,
    upgrade,
    value_rows,
    word_rows,
)
from graph.store._sqlite_view import LABELS, RID, TYPE, GraphView, ids_of
from graph.store.base import Counts, Direction, Neighbour, Store, UpsertResult, empty_counts

if TYPE_CHECKING:
    import networkx as nx

DB_NAME = "telusur.sqlite"
#: held by the ingest writing to the store (see :meth:`Store.ingesting`)
LOCK_NAME = "ingest.lock"
#: SQLite's page cache (KiB) of the writing connection and of each reading thread's: the
#: service's memory is bounded by these and by what its own caches keep, not by the store
#: (the operating system caches the file for all of them)
_WRITER_CACHE_KIB = 16_384
_READER_CACHE_KIB = 4_096

__all__ = [
    "DB_NAME",
    "LABELS",
    "LOCK_NAME",
    "RID",
    "TYPE",
    "EmbeddedStore",
    "GraphView",
    "name_fields",
]


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _ids(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False)


class EmbeddedStore(Store):
    """A SQLite file, read through its indexes."""

    kind = "embedded"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Two processes creating the store at once: switching the new file to WAL
            # needs it alone, and SQLite answers "database is locked" at once (no busy
            # wait) to the one that loses. Opening (and bringing an older store's
            # derived tables up, once) is done one process at a time.
            with _flock(os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)):
                self._db = self._connect(_WRITER_CACHE_KIB)
                self._db.execute("PRAGMA journal_mode=WAL")
                upgrade(self._db)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open embedded store at {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._local = threading.local()
        #: every open reading connection, for :meth:`close`
        self._readers: set[sqlite3.Connection] = set()
        self._writes = 0

    def _connect(self, cache_kib: int) -> sqlite3.Connection:
        db = private_sqlite(self.path / DB_NAME, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"PRAGMA cache_size=-{cache_kib}")
        db.execute("PRAGMA busy_timeout=30000")
        return db

    @contextmanager
    def _turn(self, waiting: Callable[[], None]) -> Iterator[None]:
        """``ingest.lock`` in the store's folder, ``flock``ed; the operating system
        releases the lock of a killed process."""
        fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE)
        with _flock(fd, waiting):
            yield

    def where(self) -> str:
        return str(self.path)

    # -- reading -------------------------------------------------------------
    def _reader(self) -> sqlite3.Connection:
        """The thread's own reading connection (its page cache stays warm between
        blocks). It closes when the thread ends: a service's worker threads come and
        go, and kept connections would gather open files and caches without bound."""
        held: _Held | None = getattr(self._local, "reader", None)
        if held is None:
            db = self._connect(_READER_CACHE_KIB)
            db.execute("PRAGMA query_only=1")
            held = _Held(db)
            with self._lock:
                self._readers.add(db)
            # the thread's locals go when it ends, and the finalizer with them
            weakref.finalize(held, _forget, db, self._readers, self._lock)
            self._local.reader = held
        return held.db

    @contextmanager
    def reading(self) -> Iterator[GraphView]:
        """The store as a read-only graph (:class:`GraphView`), one snapshot for the
        block; a block inside another in the same thread shares its snapshot."""
        view: GraphView | None = getattr(self._local, "view", None)
        if view is not None:
            yield view
            return
        db = self._reader()
        db.execute("BEGIN")
        view = GraphView(db)
        self._local.view = view
        try:
            yield view
        finally:
            self._local.view = None
            db.execute("COMMIT")

    @property
    def generation(self) -> tuple[int, int]:
        """Changes whenever the store does (our writes, or another process's commits):
        a key for caching what is derived from the whole graph."""
        with self._lock:
            version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
            return (version, self._writes)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole store as a ``networkx.MultiDiGraph``, built now (one snapshot).

        Costs memory and time in proportion to the store: queries use
        :meth:`reading`; this is for tests and tools that want every node."""
        import networkx as nx

        g = nx.MultiDiGraph()
        with self.reading() as view:
            for nid, attrs in view.nodes(data=True):
                g.add_node(nid, **attrs)
            for u, v, key, attrs in view.edges(keys=True, data=True):
                g.add_edge(u, v, key=key, **attrs)
        return g

    # -- reads -----------------------------------------------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        with self.reading() as g:
            g.prefetch(ids)
            return {i: _node_row(i, a) for i in ids if (a := g.node(i)) is not None}

    def get_rels(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        with self.reading() as g:
            out: dict[tuple[str, str], RelRow] = {}
            for key in keys:
                row = g.edge(key)
                if row is not None:
                    out[key] = _rel_row(row[0], row[1], key, row[3])
            return out

    def neighbours(
        self,
        node_id: str,
        *,
        types: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        with self.reading() as g:
            if node_id not in g:
                return []
            edges: list[tuple[str, str, tuple[str, str], dict[str, Any], str]] = []
            if direction in ("out", "both"):
                edges += [(u, v, k, a, "out") for u, v, k, a in g.out_edges(node_id, True, True)]
            if direction in ("in", "both"):
                edges += [
                    (u, v, k, a, "in")
                    for u, v, k, a in g.in_edges(node_id, True, True)
                    if u != v or direction == "in"
                ]
            edges = [e for e in edges if not types or e[2][0] in types]
            g.prefetch(e[1] if e[4] == "out" else e[0] for e in edges)
            found: list[tuple[str, str, str, Neighbour]] = []
            for u, v, key, attrs, d in edges:
                other = v if d == "out" else u
                oattrs = g.nodes[other]
                if labels and not set(labels) & oattrs[LABELS]:
                    continue
                item: Neighbour = {
                    "rel": _rel_row(u, v, key, attrs),
                    "node": _node_row(other, oattrs),
                    "direction": "out" if d == "out" else "in",
                }
                found.append((key[0], other, key[1], item))
            found.sort(key=lambda t: t[:3])
            items = [t[3] for t in found]
            return items[:limit] if limit is not None else items

    def find_by_property(
        self, label: str, prop: str, values: Sequence[str]
    ) -> dict[str, list[str]]:
        wanted = set(values)
        if not wanted:
            return {}
        with self.reading() as g:
            if prop in INDEXED.get(label, ()):
                return ids_of(g.ids_by_value(label, prop, wanted))
            out: list[tuple[str, str]] = []  # not indexed: every node of the label
            ids = g.ids_with_label(label)
            for j in range(0, len(ids), 5000):
                g.prefetch(ids[j : j + 5000])
                for nid in ids[j : j + 5000]:
                    value = g.nodes[nid].get(prop)
                    held = value if isinstance(value, list) else [value]
                    out += [(v, nid) for v in wanted.intersection(held)]
            return ids_of(out)

    def counts(self) -> Counts:
        out = empty_counts()
        with self.reading() as g:
            for kind, name, n in g._db.execute("SELECT kind, name, n FROM counts"):
                if n:
                    out["nodes" if kind == "label" else "relationships"][name] = n
        return out

    # -- writes ----------------------------------------------------------------
    def _stored_nodes(self, ids: Iterable[str]) -> dict[str, NodeRow]:
        return {
            nid: {"id": nid, "labels": json.loads(labels), "props": json.loads(props)}
            for nid, labels, props in self._db.execute(
                "SELECT id, labels, props FROM nodes WHERE id IN (SELECT value FROM json_each(?))",
                (_ids(ids),),
            )
        }

    def _stored_rels(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        by_type: dict[str, list[str]] = {}
        for typ, rid in keys:
            by_type.setdefault(typ, []).append(rid)
        out: dict[tuple[str, str], RelRow] = {}
        for typ, rids in sorted(by_type.items()):
            for rid, start, end, props in self._db.execute(
                'SELECT id, start, "end", props FROM rels '
                "WHERE type = ? AND id IN (SELECT value FROM json_each(?))",
                (typ, _ids(rids)),
            ):
                out[(typ, rid)] = {
                    "id": rid,
                    "type": typ,
                    "start": start,
                    "end": end,
                    "props": json.loads(props),
                }
        return out

    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                doomed = self._stored_rels(delete)
                stored = self._stored_nodes(n["id"] for n in nodes)
                stored_rels = {
                    k: r
                    for k, r in self._stored_rels((r["type"], r["id"]) for r in rels).items()
                    if k not in doomed
                }
                ends = {e for r in rels for e in (r["start"], r["end"])} - stored.keys()
                end_labels = {n["id"]: n["labels"] for n in stored.values()}
                end_labels |= {
                    nid: json.loads(labels)
                    for nid, labels in db.execute(
                        "SELECT id, labels FROM nodes WHERE id IN (SELECT value FROM json_each(?))",
                        (_ids(ends),),
                    )
                }
                plan = _plan(nodes, rels, stored, stored_rels, end_labels)
                db.executemany("DELETE FROM rels WHERE type = ? AND id = ?", list(doomed))
                db.executemany(
                    "INSERT OR REPLACE INTO nodes (id, labels, props) VALUES (?, ?, ?)",
                    [(n["id"], _dumps(n["labels"]), _dumps(n["props"])) for n in plan.nodes],
                )
                db.executemany(
                    'INSERT OR REPLACE INTO rels (type, id, start, "end", props) '
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (r["type"], r["id"], r["start"], r["end"], _dumps(r["props"]))
                        for r in plan.rels
                    ],
                )
                _derive(db, plan.nodes, stored)
                types = Counter(k[0] for k in doomed)
                types.subtract(
                    r["type"] for r in plan.rels if (r["type"], r["id"]) not in stored_rels
                )
                add_counts(db, "type", {t: -n for t, n in types.items()})
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            self._writes += 1
            return plan.result

    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        with self.reading() as g:
            out: list[RelRow] = []
            for start, end, key, attrs in g.rels_of_types([typ]):
                if limit is not None and len(out) >= limit:
                    break
                out.append(_rel_row(start, end, key, attrs))
            return out

    def wipe(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            for table in ("nodes", "rels", "node_labels", "node_values", "name_words", "counts"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self._db.execute("COMMIT")
            self._writes += 1

    def delete_nodes(self, ids: Sequence[str], *, labels: Iterable[str]) -> int:
        wanted = set(labels)
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                stored = self._stored_nodes(ids)
                doomed = sorted(i for i, n in stored.items() if wanted & set(n["labels"]))
                if not doomed:
                    db.execute("COMMIT")
                    return 0
                keys = sorted(
                    set(
                        db.execute(
                            "SELECT type, id FROM rels "
                            "WHERE start IN (SELECT value FROM json_each(?)) "
                            "UNION SELECT type, id FROM rels "
                            'WHERE "end" IN (SELECT value FROM json_each(?))',
                            (_ids(doomed), _ids(doomed)),
                        )
                    )
                )
                db.executemany("DELETE FROM rels WHERE type = ? AND id = ?", keys)
                db.executemany("DELETE FROM nodes WHERE id = ?", [(n,) for n in doomed])
                gone = [stored[n] for n in doomed]
                db.executemany(
                    "DELETE FROM node_labels WHERE label = ? AND id = ?",
                    [(label, n["id"]) for n in gone for label in n["labels"]],
                )
                db.executemany(
                    "DELETE FROM node_values WHERE label = ? AND prop = ? AND value = ? AND id = ?",
                    sorted(r for n in gone for r in value_rows(n["id"], n["labels"], n["props"])),
                )
                db.executemany(
                    "DELETE FROM name_words WHERE word = ? AND id = ?",
                    sorted(r for n in gone for r in word_rows(n["id"], n["props"])),
                )
                lost = Counter(lb for n in gone for lb in n["labels"])
                add_counts(db, "label", {lb: -c for lb, c in lost.items()})
                add_counts(db, "type", {t: -c for t, c in Counter(k[0] for k in keys).items()})
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            self._writes += 1
            return len(doomed)

    def check(self) -> dict[str, str]:
        with self._lock:
            n = self._db.execute("SELECT count(*) FROM nodes").fetchone()[0]
        return {"store": "embedded", "path": str(self.path / DB_NAME), "nodes": str(n)}

    def close(self) -> None:
        with self._lock:
            for db in list(self._readers):
                db.close()
            self._readers.clear()
            self._local = threading.local()
            self._db.close()


class _Held:
    """A thread's reading connection, kept in its thread-local data."""

    __slots__ = ("__weakref__", "db")

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db


def _forget(
    db: sqlite3.Connection, readers: set[sqlite3.Connection], lock: threading.RLock
) -> None:
    """Close a reading connection whose thread ended (from whichever thread frees it)."""
    with lock:
        readers.discard(db)
    db.close()


def _derive(db: sqlite3.Connection, written: list[NodeRow], stored: dict[str, NodeRow]) -> None:
    """Bring the derived tables of the ``written`` nodes (``stored`` before) up to date."""
    new_labels: list[tuple[str, str]] = []
    old_values: set[tuple[str, str, str, str]] = set()
    new_values: set[tuple[str, str, str, str]] = set()
    old_words: set[tuple[str, str]] = set()
    new_words: set[tuple[str, str]] = set()
    added: Counter[str] = Counter()
    for n in written:
        before = stored.get(n["id"])
        was = set(before["labels"]) if before else set()
        fresh = [lb for lb in n["labels"] if lb not in was]
        new_labels += [(lb, n["id"]) for lb in fresh]
        added.update(fresh)
        new_values |= value_rows(n["id"], n["labels"], n["props"])
        new_words |= word_rows(n["id"], n["props"])
        if before is not None:
            old_values |= value_rows(before["id"], before["labels"], before["props"])
            old_words |= word_rows(before["id"], before["props"])
    db.executemany("INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)", new_labels)
    db.executemany(
        "DELETE FROM node_values WHERE label = ? AND prop = ? AND value = ? AND id = ?",
        sorted(old_values - new_values),
    )
    db.executemany(
        "INSERT OR IGNORE INTO node_values (label, prop, value, id) VALUES (?, ?, ?, ?)",
        sorted(new_values - old_values),
    )
    db.executemany(
        "DELETE FROM name_words WHERE word = ? AND id = ?", sorted(old_words - new_words)
    )
    db.executemany(
        "INSERT OR IGNORE INTO name_words (word, id) VALUES (?, ?)", sorted(new_words - old_words)
    )
    add_counts(db, "label", added)


def _node_row(nid: str, attrs: dict[str, Any]) -> NodeRow:
    props = {k: v for k, v in attrs.items() if k != LABELS}
    return {"id": nid, "labels": sorted(attrs[LABELS]), "props": _copy(props)}


def _rel_row(start: str, end: str, key: tuple[str, str], attrs: dict[str, Any]) -> RelRow:
    props = {k: v for k, v in attrs.items() if k not in (TYPE, RID)}
    return {"id": key[1], "type": key[0], "start": start, "end": end, "props": _copy(props)}


@contextmanager
def _flock(fd: int, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive ``flock`` on ``fd`` (closed at the end, which releases it);
    ``waiting`` is called first when another open file holds it."""
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _copy(props: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in props.items()}


@dataclass(frozen=True)
class _Plan:
    """A validated batch with the state each row will have once written."""

    nodes: list[NodeRow]
    rels: list[RelRow]
    result: UpsertResult


def _plan(
    nodes: list[NodeRow],
    rels: list[RelRow],
    stored_nodes: dict[str, NodeRow],
    stored_rels: dict[tuple[str, str], RelRow],
    endpoint_labels: dict[str, list[str]],
) -> _Plan:
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
    for r in rels:
        old = stored_rels.get((r["type"], r["id"]))
        if old is None:
            for end in (r["start"], r["end"]):
                if end not in labels_after:
                    raise MissingEndpoint(
                        f"relationship {r['id']!r} ({r['type']}): no node {end!r}"
                    )
            check_endpoint_labels(r, labels_after[r["start"]], labels_after[r["end"]])
        merged_rel, rel_status = merge_rel(old, r)
        result.relationships[rel_status] += 1
        if rel_status != "unchanged":
            merged_rels.append(merged_rel)
    return _Plan(merged_nodes, merged_rels, result)
