"""A read view of the embedded store that looks like the networkx graph the queries use.

:class:`GraphView` answers ``g.nodes[n]``, ``n in g``, ``g.out_edges(n, keys=True,
data=True)``, ``g.in_edges(...)`` and ``g.edges[u, v, key]`` like a
``networkx.MultiDiGraph`` whose node attributes carry ``_labels`` (a frozenset) and
whose edge keys are ``(type, id)`` with ``_type`` and ``_id`` among the attributes.
It reads SQLite through the indexes, only what is asked, and keeps what it read
for the rest of the block (one read transaction: one snapshot, whole batches).
Iterating every node or edge (``g.nodes(data=True)``, ``g.edges(...)``) still
works, streamed from the tables, but costs the whole store: the queries ask the
indexed primitives instead (:meth:`GraphView.ids_with_label`,
:meth:`GraphView.ids_by_value`, :meth:`GraphView.name_words`,
:meth:`GraphView.rels_of_types`, and :meth:`GraphView.typed_degrees` /
:meth:`GraphView.typed_edges`: a node's relationships of some types counted on
the ``(node, type)`` indexes, then read only for the nodes with few).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from graph.store._sqlite_index import EXTRA, INDEXED, REL_INDEXED

#: above every character: ``[p, p + _TOP)`` is every text starting with ``p``
_TOP = "\U0010ffff"

LABELS = "_labels"
TYPE = "_type"
RID = "_id"

Key = tuple[str, str]
#: (start, end, key, attrs) of one relationship
EdgeRow = tuple[str, str, Key, dict[str, Any]]


def node_attrs(labels: str, props: str) -> dict[str, Any]:
    attrs: dict[str, Any] = json.loads(props)
    attrs[LABELS] = frozenset(json.loads(labels))
    return attrs


def edge_attrs(typ: str, rid: str, props: str) -> dict[str, Any]:
    attrs: dict[str, Any] = json.loads(props)
    attrs[TYPE] = typ
    attrs[RID] = rid
    return attrs


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


class GraphView:
    """The store as a read-only ``MultiDiGraph``, lazily, over one read transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._nodes: dict[str, dict[str, Any] | None] = {}
        self._out: dict[str, list[EdgeRow]] = {}
        self._in: dict[str, list[EdgeRow]] = {}
        self._edges: dict[Key, EdgeRow | None] = {}
        self.nodes = _Nodes(self)
        self.edges = _Edges(self)

    # -- nodes -------------------------------------------------------------------
    def node(self, nid: str) -> dict[str, Any] | None:
        """The node's attributes, ``None`` when absent."""
        if nid not in self._nodes:
            row = self._db.execute(
                "SELECT labels, props FROM nodes WHERE id = ?", (nid,)
            ).fetchone()
            self._nodes[nid] = None if row is None else node_attrs(*row)
        return self._nodes[nid]

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the nodes among ``ids`` not read yet, in one statement."""
        missing = sorted({i for i in ids if i not in self._nodes})
        for j in range(0, len(missing), 5000):
            part = missing[j : j + 5000]
            found = {
                nid: node_attrs(labels, props)
                for nid, labels, props in self._db.execute(
                    "SELECT id, labels, props FROM nodes "
                    "WHERE id IN (SELECT value FROM json_each(?))",
                    (_json(part),),
                )
            }
            for nid in part:
                self._nodes[nid] = found.get(nid)

    def __contains__(self, nid: object) -> bool:
        return isinstance(nid, str) and self.node(nid) is not None

    has_node = __contains__

    def __iter__(self) -> Iterator[str]:
        return (nid for (nid,) in self._db.execute("SELECT id FROM nodes ORDER BY rowid"))

    def __len__(self) -> int:
        return self.number_of_nodes()

    def number_of_nodes(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM nodes").fetchone()[0])

    def number_of_edges(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM rels").fetchone()[0])

    # -- adjacency ---------------------------------------------------------------
    def _adjacent(self, nid: str, out: bool) -> list[EdgeRow]:
        cache = self._out if out else self._in
        rows = cache.get(nid)
        if rows is None:
            col = "start" if out else '"end"'
            rows = []
            for typ, rid, start, end, props in self._db.execute(
                f'SELECT type, id, start, "end", props FROM rels WHERE {col} = ? ORDER BY rowid',
                (nid,),
            ):
                key = (typ, rid)
                row = self._edges.get(key)
                if row is None:
                    row = (start, end, key, edge_attrs(typ, rid, props))
                    self._edges[key] = row
                rows.append(row)
            cache[nid] = rows
        return rows

    def out_edges(self, nid: str, keys: bool = False, data: bool = False) -> list[tuple[Any, ...]]:
        return [_shape(r, keys, data) for r in self._adjacent(nid, True)]

    def in_edges(self, nid: str, keys: bool = False, data: bool = False) -> list[tuple[Any, ...]]:
        return [_shape(r, keys, data) for r in self._adjacent(nid, False)]

    def out_degree(self, nid: str) -> int:
        return self._degree(nid, True)

    def in_degree(self, nid: str) -> int:
        return self._degree(nid, False)

    def _degree(self, nid: str, out: bool) -> int:
        """Counted on the index, without reading the relationships (a hub has many)."""
        rows = (self._out if out else self._in).get(nid)
        if rows is not None:
            return len(rows)
        col = "start" if out else '"end"'
        sql = f"SELECT count(*) FROM rels WHERE {col} = ?"
        return int(self._db.execute(sql, (nid,)).fetchone()[0])

    def typed_degrees(
        self, ids: Collection[str], types: Collection[str], direction: str
    ) -> dict[str, int]:
        """``{id: its relationships of `types`}`` for the ids that have any, counted on the
        ``(start, type)`` and ``(end, type)`` indexes without reading a relationship.
        ``direction`` is ``out``, ``in`` or ``both`` (a self-loop counts twice, once each
        way, as ``out_edges`` and ``in_edges`` list it)."""
        out: Counter[str] = Counter()
        if not ids or not types:
            return {}
        tjson = _json(sorted(set(types)))
        for col in _columns(direction):
            for part in _parts(sorted(set(ids))):
                out.update(
                    dict(
                        self._db.execute(
                            f"SELECT {col}, count(*) FROM rels "
                            f"WHERE {col} IN (SELECT value FROM json_each(?)) "
                            "AND type IN (SELECT value FROM json_each(?)) "
                            f"GROUP BY {col}",
                            (_json(part), tjson),
                        )
                    )
                )
        return dict(out)

    def typed_edges(
        self, ids: Collection[str], types: Collection[str], direction: str
    ) -> dict[str, list[EdgeRow]]:
        """``{id: its relationships of `types`}``: outgoing ones first, then incoming, each
        in the order they were written (as ``out_edges`` then ``in_edges``, filtered), read
        by the ``(start, type)`` and ``(end, type)`` indexes: only the asked types are
        decoded. Ask it of nodes whose :meth:`typed_degrees` is small."""
        found: dict[str, list[tuple[int, int, EdgeRow]]] = {}
        if not ids or not types:
            return {}
        tjson = _json(sorted(set(types)))
        for way, col in enumerate(_columns(direction)):
            for part in _parts(sorted(set(ids))):
                for rowid, typ, rid, start, end, props in self._db.execute(
                    f'SELECT rowid, type, id, start, "end", props FROM rels '
                    f"WHERE {col} IN (SELECT value FROM json_each(?)) "
                    "AND type IN (SELECT value FROM json_each(?))",
                    (_json(part), tjson),
                ):
                    key = (typ, rid)
                    row = self._edges.get(key)
                    if row is None:
                        row = (start, end, key, edge_attrs(typ, rid, props))
                        self._edges[key] = row
                    at = start if col == "start" else end
                    found.setdefault(at, []).append((way, rowid, row))
        return {
            nid: [r for *_, r in sorted(rows, key=lambda t: t[:2])] for nid, rows in found.items()
        }

    def edge(self, key: Key) -> EdgeRow | None:
        """One relationship by ``(type, id)``, ``None`` when absent."""
        if key not in self._edges:
            row = self._db.execute(
                'SELECT start, "end", props FROM rels WHERE type = ? AND id = ?', key
            ).fetchone()
            self._edges[key] = (
                None if row is None else (row[0], row[1], key, edge_attrs(*key, row[2]))
            )
        return self._edges[key]

    def has_edge(self, u: str, v: str, key: Key | None = None) -> bool:
        if key is not None:
            row = self.edge(key)
            return row is not None and row[0] == u and row[1] == v
        return any(r[1] == v for r in self._adjacent(u, True))

    # -- indexed primitives --------------------------------------------------------
    def ids_with_label(self, label: str) -> list[str]:
        """Ids of the nodes carrying ``label``, sorted."""
        return [
            i for (i,) in self._db.execute("SELECT id FROM node_labels WHERE label = ?", (label,))
        ]

    def ids_by_value(self, label: str, prop: str, values: Collection[str]) -> list[tuple[str, str]]:
        """``(value, id)`` of the ``label`` nodes whose indexed ``prop`` equals (a list
        property: contains) one of ``values``; sorted."""
        return list(
            self._db.execute(
                "SELECT value, id FROM node_values WHERE label = ? AND prop = ? "
                "AND value IN (SELECT value FROM json_each(?)) ORDER BY value, id",
                (label, prop, _json(sorted(set(values)))),
            )
        )

    def ids_by_extra_value(self, values: Collection[str]) -> list[str]:
        """Ids of the nodes with an extra column (``x_*``) whose text equals one of
        ``values``; sorted."""
        return sorted({i for _, i in self.ids_by_value(*EXTRA, values)})

    def ids_starting(self, prefixes: Collection[str]) -> list[str]:
        """Ids of the nodes whose id starts with one of ``prefixes``, sorted (an index range)."""
        out: set[str] = set()
        for p in set(prefixes):
            sql = "SELECT id FROM nodes WHERE id >= ? AND id < ?"
            out.update(i for (i,) in self._db.execute(sql, (p, p + _TOP)))
        return sorted(out)

    def ids_by_prefix(self, label: str, prop: str, prefixes: Collection[str]) -> list[str]:
        """Ids of the ``label`` nodes whose text ``prop`` starts with one of ``prefixes``,
        sorted: an index range for a property the model indexes, else every node of the
        label."""
        out: set[str] = set()
        if prop in INDEXED.get(label, ()):
            sql = (
                "SELECT id FROM node_values WHERE label = ? AND prop = ? "
                "AND value >= ? AND value < ?"
            )
            for p in set(prefixes):
                out.update(i for (i,) in self._db.execute(sql, (label, prop, p, p + _TOP)))
            return sorted(out)
        starts = tuple(prefixes)
        ids = self.ids_with_label(label)
        for j in range(0, len(ids), 5000):
            self.prefetch(ids[j : j + 5000])
            for nid in ids[j : j + 5000]:
                value = self.nodes[nid].get(prop)
                if isinstance(value, str) and value.startswith(starts):
                    out.add(nid)
        return sorted(out)

    def name_words(self) -> list[str]:
        """Every distinct word of every node's names, sorted."""
        return [w for (w,) in self._db.execute("SELECT DISTINCT word FROM name_words")]

    def ids_by_name_words(self, words: Collection[str]) -> list[str]:
        """Ids of the nodes with one of ``words`` in their names, sorted."""
        return [
            i
            for (i,) in self._db.execute(
                "SELECT DISTINCT id FROM name_words WHERE word IN (SELECT value FROM json_each(?)) "
                "ORDER BY id",
                (_json(sorted(set(words))),),
            )
        ]

    def rels_by_value(self, typ: str, prop: str, values: Collection[str]) -> Iterator[EdgeRow]:
        """The ``typ`` relationships whose ``prop`` is one of ``values``, by id (through the
        property's index when the model marks it ``indexed``, else by reading the type)."""
        if prop not in REL_INDEXED.get(typ, ()):
            wanted = set(values)
            yield from (r for r in self.rels_of_types([typ]) if r[3].get(prop) in wanted)
            return
        # The same expression and WHERE as the index (``_sqlite_index.DERIVED``).
        for rid, start, end, props in self._db.execute(
            f"SELECT id, start, \"end\", props FROM rels WHERE type = '{typ}' "
            f"AND json_extract(props, '$.{prop}') IN (SELECT value FROM json_each(?)) ORDER BY id",
            (_json(sorted(set(values))),),
        ):
            yield start, end, (typ, rid), edge_attrs(typ, rid, props)

    def rels_of_types(self, types: Collection[str]) -> Iterator[EdgeRow]:
        """Every relationship of ``types``, by type then id."""
        for typ in sorted(set(types)):
            for rid, start, end, props in self._db.execute(
                'SELECT id, start, "end", props FROM rels WHERE type = ? ORDER BY id', (typ,)
            ):
                yield start, end, (typ, rid), edge_attrs(typ, rid, props)


def _columns(direction: str) -> tuple[str, ...]:
    """The ``rels`` columns a node is at for ``direction`` (``out``, ``in``, ``both``)."""
    return {"out": ("start",), "in": ('"end"',), "both": ("start", '"end"')}[direction]


def _parts(ids: list[str], size: int = 5000) -> Iterator[list[str]]:
    for j in range(0, len(ids), size):
        yield ids[j : j + size]


def _shape(row: EdgeRow, keys: bool, data: bool) -> tuple[Any, ...]:
    u, v, key, attrs = row
    if keys:
        return (u, v, key, attrs) if data else (u, v, key)
    return (u, v, attrs) if data else (u, v)


class _Nodes:
    """``g.nodes``: ``g.nodes[n]``, ``n in g.nodes``, ``g.nodes(data=...)`` (every node)."""

    def __init__(self, view: GraphView) -> None:
        self._view = view

    def __getitem__(self, nid: str) -> dict[str, Any]:
        attrs = self._view.node(nid)
        if attrs is None:
            raise KeyError(nid)
        return attrs

    def __contains__(self, nid: object) -> bool:
        return nid in self._view

    def __iter__(self) -> Iterator[str]:
        return iter(self._view)

    def __len__(self) -> int:
        return self._view.number_of_nodes()

    def __call__(self, data: bool | str = False) -> Iterator[Any]:
        """Every node (a scan of the whole store), as networkx's ``G.nodes(data=...)``."""
        cur = self._view._db.execute("SELECT id, labels, props FROM nodes ORDER BY rowid")
        while rows := cur.fetchmany(5000):
            for nid, labels, props in rows:
                if data is False:
                    yield nid
                    continue
                attrs = node_attrs(labels, props)
                yield (nid, attrs) if data is True else (nid, attrs.get(data))


class _Edges:
    """``g.edges``: ``g.edges[u, v, key]`` and ``g.edges(keys=..., data=...)`` (every edge)."""

    def __init__(self, view: GraphView) -> None:
        self._view = view

    def __getitem__(self, uvk: tuple[str, str, Key]) -> dict[str, Any]:
        u, v, key = uvk
        row = self._view.edge(tuple(key))  # type: ignore[arg-type]
        if row is None or row[0] != u or row[1] != v:
            raise KeyError(uvk)
        return row[3]

    def __call__(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        """Every relationship (a scan of the whole store)."""
        cols = 'type, id, start, "end"' + (", props" if data else ", ''")
        cur = self._view._db.execute(f"SELECT {cols} FROM rels ORDER BY rowid")
        while rows := cur.fetchmany(5000):
            for typ, rid, start, end, props in rows:
                attrs = edge_attrs(typ, rid, props) if data else {}
                yield _shape((start, end, (typ, rid), attrs), keys, data)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self()


def ids_of(rows: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """``(value, id)`` rows as value -> sorted ids."""
    out: dict[str, list[str]] = {}
    for value, nid in rows:
        out.setdefault(value, []).append(nid)
    return {v: sorted(ids) for v, ids in out.items()}
