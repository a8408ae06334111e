"""The audit trail: an append-only chain of entries, each sealed by a keyed MAC, in its
own SQLite file.

Each entry is canonical JSON carrying its sequence number and the MAC of the entry
before it (the first one: a MAC of the trail's name); its own MAC is an HMAC-SHA256 of
both, keyed by ``TELUSUR_AUDIT_KEY``, which the files do not hold. Whoever can write
the file but has not the key can neither edit, drop, insert or append an entry nor
recompute the chain after doing so: :meth:`AuditLog.verify` names the first entry that
does not fit. Cutting entries off the end leaves a valid, shorter chain: that is found
against a head exported earlier (:meth:`AuditLog.head`, ``telusur audit head``).
A file written before the key existed (plain SHA-256 links) is reported as an
*unkeyed* chain, never as verified (:func:`archive_unkeyed` sets it aside).

Two trails: ``main`` (``audit.sqlite``, read by admins) and ``propam``
(``audit-propam.sqlite``): every request of the Propam role and every request for a
Propam path (:func:`propam_activity`) goes to the second, which only Propam reads.
The audit trail is evidence, kept apart from the operators' debug logs.

**Group commit.** Appends go to one writer thread, which writes every entry waiting
at that moment in one transaction (one sync to disk for all of them, instead of one
per request) and only then tells each caller that its entry is stored: an answered
request's entry is durable exactly as before, and the chain is built entry by entry
inside the transaction, as before. Under concurrent requests this is what keeps the
audit trail from being the service's bottleneck (``docs/performance.md``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import ConfigError, InputError
from graph.files import COMPANIONS, private_sqlite
from graph_api.web.locks import ProcessLock

log = logging.getLogger("telusur.web")
#: entries written in one transaction at most
BATCH = 256
#: how entries are linked in a keyed trail (kept in the file's ``audit_meta``)
SCHEME = "hmac-sha256-v1"
TRAILS = ("main", "propam")
#: the link before the first entry of an unkeyed (old) chain
GENESIS = "0" * 64
HEAD_PREFIX = "telusur-audit-head"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
# Propam's own paths, with or without the API prefix: the API's flags, official links
# and Propam audit; the pages' Propam page and official graph.
_PROPAM_PATH = re.compile(
    r"^(?:/api/v1)?/(?:flags(?:/|$)|officials/.+/links/?$|propam(?:/|$)|graf/pejabat(?:/|$))"
)


class AuditKeyError(ConfigError):
    """The trail cannot be continued with this key (unkeyed, another key, another trail)."""


def propam_activity(role: str | None, path: str) -> bool:
    """Whether a request belongs in Propam's trail: made by the Propam role, or for a
    Propam path whoever asked (another role's 404 on ``/flags`` is Propam's business,
    not the admin's)."""
    return role == "propam" or _PROPAM_PATH.match(path) is not None


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: dict[str, Any]) -> str:
    """The plain SHA-256 link of an unkeyed (old) chain."""
    return hashlib.sha256(_canonical(entry).encode()).hexdigest()


def entry_mac(key: bytes, entry: dict[str, Any]) -> str:
    """An entry's link in a keyed trail."""
    return hmac.new(key, _canonical(entry).encode(), hashlib.sha256).hexdigest()


def genesis(key: bytes, trail: str) -> str:
    """The link before a keyed trail's first entry: one trail's file cannot pass for
    another's."""
    return hmac.new(key, b"telusur-audit-genesis:" + trail.encode(), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """Names the key in the file without revealing it (which key wrote this trail)."""
    return hmac.new(key, b"telusur-audit-key-id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Head:
    """The newest entry of a trail, as the operator exports it: one line to copy
    elsewhere, checked later by ``telusur audit verify --head``."""

    trail: str
    seq: int
    time: str
    mac: str

    def line(self) -> str:
        return f"{HEAD_PREFIX} trail={self.trail} seq={self.seq} time={self.time} mac={self.mac}"

    @classmethod
    def parse(cls, line: str) -> Head:
        """A line made by :meth:`line`; :class:`InputError` for anything else."""
        words = line.split()
        fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        try:
            if not words or words[0] != HEAD_PREFIX or set(fields) != {
                "trail", "seq", "time", "mac"
            }:
                raise ValueError
            head = cls(fields["trail"], int(fields["seq"]), fields["time"], fields["mac"])
        except ValueError:
            raise InputError(
                f"not an exported audit head: {line.strip()[:200]!r} "
                f"(expected '{HEAD_PREFIX} trail=... seq=... time=... mac=...')"
            ) from None
        if head.trail not in TRAILS or head.seq < 0 or not re.fullmatch(r"[0-9a-f]{64}", head.mac):
            raise InputError(f"not an exported audit head: {line.strip()[:200]!r}")
        return head


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    first_bad: int | None = None
    reason: str | None = None
    head: str | None = None
    #: False for an old chain of plain hashes (never ``ok``)
    keyed: bool = True
    trail: str = "main"
    #: the line ``telusur audit head`` prints, when the trail verified
    head_line: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad": self.first_bad,
            "reason": self.reason,
            "head": self.head,
            "keyed": self.keyed,
            "trail": self.trail,
            "head_line": self.head_line,
        }


@dataclass
class _Pending:
    """One entry waiting for the writer, and how to tell its caller."""

    record: dict[str, Any]
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[dict[str, Any]] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    entry: dict[str, Any] | None = None
    error: BaseException | None = None

    def settle(self) -> None:
        if self.loop is None or self.future is None:
            self.done.set()
            return
        try:
            self.loop.call_soon_threadsafe(self._resolve)
        except RuntimeError:  # the caller's loop is gone (shutdown): nobody waits
            pass

    def _resolve(self) -> None:
        assert self.future is not None
        if self.future.done():  # the request was cancelled; its entry is written anyway
            return
        if self.error is not None:
            self.future.set_exception(self.error)
        else:
            assert self.entry is not None
            self.future.set_result(self.entry)


class AuditLog:
    """Append entries; read them back; verify the chain.

    ``key`` seals new entries and checks old ones; without it (``None``) the trail can
    be read but neither appended to nor verified.
    """

    def __init__(
        self, path: Path, *, key: bytes | None, trail: str = "main", batch: int = BATCH
    ) -> None:
        if trail not in TRAILS:
            raise ValueError(f"no audit trail {trail!r}")
        self.path = path
        self.trail = trail
        self.batch = batch
        self._key = key
        # several worker processes append to one file: wait for each other's commit
        self._db = private_sqlite(
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        if key is not None:
            self._seal_new()
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._start = threading.Lock()
        #: transactions written and entries in them (how well appends are grouped)
        self.commits = 0
        self.written = 0

    def _seal_new(self) -> None:
        """A trail without entries is marked as keyed by this key (once, whoever of
        several workers comes first)."""
        assert self._key is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._db.execute("SELECT 1 FROM audit LIMIT 1").fetchone() is None:
                self._db.executemany(
                    "INSERT OR IGNORE INTO audit_meta (name, value) VALUES (?, ?)",
                    [("scheme", SCHEME), ("key_id", key_id(self._key)), ("trail", self.trail)],
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT name, value FROM audit_meta").fetchall())

    def unusable(self) -> str | None:
        """Why entries cannot be appended to this file with this key, or ``None``."""
        if self._key is None:
            return "no TELUSUR_AUDIT_KEY"
        meta = self._meta()
        if meta.get("scheme") != SCHEME:
            return (
                "it holds an unkeyed audit chain (written before TELUSUR_AUDIT_KEY); "
                "stop the service and run `telusur audit archive-unkeyed` to set it aside"
            )
        if meta.get("trail") != self.trail:
            return f"it is the {meta.get('trail')!r} audit trail, not {self.trail!r}"
        if not hmac.compare_digest(meta.get("key_id", ""), key_id(self._key)):
            return "it was written with another TELUSUR_AUDIT_KEY"
        return None

    def close(self) -> None:
        with self._start:
            writer, self._writer = self._writer, None
        if writer is not None:
            self._queue.put(None)
            writer.join(timeout=60)
        self._db.close()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add one entry (``time`` filled in when absent) and return it with its MAC
        (``hash``), once it is committed."""
        pending = _Pending(record)
        self._submit(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        assert pending.entry is not None
        return pending.entry

    async def append_async(self, record: dict[str, Any]) -> dict[str, Any]:
        """:meth:`append` for the event loop: no thread is held while the entry waits."""
        loop = asyncio.get_running_loop()
        pending = _Pending(record, loop, loop.create_future())
        self._submit(pending)
        assert pending.future is not None
        return await pending.future

    def _submit(self, pending: _Pending) -> None:
        with self._start:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._run, name=f"telusur-audit-{self.trail}", daemon=True
                )
                self._writer.start()
        self._queue.put(pending)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, stop = [first], False
            while len(batch) < self.batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        """Every entry of ``batch`` in one transaction, chained in order; then answer."""
        try:
            key = self._key
            if key is None:
                raise AuditKeyError("the audit trail was opened without a key")
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    last = self._db.execute(
                        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
                    ).fetchone()
                    seq, prev = (last[0], last[1]) if last else (0, genesis(key, self.trail))
                    rows = []
                    for p in batch:
                        seq += 1
                        entry = {
                            "time": _now(),
                            **p.record,
                            "seq": seq,
                            "prev": prev,
                        }
                        prev = entry_mac(key, entry)
                        rows.append((seq, _canonical(entry), prev))
                        p.entry = {**entry, "hash": prev}
                    self._db.executemany(
                        "INSERT INTO audit (seq, entry, hash) VALUES (?, ?, ?)", rows
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            self.commits += 1
            self.written += len(batch)
        except BaseException as exc:  # noqa: BLE001 - every caller hears of it (503)
            log.exception("audit entries could not be written")
            for p in batch:
                p.entry, p.error = None, exc
        for p in batch:
            p.settle()

    def entries(self, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT entry, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return [{**json.loads(e), "hash": h} for e, h in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM audit").fetchone()[0])

    def head(self) -> Head:
        """The newest entry, to export (``seq`` 0 and the genesis link when empty).
        Only a verified trail's head is worth exporting: see :meth:`verify`."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, entry, hash FROM audit ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        if row is None:
            start = genesis(self._key, self.trail) if self._key is not None else GENESIS
            return Head(self.trail, 0, "-", start)
        return Head(self.trail, int(row[0]), str(json.loads(row[1]).get("time", "-")), row[2])

    def verify(self, heads: list[Head] | None = None) -> Verdict:
        """Walk the chain in storage order; the first entry that does not fit is named.

        Each of ``heads`` (exported earlier) must still be in the chain, unchanged: a
        trail cut short, rewritten by the key's holder or replaced by another file is
        found that way.
        """
        with self._lock:
            meta = self._meta()
            rows = self._db.execute("SELECT seq, entry, hash FROM audit ORDER BY rowid").fetchall()
        if meta.get("scheme") != SCHEME:
            if not rows and not meta:
                return self._verify_keyed(rows, heads or [])  # new and empty
            return self._verify_unkeyed(rows)
        why = self.unusable()
        if why is not None:
            return Verdict(False, len(rows), None, f"cannot verify: {why}", trail=self.trail)
        return self._verify_keyed(rows, heads or [])

    def _verify_keyed(self, rows: list[tuple[int, str, str]], heads: list[Head]) -> Verdict:
        key = self._key
        if key is None:
            return Verdict(False, len(rows), None, "cannot verify: no TELUSUR_AUDIT_KEY",
                           trail=self.trail)
        found, reason = _walk(rows, genesis(key, self.trail), lambda e: entry_mac(key, e))
        n = len(rows)
        if found is not None:
            return Verdict(False, n, found, reason, trail=self.trail)
        at = {int(seq): (text, mac) for seq, text, mac in rows}
        for h in heads:
            if h.trail != self.trail:
                return Verdict(False, n, None, f"the head given is of the {h.trail} trail",
                               trail=self.trail)
            if h.seq == 0:
                continue
            if h.seq > n:
                return Verdict(
                    False,
                    n,
                    n + 1,
                    f"the trail ends at entry {n} but a head exported earlier names entry "
                    f"{h.seq}: entries were cut off the end, or the file was replaced",
                    trail=self.trail,
                )
            text, mac = at[h.seq]
            if not hmac.compare_digest(mac, h.mac) or json.loads(text).get("time") != h.time:
                return Verdict(
                    False,
                    n,
                    h.seq,
                    f"entry {h.seq} is not the one exported as head: the trail was rewritten "
                    "or replaced",
                    trail=self.trail,
                )
        head = self.head() if n else None
        return Verdict(
            True,
            n,
            None,
            None,
            head.mac if head else None,
            trail=self.trail,
            head_line=(head or self.head()).line(),
        )

    def _verify_unkeyed(self, rows: list[tuple[int, str, str]]) -> Verdict:
        found, why = _walk(rows, GENESIS, entry_hash)
        state = "its plain hashes are consistent" if found is None else (
            f"even its plain hashes break at entry {found} ({why})"
        )
        return Verdict(
            False,
            len(rows),
            found,
            "UNKEYED: an old audit chain of plain SHA-256 hashes, written before "
            "TELUSUR_AUDIT_KEY. Anyone able to write the file could have rewritten it and "
            f"recomputed them, so it proves nothing; {state}. Set it aside with "
            "`telusur audit archive-unkeyed`.",
            rows[-1][2] if rows else None,
            keyed=False,
            trail=self.trail,
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _walk(
    rows: list[tuple[int, str, str]], start: str, link: Callable[[dict[str, Any]], str]
) -> tuple[int | None, str | None]:
    """The first entry (seq) of ``rows`` that does not follow from ``start`` by ``link``,
    and why; ``(None, None)`` when all do."""
    prev = start
    for pos, (seq, text, stored) in enumerate(rows, start=1):
        try:
            entry = json.loads(text)
        except ValueError:
            return seq, "entry is not valid JSON"
        if entry.get("seq") != pos or seq != pos:
            return seq, f"expected entry {pos} here: an entry was deleted, inserted or moved"
        if entry.get("prev") != prev:
            return seq, "does not follow the entry before it (deleted, inserted or reordered)"
        if not hmac.compare_digest(link(entry), stored):
            return seq, (
                "its seal does not match: changed after it was written, or written without "
                "the key"
            )
        prev = stored
    return None, None


def _set_aside(path: Path, label: str) -> Path:
    """Rename ``path`` (and its SQLite companions) to ``<stem>-<label>-<time>.sqlite``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.stem}-{label}-{stamp}{path.suffix}")
    for suffix in COMPANIONS:
        old = Path(str(path) + suffix)
        if old.exists():
            os.replace(old, str(aside) + suffix)
    os.replace(path, aside)
    return aside


def open_trail(path: Path, *, key: bytes, trail: str, dev: bool = False) -> AuditLog:
    """The service's trail at ``path``, ready to append with ``key``.

    A file that cannot be continued with this key (an old unkeyed chain, another key,
    another trail) stops the service (:class:`AuditKeyError`); in development mode,
    whose key is thrown away with each process, the file is set aside instead, loudly.
    """
    with ProcessLock(path.with_name("audit.lock")):  # the workers start one at a time
        log_ = AuditLog(path, key=key, trail=trail)
        why = log_.unusable()
        if why is None:
            return log_
        empty = log_.count() == 0
        log_.close()
        if not dev:
            raise AuditKeyError(f"cannot continue the audit trail {path}: {why}")
        if empty:  # nothing to keep (a development trail nobody wrote to)
            for name in (str(path), *(str(path) + s for s in COMPANIONS)):
                Path(name).unlink(missing_ok=True)
            return AuditLog(path, key=key, trail=trail)
        aside = _set_aside(path, "set-aside")
        log.warning(
            "DEVELOPMENT MODE: the audit trail %s could not be continued (%s); it was moved "
            "to %s and a new trail begins", path, why, aside.name,
        )
        return AuditLog(path, key=key, trail=trail)


def archive_unkeyed(path: Path, *, key: bytes) -> dict[str, Any]:
    """Set an old unkeyed chain aside and start a keyed main trail at ``path`` whose
    first entry records the old chain's file, length, last hash and state: from then
    on the old chain's end is sealed by the key. The service must be stopped.
    :class:`InputError` when ``path`` is not an unkeyed chain."""
    with ProcessLock(path.with_name("audit.lock")):
        old = AuditLog(path, key=None)
        try:
            if old._meta().get("scheme") == SCHEME or old.count() == 0:
                raise InputError(f"{path} is not an unkeyed audit chain")
            verdict = old.verify()
        finally:
            old.close()
        aside = _set_aside(path, "unkeyed")
        new = AuditLog(path, key=key, trail="main")
        try:
            return new.append(
                {
                    "event": "unkeyed chain archived",
                    "archived_file": aside.name,
                    "archived_entries": verdict.entries,
                    "archived_head": verdict.head,
                    "archived_plain_chain_ok": verdict.first_bad is None,
                }
            )
        finally:
            new.close()


def page(trail: AuditLog, *, after: int, limit: int) -> dict[str, Any]:
    """A page of ``trail``'s entries after ``seq`` ``after``, as the API lists them."""
    items = trail.entries(after=after, limit=limit)
    nxt = str(items[-1]["seq"]) if len(items) == limit else None
    return {"data": items, "count": trail.count(), "next_cursor": nxt}


def verify_against(trail: AuditLog, head: str | None) -> Verdict:
    """:meth:`AuditLog.verify`, against the exported ``head`` line when one is given
    (:class:`InputError` when it is not a head line)."""
    return trail.verify([Head.parse(head)] if head else None)
