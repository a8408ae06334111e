"""Propam's audit trail: Propam's requests and every request for a Propam path.

Only Propam reads it; every other role gets 404, as for the other Propam routes. The
admin's ``/audit`` holds none of it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graph_api.web import audit as trails
from graph_api.web.deps import PropamCtx
from graph_api.web.routes._common import ALL
from graph_api.web.routes.admin import HeadParam
from graph_api.web.schemas import AuditEntry, AuditVerdict, Page

router = APIRouter(prefix="/propam/audit", tags=["propam"], responses=ALL)


@router.get("", response_model=Page[AuditEntry], summary="Propam's audit trail, page by page")
def propam_audit(
    ctx: PropamCtx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{1,12}$")] = None,
) -> Any:
    """Propam's audit entries in order; ``cursor`` is the last ``seq`` seen."""
    found = trails.page(ctx.services.propam_audit, after=int(cursor or 0), limit=limit)
    ctx.request.state.result_size = len(found["data"])
    return found


@router.get("/verify", response_model=AuditVerdict, summary="Verify Propam's audit trail")
def propam_verify(ctx: PropamCtx, head: HeadParam = None) -> Any:
    """Check Propam's keyed chain, against an exported ``head`` when given."""
    return trails.verify_against(ctx.services.propam_audit, head).to_json()
