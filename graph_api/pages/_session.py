"""Cookie sessions for the pages, on top of the API's users and tokens."""

from __future__ import annotations

from fastapi import Request, Response

from graph_api.web.deps import Ctx, request_id
from graph_api.web.security import create_token, decode_token
from graph_api.web.services import Services
from graph_api.web.users import User

COOKIE = "telusur_session"
LANG_COOKIE = "telusur_lang"


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def session_user(request: Request) -> User | None:
    """The signed-in user, or ``None`` (no cookie, expired, disabled, role changed, or
    over the request limit: then :func:`limited` says for how long).

    Every page request of a signed-in user takes one request from the user's budget,
    the same one as the API's (``rate_per_minute``, key ``user:NAME``), so the pages
    are no way around the API's limit. Call it once per request.
    """
    services = services_of(request)
    token = request.cookies.get(COOKIE)
    claims = decode_token(token, secret=services.settings.secret) if token else None
    if claims is None:
        return None
    user = services.users.get(claims.user)
    if user is None or user.disabled or user.version != claims.version or user.role != claims.role:
        return None
    request.state.user, request.state.role = user.name, user.role
    wait = services.limiter.hit("user:" + user.name)
    if wait:
        request.state.page_wait = wait
        return None
    return user


def limited(request: Request) -> float:
    """Seconds until :func:`session_user` admits this request's user again (0.0: not
    limited)."""
    return float(getattr(request.state, "page_wait", 0.0))


def page_ctx(request: Request, user: User) -> Ctx:
    return Ctx(services_of(request), user, request, request_id(request))


def over_tls(request: Request) -> bool:
    """Whether the browser reached the service over TLS: the request's own scheme, or,
    behind a reverse proxy that terminates TLS, its ``X-Forwarded-Proto`` when the
    request comes from an address of ``TELUSUR_TRUSTED_PROXIES`` (from anyone else
    the header is ignored: a client could send it)."""
    if request.url.scheme == "https":
        return True
    settings = services_of(request).settings
    if request.client is None or not settings.trusts_proxy(request.client.host):
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def sign_in(response: Response, request: Request, user: User) -> None:
    """Set the session cookie (``Secure`` when served over TLS, see :func:`over_tls`)."""
    s = services_of(request).settings
    token = create_token(
        secret=s.secret,
        user=user.name,
        role=user.role,
        version=user.version,
        minutes=s.token_minutes,
    )
    response.set_cookie(
        COOKIE,
        token,
        max_age=s.token_minutes * 60,
        httponly=True,
        samesite="strict",
        path="/",
        secure=over_tls(request),
    )


def sign_out(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=over_tls(request)
    )


def language(request: Request) -> str:
    """``?lang=`` wins (and is remembered), else the cookie, else Bahasa Indonesia."""
    asked = request.query_params.get("lang")
    if asked in ("id", "en"):
        return asked
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "id"
