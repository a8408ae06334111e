"""The audit trail: every request recorded, and any tampering found and named."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from api_helpers import Api
from typer.testing import CliRunner

from graph_api.cli import app as cli
from graph_api.web.audit import AuditLog

P = "/api/v1"
KEY = b"k9Vq-2xTmWv7LpQ4rZs8bNc1dF6gH0jK5uE3yA"


def _log(api: Api) -> AuditLog:
    log: AuditLog = api.client.app.state.services.audit  # type: ignore[attr-defined]
    return log


@pytest.fixture
def keyed(embedded_api: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    """The app, with its audit key in the environment as the operator's shell has it."""
    key = embedded_api.client.app.state.services.settings.audit_key  # type: ignore[attr-defined]
    monkeypatch.setenv("TELUSUR_AUDIT_KEY", key)
    return embedded_api


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.output


def test_every_request_is_recorded(embedded_api: Api) -> None:
    api = embedded_api
    n = _log(api).count()
    r = api.get(f"{P}/entities/t:M1", "reskrim")
    api.get(f"{P}/flags", "reskrim")  # a Propam path: in Propam's trail, not this one
    api.get(f"{P}/entities/search?q=Budi&limit=1", "analyst")
    api.get("/healthz", None)
    entries = _log(api).entries(after=n)
    assert [e["status"] for e in entries] == [200, 200, 200]
    first = entries[0]
    assert first["user"] == "reskrim1" and first["role"] == "reskrim"
    assert first["request_id"] == r.headers["x-request-id"]
    assert first["route"] == "/api/v1/entities/{id}" and first["params"] == {"id": "t:M1"}
    assert entries[1]["params"] == {"q": "Budi", "limit": "1"} and entries[1]["result_size"] == 1
    login = _log(api).entries()[0]
    assert login["params"] == {"username": "reskrim1"}  # never the password
    assert "password" not in json.dumps(_log(api).entries(limit=1000))


def _tamper(path: Path, how: str) -> int:
    db = sqlite3.connect(path)
    rows = db.execute("SELECT seq, entry FROM audit ORDER BY seq").fetchall()
    if how == "edit":
        e = json.loads(rows[3][1])
        e["user"] = "someone-else"
        db.execute("UPDATE audit SET entry=? WHERE seq=4", (json.dumps(e),))
        bad = 4
    elif how == "delete":
        db.execute("DELETE FROM audit WHERE seq=4")
        bad = 5
    elif how == "reorder":
        db.execute(
            "UPDATE audit SET entry=?, hash=(SELECT hash FROM audit WHERE seq=5) WHERE seq=4",
            (rows[4][1],),
        )
        db.execute("UPDATE audit SET entry=?, hash=? WHERE seq=5", (rows[3][1], "x"))
        bad = 4
    else:  # insert a forged entry in the middle, renumbering what follows
        db.execute("UPDATE audit SET seq = seq + 1000 WHERE seq >= 4")
        db.execute("INSERT INTO audit VALUES (4, ?, ?)", (rows[3][1], "0" * 64))
        bad = 4
    db.commit()
    db.close()
    return bad


@pytest.mark.parametrize("how", ["edit", "delete", "reorder", "insert"])
def test_tampering_is_found_and_named(keyed: Api, how: str) -> None:
    api = keyed
    for _ in range(4):
        api.get(f"{P}/rings", "reskrim")
    ok = api.get(f"{P}/audit/verify", "admin").json()
    assert ok["ok"] and ok["first_bad"] is None and ok["keyed"]
    log = _log(api)
    bad = _tamper(log.path, how)
    verdict = api.get(f"{P}/audit/verify", "admin").json()
    assert verdict["ok"] is False and verdict["first_bad"] == bad, verdict
    state = str(log.path.parent)
    code, out = _cli("audit", "verify", "--state-dir", state)
    assert code == 1 and f"BROKEN main at entry {bad}" in out and "ok propam" in out, out
    code, out = _cli("audit", "show", "--state-dir", state, "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2


def test_cli_verify_ok(keyed: Api) -> None:
    state = str(_log(keyed).path.parent)
    code, out = _cli("audit", "verify", "--state-dir", state)
    assert code == 0 and out.startswith("ok main:") and "ok propam:" in out, out


def test_concurrent_appends_share_a_commit_and_keep_one_chain(tmp_path: Path) -> None:
    """Entries waiting at the same moment are written in one transaction, in order."""
    import asyncio

    log = AuditLog(tmp_path / "audit.sqlite", key=KEY)
    log.append({"n": 0})
    other = sqlite3.connect(tmp_path / "audit.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another worker process is writing: appends queue up
    loop = asyncio.new_event_loop()
    try:
        tasks = [loop.create_task(log.append_async({"n": i})) for i in range(1, 21)]
        loop.run_until_complete(asyncio.sleep(0))  # every task has handed in its entry
        commits = log.commits
        other.execute("COMMIT")
        results = loop.run_until_complete(asyncio.gather(*tasks))
    finally:
        loop.close()
        other.close()
    assert log.written == 21
    assert log.commits - commits <= 2  # the waiting entries went in together
    assert sorted(int(r["seq"]) for r in results) == list(range(2, 22))
    verdict = log.verify()
    assert verdict.ok and verdict.entries == 21
    log.close()


def test_no_answer_without_its_audit_entry(embedded_api: Api) -> None:
    api = embedded_api
    path = _log(api).path
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("ALTER TABLE audit RENAME TO audit_away")  # the trail cannot be written
    try:
        r = api.get(f"{P}/entities/t:M1", "reskrim")
        assert r.status_code == 503 and r.json()["title"] == "jejak audit tidak tersedia"
        assert "Budi" not in r.text
        en = api.get(f"{P}/entities/t:M1?lang=en", "reskrim")
        assert en.status_code == 503 and en.json()["title"] == "audit unavailable"
    finally:
        db.execute("ALTER TABLE audit_away RENAME TO audit")
        db.close()
    assert api.get(f"{P}/entities/t:M1", "reskrim").status_code == 200
    assert _log(api).verify().ok
