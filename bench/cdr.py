"""``colocated`` on Neo4j, with and without the index on ``CALLED.cell_id``.

Generates a synthetic bundle (``ingest.synth.generate``: two calls in three name a
serving cell, 60 cells in all, so numbers do meet under one), ingests it into Neo4j,
and times ``colocated`` (other phones served by the same cell within 15 minutes) for the phones
with the most calls: first
with the relationship index the schema makes (``CREATE INDEX called_cell_id``), then
with that index dropped (the obvious alternative: read every call and compare its
cell), in the same run on the same store. Answers must be identical both ways.

A benchmark, not a test. Usage::

    python bench/cdr.py                       # scale 3, 20 phones, 3 reps each
    python bench/cdr.py --scale 5 --neo4j bolt://127.0.0.1:7687   # or NEO4J_URI
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import queries as q  # noqa: E402
from bench._common import md_table, neo4j_server, percentile, report_machine  # noqa: E402
from graph.store import Neo4jStore  # noqa: E402
from ingest import ingest_path  # noqa: E402
from ingest.synth import generate  # noqa: E402

INDEX = "called_cell_id"
#: the obvious way (the packaged query until the index came)
SCAN = """
MATCH (:Phone {id: $phone})-[x:CALLED]->()
WHERE x.cell_id IS NOT NULL AND x.at IS NOT NULL
WITH collect({cell: x.cell_id, lac: coalesce(x.lac, ''), at: datetime(x.at)}) AS mine
WITH mine, [m IN mine | m.cell] AS cells
MATCH (q:Phone)-[y:CALLED]->()
WHERE y.cell_id IN cells AND q.id <> $phone AND y.at IS NOT NULL
WITH q, y, [m IN mine WHERE m.cell = y.cell_id AND m.lac = coalesce(y.lac, '')
            AND abs(duration.inSeconds(m.at, datetime(y.at)).seconds) <= $seconds] AS near
WHERE size(near) > 0
WITH q.id AS phone, y,
     CASE WHEN coalesce(y.lac, '') = '' THEN y.cell_id ELSE y.lac + '/' + y.cell_id END AS cell
WITH phone, count(DISTINCT y) AS calls, collect(DISTINCT cell) AS cells, min(y.at) AS first_at,
     max(y.at) AS last_at
RETURN phone, calls, cells, first_at, last_at
ORDER BY calls DESC, phone
LIMIT 100
"""


def _phones(store: Neo4jStore, n: int) -> list[str]:
    """The ``n`` phones with the most calls that name a cell (busy phones: the slow case)."""
    rows = store.run(
        "MATCH (p:Phone)-[c:CALLED]->() WHERE c.cell_id IS NOT NULL "
        "RETURN p.id AS id, count(c) AS n ORDER BY n DESC, id LIMIT $n",
        {"n": n},
    )
    return [r["id"] for r in rows]


def _packaged(store: Neo4jStore, phone: str) -> list[Any]:
    return list(q.colocated(store, phone=phone, window_minutes=15))


def _scan(store: Neo4jStore, phone: str) -> list[Any]:
    return store.run(SCAN, {"phone": phone, "seconds": 15 * 60})


def _time(
    store: Neo4jStore, phones: list[str], reps: int, way: Callable[[Neo4jStore, str], list[Any]]
) -> tuple[list[float], list[str]]:
    times: list[float] = []
    answers: list[str] = []
    for p in phones:
        for i in range(reps + 1):
            t0 = time.perf_counter()
            got = way(store, p)
            dt = time.perf_counter() - t0
            if i:  # the first call warms the plan cache
                times.append(dt)
        answers.append(json.dumps(got, sort_keys=True, default=str))
    return times, answers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--phones", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--neo4j", help="bolt URI (else NEO4J_URI, else a fresh test server)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    report_machine("start")
    with tempfile.TemporaryDirectory() as tmp, neo4j_server(args.neo4j) as server:
        folder = Path(tmp) / "bundle"
        generate(folder, seed=args.seed, scale=args.scale)
        with Neo4jStore(server.uri) as store:
            store.wipe()
            store.apply_schema()
            ingest_path(folder, store, bundle="bench")
            counts = store.counts()
            calls = store.run(
                "MATCH ()-[c:CALLED]->() RETURN count(c) AS n, count(c.cell_id) AS cells"
            )[0]
            print(
                f"scale {args.scale}: {sum(counts['nodes'].values()):,} nodes, "
                f"{sum(counts['relationships'].values()):,} "
                f"relationships, {calls['n']:,} calls ({calls['cells']:,} with a cell)"
            )
            phones = _phones(store, args.phones)
            with_index, a1 = _time(store, phones, args.reps, _packaged)
            store.run(f"DROP INDEX {INDEX} IF EXISTS", write=True)
            without, a2 = _time(store, phones, args.reps, _scan)
            store.apply_schema()
            if a1 != a2:
                raise SystemExit("colocated answered differently with and without the index")
            rows = [
                [
                    name,
                    len(ts),
                    f"{percentile(ts, 0.5) * 1000:.0f}",
                    f"{percentile(ts, 0.95) * 1000:.0f}",
                ]
                for name, ts in (
                    ("compare with every call (no index)", without),
                    ("seek per cell (index)", with_index),
                )
            ]
            print(md_table(["colocated (15 min)", "calls timed", "p50 ms", "p95 ms"], rows))
    report_machine("end")


if __name__ == "__main__":
    main()
