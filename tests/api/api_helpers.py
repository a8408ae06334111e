"""A tiny investigation graph and an API client per role, shared by the API tests.

Ring t:R1 has members Budi (t:M1) and Siti (t:M2). AKP Joko (t:O1) is the planted
protector: he investigates their case, receives ring money and calls Budi before a
failed raid. Iptu Andi (t:O2) is clean. Ani (t:V1) is a victim in case t:K1, with
a NIK, an address and a phone that reskrim must only see masked.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Neo4jStore, Store, open_store
from graph_api.web import Settings, create_app

with warnings.catch_warnings():  # starlette asks for httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROLES = ("reskrim", "propam", "analyst", "admin")
PASSWORD = "correct horse battery staple"
P_M1, P_O1, P_V1 = "+6281234567890", "+6281300000001", "+6281399999999"
V1_NIK, V1_ADDRESS = "3501014101990002", "Dusun Krajan RT 01, Tulungagung"


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": {"sources": ["t:S1"], **props}}


def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end, "props": props}


def build(store: Store) -> None:
    person = ("Person",)
    official = ("Person", "Official")
    nodes = [
        node("t:S1", "Source", kind="bap", title="BAP Budi", reliability="B", credibility="2"),
        node("t:R1", "Ring", name="Jaringan Timur"),
        node("t:AG1", "Agency", name="Polres Tulungagung", kind="police"),
        node(
            "t:M1", *person, name="Budi Santoso", name_norm="budi santoso", nik="3501010101800001"
        ),
        node("t:M2", *person, name="Siti Rahayu", name_norm="siti rahayu"),
        node(
            "t:V1",
            *person,
            name="Ani Lestari",
            name_norm="ani lestari",
            nik=V1_NIK,
            address=V1_ADDRESS,
        ),
        node(
            "t:O1",
            *official,
            name="AKP Joko Widodo",
            name_norm="joko widodo",
            id_numbers=["80010001"],
        ),
        node("t:O2", *official, name="Iptu Andi Pratama", name_norm="andi pratama"),
        *(node(p, "Phone", number=p) for p in (P_M1, P_O1, P_V1)),
        node("t:A_M1", "Account", bank="BRI", number="1234567890"),
        node("t:A_O1", "Account", bank="BRI", number="333"),
        node(
            "t:K1",
            "Case",
            title="LP/1",
            status="sp3",
            opened_at="2022-01-10",
            status_at="2022-09-01",
        ),
        node("t:E1", "Event", kind="raid", outcome="nothing_found", at="2023-06-10T04:00:00Z"),
    ]
    rels = [
        rel("t:mo1", "MEMBER_OF", "t:M1", "t:R1", role="leader"),
        rel("t:mo2", "MEMBER_OF", "t:M2", "t:R1"),
        rel("t:hp1", "HOLDS_POST", "t:O1", "t:AG1", rank="AKP", since="2019-01-01"),
        rel("t:hp2", "HOLDS_POST", "t:O2", "t:AG1", rank="IPTU", since="2019-01-01"),
        rel("t:u1", "USES", "t:M1", P_M1),
        rel("t:u2", "USES", "t:O1", P_O1),
        rel("t:u3", "USES", "t:V1", P_V1),
        rel("t:h1", "HOLDS", "t:M1", "t:A_M1"),
        rel("t:h2", "HOLDS", "t:O1", "t:A_O1"),
        rel(
            "t:tr1",
            "TRANSFERRED",
            "t:A_M1",
            "t:A_O1",
            amount=5_000_000.0,
            currency="IDR",
            at="2023-05-01T10:00:00Z",
        ),
        rel("t:c1", "CALLED", P_O1, P_M1, at="2023-06-09T20:00:00Z", duration_s=60),
        rel("t:c2", "CALLED", P_V1, P_M1, at="2023-03-01T08:00:00Z", duration_s=30),
        rel("t:s1", "SUSPECT_IN", "t:M1", "t:K1"),
        rel("t:v1", "VICTIM_IN", "t:V1", "t:K1"),
        rel("t:i1", "INVESTIGATES", "t:O1", "t:K1"),
        rel("t:hb1", "HANDLED_BY", "t:K1", "t:AG1"),
        rel("t:ab1", "ABOUT", "t:E1", "t:K1"),
        rel("t:tg1", "TARGET_OF", "t:M1", "t:E1"),
    ]
    store.upsert(nodes, rels)


def settings(state: Path, **over: Any) -> Settings:
    base: dict[str, Any] = {
        "secret": secrets.token_urlsafe(48),
        "audit_key": secrets.token_urlsafe(48),
        "store": f"embedded:{state / 'store'}",
        "state_dir": state,
        "rate_per_minute": 100_000,
        "login_per_minute": 10_000,
    }
    return Settings(**{**base, **over})


@dataclass
class Api:
    client: TestClient
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def get(self, url: str, role: str | None, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(role), **kw)

    def post(self, url: str, role: str | None, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers(role), **kw)

    def patch(self, url: str, role: str | None, **kw: Any) -> Any:
        return self.client.patch(url, headers=self.headers(role), **kw)


def make_api(store: Store, state: Path, **over: Any) -> Api:
    app = create_app(settings(state, **over), store=store)
    client = TestClient(app, raise_server_exceptions=False)
    api = Api(client, store)
    users = app.state.services.users
    for role in ROLES:
        users.add(f"{role}1", role=role, password=PASSWORD)
    sign_in(api)
    return api


def sign_in(api: Api) -> None:
    """Fresh tokens for every role's user (a token lives ``token_minutes``: an app made
    at import time, as the fuzz module's, signs in again before its tests run)."""
    for role in ROLES:
        r = api.client.post(
            "/api/v1/auth/token", data={"username": f"{role}1", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        api.tokens[role] = r.json()["access_token"]


def wait_ready(client: TestClient, deadline_s: float = 120) -> Any:
    """Poll ``/readyz`` until the first background warm-up finished (a functional wait,
    not a timing assertion); the 200 answer."""
    deadline = time.monotonic() + deadline_s
    while True:
        r = client.get("/readyz")
        if r.status_code == 200:
            return r
        assert r.status_code == 503, r.text
        assert time.monotonic() < deadline, f"not ready after {deadline_s} s: {r.text}"
        time.sleep(0.02)


@contextmanager
def another_connection(store: Store) -> Iterator[Store]:
    """A second connection to the same data: what a CLI ingest in another process uses."""
    other: Store
    if isinstance(store, EmbeddedStore):
        other = EmbeddedStore(store.path)
    else:
        assert isinstance(store, Neo4jStore)
        other = open_store(store.uri)
    try:
        yield other
    finally:
        other.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_app(app: Any, **config: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread (real concurrency:
    its thread pool), e.g. for a browser: its base URL; stopped when the block ends.
    ``config``: more ``uvicorn.Config`` settings."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
