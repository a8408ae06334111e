"""Load a case bundle folder into a store.

Files are read in dependency order (sources first, calls last), streamed in
chunks; each chunk is validated row by row and written as one batch (one
transaction). Every id is deterministic, so running the same command again after
a crash ends with exactly the graph of an uninterrupted run.

Before anything is written, every file is parsed once (headers, encoding, CSV
quoting, field sizes): a file that cannot be read at all stops the load with
nothing written, whatever its place in the order. What is left to fail after
the first write is the store itself (gone, full). Messages name a file by its
name in the bundle, never by its path on this machine.

An ingest that writes holds the store's ingest lock for its whole run
(:meth:`graph.store.Store.ingesting`; on Neo4j a lock held inside the database):
entity resolution decides from what is stored, so two ingests at once would each
miss what the other is writing.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from graph.errors import InputError
from graph.heap import Freezer
from graph.normalize import NormalizeError, SniffResult, header, read_rows, sniff_file
from graph.store import BulkWriter, Store
from graph.text import N_  # step names, translated when shown (ingest.report)
from ingest.bundle import _entities, _records
from ingest.bundle._candidates import link_candidates
from ingest.bundle._context import Batch, LoadContext, Reject, RowError, required
from ingest.bundle._inputs import open_bundle
from ingest.bundle.spec import BY_NAME, FILES, FileSpec
from ingest.report import FileReport, IngestReport, RejectsWriter

Handler = Callable[[LoadContext, list[tuple[int, dict[str, str]]], Batch, Reject], int]
HANDLERS: dict[str, Handler] = {
    "sources.csv": _entities.sources,
    "agencies.csv": _entities.agencies,
    "organizations.csv": _entities.organizations,
    "people.csv": _entities.people,
    "officials.csv": _entities.officials,
    "accounts.csv": _entities.accounts,
    "rings.csv": _entities.rings,
    "cases.csv": _records.cases,
    "events.csv": _records.events,
    "relations.csv": _records.relations,
    "transfers.csv": _records.transfers,
    "calls.csv": _records.calls,
}
Progress = Callable[[str, int], None]
#: ``announce(step, total)``: before reading, each file with its number of rows
#: (lines less the header: exact but for quoted line breaks); then the steps after the
#: files, ``"finishing writes"`` and ``"candidate matches"``, with ``None``
Announce = Callable[[str, int | None], None]
#: Files whose every relationship has an id that is unique within the run
#: (``transfer_id`` repeats are rejected, rows without one get digest and occurrence):
#: submitted with ``fresh=`` the bundle's prefix, so a store may create them without
#: looking for them while it holds none of this bundle's (``BulkWriter.submit``).
UNIQUE_REL_FILES = frozenset({"transfers.csv", "calls.csv"})


def _check_files(files: dict[str, Path]) -> dict[str, SniffResult]:
    """Sniff every file, check its required columns and parse it to the end, before
    anything is written: a file that cannot be read stops the load with nothing written.

    Parsing is the C ``csv`` reader's alone (about 2 % of an ingest); the rows are
    made and checked again when the file is loaded.
    """
    sniffs = {}
    for name, path in files.items():
        try:
            sniff = sniff_file(path)
            columns = header(path, sniff)
        except NormalizeError as exc:
            raise InputError(f"{path.name}: {exc}") from exc
        missing = [c for c in BY_NAME[name].required if c not in columns]
        if missing:
            raise InputError(f"{path.name}: missing required column(s) {', '.join(missing)}")
        _parse(path, sniff)
        sniffs[name] = sniff
    return sniffs


def _parse(path: Path, sniff: SniffResult) -> None:
    """Read every record of ``path`` as :func:`read_rows` will; raise what it would."""
    with path.open(encoding=sniff.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=sniff.delimiter, strict=True)
        line = 1
        try:
            for _ in reader:
                line = reader.line_num + 1  # where the next record starts
        except csv.Error as exc:
            raise InputError(f"{path.name}: malformed CSV at line {line}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path.name}: undecodable bytes: the file is not valid {sniff.encoding}"
            ) from exc


def _chunks(
    path: Path, sniff: SniffResult, size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    try:
        for item in read_rows(path, sniff):
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except NormalizeError as exc:
        raise InputError(f"{path.name}: {exc}") from exc
    if chunk:
        yield chunk


def load_bundle(
    folder: Path,
    store: Store,
    *,
    bundle: str | None = None,
    rejects: RejectsWriter | None = None,
    write: bool = True,
    chunk: int = 5_000,
    progress: Progress | None = None,
    report: IngestReport | None = None,
    mappings: Sequence[Path] = (),
    announce: Announce | None = None,
) -> IngestReport:
    """Load ``folder`` into ``store``; with ``write=False`` only validate (for ``--strict``).

    ``report`` is the report to fill (a new one if not given): a caller that must say
    what was written when the load fails part way passes its own and reads it after.
    A load that writes waits for any other ingest into the same store to finish first.
    ``mappings`` are column-mapping files (``ingest.bundle._mapping``); Excel sheets
    and mapped files are staged as bundle CSV files first (``ingest.bundle._inputs``),
    every file not read is listed in ``report.skipped`` with its reason.
    """
    started = time.perf_counter()
    with open_bundle(folder, mappings) as found:
        files = found.files
        sniffs = _check_files(files)
        name = bundle or folder.resolve().name
        if report is None:
            report = IngestReport(bundle=name)
        report.bundle, report.written = name, write
        report.inputs = [s.to_json() for s in found.sources]
        report.skipped = list(found.skipped)
        if rejects is not None:
            rejects.origins = {k: o.find for k, o in found.origins.items()}
        with store.ingesting() if write else contextlib.nullcontext():
            _load(store, files, sniffs, report, rejects, write, chunk, progress, announce)
        for kind, label, line, reason, raw in found.rejects:
            fr = report.files.setdefault(kind, FileReport(encoding="utf-8", delimiter=","))
            fr.rows += 1
            fr.rejected += 1
            if rejects is not None:
                rejects.add(label, line, reason, raw, staged=False)
    report.seconds = time.perf_counter() - started
    return report


def _load(
    store: Store,
    files: dict[str, Path],
    sniffs: dict[str, SniffResult],
    report: IngestReport,
    rejects: RejectsWriter | None,
    write: bool,
    chunk: int,
    progress: Progress | None,
    announce: Announce | None = None,
) -> None:
    if announce is not None:
        for spec in FILES:
            if spec.name in files:
                announce(spec.name, _rows(files[spec.name]))
    ctx = LoadContext(bundle=report.bundle, store=store)
    if "officials.csv" in files:
        _prescan_officials(ctx, files["officials.csv"], sniffs["officials.csv"])
    if "agencies.csv" in files:
        ctx.agency_keys = {
            row.get("agency_id", "")
            for _, row in read_rows(files["agencies.csv"], sniffs["agencies.csv"])
        }
    frozen_before = gc.get_freeze_count()
    # The store may write chunk n while the loader reads chunk n + 1 (``Store.bulk``);
    # the loader's reads (entity resolution) see every chunk submitted before them. On
    # the loader's own error, what was accepted before it is still written, as a
    # sequential run would have; a failed write is raised when the block ends.
    bulk: contextlib.AbstractContextManager[BulkWriter | None] = (
        store.bulk(report.add_result) if write else contextlib.nullcontext()
    )
    with bulk as writer:
        try:
            _load_files(ctx, files, sniffs, report, rejects, writer, chunk, progress)
            if announce is not None and writer is not None:
                announce(N_("finishing writes"), None)
        finally:
            if not frozen_before:
                gc.unfreeze()  # see HEAP; a heap someone else froze stays theirs to thaw
            ctx.seen.close()
    if announce is not None and write:
        announce(N_("candidate matches"), None)
    report.candidates = link_candidates(ctx, write=write, report=report)


def _rows(path: Path) -> int:
    """Lines of the file less its header, read as bytes (about a second a gigabyte)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _load_files(
    ctx: LoadContext,
    files: dict[str, Path],
    sniffs: dict[str, SniffResult],
    report: IngestReport,
    rejects: RejectsWriter | None,
    writer: BulkWriter | None,
    chunk: int,
    progress: Progress | None,
) -> None:
    for spec in FILES:
        if spec.name not in files:
            continue
        path, sniff = files[spec.name], sniffs[spec.name]
        fr = report.files[spec.name] = FileReport(
            encoding=sniff.encoding, delimiter=sniff.delimiter
        )

        def reject(line: int, row: dict[str, str], reason: str, file: str = spec.name) -> None:
            report.files[file].rejected += 1
            if rejects is not None:
                rejects.add(file, line, reason, row)

        ctx.unique_rels = spec.name in UNIQUE_REL_FILES
        for rows in _chunks(path, sniff, chunk):
            batch = Batch()
            fr.rows += len(rows)
            fr.accepted += HANDLERS[spec.name](ctx, rows, batch, reject)
            _flush(ctx, writer, batch)
            if progress is not None:
                progress(spec.name, len(rows))
        ctx.unique_rels = False
        if ctx.deferred:
            batch = Batch()
            for line, row, link in ctx.deferred:
                try:
                    link(batch)
                except RowError as exc:
                    fr.accepted -= 1
                    reject(line, row, str(exc))
            ctx.deferred.clear()
            _flush(ctx, writer, batch)
        later = ctx.later_phone_nodes()
        if writer is not None:
            # in chunks like the file's: at scale 127 one batch of 322,931 phones was too
            # big for Neo4j's 512 MiB transaction pool
            for i in range(0, len(later), chunk):
                writer.submit(later[i : i + chunk], [])


#: What is alive after each chunk (this run's references and caches, the chunks in
#: flight) is frozen, so that the full collections the rows' allocations trigger every
#: chunk or two scan only what was allocated since; they found nothing to free and cost
#: about a third of the loader's time on transfers and calls. A full collection every
#: 64 chunks (320,000 rows) frees the cycles that became garbage while frozen (the
#: driver's per-statement objects; the statement rows they held are emptied after each
#: statement, see ``Neo4jStore``), so peak memory stays flat in the number of rows.
#: ``load_bundle`` gives the heap back at its end.
HEAP = Freezer(full_every=64)


def _flush(ctx: LoadContext, writer: BulkWriter | None, batch: Batch) -> None:
    HEAP.settle()
    if writer is None:
        return
    batch.nodes.extend(ctx.phone_nodes(batch.phones))
    if batch.nodes or batch.rels:
        writer.submit(batch.nodes, batch.rels, fresh=ctx.sid("") if ctx.unique_rels else None)


def _prescan_officials(ctx: LoadContext, path: Path, sniff: SniffResult) -> None:
    """NRP/NIP per person key, so that people can be resolved by them."""
    spec: FileSpec = BY_NAME["officials.csv"]
    for _, row in read_rows(path, sniff):
        try:
            required(row, spec)
        except RowError:
            continue  # reported when the file itself is read
        ctx.official_keys.add(row["person_id"])
        number = "".join(c for c in row.get("id_number", "") if c.isdigit())
        if number:
            ctx.official_numbers.setdefault(row["person_id"], []).append(number)
