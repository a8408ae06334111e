"""Two ingests at once into one store give the graph of one after the other (both stores).

Entity resolution reads the store and then writes what it decided: two bundles that
share people by NIK, loaded at the same moment by two processes, each missed the
people the other was about to write (every shared person twice, plus candidate links
between the copies: on Neo4j 1,832 people and 906 candidate links instead of 991 and
64). ``Store.ingesting`` makes the second wait: a file lock for the embedded store, a
lock held inside the database for Neo4j. A FollowTheMoney import and an analyst's
decision (``telusur resolve``, a merge moves relationships) take the same turn.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.store import Neo4jStore, Store, open_store
from graph.store.base import WAITING
from graph.store.embedded import DB_NAME
from ingest import ingest_path
from ingest.synth import generate

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]

#: One ingest in a process of its own: it opens the store, says "ready", waits for a
#: line on stdin, then loads (both processes are released together, so that their
#: entity resolution runs at the same time).
RUNNER = """
import sys
from pathlib import Path
from graph.store import open_store
from ingest import ingest_path
path, uri, bundle, rejects = sys.argv[1:]
with open_store(uri) as s:
    print("ready", flush=True)
    sys.stdin.readline()
    ingest_path(Path(path), s, bundle=bundle, rejects=Path(rejects))
"""
#: A process that takes the store's ingest turn, says "held" and keeps it until killed.
HOLDER = """
import sys
from graph.store import open_store
with open_store(sys.argv[1]) as s, s.ingesting():
    print("held", flush=True)
    sys.stdin.readline()
"""

Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


@dataclass
class Target:
    """One store to ingest into, by URI (so that other processes can open it too)."""

    kind: str
    uri: str

    def open(self) -> Store:
        return open_store(self.uri)

    def rows(self) -> Rows:
        """Every node and relationship as stored, in id order."""
        if self.kind == "embedded":
            where = Path(self.uri.removeprefix("embedded:")) / DB_NAME
            with contextlib.closing(sqlite3.connect(f"file:{where}?mode=ro", uri=True)) as db:
                nodes = list(db.execute("SELECT id, labels, props FROM nodes ORDER BY id"))
                rels = list(
                    db.execute('SELECT type, id, start, "end", props FROM rels ORDER BY type, id')
                )
            return nodes, rels
        with contextlib.closing(self.open()) as store:
            assert isinstance(store, Neo4jStore)
            # every node, whatever its labels: a lock node committed by mistake would show
            found = store.run(
                "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props "
                "ORDER BY id"
            )
            links = store.run(
                "MATCH (a)-[r]->(b) RETURN type(r) AS type, r.id AS id, a.id AS start, "
                "b.id AS end, properties(r) AS props ORDER BY type, id"
            )
        return (
            [(r["id"], _json(sorted(r["labels"])), _json(r["props"])) for r in found],
            [(r["type"], r["id"], r["start"], r["end"], _json(r["props"])) for r in links],
        )

    def reset(self) -> None:
        if self.kind == "embedded":
            shutil.rmtree(self.uri.removeprefix("embedded:"), ignore_errors=True)
            return
        with contextlib.closing(self.open()) as store:
            store.wipe()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def people(graph: Rows) -> int:
    return sum('"Person"' in labels for _, labels, _ in graph[0])


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """An empty store of each kind (Neo4j: the server of ``NEO4J_URI``, wiped)."""
    if request.param == "embedded":
        return Target("embedded", f"embedded:{tmp_path / 'store'}")
    uri: str = request.getfixturevalue("neo4j_uri")
    request.getfixturevalue("neo4j_store")  # wiped
    return Target("neo4j", uri)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic bundle, loaded under two names: every person of one has the NIK
    of a person of the other (583 people share a NIK)."""
    out = tmp_path_factory.mktemp("synth") / "jatim"
    generate(out, seed=7, scale=0.2)
    return out


@pytest.fixture(scope="module")
def ftm_file(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's people as FollowTheMoney entities, with their NIKs (a bundle
    loaded after it resolves its people to them)."""
    import csv

    out = tmp_path_factory.mktemp("ftm") / "orang.ftm.json"
    with (folder / "people.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = [
            json.dumps(
                {
                    "id": row["person_id"],
                    "schema": "Person",
                    "properties": {"name": [row["name"]], "idNumber": [row["nik"]]},
                }
            )
            for row in csv.DictReader(handle)
            if row["nik"]
        ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


#: per store kind and names of the sources in order, the graph after loading them
REFERENCES: dict[tuple[str, str], Rows] = {}


def reference(target: Target, order: dict[str, Path], tmp_path: Path) -> Rows:
    """The graph after loading ``order`` one after the other (the store is left empty)."""
    key = (target.kind, "".join(order))
    if key not in REFERENCES:
        target.reset()
        with contextlib.closing(target.open()) as store:
            for name, path in order.items():
                ingest_path(path, store, bundle=name, rejects=tmp_path / "r.csv")
        REFERENCES[key] = target.rows()
    target.reset()
    return REFERENCES[key]


def sequential(target: Target, folder: Path, tmp_path: Path) -> dict[str, Rows]:
    """The graph after loading the bundle as ``a`` then ``b``, and as ``b`` then ``a``."""
    return {
        "ab": reference(target, {"a": folder, "b": folder}, tmp_path),
        "ba": reference(target, {"b": folder, "a": folder}, tmp_path),
    }


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


def at_once(target: Target, sources: dict[str, Path], tmp_path: Path) -> None:
    """Load ``sources`` in processes of their own, released at the same moment."""
    args = [[sys.executable, "-c", RUNNER, str(path), target.uri, name,
             str(tmp_path / f"{name}.csv")] for name, path in sources.items()]
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(started(a)) for a in args]
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n", proc.communicate()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=300) for proc in procs]
        assert [proc.returncode for proc in procs] == [0] * len(procs), results


def test_sequential_references_are_sound(
    target: Target, folder: Path, tmp_path: Path
) -> None:
    """The bundles share people: in either order the second adds no Person; and the
    order shows (the ids are the first bundle's)."""
    refs = sequential(target, folder, tmp_path)
    assert people(refs["ab"]) == people(refs["ba"]) > 500
    assert refs["ab"] != refs["ba"]


#: ten repetitions per store; the default run (``-m "not slow"``) does two on the
#: embedded store and one on Neo4j
REPEATS = [
    pytest.param("embedded", i, marks=[pytest.mark.slow] if i >= 2 else [])
    for i in range(10)
] + [
    pytest.param("neo4j", i, marks=[pytest.mark.neo4j, *([pytest.mark.slow] if i >= 1 else [])])
    for i in range(10)
]


@pytest.mark.parametrize(("target", "repeat"), REPEATS, indirect=["target"])
def test_two_concurrent_ingests_give_a_sequential_graph(
    repeat: int, target: Target, folder: Path, tmp_path: Path
) -> None:
    refs = sequential(target, folder, tmp_path)
    at_once(target, {"a": folder, "b": folder}, tmp_path)
    got = target.rows()
    assert people(got) == people(refs["ab"]), "people duplicated"
    assert got in (refs["ab"], refs["ba"])


def test_an_ftm_import_waits_for_an_ingest(
    target: Target, ftm_file: Path, tmp_path: Path
) -> None:
    """A FollowTheMoney import takes its turn too (a bundle loaded alongside resolves
    its people against the stored ones, FtM's included): it says that it waits,
    writes nothing meanwhile, and loads once the other has finished."""
    alone = reference(target, {"f": ftm_file}, tmp_path)
    args = [*CLI, "ingest", str(ftm_file), "--bundle", "f", "--store", target.uri,
            "--rejects", str(tmp_path / "f.csv")]
    with contextlib.closing(target.open()) as store, contextlib.ExitStack() as held:
        held.enter_context(store.ingesting())
        with started(args) as cli:
            assert cli.stderr is not None
            line = cli.stderr.readline()
            assert WAITING in line, line + cli.communicate()[1]
            assert cli.poll() is None and target.rows() == ([], [])
            held.close()
            assert cli.wait(timeout=300) == 0, cli.communicate()
    assert people(alone) > 500 and target.rows() == alone


@pytest.mark.parametrize("holder", ["this process", "killed process"])
def test_a_second_ingest_waits_and_says_so(
    holder: str, target: Target, folder: Path, tmp_path: Path
) -> None:
    """While another ingest holds the store, ``telusur ingest`` says that it waits and
    writes nothing; it runs once the other has finished, or once the other's process
    was killed (SIGKILL: on Neo4j the server rolls back the dead connection's lock)."""
    refs = sequential(target, folder, tmp_path)
    cli_args = [*CLI, "ingest", str(folder), "--bundle", "b", "--store", target.uri,
                "--rejects", str(tmp_path / "b.csv")]
    with contextlib.closing(target.open()) as store:
        ingest_path(folder, store, bundle="a", rejects=tmp_path / "a.csv")
        after_a = target.rows()
        with contextlib.ExitStack() as held:
            if holder == "this process":
                held.enter_context(store.ingesting())  # as an ingest in this process would
            else:
                other = held.enter_context(started([sys.executable, "-c", HOLDER, target.uri]))
                assert other.stdout is not None
                assert other.stdout.readline() == "held\n", other.communicate()
            with started(cli_args) as cli:
                assert cli.stderr is not None
                line = cli.stderr.readline()
                assert WAITING in line, line + cli.communicate()[1]
                assert cli.poll() is None and target.rows() == after_a
                if holder == "this process":
                    held.close()  # the other ingest is done
                else:
                    other.kill()
                assert cli.wait(timeout=300) == 0, cli.communicate()
    assert target.rows() == refs["ab"]


#: a person in each of two bundles, a candidate pair (same name and birth date)
PAIR = {
    "a": "person_id,name,birth_date\nP1,Sutrisno Hadi,1980-02-03\n",
    "b": "person_id,name,birth_date,birth_place\nQ7,SUTRISNO HADI,03/02/1980,Blitar\n",
}


@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_a_decision_waits_for_an_ingest(decision: str, target: Target, tmp_path: Path) -> None:
    """``telusur resolve confirm`` (a merge moves relationships) and ``reject`` wait
    while an ingest holds the store, say so, and decide once it has finished."""
    from ingest.resolve import candidates, decisions

    with contextlib.closing(target.open()) as store:
        for name, text in PAIR.items():
            (tmp_path / name).mkdir()
            (tmp_path / name / "people.csv").write_text(text, encoding="utf-8")
            ingest_path(tmp_path / name, store, rejects=tmp_path / "r.csv")
        [pair] = candidates(store)
        args = [*CLI, "resolve", decision, pair["id"], "--by", "analis1", "--store", target.uri]
        with contextlib.ExitStack() as held:
            held.enter_context(store.ingesting())
            with started(args) as cli:
                assert cli.stderr is not None
                line = cli.stderr.readline()
                assert WAITING in line, line + cli.communicate()[1]
                assert cli.poll() is None and candidates(store) == [pair]
                held.close()
                assert cli.wait(timeout=300) == 0, cli.communicate()
        assert candidates(store) == []
        assert [d["by"] for d in decisions(store)] == ["analis1"]
