"""Which trail a request goes to (Propam's own, out of the admin's sight), an upload's
entry written before its body is read (a killed server leaves it), and the state
files readable by their owner only."""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PASSWORD, Api, build, make_api

from graph.store import EmbeddedStore, Store
from graph_api.web.audit import AuditLog
from graph_api.web.users import UserStore
from ingest.synth import generate

P = "/api/v1"


def _services(api: Api) -> Any:
    return api.client.app.state.services  # type: ignore[attr-defined]


def _all(api: Api, url: str, role: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = api.get(url, role, params={"limit": 1000, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        out += r.json()["data"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return out


def test_the_admin_sees_none_of_propams_activity(embedded_api: Api) -> None:
    """Propam's requests (a flag made and moved on, an official's links, the entities it
    looked at) and anyone's request for a Propam path are in Propam's trail, which only
    Propam reads; the admin's trail holds no trace of them."""
    api = embedded_api
    made = api.post(f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "calls"})
    assert made.status_code == 201, made.text
    fid = made.json()["id"]
    assert api.patch(f"{P}/flags/{fid}", "propam", json={"status": "under_review"}).is_success
    assert api.get(f"{P}/officials/t:O1/links", "propam").status_code == 200
    assert api.get(f"{P}/entities/t:O1", "propam").status_code == 200
    assert api.get(f"{P}/flags", "reskrim").status_code == 404  # another role probing
    assert api.get(f"{P}/officials/t:O1/links", "analyst").status_code == 404
    api.client.get("/propam", follow_redirects=False)  # the Propam page, not signed in
    failed = api.client.post(f"{P}/auth/token", data={"username": "propam1", "password": "x"})
    assert failed.status_code == 401  # a Propam account's failed sign-in
    api.get(f"{P}/rings", "reskrim")

    main = json.dumps(_all(api, f"{P}/audit", "admin"))
    assert "reskrim1" in main and "/api/v1/rings" in main
    for trace in ("propam", "t:O1", fid, "/flags", "/officials", "under_review"):
        assert trace not in main, trace

    own = _all(api, f"{P}/propam/audit", "propam")
    text = json.dumps(own)
    assert {e["path"] for e in own} >= {
        f"{P}/flags", f"{P}/flags/{fid}", f"{P}/officials/t:O1/links", f"{P}/entities/t:O1",
        "/propam",
    }
    assert "propam1" in text and fid in text and "reskrim1" in text  # the probe is there
    assert any(e["params"].get("official_id") == "t:O1" for e in own)
    assert any(e["status"] == 401 and e["params"] == {"username": "propam1"} for e in own)
    for role in ("reskrim", "analyst", "admin"):  # as if it did not exist
        assert api.get(f"{P}/propam/audit", role).status_code == 404
        assert api.get(f"{P}/propam/audit/verify", role).status_code == 404
    verdict = api.get(f"{P}/propam/audit/verify", "propam").json()
    assert verdict["ok"] and verdict["trail"] == "propam", verdict
    assert api.get(
        f"{P}/propam/audit/verify", "propam", params={"head": verdict["head_line"]}
    ).json()["ok"]


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"b/{p.relative_to(folder)}")
    return buf.getvalue()


def test_an_upload_is_recorded_when_it_starts_and_when_it_ends(embedded_api: Api) -> None:
    api = embedded_api
    log = _services(api).audit
    n = log.count()
    r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", b"not a zip")},
                 data={"bundle": "b"})
    assert r.status_code == 400
    started, ended = log.entries(after=n)
    rid = r.headers["x-request-id"]
    assert started["request_id"] == ended["request_id"] == rid
    assert started["status"] == "started" and started["user"] == "analyst1"
    assert started["route"] is None and started["path"] == f"{P}/ingest"
    assert ended["status"] == 400 and ended["started"] == started["seq"]
    assert ended["params"]["bundle"] == "b"


def test_an_upload_whose_start_cannot_be_recorded_is_not_run(
    embedded_api: Api, tmp_path: Path
) -> None:
    api = embedded_api
    generate(tmp_path / "b", seed=1, scale=0.05)
    data = _zip_folder(tmp_path / "b")
    before = api.store.counts()
    db = sqlite3.connect(_services(api).audit.path, isolation_level=None)
    db.execute("ALTER TABLE audit RENAME TO audit_away")
    try:
        r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", data)},
                     data={"bundle": "b"})
    finally:
        db.execute("ALTER TABLE audit_away RENAME TO audit")
        db.close()
    assert r.status_code == 503 and r.json()["status"] == 503
    assert api.store.counts() == before  # nothing written: the upload never ran
    ok = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", data)},
                  data={"bundle": "b"})
    assert ok.status_code == 200 and api.store.counts() != before  # the same upload works


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_are_readable_by_their_owner_only(
    embedded_store: Store, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    build(embedded_store)
    api = make_api(embedded_store, state, workers=2)  # workers: limits.sqlite too
    with api.client:
        api.get(f"{P}/rings", "reskrim")
        api.get(f"{P}/flags", "propam")
        files = sorted(p for p in state.iterdir() if ".sqlite" in p.name)
        names = {p.name for p in files}
        assert {"audit.sqlite", "audit-propam.sqlite", "users.sqlite", "limits.sqlite",
                "audit.sqlite-wal", "audit.sqlite-shm", "users.sqlite-wal"} <= names, names
        assert {p.name: oct(_mode(p)) for p in files} == {p.name: "0o600" for p in files}


def test_an_older_world_readable_file_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    for p in (path, Path(f"{path}-wal")):
        os.chmod(p, 0o644)
    users = UserStore(path)  # as an older version left it
    db.close()
    try:
        assert _mode(path) == 0o600 and _mode(Path(f"{path}-wal")) == 0o600
    finally:
        users.close()


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.path)


def _request(sock: str, method: str, url: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = _UnixConnection(sock)
    try:
        conn.request(method, url, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _started_in(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT entry FROM audit ORDER BY seq").fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        db.close()
    return [e for (t,) in rows if (e := json.loads(t)).get("status") == "started"]


def test_a_server_killed_during_an_upload_leaves_its_started_entry(tmp_path: Path) -> None:
    """A real server process, SIGKILLed while the upload's body is still arriving: its
    entry was committed before the body was read, and the trail still verifies."""
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    store.close()
    state = tmp_path / "state"
    users = UserStore(state / "users.sqlite")
    users.add("analyst1", role="analyst", password=PASSWORD)
    users.close()
    key = secrets.token_urlsafe(48)
    sock = str(tmp_path / "s.sock")
    env = {**os.environ, "TELUSUR_SECRET": secrets.token_urlsafe(48), "TELUSUR_AUDIT_KEY": key,
           "TELUSUR_STORE": f"embedded:{tmp_path / 'store'}", "TELUSUR_STATE_DIR": str(state),
           "TELUSUR_WARM_INTERVAL": "0"}
    env.pop("TELUSUR_WORKERS", None)
    env.pop("TELUSUR_DEV", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import uvicorn; uvicorn.run('graph_api.web.app:app_from_env', "
         f"factory=True, uds={sock!r}, log_level='warning')"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    upload = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _request(sock, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, (
                (tmp_path / "serve.log").read_text()[-3000:])
            time.sleep(0.1)
        status, body = _request(
            sock, "POST", f"{P}/auth/token",
            f"username=analyst1&password={PASSWORD.replace(' ', '+')}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200, body
        token = json.loads(body)["access_token"]
        head = (
            f"POST {P}/ingest HTTP/1.1\r\nHost: localhost\r\n"
            f"Authorization: Bearer {token}\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n"
            "Content-Length: 10000000\r\n\r\n"
            '--xyz\r\nContent-Disposition: form-data; name="bundle"\r\n\r\nslow\r\n'
            '--xyz\r\nContent-Disposition: form-data; name="file"; filename="b.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        upload.connect(sock)
        upload.sendall(head + b"PK" + b"\0" * 4096)  # and the rest never comes
        deadline = time.monotonic() + 60
        while not (started := _started_in(state / "audit.sqlite")):
            assert time.monotonic() < deadline and proc.poll() is None, (
                "no 'started' entry while the upload is in progress")
            time.sleep(0.05)
    finally:
        proc.kill()  # SIGKILL: no shutdown, no final entry
        proc.wait(timeout=60)
        upload.close()
        log.close()
    trail = AuditLog(state / "audit.sqlite", key=key.encode())
    try:
        entries = trail.entries(limit=1000)
        assert trail.verify().ok
    finally:
        trail.close()
    (entry,) = started
    assert entry["user"] == "analyst1" and entry["path"] == f"{P}/ingest"
    assert entries[-1]["seq"] == entry["seq"]  # the last thing the server recorded
    assert not any(e.get("started") == entry["seq"] for e in entries)


@pytest.fixture(autouse=True)
def _no_workers_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELUSUR_WORKERS", raising=False)
