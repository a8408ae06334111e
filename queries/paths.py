"""Neighbourhoods and shortest paths.

Orders: a neighbourhood's nodes by id, relationships by (type, id); paths by
length, then the sequence of node ids, then the sequence of (type, id) of
their relationships.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import networkx as nx

from graph.errors import QueryError
from graph.model import MODEL
from graph.rows import NodeRow, RelRow
from graph.store import Store
from queries._common import (
    backend,
    check_range,
    incident,
    labels_of,
    node_from_neo4j,
    node_row,
    reading,
    rel_from_neo4j,
    rel_row,
    run,
)
from queries._types import Neighbourhood, Path

__all__ = ["neighbourhood", "paths"]

MAX_HOPS = 4
#: Per frontier node: (kept relationships with their other node, total that passed).
Level = dict[str, tuple[list[tuple[RelRow, NodeRow]], int]]


def _check_types(types: Sequence[str] | None) -> list[str] | None:
    if types is None:
        return None
    bad = sorted(set(types) - set(MODEL.types))
    if bad:
        raise QueryError(f"unknown relationship types {bad}")
    return sorted(set(types))


def _embedded_level(
    g: nx.MultiDiGraph,
    frontier: list[str],
    types: list[str] | None,
    labels: list[str] | None,
    cap: int,
) -> Level:
    tset = frozenset(types) if types is not None else None
    out: Level = {}
    for fid in frontier:
        found = sorted(
            (typ, other, rid, start, end)
            for typ, rid, start, end, other in incident(g, fid, tset)
            if labels is None or labels_of(g, other) & set(labels)
        )
        kept = [
            (rel_row(g, start, end, (typ, rid)), node_row(g, other))
            for typ, other, rid, start, end in found[:cap]
        ]
        out[fid] = (kept, len(found))
    return out


def _neo4j_level(
    store: Store,
    frontier: list[str],
    types: list[str] | None,
    labels: list[str] | None,
    cap: int,
) -> Level:
    out: Level = {}
    for r in run(
        store, "neighbourhood_level", frontier=frontier, types=types, labels=labels, cap=cap
    ):
        kept = [
            (rel_from_neo4j(rel), node_from_neo4j(node))
            for rel, node in zip(r["rels"], r["nodes"], strict=True)
        ]
        out[r["fid"]] = (kept, int(r["total"]))
    return out


def _bfs(start: NodeRow, hops: int, fetch: Callable[[list[str]], Level]) -> Neighbourhood:
    nodes = {start["id"]: start}
    rels: dict[tuple[str, str], RelRow] = {}
    truncated: dict[str, int] = {}
    frontier = [start["id"]]
    for _ in range(hops):
        if not frontier:
            break
        level = fetch(sorted(frontier))
        nxt: list[str] = []
        for fid in sorted(frontier):
            kept, total = level.get(fid, ([], 0))
            if total > len(kept):
                truncated[fid] = total - len(kept)
            for rel, node in kept:
                rels[(rel["type"], rel["id"])] = rel
                if node["id"] not in nodes:
                    nodes[node["id"]] = node
                    nxt.append(node["id"])
        frontier = nxt
    return {
        "nodes": [nodes[i] for i in sorted(nodes)],
        "relationships": [rels[k] for k in sorted(rels)],
        "truncated": dict(sorted(truncated.items())),
    }


def neighbourhood(
    store: Store,
    *,
    id: str,
    hops: int = 1,
    labels: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    cap: int = 25,
) -> Neighbourhood | None:
    """The breadth-first neighbourhood of one node, capped per node.

    Parameters
    ----------
    id : str
        The start node.
    hops : int
        Levels to expand, 1 to 4.
    labels, types : sequence of str, optional
        Keep only neighbours with one of these labels / relationships of these types.
    cap : int
        At most this many relationships are kept per expanded node (1 to 1000),
        chosen by (type, neighbour id, relationship id); the number of the rest is
        reported in ``truncated`` ("and N more").

    Returns
    -------
    Neighbourhood or None
        ``{nodes, relationships, truncated: {node id: n more}}``; nodes by id,
        relationships by (type, id). Nodes reached at the last level are not
        expanded. ``None`` if the node does not exist.

    Raises
    ------
    QueryError
        If ``hops`` or ``cap`` is out of range or a type is unknown.
    """
    check_range("hops", hops, 1, MAX_HOPS)
    check_range("cap", cap, 1, 1000)
    tlist = _check_types(types)
    llist = sorted(set(labels)) if labels is not None else None
    start = store.get_node(id)
    if start is None:
        return None
    if backend(store) == "neo4j":
        return _bfs(start, hops, lambda f: _neo4j_level(store, f, tlist, llist, cap))
    with reading(store) as g:
        return _bfs(start, hops, lambda f: _embedded_level(g, f, tlist, llist, cap))


def _shortest_embedded(
    g: nx.MultiDiGraph, source: str, target: str, types: frozenset[str], limit: int
) -> list[Path]:
    preds: dict[str, set[str]] = {source: set()}
    frontier = [source]
    for _ in range(MAX_HOPS):
        nxt: dict[str, set[str]] = {}
        for u in frontier:
            for _, _, _, _, v in incident(g, u, types):
                if v not in preds:
                    nxt.setdefault(v, set()).add(u)
        preds.update(nxt)
        frontier = sorted(nxt)
        if target in nxt or not frontier:
            break
    if target not in preds:
        return []

    def back(v: str) -> Iterator[list[str]]:
        if v == source:
            yield [source]
            return
        for u in preds[v]:
            for head in back(u):
                yield [*head, v]

    out: list[Path] = []
    for node_path in sorted(back(target)):
        options = [
            sorted((typ, rid, s, e) for typ, rid, s, e, o in incident(g, a, types) if o == b)
            for a, b in itertools.pairwise(node_path)
        ]
        for combo in itertools.product(*options):
            rels = [rel_row(g, s, e, (typ, rid)) for typ, rid, s, e in combo]
            out.append({"nodes": node_path, "relationships": rels})
            if len(out) >= limit:
                return out
    return out


def paths(
    store: Store,
    *,
    source: str,
    target: str,
    types: Sequence[str] | None = None,
    max_hops: int = 4,
    limit: int = 10,
) -> list[Path]:
    """All shortest undirected paths between two nodes.

    Parameters
    ----------
    source, target : str
        Node ids.
    types : sequence of str, optional
        Relationship types a path may use (default: all).
    max_hops : int
        Longest path considered, 1 to 4.
    limit : int
        At most this many paths (1 to 1000).

    Returns
    -------
    list of Path
        ``{nodes: [id ...], relationships: [RelRow ...]}`` (relationships in path
        order, each with its stored direction). Each combination of parallel
        relationships is its own path. Ordered by node ids, then (type, id) of
        the relationships; empty when the ends are equal, absent or too far apart.
    """
    check_range("max_hops", max_hops, 1, MAX_HOPS)
    check_range("limit", limit, 1, 1000)
    tlist = _check_types(types) or sorted(MODEL.types)
    if source == target:
        return []
    if backend(store) == "neo4j":
        found: list[Path] = [
            {"nodes": r["nodes"], "relationships": [rel_from_neo4j(x) for x in r["rels"]]}
            for r in run(
                store, "shortest_paths", source=source, target=target, types=tlist, limit=limit
            )
        ]
    else:
        with reading(store) as g:
            if source not in g or target not in g:
                return []
            found = _shortest_embedded(g, source, target, frozenset(tlist), limit)
    found = [p for p in found if len(p["relationships"]) <= max_hops]
    found.sort(key=lambda p: (p["nodes"], [(r["type"], r["id"]) for r in p["relationships"]]))
    return found
