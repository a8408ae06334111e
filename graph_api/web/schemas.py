"""Request and response shapes, in families per direction (``XCreate``, ``XPublic``)."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar, Unpack

from pydantic import BaseModel, ConfigDict, Field, create_model

from graph import rows
from queries import _types as results
from queries import cdr
from queries.protectors import _types as ranking

T = TypeVar("T")
Role = Literal["reskrim", "propam", "analyst", "admin"]


# -- answers that are query results: fields from the result types ----------------------
#
# A model of a query's answer takes its fields from the query's own result type (a
# TypedDict of ``queries._types``, ``queries.protectors._types``, ``queries.cdr`` or
# ``graph.rows``) through ``@result_of``: a field added to the result type is in the
# API's answer and its documentation without a second edit. The model adds what the
# type cannot say: the example, a description where the type has none, and whether the
# answer passes on fields it does not name (``Open``). Every example is the shape a
# real answer has; its ids are the demo's (``telusur demo``: bundle ``jatim``).

M = TypeVar("M", bound=BaseModel)

#: each result type (TypedDict) and the model the API documents it with
DERIVED: dict[object, type[BaseModel]] = {}


class Open(BaseModel):
    """A result shape that passes on fields it does not name."""

    model_config = ConfigDict(extra="allow")


def _examples(*examples: dict[str, Any], **config: Unpack[ConfigDict]) -> ConfigDict:
    """A model's settings (``config``) with its ``examples``, the shapes of real answers
    (a model's settings add to its base's: an ``Open`` model stays open)."""
    return ConfigDict(json_schema_extra={"examples": list(examples)}, **config)


def _fields(shape: object) -> dict[str, Any]:
    """The model fields of the TypedDict ``shape``: each a required field of its type,
    with every TypedDict inside it replaced by its model."""
    if not typing.is_typeddict(shape):
        raise TypeError(f"{shape!r} is not a TypedDict")
    optional: frozenset[str] = getattr(shape, "__optional_keys__", frozenset())
    if optional:
        raise TypeError(
            f"{getattr(shape, '__name__', shape)}: keys that may be missing "
            f"({', '.join(sorted(optional))}) have no model rule: make them `X | None`"
        )
    return {n: (_model_type(t), ...) for n, t in typing.get_type_hints(shape).items()}


def _model_type(hint: Any) -> Any:
    """``hint`` with every TypedDict in it replaced by its model (an ``Open`` one made
    from the TypedDict when no model was declared for it)."""
    if typing.is_typeddict(hint):
        model = DERIVED.get(hint)
        if model is None:
            model = DERIVED[hint] = create_model(
                hint.__name__,
                __base__=Open,
                __doc__=hint.__doc__,
                __module__=__name__,
                **_fields(hint),
            )
        return model
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if not args or origin is None or origin is typing.Literal:
        return hint
    mapped = tuple(_model_type(a) for a in args)
    if mapped == args:
        return hint
    if origin in (types.UnionType, typing.Union):
        return typing.Union[mapped]  # noqa: UP007 (built from a tuple)
    return origin[mapped]


def result_of(shape: object) -> Callable[[type[M]], type[M]]:
    """Give the decorated model the fields of the result type ``shape`` (a TypedDict).

    The decorated class brings the rest: its base (``Open`` to pass on fields it does
    not name), its example and its description (the TypedDict's docstring when it has
    none). A TypedDict nested in ``shape`` becomes the model declared for it, or an
    ``Open`` model made from it.

    Raises
    ------
    TypeError
        ``shape`` is no TypedDict or has keys that may be missing; the class names
        fields of its own; or ``shape`` already has a model (declare a model before
        the models whose results nest it).
    """

    def derive(cls: type[M]) -> type[M]:
        name = getattr(shape, "__name__", repr(shape))
        if shape in DERIVED:
            raise TypeError(
                f"{cls.__name__}: {name} already has the model {DERIVED[shape].__name__} "
                "(declare a model before the models that nest it)"
            )
        if cls.model_fields:
            raise TypeError(f"{cls.__name__}: its fields come from {name}, not the class")
        model = create_model(
            cls.__name__,
            __base__=cls,
            __doc__=cls.__doc__ or getattr(shape, "__doc__", None),
            __module__=cls.__module__,
            **_fields(shape),
        )
        DERIVED[shape] = model
        return model

    return derive


def _page_example(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """A page's example: one item, the example of the item's own model."""
    args = getattr(cls, "__pydantic_generic_metadata__", {}).get("args") or ()
    extra = args[0].model_config.get("json_schema_extra") if args else None
    items = extra.get("examples") if isinstance(extra, dict) else None
    if isinstance(items, list) and items:
        schema["examples"] = [{"data": items[:1], "count": 1, "next_cursor": None}]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``count`` is the total, ``next_cursor`` the next page (or null)."""

    model_config = ConfigDict(json_schema_extra=_page_example)
    data: list[T]
    count: int
    next_cursor: str | None = None


class Token(BaseModel):
    model_config = _examples(
        {
            "access_token": "eyJhbGciOiJIUzI1NiJ9.…",
            "token_type": "bearer",
            "expires_in": 3600,
        },
    )
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserPublic(BaseModel):
    model_config = _examples({"name": "budi", "role": "reskrim"})
    name: str
    role: Role


class Health(BaseModel):
    model_config = _examples({"status": "ok", "store": "embedded", "warmed_in_s": 2.4})
    status: str
    store: str | None = None
    #: seconds from the start of the service to the end of its first warm-up
    warmed_in_s: float | None = None


@result_of(rows.NodeRow)
class NodePublic(BaseModel):
    model_config = _examples(
        {"id": "synth:P0001", "labels": ["Person"], "props": {"name": "Budi Santoso"}},
    )


@result_of(rows.RelRow)
class RelPublic(BaseModel):
    pass


@result_of(results.SearchHit)
class SearchHit(BaseModel):
    model_config = _examples(
        {
            "id": "synth:P0001",
            "labels": ["Person"],
            "name": "Budi Santoso",
            "score": 1.0,
            "matched": "name",
        },
    )


@result_of(results.Entity)
class EntityPublic(BaseModel):
    model_config = _examples(
        {
            "id": "jatim:P996834",
            "labels": ["Person"],
            "props": {"name": "Eko Kusuma", "birth_date": "1957-12-14", "gender": "m"},
            "keys": ["jatim:P996834"],
            "sources": [
                {
                    "id": "jatim:S4249",
                    "kind": "bap",
                    "title": "BAP saksi",
                    "date": "2022-03-01",
                    "reliability": "B",
                    "credibility": "2",
                }
            ],
        },
    )


@result_of(results.Neighbourhood)
class Neighbourhood(BaseModel):
    """Nodes and relationships around an entity; ``truncated``: per node, how many
    relationships the cap left out."""

    model_config = _examples(
        {
            "nodes": [
                {
                    "id": "jatim:P996834",
                    "labels": ["Person"],
                    "props": {"name": "Eko Kusuma"},
                },
                {
                    "id": "jatim:ACC617263",
                    "labels": ["Account"],
                    "props": {"bank": "BNI", "number": "5474924066"},
                },
            ],
            "relationships": [
                {
                    "id": "holds:jatim:P996834:jatim:ACC617263",
                    "type": "HOLDS",
                    "start": "jatim:P996834",
                    "end": "jatim:ACC617263",
                    "props": {},
                }
            ],
            "truncated": {"jatim:P996834": 12},
        },
    )


@result_of(results.Path)
class PathPublic(BaseModel):
    model_config = _examples(
        {
            "nodes": ["jatim:P234457", "jatim:C250965", "jatim:P996834"],
            "relationships": [
                {
                    "id": "jatim:INV0007",
                    "type": "INVESTIGATES",
                    "start": "jatim:P234457",
                    "end": "jatim:C250965",
                    "props": {},
                },
                {
                    "id": "jatim:SUS0031",
                    "type": "SUSPECT_IN",
                    "start": "jatim:P996834",
                    "end": "jatim:C250965",
                    "props": {},
                },
            ],
        },
    )


@result_of(results.RingSummary)
class RingSummary(BaseModel):
    model_config = _examples(
        {"id": "jatim:RING1", "name": "Jaringan Eko Tulungagung–Arab Saudi", "members": 9},
    )


class RingPublic(RingSummary):
    model_config = _examples(
        {
            "id": "jatim:RING1",
            "name": "Jaringan Eko Tulungagung–Arab Saudi",
            "members": 2,
            "member_ids": ["jatim:P366442", "jatim:P996834"],
        },
    )
    member_ids: list[str]


class RingMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=300)
    role: str = Field(default="other", max_length=20)


class RingCreate(BaseModel):
    """A ring drawn around people and organizations already loaded."""

    model_config = _examples(
        {
            "name": "Jaringan Tulungagung",
            "members": [
                {"id": "polres:P0012", "role": "recruiter"},
                {"id": "bank:P0003", "role": "financier"},
            ],
        },
        extra="forbid",
    )
    name: str = Field(min_length=1, max_length=200)
    members: list[RingMemberIn] = Field(min_length=1, max_length=500)


class RingCreated(BaseModel):
    model_config = _examples(
        {
            "id": "ring:jaringan-tulungagung",
            "name": "Jaringan Tulungagung",
            "members": [{"id": "jatim:P996834", "role": "recruiter"}],
            "added": 1,
        },
    )
    id: str
    name: str
    members: list[RingMemberIn]
    #: memberships that did not exist before the request
    added: int


class FlagCreate(BaseModel):
    model_config = _examples(
        {
            "official_id": "synth:O0007",
            "reason": "calls ring leader before raids",
            "evidence": "tipoff report 2024-03",
        },
        extra="forbid",
    )
    official_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, max_length=10_000)


class FlagUpdate(BaseModel):
    model_config = _examples(
        {"status": "under_review", "note": "assigned to Kompol R."}, extra="forbid"
    )
    status: Literal["under_review", "substantiated", "cleared"]
    note: str | None = Field(default=None, max_length=2000)


class FlagChange(BaseModel):
    status: str
    by: str
    at: str
    note: str | None


class FlagPublic(BaseModel):
    model_config = _examples(
        {
            "id": "flag-8c1d2e",
            "official_id": "jatim:P234457",
            "status": "under_review",
            "reason": "calls ring leader before raids",
            "evidence": "tipoff report 2024-03",
            "created_by": "propam",
            "created_at": "2025-01-02T03:04:05Z",
            "updated_at": "2025-01-03T08:00:00Z",
            "history": [
                {
                    "status": "under_review",
                    "by": "propam",
                    "at": "2025-01-03T08:00:00Z",
                    "note": "assigned to Kompol R.",
                }
            ],
        },
    )
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
    model_config = _examples(
        {
            "query": "MATCH (r:Ring)<-[:MEMBER_OF]-(p) RETURN r.name, count(p) AS n",
            "parameters": {},
        },
        extra="forbid",
    )
    query: str = Field(min_length=1, max_length=10_000)
    parameters: dict[str, Any] = Field(default_factory=dict)


class CypherResult(BaseModel):
    model_config = _examples(
        {
            "columns": ["r.name", "n"],
            "rows": [["Jaringan Eko Tulungagung–Arab Saudi", 9]],
            "count": 1,
            "truncated": False,
        },
    )
    columns: list[str]
    rows: list[list[Any]]
    count: int
    truncated: bool


class AuditVerdict(BaseModel):
    model_config = _examples(
        {
            "ok": True,
            "entries": 42,
            "first_bad": None,
            "reason": None,
            "head": "5e7a…",
            "keyed": True,
            "trail": "main",
            "head_line": "telusur-audit-head main 42 2025-01-02T03:04:05Z 5e7a…",
        },
    )
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

    model_config = _examples(
        {
            "state": "warm",
            "ready": True,
            "interval_s": 60.0,
            "max_rings": 200,
            "first_warmup_s": 2.4,
            "runs": 3,
            "warming_generation": None,
            "last": {
                "generation": "g17",
                "started_at": "2025-01-02T03:04:05Z",
                "seconds": 1.9,
                "rings": 3,
                "ranked": 3,
                "failed": 0,
                "complete": True,
            },
            "cache": {"entries": 6, "hits": 120, "misses": 6, "joined": 2, "evicted": 0},
        },
    )

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


# -- the named queries' results ----------------------------------------------------------


@result_of(results.TimelineItem)
class TimelineItem(Open):
    """One dated item; ``via`` is the entity itself or an account/phone it holds/uses;
    ``kind``: transfer, call, case_opened, case_status, event, post_since or post_until;
    ``direction``: out or in (transfers and calls), else null."""

    model_config = _examples(
        {
            "at": "2023-11-13T03:09:00Z",
            "kind": "transfer",
            "direction": "in",
            "via": "jatim:ACC403027",
            "other": "jatim:ACC617263",
            "rel_type": "TRANSFERRED",
            "rel_id": "jatim:T4802058",
            "amount": 22800000.0,
            "currency": "IDR",
            "detail": "transfer",
        }
    )


@result_of(results.Trail)
class Trail(Open):
    model_config = _examples(
        {
            "hops": 1,
            "path_nodes": ["jatim:ACC617263", "jatim:ACC403027"],
            "rels": [
                {
                    "id": "jatim:T4802058",
                    "type": "TRANSFERRED",
                    "start": "jatim:ACC617263",
                    "end": "jatim:ACC403027",
                    "amount": 22800000.0,
                    "currency": "IDR",
                    "at": "2023-11-13T03:09:00Z",
                }
            ],
            "holders": [["jatim:P996834"], ["jatim:P234457"]],
        }
    )


@result_of(cdr.CommonContact)
class CommonContact(Open):
    model_config = _examples(
        {
            "phone": "+6281234567890",
            "a_calls": 4,
            "b_calls": 2,
            "first_at": "2023-06-01T08:15:00Z",
            "last_at": "2023-07-30T21:40:00Z",
        }
    )


@result_of(cdr.ColocatedPhone)
class ColocatedPhone(Open):
    model_config = _examples(
        {
            "phone": "+6285845223266",
            "calls": 3,
            "cells": ["510-10-2071-33"],
            "first_at": "2023-06-09T20:01:00Z",
            "last_at": "2023-06-09T20:12:00Z",
        }
    )


@result_of(results.Tipoff)
class Tipoff(Open):
    """A call between an official's side and a ring member shortly before a failed raid."""

    model_config = _examples(
        {
            "event_id": "jatim:E000031",
            "event_at": "2023-06-10T04:00:00Z",
            "outcome": "nothing_found",
            "official_id": "jatim:P234457",
            "via": "self",
            "member_id": "jatim:P996834",
            "call_id": "jatim:CALL000918",
            "call_at": "2023-06-09T20:00:00Z",
            "hours_before": 8.0,
            "official_phone": "+6281100000001",
            "member_phone": "+6285350558715",
        }
    )


@result_of(results.CaseInterference)
class CaseInterference(Open):
    """Cases against ring members stopped or stalled (``interfered``) and those that
    went on to court (``counterweight``), each with the officials who handled them."""

    model_config = _examples(
        {
            "ring_id": "jatim:RING1",
            "as_of": "2025-01-01T00:00:00Z",
            "cutoff": "2024-01-02T00:00:00Z",
            "interfered": [
                {
                    "case_id": "jatim:C250965",
                    "title": "TPPO perekrutan CPMI non-prosedural",
                    "status": "sp3",
                    "opened_at": "2022-01-10",
                    "status_at": "2022-09-01",
                    "reason": "sp3",
                    "suspects": ["jatim:P996834"],
                    "member_suspects": ["jatim:P996834"],
                    "officials": [
                        {
                            "official_id": "jatim:P234457",
                            "roles": ["INVESTIGATES"],
                            "ties": [
                                {
                                    "kind": "call",
                                    "suspect_id": "jatim:P996834",
                                    "rel_type": "CALLED",
                                    "rel_id": "jatim:CALL000918",
                                    "at": "2022-03-04T11:00:00Z",
                                    "amount": None,
                                    "currency": None,
                                }
                            ],
                        }
                    ],
                }
            ],
            "counterweight": [],
        }
    )


@result_of(results.RingExpansion)
class RingExpansion(Open):
    """Likely further members and, apart, the officials near the ring."""

    model_config = _examples(
        {
            "ring_id": "jatim:RING1",
            "members": ["jatim:P996834", "jatim:P366442"],
            "hops": 2,
            "subgraph_nodes": 412,
            "subgraph_relationships": 1630,
            "candidates": [
                {
                    "id": "jatim:P234457",
                    "labels": ["Person"],
                    "name": "Dedi Kurniawan",
                    "score": 1.0,
                    "evidence": [
                        {
                            "member": "jatim:P996834",
                            "name": "Eko Kusuma",
                            "counts": {"CALLED": 12, "TRANSFERRED": 2},
                            "amounts": {"IDR": 4500000.0},
                        }
                    ],
                }
            ],
            "officials": [
                {
                    "id": "jatim:P234457",
                    "labels": ["Person", "Official"],
                    "name": "Dimas Sasongko",
                    "score": 0.42,
                    "evidence": [],
                }
            ],
        }
    )


@result_of(results.OfficialLinks)
class OfficialLinks(Open):
    """Paths from an official to ring members, suspects and ring organizations, by kind
    (money, family, phone, case, organization); ``counts``: the totals before ``cap``."""

    model_config = _examples(
        {
            "official_id": "jatim:P234457",
            "paths": {
                "money": [
                    {
                        "target": "jatim:P996834",
                        "target_roles": ["member"],
                        "nodes": [
                            "jatim:P234457",
                            "jatim:ACC403027",
                            "jatim:ACC617263",
                            "jatim:P996834",
                        ],  # fmt: skip
                        "types": ["HOLDS", "TRANSFERRED", "HOLDS"],
                        "relationships": [
                            {
                                "id": "holds:jatim:P234457:jatim:ACC403027",
                                "type": "HOLDS",
                                "start": "jatim:P234457",
                                "end": "jatim:ACC403027",
                                "props": {},
                            },
                            {
                                "id": "jatim:T4802058",
                                "type": "TRANSFERRED",
                                "start": "jatim:ACC617263",
                                "end": "jatim:ACC403027",
                                "props": {"amount": 22800000.0, "currency": "IDR"},
                            },
                            {
                                "id": "holds:jatim:P996834:jatim:ACC617263",
                                "type": "HOLDS",
                                "start": "jatim:P996834",
                                "end": "jatim:ACC617263",
                                "props": {},
                            },
                        ],  # fmt: skip
                        "parallel": [1, 3, 1],
                    }
                ],
                "family": [],
                "phone": [],
                "case": [],
                "organization": [],
            },
            "counts": {"money": 1, "family": 0, "phone": 0, "case": 0, "organization": 0},
        }
    )


@result_of(ranking.ProtectorReport)
class ProtectorReport(Open):
    model_config = _examples(
        {
            "ring": "jatim:RING1",
            "as_of": "2025-01-01T00:00:00Z",
            "scored": 7,
            "capped": [],
            "side": [],
            "protectors": [
                {
                    "id": "jatim:P234457",
                    "keys": ["jatim:P234457"],
                    "name": "Dimas Sasongko",
                    "agency": "Polres Tulungagung",
                    "score": 0.8094,
                    "band": "strong",
                    "kinds": 2,
                    "indicators": [
                        {
                            "kind": "money",
                            "score": 0.8749,
                            "weight": 0.9,
                            "facts": {"count": 7, "amount": 157600000.0, "months": 7},
                            "evidence": [
                                {
                                    "what": "payment",
                                    "nodes": [
                                        "jatim:P996834",
                                        "jatim:ACC617263",
                                        "jatim:ACC403027",
                                        "jatim:P234457",
                                    ],  # fmt: skip
                                    "rels": [
                                        {
                                            "id": "jatim:T4802058",
                                            "type": "TRANSFERRED",
                                            "start": "jatim:ACC617263",
                                            "end": "jatim:ACC403027",
                                            "props": {"amount": 22800000.0, "currency": "IDR"},
                                            "sources": ["jatim:S3396"],
                                        }
                                    ],
                                    "grade": 1.0,
                                }
                            ],
                            "evidence_total": 7,
                        }
                    ],
                }
            ],
        }
    )


# -- the service's own answers, open to later fields -----------------------------------


class FileCounts(Open):
    rows: int
    accepted: int
    rejected: int
    encoding: str | None
    delimiter: str | None


class IngestResult(Open):
    """What a load did: rows per file, nodes and relationships created, updated and
    unchanged, candidate matches, files skipped and why."""

    model_config = _examples(
        {
            "bundle": "polres-tulungagung",
            "files": {
                "people.csv": {
                    "rows": 1181,
                    "accepted": 1180,
                    "rejected": 1,
                    "encoding": "utf-8",
                    "delimiter": ",",
                }
            },
            "rejected": {"people.csv": 1},
            "nodes": {"created": 1180, "updated": 0, "unchanged": 0},
            "relationships": {"created": 0, "updated": 0, "unchanged": 0},
            "candidates": 2,
            "other_schemata": {},
            "rejects_file": None,
            "inputs": [{"file": "people.csv", "kind": "people.csv", "rows": 1181}],
            "skipped": [{"file": "notes.txt", "reason": "not a CSV or Excel file"}],
            "written": True,
            "seconds": 1.84,
        }
    )
    bundle: str
    files: dict[str, FileCounts]
    rejected: dict[str, int]
    nodes: dict[str, int]
    relationships: dict[str, int]
    candidates: int
    other_schemata: dict[str, int]
    rejects_file: str | None
    inputs: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    written: bool
    seconds: float


class AuditEntry(Open):
    """One request as the audit trail keeps it, chained by ``prev`` and ``hash``."""

    model_config = _examples(
        {
            "time": "2025-01-02T03:04:05.678Z",
            "request_id": "3f1c2a9e7b6d4c10",
            "user": "reskrim",
            "role": "reskrim",
            "method": "GET",
            "route": "/api/v1/rings/{id}/protectors",
            "path": "/api/v1/rings/jatim:RING1/protectors",
            "params": {"id": "jatim:RING1", "top": "50"},
            "status": 200,
            "result_size": 1,
            "bytes": 18234,
            "client": "10.0.0.7",
            "seq": 42,
            "prev": "9b0c…",
            "hash": "5e7a…",
        }
    )
    seq: int
    time: str
    request_id: str | None = None
    user: str | None = None
    role: str | None = None
    method: str | None = None
    #: the route's template, e.g. ``/api/v1/rings/{id}/protectors``
    route: str | None = None
    path: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    #: the HTTP status, or what stopped the request
    status: int | str | None = None
    result_size: int | None = None
    bytes: int | None = None
    client: str | None = None
    prev: str
    hash: str
