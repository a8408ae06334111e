"""Search for a number on Neo4j: the extra columns through their full-text index, against
reading every node (what every number search did before the index, and what it still
does for a column no load has indexed yet).

A text with a digit in it (a phone number, a NIK, an account) is also looked for in the
bundle's extra columns (``x_*``). Generates a synthetic bundle (``--scale``; its
``people.csv`` has an extra column), loads it into Neo4j (``--skip-ingest`` to reuse
the database), then times, alternating, ``--reps`` calls of each way for members'
phone numbers as written in the bundle:

- ``search``: ``queries.search`` as the API calls it (every way of matching);
- ``extras, index``: the ``search_extras_indexed`` statement alone;
- ``extras, every node``: the ``search_extras`` statement alone, over every extra column.

Usage::

    python bench/search.py --scale 13 [--neo4j bolt://127.0.0.1:7687] [--skip-ingest]

A benchmark, not a test: it prints a Markdown table for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# bench/ holds files named like the packages: keep it off the path.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

from bench._common import md_table, neo4j_server, percentile, report_machine  # noqa: E402
from graph.store import Neo4jStore  # noqa: E402
from ingest import ingest_path  # noqa: E402
from ingest.synth import generate  # noqa: E402
from queries import search  # noqa: E402
from queries._common import run  # noqa: E402
from queries.search import _identifier_values, _phrase  # noqa: E402


def _numbers(bundle: Path, n: int) -> list[str]:
    out = []
    with (bundle / "people.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("phones"):
                out.append(row["phones"].split(";")[0].strip())
            if len(out) == n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=13.0)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--neo4j", help="bolt URI (else a fresh test server)")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--data", type=Path, help="keep the bundle here (default: a temp folder)")
    args = ap.parse_args()
    report_machine("start")
    folder = args.data or Path(tempfile.mkdtemp(prefix="telusur-bench-search-"))
    bundle = folder / "jatim"
    if not (bundle / "truth.json").exists():
        generate(bundle, seed=2, scale=args.scale)
    with neo4j_server(args.neo4j) as server, Neo4jStore(server.uri) as store:
        if not args.skip_ingest:
            store.wipe()
            t0 = time.perf_counter()
            ingest_path(bundle, store, rejects=folder / "rejects.csv")
            print(f"ingested in {time.perf_counter() - t0:.0f} s", flush=True)
        nodes = sum(store.counts()["nodes"].values())
        keys, covered = store.extra_columns()
        print(f"{nodes:,} nodes; extra columns {keys}, indexed {covered}", flush=True)
        numbers = _numbers(bundle, args.reps)
        ways: dict[str, Callable[[str], object]] = {
            "search": lambda v: search(store, q=v, limit=20),
            "extras, index": lambda v: run(
                store,
                "search_extras_indexed",
                lucene=" OR ".join(_phrase(x) for x in _identifier_values(v)[0]),
                values=_identifier_values(v)[0],
                keys=covered,
            ),
            "extras, every node": lambda v: run(
                store, "search_extras", values=_identifier_values(v)[0], keys=keys
            ),
        }
        times: dict[str, list[float]] = {w: [] for w in ways}
        for fn in ways.values():
            fn(numbers[0])  # warm-up
        for i in range(args.reps):
            for w, fn in ways.items():  # alternating
                t0 = time.perf_counter()
                fn(numbers[i % len(numbers)])
                times[w].append((time.perf_counter() - t0) * 1000)
        report_machine("end")
        print(f"\n{nodes:,} nodes, {args.reps} numbers, ms\n")
        rows = [
            [w, f"{percentile(t, 0.5):.1f}", f"{percentile(t, 0.95):.1f}"] for w, t in times.items()
        ]
        print(md_table(["way", "p50 ms", "p95 ms"], rows))


if __name__ == "__main__":
    main()
