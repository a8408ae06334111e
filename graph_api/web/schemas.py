"""Request and response shapes, in families per direction (``XCreate``, ``XPublic``)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Role = Literal["reskrim", "propam", "analyst", "admin"]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``count`` is the total, ``next_cursor`` the next page (or null)."""

    data: list[T]
    count: int
    next_cursor: str | None = None


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserPublic(BaseModel):
    name: str
    role: Role


class Health(BaseModel):
    status: str
    store: str | None = None
    #: seconds from the start of the service to the end of its first warm-up
    warmed_in_s: float | None = None


class NodePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "synth:P0001", "labels": ["Person"], "props": {"name": "Budi Santoso"}}
            ]
        }
    )
    id: str
    labels: list[str]
    props: dict[str, Any]


class RelPublic(BaseModel):
    id: str
    type: str
    start: str
    end: str
    props: dict[str, Any]


class SearchHit(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "synth:P0001",
                    "labels": ["Person"],
                    "name": "Budi Santoso",
                    "score": 1.0,
                    "matched": "name",
                }
            ]
        }
    )
    id: str
    labels: list[str]
    name: str | None
    score: float
    matched: str


class EntityPublic(NodePublic):
    keys: list[str]
    sources: list[dict[str, Any]]


class Neighbourhood(BaseModel):
    nodes: list[NodePublic]
    relationships: list[RelPublic]
    truncated: dict[str, int]


class PathPublic(BaseModel):
    nodes: list[str]
    relationships: list[RelPublic]


class RingSummary(BaseModel):
    id: str
    name: str | None
    members: int


class RingPublic(RingSummary):
    member_ids: list[str]


class RingMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=300)
    role: str = Field(default="other", max_length=20)


class RingCreate(BaseModel):
    """A ring drawn around people and organizations already loaded."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Jaringan Tulungagung",
                    "members": [
                        {"id": "polres:P0012", "role": "recruiter"},
                        {"id": "bank:P0003", "role": "financier"},
                    ],
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=200)
    members: list[RingMemberIn] = Field(min_length=1, max_length=500)


class RingCreated(BaseModel):
    id: str
    name: str
    members: list[RingMemberIn]
    #: memberships that did not exist before the request
    added: int


class FlagCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "official_id": "synth:O0007",
                    "reason": "calls ring leader before raids",
                    "evidence": "tipoff report 2024-03",
                }
            ]
        },
    )
    official_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, max_length=10_000)


class FlagUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"status": "under_review", "note": "assigned to Kompol R."}]
        },
    )
    status: Literal["under_review", "substantiated", "cleared"]
    note: str | None = Field(default=None, max_length=2000)


class FlagChange(BaseModel):
    status: str
    by: str
    at: str
    note: str | None


class FlagPublic(BaseModel):
    id: str
    official_id: str
    status: Literal["open", "under_review", "substantiated", "cleared"]
    reason: str
    evidence: str | None
    created_by: str
    created_at: str
    updated_at: str
    history: list[FlagChange]


class CypherQuery(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "query": "MATCH (r:Ring)<-[:MEMBER_OF]-(p) RETURN r.name, count(p) AS n",
                    "parameters": {},
                }
            ]
        },
    )
    query: str = Field(min_length=1, max_length=10_000)
    parameters: dict[str, Any] = Field(default_factory=dict)


class CypherResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    count: int
    truncated: bool


class AuditVerdict(BaseModel):
    ok: bool
    entries: int
    first_bad: int | None
    reason: str | None
    head: str | None
    #: false for an old chain of plain hashes (never ok)
    keyed: bool = True
    trail: str = "main"
    #: the line to export (``telusur audit head``), when the trail verified
    head_line: str | None = None


class WarmRun(BaseModel):
    """One background warm-up of the whole-graph results."""

    generation: str
    started_at: str
    seconds: float
    rings: int
    ranked: int
    failed: int
    complete: bool


class CacheCounters(BaseModel):
    entries: int
    hits: int
    misses: int
    joined: int
    evicted: int


class CacheStatus(BaseModel):
    """What this service process keeps between requests, and its background warm-up."""

    state: Literal["starting", "warming", "warm", "store unavailable", "failed", "off"]
    ready: bool
    interval_s: float
    max_rings: int
    first_warmup_s: float | None
    runs: int
    warming_generation: str | None
    last: WarmRun | None
    cache: CacheCounters


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None
