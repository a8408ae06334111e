"""Generic link-analysis baselines for protector ranking, on the same neighbourhood.

Each takes the graph :func:`queries.protectors.neighbourhood` extracted for a ring
and the candidate officials, and returns a score per official (higher = more
suspect). They are what an analyst gets from an off-the-shelf tool.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from graph.model import MODEL
from queries._common import LABELS

Baseline = Callable[[nx.MultiDiGraph, str, list[str]], dict[str, float]]

_HOLDS = MODEL.instruments("money")
_MONEY = MODEL.meaning("money")


def _simple(h: nx.MultiDiGraph) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sorted(h.nodes))
    g.add_edges_from(sorted({(min(u, v), max(u, v)) for u, v in h.edges() if u != v}))
    return g


def degree(h: nx.MultiDiGraph, ring: str, officials: list[str]) -> dict[str, float]:
    """Relationships at the official in the neighbourhood (parallel ones counted)."""
    return {o: float(h.degree(o)) for o in officials}


def betweenness(h: nx.MultiDiGraph, ring: str, officials: list[str]) -> dict[str, float]:
    """Betweenness centrality of the simple undirected graph (k=300 pivots, seed 0)."""
    g = _simple(h)
    k = min(300, g.number_of_nodes())
    b = nx.betweenness_centrality(g, k=k, seed=0) if k else {}
    return {o: float(b.get(o, 0.0)) for o in officials}


def distance(h: nx.MultiDiGraph, ring: str, officials: list[str]) -> dict[str, float]:
    """Minus the hop distance to the ring node (closer = more suspect)."""
    g = _simple(h)
    d = nx.single_source_shortest_path_length(g, ring) if ring in g else {}
    return {o: -float(d.get(o, 1_000)) for o in officials}


def money_received(h: nx.MultiDiGraph, ring: str, officials: list[str]) -> dict[str, float]:
    """Total rupiah into the official's own accounts from accounts of members and ring orgs."""
    side = set(h.graph.get("members", [])) | set(h.graph.get("orgs", []))
    ring_accounts = {v for s in side for _, v, k in h.out_edges(s, keys=True) if k[0] in _HOLDS}
    out: dict[str, float] = {}
    for o in officials:
        total = 0.0
        for _, acc, k in h.out_edges(o, keys=True):
            if k[0] not in _HOLDS or "Account" not in h.nodes[acc][LABELS]:
                continue
            for src, _, tk, a in h.in_edges(acc, keys=True, data=True):
                if tk[0] in _MONEY and src in ring_accounts:
                    total += float(a.get("amount") or 0.0)
        out[o] = total
    return out


BASELINES: dict[str, Baseline] = {
    "degree": degree,
    "betweenness": betweenness,
    "distance": distance,
    "money_received": money_received,
}
