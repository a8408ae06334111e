"""Signing in to the pages as a user of each role, with the API tests' tiny graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api_helpers import PASSWORD, ROLES, TestClient

from graph_api.pages._session import COOKIE


@dataclass
class Pages:
    """One app's client, with a session cookie per role (sent explicitly per request,
    so that a page that signs out does not sign out the next request)."""

    client: TestClient
    sessions: dict[str, str] = field(default_factory=dict)

    def login(self, role: str, *, user: str | None = None) -> str:
        r = self.client.post(
            "/masuk",
            data={"username": user or f"{role}1", "password": PASSWORD},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        token = r.cookies[COOKIE]
        self.sessions[role] = token
        self.client.cookies.clear()
        return str(token)

    def request(self, method: str, url: str, role: str | None, **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = dict(kw.pop("headers", {}))
        if role is not None:
            headers["cookie"] = f"{COOKIE}={self.sessions[role]}"
        r = self.client.request(method, url, headers=headers, follow_redirects=False, **kw)
        self.client.cookies.clear()
        return r

    def get(self, url: str, role: str | None, **kw: Any) -> Any:
        return self.request("GET", url, role, **kw)


def signed_in(client: TestClient) -> Pages:
    pages = Pages(client)
    for role in ROLES:
        pages.login(role)
    return pages
