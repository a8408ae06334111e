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
    """The signed-in user, or ``None`` (no cookie, expired, disabled, role changed)."""
    services = services_of(request)
    token = request.cookies.get(COOKIE)
    claims = decode_token(token, secret=services.settings.secret) if token else None
    if claims is None:
        return None
    user = services.users.get(claims.user)
    if user is None or user.disabled or user.version != claims.version or user.role != claims.role:
        return None
    request.state.user, request.state.role = user.name, user.role
    return user


def page_ctx(request: Request, user: User) -> Ctx:
    return Ctx(services_of(request), user, request, request_id(request))


def sign_in(response: Response, services: Services, user: User) -> None:
    s = services.settings
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
        secure=False,
    )


def sign_out(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def language(request: Request) -> str:
    """``?lang=`` wins (and is remembered), else the cookie, else Bahasa Indonesia."""
    asked = request.query_params.get("lang")
    if asked in ("id", "en"):
        return asked
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "id"
