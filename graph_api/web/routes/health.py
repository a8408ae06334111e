"""``GET /healthz`` (the process is up) and ``GET /readyz`` (the store answers)."""

from __future__ import annotations

from fastapi import APIRouter

from graph_api.context import Actor, acting_as
from graph_api.errors import StoreUnavailable
from graph_api.web.deps import ServicesDep
from graph_api.web.routes._common import problems
from graph_api.web.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=problems(503))
def readyz(services: ServicesDep) -> Health:
    store = services.stores.get()
    with acting_as(Actor(user="-", role="-", request_id="readyz")):
        try:
            store.counts()
        except StoreUnavailable:
            services.stores.failed(store)
            raise
    return Health(status="ready", store=store.kind)
