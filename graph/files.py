"""Files that hold evidence or personal data are readable by their owner only.

SQLite gives a database's ``-wal``, ``-shm`` and ``-journal`` files the permission bits
of the database file itself, so a database file created ``0600`` keeps all of them
``0600``; no process-wide ``umask`` (which other threads would see) is changed.
A file that already exists with wider permissions (made by an older version) is
narrowed, with its companions, when it is opened.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

log = logging.getLogger("telusur")

#: owner read and write, nobody else
PRIVATE = 0o600
#: what SQLite keeps next to a database
COMPANIONS = ("-wal", "-shm", "-journal")


def private_file(path: Path) -> Path:
    """Create ``path`` (empty) readable and writable by its owner only, or narrow an
    existing one and its SQLite companions to ``0600``; a new parent folder is made
    ``0700``. Returns ``path``.

    A file owned by another user cannot be narrowed: that is logged, not raised (the
    open that follows decides whether it can be used at all).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE)
    os.close(fd)
    for name in (str(path), *(str(path) + s for s in COMPANIONS)):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("%s is readable by others and cannot be narrowed (not ours)", name)
    return path


def private_sqlite(path: Path, **connect: Any) -> sqlite3.Connection:
    """``sqlite3.connect(path, **connect)`` on a file made private first
    (:func:`private_file`): the database and its ``-wal``/``-shm`` are ``0600``."""
    db: sqlite3.Connection = sqlite3.connect(private_file(path), **connect)
    return db


__all__ = ["COMPANIONS", "PRIVATE", "private_file", "private_sqlite"]
