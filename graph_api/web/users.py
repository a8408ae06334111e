"""The user store: a small SQLite file (``<state dir>/users.sqlite``).

Each user has a role, an argon2 hash and a token ``version``; changing the
password or disabling the user gives it a new version, which invalidates every
token issued before. Versions come from one counter per users file that starts at
a random value and only ever goes up: a user deleted and added again by the same
name (or a users file made anew) never gets back a version that an old token
carries. Passwords are checked by :mod:`graph_api.web.passwords`.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import InputError, NotFound
from graph.files import private_sqlite
from graph_api.web import passwords
from graph_api.web.security import ROLES, hash_password, verify_password

NAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_PASSWORD = passwords.MIN_LENGTH

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
#: where the token version counter of a new users file starts: random, below 2^52 (a
#: JSON number stays exact), far above any count of changes
_START_BITS = 50


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    version: int
    created_at: str


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class UserStore:
    """Users and their roles."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # 0600: password hashes (graph.files)
        self._db = private_sqlite(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        with self._write() as db:
            # a file from before the counter: start above every version it has handed out
            db.execute(
                "INSERT OR IGNORE INTO counters (name, value) "
                "SELECT 'token_version', max(?, coalesce(max(version), 0)) FROM users",
                (secrets.randbits(_START_BITS) + 2,),
            )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (other processes, e.g. the CLI, wait their turn)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _next_version(self, db: sqlite3.Connection) -> int:
        """A token version never handed out before by this file (inside ``_write``)."""
        row = db.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'token_version' RETURNING value"
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()

    def _row(self, name: str) -> tuple[User, str] | None:
        with self._lock:
            r = self._db.execute(
                "SELECT name, role, disabled, version, created_at, hash FROM users WHERE name=?",
                (name,),
            ).fetchone()
        if r is None:
            return None
        return User(r[0], r[1], bool(r[2]), int(r[3]), r[4]), r[5]

    def get(self, name: str) -> User | None:
        found = self._row(name)
        return found[0] if found else None

    def list(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, disabled, version, created_at FROM users ORDER BY name"
            ).fetchall()
        return [User(r[0], r[1], bool(r[2]), int(r[3]), r[4]) for r in rows]

    def add(self, name: str, *, role: str, password: str) -> User:
        if not NAME.match(name):
            raise InputError("user names are 2-40 of a-z 0-9 . _ - starting with a letter")
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}")
        _check_password(password, name)
        hashed = hash_password(password)
        with self._lock:
            try:
                with self._write() as db:
                    db.execute(
                        "INSERT INTO users (name, role, hash, version, created_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (name, role, hashed, self._next_version(db), _now()),
                    )
            except sqlite3.IntegrityError as exc:
                raise InputError(f"user {name!r} exists already") from exc
        user = self.get(name)
        assert user is not None
        return user

    def set_password(self, name: str, password: str) -> None:
        _check_password(password, name)
        self._update(name, "hash = ?", (hash_password(password),))

    def disable(self, name: str) -> None:
        self._update(name, "disabled = 1", ())

    def delete(self, name: str) -> None:
        """Remove the user; its tokens stop working, and stay dead if the name is added
        again (the new user's versions are new)."""
        with self._lock, self._write() as db:
            cur = db.execute("DELETE FROM users WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise NotFound(f"no user {name!r}")

    def _update(self, name: str, assignment: str, params: tuple[str, ...]) -> None:
        """``SET assignment`` on the user's row, with a new token version."""
        with self._lock, self._write() as db:
            cur = db.execute(
                f"UPDATE users SET {assignment}, version = ? WHERE name = ?",
                (*params, self._next_version(db), name),
            )
        if cur.rowcount == 0:
            raise NotFound(f"no user {name!r}")

    def authenticate(self, name: str, password: str) -> User | None:
        """The enabled user with this password, else ``None`` (same cost either way)."""
        found = self._row(name)
        ok = verify_password(found[1] if found else None, password)
        if not ok or found is None or found[0].disabled:
            return None
        return found[0]


def _check_password(password: str, name: str) -> None:
    why = passwords.problem(password, name=name)
    if why is not None:
        raise InputError(why)
