"""Route modules, one per area, gathered under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from graph_api.web.routes import (
    admin,
    auth,
    cdr,
    cypher,
    entities,
    exports,
    graph,
    health,
    ingest,
    propam,
    propam_audit,
    rings,
)

api_router = APIRouter()
for _module in (
    auth,
    entities,
    graph,
    cdr,
    rings,
    propam,
    propam_audit,
    cypher,
    ingest,
    admin,
    exports,
):
    api_router.include_router(_module.router)
api_router.include_router(admin.status_router)

__all__ = ["api_router", "health"]
