"""Every page route as every role and anonymously: the API's role matrix, for the pages.

The routes are read from the app's router, so a page added without a rule in
``graph_api/pages/_rules.py`` (and a sample request here) fails this test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import ROLES, V1_ADDRESS, V1_NIK, build, make_api
from page_helpers import Pages, signed_in
from starlette.routing import Route

from graph.store import EmbeddedStore
from graph_api.pages._rules import RULES, rule_for
from graph_api.web.deps import READERS

#: investigation data of the tiny graph: never on a page answered to a refused role
SECRETS = ("Budi Santoso", "Jaringan Timur", "AKP Joko", V1_NIK, V1_ADDRESS)


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[tuple[Pages, str]]:
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    api = make_api(store, tmp_path / "state")
    with api.client:
        flag = api.post(
            "/api/v1/flags", "propam", json={"official_id": "t:O1", "reason": "setoran"}
        )
        assert flag.status_code == 201, flag.text
        yield signed_in(api.client), str(flag.json()["id"])
    store.close()


def _routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every route with its full path, also inside included routers (which recent
    FastAPI keeps as one entry each in ``app.routes``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def _page_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route of the app that is not the API's."""
    out = []
    for path, route in _routes(app.routes):
        if path.startswith("/api"):
            continue
        if path in ("/healthz", "/readyz"):
            continue  # the service's own health routes (public, no data)
        out += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return out


def _sample(method: str, path: str, flag: str) -> tuple[str, dict[str, str], int]:
    """A request to the route (url, form) and the status a role allowed to use it gets."""
    samples: dict[tuple[str, str], tuple[str, dict[str, str], int]] = {
        ("GET", "/"): ("/", {}, 303),
        ("GET", "/masuk"): ("/masuk", {}, 200),
        ("POST", "/masuk"): ("/masuk", {"username": "nobody", "password": "wrong"}, 401),
        ("POST", "/keluar"): ("/keluar", {}, 303),
        ("GET", "/cari"): ("/cari?q=Budi", {}, 200),
        ("GET", "/entitas/{id:path}"): ("/entitas/t:M1", {}, 200),
        ("GET", "/jaringan"): ("/jaringan", {}, 200),
        ("GET", "/jaringan/{id:path}"): ("/jaringan/t:R1", {}, 200),
        ("GET", "/graf/entitas/{id:path}"): ("/graf/entitas/t:M1", {}, 200),
        ("GET", "/graf/jaringan/{id:path}"): ("/graf/jaringan/t:R1", {}, 200),
        ("GET", "/graf/aliran/{id:path}"): ("/graf/aliran/t:M1", {}, 200),
        ("GET", "/aliran-masuk/{id:path}"): ("/aliran-masuk/t:O1", {}, 200),
        ("GET", "/graf/pejabat/{id:path}"): ("/graf/pejabat/t:O1", {}, 200),
        ("GET", "/propam"): ("/propam", {}, 200),
        ("POST", "/propam/tanda"): ("/propam/tanda", {"official_id": "t:O2", "reason": "r"}, 303),
        ("POST", "/propam/tanda/{id:path}/status"): (
            f"/propam/tanda/{flag}/status",
            {"status": "under_review"},
            303,
        ),
        ("GET", "/unduh/laporan/jaringan/{id:path}"): ("/unduh/laporan/jaringan/t:R1", {}, 200),
        ("GET", "/unduh/laporan/pejabat/{id:path}"): ("/unduh/laporan/pejabat/t:O1", {}, 200),
        ("GET", "/unduh/tabel"): ("/unduh/tabel?nama=protectors&id=t:R1", {}, 200),
        ("GET", "/unduh/graf/{id:path}"): ("/unduh/graf/t:R1?format=gexf", {}, 200),
        ("GET", "/admin"): ("/admin", {}, 200),
    }
    assert (method, path) in samples, f"{method} {path}: a page without a sample request here"
    return samples[(method, path)]


def test_every_page_route_has_a_rule(pages: tuple[Pages, str]) -> None:
    routes = _page_routes(pages[0].client.app)
    assert len(routes) >= 16
    missing = [r for r in routes if r not in RULES]
    assert not missing, f"page routes without a rule in graph_api/pages/_rules.py: {missing}"
    assert set(RULES) <= set(routes), "a rule for a route that does not exist"
    # the investigation pages admit exactly the API's reader roles
    assert rule_for("GET", "/cari").roles == READERS


def test_page_role_matrix(pages: tuple[Pages, str]) -> None:
    site, flag = pages
    wrong: list[str] = []
    for method, path in _page_routes(site.client.app):
        rule = rule_for(method, path)
        url, form, ok = _sample(method, path, flag)
        for role in (*ROLES, None):
            if role is None:
                # pages for signed-in users send anonymous visitors to the sign-in page
                want = ok if rule.roles is None else 303
            else:
                want = rule.refuses(role) or ok
            r = site.request(method, url, role, data=form or None)
            if r.status_code != want:
                wrong.append(f"{method} {url} as {role}: {r.status_code} != {want}")
                continue
            if role is None and rule.roles is not None:
                assert r.headers["location"] == "/masuk", url
            if want in (403, 404):
                assert r.headers["content-type"].startswith("text/html"), url
                leaked = [s for s in SECRETS if s in r.text]
                assert not leaked, f"{url} as {role} refused, yet shows {leaked}"
    assert not wrong, "\n".join(wrong)


def test_admin_administers_and_reads_no_investigation_data(pages: tuple[Pages, str]) -> None:
    site, _ = pages
    home = site.get("/", "admin")
    assert home.status_code == 303 and home.headers["location"] == "/admin"
    page = site.get("/admin", "admin")
    assert page.status_code == 200 and 'id="admin-title"' in page.text
    assert 'href="/cari"' not in page.text and 'href="/jaringan"' not in page.text
    for url in ("/cari?q=3501014101990002", "/entitas/t:V1", "/jaringan", "/graf/entitas/t:V1"):
        r = site.get(url, "admin")
        assert r.status_code == 403, url
        assert V1_NIK not in r.text and V1_ADDRESS not in r.text and "Ani Lestari" not in r.text
    # signing in as admin lands on the admin page, not on the ring list
    r = site.client.post(
        "/masuk",
        data={"username": "admin1", "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    site.client.cookies.clear()
    # readers do not get the admin page
    assert site.get("/admin", "reskrim").status_code == 403
