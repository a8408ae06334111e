"""Page sessions: sign-in limits shared with the API, the per-user request budget,
and ``Secure`` session cookies over TLS (directly or behind a trusted proxy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PASSWORD, Api, TestClient, build, make_api, settings
from page_helpers import Pages, signed_in

from graph.store import EmbeddedStore
from graph_api.pages._session import COOKIE
from graph_api.web import create_app


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "store")
    build(s)
    yield s
    s.close()


def _wrong_login(client: TestClient, name: str) -> Any:
    return client.post("/masuk", data={"username": name, "password": "not the password"},
                       follow_redirects=False)


def test_page_login_is_limited_per_user_name(store: EmbeddedStore, tmp_path: Path) -> None:
    """An attacker changing address (or switching between the API and the pages) still
    has one budget of sign-in attempts per user name."""
    app = create_app(settings(tmp_path / "state", login_per_minute=3), store=store)
    for name in ("propam1", "analyst1"):
        app.state.services.users.add(name, role=name[:-1], password=PASSWORD)
    answers = []
    for i in range(4):  # a new address every time: only the name's budget can stop it
        with TestClient(app, client=(f"192.0.2.{i + 1}", 4000)) as c:
            answers.append(_wrong_login(c, "propam1").status_code)
    assert answers[:2] == [401, 401] and answers[-1] == 429
    with TestClient(app, client=("198.51.100.7", 4000)) as c:
        limited = _wrong_login(c, "propam1")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert 'id="login-error"' in limited.text
        # the API's sign-in is limited for that name too: one budget for both
        token = c.post("/api/v1/auth/token", data={"username": "propam1", "password": PASSWORD})
        assert token.status_code == 429
        # another name is not
        assert _wrong_login(c, "analyst1").status_code == 401
    # and attempts through the API count for the pages
    with TestClient(app, client=("203.0.113.5", 4000)) as c:
        for _ in range(3):
            c.post("/api/v1/auth/token", data={"username": "analyst1", "password": "nope"})
    with TestClient(app, client=("203.0.113.6", 4000)) as c:
        assert _wrong_login(c, "analyst1").status_code == 429


def test_pages_share_the_users_request_budget(store: EmbeddedStore, tmp_path: Path) -> None:
    api: Api = make_api(store, tmp_path / "state", rate_per_minute=8)
    pages: Pages = signed_in(api.client)
    statuses = [pages.get("/cari?q=Budi", "reskrim").status_code for _ in range(12)]
    assert statuses[0] == 200 and statuses.count(429) >= 3
    page = pages.get("/jaringan", "reskrim")
    assert page.status_code == 429 and int(page.headers["retry-after"]) >= 1
    assert page.headers["content-type"].startswith("text/html") and "Budi" not in page.text
    # one budget with the API: the same user is limited there too
    assert api.get("/api/v1/me", "reskrim").status_code == 429
    # a limited Propam user cannot write through the pages either
    for _ in range(10):
        pages.get("/propam", "propam")
    form = {"official_id": "t:O2", "reason": "r"}
    assert pages.request("POST", "/propam/tanda", "propam", data=form).status_code == 429
    # per user: the others are not limited
    assert pages.get("/jaringan", "analyst").status_code == 200


def _session_cookie(client: TestClient, **kw: Any) -> str:
    r = client.post("/masuk", data={"username": "reskrim1", "password": PASSWORD},
                    follow_redirects=False, **kw)
    assert r.status_code == 303, r.text
    cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
    found = [c for c in cookies if c.startswith(COOKIE + "=")]
    assert len(found) == 1
    return found[0].lower()


def test_session_cookie_is_secure_over_tls(store: EmbeddedStore, tmp_path: Path) -> None:
    app = create_app(settings(tmp_path / "state"), store=store)
    app.state.services.users.add("reskrim1", role="reskrim", password=PASSWORD)
    with TestClient(app) as plain:
        cookie = _session_cookie(plain)
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "secure" not in cookie.replace("samesite", "")  # a cookie over http cannot be
    with TestClient(app, base_url="https://telusur.example") as tls:
        cookie = _session_cookie(tls)
        assert "; secure" in cookie and "httponly" in cookie
        lang = tls.get("/masuk?lang=en").headers["set-cookie"].lower()
        assert "telusur_lang=en" in lang and "; secure" in lang
        out = tls.post("/keluar", follow_redirects=False).headers["set-cookie"].lower()
        assert out.startswith(COOKIE + "=") and "; secure" in out


def test_forwarded_proto_is_believed_from_trusted_proxies_only(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    app = create_app(settings(tmp_path / "state", trusted_proxies=["10.0.0.0/8"]), store=store)
    app.state.services.users.add("reskrim1", role="reskrim", password=PASSWORD)
    forwarded = {"x-forwarded-proto": "https"}
    with TestClient(app, client=("10.1.2.3", 5000)) as proxy:
        assert "; secure" in _session_cookie(proxy, headers=forwarded)
        assert "; secure" not in _session_cookie(proxy)  # the proxy says plain http
    with TestClient(app, client=("192.0.2.50", 5000)) as anyone:
        # a client that is not a trusted proxy cannot claim TLS
        assert "; secure" not in _session_cookie(anyone, headers=forwarded)
