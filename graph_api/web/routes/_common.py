"""What every route module shares: documented problem responses and id paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from graph_api.web.schemas import Problem

_DOC = {
    400: "the request cannot be answered as asked",
    401: "no valid bearer token",
    403: "the role may not use this route",
    404: "no such resource (or not visible to the role)",
    413: "request body too large",
    422: "invalid parameters",
    429: "rate limit reached",
    501: "not available on this store (the Cypher console needs Neo4j)",
    503: "the graph store is unreachable; retry",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem answers a route can give."""
    return {
        c: {"model": Problem, "description": _DOC[c], "content": {"application/problem+json": {}}}
        for c in (400, 401, 403, 404, 413, 422, 429, 503, *codes)
        if c in _DOC
    }


ALL = problems()


def id_path(description: str, example: str) -> Any:
    """The path parameter of a stored id: its length bounds, ``description`` and
    ``example`` (the demo's, so that "Try it out" answers)."""
    return Path(min_length=1, max_length=300, description=description, examples=[example])


EntityId = Annotated[str, id_path("stored id (`bundle:key`), URL-encoded", "jatim:P996834")]
RingId = Annotated[str, id_path("a Ring's stored id (`bundle:key`), URL-encoded", "jatim:RING1")]
OfficialId = Annotated[
    str, id_path("an Official's stored id (`bundle:key`), URL-encoded", "jatim:P234457")
]
FlagId = Annotated[
    str,
    id_path(
        "a flag's id, as the flag list and the new flag give it",
        "propam:flag-8c1d2e0f4b5a4c3d9e8f7a6b5c4d3e2f",
    ),
]
