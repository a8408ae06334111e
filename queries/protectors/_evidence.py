"""Source grading and evidence paths."""

from __future__ import annotations

from typing import Any

import networkx as nx

from queries._common import RID, TYPE
from queries.protectors._types import Evidence, EvidenceRel

# Relationship properties worth showing a prosecutor, per relationship.
_KEY_PROPS = (
    "amount",
    "currency",
    "at",
    "kind",
    "detail",
    "role",
    "since",
    "until",
    "reference",
    "share",
    "position",
)
Key = tuple[str, str, tuple[str, str]]


class Grader:
    """Admiralty grade of relationships from the Source nodes they cite."""

    def __init__(self, sources: dict[str, dict[str, Any]], table: dict[str, Any]) -> None:
        self.sources = sources
        self.rel = table["reliability"]
        self.cred = table["credibility"]
        self.floor = float(self.rel["F"]) * float(self.cred["6"])

    def source(self, sid: str) -> float:
        s = self.sources.get(sid)
        if s is None:
            return self.floor
        r = self.rel.get(str(s.get("reliability") or "F").upper(), self.rel["F"])
        c = self.cred.get(str(s.get("credibility") or "6"), self.cred["6"])
        return float(r) * float(c)

    def rel_grade(self, attrs: dict[str, Any]) -> float:
        ids = sorted(set(attrs.get("sources") or ()))
        if not ids:
            return self.floor
        miss = 1.0
        for sid in ids:
            miss *= 1.0 - self.source(sid)
        return 1.0 - miss

    def path(self, h: nx.MultiDiGraph, keys: list[Key]) -> float:
        return min((self.rel_grade(h.edges[k]) for k in keys), default=self.floor)


def rel_row(h: nx.MultiDiGraph, key: Key) -> EvidenceRel:
    attrs = h.edges[key]
    props = {p: attrs[p] for p in _KEY_PROPS if attrs.get(p) not in (None, "")}
    return {
        "id": attrs[RID],
        "type": attrs[TYPE],
        "start": key[0],
        "end": key[1],
        "props": props,
        "sources": sorted(attrs.get("sources") or ()),
    }


def evidence(
    h: nx.MultiDiGraph, grader: Grader, what: str, nodes: list[str], keys: list[Key]
) -> Evidence:
    return {
        "what": what,
        "nodes": nodes,
        "rels": [rel_row(h, k) for k in keys],
        "grade": round(grader.path(h, keys), 4),
    }
