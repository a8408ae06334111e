"""The audit trail: every request recorded, and any tampering found and named."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from pathlib import Path

import pytest
from api_helpers import Api, settings
from typer.testing import CliRunner

from graph.errors import ConfigError
from graph_api.cli import app as cli
from graph_api.web import Settings, create_app
from graph_api.web.audit import AuditKeyError, AuditLog, open_trail

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


def _canonical(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _rewrite(path: Path, how: str, recompute: str) -> None:
    """What an insider with write access to the file does: change the entries, then
    recompute every link after the change (plain SHA-256, as the old chain had, or an
    HMAC under a key of their own) so that the chain holds together again."""
    db = sqlite3.connect(path)
    entries = [json.loads(t) for (t,) in db.execute("SELECT entry FROM audit ORDER BY seq")]
    if how == "drop":
        del entries[3]
    elif how == "reattribute":
        for e in entries:
            if e.get("user") == "reskrim1":
                e["user"] = "analyst1"
    elif how == "forge":
        entries.append({**entries[-1], "user": "admin1", "path": "/api/v1/rings/t:R9"})
    mine = secrets.token_bytes(32)
    prev = entries[0]["prev"]  # the first link is left as it was
    rows = []
    for seq, e in enumerate(entries, start=1):
        e["seq"], e["prev"] = seq, prev
        text = _canonical(e)
        if recompute == "plain":
            prev = hashlib.sha256(text.encode()).hexdigest()
        else:
            prev = hmac.new(mine, text.encode(), hashlib.sha256).hexdigest()
        rows.append((seq, text, prev))
    db.execute("DELETE FROM audit")
    db.executemany("INSERT INTO audit VALUES (?, ?, ?)", rows)
    db.commit()
    db.close()


@pytest.mark.parametrize("recompute", ["plain", "own-key"])
@pytest.mark.parametrize("how", ["drop", "reattribute", "forge"])
def test_rewrites_with_recomputed_links_are_found(keyed: Api, how: str, recompute: str) -> None:
    """Entries dropped, users re-attributed or a forged entry appended, the chain then
    recomputed: without the service's key the seals cannot be made again."""
    api = keyed
    for role in ("reskrim", "analyst", "reskrim"):
        api.get(f"{P}/rings", role)
    log = _log(api)
    _rewrite(log.path, how, recompute)
    verdict = api.get(f"{P}/audit/verify", "admin").json()
    assert verdict["ok"] is False and verdict["first_bad"] is not None, verdict
    code, out = _cli("audit", "verify", "--state-dir", str(log.path.parent), "--trail", "main")
    assert code == 1 and out.startswith("BROKEN main at entry"), out


def test_an_end_cut_off_is_found_against_the_exported_head(keyed: Api, tmp_path: Path) -> None:
    api = keyed
    log = _log(api)
    state = str(log.path.parent)
    api.get(f"{P}/rings", "reskrim")
    code, out = _cli("audit", "head", "--state-dir", state, "--trail", "main")
    assert code == 0 and out.startswith("telusur-audit-head trail=main seq="), out
    head = out.strip()
    exported = int(head.split("seq=")[1].split()[0])
    for _ in range(3):
        api.get(f"{P}/rings", "reskrim")
    heads = tmp_path / "heads.txt"
    code, out = _cli("audit", "head", "--state-dir", state)  # both trails, one line each
    assert code == 0 and len(out.splitlines()) == 2 and "trail=propam" in out, out
    heads.write_text(f"# exported daily\n{head}\n{out}")
    code, out = _cli("audit", "verify", "--state-dir", state, "--head-file", str(heads))
    assert code == 0, out
    ok = api.get(f"{P}/audit/verify", "admin", params={"head": head}).json()
    assert ok["ok"] and ok["head_line"].startswith("telusur-audit-head trail=main"), ok

    db = sqlite3.connect(log.path)  # cut the trail back to before the exported head
    db.execute("DELETE FROM audit WHERE seq >= ?", (exported,))
    db.commit()
    db.close()
    assert log.verify().ok  # what is left is a valid chain: only the head can tell
    code, out = _cli("audit", "verify", "--state-dir", state, "--head", head)
    assert code == 1 and f"names entry {exported}" in out and "cut off" in out, out
    code, out = _cli("audit", "verify", "--state-dir", state, "--head-file", str(heads))
    assert code == 1, out
    cut = api.get(f"{P}/audit/verify", "admin", params={"head": head}).json()
    assert cut["ok"] is False and cut["first_bad"] == exported, cut
    bad = api.get(f"{P}/audit/verify", "admin", params={"head": "seq=1 mac=00"})
    assert bad.status_code == 400


def test_a_replaced_trail_is_found_against_the_exported_head(keyed: Api) -> None:
    """The file deleted: the service starts a new, valid trail; the head names the old."""
    api = keyed
    log = _log(api)
    api.get(f"{P}/rings", "reskrim")
    head = log.head()
    key = api.client.app.state.services.settings.audit_key.encode()  # type: ignore[attr-defined]
    other = AuditLog(log.path.with_name("replaced.sqlite"), key=key)
    for _ in range(head.seq + 2):
        other.append({"user": "reskrim1", "status": 200})
    assert other.verify().ok
    verdict = other.verify([head])
    assert not verdict.ok and verdict.first_bad == head.seq and "rewritten or replaced" in (
        verdict.reason or ""
    )
    other.close()


def _old_chain(path: Path, n: int) -> str:
    """A trail as versions before the key wrote it: plain SHA-256 links, no key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL, "
               "hash TEXT NOT NULL)")
    prev = "0" * 64
    for seq in range(1, n + 1):
        text = _canonical({"time": "2025-01-01T00:00:00Z", "user": "reskrim1", "seq": seq,
                           "prev": prev})
        prev = hashlib.sha256(text.encode()).hexdigest()
        db.execute("INSERT INTO audit VALUES (?, ?, ?)", (seq, text, prev))
    db.commit()
    db.close()
    return prev


def test_an_unkeyed_chain_is_named_and_never_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state"
    last = _old_chain(state / "audit.sqlite", 5)
    monkeypatch.setenv("TELUSUR_AUDIT_KEY", KEY.decode())
    code, out = _cli("audit", "verify", "--state-dir", str(state), "--trail", "main")
    assert code == 1 and out.startswith("UNKEYED main: 5 entries") and "proves nothing" in out
    with pytest.raises(AuditKeyError, match="unkeyed"):  # the service does not continue it
        open_trail(state / "audit.sqlite", key=KEY, trail="main")
    with pytest.raises(ConfigError, match="unkeyed"):
        create_app(settings(state, audit_key=KEY.decode()))

    code, out = _cli("audit", "archive-unkeyed", "--state-dir", str(state))
    assert code == 0 and "archived 5 unkeyed entries" in out, out
    aside = next(state.glob("audit-unkeyed-*.sqlite"))
    log = AuditLog(state / "audit.sqlite", key=KEY)
    first = log.entries()[0]
    assert first["archived_file"] == aside.name and first["archived_head"] == last
    assert first["archived_plain_chain_ok"] is True and log.verify().ok
    log.close()
    code, out = _cli("audit", "archive-unkeyed", "--state-dir", str(state))
    assert code != 0  # a keyed trail is not archived

    _old_chain(tmp_path / "dev" / "audit.sqlite", 2)  # development: set aside, loudly
    dev = open_trail(tmp_path / "dev" / "audit.sqlite", key=KEY, trail="main", dev=True)
    assert dev.count() == 0 and list((tmp_path / "dev").glob("audit-set-aside-*.sqlite"))
    assert "DEVELOPMENT MODE" in caplog.text
    dev.close()
    AuditLog(tmp_path / "dev2" / "audit.sqlite", key=b"another" + KEY).close()  # no entries
    dev = open_trail(tmp_path / "dev2" / "audit.sqlite", key=KEY, trail="main", dev=True)
    assert dev.unusable() is None and not list((tmp_path / "dev2").glob("*set-aside*"))
    dev.close()


def test_another_key_cannot_continue_or_verify_a_trail(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite"
    log = AuditLog(path, key=KEY)
    log.append({"user": "reskrim1"})
    log.close()
    other = b"Z" + KEY[1:]
    with pytest.raises(AuditKeyError, match="another TELUSUR_AUDIT_KEY"):
        open_trail(path, key=other, trail="main")
    with pytest.raises(AuditKeyError, match="'main' audit trail, not 'propam'"):
        open_trail(path, key=KEY, trail="propam")  # one trail's file is not the other's
    wrong = AuditLog(path, key=other)
    verdict = wrong.verify()
    assert not verdict.ok and "another TELUSUR_AUDIT_KEY" in (verdict.reason or "")
    wrong.close()
    db = sqlite3.connect(path)  # the record of the key removed: now it looks unkeyed
    db.execute("DELETE FROM audit_meta")
    db.commit()
    db.close()
    again = AuditLog(path, key=KEY)
    assert not again.verify().ok and not again.verify().keyed
    again.close()


@pytest.mark.parametrize(
    "key",
    [None, "", "short", "changeme" * 5, "please-replace-this-with-a-long-random-audit-key"],
)
def test_the_audit_key_is_required(key: str | None) -> None:
    env = {"TELUSUR_SECRET": "Qw9-vT3zL0pX7mRkA2sD5fG8hJ1nB4cE6yU"}
    if key is not None:
        env["TELUSUR_AUDIT_KEY"] = key
    with pytest.raises(ConfigError, match="TELUSUR_AUDIT_KEY"):
        Settings.from_env(env)


def test_the_audit_key_is_not_the_jwt_secret(caplog: pytest.LogCaptureFixture) -> None:
    secret = "Qw9-vT3zL0pX7mRkA2sD5fG8hJ1nB4cE6yU"
    with pytest.raises(ConfigError, match="must not be TELUSUR_SECRET"):
        Settings.from_env({"TELUSUR_SECRET": secret, "TELUSUR_AUDIT_KEY": secret})
    dev = Settings.from_env({"TELUSUR_DEV": "1"})  # development: a throw-away key, loudly
    assert len(dev.audit_key) >= 32 and dev.audit_key != dev.secret
    assert "throw-away audit key" in caplog.text
    good = Settings.from_env({"TELUSUR_SECRET": secret, "TELUSUR_AUDIT_KEY": KEY.decode()})
    assert good.audit_key == KEY.decode() and KEY.decode() not in repr(good)
