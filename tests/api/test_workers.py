"""Several worker processes: shared rate limits, one flag change at a time, one audit
chain; ``telusur serve --workers 2`` answers; a generation read shared only when it
began after the request."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from api_helpers import PASSWORD, build, free_port, make_api

from graph.cache import GenerationReader
from graph.store import EmbeddedStore
from graph_api.web import create_app
from graph_api.web.audit import AuditLog
from graph_api.web.locks import ProcessLock
from graph_api.web.ratelimit import SharedRateLimiter
from graph_api.web.users import UserStore

P = "/api/v1"


def test_shared_limits_count_every_worker(tmp_path: Path) -> None:
    now = [1000.0]
    a = SharedRateLimiter(tmp_path / "limits.sqlite", 10, clock=lambda: now[0])
    b = SharedRateLimiter(tmp_path / "limits.sqlite", 10, clock=lambda: now[0])
    other = SharedRateLimiter(tmp_path / "limits.sqlite", 10, name="login", clock=lambda: now[0])
    allowed = [(a if i % 2 else b).hit("u1") == 0.0 for i in range(14)]
    assert allowed.count(True) == 10 and allowed[-1] is False  # one budget for both
    assert a.hit("u2") == 0.0 and other.hit("u1") == 0.0  # per key, per limiter
    wait = b.hit("u1")
    assert wait >= 1.0
    now[0] += 6.0  # 10 a minute: one token back every 6 s
    assert a.hit("u1") == 0.0 and b.hit("u1") > 0.0
    for lim in (a, b, other):
        lim.close()


def test_two_apps_on_one_state_folder_share_limits(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    build(store)
    state = tmp_path / "state"
    first = make_api(store, state, rate_per_minute=12, workers=2)
    second = create_app(first.client.app.state.services.settings, store=store)  # type: ignore[attr-defined]
    from fastapi.testclient import TestClient

    with first.client, TestClient(second, raise_server_exceptions=False) as client2:
        headers = first.headers("reskrim")
        statuses = [
            (first.client if i % 2 else client2).get(f"{P}/me", headers=headers).status_code
            for i in range(16)
        ]
        assert statuses.count(200) <= 12 and statuses.count(429) >= 4, statuses
        assert first.get(f"{P}/me", "analyst").status_code == 200
    store.close()


def _hold(path: str, ready: str, release: str) -> None:
    with ProcessLock(Path(path)):
        Path(ready).touch()
        deadline = time.monotonic() + 60
        while not Path(release).exists() and time.monotonic() < deadline:
            time.sleep(0.01)


def test_the_flag_lock_excludes_another_process(tmp_path: Path) -> None:
    import multiprocessing as mp

    lock, ready, release = tmp_path / "flags.lock", tmp_path / "ready", tmp_path / "release"
    proc = mp.get_context("spawn").Process(target=_hold, args=(str(lock), str(ready),
                                                                 str(release)))
    proc.start()
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert time.monotonic() < deadline and proc.is_alive(), "the other process did not lock"
            time.sleep(0.01)
        got: list[float] = []

        def take() -> None:
            with ProcessLock(lock):
                got.append(time.monotonic())

        t = threading.Thread(target=take)
        t.start()
        t.join(0.5)
        assert got == []  # still held by the other process
        release.touch()
        t.join(60)
        assert len(got) == 1
    finally:
        release.touch()
        proc.join(60)


def test_generation_reads_are_shared_only_when_they_began_later(
    tmp_path: Path,
) -> None:
    store = EmbeddedStore(tmp_path / "s")
    reader = GenerationReader()
    count = [0]

    def fetch() -> int:
        count[0] += 1
        return count[0]

    asked = time.monotonic()
    assert reader.read(store, asked, fetch) == 1
    assert reader.read(store, asked, fetch) == 1  # that read began after `asked`
    assert reader.read(store, time.monotonic(), fetch) == 2  # a newer request: a new read
    # a read in flight is joined by requests that arrived before it began, not after
    release, started = threading.Event(), threading.Event()

    def slow() -> int:
        started.set()
        release.wait(60)
        return 100

    early = time.monotonic()
    results: dict[str, object] = {}
    leader = threading.Thread(target=lambda: results.update(a=reader.read(store, early, slow)))
    leader.start()
    started.wait(60)
    joiner = threading.Thread(target=lambda: results.update(b=reader.read(store, early, fetch)))
    joiner.start()
    late = time.monotonic()
    results["c"] = reader.read(store, late, fetch)  # began after the read in flight
    release.set()
    leader.join(60)
    joiner.join(60)
    assert results == {"a": 100, "b": 100, "c": 3}
    store.close()



def test_serve_with_two_workers(tmp_path: Path) -> None:
    """The real command: two processes, one audit chain, limits shared through the file."""
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    store.close()
    users = UserStore(tmp_path / "state" / "users.sqlite")
    users.add("reskrim1", role="reskrim", password=PASSWORD)
    users.close()
    port = free_port()
    audit_key = secrets.token_urlsafe(48)
    env = {**os.environ, "TELUSUR_SECRET": secrets.token_urlsafe(48),
           "TELUSUR_AUDIT_KEY": audit_key, "TELUSUR_STATE_DIR": str(tmp_path / "state")}
    env.pop("TELUSUR_WORKERS", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from graph_api.cli import main; main()", "serve", "--store",
         f"embedded:{tmp_path / 'store'}", "--port", str(port), "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, (
                (tmp_path / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        r = httpx.post(url + f"{P}/auth/token",
                       data={"username": "reskrim1", "password": PASSWORD}, timeout=60)
        assert r.status_code == 200, r.text
        headers = {"Authorization": "Bearer " + r.json()["access_token"]}
        statuses = []
        for _ in range(20):  # new connections: the kernel spreads them over both workers
            with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
                statuses.append(c.get(f"{P}/rings/t:R1/protectors").status_code)
        assert statuses == [200] * 20
        assert (tmp_path / "state" / "limits.sqlite").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    log_text = (tmp_path / "serve.log").read_text()
    assert log_text.count("Started server process") == 2, log_text[-3000:]
    audit = AuditLog(tmp_path / "state" / "audit.sqlite", key=audit_key.encode())
    try:
        verdict = audit.verify()
        assert verdict.ok and verdict.entries >= 22, verdict
    finally:
        audit.close()


@pytest.fixture(autouse=True)
def _no_workers_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELUSUR_WORKERS", raising=False)
