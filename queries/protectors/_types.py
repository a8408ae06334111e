"""Result shapes of the protector ranking (plain JSON-able dicts)."""

from __future__ import annotations

from typing import Any, TypedDict


class EvidenceRel(TypedDict):
    """One relationship of an evidence path with its checkable properties."""

    id: str
    type: str
    start: str
    end: str
    props: dict[str, Any]
    sources: list[str]


class Evidence(TypedDict):
    """A path a prosecutor can check: node ids in order, the relationships, a grade.

    ``grade`` is the Admiralty grade of the weakest relationship (0-1); ``what``
    names the pattern (``payment``, ``layered_payment``, ``tipoff_call`` …).
    """

    what: str
    nodes: list[str]
    rels: list[EvidenceRel]
    grade: float


class Indicator(TypedDict):
    """``score`` is the indicator's strength (0-1) before its weight is applied."""

    kind: str
    score: float
    weight: float
    facts: dict[str, Any]
    evidence: list[Evidence]
    evidence_total: int


class Protector(TypedDict):
    id: str
    keys: list[str]
    name: str | None
    agency: str | None
    score: float
    #: the score's band (``strong``, ``medium``, ``weak``: ``[band]`` of protectors.toml)
    band: str
    kinds: int
    indicators: list[Indicator]


class SideMember(TypedDict):
    """One node inferred to act for the ring (not a recorded member): its confidence
    (0-1) and why (``how``: money, calls, recruited, board, suspect; ``with``: the
    members, victims, companies or cases; ``score``: what it added)."""

    id: str
    name: str | None
    confidence: float
    evidence: list[dict[str, Any]]


class ProtectorReport(TypedDict):
    """Officials with a score above 0, by score (desc) then id; ``scored``: how many were;
    ``side``: the ring's inferred side, apart from its recorded members."""

    ring: str
    as_of: str
    scored: int
    capped: list[str]
    side: list[SideMember]
    protectors: list[Protector]
