"""``create_app(settings)``: the FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from graph.store import Store
from graph_api import __version__, pages
from graph_api.web import docs, problems
from graph_api.web.middleware import GuardMiddleware
from graph_api.web.routes import api_router, health
from graph_api.web.services import Services
from graph_api.web.settings import Settings

API = "/api/v1"
OPENAPI = "/api/openapi.json"
DESCRIPTION = """\
Telusur traces the officials who protect human-trafficking rings.

Sign in with `POST /api/v1/auth/token` (user name and password form) and send the
token as `Authorization: Bearer <token>`. Lists answer `{data, count, next_cursor}`;
pass `next_cursor` back as `cursor`. Errors are `application/problem+json`.
Every request is recorded in the audit trail. Roles: see docs/security.md.
"""


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """The app; ``store`` (tests) is used instead of opening ``settings.store``."""
    services = Services.build(settings, store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the whole-graph results, computed before the first request asks (/readyz)
        await services.warmer.start()
        try:
            yield
        finally:
            await services.warmer.stop()
            # Only the store is released: it reopens on the next request, so an app
            # served (or tested) again after a shutdown keeps working.
            services.stores.close()

    app = FastAPI(
        title="Telusur API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served by graph_api.web.docs, without any CDN
        redoc_url=None,
        openapi_url=OPENAPI,
        lifespan=lifespan,
    )
    docs.install(app, openapi_url=OPENAPI, title=app.title)
    app.state.services = services
    problems.install(app)
    app.include_router(api_router, prefix=API)
    app.include_router(health.router)
    app.include_router(health.router, prefix=API, include_in_schema=False)
    app.include_router(pages.router)  # the investigator web pages (server-rendered)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PATCH"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(GuardMiddleware, services=services)
    return app


def app_from_env() -> FastAPI:
    """The app configured from the environment (``TELUSUR_*``): what each worker
    process of ``telusur serve --workers N`` builds (uvicorn's factory)."""
    return create_app(Settings.from_env())
