"""Bundle ingest throughput and peak memory, against one row per transaction and LOAD CSV.

Generates a synthetic bundle (``ingest.synth.generate``; scale 40 is about 1.03M
transfer and call rows) and measures, in the same run:

1. the project's ingest (``ingest.ingest_path``) into Neo4j and into the embedded
   store, each in a fresh child interpreter, so that its peak RSS is its own;
   rows/s over the whole bundle and over the transfer and call files alone; on
   Neo4j once per ``--writers`` count (transactions written at once: the default
   two, then one at a time as before);
   for Neo4j, where the time goes (the loader thread: reading and normalising,
   resolver lookups, waiting for the writer; the writer thread: validation, the
   merge statements, session and commit; the two threads overlap);
2. the Neo4j ingest at a small and a large scale, to see whether peak memory
   grows with the file;
3. one row per transaction (``store.upsert([], [row])``) on the first
   ``--one-row`` transfer rows, extrapolated to rows/s;
4. Neo4j's own ``LOAD CSV ... CALL { ... } IN TRANSACTIONS OF 10000 ROWS`` with
   the same MERGE semantics, on the same normalised relationships (exported from
   the store after step 1, untimed), into a store that already holds the nodes;
   twice: the rows in the bundle's order (time order, the order the ingest reads
   them in), then sorted by relationship id (``ORDERS``: LOAD CSV is faster on
   rows sorted by the id it merges on);
5. the project's own write path (``Store.bulk``, the loader's bulk writer,
   5,000-row batches, per writer count) on exactly LOAD
   CSV's input files (bundle order; then id order once): the database-side cost
   of the project's statements without the parsing and normalisation of the raw
   bundle;
6. the first ingest once more, after LOAD CSV (``--no-again`` skips it): the first
   ingests run on a JVM that has only seen the small bundle, LOAD CSV on the warmest
   one, and a long-running server is warm. ``--rounds N`` repeats LOAD CSV and this
   ingest N times, alternating, so that each is measured more than once on a warm JVM.

CPU seconds of the client process and of the Neo4j JVM are reported per row of
the table (when the script started the server): on a machine where both share
the cores, the client's Python takes cores the database would otherwise use.

Prints Markdown tables for ``docs/performance.md``. A benchmark, not a test.

Usage::

    python bench/ingest.py                 # scale 40 and 10
    python bench/ingest.py --quick         # scale 2 and 1, a smoke run
    python bench/ingest.py --neo4j bolt://127.0.0.1:7687   # or NEO4J_URI
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# This file is named like the ``ingest`` package: keep ``bench/`` off the path, put the root on.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
from neo4j import exceptions as neo4j_exc  # noqa: E402

from bench._common import (  # noqa: E402
    in_child,
    md_table,
    neo4j_server,
    own_cpu_seconds,
    proc_cpu_seconds,
    proc_peak_rss_mib,
    report_machine,
)
from graph.rows import RelRow  # noqa: E402
from graph.store import EmbeddedStore, Neo4jStore, Store  # noqa: E402

REL_FILES = ("transfers.csv", "calls.csv")
#: Columns of the exported relationships, per type; ``sources`` is joined by "|".
COLUMNS = {
    "TRANSFERRED": ("id", "start", "end", "amount", "currency", "at", "channel", "reference",
                    "sources"),
    "CALLED": ("id", "start", "end", "at", "duration_s", "kind", "sources"),
}
LOAD_CSV = {
    "TRANSFERRED": (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Entity {id: row.start}) MATCH (b:Entity {id: row.end}) "
        "MERGE (a)-[r:TRANSFERRED {id: row.id}]->(b) "
        "SET r.amount = toFloat(row.amount), r.currency = row.currency, r.at = row.at, "
        "r.channel = row.channel, r.reference = row.reference, "
        "r.sources = split(row.sources, '|') } IN TRANSACTIONS OF 10000 ROWS"
    ),
    "CALLED": (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Entity {id: row.start}) MATCH (b:Entity {id: row.end}) "
        "MERGE (a)-[r:CALLED {id: row.id}]->(b) "
        "SET r.at = row.at, r.duration_s = toInteger(row.duration_s), r.kind = row.kind, "
        "r.sources = split(row.sources, '|') } IN TRANSACTIONS OF 10000 ROWS"
    ),
}


# -- the project's ingest, in a child ------------------------------------------------
class _Timer:
    """Seconds per phase, accumulated by wrappers installed on one store."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.file_seconds: dict[str, float] = {}
        self.file_rows: dict[str, int] = {}
        self.file_phases: dict[str, dict[str, float]] = {}
        self._pending: dict[str, float] = {}
        self.last_file = ""
        self._mark = time.perf_counter()

    def add(self, phase: str, dt: float) -> None:
        self.seconds[phase] = self.seconds.get(phase, 0.0) + dt
        self._pending[phase] = self._pending.get(phase, 0.0) + dt

    def progress(self, name: str, rows: int) -> None:
        self.last_file = name
        now = time.perf_counter()
        into = self.file_phases.setdefault(name, {})
        for phase, dt in self._pending.items():
            into[phase] = into.get(phase, 0.0) + dt
        self._pending = {}
        self.file_seconds[name] = self.file_seconds.get(name, 0.0) + now - self._mark
        self.file_rows[name] = self.file_rows.get(name, 0) + rows
        self._mark = now


def _timed(timer: _Timer, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            timer.add(phase, time.perf_counter() - t)

    return wrapper


def _instrument_neo4j(store: Neo4jStore, timer: _Timer) -> None:
    """Time the writer thread's work and the loader's waits (benchmark-only monkeypatching).

    The loader writes through the store's bulk writer (``graph/store/_neo4j_bulk.py``):
    writer threads (one per writer the store allows) run ``Neo4jStore._write_prepared``
    while the loader's thread reads the next chunk. Writer phases are summed over the
    writer threads, and overlap the loader's phases in time.
    """
    import neo4j

    from graph.store import _neo4j_bulk

    orig_run = neo4j.ManagedTransaction.run

    def run(self: Any, query: Any, parameters: Any = None, **kw: Any) -> Any:
        in_writer = threading.current_thread().name == "telusur-writer"
        phase = "writer: write statements" if in_writer else "loader: resolver lookups"
        t = time.perf_counter()
        result = orig_run(self, query, parameters, **kw)
        result._buffer_all()  # type: ignore[no-untyped-call]  # run now: time lands here
        timer.add(phase, time.perf_counter() - t)
        return result

    neo4j.ManagedTransaction.run = run  # type: ignore[method-assign]
    bulk = _neo4j_bulk.Neo4jBulk
    checked = getattr(_neo4j_bulk, "checked_rows")  # noqa: B009 - a private import
    setattr(_neo4j_bulk, "checked_rows", _timed(timer, "loader: prepare", checked))  # noqa: B010
    bulk._jobs = _timed(timer, "loader: prepare", bulk._jobs)  # type: ignore[method-assign]
    store._write_prepared = _timed(  # type: ignore[method-assign]
        timer, "writer: write_prepared", store._write_prepared
    )
    for name in ("_queue", "sync"):
        setattr(bulk, name,
                _timed(timer, "loader: waiting for the writer", getattr(bulk, name)))
    close = bulk.close

    def closing(self: Any) -> None:
        t = time.perf_counter()
        close(self)
        timer.add("loader: waiting for the writer", time.perf_counter() - t)
        timer.progress(timer.last_file, 0)  # the last file ends when its writes do

    bulk.close = closing  # type: ignore[method-assign]


class _Deadline(Exception):
    """Raised from the progress callback when ``--time-limit`` is reached."""


def ingest_child(kind: str, target: str, bundle: str, instrument: bool,
                 limit: float = 0.0, writers: int = 2) -> dict[str, Any]:
    """Ingest ``bundle`` into a fresh store (runs in a child process).

    With ``limit`` > 0 the ingest stops after the first chunk that ends past
    ``limit`` seconds; the figures then cover the rows written so far.
    """
    from ingest import ingest_path

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    store: Store = (Neo4jStore(target, writers=writers) if kind == "neo4j"
                    else EmbeddedStore(target))
    timer = _Timer()
    if instrument and isinstance(store, Neo4jStore):
        _instrument_neo4j(store, timer)
    rejects = Path(tempfile.mkdtemp(prefix="telusur-bench-rejects-")) / "rejects.csv"
    t = time.perf_counter()

    def progress(name: str, rows: int) -> None:
        timer.progress(name, rows)
        if limit and time.perf_counter() - t > limit:
            raise _Deadline

    stopped = False
    cpu = own_cpu_seconds()
    try:
        ingest_path(Path(bundle), store, bundle="bench", rejects=rejects, progress=progress)
    except _Deadline:
        stopped = True
    seconds = time.perf_counter() - t
    cpu = own_cpu_seconds() - cpu
    store.close()
    return {
        "seconds": seconds,
        "rows": sum(timer.file_rows.values()),
        "file_rows": timer.file_rows,
        "file_seconds": timer.file_seconds,
        "phases": timer.seconds,
        "file_phases": timer.file_phases,
        "stopped": stopped,
        "client_cpu_seconds": cpu,
    }


# -- export, one row per transaction, LOAD CSV ---------------------------------------
#: Orders of LOAD CSV's input, and the ``ORDER BY`` that gives each. The synthetic
#: bundle's transfer and call files are in time order (a bank statement, a CDR), so
#: ``bundle`` is the order the ingest reads the rows in (ties broken by id). ``id`` is
#: sorted by relationship id: every MERGE then seeks and inserts next to the one before
#: it in the id index, which LOAD CSV gains from (``docs/performance.md``, Ingest,
#: eighth pass), but a streaming ingest cannot have, as a call's id is a digest of its row.
ORDERS = {"bundle": "r.at, r.id", "id": "r.id"}


def export_rels(store: Neo4jStore, typ: str, path: Path, order: str = "bundle") -> int:
    """Write the stored ``typ`` relationships to ``path`` (CSV, ``COLUMNS[typ]``), in
    ``ORDERS[order]``."""
    cols = COLUMNS[typ]
    n = 0
    with store._driver.session(database=store.database) as session, \
            path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        result = session.run(
            f"MATCH (a)-[r:{typ}]->(b) RETURN r.id AS id, a.id AS start, b.id AS end, "
            f"properties(r) AS p ORDER BY {ORDERS[order]}"
        )
        for rec in result:
            p = dict(rec["p"])
            p.update(id=rec["id"], start=rec["start"], end=rec["end"],
                     sources="|".join(p.get("sources") or []))
            extra = set(p) - set(cols)
            if extra:
                raise RuntimeError(f"{typ} has properties the export does not carry: {extra}")
            w.writerow(["" if p.get(c) is None else p[c] for c in cols])
            n += 1
    return n


def read_rels(path: Path, typ: str, limit: int) -> Iterator[RelRow]:
    """The exported rows of ``path`` as relationship rows (all of them when ``limit`` is 0)."""
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            props: dict[str, Any] = {k: v for k, v in row.items()
                                     if k not in ("id", "start", "end") and v != ""}
            props["sources"] = row["sources"].split("|") if row["sources"] else []
            if "amount" in props:
                props["amount"] = float(props["amount"])
            if "duration_s" in props:
                props["duration_s"] = int(props["duration_s"])
            yield {"id": row["id"], "type": typ, "start": row["start"], "end": row["end"],
                   "props": props}
            if n == limit:
                return


def store_writes(store: Neo4jStore, csvs: dict[str, Path], chunk: int = 5_000) -> int:
    """The project's write path on LOAD CSV's input: read the exported normalised rows
    and write them through ``store.bulk()`` in ``chunk``-row batches (reading and
    preparing overlap the writes), with ``store.writers`` transactions at once. Like the
    loader, it submits them as fresh (ids unique within the run): the bulk writer asks
    once per type whether the store holds any and, if not, creates them without a
    lookup. Streams: at most a few chunks are held at once. Returns the rows written."""
    n = 0
    with store.bulk() as writer:
        for typ, path in csvs.items():
            rows: list[RelRow] = []
            for row in read_rels(path, typ, limit=0):
                rows.append(row)
                if len(rows) >= chunk:
                    writer.submit([], rows, fresh="")
                    n += len(rows)
                    rows = []
            if rows:
                writer.submit([], rows, fresh="")
                n += len(rows)
    return n


def auto(store: Neo4jStore, text: str, **params: Any) -> list[dict[str, Any]]:
    """An auto-commit statement (``CALL { } IN TRANSACTIONS`` needs one)."""
    with store._driver.session(database=store.database) as session:
        return [r.data() for r in session.run(text, params)]


def csv_url(store: Neo4jStore, import_dir: Path, path: Path) -> str:
    """The ``file:`` URL under which this server's LOAD CSV reads ``path``.

    With ``server.directories.import`` set, ``file:///name`` is relative to it; left
    unset (as ``tools/neo4j-test-server`` leaves it), URLs are absolute paths.
    """
    for url in (f"file:///{path.relative_to(import_dir).as_posix()}", path.resolve().as_uri()):
        try:
            auto(store, "LOAD CSV FROM $url AS row WITH row LIMIT 1 RETURN count(*) AS c", url=url)
            return url
        except neo4j_exc.ClientError:
            continue
    raise RuntimeError(f"this Neo4j's LOAD CSV cannot read {path}")


def delete_rels(store: Neo4jStore, typ: str) -> None:
    auto(store, f"MATCH ()-[r:{typ}]->() CALL (r) {{ DELETE r }} "
                "IN TRANSACTIONS OF 10000 ROWS")


def count_rels(store: Neo4jStore, typ: str) -> int:
    return int(store.run(f"MATCH ()-[r:{typ}]->() RETURN count(r) AS c")[0]["c"])


def one_row_per_tx(store: Store, rels: list[RelRow]) -> float:
    t = time.perf_counter()
    for r in rels:
        store.upsert([], [r])
    return time.perf_counter() - t


# -- main -----------------------------------------------------------------------------
class _Rows(list[list[object]]):
    """Table rows, echoed to stderr as they are measured (a long run shows progress)."""

    def append(self, row: list[object]) -> None:
        print(f"<!-- {row} -->", file=sys.stderr, flush=True)
        super().append(row)

    def insert(self, index: Any, row: list[object]) -> None:
        print(f"<!-- {row} -->", file=sys.stderr, flush=True)
        super().insert(index, row)


def _done(res: dict[str, Any]) -> str:
    return "stopped at --time-limit" if res["stopped"] else "yes"


def _rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else 0.0


def _rel_rows_seconds(res: dict[str, Any]) -> tuple[int, float]:
    rows = sum(res["file_rows"].get(f, 0) for f in REL_FILES)
    return rows, sum(res["file_seconds"].get(f, 0.0) for f in REL_FILES)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=40.0, help="large bundle (default 40)")
    ap.add_argument("--small-scale", type=float, default=10.0, help="small bundle (default 10)")
    ap.add_argument("--quick", action="store_true", help="scales 2 and 1, 2,000 one-row rows")
    ap.add_argument("--one-row", type=int, default=20_000,
                    help="transfer rows written one per transaction (default 20,000)")
    ap.add_argument("--neo4j", help="bolt URI (else NEO4J_URI, else a fresh test server)")
    ap.add_argument("--bundles", type=Path, help="reuse/keep generated bundles in this folder")
    ap.add_argument("--time-limit", type=float, default=0.0,
                    help="stop each large-scale ingest after this many seconds (0: never)")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--embedded-only", action="store_true", help="skip Neo4j")
    ap.add_argument("--no-embedded", action="store_true", help="skip the embedded store")
    ap.add_argument("--rounds", type=int, default=1,
                    help="LOAD CSV, then the ingest again, this many times, alternating "
                         "(default 1; LOAD CSV itself varied by up to 45%% between runs)")
    ap.add_argument("--no-again", dest="again", action="store_false",
                    help="skip the ingest repeated after LOAD CSV (on a warm JVM)")
    ap.add_argument("--writers", type=lambda v: [int(x) for x in v.split(",")], default=[2, 1],
                    help="Neo4j writer transactions at once, one ingest per count "
                         "(default 2,1: the project's default, then one at a time)")
    args = ap.parse_args(argv)
    if args.quick:
        args.scale, args.small_scale, args.one_row = 2.0, 1.0, 2_000
    work = args.bundles or Path(tempfile.mkdtemp(prefix="telusur-bench-ingest-"))
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    report_machine("start")
    big, small = _bundle(work, args.scale), _bundle(work, args.small_scale)

    results, memory = _Rows(), _Rows()
    neo: dict[str, Any] | None = None
    if not args.embedded_only:
        with neo4j_server(args.neo4j) as server:
            store = Neo4jStore(server.uri)
            store.wipe()
            print(f"<!-- Neo4j ingest, scale {args.small_scale} -->", file=sys.stderr)
            s = in_child(ingest_child, "neo4j", server.uri, str(small), False, 0.0,
                         args.writers[0])
            memory.append(["Neo4j", args.small_scale, s.result["rows"], _done(s.result),
                           s.base_rss_mib, s.peak_rss_mib])
            # One ingest per writer count (the first is the one broken down below); the
            # last one's graph is exported for LOAD CSV.
            first: Any = None

            def ingest_big(w: int, note: str = "") -> Any:
                store.wipe()
                print(f"<!-- Neo4j ingest, scale {args.scale}, {_writers(w)}{note} -->",
                      file=sys.stderr)
                jvm_cpu = proc_cpu_seconds(server.pid)
                b = in_child(ingest_child, "neo4j", server.uri, str(big), True, args.time_limit, w)
                ingest_cpu = _cpu(b.result["client_cpu_seconds"],
                                  proc_cpu_seconds(server.pid) - jvm_cpu, server.pid)
                rel_rows, rel_s = _rel_rows_seconds(b.result)
                results.append([f"project ingest, Neo4j, {_writers(w)}{note} (whole bundle: "
                                f"{_done(b.result)})", b.result["rows"], b.result["seconds"],
                                _rate(b.result["rows"], b.result["seconds"]),
                                b.peak_rss_mib, ingest_cpu])
                results.append([f"project ingest, Neo4j, {_writers(w)}{note} (transfers + calls "
                                "files)", rel_rows, rel_s, _rate(rel_rows, rel_s), b.peak_rss_mib,
                                "-"])
                return b

            for w in args.writers:
                b = ingest_big(w)
                if first is None:
                    first = b
                    memory.append(["Neo4j", args.scale, b.result["rows"], _done(b.result),
                                   b.base_rss_mib, b.peak_rss_mib])

            # Export the stored relationships (untimed), in each order, then remove them.
            csvs: dict[str, dict[str, Path]] = {order: {} for order in ORDERS}
            exported: dict[str, int] = {}
            export_dir = server.import_dir or work
            for typ in COLUMNS:
                counts = set()
                for order in ORDERS:
                    csvs[order][typ] = export_dir / f"bench-{typ.lower()}-{order}.csv"
                    counts.add(export_rels(store, typ, csvs[order][typ], order))
                assert len(counts) == 1, (typ, counts)  # the same rows in each order
                exported[typ] = counts.pop()
                delete_rels(store, typ)

            # The project's write path on the same normalised rows as LOAD CSV below: per
            # writer count in the bundle's order, and once in id order.
            n = sum(exported.values())
            for w, order in [(w, "bundle") for w in args.writers] + [(args.writers[0], "id")]:
                cpu, t = proc_cpu_seconds(server.pid), time.perf_counter()
                own = own_cpu_seconds()
                with Neo4jStore(server.uri, writers=w, apply_schema=False) as writing:
                    assert isinstance(writing, Neo4jStore)
                    written = store_writes(writing, csvs[order])
                dt = time.perf_counter() - t
                cpu_text = _cpu(own_cpu_seconds() - own, proc_cpu_seconds(server.pid) - cpu,
                                server.pid)
                assert written == n, (written, n)
                results.append([f"project store writes, {_writers(w)} (Store.bulk, "
                                "5,000-row batches), same "
                                f"normalised rows as LOAD CSV, {order} order", n, dt,
                                _rate(n, dt), "-", cpu_text])
                for typ in COLUMNS:
                    delete_rels(store, typ)

            # One row per transaction, Neo4j, on the first transfer rows.
            sample = list(read_rels(csvs["bundle"]["TRANSFERRED"], "TRANSFERRED", args.one_row))
            dt = one_row_per_tx(store, sample)
            results.append([f"one row per transaction, Neo4j (first {len(sample):,} transfers, "
                            "extrapolated)", len(sample), dt, _rate(len(sample), dt), "-", "-"])
            auto(store, "UNWIND $ids AS id MATCH ()-[r:TRANSFERRED {id: id}]->() DELETE r",
                 ids=[r["id"] for r in sample])
            if not args.no_embedded:
                emb_dir = Path(tempfile.mkdtemp(prefix="telusur-bench-emb1-"))
                emb = EmbeddedStore(emb_dir)
                ends = sorted({e for r in sample for e in (r["start"], r["end"])})
                emb.upsert(list(store.get_nodes(ends).values()), [])
                dt = one_row_per_tx(emb, sample)
                emb.close()
                results.append([f"one row per transaction, embedded (first {len(sample):,} "
                                "transfers, extrapolated)", len(sample), dt,
                                _rate(len(sample), dt), "-", "-"])

            # LOAD CSV with the same MERGE semantics, into the store that has the nodes:
            # the rows in the bundle's order (as the ingest reads them), then sorted by id.
            if server.import_dir is None:
                print("<!-- external Neo4j: LOAD CSV skipped (its import dir is unknown) -->")
            else:
                urls = {order: {typ: csv_url(store, server.import_dir, path)
                                for typ, path in paths.items()} for order, paths in csvs.items()}
                print(f"<!-- LOAD CSV reads {urls} -->")
                for rnd in range(1, args.rounds + 1):
                    note = "" if rnd == 1 else f", round {rnd}"
                    for order in ORDERS:
                        # the store holds the last ingest or LOAD CSV: keep its nodes only
                        for typ in COLUMNS:
                            delete_rels(store, typ)
                        jvm_before = proc_peak_rss_mib(server.pid) if server.pid else 0.0
                        cpu, t = proc_cpu_seconds(server.pid), time.perf_counter()
                        for typ in COLUMNS:
                            auto(store, LOAD_CSV[typ], url=urls[order][typ])
                        dt = time.perf_counter() - t
                        cpu_text = _cpu(0.0, proc_cpu_seconds(server.pid) - cpu, server.pid)
                        loaded = {typ: count_rels(store, typ) for typ in COLUMNS}
                        if loaded != exported:
                            print(f"<!-- LOAD CSV counts differ: {loaded} vs {exported} -->")
                        results.append([f"Neo4j LOAD CSV, same rows, {order} order, IN "
                                        f"TRANSACTIONS OF 10000{note}", n, dt, _rate(n, dt),
                                        f"JVM VmHWM {jvm_before:,.0f} → "
                                        f"{proc_peak_rss_mib(server.pid or 0):,.0f}", cpu_text])
                    if args.again or rnd > 1:
                        # The first ingest runs on a JVM that has only seen the small
                        # bundle; LOAD CSV on a warmer one. The same ingest once more,
                        # after LOAD CSV, shows how much of a gap is the JVM warming up;
                        # more rounds alternate the two on an ever warmer JVM.
                        ingest_big(args.writers[0], f", again after LOAD CSV{note}")
            neo = first.result
            if server.pid is None:  # an external server is left empty; ours is discarded
                store.wipe()
            store.close()

    if not args.no_embedded:
        for scale, bundle in ((args.small_scale, small), (args.scale, big)):
            print(f"<!-- embedded ingest, scale {scale} -->", file=sys.stderr)
            e = in_child(ingest_child, "embedded",
                         tempfile.mkdtemp(prefix="telusur-bench-emb-"), str(bundle), False,
                         args.time_limit if scale == args.scale else 0.0)
            memory.append(["embedded", scale, e.result["rows"], _done(e.result), e.base_rss_mib,
                           e.peak_rss_mib])
            if scale == args.scale:
                rr, rs = _rel_rows_seconds(e.result)
                results.insert(2, [f"project ingest, embedded (whole bundle: {_done(e.result)})",
                                   e.result["rows"],
                                   e.result["seconds"],
                                   _rate(e.result["rows"], e.result["seconds"]),
                                   e.peak_rss_mib, f"{e.result['client_cpu_seconds']:,.0f} / -"])
                results.insert(3, ["project ingest, embedded (transfers + calls files)", rr, rs,
                                   _rate(rr, rs), e.peak_rss_mib, "-"])

    print(f"\n### Throughput (scale {args.scale:g})\n")
    print(md_table(["what", "rows", "seconds", "rows/s", "peak RSS MiB",
                    "CPU s client / server"], results))
    print("\n### Peak memory of the ingest process\n")
    print(md_table(["store", "scale", "rows read", "whole bundle?", "RSS after imports MiB",
                    "peak RSS MiB"],
                   memory))
    if neo is not None:
        print(f"\n### Where the Neo4j ingest time goes (scale {args.scale:g})\n")
        rel_phases: dict[str, float] = {}
        for f in REL_FILES:
            for k, v in neo["file_phases"].get(f, {}).items():
                rel_phases[k] = rel_phases.get(k, 0.0) + v
        _, rel_total = _rel_rows_seconds(neo)
        a, r = _breakdown(neo["phases"], neo["seconds"]), _breakdown(rel_phases, rel_total)
        print(md_table(["phase", "whole bundle s", "share", "transfers + calls s", "share"],
                       [[x[0], x[1], x[2], y[1], y[2]] for x, y in zip(a, r, strict=True)]))
        print(f"\n### Neo4j ingest per file (scale {args.scale:g})\n")
        per_file: list[list[object]] = []
        for f, n in neo["file_rows"].items():
            secs, ph = neo["file_seconds"][f], neo["file_phases"].get(f, {})
            per_file.append([f, n, secs, _rate(n, secs),
                             ph.get("loader: resolver lookups", 0.0),
                             ph.get("loader: waiting for the writer", 0.0),
                             ph.get("writer: write statements", 0.0)])
        print(md_table(["file", "rows", "seconds", "rows/s", "resolver lookups s",
                        "loader waiting for writer s", "merge statements s (writer)"],
                       per_file))
        if args.json:
            args.json.write_text(json.dumps({"neo4j": neo, "results": results,
                                             "memory": memory}, indent=1, default=str))
    report_machine("end")
    return 0


def _writers(n: int) -> str:
    return f"{n} writer{'s' if n != 1 else ''}"


def _cpu(client: float, server: float, pid: int | None) -> str:
    """CPU seconds of the client process and the Neo4j JVM (unknown for an external server)."""
    return f"{client:,.0f} / {server:,.0f}" if pid else f"{client:,.0f} / ?"


def _breakdown(phases: dict[str, float], total: float) -> list[list[object]]:
    """Loader-thread phases add up to the wall time; writer-thread phases overlap them."""
    prepare = phases.get("loader: prepare", 0.0)
    write = phases.get("writer: write_prepared", 0.0)
    stmts = phases.get("writer: write statements", 0.0)
    waiting = phases.get("loader: waiting for the writer", 0.0)
    lookups = phases.get("loader: resolver lookups", 0.0)
    rows: list[tuple[str, float]] = [
        ("loader thread: read, normalise, validate rows, derive ids",
         total - waiting - lookups - prepare),
        ("loader thread: validate_node/validate_rel + collapse + parameters (prepare)", prepare),
        ("loader thread: resolver lookups (find_by_property, get_nodes)", lookups),
        ("loader thread: waiting for the writer (queue full, or reads)", waiting),
        ("writer thread: UNWIND merge statements", stmts),
        ("writer thread: session, begin, commit", write - stmts),
    ]
    return [[k, v, f"{100 * v / total:.0f}%" if total else "-"] for k, v in rows]


def _bundle(work: Path, scale: float) -> Path:
    from ingest.synth import generate

    out = work / f"scale-{scale:g}"
    if not (out / "truth.json").exists():
        print(f"<!-- generating scale {scale:g} into {out} -->", file=sys.stderr)
        generate(out, seed=1, scale=scale)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
