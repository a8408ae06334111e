"""A messy synthetic bundle end to end: both stores agree, bad rows are rejected exactly,
a second ingest changes nothing, and a killed ingest is mended by running it again."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore, Neo4jStore, Store
from graph.store.embedded import DB_NAME
from ingest import ingest_path
from ingest.synth import generate

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "jatim"
    generate(out, seed=7, scale=0.4)
    return out


def _truth(bundle: Path) -> dict[str, Any]:
    return json.loads((bundle / "truth.json").read_text())  # type: ignore[no-any-return]


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_rejects_exactly_the_bad_rows_and_reingest_changes_nothing(
    store: Store, bundle: Path, tmp_path: Path
) -> None:
    first = ingest_path(bundle, store, rejects=tmp_path / "r1.csv")
    bad = _truth(bundle)["bad_rows"]
    got = _rejects(tmp_path / "r1.csv")
    assert sorted((r["file"], int(r["line"])) for r in got) == sorted(
        (b["file"], b["line"]) for b in bad
    )
    for b in bad:
        reason = next(
            r["reason"] for r in got if (r["file"], int(r["line"])) == (b["file"], b["line"])
        )
        assert b["reason_contains"] in reason
    assert first.rejected_total == len(bad)
    assert first.nodes["created"] > 1000 and first.relationships["created"] > 5000
    counts = store.counts()
    second = ingest_path(bundle, store, rejects=tmp_path / "r2.csv")
    assert second.nodes["created"] == 0 and second.nodes["updated"] == 0
    assert second.relationships["created"] == 0 and second.relationships["updated"] == 0
    assert store.counts() == counts
    assert second.rejected_total == len(bad)


@pytest.mark.neo4j
def test_both_stores_give_identical_stats(
    embedded_store: EmbeddedStore, neo4j_store: Neo4jStore, bundle: Path, tmp_path: Path
) -> None:
    a = ingest_path(bundle, embedded_store, rejects=tmp_path / "a.csv")
    b = ingest_path(bundle, neo4j_store, rejects=tmp_path / "b.csv")
    assert a.to_json()["files"] == b.to_json()["files"]
    assert (a.nodes, a.relationships, a.candidates) == (b.nodes, b.relationships, b.candidates)
    assert embedded_store.counts() == neo4j_store.counts()
    some = sorted(embedded_store.graph.nodes)[:: max(1, len(embedded_store.graph) // 200)]
    assert embedded_store.get_nodes(some) == neo4j_store.get_nodes(some)


def test_two_bundles_sharing_identifiers_merge(tmp_path: Path, store: Store) -> None:
    def write(folder: Path, pid: str, acc: str, name: str) -> None:
        folder.mkdir()
        (folder / "people.csv").write_text(
            f'person_id,name,nik\n{pid},"{name}",3504011205900001\n', encoding="utf-8"
        )
        (folder / "accounts.csv").write_text(
            f"account_id,bank,number,holder_id\n{acc},BRI,0012-01-000123-50-1,{pid}\n",
            encoding="utf-8",
        )

    write(tmp_path / "bap2023", "P1", "A1", "Slamet Riyadi")
    write(tmp_path / "ppatk", "X9", "R7", "SLAMET RIYADI, S.H.")
    for name in ("bap2023", "ppatk"):
        assert ingest_path(tmp_path / name, store, rejects=tmp_path / "r.csv").rejected_total == 0
    c = store.counts()
    assert c["nodes"]["Person"] == 1 and c["nodes"]["Account"] == 1
    person = store.get_node("bap2023:P1")
    account = store.get_node("bap2023:A1")
    assert person is not None and account is not None
    assert person["props"]["keys"] == ["bap2023:P1", "ppatk:X9"]
    assert account["props"]["keys"] == ["bap2023:A1", "ppatk:R7"]
    assert c["relationships"]["HOLDS"] == 1


def _stats(store_uri: str) -> dict[str, Any]:
    out = subprocess.run(
        [*CLI, "stats", "--json", "--store", store_uri], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _sqlite_has_transfers(folder: Path) -> Callable[[], bool]:
    """Whether an embedded store's file holds a transfer yet, asked of SQLite directly.

    Opening the store instead (``EmbeddedStore.counts``) rebuilds its graph from the
    file on every commit, 0.3-1.2 s a poll here: long enough for the ingest to write
    its last chunks between two polls and finish before it could be killed.
    """

    def written() -> bool:
        try:
            with contextlib.closing(
                sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True, timeout=1)
            ) as db:
                return bool(db.execute(
                    "SELECT 1 FROM rels WHERE type = 'TRANSFERRED' LIMIT 1"
                ).fetchone())
        except sqlite3.OperationalError:  # no file or table yet, or busy: ask again
            return False

    return written


def _kill_mid_ingest(
    bundle: Path, store_uri: str, written: Callable[[], bool], tmp_path: Path
) -> None:
    """Start the CLI ingest, SIGKILL it once transfers are being written."""
    proc = subprocess.Popen(
        [*CLI, "ingest", str(bundle), "--store", store_uri, "--rejects", str(tmp_path / "k.csv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if written():
                break
            time.sleep(0.02)
        assert proc.poll() is None, "ingest finished before it could be killed: use a larger bundle"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Transfers and calls over several chunks each: once the first transfers are
    written, enough is left to kill the ingest in the middle (the loader got fast
    enough to finish the small bundle's last chunks between two polls)."""
    out = tmp_path_factory.mktemp("synth") / "jatim"
    generate(out, seed=7, scale=1.0)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_killed_ingest_is_mended_by_running_it_again(
    kind: str, big_bundle: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    bundle = big_bundle
    reference_uri = f"embedded:{tmp_path / 'reference'}"
    subprocess.run(
        [
            *CLI,
            "ingest",
            str(bundle),
            "--store",
            reference_uri,
            "--rejects",
            str(tmp_path / "x.csv"),
        ],
        check=True,
        capture_output=True,
    )
    expected = _stats(reference_uri)
    if kind == "embedded":
        uri = f"embedded:{tmp_path / 'killed'}"
        written = _sqlite_has_transfers(tmp_path / "killed")
    else:
        probe: Store = request.getfixturevalue("neo4j_store")
        uri = probe.uri  # type: ignore[attr-defined]

        def written() -> bool:
            return probe.counts()["relationships"]["TRANSFERRED"] > 0

    _kill_mid_ingest(bundle, uri, written, tmp_path)
    partial = _stats(uri)
    assert partial != expected
    again = subprocess.run(
        [*CLI, "ingest", str(bundle), "--store", uri, "--rejects", str(tmp_path / "y.csv")],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert _stats(uri) == expected
