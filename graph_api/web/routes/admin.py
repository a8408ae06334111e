"""Admin: the audit trail and its verification; what the service keeps (cache, warm-up)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graph_api.web.deps import AdminCtx
from graph_api.web.routes._common import ALL
from graph_api.web.schemas import AuditVerdict, CacheStatus, Page

router = APIRouter(prefix="/audit", tags=["admin"], responses=ALL)
status_router = APIRouter(tags=["admin"], responses=ALL)


@router.get("", response_model=Page[dict[str, Any]])
def audit(
    ctx: AdminCtx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{1,12}$")] = None,
) -> Any:
    """Audit entries in order; ``cursor`` is the last ``seq`` seen."""
    log = ctx.services.audit
    items = log.entries(after=int(cursor or 0), limit=limit)
    ctx.request.state.result_size = len(items)
    nxt = str(items[-1]["seq"]) if len(items) == limit else None
    return {"data": items, "count": log.count(), "next_cursor": nxt}


@router.get("/verify", response_model=AuditVerdict)
def verify(ctx: AdminCtx) -> Any:
    """Recompute the hash chain; names the first edited, deleted, inserted or moved entry."""
    return ctx.services.audit.verify().to_json()


@status_router.get("/cache", response_model=CacheStatus)
async def cache(ctx: AdminCtx) -> Any:
    """This process's whole-graph result cache and its background warm-up: state, the
    last run (store generation, seconds, rings ranked) and the cache counters."""
    return ctx.services.warmer.status()
