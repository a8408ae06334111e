"""The interactive API documentation (Swagger UI) at ``/api/docs``, served from here.

Investigators often work on office networks without internet, so the page loads
nothing from outside: the Swagger UI files come from the ``swagger-ui-bundle-v2``
package (Swagger UI 5, which reads the OpenAPI 3.1 document FastAPI writes) and are
served under ``/api/docs/assets/``; the favicon is Swagger UI's own. The page's one
inline start-up script is allowed by its SHA-256 in the Content-Security-Policy, so
the policy needs neither ``'unsafe-inline'`` scripts nor any other host.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import re
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
    swagger_ui_default_parameters,
)
from fastapi.responses import HTMLResponse

from graph_api.web.problems import Problem

DOCS = "/api/docs"
REDIRECT = "/api/docs/oauth2-redirect"
ASSETS = "/api/docs/assets"
#: the files of the Swagger UI distribution the page uses, and their media types
FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_INLINE = re.compile(rb"<script>(.*?)</script>", re.S)


def swagger_ui_dir() -> Path:
    """The folder of the installed Swagger UI distribution (``swagger-ui-bundle-v2``)."""
    module = importlib.import_module("swagger_ui_bundle")
    return Path(str(module.swagger_ui_path))


@functools.cache
def _asset(name: str) -> bytes:
    return (swagger_ui_dir() / name).read_bytes()


def csp_for(html: bytes) -> str:
    """A policy allowing this page's own inline scripts (by hash) and same-origin files."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode() + "'"
        for s in _INLINE.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def install(app: FastAPI, *, openapi_url: str, title: str) -> None:
    """Add ``/api/docs``, its OAuth2 redirect page and its assets to ``app``."""
    page = bytes(get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} - docs",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        oauth2_redirect_url=REDIRECT,
        # no badge from validator.swagger.io (Swagger UI's default): nothing from outside
        swagger_ui_parameters={**swagger_ui_default_parameters, "validatorUrl": None},
    ).body)
    redirect = bytes(get_swagger_ui_oauth2_redirect_html().body)
    page_csp, redirect_csp = csp_for(page), csp_for(redirect)

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"content-security-policy": page_csp})

    @app.get(REDIRECT, include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return HTMLResponse(redirect, headers={"content-security-policy": redirect_csp})

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in FILES:
            raise Problem(404, "not found", "no such file")
        return Response(
            _asset(name),
            media_type=FILES[name],
            headers={"cache-control": "public, max-age=86400"},
        )
