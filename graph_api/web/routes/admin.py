"""Admin: the audit trail and its verification; what the service keeps (cache, warm-up)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graph_api.web import audit as trails
from graph_api.web.deps import AdminCtx
from graph_api.web.routes._common import ALL
from graph_api.web.schemas import AuditEntry, AuditVerdict, CacheStatus, Page

router = APIRouter(prefix="/audit", tags=["admin"], responses=ALL)
#: a line of ``telusur audit head``, exported earlier
HeadParam = Annotated[
    str | None,
    Query(max_length=300, description="an exported head: `telusur audit head` printed it"),
]
status_router = APIRouter(tags=["admin"], responses=ALL)


@router.get("", response_model=Page[AuditEntry], summary="The audit trail, page by page")
def audit(
    ctx: AdminCtx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{1,12}$")] = None,
) -> Any:
    """Audit entries in order; ``cursor`` is the last ``seq`` seen. Propam's activity
    is not here: it has its own trail (``/propam/audit``)."""
    found = trails.page(ctx.services.audit, after=int(cursor or 0), limit=limit)
    ctx.request.state.result_size = len(found["data"])
    return found


@router.get("/verify", response_model=AuditVerdict, summary="Verify the audit trail")
def verify(ctx: AdminCtx, head: HeadParam = None) -> Any:
    """Check the keyed chain; names the first edited, deleted, inserted or moved entry.
    With ``head`` (a line of ``telusur audit head`` exported earlier), entries cut off
    the end or a rewritten trail are found too."""
    return trails.verify_against(ctx.services.audit, head).to_json()


@status_router.get(
    "/cache", response_model=CacheStatus, summary="What the service keeps warm, and how"
)
async def cache(ctx: AdminCtx) -> Any:
    """This process's whole-graph result cache and its background warm-up: state, the
    last run (store generation, seconds, rings ranked) and the cache counters."""
    return ctx.services.warmer.status()
