"""``GET /healthz`` (the process is up) and ``GET /readyz`` (ready to serve traffic).

Ready means: the store answers, and the first background warm-up since the start
has finished (:mod:`graph_api.web.warmup`), so that the first requests do not all
wait for every ring's ranking at once. A load balancer (or a user) should send
traffic only after ``/readyz`` answers 200.

Both run on the event loop, never on the worker threads that requests use: when every
one of those is waiting for a store that went away, ``/healthz`` still answers at once,
and ``/readyz`` checks the store on a thread of its own and answers 503 when that check
takes more than :data:`READY_TIMEOUT` seconds.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from graph_api.web.deps import ServicesDep
from graph_api.web.problems import Problem
from graph_api.web.routes._common import problems
from graph_api.web.schemas import Health
from graph_api.web.schemas import Problem as ProblemBody

router = APIRouter(tags=["health"])
#: seconds ``/readyz`` waits for the store's answer before it says "not ready"
READY_TIMEOUT = 3.0
#: the detail while the first warm-up runs (the answer translates it: problem_words)
WARMING = (
    "The service is computing its whole-graph results (the rings and every ring's "
    "protector ranking). Retry in a few seconds."
)
Lang = Annotated[
    Literal["id", "en"] | None,
    Query(description="language of a problem answer (default: Accept-Language, else id)"),
]


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """Liveness: the process answers (nothing else is checked, nothing is waited for)."""
    return Health(status="ok")


NOT_READY_DOC: dict[int | str, dict[str, Any]] = {
    503: {
        "model": ProblemBody,
        "description": "not ready: the graph store is unreachable, or the first warm-up of "
        "the whole-graph results has not finished; retry after Retry-After seconds",
        "content": {"application/problem+json": {}},
    }
}


@router.get(
    "/readyz",
    response_model=Health,
    responses={**problems(503), **NOT_READY_DOC},
    summary="Readiness: the store answers and the first warm-up is done",
)
async def readyz(request: Request, services: ServicesDep, lang: Lang = None) -> Health:
    """Readiness: the store answers within a few seconds and the first warm-up has
    finished (else 503)."""
    store = await services.stores.check_within(READY_TIMEOUT)
    warmer = services.warmer
    if not warmer.ready:
        raise Problem(503, "service not ready", WARMING, {"Retry-After": "2"})
    return Health(status="ready", store=store.kind, warmed_in_s=warmer.first_seconds)
