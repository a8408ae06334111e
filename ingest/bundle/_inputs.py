"""What a bundle folder holds: the files the loader reads, and every other file with
the reason it is not read (``shared/spec/bundle-format.md``, "Other shapes of the same
data": nothing is skipped in silence).

A folder of bundle CSV files only (the usual case) is read as it is: nothing here
reads a row of it. Excel sheets, and files a column mapping applies to, are turned
into bundle CSV files in a private temporary folder first ("staged"), together with
the rows of a bundle CSV file of the same kind, so the loader reads one file per kind;
a reject in a staged file is reported with the workbook, sheet and row it came from.

Which sheet is which file:

1. a mapping layout whose ``match`` and ``sheet`` fit the file and sheet (a layout
   without ``sheet``: the first sheet);
2. else a sheet named as a bundle file (``people`` or ``people.csv``, any case);
3. else the first sheet of a workbook named as a bundle file (``people.xlsx``);
4. else the sheet is skipped, with that reason; so is an empty sheet.

A mapping file inside the folder (``mapping.yaml`` or ``<name>.mapping.yaml``)
applies as if given with ``--mapping``, after those given.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import itertools
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.normalize import NormalizeError, header, read_rows, sniff_file
from graph.normalize.textio import EXTRA_KEY
from graph.text import N_  # a skipped file's reason, translated when shown (ingest.report)
from ingest.bundle import _excel
from ingest.bundle._mapping import Layout, MapError, Mapper, is_mapping_file, read_mapping
from ingest.bundle.spec import BY_NAME

CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class Source:
    """One sheet or mapped file that becomes (part of) a bundle file."""

    file: str
    sheet: str | None
    kind: str
    layout: Layout | None = None
    rows: int = 0
    unused: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet is not None else self.file

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"file": self.file, "kind": self.kind, "rows": self.rows}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.layout is not None:
            out["mapping"] = self.layout.where
        if self.unused:
            out["unused_columns"] = self.unused
        return out


class Origins:
    """Staged line -> (file [sheet], line or row there), for one staged file: runs of
    consecutive lines, so a 200,000-row sheet costs a few entries, not one per row."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._runs: list[tuple[str, int]] = []

    def add(self, staged_line: int, label: str, line: int) -> None:
        if self._starts:
            label0, line0 = self._runs[-1]
            if label0 == label and line - line0 == staged_line - self._starts[-1]:
                return
        self._starts.append(staged_line)
        self._runs.append((label, line))

    def find(self, staged_line: int) -> tuple[str, int]:
        i = bisect.bisect_right(self._starts, staged_line) - 1
        if i < 0:
            return "", staged_line
        label, first = self._runs[i]
        return label, first + staged_line - self._starts[i]


@dataclass
class Found:
    """What :func:`open_bundle` found."""

    files: dict[str, Path]
    sources: list[Source] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    origins: dict[str, Origins] = field(default_factory=dict)
    #: rows a mapping could not turn into bundle rows: (kind, label, line, reason, raw)
    rejects: list[tuple[str, str, int, str, dict[str, str]]] = field(default_factory=list)


def _skip(found: Found, name: str, reason: str) -> None:
    found.skipped.append({"file": name, "reason": reason})


def _bundle_name(name: str) -> str | None:
    low = name.strip().lower()
    low = low if low.endswith(".csv") else f"{low}.csv"
    return low if low in BY_NAME else None


@contextlib.contextmanager
def open_bundle(folder: Path, mappings: Sequence[Path] = ()) -> Iterator[Found]:
    """The files to load from ``folder`` (staged ones live until the block ends)."""
    if not folder.is_dir():
        raise InputError(f"no such bundle folder: {folder}")
    entries = sorted(folder.iterdir())
    layouts = [lay for m in mappings for lay in read_mapping(m)]
    inside = [p for p in entries if p.is_file() and is_mapping_file(p.name)]
    layouts += [lay for m in inside for lay in read_mapping(m)]
    found = Found(files={})
    plain: dict[str, Path] = {}
    staged: list[tuple[Source, Path]] = []
    for path in entries:
        name = path.name
        if path.is_dir():
            _skip(found, name, N_("a folder (only the files of the bundle folder are read)"))
        elif not path.is_file():
            _skip(found, name, N_("not a regular file"))
        elif is_mapping_file(name):
            found.sources.append(Source(name, None, "mapping"))
        elif _excel.is_workbook(path):
            _sheets(found, path, layouts, staged)
        else:
            layout = next((lay for lay in layouts if lay.matches(name, None)), None)
            if layout is not None and name.lower().endswith(CSV_SUFFIXES):
                staged.append((Source(name, None, layout.kind, layout), path))
            elif name.lower() in BY_NAME:
                plain[name.lower()] = path
            elif name.lower().endswith(CSV_SUFFIXES):
                _skip(found, name, N_("not a bundle file name and no mapping applies to it"))
            else:
                _skip(found, name, N_("not a CSV or Excel file"))
    if not plain and not staged:
        raise InputError(
            f"{folder.name}: no bundle file found (expected some of {', '.join(BY_NAME)}, "
            "Excel sheets named so, or files a mapping applies to)"
        )
    if not staged:  # the usual bundle: the loader reads the files themselves
        found.files = dict(sorted(plain.items(), key=lambda kv: list(BY_NAME).index(kv[0])))
        yield found
        return
    work = Path(tempfile.mkdtemp(prefix="telusur-staged-"))  # readable by its owner only
    try:
        found.files = _stage(found, work, plain, staged)
        yield found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sheets(
    found: Found, path: Path, layouts: list[Layout], staged: list[tuple[Source, Path]]
) -> None:
    names = _excel.sheet_names(path)
    stem = _bundle_name(path.name.rsplit(".", 1)[0])
    for i, sheet in enumerate(names):
        layout = next(
            (
                lay
                for lay in layouts
                if lay.matches(path.name, sheet) and (lay.sheet is not None or i == 0)
            ),
            None,
        )
        kind = layout.kind if layout else _bundle_name(sheet) or (stem if i == 0 else None)
        if kind is None:
            _skip(
                found,
                f"{path.name} [{sheet}]",
                N_("sheet not named as a bundle file and no mapping applies to it"),
            )
        else:
            staged.append((Source(path.name, sheet, kind, layout), path))


Part = tuple[str, list[str], Iterator[tuple[int, dict[str, str]]]]
Accounts = dict[str, tuple[str, dict[str, str]]]


def _stage(
    found: Found, work: Path, plain: dict[str, Path], staged: list[tuple[Source, Path]]
) -> dict[str, Path]:
    """Write one CSV file per kind that has a staged source; return the files to load.

    The accounts a statement names are known once its rows are read: ``accounts.csv``
    is written after every other file (the loader still reads it first).
    """
    parts: dict[str, list[Part]] = {}
    accounts: Accounts = {}
    for source, path in staged:
        read = _source_rows(found, source, path, accounts)
        if read is None:
            _skip(found, source.label, N_("empty sheet"))
            continue
        columns, rows = read
        parts.setdefault(source.kind, []).append((source.label, columns, rows))
        found.sources.append(source)
    files: dict[str, Path] = {}
    order = list(BY_NAME)
    for kind in sorted((set(parts) | set(plain)) - {"accounts.csv"}, key=order.index):
        if kind not in parts:
            files[kind] = plain[kind]
            continue
        sources = ([_plain_part(plain[kind])] if kind in plain else []) + parts[kind]
        files[kind] = _write(found, work, kind, sources)
    if "accounts.csv" in parts or accounts:
        sources = [_plain_part(plain["accounts.csv"])] if "accounts.csv" in plain else []
        sources += parts.get("accounts.csv", [])
        by_label: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for label, row in accounts.values():
            by_label.setdefault(label, []).append((0, row))
        for label, acc_rows in by_label.items():
            cols = list(dict.fromkeys(c for _, r in acc_rows for c in r))
            sources.append((label, cols, iter(acc_rows)))
        files["accounts.csv"] = _write(found, work, "accounts.csv", sources)
    elif "accounts.csv" in plain:
        files["accounts.csv"] = plain["accounts.csv"]
    return dict(sorted(files.items(), key=lambda kv: order.index(kv[0])))


def _plain_part(path: Path) -> Part:
    try:
        sniff = sniff_file(path)
        columns = header(path, sniff)
    except NormalizeError as exc:
        raise InputError(f"{path.name}: {exc}") from exc
    return path.name, columns, read_rows(path, sniff)


def _table(source: Source, path: Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of a sheet, or of a CSV file (header included, as line 1)."""
    if source.sheet is not None:
        yield from _excel.sheet_rows(path, source.sheet)
        return
    try:
        sniff = sniff_file(path)
        yield 1, header(path, sniff)
        for line, row in read_rows(path, sniff):
            yield line, list(row.values())
    except NormalizeError as exc:
        raise InputError(f"{path.name}: {exc}") from exc


def _source_rows(
    found: Found, source: Source, path: Path, accounts: Accounts
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]] | None:
    """The columns and rows of one staged source, the header found under any title rows;
    None for an empty sheet."""
    layout = source.layout
    table = _table(source, path)
    first = next(table, None)
    if first is None:
        return None
    table = itertools.chain([first], table)
    head_rows: list[tuple[int, list[str]]] = []
    if layout is not None and layout.header_row is not None:
        for n, cells in table:
            head_rows.append((n, cells))
            if n >= layout.header_row:
                break
        at = len(head_rows) - 1 if head_rows and head_rows[-1][0] == layout.header_row else None
        if at is None:
            raise InputError(
                f"{source.label}: header_row {layout.header_row} (mapping {layout.where}) is empty"
            )
    else:
        head_rows = list(itertools.islice(table, _excel.HEADER_SEARCH_ROWS))
        want = layout.source_columns() if layout is not None else BY_NAME[source.kind].required
        at = _excel.find_header(head_rows, want)
        if at is None:
            whose = f"mapping {layout.where}" if layout is not None else source.kind
            raise InputError(
                f"{source.label}: no header row holding {', '.join(want)} (as {whose} needs)"
                f" within the first {_excel.HEADER_SEARCH_ROWS} rows"
            )
    head = head_rows[at][1]
    body = itertools.chain(head_rows[at + 1 :], table)
    if layout is None:
        columns = [h.strip().lower() or f"column_{i + 1}" for i, h in enumerate(head)]
        while columns and not head[len(columns) - 1].strip():
            columns.pop()  # trailing columns without a name (their cells: see below)
        width = len(columns)

        def plain_rows() -> Iterator[tuple[int, dict[str, str]]]:
            for n, cells in body:
                source.rows += 1
                row = dict(zip(columns, cells, strict=False))
                for c in columns[len(cells) :]:
                    row[c] = ""
                overflow = [c for c in cells[width:] if c]
                if overflow:  # as a CSV row with more fields than the header: rejected
                    row[EXTRA_KEY] = ",".join(overflow)
                yield n, row

        return columns, plain_rows()
    mapper = Mapper(layout, head)
    source.unused = mapper.unused

    def mapped_rows() -> Iterator[tuple[int, dict[str, str]]]:
        for n, cells in body:
            source.rows += 1
            try:
                yield n, mapper.row(cells)
            except MapError as exc:
                raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(head) if h}
                found.rejects.append((source.kind, source.label, n, str(exc), raw))
        for key, acc in mapper.accounts.items():
            accounts.setdefault(key, (f"accounts named by {source.label}", acc))

    return mapper.columns, mapped_rows()


def _write(found: Found, work: Path, kind: str, sources: list[Part]) -> Path:
    """Write ``sources`` one after another as ``work/kind`` (the union of their columns)."""
    columns = list(dict.fromkeys(c for _, cols, _ in sources for c in cols))
    if any(EXTRA_KEY in cols for _, cols, _ in sources):
        columns = [c for c in columns if c != EXTRA_KEY]
    origins = found.origins[kind] = Origins()
    out = work / kind
    line = 1
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for label, _, rows in sources:
            for n, row in rows:
                line += 1
                origins.add(line, label, n)
                values = [row.get(c, "") for c in columns]
                if EXTRA_KEY in row:
                    values.append(row[EXTRA_KEY])
                writer.writerow(values)
                line += sum(v.count("\n") for v in values)
    return out
