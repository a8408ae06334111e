"""The embedded default store: SQLite (WAL) is the record, networkx is the index.

Every batch is one SQLite transaction; only after it commits is the in-memory
``MultiDiGraph`` updated, under a lock, so readers see a batch entirely or not
at all. Reopening the file rebuilds exactly the same graph. Values are stored as
JSON, never pickled. Another process (the CLI ingesting while the API serves)
is noticed through SQLite's ``data_version`` and the graph is reloaded.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import MissingEndpoint, StoreUnavailable
from graph.files import PRIVATE, private_sqlite
from graph.rows import NodeRow, RelRow, check_endpoint_labels
from graph.store._merge import merge_node, merge_rel
from graph.store.base import Counts, Direction, Neighbour, Store, UpsertResult, empty_counts

DB_NAME = "telusur.sqlite"
#: held by the ingest writing to the store (see :meth:`Store.ingesting`)
LOCK_NAME = "ingest.lock"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, labels TEXT NOT NULL, props TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rels (
    type TEXT NOT NULL, id TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
    props TEXT NOT NULL, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Graph attribute names that cannot clash with model properties.
LABELS = "_labels"
TYPE = "_type"
RID = "_id"


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class EmbeddedStore(Store):
    """SQLite file plus an in-memory networkx graph."""

    kind = "embedded"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Two processes creating the store at once: switching the new file to WAL
            # needs it alone, and SQLite answers "database is locked" at once (no busy
            # wait) to the one that loses. Opening is done one process at a time.
            with _flock(os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)):
                self._db = private_sqlite(
                    self.path / DB_NAME, check_same_thread=False, isolation_level=None
                )
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open embedded store at {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._rel_ends: dict[tuple[str, str], tuple[str, str]] = {}
        self._version = -1
        self._writes = 0
        self._refresh()

    @contextmanager
    def _turn(self, waiting: Callable[[], None]) -> Iterator[None]:
        """``ingest.lock`` in the store's folder, ``flock``ed; the operating system
        releases the lock of a killed process."""
        fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE)
        with _flock(fd, waiting):
            yield

    def where(self) -> str:
        return str(self.path)

    # -- loading -------------------------------------------------------------
    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _refresh(self) -> None:
        """Reload the graph when another connection committed since we last looked."""
        with self._lock:
            version = self._data_version()
            if version == self._version:
                return
            g: nx.MultiDiGraph = nx.MultiDiGraph()
            ends: dict[tuple[str, str], tuple[str, str]] = {}
            # One read transaction: both tables from the same snapshot, even while
            # another process is committing batches.
            self._db.execute("BEGIN")
            try:
                version = self._data_version()
                for nid, labels, props in self._db.execute("SELECT id, labels, props FROM nodes"):
                    g.add_node(nid, **json.loads(props), **{LABELS: frozenset(json.loads(labels))})
                for typ, rid, start, end, props in self._db.execute(
                    'SELECT type, id, start, "end", props FROM rels'
                ):
                    g.add_edge(
                        start, end, key=(typ, rid), **json.loads(props), **{TYPE: typ, RID: rid}
                    )
                    ends[(typ, rid)] = (start, end)
            finally:
                self._db.execute("COMMIT")
            self._graph, self._rel_ends, self._version = g, ends, version

    @contextmanager
    def reading(self) -> Iterator[nx.MultiDiGraph]:
        """The current graph, held still for the duration of the block."""
        with self._lock:
            self._refresh()
            yield self._graph

    @property
    def generation(self) -> tuple[int, int]:
        """Changes whenever the graph does (our writes, or another process's commits):
        a key for caching what is derived from the whole graph."""
        with self._lock:
            self._refresh()
            return (self._version, self._writes)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The current graph (for analytics; hold :meth:`reading` for consistency)."""
        self._refresh()
        return self._graph

    # -- row conversion --------------------------------------------------------
    def _node_row(self, nid: str) -> NodeRow:
        attrs = self._graph.nodes[nid]
        props = {k: v for k, v in attrs.items() if k != LABELS}
        return {"id": nid, "labels": sorted(attrs[LABELS]), "props": _copy(props)}

    def _rel_row(self, start: str, end: str, key: tuple[str, str]) -> RelRow:
        attrs = self._graph.edges[start, end, key]
        props = {k: v for k, v in attrs.items() if k not in (TYPE, RID)}
        return {"id": key[1], "type": key[0], "start": start, "end": end, "props": _copy(props)}

    # -- reads -----------------------------------------------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        with self.reading() as g:
            return {i: self._node_row(i) for i in ids if i in g}

    def get_rels(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        with self.reading():
            out: dict[tuple[str, str], RelRow] = {}
            for key in keys:
                ends = self._rel_ends.get(key)
                if ends is not None:
                    out[key] = self._rel_row(ends[0], ends[1], key)
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
            found: list[tuple[str, str, str, Neighbour]] = []
            edges: list[tuple[str, str, tuple[str, str], str]] = []
            if direction in ("out", "both"):
                edges += [(u, v, k, "out") for u, v, k in g.out_edges(node_id, keys=True)]
            if direction in ("in", "both"):
                edges += [
                    (u, v, k, "in")
                    for u, v, k in g.in_edges(node_id, keys=True)
                    if u != v or direction == "in"
                ]
            for u, v, key, d in edges:
                if types and key[0] not in types:
                    continue
                other = v if d == "out" else u
                if labels and not set(labels) & g.nodes[other][LABELS]:
                    continue
                item: Neighbour = {
                    "rel": self._rel_row(u, v, key),
                    "node": self._node_row(other),
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
        out: dict[str, list[str]] = {}
        if not wanted:
            return out
        with self.reading() as g:
            for nid, attrs in g.nodes(data=True):
                if label not in attrs[LABELS]:
                    continue
                value = attrs.get(prop)
                found = (
                    wanted.intersection(value)
                    if isinstance(value, list)
                    else ({value} if value in wanted else set())
                )
                for v in found:
                    out.setdefault(v, []).append(nid)
        return {v: sorted(ids) for v, ids in out.items()}

    def counts(self) -> Counts:
        out = empty_counts()
        with self.reading() as g:
            for _, labels in g.nodes(data=LABELS):
                for label in labels:
                    out["nodes"][label] = out["nodes"].get(label, 0) + 1
            for _, _, key in g.edges(keys=True):
                out["relationships"][key[0]] = out["relationships"].get(key[0], 0) + 1
        return out

    # -- writes ----------------------------------------------------------------
    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        with self._lock:
            self._refresh()
            g = self._graph
            doomed = {k: self._rel_ends[k] for k in delete if k in self._rel_ends}
            stored = {n["id"]: self._node_row(n["id"]) for n in nodes if n["id"] in g}
            stored_rels = {
                (r["type"], r["id"]): self._rel_row(
                    *self._rel_ends[(r["type"], r["id"])], (r["type"], r["id"])
                )
                for r in rels
                if (r["type"], r["id"]) in self._rel_ends and (r["type"], r["id"]) not in doomed
            }
            ends = {e for r in rels for e in (r["start"], r["end"])}
            end_labels = {e: sorted(g.nodes[e][LABELS]) for e in ends if e in g}
            plan = _plan(nodes, rels, stored, stored_rels, end_labels)
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("DELETE FROM rels WHERE type = ? AND id = ?", list(doomed))
                self._db.executemany(
                    "INSERT OR REPLACE INTO nodes (id, labels, props) VALUES (?, ?, ?)",
                    [(n["id"], _dumps(n["labels"]), _dumps(n["props"])) for n in plan.nodes],
                )
                self._db.executemany(
                    'INSERT OR REPLACE INTO rels (type, id, start, "end", props) '
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (r["type"], r["id"], r["start"], r["end"], _dumps(r["props"]))
                        for r in plan.rels
                    ],
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            # Committed: now mirror into the graph (our own commit does not bump data_version).
            for key, (start, end) in doomed.items():
                g.remove_edge(start, end, key)
                del self._rel_ends[key]
            for n in plan.nodes:
                # Merged props are a superset of the stored ones: updating in place is exact.
                g.add_node(n["id"], **n["props"], **{LABELS: frozenset(n["labels"])})
            self._writes += 1
            for r in plan.rels:
                key = (r["type"], r["id"])
                start, end = self._rel_ends.get(key, (r["start"], r["end"]))
                if g.has_edge(start, end, key):
                    g.remove_edge(start, end, key)
                g.add_edge(start, end, key=key, **r["props"], **{TYPE: key[0], RID: key[1]})
                self._rel_ends[key] = (start, end)
            return plan.result

    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        with self.reading():
            keys = sorted(k for k in self._rel_ends if k[0] == typ)[:limit]
            return [self._rel_row(*self._rel_ends[k], k) for k in keys]

    def wipe(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM nodes")
            self._db.execute("DELETE FROM rels")
            self._db.execute("COMMIT")
            self._graph = nx.MultiDiGraph()
            self._rel_ends = {}
            self._writes += 1

    def delete_nodes(self, ids: Sequence[str], *, labels: Iterable[str]) -> int:
        wanted = set(labels)
        with self._lock:
            self._refresh()
            g = self._graph
            doomed = [i for i in ids if i in g and wanted & g.nodes[i][LABELS]]
            if not doomed:
                return 0
            keys = sorted(
                {k for n in doomed for _, _, k in g.in_edges(n, keys=True)}
                | {k for n in doomed for _, _, k in g.out_edges(n, keys=True)}
            )
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("DELETE FROM rels WHERE type = ? AND id = ?", keys)
                self._db.executemany("DELETE FROM nodes WHERE id = ?", [(n,) for n in doomed])
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            for k in keys:
                self._rel_ends.pop(k, None)
            g.remove_nodes_from(doomed)
            self._writes += 1
            return len(doomed)

    def check(self) -> dict[str, str]:
        with self._lock:
            n = self._db.execute("SELECT count(*) FROM nodes").fetchone()[0]
        return {"store": "embedded", "path": str(self.path / DB_NAME), "nodes": str(n)}

    def close(self) -> None:
        with self._lock:
            self._db.close()


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
