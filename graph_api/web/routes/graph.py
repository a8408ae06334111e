"""Paths between two entities and money trails."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

import queries
from graph.errors import NotFound
from graph.text import gettext
from graph_api.web.deps import Ctx, Cursor, Limit, Reader
from graph_api.web.routes._common import ALL
from graph_api.web.schemas import Page, PathPublic, Trail

router = APIRouter(tags=["paths"], responses=ALL)

#: paths and money trails the routes ask the queries for (their bound): ``count`` is at
#: most this, and the ``x-telusur-truncated`` header says when it was reached
MOST_TRAILS = 1000
MOST_PATHS = 1000

NodeQ = Annotated[str, Query(min_length=1, max_length=300, examples=["synth:P0001"])]


def _bounded(response: Response, found: list[Any], bound: int) -> list[Any]:
    """``found``; when the query stopped at ``bound``, the header says there may be more
    (as the exports do)."""
    if len(found) >= bound:
        response.headers["x-telusur-truncated"] = gettext(
            "Truncated: the query stopped at its limit of {max} results; there may be more.",
            "en",
        ).format(max=f"{bound:,}")
    return found


def _exists(ctx: Ctx, *ids: str) -> list[str]:
    """The stored ids of ``ids`` (opaque ids resolved), each an existing entity."""
    stored = [ctx.visible_id(i) for i in ids]
    found = ctx.call(lambda s: s.get_nodes(stored))
    for i, s in zip(ids, stored, strict=True):
        if s not in found:
            raise NotFound(f"no entity {i!r}")
    return stored


@router.get(
    "/paths", response_model=Page[PathPublic], summary="Shortest paths between two entities"
)
def paths(
    ctx: Reader,
    response: Response,
    source: Annotated[str, Query(alias="from", min_length=1, max_length=300)],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=300)],
    max_hops: Annotated[int, Query(ge=1, le=4)] = 4,
    limit: Limit = 10,
    cursor: Cursor = None,
) -> Any:
    """All shortest undirected paths (at most 4 hops) between two entities.

    At most 1,000 paths: when the query stopped there, the ``x-telusur-truncated`` header
    says there may be more."""
    source, target = _exists(ctx, source, target)
    found = ctx.call(
        queries.paths, source=source, target=target, max_hops=max_hops, limit=MOST_PATHS
    )
    return ctx.page(_bounded(response, list(found), MOST_PATHS), limit, cursor)


@router.get(
    "/money-trail",
    response_model=Page[Trail],
    summary="The money trail from an account or its holder",
)
def money_trail(
    ctx: Reader,
    response: Response,
    source: Annotated[str, Query(alias="from", min_length=1, max_length=300)],
    target: Annotated[str | None, Query(alias="to", min_length=1, max_length=300)] = None,
    to_officials: bool = False,
    min_amount: Annotated[float, Query(ge=0, le=1e15)] = 0.0,
    window_hours: Annotated[float, Query(gt=0, le=24 * 365)] = 720,
    max_hops: Annotated[int, Query(ge=1, le=4)] = 4,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Any:
    """Chains of transfers from ``from`` (an account or its holder) onwards in time order.

    At most 1,000 trails: when the query stopped there, there may be more, and the
    ``x-telusur-truncated`` header says so (as the exports do)."""
    source, *rest = _exists(ctx, source, *([target] if target else []))
    target = rest[0] if rest else None
    found = ctx.call(
        queries.money_trail,
        source=source,
        target=target,
        to_officials=to_officials,
        min_amount=min_amount,
        window_hours=window_hours,
        max_hops=max_hops,
        limit=MOST_TRAILS,
    )
    return ctx.page(_bounded(response, list(found), MOST_TRAILS), limit, cursor)
