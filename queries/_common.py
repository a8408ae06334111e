"""Shared plumbing of the named queries: running Cypher, row conversion, time.

Each named query dispatches on the store: :class:`Neo4jStore` runs the packaged
Cypher through the store's one runner, :class:`EmbeddedStore` runs a twin over
:meth:`EmbeddedStore.reading`, a read-only view with the ``networkx.MultiDiGraph``
interface (``g.nodes[n]``, ``g.out_edges(n, keys=True, data=True)`` ...) that reads
only what is touched. A twin never iterates every node or edge: it asks the view's
indexed primitives (``ids_with_label``, ``ids_by_value``, ``rels_by_value``,
``rels_of_types``, ``name_words``); networkx itself runs on the subgraphs a query
extracts. Both stores hand back the same plain values.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import networkx as nx

from graph.errors import QueryError
from graph.model import ENTITY_LABEL, MODEL
from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Store
from queries._loader import get

if TYPE_CHECKING:
    from graph.store import Neo4jStore

LABELS = "_labels"
TYPE = "_type"
RID = "_id"
#: Edge as seen from one node: (type, rel id, start, end, other node).
Edge = tuple[str, str, str, str, str]


def _is_neo4j(store: Store) -> bool:
    # by the class's kind, not isinstance: naming Neo4jStore here would load the driver
    # for every command on the embedded store (graph.store imports it when asked)
    return getattr(type(store), "kind", None) == "neo4j"


def backend(store: Store) -> str:
    """``"neo4j"`` or ``"embedded"``; :class:`QueryError` for any other store."""
    if _is_neo4j(store):
        return "neo4j"
    if isinstance(store, EmbeddedStore):
        return "embedded"
    raise QueryError(f"named queries do not support the {type(store).__name__} store")


def reading(store: Store) -> AbstractContextManager[nx.MultiDiGraph]:
    """The embedded store as a read-only graph (a :class:`graph.store.embedded.GraphView`:
    one snapshot for the block, read lazily)."""
    assert isinstance(store, EmbeddedStore)
    return store.reading()


def run(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run the packaged query ``name`` with exactly its declared parameters."""
    assert _is_neo4j(store)
    neo = cast("Neo4jStore", store)
    q = get(name)
    if set(params) != set(q.params):
        raise QueryError(f"query {name!r} takes {sorted(q.params)}, was given {sorted(params)}")
    return neo.run(q.text, params, write=q.mode == "write")


def check_range(what: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QueryError(f"{what} must be an integer from {low} to {high}, not {value!r}")


# -- rows ----------------------------------------------------------------------
def node_from_neo4j(r: dict[str, Any]) -> NodeRow:
    """A ``{id, labels, props}`` map returned by Cypher, as a :class:`NodeRow`."""
    props = dict(r["props"])
    props.pop("id", None)
    labels = sorted(lb for lb in r["labels"] if lb != ENTITY_LABEL)
    return {"id": r["id"], "labels": labels, "props": props}


def rel_from_neo4j(r: dict[str, Any]) -> RelRow:
    """A ``{id, type, start, end, props}`` map returned by Cypher, as a :class:`RelRow`."""
    props = dict(r["props"])
    props.pop("id", None)
    return {"id": r["id"], "type": r["type"], "start": r["start"], "end": r["end"], "props": props}


def node_row(g: nx.MultiDiGraph, nid: str) -> NodeRow:
    attrs = g.nodes[nid]
    props = {k: (list(v) if isinstance(v, list) else v) for k, v in attrs.items() if k != LABELS}
    return {"id": nid, "labels": sorted(attrs[LABELS]), "props": props}


def rel_row(g: nx.MultiDiGraph, start: str, end: str, key: tuple[str, str]) -> RelRow:
    attrs = g.edges[start, end, key]
    props = {
        k: (list(v) if isinstance(v, list) else v) for k, v in attrs.items() if k not in (TYPE, RID)
    }
    return {"id": key[1], "type": key[0], "start": start, "end": end, "props": props}


def labels_of(g: nx.MultiDiGraph, nid: str) -> frozenset[str]:
    labels: frozenset[str] = g.nodes[nid][LABELS]
    return labels


def incident(g: nx.MultiDiGraph, nid: str, types: frozenset[str] | None = None) -> Iterator[Edge]:
    """Every relationship at ``nid`` once (a self-loop once), both directions."""
    for u, v, key in g.out_edges(nid, keys=True):
        if types is None or key[0] in types:
            yield key[0], key[1], u, v, v
    for u, v, key in g.in_edges(nid, keys=True):
        if u != v and (types is None or key[0] in types):
            yield key[0], key[1], u, v, u


def out_edges(
    g: nx.MultiDiGraph, nid: str, types: str | Collection[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(rel id, end, attrs)`` of the outgoing relationships of a type (or of types)."""
    wanted = (types,) if isinstance(types, str) else types
    for _, v, key, attrs in g.out_edges(nid, keys=True, data=True):
        if key[0] in wanted:
            yield key[1], v, attrs


def in_edges(
    g: nx.MultiDiGraph, nid: str, types: str | Collection[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(rel id, start, attrs)`` of the incoming relationships of a type (or of types)."""
    wanted = (types,) if isinstance(types, str) else types
    for u, _, key, attrs in g.in_edges(nid, keys=True, data=True):
        if key[0] in wanted:
            yield key[1], u, attrs


def caption(labels: list[str] | frozenset[str], props: dict[str, Any]) -> str | None:
    """The node's caption property (``name``, ``number``, ``title`` …) per the model."""
    for label in sorted(labels):
        spec = MODEL.nodes.get(label)
        if spec is not None and label != "Official":
            value = props.get(spec.caption)
            return None if value is None else str(value)
    return None


# -- time ----------------------------------------------------------------------
def parse_ts(value: str) -> datetime:
    """An ISO date or timestamp as an aware UTC datetime (a bare date is midnight UTC)."""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as exc:
        raise QueryError(f"not an ISO date or timestamp: {value!r}") from exc
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def within_after(earlier: str, later: str, hours: float) -> bool:
    """``later`` is strictly after ``earlier`` (string order) and within ``hours`` of it."""
    return later > earlier and parse_ts(later) - parse_ts(earlier) <= timedelta(hours=hours)


def hours_between(earlier: str, later: str) -> float:
    return round((parse_ts(later) - parse_ts(earlier)).total_seconds() / 3600.0, 4)
