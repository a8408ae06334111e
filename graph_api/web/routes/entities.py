"""Entities: search, one entity, its neighbourhood and its timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

import queries
from graph.errors import NotFound
from graph.model import MODEL
from graph_api.web.deps import Cursor, Limit, Reader
from graph_api.web.routes._common import ALL, EntityId
from graph_api.web.schemas import EntityPublic, Neighbourhood, Page, SearchHit, TimelineItem

router = APIRouter(prefix="/entities", tags=["entities"], responses=ALL)

Names = Annotated[list[str] | None, Query(max_length=20)]


def _known(values: list[str] | None, known: tuple[str, ...], what: str) -> list[str] | None:
    for v in values or []:
        if v not in known:
            raise NotFound(f"no {what} {v[:50]!r}")
    return values or None


@router.get(
    "/search", response_model=Page[SearchHit], summary="Find entities by an identifier or a name"
)
def search(
    ctx: Reader,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["Budi Santoso"])],
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Find entities by id, NIK, NRP/NIP, phone, account number or a fuzzy name."""
    hits = ctx.call(queries.search, q=q, limit=200)
    return ctx.page(ctx.redactor().search_hits(q, hits), limit, cursor)


@router.get(
    "/{id:path}/neighbourhood",
    response_model=Neighbourhood,
    summary="The entities around one, hop by hop",
)
def neighbourhood(
    ctx: Reader,
    id: EntityId,
    hops: Annotated[int, Query(ge=1, le=4)] = 1,
    labels: Names = None,
    types: Names = None,
    cap: Annotated[int, Query(ge=1, le=1000)] = 25,
) -> Any:
    """Breadth-first neighbourhood, at most ``cap`` relationships per node."""
    found = ctx.call(
        queries.neighbourhood,
        id=ctx.visible_id(id),
        hops=hops,
        cap=cap,
        labels=_known(labels, MODEL.labels, "label"),
        types=_known(types, MODEL.types, "type"),
    )
    if found is None:
        raise NotFound(f"no entity {id!r}")
    return ctx.show(found)


@router.get(
    "/{id:path}/timeline",
    response_model=Page[TimelineItem],
    summary="Everything dated about an entity, in time order",
)
def timeline(ctx: Reader, id: EntityId, limit: Limit = 100, cursor: Cursor = None) -> Any:
    """Dated items of the entity (calls, transfers, events, posts) in time order."""
    stored = ctx.visible_id(id)
    if ctx.call(lambda s: s.get_node(stored)) is None:
        raise NotFound(f"no entity {id!r}")
    items = ctx.call(queries.timeline, id=stored, limit=10_000)
    return ctx.page(list(items), limit, cursor)


@router.get("/{id:path}", response_model=EntityPublic, summary="One entity with its graded sources")
def entity(ctx: Reader, id: EntityId) -> Any:
    """One entity with its properties, record keys and graded sources."""
    found = ctx.call(queries.entity, id=ctx.visible_id(id))
    if found is None:
        raise NotFound(f"no entity {id!r}")
    return ctx.show(found)
