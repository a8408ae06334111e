"""What the pages show, computed through the request's :class:`Ctx` (roles, masking)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict, cast

import queries
from graph.errors import NotFound
from graph.rows import Subgraph
from graph.text import N_, gettext
from graph_api.web.deps import Ctx
from queries.protectors.words import describe
from viz.formats import money, plain_date, wib_datetime
from viz.render import render_subgraph
from viz.views import sources_info

Lang = Literal["id", "en"]


class EntityView(TypedDict):
    entity: dict[str, Any]
    title: str
    props: list[tuple[str, str]]


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "id"


def entity_view(ctx: Ctx, entity_id: str) -> EntityView:
    found = ctx.call(queries.entity, id=ctx.visible_id(entity_id))
    if found is None:
        raise NotFound(entity_id)
    shown = cast(dict[str, Any], ctx.show(found))
    p = shown["props"]
    title = str(p.get("name") or p.get("number") or p.get("title") or shown["id"])
    props = [
        (k, ", ".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in sorted(p.items())
    ]
    return {"entity": shown, "title": title, "props": props}


#: a timeline item's kind as the entity page names it
_KINDS = {
    "transfer": N_("Transfer"),
    "call": N_("Call"),
    "case_opened": N_("Case opened"),
    "case_status": N_("Case status"),
    "event": N_("Event"),
    "post_since": N_("Post from"),
    "post_until": N_("Post until"),
}


def timeline_rows(ctx: Ctx, entity_id: str, lang: str) -> list[dict[str, str]]:
    items = ctx.shown_list(ctx.call(queries.timeline, id=ctx.visible_id(entity_id), limit=200))
    rows = []
    for it in items:
        detail = [str(it.get("detail") or "")]
        if it.get("amount") is not None:
            detail.append(money(float(it["amount"]), it.get("currency")))
        if it.get("other"):
            detail.append(("→ " if it.get("direction") == "out" else "← ") + str(it["other"]))
        kind = str(it.get("kind"))
        kind = gettext(_KINDS[kind], lang) if kind in _KINDS else kind
        at = str(it.get("at") or "")
        when = plain_date(at) if len(at) == 10 else wib_datetime(at)
        rows.append({"when": when, "what": kind, "detail": " ".join(d for d in detail if d)})
    return rows


def protector_rows(ctx: Ctx, ring_id: str, lang: str) -> list[dict[str, Any]]:
    # the API's cached ranking (kept until the graph changes), cleaned for the role
    found, strings = ctx.protectors(ring_id, top=10)
    report = cast(dict[str, Any], ctx.show(found, "ring", strings))
    rows = []
    for p in report["protectors"]:
        lines = [describe(x["kind"], x["facts"], lang) for x in p["indicators"][:3]]
        rows.append(
            {
                "id": p["id"],
                "name": p.get("name"),
                "agency": p.get("agency"),
                "score": float(p["score"]),
                "lines": lines,
            }
        )
    return rows


def side_rows(ctx: Ctx, ring_id: str) -> list[dict[str, Any]]:
    """The ring's inferred side (apart from its recorded members), as the API's cached
    ranking has it, cleaned for the role: id, name, confidence, how."""
    found, strings = ctx.protectors(ring_id, top=10)
    report = cast(dict[str, Any], ctx.show(found, "ring", strings))
    return [
        {
            "id": x["id"],
            "name": x.get("name"),
            "confidence": float(x["confidence"]),
            "how": ", ".join(f"{e['how']} ({len(e['with'])})" for e in x.get("evidence", [])),
        }
        for x in report.get("side", [])
    ]


def _clean_subgraph(ctx: Ctx, sub: Subgraph | dict[str, Any]) -> Subgraph:
    """Drop what this role may not see (Propam's flags), mask what it may not read."""
    red = ctx.redactor()
    nodes = [n for n in red.clean_list(sub["nodes"]) if n is not None]
    ids = {n["id"] for n in nodes}
    rels = [
        r
        for r in red.clean_list(sub["relationships"])
        if r is not None and r["start"] in ids and r["end"] in ids
    ]
    return {"nodes": nodes, "relationships": rels}


def graph_html(ctx: Ctx, kind: str, node_id: str, lang: str) -> str:
    """The pyvis page for an entity, a ring, or (Propam only) an official's links;
    not found when the drawn page still holds what the role may not read."""
    html = _graph_html(ctx, kind, node_id, lang)
    if ctx.redactor().leaks(html):
        raise NotFound(node_id)
    return html


def _graph_html(ctx: Ctx, kind: str, node_id: str, lang: str) -> str:
    from viz import views

    stored = ctx.visible_id(node_id)  # an opaque id (a victim's phone) read as the entity
    store_lang = _lang(lang)
    if kind == "entitas":
        sub = ctx.call(queries.neighbourhood, id=stored, hops=1, cap=40)
        if sub is None:
            raise NotFound(node_id)
        shown = _clean_subgraph(ctx, dict(sub))
        title = gettext("Neighbourhood of {name}", lang).format(name=node_id)
        return render_subgraph(
            shown,
            title=title,
            lang=store_lang,
            focus=[node_id],
            sources_info=ctx.call(sources_info, shown["nodes"]),
        )

    def clean(sub: Subgraph) -> Subgraph:
        return _clean_subgraph(ctx, sub)

    if kind == "jaringan":
        report, _ = ctx.protectors(stored, top=5)
        html: str = ctx.call(
            views.ring_page, stored, report=report, lang=store_lang, clean=clean
        )
        return html
    if kind == "aliran":
        html = ctx.call(
            views.money_trail_page, stored, to_officials=True, lang=store_lang, clean=clean
        )
        return html
    html = ctx.call(views.official_links_page, stored, lang=store_lang, clean=clean)
    return html
