"""``POST /auth/token`` and ``GET /me``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from graph_api.web.deps import CurrentUser, ServicesDep
from graph_api.web.problems import Problem
from graph_api.web.ratelimit import sign_in_wait
from graph_api.web.routes._common import ALL
from graph_api.web.schemas import Token, UserPublic
from graph_api.web.security import create_token

router = APIRouter(tags=["auth"], responses=ALL)


@router.post(
    "/auth/token", response_model=Token, summary="Sign in: a bearer token for name and password"
)
def login(
    request: Request,
    services: ServicesDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange a user name and password for a short-lived bearer token."""
    client = request.client.host if request.client else "-"
    name = form.username[:40]
    request.state.audit_params = {"username": name}
    wait = sign_in_wait(services.login_limiter, client=client, name=name)
    if wait:
        raise Problem(
            429, "too many requests", "too many sign-in attempts", {"Retry-After": str(int(wait))}
        )
    user = services.users.authenticate(name, form.password[:1024])
    if user is None:
        raise Problem(
            401, "unauthorized", "wrong user name or password", {"WWW-Authenticate": "Bearer"}
        )
    request.state.user, request.state.role = user.name, user.role
    minutes = services.settings.token_minutes
    token = create_token(
        secret=services.settings.secret,
        user=user.name,
        role=user.role,
        version=user.version,
        minutes=minutes,
    )
    return Token(access_token=token, expires_in=minutes * 60)


@router.get("/me", response_model=UserPublic, summary="Who the token belongs to")
def me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to."""
    return UserPublic(name=user.name, role=user.role)  # type: ignore[arg-type]
