"""The background warm-up: readiness, recomputation after a write without any request,
one computation shared with requests, never a result older than the generation seen.

Waits here are functional (poll with a generous deadline), never timing assertions.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import (
    PASSWORD,
    Api,
    another_connection,
    build,
    free_port,
    make_api,
    node,
    rel,
    wait_ready,
)

from graph.store import EmbeddedStore, Store
from graph_api.web.users import UserStore
from queries.protectors import Layers, Rankings, rank_protectors
from queries.protectors import rankings as rankings_module

P = "/api/v1"


def _status(api: Api) -> dict[str, Any]:
    """The warm-up as an admin sees it (this request reads nothing from the store, so it
    never wakes the warm-up itself)."""
    r = api.get(f"{P}/cache", "admin")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _until(cond: Callable[[], Any], what: str, deadline_s: float = 120) -> Any:
    deadline = time.monotonic() + deadline_s
    while True:
        got = cond()
        if got:
            return got
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def _counters(api: Api) -> dict[str, int]:
    """The cache's counters (hits, misses, joined ...) as an admin reads them."""
    counters: dict[str, int] = _status(api)["cache"]
    return counters


def _in_warmup_thread() -> bool:
    return threading.current_thread().name.startswith("telusur-warmup")


class Gate:
    """Rankings made by the warm-up wait for ``release`` *after* reading the graph (what
    a slow ranking racing a write looks like); ``computed`` is set when one got there.
    Requests' rankings are not held."""

    def __init__(self) -> None:
        self.computed = threading.Event()
        self.release = threading.Event()

    def set(self) -> None:
        self.release.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    real = Rankings._compute

    def held(self: Rankings, store: Store, ring_ids: Any, when: Any) -> Any:
        out = real(self, store, ring_ids, when)
        if _in_warmup_thread():
            g.computed.set()
            g.release.wait(120)
        return out

    monkeypatch.setattr(Rankings, "_compute", held)
    yield g
    g.set()


def test_not_ready_until_the_first_warm_up_finished(
    store: Store, tmp_path: Path, gate: Gate
) -> None:
    build(store)
    api = make_api(store, tmp_path / "state")
    with api.client:
        _until(lambda: _status(api)["state"] == "warming", "the warm-up to start")
        r = api.client.get("/readyz")
        assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"]
        assert r.json()["title"] == "layanan belum siap" and "Coba lagi" in r.json()["detail"]
        en = api.client.get("/readyz?lang=en").json()
        assert en["title"] == "service not ready" and "Retry" in en["detail"]
        by_header = api.client.get("/readyz", headers={"Accept-Language": "en-GB,id;q=0.5"})
        assert by_header.json()["title"] == "service not ready"
        assert api.client.get("/healthz").status_code == 200  # liveness only
        status = _status(api)
        assert status["ready"] is False and status["first_warmup_s"] is None
        gate.set()
        ready = wait_ready(api.client).json()
        assert ready["status"] == "ready" and ready["store"] == store.kind
        assert ready["warmed_in_s"] > 0
        status = _status(api)
        assert status["ready"] and status["state"] == "warm"
        assert status["last"]["complete"] and status["last"]["rings"] == 1
        assert status["last"]["ranked"] == 1 and status["last"]["failed"] == 0
        # what it kept is what requests use: the first request is a cache hit
        misses = _counters(api)["misses"]
        assert api.get(f"{P}/rings/t:R1/protectors", "reskrim").status_code == 200
        assert _counters(api)["misses"] == misses


def test_a_request_joins_the_ranking_the_warm_up_is_computing(
    embedded_store: EmbeddedStore, tmp_path: Path, gate: Gate
) -> None:
    build(embedded_store)
    calls: list[str] = []
    held = Rankings._compute

    def counted(self: Rankings, store: Store, ring_ids: Any, when: Any) -> Any:
        calls.append(threading.current_thread().name)
        return held(self, store, ring_ids, when)

    api = make_api(embedded_store, tmp_path / "state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Rankings, "_compute", counted)
        with api.client:
            _until(gate.computed.is_set, "the warm-up to rank t:R1")
            answers: list[Any] = []
            asker = threading.Thread(target=lambda: answers.append(
                api.get(f"{P}/rings/t:R1/protectors", "reskrim")))
            asker.start()
            _until(lambda: _counters(api)["joined"] >= 1, "the request to join the warm-up")
            gate.set()
            asker.join(120)
            assert answers and answers[0].status_code == 200
            assert len(calls) == 1 and calls[0].startswith("telusur-warmup")
            assert "t:O1" in {p["id"] for p in answers[0].json()["protectors"]}


def test_a_write_elsewhere_is_warmed_without_any_request(store: Store, api: Api) -> None:
    """What a CLI ingest in another process does: the warm-up notices the new generation
    by itself and ranks every ring again before anyone asks."""
    before = _status(api)["last"]
    assert before["complete"] and before["rings"] == 1
    with another_connection(api.store) as other:
        other.upsert(
            [node("t:R2", "Ring", name="Jaringan Barat"), node("t:M3", "Person", name="Joko S")],
            [rel("t:mo3", "MEMBER_OF", "t:M3", "t:R2")],
        )
    after = _until(
        lambda: (s := _status(api)["last"])["generation"] != before["generation"]
        and s["complete"] and s,
        "the warm-up of the new generation",
    )
    assert after["rings"] == 2 and after["failed"] == 0
    misses = _counters(api)["misses"]
    for ring in ("t:R1", "t:R2"):
        assert api.get(f"{P}/rings/{ring}/protectors", "reskrim").status_code == 200
    assert api.get(f"{P}/rings", "reskrim").json()["count"] == 2
    assert _counters(api)["misses"] == misses  # everything was warm already


def test_never_a_result_older_than_the_generation_seen(
    store: Store, tmp_path: Path, gate: Gate
) -> None:
    """The warm-up reads the graph, a write lands, then the warm-up keeps its ranking: it
    is kept under the generation read before it, so no request after the write gets it."""
    build(store)
    api = make_api(store, tmp_path / "state")
    with api.client:
        _until(gate.computed.is_set, "the warm-up to rank the graph before the write")
        with another_connection(store) as other:
            other.upsert(
                [node("t:A_O2", "Account", bank="BRI", number="444")],
                [rel("t:h3", "HOLDS", "t:O2", "t:A_O2"),
                 *(rel(f"t:tro2-{m}", "TRANSFERRED", "t:A_M1", "t:A_O2", amount=20_000_000.0,
                       currency="IDR", at=f"2023-0{m}-05T10:00:00Z") for m in range(1, 7))],
            )
        gate.set()
        r = api.get(f"{P}/rings/t:R1/protectors", "reskrim")
        assert r.status_code == 200
        assert "t:O2" in {p["id"] for p in r.json()["protectors"]}
        wait_ready(api.client)
        r = api.get(f"{P}/rings/t:R1/protectors", "reskrim")
        assert "t:O2" in {p["id"] for p in r.json()["protectors"]}


def test_a_new_flag_gives_the_warm_up_nothing_to_do(api: Api) -> None:
    """A flag is written to the Propam store: the investigation store's generation stays,
    so the warm-up has no new generation to compute, and no answer shows the flag."""
    before = _status(api)["last"]["generation"]
    generation = api.store.generation
    flag = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x"})
    assert flag.status_code == 201
    fid = flag.json()["id"]
    assert api.store.generation == generation
    urls = (f"{P}/rings/t:R1/protectors", f"{P}/entities/t:O1/neighbourhood?hops=2",
            f"{P}/entities/{fid}")
    for role in ("reskrim", "analyst"):
        for url in urls:
            # (a 404 names the id asked for, as it would any id)
            assert fid not in api.get(url, role).text.replace(url, "").replace(
                f"'{fid}'", ""), (role, url)
    assert _status(api)["last"]["generation"] == before


def test_rankings_wait_for_a_free_slot(
    embedded_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most ``rank_concurrency`` rankings run at once; the others wait their turn
    (asked as of a given moment, each ring is ranked on its own)."""
    build(embedded_store)
    rings = [f"t:R{i}" for i in range(2, 5)]
    embedded_store.upsert(
        [*(node(r, "Ring", name=r) for r in rings)],
        [rel(f"t:mo-{r}", "MEMBER_OF", "t:M1", r) for r in rings],
    )
    release = threading.Event()
    running: list[Any] = []
    most = [0]
    lock = threading.Lock()
    real = rankings_module.neighbourhoods  # what a ranking does inside its slot

    def held(store: Store, ring_ids: Any, **kw: Any) -> Any:
        with lock:
            running.append(ring_ids)
            most[0] = max(most[0], len(running))
        try:
            release.wait(120)
            return real(store, ring_ids, **kw)
        finally:
            with lock:
                running.remove(ring_ids)

    monkeypatch.setattr(rankings_module, "neighbourhoods", held)
    api = make_api(embedded_store, tmp_path / "state", warm_interval=0, rank_concurrency=1)
    with api.client:
        answers: list[int] = []
        askers = [threading.Thread(target=lambda r=r: answers.append(api.get(
            f"{P}/rings/{r}/protectors?as_of=2030-01-01T00:00:00Z", "reskrim").status_code))
            for r in ["t:R1", *rings]]
        for t in askers:
            t.start()
        # every request is past the cache (a miss: it computes) and one ranking runs
        # (misses: the ring list, the victims, then the four rankings)
        _until(lambda: _counters(api)["misses"] >= 2 + 4 and running, "four rankings asked")
        assert len(running) == 1
        release.set()
        for t in askers:
            t.join(120)
        assert answers == [200] * 4 and most[0] == 1


def _rings(store: Store, n: int) -> list[str]:
    """The tiny graph with ``n`` rings in all (Budi is a member of every one)."""
    build(store)
    more = [f"t:R{i}" for i in range(2, n + 1)]
    store.upsert(
        [node(r, "Ring", name=r) for r in more],
        [rel(f"t:mo-{r}", "MEMBER_OF", "t:M1", r) for r in more],
    )
    return ["t:R1", *more]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[str, ...]]]:
    """Every ranking of a group (also of one ring): (thread, rings)."""
    calls: list[tuple[str, tuple[str, ...]]] = []
    real = Rankings._compute

    def counted(self: Rankings, store: Store, ring_ids: Any, when: Any) -> Any:
        calls.append((threading.current_thread().name, tuple(ring_ids)))
        return real(self, store, ring_ids, when)

    monkeypatch.setattr(Rankings, "_compute", counted)
    return calls


def test_requests_for_different_rings_share_one_group_ranking(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a write (here: nothing kept yet, warm-up off) requests for four rings at
    once rank their group once, and each gets what ``rank_protectors`` says."""
    rings = _rings(store, 4)
    calls = _counting(monkeypatch)
    api = make_api(store, tmp_path / "state", warm_interval=0)
    with api.client:
        answers: dict[str, Any] = {}
        askers = [threading.Thread(target=lambda r=r: answers.__setitem__(
            r, api.get(f"{P}/rings/{r}/protectors?top=1000", "propam")))
            for r in rings]
        for t in askers:
            t.start()
        for t in askers:
            t.join(120)
        assert len(calls) == 1 and sorted(calls[0][1]) == sorted(rings)
        for r in rings:
            got = answers[r].json()
            assert answers[r].status_code == 200, got
            assert got == {**rank_protectors(store, ring_id=r, as_of=got["as_of"])}
        assert "t:O1" in {p["id"] for p in answers["t:R1"].json()["protectors"]}
        # as of a given moment a ring is ranked on its own
        assert api.get(f"{P}/rings/t:R2/protectors?as_of=2020-01-01T00:00:00Z",
                       "propam").status_code == 200
        assert [group for _, group in calls[1:]] == [("t:R2",)]


def test_the_warm_up_ranks_a_group_at_a_time(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rings = _rings(store, 5)
    calls = _counting(monkeypatch)
    api = make_api(store, tmp_path / "state")
    api.client.app.state.services.rankings.layers = Layers(group=2)  # type: ignore[attr-defined]
    with api.client:
        wait_ready(api.client)
        status = _status(api)["last"]
        assert status["rings"] == 5 and status["ranked"] == 5 and status["failed"] == 0
        assert [len(c[1]) for c in calls] == [2, 2, 1]
        assert all(name.startswith("telusur-warmup") for name, _ in calls)
        assert sorted(r for _, group in calls for r in group) == sorted(rings)
        misses = _counters(api)["misses"]
        for r in rings:
            got = api.get(f"{P}/rings/{r}/protectors?top=1000", "propam").json()
            assert got == rank_protectors(store, ring_id=r, as_of=got["as_of"])
        assert _counters(api)["misses"] == misses and len(calls) == 3  # all kept


def test_warm_up_off(embedded_store: EmbeddedStore, tmp_path: Path) -> None:
    build(embedded_store)
    api = make_api(embedded_store, tmp_path / "state", warm_interval=0)
    with api.client:
        assert api.client.get("/readyz").status_code == 200
        assert _status(api)["state"] == "off"


def test_the_app_warms_again_when_served_again(tmp_path: Path) -> None:
    """An app served again after a shutdown warms again (the lifespan runs twice)."""
    # The store is where the settings say (``<state>/store``): the app lets go of its
    # store at shutdown and opens the one its settings name when served again.
    store = EmbeddedStore(tmp_path / "state" / "store")
    build(store)
    api = make_api(store, tmp_path / "state")
    try:
        for served in (1, 2):
            with api.client:
                wait_ready(api.client)
                status = _status(api)
                assert status["state"] == "warm" and status["runs"] == served, status
                assert status["last"]["rings"] == 1 and status["last"]["complete"]
    finally:
        store.close()


def test_serve_logs_when_ready(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    store.close()
    users = UserStore(tmp_path / "state" / "users.sqlite")
    users.add("admin1", role="admin", password=PASSWORD)
    users.close()
    port = free_port()
    env = {**os.environ, "TELUSUR_SECRET": secrets.token_urlsafe(48),
           "TELUSUR_AUDIT_KEY": secrets.token_urlsafe(48),
           "TELUSUR_STATE_DIR": str(tmp_path / "state"), "TELUSUR_WARM_INTERVAL": "0.5"}
    env.pop("TELUSUR_WORKERS", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from graph_api.cli import main; main()", "serve", "--store",
         f"embedded:{tmp_path / 'store'}", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        def ready() -> bool:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                return httpx.get(url + "/readyz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        _until(ready, "the service to be ready")
        token = httpx.post(url + f"{P}/auth/token", timeout=60,
                           data={"username": "admin1", "password": PASSWORD}).json()
        status = httpx.get(url + f"{P}/cache", timeout=60,
                           headers={"Authorization": "Bearer " + token["access_token"]}).json()
        assert status["interval_s"] == 0.5 and status["state"] == "warm"
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert "ready: caches warm in" in text, text[-3000:]
