"""Files for a case: the PDF dossier, tables as XLSX/CSV, subgraphs for Gephi and Aleph.

Each file is made from the same service calls as the JSON routes and cleaned by the
same :class:`graph_api.web.deps.Ctx` (Propam-only records dropped for every other
role, victims masked for reskrim) before it is written, so an export never shows more
than the JSON does. The functions below the routes are what the pages' "Unduh"
buttons call too (``graph_api/pages/_downloads.py``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query
from fastapi.responses import Response

from graph.errors import InputError, NotFound
from graph_api.web.deps import Ctx, PropamCtx, Reader
from graph_api.web.routes._common import ALL, EntityId, OfficialId, RingId
from viz.dossier import dossier_html, gather_official, gather_ring, pdf_bytes
from viz.exports import (
    GRAPH_FORMATS,
    TABLES,
    csv_bytes,
    graph_bytes,
    graph_note,
    subgraph_of,
    table,
    table_result,
    xlsx_bytes,
)

router = APIRouter(tags=["exports"], responses=ALL)

Lang = Annotated[Literal["id", "en"], Query(description="id (Bahasa Indonesia) or en")]
AsOf = Annotated[
    str | None,
    Query(max_length=32, pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$"),
]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the dossier (PDF)"}
}
FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "the file"}
}
MEDIA = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "ftm": "application/x-ndjson",
}
EXTENSION = {"ftm": "ftm.json"}


def _file(content: bytes, fmt: str, stem: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_") or "telusur"
    ext = EXTENSION.get(fmt, fmt)
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="telusur-{name}.{ext}"'},
    )


def _ring(ctx: Ctx, ring_id: str) -> str:
    stored = ctx.visible_id(ring_id, "ring")
    if stored not in ctx.ring_ids():
        raise NotFound(f"no ring {ring_id!r}")
    return stored


def ring_dossier(ctx: Ctx, ring_id: str, lang: str, as_of: str | None = None) -> Response:
    """The ring's dossier for this reader (its protectors from the ranking cache)."""
    stored = _ring(ctx, ring_id)
    report, _ = ctx.protectors(stored, top=None, as_of=as_of)
    data = ctx.show(ctx.call(gather_ring, ring_id=stored, report=report), "ring")
    html = dossier_html(data, lang=lang, printed_by=ctx.user.name, printed_at=datetime.now(UTC))
    return _file(pdf_bytes(html), "pdf", ring_id)


def official_dossier(ctx: Ctx, official_id: str, lang: str) -> Response:
    """Propam's dossier of one official: his place in every ring's ranking."""
    stored = ctx.visible_id(official_id, "official")
    node = ctx.call(lambda s: s.get_node(stored))
    if node is None or "Official" not in node["labels"]:
        raise NotFound(f"no official {official_id!r}")
    reports = [ctx.protectors(r, top=None)[0] for r in sorted(ctx.ring_ids())]
    data = ctx.show(ctx.call(gather_official, official_id=stored, reports=reports), "official")
    html = dossier_html(data, lang=lang, printed_by=ctx.user.name, printed_at=datetime.now(UTC))
    return _file(pdf_bytes(html), "pdf", official_id)


def table_file(
    ctx: Ctx,
    name: str,
    fmt: str,
    lang: str,
    *,
    id: str = "",
    q: str = "",
    max_rows: int | None = None,
) -> Response:
    """Table ``name`` as XLSX or CSV, from the rows the JSON route gives this reader;
    at most ``max_rows`` rows. What is left out is the file's last row and the
    ``x-telusur-truncated`` header (``x-telusur-rows-left-out``: the count, ``+`` when
    the query stopped at its own limit)."""
    if name not in TABLES:
        raise InputError(f"no table {name!r}: use one of {', '.join(TABLES)}")
    result: Any
    if name == "protectors":
        found, strings = ctx.protectors(_ring(ctx, id), top=None)
        result = ctx.show(found, "ring", strings)
    elif name == "candidates":
        result = ctx.show(ctx.call(table_result, name, id=_ring(ctx, id)), "ring")
    elif name == "search":
        hits = ctx.call(table_result, name, q=q)
        result = ctx.shown_list(ctx.redactor().search_hits(q, hits))
    else:
        stored = ctx.visible_id(id)
        result = ctx.shown_list(ctx.call(table_result, name, id=stored))
    t = table(name, result, lang, cap=max_rows)
    content = xlsx_bytes(t, lang) if fmt == "xlsx" else csv_bytes(t, lang)
    resp = _file(content, fmt, f"{name}-{id or q}")
    note = t.note(lang)
    if note is not None:
        resp.headers["x-telusur-truncated"] = note.encode("ascii", "replace").decode()
        resp.headers["x-telusur-rows-left-out"] = f"{t.left_out}{'+' if t.at_least else ''}"
    return resp


def graph_file(ctx: Ctx, id: str, fmt: str, lang: str, hops: int = 1) -> Response:
    """A ring's or an entity's subgraph as GraphML, GEXF or FtM JSON lines, cleaned
    for this reader; relationships to anything removed are removed with it."""
    stored = ctx.visible_id(id)
    report = None
    if stored in ctx.ring_ids():
        report = ctx.protectors(stored, top=None)[0]
    sub = ctx.call(subgraph_of, id=stored, hops=hops, report=report)
    red = ctx.redactor()
    nodes = [n for n in red.clean_list(sub["nodes"]) if n is not None]
    kept = {n["id"] for n in nodes}
    rels = [
        r
        for r in red.clean_list(sub["relationships"])
        if r is not None and r["start"] in kept and r["end"] in kept
    ]
    clean = cast(dict[str, Any], ctx.show({"nodes": nodes, "relationships": rels}))
    note = graph_note({k: v for k, v in sub.get("truncated", {}).items() if k in kept}, lang)
    resp = _file(graph_bytes(clean, fmt, lang, note), fmt, id)
    if note is not None:  # also inside GraphML / GEXF; FtM lines have no place for it
        resp.headers["x-telusur-truncated"] = note.encode("ascii", "replace").decode()
    return resp


@router.get(
    "/reports/rings/{id:path}",
    response_class=Response,
    responses=PDF,
    summary="A ring's PDF dossier",
)
def ring_report(ctx: Reader, id: RingId, lang: Lang = "id", as_of: AsOf = None) -> Response:
    """The ring's PDF dossier.

    Suspected protectors with their evidence sentences and source grades (the score
    of `/rings/{id}/protectors`), the graph as a picture, members recorded and
    inferred, cases with status and LP number, a timeline of key events; marked
    RAHASIA on every page with who printed it and when (WIB) and page numbers.
    Bahasa Indonesia by default, `lang=en` for English. Victims are masked for
    reskrim as in every JSON answer.
    """
    return ring_dossier(ctx, id, lang, as_of)


@router.get(
    "/reports/officials/{id:path}",
    response_class=Response,
    responses=PDF,
    summary="An official's PDF dossier (Propam)",
)
def official_report(ctx: PropamCtx, id: OfficialId, lang: Lang = "id") -> Response:
    """Propam's PDF dossier of one official: his score and evidence in every ring's
    ranking where he has one, his posts and his neighbourhood. Propam only (404 for
    everyone else)."""
    return official_dossier(ctx, id, lang)


@router.get(
    "/exports/table",
    response_class=Response,
    responses=FILE,
    summary="A table as an Excel workbook or CSV",
)
def export_table(
    ctx: Reader,
    name: Annotated[str, Query(description=", ".join(TABLES), max_length=20)],
    id: Annotated[str, Query(max_length=300, description="ring or entity id")] = "",
    q: Annotated[str, Query(max_length=200, description="search text (name=search)")] = "",
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    lang: Lang = "id",
    max_rows: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="most rows written (default: all)")
    ] = None,
) -> Response:
    """A table as an Excel workbook or CSV (UTF-8): `protectors` or `candidates` of
    ring `id`, `timeline` or `transfers` (money trails) of entity `id`, `search` for
    `q`. The same rows the JSON routes give the role; column titles in `lang`.

    Nothing is cut in silence: when rows are left out (past `max_rows`, or because the
    query stopped at its own limit, e.g. 10,000 timeline items) the file's last row
    says so ("Dipotong: ...") and so do the headers `x-telusur-truncated` (the
    sentence) and `x-telusur-rows-left-out` (the count, `+` when there may be more)."""
    return table_file(ctx, name, format, lang, id=id, q=q, max_rows=max_rows)


@router.get(
    "/exports/graph/{id:path}",
    response_class=Response,
    responses=FILE,
    summary="A subgraph for Gephi (GraphML, GEXF) or Aleph (FtM)",
)
def export_graph(
    ctx: Reader,
    id: EntityId,
    format: Annotated[Literal["graphml", "gexf", "ftm"], Query()] = "graphml",
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    lang: Lang = "id",
) -> Response:
    """A subgraph as GraphML, GEXF (Gephi) or FollowTheMoney JSON lines (Aleph): for
    a ring its members and top protectors with their evidence, for an entity its
    neighbourhood of `hops` hops. i2 ANX is not offered (docs/exports.md)."""
    return graph_file(ctx, id, format, lang, hops)


__all__ = [
    "GRAPH_FORMATS",
    "graph_file",
    "official_dossier",
    "ring_dossier",
    "router",
    "table_file",
]
