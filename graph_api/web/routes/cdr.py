"""Call records: the phones two numbers both contacted, and the phones near one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

import queries
from graph.errors import NotFound
from graph.normalize import NormalizeError, normalize_phone
from graph_api.web.deps import Ctx, Cursor, Limit, Reader
from graph_api.web.routes._common import ALL
from graph_api.web.schemas import ColocatedPhone, CommonContact, Page

router = APIRouter(prefix="/phones", tags=["call records"], responses=ALL)

PhoneQ = Annotated[str, Query(min_length=1, max_length=300, examples=["0812-3456-7890"])]


def _phone(ctx: Ctx, raw: str) -> str:
    """The stored id of a phone given in any written form, or by this user's opaque id.

    The number is normalised before the role's look-up, so that a masked phone written
    another way is not found either (``Ctx.visible_id``).
    """
    try:
        number = normalize_phone(raw)
    except NormalizeError:
        number = raw
    stored = ctx.visible_id(number)
    if ctx.call(lambda s: s.get_node(stored)) is None:
        raise NotFound(f"no entity {raw!r}")
    return stored


@router.get(
    "/common-contacts",
    response_model=Page[CommonContact],
    summary="Numbers in contact with both of two phones",
)
def common_contacts(
    ctx: Reader, a: PhoneQ, b: PhoneQ, limit: Limit = 50, cursor: Cursor = None
) -> Any:
    """Phones in contact with both ``a`` and ``b``, with counts and first/last dates."""
    found = ctx.call(queries.common_contacts, a=_phone(ctx, a), b=_phone(ctx, b), limit=10_000)
    return ctx.page(list(found), limit, cursor)


@router.get(
    "/colocated",
    response_model=Page[ColocatedPhone],
    summary="Phones served by the same cell around the same time",
)
def colocated(
    ctx: Reader,
    phone: PhoneQ,
    window_minutes: Annotated[int, Query(ge=0, le=7 * 24 * 60)] = 15,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Any:
    """Other phones served by a cell that served ``phone`` within the window."""
    found = ctx.call(
        queries.colocated, phone=_phone(ctx, phone), window_minutes=window_minutes, limit=10_000
    )
    return ctx.page(list(found), limit, cursor)
