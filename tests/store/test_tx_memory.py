"""Neo4j's transaction memory: a batch the server refuses for memory is written in parts.

Two launcher servers of their own (``tools/neo4j-test-server``): one with a transaction
pool of 10 MiB (``TELUSUR_NEO4J_TX_MEMORY``, the least Neo4j accepts), in which a
loader's batch of 5,000 rows does not fit, and one with the launcher's 512 MiB. An ingest
refused on the small pool (``MemoryPoolOutOfMemoryError``, retried whole by the driver
until it gave up) completes there and gives the big pool's graph.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Neo4jStore
from graph.store._neo4j_bulk import Neo4jBulk
from graph.store._neo4j_write import Prepared
from graph.store.base import BulkWriter, UpsertResult
from graph.store.neo4j_store import RefusedForMemory
from ingest import ingest_path
from ingest.synth import generate

LAUNCHER = Path(__file__).resolve().parents[2] / "tools" / "neo4j-test-server" / "neo4j-test-server"
SMALL_POOL = "10m"


def _need_java() -> None:
    built = (LAUNCHER.parent / "target" / "classpath.txt").is_file()
    missing = [b for b in ("java", "mvn") if shutil.which(b) is None and not (built and b == "mvn")]
    if missing:
        why = f"needs {' and '.join(missing)} for a Neo4j with a small transaction pool"
        if os.environ.get("CI") == "true":
            pytest.fail(why, pytrace=False)
        pytest.skip(why)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """``{"small": uri, "big": uri}``: two launcher servers, started side by side."""
    _need_java()
    states = {k: Path(tempfile.mkdtemp(prefix=f"telusur-txmem-{k}-")) for k in ("small", "big")}
    base = {**os.environ, "TELUSUR_NEO4J_JAVA_OPTS": "-Xms128m -Xmx512m"}
    envs = {"small": {**base, "TELUSUR_NEO4J_TX_MEMORY": SMALL_POOL}, "big": base}
    envs["big"].pop("TELUSUR_NEO4J_TX_MEMORY", None)
    starts = {
        k: subprocess.Popen(
            [str(LAUNCHER), "start", "--state-dir", str(state)],
            env=envs[k],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k, state in states.items()
    }
    uris: dict[str, str] = {}
    try:
        for k, proc in starts.items():
            out, err = proc.communicate(timeout=400)
            assert proc.returncode == 0, f"the {k} server did not start:\n{err[-3000:]}"
            uris[k] = out.strip().splitlines()[-1]
        yield uris
    finally:
        for state in states.values():
            subprocess.run(
                [str(LAUNCHER), "stop", "--state-dir", str(state)], capture_output=True, check=False
            )
            shutil.rmtree(state, ignore_errors=True)


class _Kept(Neo4jStore):
    """A Neo4j store that keeps the bulk writers it made (to count their splits)."""

    made: list[Neo4jBulk]

    def bulk(self, on_result: Callable[[UpsertResult], None] | None = None) -> BulkWriter:
        writer = super().bulk(on_result)
        assert isinstance(writer, Neo4jBulk)
        self.made = [*getattr(self, "made", []), writer]
        return writer


def _open(uri: str, writers: int = 2) -> _Kept:
    store = _Kept(uri, writers=writers)
    # Neo4jStore.wipe deletes 20,000 relationships a transaction: more than 10 MiB
    for text in (
        "MATCH ()-[r]->() WITH r LIMIT 500 DELETE r RETURN count(*) AS c",
        "MATCH (n) WITH n LIMIT 500 DETACH DELETE n RETURN count(*) AS c",
    ):
        while store.run(text, write=True)[0]["c"]:
            pass
    return store


def _graph(store: Neo4jStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, as sorted JSON lines."""
    nodes = store.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p")
    rels = store.run(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, r.id AS id, a.id AS a, b.id AS b, "
        "properties(r) AS p"
    )
    return (
        sorted(json.dumps(n, sort_keys=True) for n in nodes),
        sorted(json.dumps(r, sort_keys=True) for r in rels),
    )


def _phones(prefix: str, n: int) -> list[NodeRow]:
    return [
        {
            "id": f"{prefix}{i}",
            "labels": ["Phone"],
            "props": {"number": f"{prefix}{i}", "sources": ["s"]},
        }
        for i in range(n)
    ]


def _calls(prefix: str, n: int) -> list[RelRow]:
    return [
        {
            "id": f"{prefix}call:{i}",
            "type": "CALLED",
            "start": f"{prefix}{i}",
            "end": f"{prefix}{(i + 1) % n}",
            "props": {"at": "2024-01-01T00:00:00Z", "duration_s": i, "cell_id": str(i % 17)},
        }
        for i in range(n)
    ]


@pytest.mark.neo4j
@pytest.mark.slow
def test_the_small_pool_refuses_a_loaders_batch_at_once(servers: dict[str, str]) -> None:
    """5,000 phones and their calls, one transaction: refused, nothing written, and said
    at once as RefusedForMemory (the driver would retry it for half a minute)."""
    store = _open(servers["small"])
    try:
        batch = Prepared.of(_phones("r:", 5_000), _calls("r:", 5_000))
        with pytest.raises(RefusedForMemory) as refused:
            store._write_prepared(batch, divisible=True)
        assert refused.value.error.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert store.counts()["nodes"]["Phone"] == 0
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("writers", [1, 2])
def test_a_refused_batch_is_written_in_halves(servers: dict[str, str], writers: int) -> None:
    """With one writer a batch's nodes and relationships share one transaction, so the
    halves cut between them: each relationship still finds both its phones."""
    store = _open(servers["small"], writers=writers)
    try:
        results: list[UpsertResult] = []
        writer = Neo4jBulk(store, results.append, writers=writers, depth=2)
        writer.submit(_phones("h:", 6_000), _calls("h:", 6_000))
        writer.submit([], _calls("h:", 6_000))  # again: merged, nothing changes
        writer.close()
        assert writer.splits >= 1
        created = [(r.nodes["created"], r.relationships["created"]) for r in results]
        # one result per submitted batch (with two writers: its nodes, then its relationships)
        assert created == ([(6_000, 6_000)] if writers == 1 else [(6_000, 0), (0, 6_000)]) + [
            (0, 0)
        ]
        assert results[-1].relationships["unchanged"] == 6_000
        counts = store.counts()
        assert counts["nodes"]["Phone"] == 6_000
        assert counts["relationships"]["CALLED"] == 6_000
        rels = store.get_rels([("CALLED", "h:call:0"), ("CALLED", "h:call:5999")])
        assert [(r["start"], r["end"], r["props"]["duration_s"]) for r in rels.values()] == [
            ("h:0", "h:1", 0),
            ("h:5999", "h:0", 5_999),
        ]
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.slow
def test_an_ingest_refused_on_a_small_pool_gives_the_big_pools_graph(
    servers: dict[str, str], tmp_path: Path
) -> None:
    """Before the split this ingest failed on the small pool with
    ``Neo.TransientError.General.MemoryPoolOutOfMemoryError`` after half a minute of
    retries of the same batch."""
    folder = tmp_path / "bundle"
    generate(folder, seed=1, scale=0.25)
    graphs = []
    splits = []
    for name in ("small", "big"):
        store = _open(servers[name])
        try:
            ingest_path(folder, store, bundle="b", rejects=tmp_path / f"rejects-{name}.csv")
            graphs.append(_graph(store))
            splits.append(sum(w.splits for w in store.made))
        finally:
            store.close()
    assert splits[0] >= 1 and splits[1] == 0
    assert len(graphs[0][0]) > 5_000 and len(graphs[0][1]) > 15_000
    assert graphs[0] == graphs[1]


def test_a_call_files_later_phone_sources_come_in_chunks(tmp_path: Path) -> None:
    """The phones that a call file names with a new source are written at its end: in
    batches of the loader's chunk, not all at once (at scale 127 one batch of
    322,931 phones was more than Neo4j's 512 MiB pool)."""
    folder = tmp_path / "bundle"
    generate(folder, seed=1, scale=0.5)
    phone_batches: list[int] = []

    class Counted(EmbeddedStore):
        """Counts the batches of phones alone (its bulk writer upserts each batch)."""

        def upsert(
            self,
            nodes: Iterable[NodeRow] = (),
            rels: Iterable[RelRow] = (),
            *,
            delete_rels: Iterable[tuple[str, str]] = (),
        ) -> UpsertResult:
            nodes, rels = list(nodes), list(rels)
            if nodes and not rels and all(n["labels"] == ["Phone"] for n in nodes):
                phone_batches.append(len(nodes))
            return super().upsert(nodes, rels, delete_rels=delete_rels)

    store = Counted(tmp_path / "store")
    try:
        ingest_path(folder, store, bundle="b", rejects=tmp_path / "rejects.csv", chunk=500)
    finally:
        store.close()
    # 1,680 phones get a new source from a later chunk (most of them from the calls)
    assert sum(phone_batches) > 1_500
    assert max(phone_batches) == 500
