"""Which officials most likely protect (back, *beking*) a ring, with checkable evidence.

``rank_protectors(store, ring_id=...)`` extracts the ring's neighbourhood once
(:mod:`queries.protectors._extract`, the same graph from either store; several rings
at once with ``neighbourhoods``), scores every official in it on every indicator of
the registry (:mod:`queries.protectors.indicators`: money, tip-off calls,
organizations, cases, ties, call volume, bridging), each discounted by the Admiralty
grade of its sources, and combines them as ``1 - prod(1 - weight * strength)`` with
the weights of ``queries/protectors.toml``. See ``docs/detection.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graph.errors import QueryError
from graph.store import Store
from queries._common import iso, parse_ts
from queries.protectors import _rels
from queries.protectors._extract import neighbourhood, neighbourhoods
from queries.protectors._scene import Scene
from queries.protectors._types import (
    Evidence,
    EvidenceRel,
    Indicator,
    Protector,
    ProtectorReport,
)
from queries.protectors.indicators import KINDS, IndicatorKind, kind, weights

__all__ = [
    "Evidence",
    "EvidenceRel",
    "Indicator",
    "IndicatorKind",
    "KINDS",
    "Protector",
    "ProtectorReport",
    "kind",
    "neighbourhood",
    "neighbourhoods",
    "rank_graph",
    "rank_protectors",
    "weights",
]
#: the registry's order of kinds: ties between equally strong indicators go by it
_ORDER = {name: i for i, name in enumerate(KINDS)}


def _filter_time(h: nx.MultiDiGraph, as_of: datetime) -> None:
    """Drop calls and transfers after ``as_of`` (the graph as it was known then)."""
    cut = iso(as_of)
    late = [
        (u, v, k)
        for u, v, k, a in h.edges(keys=True, data=True)
        if k[0] in _rels.TIMED and a.get("at") and str(a["at"]) > cut
    ]
    h.remove_edges_from(late)


def _agency(h: nx.MultiDiGraph, o: str, as_of: str) -> str | None:
    posts = []
    for _, ag, k, a in h.out_edges(o, keys=True, data=True):
        if k[0] in _rels.POSTS and (not a.get("until") or str(a["until"]) >= as_of[:10]):
            posts.append((str(a.get("since") or ""), str(h.nodes[ag].get("name") or ag)))
    return max(posts)[1] if posts else None


def rank_graph(
    h: nx.MultiDiGraph, ring_id: str, *, as_of: datetime, cfg: dict[str, Any] | None = None
) -> list[Protector]:
    """Score every official of an extracted neighbourhood (all of them, zeros included)."""
    cfg = cfg or weights()
    s = Scene.build(h, ring_id, as_of, cfg)
    kind_min = float(cfg["output"]["kind_min"])
    out: list[Protector] = []
    for o in s.officials:
        items = [i for i in (k.compute(s, o) for k in KINDS.values()) if i["score"] > 0]
        items.sort(key=lambda i: (-i["score"] * i["weight"], _ORDER[i["kind"]]))
        miss = 1.0
        for i in items:
            miss *= 1 - i["weight"] * i["score"]
        a = h.nodes[o]
        out.append(
            {
                "id": o,
                "keys": sorted(a.get("keys") or []),
                "name": a.get("name"),
                "agency": _agency(h, o, iso(as_of)),
                "score": round(1 - miss, 4),
                "kinds": sum(1 for i in items if i["weight"] * i["score"] >= kind_min),
                "indicators": items,
            }
        )
    out.sort(key=lambda p: (-p["score"], p["id"]))
    return out


def rank_protectors(
    store: Store, *, ring_id: str, top: int | None = None, as_of: str | None = None
) -> ProtectorReport:
    """Rank the officials most likely protecting ring ``ring_id``.

    Parameters
    ----------
    ring_id : str
        A Ring's stored id.
    top : int, optional
        Keep the first ``top`` officials (>= 1); default all with a score above 0.
    as_of : str, optional
        ISO timestamp: ignore calls and transfers after it and judge stalled cases
        at it; default now (UTC).

    Returns
    -------
    ProtectorReport
        ``{ring, as_of, scored, capped, protectors}``: officials with a score above
        0 by score (desc) then id, each with ``indicators`` (strongest first) and
        their ``evidence`` paths. ``capped`` names supernodes not expanded.

    Raises
    ------
    QueryError
        If ``top`` is not a positive integer or ``as_of`` is not ISO.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise QueryError(f"top must be a positive integer, not {top!r}")
    when = parse_ts(as_of) if as_of is not None else datetime.now(UTC).replace(microsecond=0)
    cfg = weights()
    h = neighbourhood(store, ring_id, cap=int(cfg["output"]["cap"]))
    _filter_time(h, when)
    ranked = rank_graph(h, ring_id, as_of=when, cfg=cfg)
    kept = [p for p in ranked if p["score"] > 0]
    return {
        "ring": ring_id,
        "as_of": iso(when),
        "scored": len(ranked),
        "capped": sorted(set(h.graph.get("capped", []))),
        "protectors": kept[:top] if top is not None else kept,
    }
