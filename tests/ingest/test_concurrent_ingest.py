"""Two ingests at once into one embedded store give the graph of one after the other.

Entity resolution reads the store and then writes what it decided: two bundles that
share people by NIK, loaded at the same moment by two processes, each missed the
people the other was about to write (every shared person twice, plus candidate
links between the copies). The embedded store's ingest lock makes the second wait.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_api.store import EmbeddedStore
from graph_api.store.embedded import DB_NAME, WAITING
from ingest import ingest_path
from ingest.synth import generate

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]

#: One ingest in a process of its own: it opens the store, says "ready", waits for a
#: line on stdin, then loads (both processes are released together, so that their
#: entity resolution runs at the same time).
RUNNER = """
import sys
from pathlib import Path
from graph_api.store import EmbeddedStore
from ingest import ingest_path
folder, store, bundle, rejects = sys.argv[1:]
with EmbeddedStore(store) as s:
    print("ready", flush=True)
    sys.stdin.readline()
    ingest_path(Path(folder), s, bundle=bundle, rejects=Path(rejects))
"""

Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic bundle, loaded under two names: every person of one has the NIK
    of a person of the other (583 people share a NIK)."""
    out = tmp_path_factory.mktemp("synth") / "jatim"
    generate(out, seed=7, scale=0.2)
    return out


def rows(store: Path) -> Rows:
    """Every node and relationship as stored, in id order (SQLite asked directly)."""
    with contextlib.closing(sqlite3.connect(f"file:{store / DB_NAME}?mode=ro", uri=True)) as db:
        nodes = list(db.execute("SELECT id, labels, props FROM nodes ORDER BY id"))
        rels = list(db.execute('SELECT type, id, start, "end", props FROM rels ORDER BY type, id'))
    return nodes, rels


def people(graph: Rows) -> int:
    return sum('"Person"' in labels for _, labels, _ in graph[0])


@pytest.fixture(scope="module")
def sequential(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rows]:
    """The graph after loading ``a`` then ``b``, and after ``b`` then ``a``."""
    out: dict[str, Rows] = {}
    for order in ("ab", "ba"):
        where = tmp_path_factory.mktemp(order)
        with EmbeddedStore(where / "store") as store:
            for name in order:
                ingest_path(folder, store, bundle=name, rejects=where / f"{name}.csv")
        out[order] = rows(where / "store")
    return out


@contextlib.contextmanager
def started(args: list[str]) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_sequential_references_are_sound(sequential: dict[str, Rows]) -> None:
    """The bundles share people: in either order the second adds no Person."""
    one = sequential["ab"]
    assert people(one) == people(sequential["ba"]) > 500
    assert one != sequential["ba"]  # the ids are the first bundle's: the order shows


#: ten repetitions; the default run can skip the last eight with ``-m "not slow"``
REPEATS = [pytest.param(i, marks=pytest.mark.slow) if i >= 2 else i for i in range(10)]


@pytest.mark.parametrize("repeat", REPEATS)
def test_two_concurrent_ingests_give_a_sequential_graph(
    repeat: int, folder: Path, sequential: dict[str, Rows], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    args = [[sys.executable, "-c", RUNNER, str(folder), str(store), name,
             str(tmp_path / f"{name}.csv")] for name in "ab"]
    with started(args[0]) as a, started(args[1]) as b:
        assert a.stdout is not None and b.stdout is not None
        assert a.stdout.readline() == "ready\n" and b.stdout.readline() == "ready\n"
        for proc in (a, b):
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=300) for proc in (a, b)]
        assert (a.returncode, b.returncode) == (0, 0), results
    got = rows(store)
    assert people(got) == people(sequential["ab"]), "people duplicated"
    assert got in (sequential["ab"], sequential["ba"])


def test_a_second_ingest_waits_and_says_so(
    folder: Path, sequential: dict[str, Rows], tmp_path: Path
) -> None:
    """While another ingest holds the store, ``telusur ingest`` says that it waits and
    writes nothing; it runs once the other has finished."""
    where = tmp_path / "store"
    cli_args = [*CLI, "ingest", str(folder), "--bundle", "b", "--store", f"embedded:{where}",
                "--rejects", str(tmp_path / "b.csv")]
    with contextlib.closing(EmbeddedStore(where)) as store:
        ingest_path(folder, store, bundle="a", rejects=tmp_path / "a.csv")
        after_a = rows(where)
        with contextlib.ExitStack() as held:
            held.enter_context(store.ingesting())  # as an ingest in this process would
            with started(cli_args) as cli:
                assert cli.stderr is not None
                line = cli.stderr.readline()
                assert WAITING in line, line
                assert cli.poll() is None and rows(where) == after_a
                held.close()  # the other ingest is done
                assert cli.wait(timeout=300) == 0
    assert rows(where) == sequential["ab"]
