"""The pages' "Unduh" buttons: the PDF dossier, tables and subgraphs as files.

The same functions as the API's export routes (:mod:`graph_api.web.routes.exports`),
for the signed-in page user: same role rules (``graph_api/pages/_rules.py``), same
cleaning, same files. Errors become pages as on every other page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from graph.errors import NotFound
from graph_api.pages._routes import _guarded
from graph_api.pages._session import language, session_user
from graph_api.web.deps import Ctx
from graph_api.web.routes.exports import graph_file, official_dossier, ring_dossier, table_file
from viz.exports import TABLES

router = APIRouter(include_in_schema=False)


@router.get("/unduh/laporan/jaringan/{id:path}")
def ring_pdf(request: Request, id: str) -> Response:
    """The ring's PDF dossier, in the page's language."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        return ring_dossier(ctx, id, language(request))

    return _guarded(request, user, "dossier", work)


@router.get("/unduh/laporan/pejabat/{id:path}")
def official_pdf(request: Request, id: str) -> Response:
    """Propam's PDF dossier of one official."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        return official_dossier(ctx, id, language(request))

    return _guarded(request, user, "dossier", work)


@router.get("/unduh/tabel")
def table(
    request: Request,
    nama: Annotated[str, Query(max_length=20)],
    id: Annotated[str, Query(max_length=300)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    """A table (``nama``: protectors, timeline, transfers, search, candidates)."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        if nama not in TABLES:
            raise NotFound(nama)
        return table_file(ctx, nama, format, language(request), id=id, q=q)

    return _guarded(request, user, "export", work)


@router.get("/unduh/graf/{id:path}")
def graph(
    request: Request,
    id: str,
    format: Annotated[Literal["graphml", "gexf", "ftm"], Query()] = "graphml",
) -> Response:
    """A ring's or an entity's subgraph as GraphML, GEXF or FollowTheMoney."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        return graph_file(ctx, id, format, language(request))

    return _guarded(request, user, "export", work)
