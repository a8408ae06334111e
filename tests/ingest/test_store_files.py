"""The embedded store's files hold the whole investigation: its owner alone reads them."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from graph.store.embedded import DB_NAME, LOCK_NAME


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual ``022``: files made without care come out world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_folder_and_files_are_private(tmp_path: Path, open_umask: None) -> None:
    where = tmp_path / "store"
    with contextlib.closing(EmbeddedStore(where)) as store:
        store.upsert([{"id": "t:P1", "labels": ["Person"], "props": {"name": "Budi"}}])
        with store.ingesting():
            pass
        files = [DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", LOCK_NAME]
        assert {name: oct(mode(where / name)) for name in files} == {
            name: "0o600" for name in files
        }
    assert oct(mode(where)) == "0o700"


def test_a_world_readable_store_of_an_older_version_is_narrowed(
    tmp_path: Path, open_umask: None
) -> None:
    where = tmp_path / "store"
    with contextlib.closing(EmbeddedStore(where)) as store:
        store.upsert([{"id": "t:P1", "labels": ["Person"], "props": {"name": "Budi"}}])
    for path in where.iterdir():
        path.chmod(0o644)
    with contextlib.closing(EmbeddedStore(where)) as store:
        assert store.get_node("t:P1") is not None
        assert {p.name: oct(mode(p)) for p in where.iterdir()} == {
            p.name: "0o600" for p in where.iterdir()
        }


def test_the_rejects_report_is_private(tmp_path: Path, open_umask: None) -> None:
    """Rejected rows are written raw (names, NIKs, phone numbers)."""
    from ingest.report import RejectsWriter

    out = RejectsWriter(tmp_path / "bundle.rejects.csv")
    out.add("people.csv", 3, "bad NIK", {"name": "Ani", "nik": "35010"})
    out.close()
    assert oct(mode(tmp_path / "bundle.rejects.csv")) == "0o600"
