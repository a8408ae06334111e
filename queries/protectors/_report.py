"""A protector report from a ring's extracted neighbourhood: the scoring, once.

:func:`queries.protectors.rank_protectors` and :class:`queries.protectors.Rankings`
both build their report here, so the two can never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import networkx as nx

from graph.errors import QueryError
from queries._common import iso
from queries.protectors import _rels
from queries.protectors._scene import Scene
from queries.protectors._types import Indicator, Protector, ProtectorReport, SideMember
from queries.protectors.bands import band_of
from queries.protectors.indicators import KINDS, weights

#: the registry's order of kinds: ties between equally strong indicators go by it
_ORDER = {name: i for i, name in enumerate(KINDS)}


def filter_time(h: nx.MultiDiGraph, as_of: datetime) -> None:
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
    return _rank(Scene.build(h, ring_id, as_of, cfg))


def _rank(s: Scene) -> list[Protector]:
    h, cfg, as_of = s.h, s.cfg, s.as_of
    kind_min = float(cfg["output"]["kind_min"])
    out: list[Protector] = []
    for o in s.officials:
        items = [i for i in (k.compute(s, o) for k in KINDS.values()) if i["score"] > 0]
        _cap_alone(items, kind_min, float(cfg["innocent"]["bridge_alone"]))
        items.sort(key=lambda i: (-i["score"] * i["weight"], _ORDER[i["kind"]]))
        miss = 1.0
        for i in items:
            miss *= 1 - i["weight"] * i["score"]
        a = h.nodes[o]
        score = round(1 - miss, 4)
        out.append(
            {
                "id": o,
                "keys": sorted(a.get("keys") or []),
                "name": a.get("name"),
                "agency": _agency(h, o, iso(as_of)),
                "score": score,
                "band": band_of(score, cfg),
                "kinds": sum(1 for i in items if i["weight"] * i["score"] >= kind_min),
                "indicators": items,
            }
        )
    out.sort(key=lambda p: (-p["score"], p["id"]))
    return out


def _cap_alone(items: list[Indicator], kind_min: float, bridge: float) -> None:
    """An indicator that may not stand alone (its facts carry ``alone``: kinship, calls,
    one case) is capped there when no other kind (bridging aside) reaches ``kind_min``.
    Bridging, the generic signal, is capped at ``bridge`` when nothing stands beside it
    but kinds capped as alone: a cousin's betweenness is his kinship again."""
    order = sorted(items, key=lambda x: x["kind"] == "bridging")  # bridging last
    for i in order:
        cap = bridge if i["kind"] == "bridging" else i["facts"].get("alone")
        if cap is None or i["score"] <= float(cap):
            continue
        others = [
            x
            for x in items
            if x is not i
            and x["kind"] != "bridging"
            and x["weight"] * x["score"] >= kind_min
            and not (i["kind"] == "bridging" and x["facts"].get("capped_alone"))
        ]
        if not others:
            i["score"] = float(cap)
            i["facts"]["capped_alone"] = True


def side_of(s: Scene) -> list[SideMember]:
    """The ring's inferred side (not its recorded members), most sure first."""
    h = s.h
    return [
        {
            "id": p.id,
            "name": h.nodes[p.id].get("name"),
            "confidence": p.confidence,
            "evidence": p.evidence,
        }
        for p in sorted(s.inferred.values(), key=lambda x: (-x.confidence, x.id))
    ]


def report_of(
    h: nx.MultiDiGraph, ring_id: str, when: datetime, cfg: dict[str, Any]
) -> ProtectorReport:
    """The whole report (every official above 0) of a neighbourhood already cut at ``when``."""
    s = Scene.build(h, ring_id, when, cfg)
    ranked = _rank(s)
    return {
        "ring": ring_id,
        "as_of": iso(when),
        "scored": len(ranked),
        "capped": sorted(set(h.graph.get("capped", []))),
        "side": side_of(s),
        "protectors": [p for p in ranked if p["score"] > 0],
    }


def check_top(top: int | None) -> None:
    """Refuse a ``top`` that is not a positive integer (``None``: every official)."""
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise QueryError(f"top must be a positive integer, not {top!r}")
