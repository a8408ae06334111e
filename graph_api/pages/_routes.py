"""Routes of the investigator pages (paths in Bahasa Indonesia, like the users)."""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import queries
from graph.errors import InputError, NotFound, StoreUnavailable
from graph_api.pages import _ring_view
from graph_api.pages._i18n import page_words, translator
from graph_api.pages._money_in import money_in
from graph_api.pages._rules import rule_for, start_page
from graph_api.pages._search_view import search_rows
from graph_api.pages._session import (
    LANG_COOKIE,
    language,
    limited,
    over_tls,
    page_ctx,
    services_of,
    session_user,
    sign_in,
    sign_out,
)
from graph_api.pages._views import (
    ENTITY_CAP,
    MOST_CAP,
    MOST_NODES,
    NODES_CAP,
    PAGE_SIZE,
    entity_view,
    graph_html,
    names_of,
    protector_rows,
    side_rows,
    timeline_view,
    when_text,
)
from graph_api.web import flags
from graph_api.web.deps import Ctx
from graph_api.web.ratelimit import sign_in_wait
from graph_api.web.users import User
from viz.legend import band_items
from viz.views import LINK_PATHS, MOST_LINK_PATHS, MOST_TRAILS, TRAILS


def band_legend(lang: str) -> list[str]:
    """What each band means (the graph's legend says the same)."""
    return [item.text for item in band_items("en" if lang == "en" else "id")]


router = APIRouter(include_in_schema=False)
_ENV = jinja2.Environment(
    loader=jinja2.FunctionLoader(
        lambda name: (files("graph_api.pages") / "templates" / name).read_text("utf-8")
    ),
    autoescape=True,
)
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
GRAPH_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
Text = Annotated[str, Form(max_length=2000)]


def _render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = language(request)
    html = _ENV.get_template(name).render(lang=lang, **page_words(lang), **ctx)
    # same-origin (not the API's no-referrer): with no-referrer browsers send "Origin: null"
    # on our own form posts, and the origin check below would refuse them.
    resp = HTMLResponse(
        html,
        status_code=status,
        headers={
            "content-security-policy": PAGE_CSP,
            "referrer-policy": "same-origin",
            "x-frame-options": "DENY",
        },
    )
    if request.query_params.get("lang") in ("id", "en"):
        resp.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 86400,
            samesite="strict",
            path="/",
            secure=over_tls(request),
        )
    return resp


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/masuk", status_code=303)


def _same_origin(request: Request) -> bool:
    """Forms post only from our own pages (SameSite cookies, plus this for old browsers)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")


def _too_many(request: Request) -> Response | None:
    """The "slow down" page when this request's user is over the request limit."""
    wait = limited(request)
    if not wait:
        return None
    _ = translator(language(request))
    resp = _render(
        request,
        "message.html.jinja",
        429,
        title=_("Something went wrong."),
        message=_("Too many requests. Try again shortly."),
        user=None,
    )
    resp.headers["retry-after"] = str(int(wait))
    return resp


def _refused(request: Request, user: User) -> Response | None:
    """The 403 (or, for Propam's pages, 404) page when ``user``'s role may not open the
    page asked for (:mod:`graph_api.pages._rules`), else ``None``."""
    route = request.scope.get("route")
    status = rule_for(request.method, getattr(route, "path", "")).refuses(user.role)
    if status is None:
        return None
    _ = translator(language(request))
    text = _("Not found.") if status == 404 else _("Your role cannot open this page.")
    return _render(request, "message.html.jinja", status, title=text, message=text, user=user)


def _guarded(request: Request, user: User | None, page: str, work: Any) -> Response:
    """Run ``work(ctx)`` for a user whose role may open the page; sign-in, the request
    limit, refusals, not-found and store errors become pages, never traces."""
    if user is None:
        return _too_many(request) or _login_redirect()
    refused = _refused(request, user)
    if refused is not None:
        return refused
    _ = translator(language(request))
    try:
        result: Response = work(page_ctx(request, user))
        return result
    except NotFound:
        return _render(
            request,
            "message.html.jinja",
            404,
            title=_("Not found."),
            message=_("Not found."),
            user=user,
        )
    except StoreUnavailable:
        return _render(
            request,
            "message.html.jinja",
            503,
            title=_("Something went wrong."),
            message=_("The database cannot be reached. Try again shortly."),
            user=user,
        )


@router.get("/")
def home(request: Request) -> Response:
    user = session_user(request)
    if user is None:
        return _too_many(request) or _login_redirect()
    return RedirectResponse(start_page(user.role), status_code=303)


@router.get("/masuk")
def login_form(request: Request) -> Response:
    _ = translator(language(request))
    return _render(request, "login.html.jinja", title=_("Sign in"), user=None)


@router.post("/masuk")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    services = services_of(request)
    _ = translator(language(request))
    client = request.client.host if request.client else "-"
    name = username[:40]
    if not _same_origin(request):
        return _render(
            request,
            "login.html.jinja",
            403,
            title=_("Sign in"),
            user=None,
            error=_("Something went wrong."),
        )
    request.state.audit_params = {"username": name}
    # the API's budget (per address and per user name), shared with POST /auth/token
    wait = sign_in_wait(services.login_limiter, client=client, name=name)
    if wait:
        refused = _render(
            request,
            "login.html.jinja",
            429,
            title=_("Sign in"),
            user=None,
            error=_("Too many attempts. Try later."),
        )
        refused.headers["retry-after"] = str(int(wait))
        return refused
    user = services.users.authenticate(name, password)
    if user is None:
        return _render(
            request,
            "login.html.jinja",
            401,
            title=_("Sign in"),
            user=None,
            error=_("Wrong user name or password."),
        )
    request.state.user, request.state.role = user.name, user.role
    resp = RedirectResponse(start_page(user.role), status_code=303)
    sign_in(resp, request, user)
    return resp


@router.post("/keluar")
def logout(request: Request) -> Response:
    resp = _login_redirect()
    sign_out(resp, request)
    return resp


@router.get("/admin")
def admin(request: Request) -> Response:
    """What an admin administers: the service's state, and where users, bundles and the
    audit trail are managed. No investigation data."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        _ = translator(language(request))
        status = ctx.services.warmer.status()
        kind = "embedded" if ctx.services.stores.uri.startswith("embedded:") else "neo4j"
        return _render(
            request,
            "admin.html.jinja",
            title=_("Administration"),
            user=user,
            store_kind=kind,
            ready=bool(status["ready"]),
            state=str(status["state"]),
        )

    return _guarded(request, user, "admin", work)


@router.get("/cari")
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        found = ctx.call(queries.search, q=q, limit=50) if q else []
        hits = ctx.shown_list(ctx.redactor().search_hits(q, found))
        lang = language(request)
        _ = translator(lang)
        rows = search_rows(ctx, hits, lang)
        return _render(request, "search.html.jinja", title=_("Search"), user=user, q=q, hits=rows)

    return _guarded(request, user, "search", work)


_DAY = Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")]


@router.get("/entitas/{id:path}")
def entity(
    request: Request,
    id: str,
    jenis: Annotated[str, Query(max_length=20)] = "",
    dari: _DAY = "",
    sampai: _DAY = "",
    hal: Annotated[int, Query(ge=1, le=100_000)] = 1,
    n: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE,
) -> Response:
    """An entity by name: its properties, posts, sources, graph and timeline (filtered
    by kind and dates, a page of 100 at a time, with how many there are in all)."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        lang = language(request)
        view = entity_view(ctx, id, lang)
        quoted = quote(id, safe="")
        propam = ctx.user.role == "propam" and view["official"]
        flags_here = (
            [
                {**f, "created": when_text(str(f.get("created_at") or ""))}
                for f in ctx.flags(lambda book: book.list())
                if f.get("official_id") == id
            ]
            if propam
            else []
        )
        labels = set(view["entity"]["labels"])
        money_url = (
            f"/aliran-masuk/{quoted}"
            if view["official"]
            else f"/graf/aliran/{quoted}?lang={lang}"
            if {"Account", "Person", "Organization"} & labels
            else None
        )
        return _render(
            request,
            "entity.html.jinja",
            title=view["title"],
            user=user,
            view=view,
            entity=view["entity"],
            props=view["props"],
            timeline=timeline_view(
                ctx, id, lang, kind=jenis, since=dari, until=sampai, page=hal, per_page=n
            ),
            filters={"jenis": jenis, "dari": dari, "sampai": sampai},
            graph_url=f"/graf/entitas/{quoted}?lang={lang}",
            links_url=f"/graf/pejabat/{quoted}?lang={lang}" if propam else None,
            flag_url=f"/propam?official={quoted}" if propam else None,
            flags_here=flags_here,
            money_url=money_url,
            money_is_page=view["official"],
        )

    return _guarded(request, user, "entity", work)


@router.get("/aliran-masuk/{id:path}")
def money_into(request: Request, id: str) -> Response:
    """Money into an official (or anyone): who paid, totals per payer, per month."""
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        lang = language(request)
        view = entity_view(ctx, id, lang)
        _ = translator(lang)
        return _render(
            request,
            "money_in.html.jinja",
            title=_("Money received by {name}").format(name=view["title"]),
            user=user,
            view=view,
            money=money_in(ctx, id, lang),
            graph_url=f"/graf/aliran/{quote(id, safe='')}?lang={lang}",
        )

    return _guarded(request, user, "money_in", work)


@router.get("/jaringan")
def rings(request: Request) -> Response:
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        found = ctx.redactor().clean_list(list(ctx.rings()))
        _ = translator(language(request))
        return _render(request, "rings.html.jinja", title=_("Rings"), user=user, rings=found)

    return _guarded(request, user, "rings", work)


@router.get("/jaringan/{id:path}")
def ring(request: Request, id: str) -> Response:
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        node = ctx.call(lambda s: s.get_node(ctx.visible_id(id)))
        if node is None or "Ring" not in node["labels"]:
            raise NotFound(id)
        lang = language(request)
        stored = ctx.visible_id(id)
        report, _strings = ctx.protectors(stored, top=1)
        return _render(
            request,
            "ring.html.jinja",
            title=node["props"].get("name") or id,
            user=user,
            as_of=when_text(str(report.get("as_of") or "")),
            protectors=protector_rows(ctx, id, lang),
            side=side_rows(ctx, id, lang),
            members=_ring_view.members(ctx, stored, lang),
            cases=_ring_view.cases(ctx, stored, lang),
            tipoffs=_ring_view.tipoffs(ctx, stored, lang),
            bands=band_legend(lang),
            graph_url=f"/graf/jaringan/{quote(id, safe='')}?lang={lang}",
        )

    return _guarded(request, user, "ring", work)


def _graph(
    request: Request, kind: str, id: str, cap: int | None = None, limit: int | None = None
) -> Response:
    user = session_user(request)

    def work(ctx: Ctx) -> Response:
        if kind == "pejabat" and ctx.user.role != "propam":
            raise NotFound(id)  # Propam's material does not exist for anyone else
        html = graph_html(ctx, kind, id, language(request), cap=cap, limit=limit)
        return HTMLResponse(
            html, headers={"content-security-policy": GRAPH_CSP, "x-frame-options": "SAMEORIGIN"}
        )

    return _guarded(request, user, "graph", work)


@router.get("/graf/entitas/{id:path}")
def entity_graph(
    request: Request,
    id: str,
    batas: Annotated[int, Query(ge=1, le=MOST_CAP)] = ENTITY_CAP,
) -> Response:
    """An entity's neighbourhood; ``batas``: relationships drawn per node (its
    "+N lainnya" nodes link here with a larger one)."""
    return _graph(request, "entitas", id, batas)


@router.get("/graf/jaringan/{id:path}")
def ring_graph(
    request: Request,
    id: str,
    batas: Annotated[int, Query(ge=1, le=MOST_NODES)] = NODES_CAP,
) -> Response:
    """A ring's graph; ``batas``: nodes drawn (its "+N lainnya" nodes link here with
    a larger one)."""
    return _graph(request, "jaringan", id, batas)


@router.get("/graf/aliran/{id:path}")
def money_graph(
    request: Request,
    id: str,
    batas: Annotated[int, Query(ge=1, le=MOST_NODES)] = NODES_CAP,
    jejak: Annotated[int, Query(ge=1, le=MOST_TRAILS)] = TRAILS,
) -> Response:
    """Money trails from an entity to officials; ``batas``: nodes drawn, ``jejak``:
    trails followed (the header's "Tampilkan lebih banyak" raises it when cut)."""
    return _graph(request, "aliran", id, batas, jejak)


@router.get("/graf/pejabat/{id:path}")
def official_graph(
    request: Request,
    id: str,
    batas: Annotated[int, Query(ge=1, le=MOST_NODES)] = NODES_CAP,
    jalur: Annotated[int, Query(ge=1, le=MOST_LINK_PATHS)] = LINK_PATHS,
) -> Response:
    """An official's links (Propam only); ``batas``: nodes drawn, ``jalur``: paths
    kept per kind (the header says "N dari M jalur" and raises it when cut)."""
    return _graph(request, "pejabat", id, batas, jalur)


def _propam(
    request: Request,
    user: User | None,
    error: str | None = None,
    official_id: str = "",
    status: int = 200,
    q: str = "",
) -> Response:
    def work(ctx: Ctx) -> Response:
        if ctx.user.role != "propam":
            raise NotFound("propam")
        lang = language(request)
        found = ctx.flags(lambda book: book.list())
        names = names_of(ctx, [f["official_id"] for f in found] + [official_id], lang)
        rows = [
            {
                **f,
                "next": flags.NEXT.get(f["status"], ()),
                "official": names.get(f["official_id"], f["official_id"]),
                "created": when_text(str(f.get("created_at") or "")),
            }
            for f in found
        ]
        candidates = _officials_named(ctx, q, lang) if q else []
        _ = translator(lang)
        return _render(
            request,
            "propam.html.jinja",
            status,
            title=_("Propam flags"),
            user=user,
            flags=rows,
            error=error,
            official_id=official_id,
            official_name=names.get(official_id, ""),
            q=q,
            candidates=candidates,
        )

    return _guarded(request, user, "propam", work)


def _officials_named(ctx: Ctx, q: str, lang: str) -> list[dict[str, str]]:
    """Officials a name (or NRP/NIP) finds, with rank, position and unit to choose from."""
    hits = [h for h in ctx.call(queries.search, q=q, limit=50) if "Official" in h["labels"]]
    return search_rows(ctx, hits, lang)


@router.get("/propam")
def propam(
    request: Request,
    official: Annotated[str, Query(max_length=300)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    return _propam(request, session_user(request), official_id=official, q=q)


@router.post("/propam/tanda")
def create_flag(
    request: Request,
    official_id: Annotated[str, Form(max_length=300)],
    reason: Text,
    evidence: Text = "",
) -> Response:
    user = session_user(request)
    if user is None or user.role != "propam" or not _same_origin(request):
        return _propam(request, user)  # 404 page (or sign-in) for everyone else
    try:
        page_ctx(request, user).flags(
            lambda book: book.create(
                official_id=official_id, reason=reason, evidence=evidence or None, by=user.name
            )
        )
    except NotFound:
        _ = translator(language(request))
        return _propam(
            request,
            user,
            error=_("Not found.") + f" ({official_id})",
            official_id=official_id,
            status=404,
        )
    return RedirectResponse("/propam", status_code=303)


@router.post("/propam/tanda/{id:path}/status")
def change_flag(request: Request, id: str, status: Annotated[str, Form(max_length=30)]) -> Response:
    user = session_user(request)
    if user is None or user.role != "propam" or not _same_origin(request):
        return _propam(request, user)
    try:
        ctx = page_ctx(request, user)
        lock = ctx.services.flag_lock
        ctx.flags(lambda book: book.change_status(id, status=status, by=user.name, lock=lock))
    except (InputError, NotFound) as exc:
        return _propam(request, user, error=str(exc), status=400)
    return RedirectResponse("/propam", status_code=303)
