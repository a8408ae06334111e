"""A real Neo4j stopped under the running API gives 503; started again, 200 without a restart.

The launcher picks a fresh port and data folder on every ``start``, so this test
runs the launcher's Java class itself (``target/classpath.txt``) with a fixed
port and data folder, stops it with SIGTERM and starts it again on both.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import PASSWORD, Api, TestClient, build, free_port, settings, wait_ready

from graph_api.store import open_store
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
