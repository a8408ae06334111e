"""Propam only: an official's links, and flags. Every other role gets 404."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status

import queries
from graph.errors import NotFound
from graph_api.web.deps import Cursor, Limit, PropamCtx
from graph_api.web.routes._common import ALL, FlagId, OfficialId
from graph_api.web.schemas import FlagCreate, FlagPublic, FlagUpdate, OfficialLinks, Page

router = APIRouter(tags=["propam"], responses=ALL)
FlagStatus = Literal["open", "under_review", "substantiated", "cleared"]


@router.get(
    "/officials/{id:path}/links",
    response_model=OfficialLinks,
    summary="How an official is linked to rings (Propam)",
)
def official_links(
    ctx: PropamCtx,
    id: OfficialId,
    max_hops: Annotated[int, Query(ge=1, le=3)] = 3,
    cap: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """Paths from an official to ring members, suspects and their money (Propam only)."""
    found = ctx.call(queries.official_links, id=id, max_hops=max_hops, cap=cap)
    if found is None:
        raise NotFound(f"no official {id!r}")
    return ctx.show(found, "official")


@router.get("/flags", response_model=Page[FlagPublic], summary="Flags, newest first (Propam)")
def list_flags(
    ctx: PropamCtx,
    status: FlagStatus | None = None,
    official_id: Annotated[str | None, Query(max_length=300)] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Any:
    """Flags, newest first."""
    found = ctx.flags(lambda book: book.list(status=status, official_id=official_id))
    return ctx.page(list(found), limit, cursor)


@router.post(
    "/flags",
    response_model=FlagPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Flag an official for internal review (Propam)",
)
def create_flag(ctx: PropamCtx, body: FlagCreate, request: Request) -> Any:
    """Flag an official for internal review; the answer carries the new flag's ``id``."""
    request.state.audit_params = {"official_id": body.official_id}
    made = ctx.flags(
        lambda book: book.create(
            official_id=body.official_id,
            reason=body.reason,
            evidence=body.evidence,
            by=ctx.user.name,
        )
    )
    request.state.audit_params["flag_id"] = made["id"]
    return ctx.show(made, "flag")


@router.get("/flags/{id}", response_model=FlagPublic, summary="One flag and its history (Propam)")
def get_flag(ctx: PropamCtx, id: FlagId) -> Any:
    """One flag with its full status history."""
    return ctx.show(ctx.flags(lambda book: book.get(id)), "flag")


@router.patch("/flags/{id}", response_model=FlagPublic, summary="Move a flag on (Propam)")
def update_flag(ctx: PropamCtx, id: FlagId, body: FlagUpdate, request: Request) -> Any:
    """Move a flag on: open -> under_review -> substantiated | cleared (kept with who/when)."""
    request.state.audit_params = {"status": body.status}
    changed = ctx.flags(
        lambda book: book.change_status(
            id, status=body.status, by=ctx.user.name, note=body.note, lock=ctx.services.flag_lock
        )
    )
    return ctx.show(changed, "flag")
