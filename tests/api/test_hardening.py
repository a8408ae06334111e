"""Settings, tokens, limits and headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import PASSWORD, Api, build, make_api

from graph.errors import ConfigError
from graph.store import EmbeddedStore
from graph_api.web import Settings

P = "/api/v1"


@pytest.mark.parametrize(
    "secret",
    [None, "", "short", "changeme" * 5, "x" * 40, "my-secret-" + "a1b2c3d4" * 4,
     "please-replace-this-with-a-long-random-secret-value", "Default-Telusur-Secret-2026-Jatim"],
)
def test_weak_secrets_refused(secret: str | None) -> None:
    env = {} if secret is None else {"TELUSUR_SECRET": secret}
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_dev_mode_generates_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    s = Settings.from_env({"TELUSUR_DEV": "1"})
    assert len(s.secret) >= 32 and "DEVELOPMENT MODE" in caplog.text
    key = {"TELUSUR_AUDIT_KEY": "Zp4-hN8qW2sE6rT0yU3iO7pA1sD5fG9hJk"}
    good = Settings.from_env({"TELUSUR_SECRET": "Qw9-vT3zL0pX7mRkA2sD5fG8hJ1nB4cE6yU", **key})
    assert not good.dev and good.state_dir == Path("telusur-data")
    # a random secret that holds a placeholder word by chance is not a placeholder
    lucky = "Qw9vT3zL0pX7mRkA2sD5fG8hJ1nB4cE6yUxxxKo_Zr" + "TeSt" + "mN8-bV5wQ2"
    assert Settings.from_env({"TELUSUR_SECRET": lucky, **key}).secret == lucky


def test_security_headers_and_problems(embedded_api: Api) -> None:
    api = embedded_api
    for r in (api.get(f"{P}/rings", "reskrim"), api.get(f"{P}/nope", "reskrim")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in r.headers["content-security-policy"]
    r = api.get(f"{P}/nope", "reskrim")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    pre = api.client.options(
        f"{P}/rings",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in pre.headers  # CORS off by default
    assert api.client.get("/api/docs").status_code == 200
    assert api.client.get("/api/openapi.json").json()["paths"]


def test_problems_speak_bahasa_indonesia_first(embedded_api: Api) -> None:
    """Problem answers are in Bahasa Indonesia, in English on request (?lang=en or an
    Accept-Language that prefers it), as /readyz and the pages are."""
    api = embedded_api
    r = api.get(f"{P}/entities/t:NOPE", "reskrim")
    assert r.status_code == 404 and r.headers["content-language"] == "id"
    assert r.json()["title"] == "tidak ditemukan"
    assert r.json()["detail"] == "tidak ada entitas 't:NOPE'"
    for en in (api.get(f"{P}/entities/t:NOPE?lang=en", "reskrim"),
               api.client.get(f"{P}/entities/t:NOPE", headers={
                   **api.headers("reskrim"), "Accept-Language": "en-US,en;q=0.9,id;q=0.5"})):
        assert en.status_code == 404 and en.headers["content-language"] == "en"
        assert en.json()["title"] == "not found" and en.json()["detail"] == "no entity 't:NOPE'"
    anon = api.client.get(f"{P}/me")
    assert anon.status_code == 401 and anon.json()["title"] == "tidak berwenang"
    assert anon.json()["detail"].startswith("diperlukan token bearer")
    bad = api.get(f"{P}/rings?limit=0", "reskrim")
    assert bad.status_code == 422 and bad.json()["title"] == "permintaan tidak valid"
    assert bad.json()["errors"]  # the fields, as they came
    hidden = api.get(f"{P}/flags", "reskrim")  # Propam-only: as if it did not exist
    assert hidden.status_code == 404 and hidden.json()["detail"] == "sumber daya ini tidak ada"


def test_tokens_die_with_disable_and_passwd(embedded_api: Api) -> None:
    api = embedded_api
    users = api.client.app.state.services.users  # type: ignore[attr-defined]
    assert api.get(f"{P}/me", "analyst").status_code == 200
    users.set_password("analyst1", "another long password")
    assert api.get(f"{P}/me", "analyst").status_code == 401
    users.disable("reskrim1")
    assert api.get(f"{P}/me", "reskrim").status_code == 401
    r = api.client.post(f"{P}/auth/token", data={"username": "reskrim1", "password": PASSWORD})
    assert r.status_code == 401
    bad = {"Authorization": "Bearer " + api.tokens["propam"][:-2] + "xx"}
    assert api.client.get(f"{P}/me", headers=bad).status_code == 401


def test_body_and_rate_limits(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    build(store)
    api = make_api(store, tmp_path / "state", rate_per_minute=20, max_body=1000)
    r = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x" * 5000})
    assert r.status_code == 413 and r.json()["title"] == "unggahan terlalu besar"
    assert r.json()["detail"] == "batasnya 1000 bita" and r.headers["content-language"] == "id"
    r = api.client.post(f"{P}/flags", json={"official_id": "t:O1", "reason": "x" * 5000},
                        headers={**api.headers("propam"), "Accept-Language": "en"})
    assert r.status_code == 413 and r.json()["detail"] == "the limit is 1000 bytes"
    statuses = [api.get(f"{P}/me", "reskrim").status_code for _ in range(25)]
    assert statuses.count(429) >= 4 and statuses[0] == 200
    limited = api.get(f"{P}/me", "reskrim")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert api.get(f"{P}/me", "propam").status_code == 200  # per user
    store.close()


def test_query_caps(embedded_api: Api) -> None:
    api = embedded_api
    assert api.get(f"{P}/entities/t:M1/neighbourhood?hops=5", "reskrim").status_code == 422
    assert api.get(f"{P}/entities/search?q=Budi&limit=1001", "reskrim").status_code == 422
    assert api.get(f"{P}/paths?from=t:M1&to=t:O1&max_hops=5", "reskrim").status_code == 422
    page = api.get(f"{P}/entities/t:M1/timeline?limit=1", "reskrim").json()
    assert len(page["data"]) == 1 and page["count"] > 1 and page["next_cursor"] == "1"
    nxt = api.get(f"{P}/entities/t:M1/timeline?limit=1&cursor=1", "reskrim").json()
    assert nxt["data"] != page["data"]
