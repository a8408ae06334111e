"""The audit trail: an append-only, hash-chained log in its own SQLite file.

Each entry is canonical JSON carrying its sequence number and the SHA-256 of the
entry before it; its own hash covers both. :meth:`AuditLog.verify` recomputes
the chain and names the first entry that was edited, deleted, inserted or moved.
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
import json
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("telusur.web")
#: entries written in one transaction at most
BATCH = 256

GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(entry).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    first_bad: int | None = None
    reason: str | None = None
    head: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad": self.first_bad,
            "reason": self.reason,
            "head": self.head,
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
    """Append entries; read them back; verify the chain."""

    def __init__(self, path: Path, *, batch: int = BATCH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.batch = batch
        # several worker processes append to one file: wait for each other's commit
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._start = threading.Lock()
        #: transactions written and entries in them (how well appends are grouped)
        self.commits = 0
        self.written = 0

    def close(self) -> None:
        with self._start:
            writer, self._writer = self._writer, None
        if writer is not None:
            self._queue.put(None)
            writer.join(timeout=60)
        self._db.close()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add one entry (``time`` filled in when absent) and return it with its hash,
        once it is committed."""
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
                    target=self._run, name="telusur-audit", daemon=True
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
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    last = self._db.execute(
                        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
                    ).fetchone()
                    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
                    rows = []
                    for p in batch:
                        seq += 1
                        entry = {
                            "time": datetime.now(UTC)
                            .isoformat(timespec="microseconds")
                            .replace("+00:00", "Z"),
                            **p.record,
                            "seq": seq,
                            "prev": prev,
                        }
                        prev = entry_hash(entry)
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

    def verify(self) -> Verdict:
        """Walk the chain in storage order; the first entry that does not fit is named."""
        with self._lock:
            rows = self._db.execute("SELECT seq, entry, hash FROM audit ORDER BY rowid").fetchall()
        prev, n = GENESIS, 0
        for pos, (seq, text, stored) in enumerate(rows, start=1):
            n = pos
            try:
                entry = json.loads(text)
            except ValueError:
                return Verdict(False, len(rows), seq, "entry is not valid JSON")
            if entry.get("seq") != pos or seq != pos:
                return Verdict(
                    False,
                    len(rows),
                    seq,
                    f"expected entry {pos} here: an entry was deleted, inserted or moved",
                )
            if entry.get("prev") != prev:
                return Verdict(
                    False,
                    len(rows),
                    seq,
                    "does not follow the entry before it (deleted, inserted or reordered)",
                )
            if entry_hash(entry) != stored:
                return Verdict(False, len(rows), seq, "content changed after it was written")
            prev = stored
        return Verdict(True, n, None, None, prev if n else None)
