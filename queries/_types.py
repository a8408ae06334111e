"""Result shapes of the named queries (plain JSON-able dicts)."""

from __future__ import annotations

from typing import Any, TypedDict

from graph.rows import RelRow, Subgraph


class SearchHit(TypedDict):
    """``matched``: id, nik, id_number, phone, phone_user, account or name."""

    id: str
    labels: list[str]
    name: str | None
    score: float
    matched: str


class SourceRef(TypedDict):
    """A source of an entity with its Admiralty grade (``None`` fields: no Source node)."""

    id: str
    kind: str | None
    title: str | None
    date: str | None
    reliability: str | None
    credibility: str | None


class Entity(TypedDict):
    id: str
    labels: list[str]
    props: dict[str, Any]
    keys: list[str]
    sources: list[SourceRef]


class Neighbourhood(Subgraph):
    """A subgraph plus, per expanded node, how many relationships were left out."""

    truncated: dict[str, int]


class Path(TypedDict):
    nodes: list[str]
    relationships: list[RelRow]


class Hop(TypedDict):
    id: str
    type: str
    start: str
    end: str
    amount: float | None
    currency: str | None
    at: str | None


class Trail(TypedDict):
    """A money trail: accounts in order, the transfers, and each account's holders."""

    hops: int
    path_nodes: list[str]
    rels: list[Hop]
    holders: list[list[str]]


class LinkPath(TypedDict):
    """One official-to-target path; parallel relationships of one type are one hop.

    ``relationships`` holds, per hop, the relationship with the smallest id and
    ``parallel`` how many relationships of that type join the two nodes.
    """

    target: str
    target_roles: list[str]
    nodes: list[str]
    types: list[str]
    relationships: list[RelRow]
    parallel: list[int]


class OfficialLinks(TypedDict):
    official_id: str
    paths: dict[str, list[LinkPath]]
    counts: dict[str, int]


class Tie(TypedDict):
    """A tie between an official and a suspect: call, transfer, family or associate."""

    kind: str
    suspect_id: str
    rel_type: str
    rel_id: str
    at: str | None
    amount: float | None
    #: the amount's currency (IDR when the source named none); None without amount
    currency: str | None


class CaseOfficial(TypedDict):
    official_id: str
    roles: list[str]
    ties: list[Tie]


class CaseItem(TypedDict):
    """``reason``: sp3, stalled, p21 or vonis."""

    case_id: str
    title: str | None
    status: str | None
    opened_at: str | None
    status_at: str | None
    reason: str
    suspects: list[str]
    member_suspects: list[str]
    officials: list[CaseOfficial]


class CaseInterference(TypedDict):
    ring_id: str
    as_of: str
    cutoff: str
    interfered: list[CaseItem]
    counterweight: list[CaseItem]


class Tipoff(TypedDict):
    event_id: str
    event_at: str
    outcome: str
    official_id: str
    via: str
    member_id: str
    call_id: str
    call_at: str
    hours_before: float
    official_phone: str
    member_phone: str


class TimelineItem(TypedDict):
    """One dated item; ``via`` is the entity itself or an account/phone it holds/uses."""

    at: str
    kind: str
    direction: str | None
    via: str
    other: str
    rel_type: str | None
    rel_id: str | None
    amount: float | None
    #: the amount's currency (ISO 4217, IDR when the bundle named none); None without amount
    currency: str | None
    detail: str | None


class TieEvidence(TypedDict):
    """How a candidate is tied to one member: counts by kind, money by currency."""

    member: str
    name: str | None
    #: kind (CALLED, TRANSFERRED, FAMILY, CO_SUSPECT, CO_EVENT, SHARED_PHONE …) -> count
    counts: dict[str, int]
    #: currency -> total amount of the transfers between them (either direction)
    amounts: dict[str, float]


class RingCandidate(TypedDict):
    id: str
    labels: list[str]
    name: str | None
    #: random-walk score relative to the best one shown (1.0), see queries.expand
    score: float
    #: direct ties to members, by member id; empty when reached only through others
    evidence: list[TieEvidence]


class RingExpansion(TypedDict):
    ring_id: str
    members: list[str]
    #: hops walked: fewer than asked when the subgraph grew past max_nodes
    hops: int
    subgraph_nodes: int
    subgraph_relationships: int
    candidates: list[RingCandidate]
    #: officials near the ring, scored the same way, never among the candidates
    officials: list[RingCandidate]


class RingSummary(TypedDict):
    id: str
    name: str | None
    members: int
