"""A store that goes away: 503 at once, liveness never waits for it, recovery without a restart.

* A Neo4j address nobody listens on, or a listener that accepts and never answers
  (:class:`netfaults.Blackhole`): 60 concurrent requests all answer 503, ``/healthz``
  answers 200 meanwhile and ``/readyz`` 503.
* A running API whose Neo4j stops answering (:class:`netfaults.Proxy` cut in front of
  the real server of ``NEO4J_URI``): 503, then 200 again once it answers.
* A real Neo4j stopped with SIGTERM and started again (the launcher's Java class, run
  with a fixed port and data folder so that it can start again on both).

Times are never asserted: each test has a generous ``pytest-timeout`` instead (a store
that made every request wait for the driver's 20-30 s timeouts one after the other,
as before, runs far past it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from api_helpers import (
    PASSWORD,
    Api,
    TestClient,
    build,
    free_port,
    served_app,
    settings,
    wait_ready,
)
from netfaults import Proxy, blackhole

from graph.store import Store, open_store
from graph_api.web import create_app

TOOL = Path(__file__).resolve().parents[2] / "tools" / "neo4j-test-server"
P = "/api/v1"


def _need_java() -> None:
    missing = [b for b in ("java", "mvn") if shutil.which(b) is None]
    if missing:
        why = f"needs {' and '.join(missing)} for a private Neo4j"
        if os.environ.get("CI") == "true":
            pytest.fail(why, pytrace=False)
        pytest.skip(why)



class Server:
    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port, self.proc = data, port, None  # type: ignore[var-annotated]

    def start(self) -> None:
        jars = (TOOL / "target" / "classpath.txt").read_text().strip()
        cp = f"{TOOL / 'target' / 'classes'}:{jars}"
        self.proc = subprocess.Popen(  # type: ignore[assignment]
            [
                "java",
                "-Xms128m",
                "-Xmx512m",
                "--add-opens",
                "java.base/java.nio=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens",
                "java.base/java.io=ALL-UNNAMED",
                "-cp",
                cp,
                "telusur.TestServer",
                str(self.data),
                str(self.port),
                "128m",
                "256m",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 180
        assert self.proc is not None
        for line in self.proc.stdout:  # type: ignore[union-attr]
            if line.startswith("READY "):
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError("the private Neo4j did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    _need_java()
    if not (TOOL / "target" / "classpath.txt").is_file():
        subprocess.run([str(TOOL / "neo4j-test-server"), "build"], check=True)
    s = Server(tmp_path / "neo4j-data", free_port())
    s.start()
    yield s
    s.stop()


@pytest.mark.neo4j
@pytest.mark.slow
def test_store_outage_and_recovery(server: Server, tmp_path: Path) -> None:
    uri = f"bolt://127.0.0.1:{server.port}"
    with open_store(uri) as st:
        build(st)
    app = create_app(settings(tmp_path / "state", store=uri))
    with TestClient(app, raise_server_exceptions=False) as client:
        _outage(Api(client, None), app, server)  # type: ignore[arg-type]


def _warmup(api: Api) -> dict[str, object]:
    r = api.get(f"{P}/cache", "admin")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _wait_warmup(api: Api, state: str) -> None:
    deadline = time.monotonic() + 120
    while _warmup(api)["state"] != state:
        assert time.monotonic() < deadline, _warmup(api)
        time.sleep(0.2)


def _outage(api: Api, app: object, server: Server) -> None:
    for role in ("reskrim", "admin"):
        app.state.services.users.add(  # type: ignore[attr-defined]
            f"{role}1", role=role, password=PASSWORD
        )
        login = {"username": f"{role}1", "password": PASSWORD}
        r = api.client.post(f"{P}/auth/token", data=login)
        api.tokens[role] = r.json()["access_token"]
    assert api.get(f"{P}/entities/t:M1", "reskrim").status_code == 200
    wait_ready(api.client)
    server.stop()
    for url in (f"{P}/entities/t:M1", f"{P}/rings", "/readyz"):
        r = api.get(url, "reskrim")
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "Traceback" not in r.text
    # the background warm-up notices too, and keeps trying
    _wait_warmup(api, "store unavailable")
    server.start()
    deadline = time.monotonic() + 60
    while True:
        r = api.get(f"{P}/entities/t:M1", "reskrim")
        if r.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert r.status_code == 200 and r.json()["id"] == "t:M1"
    assert api.client.get("/readyz").status_code == 200
    # ... and warms the caches again for the store that came back, by itself
    _wait_warmup(api, "warm")


@pytest.mark.timeout(150, method="thread")  # a hung request: the whole run stops, loudly
@pytest.mark.parametrize("fault", ["refused", "no answer"])
def test_unreachable_store_answers_503_and_liveness_never_waits(
    tmp_path: Path, fault: str
) -> None:
    with blackhole() as hole:
        port = free_port() if fault == "refused" else hole.port
        app = create_app(settings(tmp_path / "state", store=f"bolt://127.0.0.1:{port}"))
        app.state.services.users.add("reskrim1", role="reskrim", password=PASSWORD)
        login = {"username": "reskrim1", "password": PASSWORD}
        with (
            served_app(app, access_log=False) as url,
            httpx.Client(base_url=url, timeout=None) as http,
        ):
            token = http.post("/api/v1/auth/token", data=login).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            page = http.post("/masuk", data=login, follow_redirects=False)
            assert page.status_code == 303
            pool = ThreadPoolExecutor(60)
            try:
                # more requests than the server's worker threads (40): all of them wait
                # for the store at once
                asked = [
                    pool.submit(http.get, f"/api/v1/entities/t:M{i % 2 + 1}", headers=auth)
                    for i in range(60)
                ]
                if fault == "no answer":
                    while hole.accepted == 0 and not asked[0].done():
                        time.sleep(0.05)  # until a request is waiting for the store
                assert http.get("/healthz").status_code == 200
                assert http.get("/api/v1/healthz").status_code == 200
                ready = http.get("/readyz")
                answers = [f.result() for f in asked]
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
            assert ready.status_code == 503
            assert [r.status_code for r in answers] == [503] * 60
            assert all(r.headers["content-type"] == "application/problem+json" for r in answers)
            assert all("Traceback" not in r.text for r in answers)
            shown = http.get("/entitas/t:M1")  # the page says so too, as a page
            assert shown.status_code == 503
            assert shown.headers["content-type"].startswith("text/html")
            assert http.get("/healthz").status_code == 200


def _through(uri: str, port: int) -> str:
    """``uri`` with its host and port replaced by 127.0.0.1:``port``."""
    parts = urlsplit(uri)
    auth = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=(auth + "@" if auth else "") + f"127.0.0.1:{port}"))


@pytest.mark.neo4j
@pytest.mark.timeout(120, method="thread")
def test_neo4j_that_stops_answering_under_a_running_api(
    neo4j_store: Store, neo4j_uri: str, tmp_path: Path
) -> None:
    build(neo4j_store)
    target = urlsplit(neo4j_uri)
    proxy = Proxy((target.hostname or "127.0.0.1", target.port or 7687))
    app = create_app(settings(tmp_path / "state", store=_through(neo4j_uri, proxy.port)))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            api = Api(client, None)  # type: ignore[arg-type]
            app.state.services.users.add("reskrim1", role="reskrim", password=PASSWORD)
            login = {"username": "reskrim1", "password": PASSWORD}
            api.tokens["reskrim"] = client.post("/api/v1/auth/token", data=login).json()[
                "access_token"
            ]
            assert api.get(f"{P}/entities/t:M1", "reskrim").status_code == 200
            wait_ready(client)
            proxy.cut()  # every connection dropped; new ones are never answered
            for _ in range(4):
                for url in (f"{P}/entities/t:M1", f"{P}/rings", f"{P}/entities/search?q=Budi"):
                    r = api.get(url, "reskrim")
                    assert r.status_code == 503, (url, r.text)
                    assert r.headers["content-type"] == "application/problem+json"
                assert client.get("/healthz").status_code == 200
                assert client.get("/readyz").status_code == 503
            proxy.mend()
            deadline = time.monotonic() + 60
            while (r := api.get(f"{P}/entities/t:M1", "reskrim")).status_code != 200:
                assert r.status_code == 503, r.text
                assert time.monotonic() < deadline, "no recovery after the store came back"
                time.sleep(0.2)
            assert r.json()["id"] == "t:M1"
            wait_ready(client)
    finally:
        proxy.close()
