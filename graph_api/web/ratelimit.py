"""Per-user (or per-address) token buckets: in memory for one process, or in a
SQLite file shared by the worker processes of one service."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from graph.files import private_sqlite


class Limiter(Protocol):
    def hit(self, key: str) -> float:
        """Take one token; 0.0 when allowed, else seconds until the next one."""


def sign_in_wait(limiter: Limiter, *, client: str, name: str) -> float:
    """Take one sign-in attempt from the budgets of the client's address and of the
    user name asked for: 0.0 when allowed, else seconds to wait. The API
    (``POST /auth/token``) and the pages (``POST /masuk``) share these budgets, so
    neither is a way around the other's limit."""
    for key in ("addr:" + client, "name:" + name):
        wait = limiter.hit(key)
        if wait:
            return wait
    return 0.0


class RateLimiter:
    """Allow ``per_minute`` requests per key, with bursts up to the same number."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Take one token; 0.0 when allowed, else seconds until the next one."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # forget idle keys; bounded memory
                self._buckets.clear()
            return max(1.0, math.ceil((1.0 - tokens) / self.rate))


class SharedRateLimiter:
    """The same token buckets in a SQLite file, shared by the worker processes of one
    service (``telusur serve --workers N``): a user's budget is the service's, not one
    worker's. The buckets need no durability (``synchronous=OFF``); the wall clock is
    what the processes share."""

    def __init__(
        self,
        path: Path,
        per_minute: int,
        *,
        name: str = "user",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self.name = name
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = private_sqlite(  # 0600: user names (graph.files)
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS buckets "
            "(key TEXT PRIMARY KEY, tokens REAL NOT NULL, last REAL NOT NULL)"
        )
        self._hits = 0

    def hit(self, key: str) -> float:
        """Take one token; 0.0 when allowed, else seconds until the next one."""
        k = f"{self.name}:{key}"
        with self._lock:
            now = self._clock()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT tokens, last FROM buckets WHERE key = ?", (k,)
                ).fetchone()
                tokens = self.burst
                if row is not None:
                    tokens = min(self.burst, row[0] + max(0.0, now - row[1]) * self.rate)
                allowed = tokens >= 1.0
                self._db.execute(
                    "INSERT OR REPLACE INTO buckets (key, tokens, last) VALUES (?, ?, ?)",
                    (k, tokens - 1.0 if allowed else tokens, now),
                )
                self._hits += 1
                if self._hits % 10_000 == 0:  # forget keys idle until full again: bounded
                    self._db.execute(
                        "DELETE FROM buckets WHERE last < ?", (now - self.burst / self.rate,)
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return 0.0 if allowed else max(1.0, math.ceil((1.0 - tokens) / self.rate))

    def close(self) -> None:
        self._db.close()
