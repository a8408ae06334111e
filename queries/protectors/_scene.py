"""What every indicator reads: the ring's neighbourhood and what is known about the ring.

An indicator (:mod:`queries.protectors.indicators`) is a pure function of the
:class:`Scene` and one official. The scene is built once per ring and moment:
members, ring organizations, victims, the ring's side (members and ring
organizations at 1.0, the persons and organizations inferred to act for the ring
at their confidence: :mod:`queries.protectors._side`), the side's phones and
accounts, the failed raids on the ring, recruitments and when each suspect was named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import networkx as nx

from queries._common import LABELS, parse_ts
from queries.protectors import _rels as R
from queries.protectors._evidence import Grader, Key, evidence
from queries.protectors._extract import KIN
from queries.protectors._side import Inferred, infer, ordinary
from queries.protectors._types import Evidence, Indicator

T = TypeVar("T")

#: raid outcomes that count as failed: the targets were warned
FAILED = ("nothing_found", "escaped")
#: case outcomes that took members to court (they weigh against a protector)
GOOD = ("p21", "vonis", "bebas")


def has(h: nx.MultiDiGraph, n: str, label: str) -> bool:
    return label in h.nodes[n][LABELS]


def out(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    """``(other end, edge key)`` of ``n``'s outgoing relationships of ``types``, sorted."""
    return sorted((v, (u, v, k)) for u, v, k in h.out_edges(n, keys=True) if k[0] in types)


def into(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    """``(other end, edge key)`` of ``n``'s incoming relationships of ``types``, sorted."""
    return sorted((u, (u, v, k)) for u, v, k in h.in_edges(n, keys=True) if k[0] in types)


def both(h: nx.MultiDiGraph, n: str, *types: str) -> list[tuple[str, Key]]:
    return sorted({*out(h, n, *types), *into(h, n, *types)})


@dataclass
class Via:
    """A person on the official's side: himself, a relative or an associate."""

    person: str
    relation: str
    weight: float
    keys: list[Key]


@dataclass
class Scene:
    h: nx.MultiDiGraph
    ring: str
    as_of: datetime
    cfg: dict[str, Any]
    grader: Grader
    members: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)
    victims: set[str] = field(default_factory=set)
    #: the officials scored: every Official in the neighbourhood who is no member
    officials: list[str] = field(default_factory=list)
    #: the ring's side: members and ring organizations at 1.0, inferred nodes at
    #: their confidence (never a victim, an official or an official's relative)
    side: dict[str, float] = field(default_factory=dict)
    #: the inferred part of the side, with its evidence
    inferred: dict[str, Inferred] = field(default_factory=dict)
    #: every node with some sign of acting for the ring, also below ``[side] min``, and
    #: its confidence (read where a weak sign still means something: a relay's contact)
    leaning: dict[str, float] = field(default_factory=dict)
    #: the side's phones and accounts: ``(holder, HOLDS/USES key)``; a holder's
    #: confidence (:meth:`weight`) is its instruments'
    phones: dict[str, tuple[str, Key]] = field(default_factory=dict)
    accounts: dict[str, tuple[str, Key]] = field(default_factory=dict)
    raids: list[tuple[str, datetime]] = field(default_factory=list)
    recruits: dict[str, list[datetime]] = field(default_factory=dict)
    since: dict[tuple[str, str], datetime] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, h: nx.MultiDiGraph, ring: str, as_of: datetime, cfg: dict[str, Any]) -> Scene:
        s = cls(h, ring, as_of, cfg, Grader(h.graph.get("sources", {}), cfg["grade"]))
        s.members = set(h.graph.get("members", []))
        s.orgs = set(h.graph.get("orgs", []))
        s.officials = sorted(n for n in h.nodes if has(h, n, "Official") and n not in s.members)
        side = s.members | s.orgs
        s.side = dict.fromkeys(sorted(side), 1.0)
        for m in sorted(side):
            s._instruments(m)
            for v, _ in out(h, m, *R.RECRUITED):
                s.victims.add(v)
        events: set[str] = set()
        for c in (n for n in h.nodes if has(h, n, "Case")):
            s.victims |= {v for v, _ in into(h, c, *R.VICTIM)}
            events |= {e for e, _ in into(h, c, *R.EVENT_CASE)}
            for p, k in into(h, c, *R.SUSPECT):
                at = h.edges[k].get("since")
                if at:
                    s.since[(p, c)] = parse_ts(at)
        for x in side:
            events |= {e for e, _ in out(h, x, *R.EVENT_TARGET)}
        s.victims -= s.members
        leaning = infer(h, s.members, s.orgs, s.victims, s.grader, cfg, floor=0.0)
        s.leaning = {p: x.confidence for p, x in leaning.items()}
        least = float(cfg["side"]["min"])
        s.inferred = {p: x for p, x in leaning.items() if x.confidence >= least}
        for p in sorted(s.inferred, key=lambda n: (-s.inferred[n].confidence, n)):
            s.side[p] = s.inferred[p].confidence
            s._instruments(p)
        for m in sorted(s.side):
            for _, k in out(h, m, *R.RECRUITED):
                at = h.edges[k].get("since")
                if at:
                    s.recruits.setdefault(m, []).append(parse_ts(at))
        for e in sorted(events):
            a = h.nodes[e]
            if a.get("kind") == "raid" and a.get("outcome") in FAILED and a.get("at"):
                s.raids.append((e, parse_ts(a["at"])))
        return s

    def _instruments(self, holder: str) -> None:
        for v, k in out(self.h, holder, *R.USES):
            self.phones.setdefault(v, (holder, k))
        for v, k in out(self.h, holder, *R.HOLDS):
            self.accounts.setdefault(v, (holder, k))

    def weight(self, node: str) -> float:
        """How surely ``node`` (a holder, or a phone or account of the side) is the
        ring's: 1.0 for members and ring organizations, the confidence of an inferred
        holder, 0 for anyone else."""
        holder = (self.phones.get(node) or self.accounts.get(node) or (node, None))[0]
        return self.side.get(holder, 0.0)

    def once(self, key: str, work: Callable[[], T]) -> T:
        """``work()``, computed once per scene (for an indicator that needs every
        official at once, such as betweenness)."""
        if key not in self._memo:
            self._memo[key] = work()
        return self._memo[key]  # type: ignore[no-any-return]

    def when(self, key: Key) -> datetime | None:
        at = self.h.edges[key].get("at")
        return parse_ts(at) if at else None

    def sphere(self, o: str) -> list[Via]:
        """The official, and his relatives and associates who are not ring members or victims,
        nor show signs of acting for the ring themselves (:attr:`leaning`, any confidence:
        only a neighbour or extended family can, :func:`queries.protectors._side.officials_side`;
        such a person's money and calls with the ring are his own dealings with it, not the
        official's channel)."""
        via = self.cfg["via"]
        found = [Via(o, "self", float(via["self"]), [])]
        for p, k in both(self.h, o, *KIN):
            if p == o or p in self.members or p in self.victims or not has(self.h, p, "Person"):
                continue
            if p in self.leaning:
                continue
            rel = R.key_of(k[2][0])  # family or associate: its weight in [via]
            detail = self.h.edges[k].get("detail")
            found.append(Via(p, f"{rel}:{detail}" if detail else rel, self._via(rel, detail), [k]))
        return found

    def apart(self, o: str) -> list[str]:
        """The relatives and associates of ``o`` left out of :meth:`sphere` because they
        show signs of acting for the ring themselves (said in the evidence words)."""
        return sorted(
            {
                p
                for p, _ in both(self.h, o, *KIN)
                if p != o and p in self.leaning and p not in self.members
            }
        )

    def _via(self, rel: str, detail: Any) -> float:
        """How much a relative or associate counts as the official's channel: a household
        relative ``[via] family``; extended family (a cousin, an uncle: their own lives and
        money) ``[via] extended``; a recorded neighbour is a reason for contact, not a
        channel: ``[innocent] explained`` of an associate."""
        via, text = self.cfg["via"], str(detail or "").lower()
        if any(w.lower() in text for w in self.cfg["innocent"]["neighbour_words"]):
            return float(via[rel]) * float(self.cfg["innocent"]["explained"])
        if rel == "family" and ordinary(text, list(via["extended_words"])):
            return float(via["extended"])
        return float(via[rel])

    def owned(
        self, person: str, types: tuple[str, ...], ring_side: dict[str, tuple[str, Key]]
    ) -> list[tuple[str, Key]]:
        """``person``'s instruments over ``types`` that are not the ring's own."""
        return [(v, k) for v, k in out(self.h, person, *types) if v not in ring_side]

    def evidence(self, what: str, nodes: list[str], keys: list[Key]) -> Evidence:
        """An evidence path, graded by its weakest relationship."""
        return evidence(self.h, self.grader, what, nodes, keys)

    def result(
        self, kind: str, score: float, facts: dict[str, Any], items: list[tuple[float, Evidence]]
    ) -> Indicator:
        """An indicator's outcome: its strength clamped to [0, 1], its weight, and the
        strongest ``[output] evidence`` paths (``items`` are ``(order, path)``)."""
        items.sort(key=lambda x: (-x[0], x[1]["nodes"], [r["id"] for r in x[1]["rels"]]))
        keep = int(self.cfg["output"]["evidence"])
        weak = self.grader.weak_claims([e for _, e in items], float(self.cfg["grade"]["weak"]))
        if weak and score > 0:
            facts = {**facts, "weak_claims": weak}
        return {
            "kind": kind,
            "score": round(max(0.0, min(1.0, score)), 4),
            "weight": float(self.cfg["weights"][kind]),
            "facts": facts,
            "evidence": [e for _, e in items[:keep]],
            "evidence_total": len(items),
        }
