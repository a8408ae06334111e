"""Folders for uploaded bundles: personal data, kept only while their request runs.

An upload is unpacked into a folder of its own, ``<state>/uploads/telusur-upload-*``
(``0700``), removed when the request ends, however it ends. A service killed in the
middle of a request cannot remove it: :func:`clean_uploads` removes what such a run
left behind, when the service starts.

Several worker processes share the uploads folder, and one of them may start
while another is unpacking. A request therefore holds an ``flock`` on its folder
for as long as it uses it; the clean-up removes only the folders it can lock (their
process is gone, and the operating system released the lock with it).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("telusur.web")

PREFIX = "telusur-upload-"


@contextmanager
def upload_folder(root: Path) -> Iterator[Path]:
    """A new private folder under ``root`` for one request; removed at the end."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    while True:
        work = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        try:
            fd = os.open(work, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            continue  # a starting worker's clean-up took it before we locked it
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            break
        os.close(fd)  # removed between its making and our lock: make another
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.close(fd)


def clean_uploads(root: Path) -> int:
    """Remove the upload folders under ``root`` that no running request holds (left
    by a service that was killed); how many went. Called when the service starts."""
    if not root.is_dir():
        return 0
    removed = 0
    for folder in sorted(root.glob(PREFIX + "*")):
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            continue  # gone already, or not a folder
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a request of a running worker is using it
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    if removed:
        log.warning("removed %d upload folder(s) left by an earlier run", removed)
    return removed


__all__ = ["PREFIX", "clean_uploads", "upload_folder"]
