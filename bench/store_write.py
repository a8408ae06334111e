"""Store write throughput: batched upserts against one row per transaction.

Writes the same deterministic synthetic graph (``Account`` nodes and
``TRANSFERRED`` relationships) into the embedded store and into a Neo4j store:

1. batched: one ``store.upsert`` call (one transaction) per batch of rows, for
   several batch sizes, and for Neo4j several ``store.chunk`` values (rows per
   ``UNWIND`` statement inside the transaction), to choose both by measurement;
2. one row per transaction on a subset of the same data: ``store.upsert([row])``
   for both stores, and for Neo4j also a plain ``MERGE`` per managed transaction
   (no read-before-write), the floor of what a row-at-a-time writer costs.

Every measured run starts from an empty store. Prints Markdown tables; the figures
belong in ``docs/performance.md`` with the machine and the command. This is a
benchmark, not a test: it asserts nothing beyond the counts it wrote.

Usage::

    python bench/store_write.py                  # 100k nodes, 300k relationships
    python bench/store_write.py --quick          # 10k / 30k, fewer settings
    python bench/store_write.py --neo4j bolt://127.0.0.1:7687   # or NEO4J_URI

Without ``--neo4j``/``NEO4J_URI`` it starts ``tools/neo4j-test-server`` in a
temporary state dir and stops it at the end (``--no-neo4j`` skips Neo4j).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from neo4j.exceptions import Neo4jError

from graph.errors import TelusurError
from graph.model import ENTITY_LABEL
from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Neo4jStore, Store, open_store

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "tools" / "neo4j-test-server" / "neo4j-test-server"
BANKS = ("BCA", "BRI", "BNI", "Mandiri", "BSI", "CIMB Niaga", "DANA", "OVO", "GoPay")
SEED = 20240611


# -- data ------------------------------------------------------------------------------
def accounts(n: int) -> list[NodeRow]:
    """``n`` Account nodes with deterministic ids, banks and numbers."""
    return [
        {
            "id": f"acc-{i:07d}",
            "labels": ["Account"],
            "props": {"bank": BANKS[i % len(BANKS)], "number": f"{(i * 7919) % 10**10:010d}"},
        }
        for i in range(n)
    ]


def transfers(n: int, nodes: int, seed: int = SEED) -> list[RelRow]:
    """``n`` TRANSFERRED relationships between ``nodes`` accounts (seeded, no self-loops)."""
    rng = random.Random(seed)
    out: list[RelRow] = []
    for j in range(n):
        a = rng.randrange(nodes)
        b = (a + 1 + rng.randrange(nodes - 1)) % nodes
        day, sec = divmod(rng.randrange(365 * 86_400), 86_400)
        month, dom = divmod(day % 336, 28)
        out.append(
            {
                "id": f"tx-{j:08d}",
                "type": "TRANSFERRED",
                "start": f"acc-{a:07d}",
                "end": f"acc-{b:07d}",
                "props": {
                    "amount": float(rng.randrange(10_000, 50_000_000, 500)),
                    "currency": "IDR",
                    "at": f"2024-{month + 1:02d}-{dom + 1:02d}T{sec // 3600:02d}:"
                    f"{sec // 60 % 60:02d}:{sec % 60:02d}+07:00",
                },
            }
        )
    return out


def batches(
    nodes: Sequence[NodeRow], rels: Sequence[RelRow], size: int
) -> Iterator[tuple[list[NodeRow], list[RelRow]]]:
    """Nodes then relationships, ``size`` rows per batch (a batch may hold both)."""
    n = len(nodes)
    for start in range(0, n + len(rels), size):
        end = start + size
        yield list(nodes[start:end]), list(rels[max(0, start - n) : max(0, end - n)])


# -- measurement -----------------------------------------------------------------------
@dataclass
class Result:
    store: str
    writer: str
    batch: int
    chunk: int  # Neo4j rows per UNWIND; 0 where it does not apply
    rows: int
    seconds: float
    #: Why the run stopped before writing every row (a timeout, memory), or "".
    failed: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    t0 = time.perf_counter()
    rows = fn()
    return rows, time.perf_counter() - t0


def write_batched(store: Store, nodes: list[NodeRow], rels: list[RelRow], size: int) -> int:
    done = 0
    for ns, rs in batches(nodes, rels, size):
        store.upsert(ns, rs)
        done += len(ns) + len(rs)
    return done


def write_rows(store: Store, nodes: list[NodeRow], rels: list[RelRow]) -> int:
    for n in nodes:
        store.upsert([n])
    for r in rels:
        store.upsert(rels=[r])
    return len(nodes) + len(rels)


def write_plain_merge(store: Neo4jStore, nodes: list[NodeRow], rels: list[RelRow]) -> int:
    """One managed write transaction per row, a bare MERGE: no read, no merge plan."""
    node_q = f"MERGE (n:{ENTITY_LABEL} {{id: $id}}) SET n:Account SET n += $props"
    rel_q = (
        f"MATCH (a:{ENTITY_LABEL} {{id: $start}}) MATCH (b:{ENTITY_LABEL} {{id: $end}}) "
        "MERGE (a)-[x:TRANSFERRED {id: $id}]->(b) SET x += $props"
    )
    for n in nodes:
        store.run(node_q, {"id": n["id"], "props": n["props"]}, write=True)
    for r in rels:
        store.run(
            rel_q,
            {"id": r["id"], "start": r["start"], "end": r["end"], "props": r["props"]},
            write=True,
        )
    return len(nodes) + len(rels)


def check_counts(store: Store, nodes: int, rels: int) -> None:
    c = store.counts()
    got = (c["nodes"]["Account"], c["relationships"]["TRANSFERRED"])
    if got != (nodes, rels):
        raise SystemExit(f"{store.kind}: wrote {(nodes, rels)} but the store counts {got}")


def run_store(
    name: str,
    store: Store,
    nodes: list[NodeRow],
    rels: list[RelRow],
    sizes: Sequence[int],
    chunks: Sequence[int],
    subset: tuple[int, int],
) -> list[Result]:
    """Every writer on ``store``, each from an empty store; the results in run order."""
    out: list[Result] = []
    neo = store if isinstance(store, Neo4jStore) else None
    default_chunk = neo.chunk if neo is not None else 0

    def measure(writer: str, batch: int, fn: Callable[[], int], n: int, r: int) -> None:
        store.wipe()
        chunk = neo.chunk if neo is not None and batch > 1 else 0
        t0 = time.perf_counter()
        try:
            rows, secs = timed(fn)
            check_counts(store, n, r)
            res = Result(name, writer, batch, chunk, rows, secs)
        except (TelusurError, Neo4jError) as exc:  # e.g. the write timeout: record, go on
            reason = " ".join(str(exc).split())[:160]
            res = Result(name, writer, batch, chunk, 0, time.perf_counter() - t0, reason)
        note = f"chunk {chunk:,}" if chunk else ""
        print(
            f"  {name:8} {writer:28} {batch:>7,} {note:>12}: {res.rows:>8,} rows "
            f"{res.seconds:7.1f} s {res.rate:>8,.0f} rows/s {res.failed}",
            file=sys.stderr,
            flush=True,
        )
        out.append(res)

    for size in sizes:
        measure(
            "batched upsert",
            size,
            partial(write_batched, store, nodes, rels, size),
            len(nodes),
            len(rels),
        )
    if neo is not None and chunks:
        # The chunk only matters once a batch holds more rows than one UNWIND takes.
        big = max(sizes)
        for chunk in chunks:
            if chunk == default_chunk or chunk >= big:
                continue
            neo.chunk = chunk
            measure(
                "batched upsert",
                big,
                lambda: write_batched(store, nodes, rels, big),
                len(nodes),
                len(rels),
            )
        neo.chunk = default_chunk
    # Row at a time on a subset: its own nodes and relationships among them only.
    sub_nodes = nodes[: subset[0]]
    sub_rels = transfers(subset[1], subset[0], seed=SEED + 1)
    measure(
        "row per transaction (upsert)",
        1,
        lambda: write_rows(store, sub_nodes, sub_rels),
        len(sub_nodes),
        len(sub_rels),
    )
    if neo is not None:
        measure(
            "row per transaction (MERGE)",
            1,
            lambda: write_plain_merge(neo, sub_nodes, sub_rels),
            len(sub_nodes),
            len(sub_rels),
        )
    # The fastest batched setting again on the same subset: the like-for-like comparison.
    best = max((r for r in out if r.batch > 1 and not r.failed), key=lambda r: r.rate)
    if neo is not None:
        neo.chunk = best.chunk
    measure(
        "batched upsert (subset)",
        best.batch,
        lambda: write_batched(store, sub_nodes, sub_rels, best.batch),
        len(sub_nodes),
        len(sub_rels),
    )
    if neo is not None:
        neo.chunk = default_chunk
    store.wipe()
    return out


# -- neo4j ------------------------------------------------------------------------------
@contextmanager
def neo4j_uri(explicit: str | None) -> Iterator[str]:
    """The given URI, or a server started with the test launcher and stopped afterwards."""
    uri = explicit or os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    with tempfile.TemporaryDirectory(prefix="telusur-bench-neo4j-") as state:
        print("starting tools/neo4j-test-server ...", file=sys.stderr, flush=True)
        started = subprocess.run(
            [str(LAUNCHER), "start", "--state-dir", state],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            yield started.stdout.strip().splitlines()[-1]
        finally:
            subprocess.run([str(LAUNCHER), "stop", "--state-dir", state], check=False)


# -- machine ----------------------------------------------------------------------------
def machine() -> list[str]:
    def sh(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "n/a"

    load = os.getloadavg()
    cores = os.cpu_count() or 1
    busy = "high" if load[0] > 0.75 * cores else "normal"
    mem = sh("free", "-g").splitlines()
    return [
        f"- nproc: {sh('nproc')}",
        f"- free -g: `{' '.join(mem[1].split()) if len(mem) > 1 else 'n/a'}`",
        f"- load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({busy} for {cores} cores)",
        f"- python {sys.version.split()[0]}",
    ]


def table(results: Sequence[Result]) -> str:
    lines = [
        "| store | writer | batch size | rows | seconds | rows/s |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        batch = f"{r.batch:,}" + (f" (chunk {r.chunk:,})" if r.chunk else "")
        if r.failed:
            lines.append(
                f"| {r.store} | {r.writer} | {batch} | failed | {r.seconds:.1f} | {r.failed} |"
            )
        else:
            lines.append(
                f"| {r.store} | {r.writer} | {batch} | {r.rows:,} | {r.seconds:.1f} "
                f"| {r.rate:,.0f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--nodes", type=int, default=100_000, help="Account nodes (default 100000)")
    p.add_argument("--rels", type=int, default=300_000, help="TRANSFERRED rels (default 300000)")
    p.add_argument("--quick", action="store_true", help="10k/30k rows and fewer settings")
    p.add_argument("--neo4j", help="bolt:// or neo4j:// URI (default NEO4J_URI, else launcher)")
    p.add_argument("--no-neo4j", action="store_true", help="embedded store only")
    p.add_argument("--no-embedded", action="store_true", help="Neo4j only")
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        help="rows per upsert call, comma-separated",
    )
    p.add_argument(
        "--chunks",
        type=lambda s: [int(x) for x in s.split(",")],
        help="Neo4j rows per UNWIND to try at the largest batch size",
    )
    p.add_argument(
        "--row-subset",
        type=int,
        default=None,
        help="nodes in the one-row-per-transaction subset (rels: 3x)",
    )
    a = p.parse_args(argv)
    if a.quick:
        a.nodes, a.rels = min(a.nodes, 10_000), min(a.rels, 30_000)
    sizes = a.sizes or ([1_000, 10_000] if a.quick else [1_000, 5_000, 20_000, 50_000])
    chunks = a.chunks or ([1_000, 10_000] if a.quick else [1_000, 2_000, 10_000, 20_000])
    sub = a.row_subset or (1_000 if a.quick else 5_000)
    subset = (min(sub, a.nodes), min(3 * sub, a.rels))

    print("## Machine\n\n" + "\n".join(machine()) + "\n")
    t0 = time.perf_counter()
    nodes, rels = accounts(a.nodes), transfers(a.rels, a.nodes)
    print(
        f"generated {len(nodes):,} nodes + {len(rels):,} rels in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    results: list[Result] = []
    if not a.no_embedded:
        with tempfile.TemporaryDirectory(prefix="telusur-bench-emb-") as d:
            with EmbeddedStore(d) as emb:
                results += run_store("embedded", emb, nodes, rels, sizes, [], subset)
    if not a.no_neo4j:
        with neo4j_uri(a.neo4j) as uri:
            store = open_store(uri)
            if not isinstance(store, Neo4jStore):
                raise SystemExit(f"{uri} is not a Neo4j URI")
            with store:
                # Warm-up (JIT, page cache, schema), not measured.
                store.wipe()
                warm = min(5_000, a.nodes)
                write_batched(store, nodes[:warm], transfers(warm, warm, seed=SEED + 2), 5_000)
                results += run_store("neo4j", store, nodes, rels, sizes, chunks, subset)
    print("## Results\n")
    print(
        f"{a.nodes:,} Account nodes + {a.rels:,} TRANSFERRED relationships per batched run; "
        f"row-per-transaction runs on the first {subset[0]:,} nodes + {subset[1]:,} "
        "relationships (and the best batch size again on that subset).\n"
    )
    print(table(results))
    print("\n## Machine at the end\n\n" + "\n".join(machine()))


if __name__ == "__main__":
    main()
