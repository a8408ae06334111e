"""Latency of every named query and of the protector ranking, on both stores.

For each scale, generates a synthetic bundle (``ingest.synth.generate``; scale 1.5
is about 13k nodes, scale 15 about 110k), ingests it into the embedded store
(up to ``--embedded-max-nodes``) and into Neo4j, adds one "hot" phone with
``--hot-calls`` calls (to random phones and to the phones of every ring member,
so that ring queries walk past it), then times each query ``--reps`` times after
one warm-up call and prints p50/p95 in a Markdown table. Inputs are realistic:
ring ids from ``rings.csv``, members, protectors and decoys from ``truth.json``,
the bundle's own phone supernode (the phone shop) and the hot phone.

A benchmark, not a test. Usage::

    python bench/queries.py                    # scales 1.5 and 15
    python bench/queries.py --quick            # scale 0.5, 3 reps, 5,000 hot calls
    python bench/queries.py --scales 1.5,15,120 --neo4j bolt://...   # or NEO4J_URI
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This folder holds a file named like the ``ingest`` package: keep it off the path.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import queries as q  # noqa: E402
from bench._common import md_table, neo4j_server, percentile, report_machine  # noqa: E402
from graph.normalize import NormalizeError, normalize_phone  # noqa: E402
from graph.rows import NodeRow, RelRow  # noqa: E402
from graph.store import EmbeddedStore, Neo4jStore, Store  # noqa: E402
from ingest import ingest_path  # noqa: E402
from queries.protectors import rank_protectors  # noqa: E402

BUNDLE = "bench"
AS_OF = "2025-01-01T00:00:00"
HOT_PHONE = normalize_phone("0899-0000-0001")


class Inputs:
    """Realistic query inputs drawn from a bundle's files and ``truth.json``."""

    def __init__(self, folder: Path, store: Store) -> None:
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        self.rings = [f"{BUNDLE}:{r}" for r in sorted(truth["members"])]

        def stored(keys: list[str]) -> list[str]:
            ids = [f"{BUNDLE}:{k}" for k in keys]
            found = store.get_nodes(ids)
            return [i for i in ids if i in found]

        self.members = stored([m for r in sorted(truth["members"]) for m in truth["members"][r]])
        self.protectors = stored(sorted(truth["protector_kinds"]))
        self.decoys = stored(sorted(truth["decoy_kinds"]))
        with (folder / "people.csv").open(encoding="utf-8-sig", newline="") as fh:
            names = {r["person_id"]: r["name"] for r in csv.DictReader(fh)}
        self.names = [names[m.split(":", 1)[1]] for m in self.members
                      if m.split(":", 1)[1] in names]
        self.supernode = _busiest_phone(folder / "calls.csv")
        first = self.members[0]
        self.member_phones = sorted(
            {n["node"]["id"] for m in self.members
             for n in store.neighbours(m, types=["USES"], direction="out")}
        )
        if not (self.members and self.protectors):
            raise RuntimeError(f"no stored ring member or protector found for {first}")


def _busiest_phone(calls: Path) -> str:
    seen: Counter[str] = Counter()
    with calls.open(encoding="utf-8-sig", newline="") as fh:
        delimiter = "\t" if "\t" in fh.readline() else ","
        fh.seek(0)
        for row in csv.DictReader(fh, delimiter=delimiter):
            for col in ("from_phone", "to_phone"):
                try:
                    seen[normalize_phone(row[col])] += 1
                except (NormalizeError, KeyError):
                    pass
    return seen.most_common(1)[0][0]


def add_hot_phone(store: Store, inputs: Inputs, calls: int, seed: int = 7) -> int:
    """One phone with ``calls`` CALLED relationships (to random phones and ring members)."""
    if calls <= 0:
        return 0
    rng = random.Random(seed)
    phones = sorted(set(inputs.member_phones) | {inputs.supernode})
    others = [n["node"]["id"] for n in store.neighbours(inputs.supernode, types=["CALLED"])]
    pool = phones + sorted(set(others))
    node: NodeRow = {"id": HOT_PHONE, "labels": ["Phone"],
                     "props": {"number": HOT_PHONE, "sources": []}}
    store.upsert([node], [])
    batch: list[RelRow] = []
    for i in range(calls):
        other = phones[i] if i < len(phones) else rng.choice(pool)
        day = 1 + i % 28
        rel: RelRow = {"id": f"{BUNDLE}:hot:{i}", "type": "CALLED",
                       "start": HOT_PHONE if i % 2 == 0 else other,
                       "end": other if i % 2 == 0 else HOT_PHONE,
                       "props": {"at": f"2023-{1 + i % 12:02d}-{day:02d}T{i % 24:02d}:00:00",
                                 "duration_s": 30 + i % 300, "kind": "call", "sources": []}}
        batch.append(rel)
        if len(batch) >= 5_000:
            store.upsert([], batch)
            batch = []
    if batch:
        store.upsert([], batch)
    return calls


def _size(result: Any) -> int:
    if isinstance(result, list):
        return len(result)
    if isinstance(result, dict):
        for key in ("protectors", "candidates", "nodes", "trails", "paths", "cases"):
            if isinstance(result.get(key), list):
                return len(result[key])
        return sum(len(v) for v in result.values() if isinstance(v, (list, dict)))
    return 0 if result is None else 1


Case = tuple[str, str, Callable[[Store, int], Any]]


def cases(inp: Inputs) -> list[Case]:
    """(query, input description, call) triples; ``i`` varies the input per repetition."""
    rings, members, prot = inp.rings, inp.members, inp.protectors

    def pick(xs: list[str], i: int) -> str:
        return xs[i % len(xs)]

    return [
        ("search", "ring member's name", lambda s, i: q.search(s, q=pick(inp.names, i))),
        ("search", "phone number", lambda s, i: q.search(s, q=pick(inp.member_phones, i))),
        ("entity", "ring member", lambda s, i: q.entity(s, id=pick(members, i))),
        ("entity", "phone-shop supernode", lambda s, i: q.entity(s, id=inp.supernode)),
        ("entity", "hot phone", lambda s, i: q.entity(s, id=HOT_PHONE)),
        ("neighbourhood", "member, 2 hops", lambda s, i: q.neighbourhood(
            s, id=pick(members, i), hops=2)),
        ("neighbourhood", "supernode, 2 hops", lambda s, i: q.neighbourhood(
            s, id=inp.supernode, hops=2)),
        ("neighbourhood", "hot phone, 2 hops", lambda s, i: q.neighbourhood(
            s, id=HOT_PHONE, hops=2)),
        ("paths", "member → protector, 4 hops", lambda s, i: q.paths(
            s, source=pick(members, i), target=pick(prot, i))),
        ("money_trail", "member → officials", lambda s, i: q.money_trail(
            s, source=pick(members, i), to_officials=True)),
        ("official_links", "protector, 3 hops", lambda s, i: q.official_links(
            s, id=pick(prot, i))),
        ("official_links", "decoy, 3 hops", lambda s, i: q.official_links(
            s, id=pick(inp.decoys or prot, i))),
        ("case_interference", "ring", lambda s, i: q.case_interference(
            s, ring_id=pick(rings, i), as_of=AS_OF)),
        ("tipoffs", "ring", lambda s, i: q.tipoffs(s, ring_id=pick(rings, i))),
        ("timeline", "ring member", lambda s, i: q.timeline(s, id=pick(members, i))),
        ("timeline", "hot phone", lambda s, i: q.timeline(s, id=HOT_PHONE)),
        ("ring_expand", "ring, 2 hops", lambda s, i: q.ring_expand(s, ring_id=pick(rings, i))),
        ("rings", "all", lambda s, i: q.rings(s)),
        ("rank_protectors", "ring", lambda s, i: rank_protectors(
            s, ring_id=pick(rings, i), as_of=AS_OF)),
    ]


def time_cases(store: Store, inp: Inputs, reps: int, budget: float) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, what, fn in cases(inp):
        try:
            t = time.perf_counter()
            size = _size(fn(store, 0))  # warm-up, not counted
            warm = time.perf_counter() - t
            samples: list[float] = []
            # A query that takes longer than the budget gets fewer repetitions.
            n = reps if warm * reps <= budget else max(3, int(budget / max(warm, 1e-9)))
            for i in range(n):
                t = time.perf_counter()
                fn(store, i)
                samples.append((time.perf_counter() - t) * 1000)
            rows.append([name, what, n, percentile(samples, 0.5), percentile(samples, 0.95),
                         max(samples), size])
        except Exception as exc:  # noqa: BLE001 - a failing query is a result to report
            rows.append([name, what, 0, "-", "-", "-", f"error: {type(exc).__name__}: "
                         f"{str(exc)[:80]}"])
        print(f"<!--   {name} ({what}): {rows[-1][2:]} -->", file=sys.stderr)
    return rows


def bench_store(kind: str, store: Store, folder: Path, hot: int, reps: int,
                budget: float) -> tuple[dict[str, Any], list[list[object]]]:
    t = time.perf_counter()
    rejects = Path(tempfile.mkdtemp(prefix="telusur-bench-q-")) / "rejects.csv"
    ingest_path(folder, store, bundle=BUNDLE, rejects=rejects)
    loaded = time.perf_counter() - t
    inp = Inputs(folder, store)
    add_hot_phone(store, inp, hot)
    counts = store.counts()
    info = {"store": kind, "nodes": sum(counts["nodes"].values()),
            "rels": sum(counts["relationships"].values()), "ingest_s": loaded,
            "supernode_degree": len(store.neighbours(inp.supernode)),
            "hot_degree": len(store.neighbours(HOT_PHONE)) if hot else 0}
    print(f"<!-- {kind}: {info} -->", file=sys.stderr)
    return info, time_cases(store, inp, reps, budget)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1.5,15", help="comma-separated synth scales")
    ap.add_argument("--reps", type=int, default=20, help="timed calls per query (default 20)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds per query and store before cutting repetitions")
    ap.add_argument("--hot-calls", type=int, default=100_000, help="calls of the hot phone")
    ap.add_argument("--embedded-max-nodes", type=int, default=150_000)
    ap.add_argument("--neo4j", help="bolt URI (else NEO4J_URI, else a fresh test server)")
    ap.add_argument("--no-neo4j", action="store_true")
    ap.add_argument("--bundles", type=Path, help="reuse/keep generated bundles in this folder")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.scales, args.reps, args.hot_calls = "0.5", 3, 5_000
    from ingest.synth import generate

    work = args.bundles or Path(tempfile.mkdtemp(prefix="telusur-bench-queries-"))
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    report_machine("start")
    tables: list[str] = []
    with neo4j_server(None if args.no_neo4j else args.neo4j) if not args.no_neo4j \
            else _nothing() as server:
        for scale in (float(s) for s in args.scales.split(",")):
            folder = work / f"scale-{scale:g}"
            if not (folder / "truth.json").exists():
                generate(folder, seed=1, scale=scale)
            stores: list[tuple[str, Callable[[], Store]]] = []
            stores.append(("embedded", lambda: EmbeddedStore(
                tempfile.mkdtemp(prefix="telusur-bench-qemb-"))))
            if server is not None:
                stores.append(("neo4j", lambda: Neo4jStore(server.uri)))
            emb_nodes = 0
            for kind, opener in stores:
                if kind == "embedded" and emb_nodes > args.embedded_max_nodes:
                    continue
                store = opener()
                if kind == "neo4j":
                    store.wipe()
                print(f"<!-- scale {scale:g}, {kind} -->", file=sys.stderr)
                info, rows = bench_store(kind, store, folder, args.hot_calls, args.reps,
                                         args.budget)
                store.close()
                tables.append(
                    f"#### {kind}, scale {scale:g}: {info['nodes']:,} nodes, "
                    f"{info['rels']:,} relationships (ingest {info['ingest_s']:.0f} s); "
                    f"phone-shop supernode degree {info['supernode_degree']:,}, "
                    f"hot phone degree {info['hot_degree']:,}\n\n"
                    + md_table(["query", "input", "n", "p50 ms", "p95 ms", "max ms",
                                "result size"], rows)
                )
                print("\n" + tables[-1] + "\n", flush=True)
    report_machine("end")
    return 0


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
