"""``/api/docs`` works offline: Swagger UI from an installed package, nothing from outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from api_helpers import Api, build, served_app, settings

from graph.store import EmbeddedStore
from graph_api.web import create_app
from graph_api.web.docs import FILES, swagger_ui_dir

#: what a page loads: src= and href= attributes, and Swagger UI's ``url: '...'``
REF = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)|\burl:\s*'([^']+)'""", re.I)


def _references(html: str) -> list[str]:
    return [a or b for a, b in REF.findall(html)]


def test_docs_page_references_nothing_external(embedded_api: Api) -> None:
    client = embedded_api.client
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    refs = _references(html)
    assert refs, html
    for ref in refs:
        assert ref.startswith("/api/") and not ref.startswith("//"), ref
    assert "validatorUrl" in html  # no badge fetched from validator.swagger.io
    csp = r.headers["content-security-policy"]
    assert "http" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'sha256-" in csp
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        asset = client.get(f"/api/docs/assets/{name}")
        assert asset.status_code == 200 and asset.content == (swagger_ui_dir() / name).read_bytes()
        assert asset.headers["content-type"].split(";")[0] == FILES[name].split(";")[0]
    assert client.get("/api/docs/assets/index.html").status_code == 404
    sneaky = "/api/docs/assets/..%2F..%2Fswagger_ui_bundle%2F__init__.py"
    assert client.get(sneaky).status_code == 404
    redirect = client.get("/api/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "https://" not in redirect.text
    assert "'sha256-" in redirect.headers["content-security-policy"]


def test_swagger_ui_reads_openapi_3_1() -> None:
    """FastAPI writes OpenAPI 3.1, which Swagger UI reads from version 5 on."""
    version = re.search(r"swagger-ui-(\d+)\.", swagger_ui_dir().name)
    assert version and int(version[1]) >= 5, swagger_ui_dir()


# -- in a real browser, with every request outside this machine recorded ------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    with served_app(create_app(settings(tmp_path / "state"), store=store)) as url:
        yield url
    store.close()


@pytest.mark.browser
def test_docs_render_offline_in_a_browser(served: str, browser: Any) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # anything not on this machine is refused, as on an office network without internet
    page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page.goto(served + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/rings/{id}/protectors" in p for p in paths), paths
    ctx.close()
    outside = [u for u in requests if urlparse(u).hostname != "127.0.0.1"]
    assert outside == [] and errors == [], (outside, errors)
