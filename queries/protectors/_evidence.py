"""Source grading and evidence paths."""

from __future__ import annotations

from typing import Any

import networkx as nx

from queries._common import RID, TYPE
from queries.protectors._rels import TIMED
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
        #: a standing claim (who holds an account or uses a phone, who is whose relative,
        #: who sits on a board) counts at least this share of an observation of its grade
        self.standing = float(table.get("standing", 0.0))

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

    def code(self, attrs: dict[str, Any]) -> str:
        """The Admiralty code of a relationship's best source (``B2``; ``F6`` without one)."""
        best, found = -1.0, "F6"
        for sid in sorted(set(attrs.get("sources") or ())):
            s = self.sources.get(sid) or {}
            r = str(s.get("reliability") or "F").upper()
            c = str(s.get("credibility") or "6")
            if self.source(sid) > best:
                best, found = self.source(sid), f"{r}{c}"
        return found

    def weak_claims(self, paths: list[Evidence], below: float) -> list[str]:
        """``TYPE:code`` of the standing claims on ``paths`` graded below ``below``: what
        to verify first (a family tie known only from an anonymous post: ``FAMILY:E6``)."""
        return sorted(
            {
                f"{r['type']}:{self.code({'sources': r['sources']})}"
                for e in paths
                for r in e["rels"]
                if r["type"] not in TIMED
                and r["sources"]  # a claim nobody sourced is not "weakly sourced"
                and self.rel_grade({"sources": r["sources"]}) < below
            }
        )

    def link(self, h: nx.MultiDiGraph, key: Key) -> float:
        """A relationship's weight in a path: its grade for an observation (a call, a
        transfer: timed, each seen once); for a standing claim (kinship, holding an
        account, a board seat) ``standing + (1 - standing) * grade``: a claim anyone can
        check in a registry (the family card, the bank's customer file) is a lead to
        verify when weakly sourced, not a likely falsehood."""
        g = self.rel_grade(h.edges[key])
        return g if key[2][0] in TIMED else self.standing + (1 - self.standing) * g

    def path(self, h: nx.MultiDiGraph, keys: list[Key]) -> float:
        return min((self.link(h, k) for k in keys), default=self.floor)


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
