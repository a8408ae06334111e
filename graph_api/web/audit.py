"""The audit trail: an append-only, hash-chained log in its own SQLite file.

Each entry is canonical JSON carrying its sequence number and the SHA-256 of the
entry before it; its own hash covers both. :meth:`AuditLog.verify` recomputes
the chain and names the first entry that was edited, deleted, inserted or moved.
The audit trail is evidence, kept apart from the operators' debug logs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


class AuditLog:
    """Append entries; read them back; verify the chain."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # several worker processes append to one file: wait for each other's commit
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add one entry (``time`` filled in when absent) and return it with its hash."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute(
                    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                entry = {
                    "time": datetime.now(UTC)
                    .isoformat(timespec="microseconds")
                    .replace("+00:00", "Z"),
                    **record,
                    "seq": seq,
                    "prev": prev,
                }
                h = entry_hash(entry)
                self._db.execute(
                    "INSERT INTO audit (seq, entry, hash) VALUES (?, ?, ?)",
                    (seq, _canonical(entry), h),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return {**entry, "hash": h}

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
