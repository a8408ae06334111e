"""What the pages show, computed through the request's :class:`Ctx` (roles, masking).

Every entity a page mentions is shown by its name (:func:`viz.names.display_name`),
every property by its Indonesian (or English) name and every coded value in words
(:mod:`viz.fields`), every date as ``dd/mm/yyyy`` (WIB for instants), every score
with its band (:mod:`viz.score`), as the graph pages do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypedDict, cast
from urllib.parse import quote

import queries
from graph.errors import NotFound
from graph.model import MODEL
from graph.rows import NodeRow, Subgraph
from graph.text import N_, gettext
from graph_api.web.deps import Ctx
from queries.protectors.words import describe
from viz.fields import HIDDEN, field_name, value_text
from viz.formats import money, plain_date, wib_datetime
from viz.names import display_name
from viz.render import render_subgraph, sign_print
from viz.score import band_meaning, band_word, score_text
from viz.tooltips import format_value, kinds_text, repeats_kind
from viz.views import LINK_PATHS, MOST_LINK_PATHS, MOST_TRAILS, TRAILS, sources_info

Lang = Literal["id", "en"]

_POSTS = MODEL.meaning("post")
_MEMBERSHIP = MODEL.meaning("membership")
_HOLDS = MODEL.instruments("money")


class EntityView(TypedDict):
    entity: dict[str, Any]
    title: str
    kinds: str
    props: list[tuple[str, str]]
    posts: list[dict[str, str]]
    official: bool


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "id"


def when_text(at: str) -> str:
    """A stored date or instant as a page shows it: ``05/06/2023`` for a date,
    ``05/06/2023 14:30 WIB`` for an instant (a date never gets an invented time)."""
    at = at.strip()
    return plain_date(at) if len(at) == 10 else wib_datetime(at)


def names_of(ctx: Ctx, ids: Iterable[str], lang: str) -> dict[str, str]:
    """Stored id -> the name this role may read (victims masked, Propam's hidden)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    found = ctx.call(lambda s: s.get_nodes(wanted))
    shown = ctx.shown_list(list(found.values()))
    return {n["id"]: display_name(n, lang) for n in shown}


def posts_of(ctx: Ctx, official_id: str, lang: str) -> list[dict[str, str]]:
    """An official's posts (rank, position, unit, since, until), the latest first."""
    found = ctx.call(lambda s: s.neighbours(official_id, types=list(_POSTS), direction="out"))
    rows = []
    for n in ctx.shown_list(found):
        p = n["rel"]["props"]
        rows.append(
            {
                "rank": str(p.get("rank") or ""),
                "position": str(p.get("position") or ""),
                "unit": display_name(n["node"], lang),
                "unit_id": n["node"]["id"],
                "since": plain_date(str(p["since"])) if p.get("since") else "",
                "until": plain_date(str(p["until"])) if p.get("until") else "",
                "_order": str(p.get("since") or ""),
            }
        )
    rows.sort(key=lambda r: (r["until"] == "", r["_order"]), reverse=True)
    return rows


def post_line(posts: list[dict[str, str]]) -> str:
    """``AKBP · Kasat Reskrim · Polres Malang``: the current (or latest) post."""
    if not posts:
        return ""
    p = posts[0]
    return " · ".join(x for x in (p["rank"], p["position"], p["unit"]) if x)


def entity_view(ctx: Ctx, entity_id: str, lang: str = "id") -> EntityView:
    found = ctx.call(queries.entity, id=ctx.visible_id(entity_id))
    if found is None:
        raise NotFound(entity_id)
    shown = cast(dict[str, Any], ctx.show(found))
    labels: list[str] = shown["labels"]
    p = shown["props"]
    declared = [x.name for label in labels if (s := MODEL.nodes.get(label)) for x in s.props]
    order = list(dict.fromkeys(declared)) + sorted(set(p) - set(declared))
    props = []
    for name in order:
        if name in HIDDEN or p.get(name) in (None, "", []) or repeats_kind(p, name):
            continue
        spec = next((s.prop(name) for lb in labels if (s := MODEL.nodes.get(lb))), None)
        props.append((field_name(name, lang), format_value(spec, name, p[name], _lang(lang))))
    official = "Official" in labels
    return {
        "entity": shown,
        "title": display_name(shown, lang),
        "kinds": kinds_text(labels, _lang(lang)),
        "props": props,
        "posts": posts_of(ctx, shown["id"], lang) if official else [],
        "official": official,
    }


#: a timeline item's kind as the entity page names it
KINDS = {
    "transfer": N_("Transfer"),
    "call": N_("Call"),
    "case_opened": N_("Case opened"),
    "case_status": N_("Case status"),
    "event": N_("Event"),
    "post_since": N_("Post from"),
    "post_until": N_("Post until"),
}
#: timeline items on one page
PAGE_SIZE = 100
#: the most items a timeline reads (the query's own limit); more is said, not hidden
MOST = 10_000


def _detail(item: dict[str, Any], lang: str) -> str:
    kind, raw = str(item.get("kind")), item.get("detail")
    if raw in (None, ""):
        return ""
    text = str(raw)
    if kind == "call":
        return value_text("kind", text, lang)
    if kind == "transfer":
        return value_text("channel", text, lang)
    if kind == "case_status":
        return value_text("status", text, lang)
    if kind == "event":
        what, _, outcome = text.partition(":")
        words = [value_text("kind", what, lang)]
        if outcome:
            words.append(value_text("outcome", outcome, lang))
        return ", ".join(words)
    return text


def timeline_view(
    ctx: Ctx,
    entity_id: str,
    lang: str,
    *,
    kind: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> dict[str, Any]:
    """One page of an entity's timeline, filtered by kind and dates (``yyyy-mm-dd``),
    with how many items there are in all; every item names (and links) the other side."""
    items = ctx.shown_list(ctx.call(queries.timeline, id=ctx.visible_id(entity_id), limit=MOST))
    read_all = len(items) < MOST
    if kind in KINDS:
        items = [it for it in items if it.get("kind") == kind]
    if since:
        items = [it for it in items if str(it.get("at") or "")[:10] >= since]
    if until:
        items = [it for it in items if str(it.get("at") or "")[:10] <= until]
    total = len(items)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    shown = items[(page - 1) * per_page : page * per_page]
    names = names_of(ctx, [str(it.get("other") or "") for it in shown], lang)
    rows = []
    for it in shown:
        detail = [_detail(it, lang)]
        if it.get("amount") is not None:
            detail.append(money(float(it["amount"]), it.get("currency")))
        other = str(it.get("other") or "")
        k = str(it.get("kind"))
        rows.append(
            {
                "when": when_text(str(it.get("at") or "")),
                "what": gettext(KINDS[k], lang) if k in KINDS else k,
                "detail": " · ".join(d for d in detail if d),
                "arrow": {"out": "→", "in": "←"}.get(str(it.get("direction")), ""),
                "other": names.get(other, "") if other and other != entity_id else "",
                "other_id": other if other in names and other != entity_id else "",
            }
        )
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "after": max(total - page * per_page, 0),
        "per_page": per_page,
        "read_all": read_all,
        "kinds": [(k, gettext(v, lang)) for k, v in KINDS.items()],
    }


def protector_rows(ctx: Ctx, ring_id: str, lang: str) -> list[dict[str, Any]]:
    """The ring's top ten, from the API's cached ranking, cleaned for the role: the
    ranking's own score (as the graph's tooltips show it) with its band."""
    found, strings = ctx.protectors(ring_id, top=10)
    report = cast(dict[str, Any], ctx.show(found, "ring", strings))
    rows = []
    for p in report["protectors"]:
        lines = [describe(x["kind"], x["facts"], lang) for x in p["indicators"][:3]]
        score = float(p["score"])
        band = str(p.get("band") or "")
        rows.append(
            {
                "id": p["id"],
                "name": p.get("name"),
                "post": post_line(posts_of(ctx, p["id"], lang)),
                "agency": p.get("agency"),
                "score": score_text(score, lang),
                "band": band,
                "band_word": band_word(band, lang),
                "band_meaning": band_meaning(band, lang),
                "lines": lines,
            }
        )
    return rows


def side_rows(ctx: Ctx, ring_id: str, lang: str = "id") -> list[dict[str, Any]]:
    """The ring's inferred side (apart from its recorded members), as the API's cached
    ranking has it, cleaned for the role: id, name, confidence, how."""
    found, strings = ctx.protectors(ring_id, top=10)
    report = cast(dict[str, Any], ctx.show(found, "ring", strings))
    return [
        {
            "id": x["id"],
            "name": x.get("name"),
            "confidence": score_text(float(x["confidence"]), lang),
            "how": ", ".join(
                f"{gettext(SIDE_HOW.get(e['how'], e['how']), lang)} ({len(e['with'])})"
                for e in x.get("evidence", [])
            ),
        }
        for x in report.get("side", [])
    ]


#: how a node was inferred to be on the ring's side
SIDE_HOW = {
    "money": N_("money with members"),
    "calls": N_("calls with members"),
    "recruited": N_("recruited victims"),
    "board": N_("on a ring company's board"),
    "suspect": N_("suspect with members"),
}


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


#: relationships an entity's graph page draws per node at first ...
ENTITY_CAP = 40
#: ... at most (the neighbourhood query's own bound) ...
MOST_CAP = 1000
#: ... and how much more each "+N lainnya" click asks for (on every graph page)
CAP_STEP = 4
#: nodes a ring, money-trail or official-links graph page draws at first ...
NODES_CAP = 300
#: ... and at most: those pages have no query bound of their own, so the drawing's
#: (a computed layout settles about 5,000 nodes in seconds, see :mod:`viz.layout`)
MOST_NODES = NODES_CAP * CAP_STEP * CAP_STEP
#: the graph pages: kind (as in ``/graf/<kind>/``) -> (first cap, most cap)
CAPS = {
    "entitas": (ENTITY_CAP, MOST_CAP),
    "jaringan": (NODES_CAP, MOST_NODES),
    "aliran": (NODES_CAP, MOST_NODES),
    "pejabat": (NODES_CAP, MOST_NODES),
}
#: the pages whose query stops at a limit of its own: kind -> (the address's parameter,
#: first limit, most limit): money trails followed, an official's paths kept per kind
LIMITS = {
    "aliran": ("jejak", TRAILS, MOST_TRAILS),
    "pejabat": ("jalur", LINK_PATHS, MOST_LINK_PATHS),
}


def next_cap(cap: int, most: int = MOST_CAP) -> int | None:
    """The cap the "+N lainnya" link of a page drawn with ``cap`` asks for (``most``:
    the page's own bound); ``None`` when that page already drew the most there is.

    >>> next_cap(40), next_cap(400), next_cap(1000)
    (160, 1000, None)
    >>> next_cap(300, MOST_NODES), next_cap(1200, MOST_NODES), next_cap(4800, MOST_NODES)
    (1200, 4800, None)
    """
    return min(cap * CAP_STEP, most) if cap < most else None


def graph_html(
    ctx: Ctx,
    kind: str,
    node_id: str,
    lang: str,
    *,
    cap: int | None = None,
    limit: int | None = None,
) -> str:
    """The pyvis page for an entity, a ring, a money trail or (Propam only) an
    official's links; not found when the drawn page still holds what the role may not
    read.

    ``cap``: relationships drawn per node on an entity's page, nodes drawn on the
    others (``None``: the kind's first cap, :data:`CAPS`); when some are left out, the
    page's "+N lainnya" nodes and its "Tampilkan lebih banyak" link open the same page
    with a larger cap (:func:`next_cap`), drawn again here for the same reader through
    the same cleaning: expanding never shows more than the role may see.

    ``limit``: where the query of a money-trail or official-links page stops (trails,
    paths per kind; ``None``: the first, :data:`LIMITS`); when it stopped there, the
    header says so and its link opens the same page with a larger limit."""
    first, most = CAPS.get(kind, (NODES_CAP, MOST_NODES))
    cap = min(max(first if cap is None else cap, 1), most)
    _, first, most = LIMITS.get(kind, ("", 1, 1))
    limit = min(max(first if limit is None else limit, 1), most)
    html = sign_print(_graph_html(ctx, kind, node_id, lang, cap, limit), ctx.user.name)
    if ctx.redactor().leaks(html):
        raise NotFound(node_id)
    return html


def _name_in(nodes: list[NodeRow], node_id: str, lang: str) -> str:
    node = next((n for n in nodes if n["id"] == node_id), None)
    return display_name(node, lang) if node is not None else node_id


def _address(kind: str, node_id: str, lang: str, cap: int, limit: int) -> str:
    address = f"/graf/{kind}/{quote(node_id, safe='')}?lang={lang}&batas={cap}"
    if kind in LIMITS:
        address += f"&{LIMITS[kind][0]}={limit}"
    return address


def _expand(kind: str, node_id: str, lang: str, cap: int, limit: int) -> str | None:
    """The address of ``kind``'s page for ``node_id`` drawn with the next cap (and the
    same query limit), if any."""
    more = next_cap(cap, CAPS.get(kind, (NODES_CAP, MOST_NODES))[1])
    if more is None:
        return None
    return _address(kind, node_id, lang, more, limit)


def _more(kind: str, node_id: str, lang: str, cap: int, limit: int) -> str | None:
    """The address of ``kind``'s page for ``node_id`` with its query's next limit (and
    the next cap, as more trails or paths bring more nodes), if any."""
    more = next_cap(limit, LIMITS[kind][2])
    if more is None:
        return None
    larger = next_cap(cap, CAPS.get(kind, (NODES_CAP, MOST_NODES))[1]) or cap
    return _address(kind, node_id, lang, larger, more)


def _graph_html(ctx: Ctx, kind: str, node_id: str, lang: str, cap: int, limit: int) -> str:
    from viz import views

    stored = ctx.visible_id(node_id)  # an opaque id (a victim's phone) read as the entity
    store_lang = _lang(lang)
    expand = _expand(kind, node_id, lang, cap, limit)
    if kind == "entitas":
        sub = ctx.call(queries.neighbourhood, id=stored, hops=1, cap=cap)
        if sub is None:
            raise NotFound(node_id)
        shown = _clean_subgraph(ctx, dict(sub))
        kept = {n["id"] for n in shown["nodes"]}
        name = _name_in(shown["nodes"], node_id, lang)
        title = gettext("Neighbourhood of {name}", lang).format(name=name)
        return render_subgraph(
            shown,
            title=title,
            lang=store_lang,
            focus=[node_id],
            max_nodes=max(300, cap + 1),  # one hop: every neighbour fetched is drawn
            expand=expand,
            sources_info=ctx.call(sources_info, [*shown["nodes"], *shown["relationships"]], lang),
            left_out={k: v for k, v in sub["truncated"].items() if k in kept},
        )

    def clean(sub: Subgraph) -> Subgraph:
        return _clean_subgraph(ctx, sub)

    drawn: dict[str, Any] = {
        "lang": store_lang,
        "clean": clean,
        "max_nodes": cap,
        "expand": expand,
    }
    if kind == "jaringan":
        report, _ = ctx.protectors(stored, top=5)
        html: str = ctx.call(views.ring_page, stored, report=report, **drawn)
        return html
    if kind == "aliran":
        html = ctx.call(
            views.money_trail_page,
            stored,
            to_officials=True,
            limit=limit,
            more=_more(kind, node_id, lang, cap, limit),
            **drawn,
        )
        return html
    route: list[tuple[str, str]] = []
    for ring in sorted(ctx.ring_ids()):
        report, _ = ctx.protectors(ring, top=10)
        route += views.money_route(cast(Any, report), stored)
    name = _name_in(ctx.call(lambda s: [n for n in [s.get_node(stored)] if n]), stored, lang)
    html = ctx.call(
        views.official_links_page,
        stored,
        money=list(dict.fromkeys(route)),
        back=(f"/entitas/{quote(node_id, safe='')}?lang={lang}", name),
        cap=limit,
        more=_more(kind, node_id, lang, cap, limit),
        **drawn,
    )
    return html


def holders_of(ctx: Ctx, account_ids: Iterable[str]) -> dict[str, list[str]]:
    """Account id -> the ids of who holds it."""
    out: dict[str, list[str]] = {}
    for acc in sorted(set(account_ids)):
        found = ctx.call(lambda s, a=acc: s.neighbours(a, types=list(_HOLDS), direction="in"))
        out[acc] = [n["node"]["id"] for n in found]
    return out
