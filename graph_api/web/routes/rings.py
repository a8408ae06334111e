"""Rings: the list, one ring, its protectors, tip-offs, case interference, expansion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

import queries
from graph.errors import NotFound
from graph.model import MODEL
from graph.store import Store
from graph_api.web.deps import Ctx, Cursor, Limit, Reader, RingWriterCtx
from graph_api.web.routes._common import ALL, RingId, problems
from graph_api.web.schemas import (
    CaseInterference,
    Page,
    ProtectorReport,
    RingCreate,
    RingCreated,
    RingExpansion,
    RingPublic,
    RingSummary,
    Tipoff,
)
from ingest.rings import create_ring

router = APIRouter(prefix="/rings", tags=["rings"], responses=ALL)
AsOf = Annotated[
    str | None,
    Query(
        max_length=32,
        pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$",
        examples=["2024-01-01T00:00:00Z"],
    ),
]

MEMBERSHIP = MODEL.meaning("membership")


def _ring(ctx: Ctx, ring_id: str) -> str:
    if ctx.visible_id(ring_id, "ring") not in ctx.ring_ids():
        raise NotFound(f"no ring {ring_id!r}")
    return ring_id


@router.get("", response_model=Page[RingSummary], summary="Every ring with its size")
def rings(ctx: Reader, limit: Limit = 100, cursor: Cursor = None) -> Any:
    """Every ring with its number of members."""
    return ctx.page(list(ctx.rings()), limit, cursor)


@router.post(
    "",
    response_model=RingCreated,
    status_code=201,
    responses=problems(400, 404),
    summary="Draw a ring around people already loaded",
)
def create(ctx: RingWriterCtx, request: Request, body: RingCreate) -> Any:
    """Draw a ring around people and organizations already loaded (or add members to
    one drawn before: the id comes from the name, so the same request is harmless).

    Members are named by the ids this user sees (a masked victim by its masked id); an
    id the user may not see is not found, as one that does not exist.
    """
    request.state.audit_params = {"name": body.name, "members": len(body.members)}
    members = [(ctx.visible_id(m.id, "person or organization"), m.role) for m in body.members]
    made = ctx.call(lambda s: create_ring(s, body.name, members, by=ctx.user.name))
    ctx.wrote()
    return ctx.show(
        {"id": made.id, "name": made.name, "members": made.members, "added": made.added}, "ring"
    )


@router.get(
    "/{id:path}/protectors",
    response_model=ProtectorReport,
    responses=problems(503),
    summary="Officials likely protecting a ring, with evidence",
)
def protectors(
    ctx: Reader,
    id: RingId,
    top: Annotated[int | None, Query(ge=1, le=1000)] = 50,
    as_of: AsOf = None,
) -> Any:
    """Officials ranked by how likely they protect the ring, with checkable evidence.

    The ranking is kept until the graph changes (and reused only for moments on the
    same side of every time boundary); the role's view is applied to each response.
    """
    return ctx.protectors_answer(_ring(ctx, id), top=top, as_of=as_of)


@router.get(
    "/{id:path}/tipoffs",
    response_model=Page[Tipoff],
    summary="Calls to ring members shortly before failed raids",
)
def tipoffs(
    ctx: Reader,
    id: RingId,
    window_hours: Annotated[float, Query(gt=0, le=24 * 30)] = 24,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Any:
    """Calls from officials' phones to ring members shortly before failed raids."""
    found = ctx.call(queries.tipoffs, ring_id=_ring(ctx, id), window_hours=window_hours)
    return ctx.page(list(found), limit, cursor)


@router.get(
    "/{id:path}/case-interference",
    response_model=CaseInterference,
    summary="Cases against members stopped or stalled, and their handlers",
)
def case_interference(
    ctx: Reader,
    id: RingId,
    stalled_days: Annotated[int, Query(ge=0, le=3650)] = 365,
    as_of: AsOf = None,
) -> Any:
    """Cases against ring members that were stopped or stalled, and who handled them."""
    return ctx.show(
        ctx.call(
            queries.case_interference,
            ring_id=_ring(ctx, id),
            stalled_days=stalled_days,
            as_of=as_of,
        ),
        "ring",
    )


@router.get(
    "/{id:path}/expand",
    response_model=RingExpansion,
    summary="Likely further members of a ring, and officials near it",
)
def expand(
    ctx: Reader,
    id: RingId,
    hops: Annotated[int, Query(ge=1, le=3)] = 2,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """Likely further members (a random walk from the members over weighted ties, hubs
    sunk) and, as their own list, the officials near the ring; each with its ties."""
    return ctx.show(
        ctx.call(queries.ring_expand, ring_id=_ring(ctx, id), hops=hops, limit=limit), "ring"
    )


@router.get("/{id:path}", response_model=RingPublic, summary="One ring and its members")
def ring(ctx: Reader, id: RingId) -> Any:
    """One ring: its name and members."""
    ring_id = _ring(ctx, id)

    def members(s: Store) -> list[str]:
        return sorted(
            {
                nb["node"]["id"]
                for nb in s.neighbours(ring_id, types=list(MEMBERSHIP), direction="in")
            }
        )

    summary = next((r for r in ctx.rings() if r["id"] == ring_id), None)
    ids = ctx.call(members)
    name = summary["name"] if summary else None
    return ctx.show({"id": ring_id, "name": name, "members": len(ids), "member_ids": ids}, "ring")
