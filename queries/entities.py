"""One entity, a set of entities, the rings.

Orders: ``entity`` lists sources in the order of the node's ``sources``
property; ``subgraph`` lists nodes by id and relationships by (type, id);
``rings`` lists rings by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.model import MODEL
from graph.rows import NodeRow, RelRow, Subgraph
from graph.store import Store
from queries._common import (
    LABELS,
    backend,
    node_from_neo4j,
    node_row,
    reading,
    rel_from_neo4j,
    rel_row,
    run,
)
from queries._types import Entity, RingSummary, SourceRef

__all__ = ["entity", "rings", "subgraph"]

_GRADES = ("kind", "title", "date", "reliability", "credibility")

_MEMBERSHIP = MODEL.meaning("membership")


def _source_ref(sid: str, props: dict[str, Any] | None) -> SourceRef:
    p = props or {}
    return {
        "id": sid,
        "kind": p.get("kind"),
        "title": p.get("title"),
        "date": p.get("date"),
        "reliability": p.get("reliability"),
        "credibility": p.get("credibility"),
    }


def entity(store: Store, *, id: str) -> Entity | None:
    """One node with its labels, properties, keys and graded sources.

    Parameters
    ----------
    store : Store
        The embedded store or Neo4j.
    id : str
        The stored node id (``bundle:P0001``).

    Returns
    -------
    Entity or None
        ``{id, labels, props, keys, sources}``: ``props`` without ``sources`` and
        ``keys``; ``sources`` as ``SourceRef`` in the node's own order, with
        ``None`` grades when no ``Source`` node has that id. ``None`` when absent.
    """
    found: dict[str, dict[str, Any]] = {}
    if backend(store) == "neo4j":
        rows = run(store, "entity", id=id)
        if not rows:
            return None
        node = node_from_neo4j(rows[0])
        for s in rows[0]["sources"]:
            found[s["id"]] = s
    else:
        with reading(store) as g:
            if id not in g:
                return None
            node = node_row(g, id)
            for sid in node["props"].get("sources") or []:
                if sid in g and "Source" in g.nodes[sid][LABELS]:
                    found[sid] = dict(g.nodes[sid])
    props = dict(node["props"])
    keys = list(props.pop("keys", None) or [])
    sources = list(props.pop("sources", None) or [])
    return {
        "id": node["id"],
        "labels": node["labels"],
        "props": props,
        "keys": keys,
        "sources": [_source_ref(s, found.get(s)) for s in sources],
    }


def subgraph(store: Store, *, ids: Sequence[str]) -> Subgraph:
    """The nodes among ``ids`` and every relationship between two of them.

    Returns
    -------
    Subgraph
        Nodes ordered by id, relationships by (type, id); absent ids are left out.
    """
    wanted = sorted(set(ids))
    nodes: list[NodeRow]
    rels: list[RelRow]
    if backend(store) == "neo4j":
        nodes = [node_from_neo4j(r) for r in run(store, "subgraph_nodes", ids=wanted)]
        rels = [rel_from_neo4j(r) for r in run(store, "subgraph_rels", ids=wanted)]
    else:
        with reading(store) as g:
            present = [i for i in wanted if i in g]
            keep = set(present)
            nodes = [node_row(g, i) for i in present]
            rels = [
                rel_row(g, u, v, k)
                for u in present
                for _, v, k in g.out_edges(u, keys=True)
                if v in keep
            ]
    nodes.sort(key=lambda n: n["id"])
    rels.sort(key=lambda r: (r["type"], r["id"]))
    return {"nodes": nodes, "relationships": rels}


def rings(store: Store) -> list[RingSummary]:
    """Every ring with its number of distinct members, ordered by id."""
    if backend(store) == "neo4j":
        return [
            {"id": r["id"], "name": r["name"], "members": int(r["members"])}
            for r in run(store, "rings")
        ]
    out: list[RingSummary] = []
    with reading(store) as g:
        for nid in g.ids_with_label("Ring"):
            attrs = g.nodes[nid]
            members = {u for u, _, k in g.in_edges(nid, keys=True) if k[0] in _MEMBERSHIP}
            out.append({"id": nid, "name": attrs.get("name"), "members": len(members)})
    out.sort(key=lambda r: r["id"])
    return out
