"""Reading bundle CSV files: encoding and delimiter detection, streamed rows.

Bundles come as UTF-8 (with or without BOM) or, from Excel on an
Indonesian-locale Windows machine, as Windows-1252 with ``;`` delimiters.
:func:`sniff_file` decides which; :func:`read_rows` streams the rows with the
physical line number each one starts on, for the rejects report.

Examples
--------
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "people.csv"
>>> _ = path.write_bytes("Person_ID;Name\\np1;Désa Ngunut\\n".encode("cp1252"))
>>> sniff_file(path)
SniffResult(encoding='cp1252', delimiter=';')
>>> list(read_rows(path))
[(2, {'person_id': 'p1', 'name': 'Désa Ngunut'})]
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from graph.normalize.errors import NormalizeError

__all__ = ["EXTRA_KEY", "SniffResult", "header", "read_rows", "sniff_file"]

EXTRA_KEY = "__extra__"
"""Row key holding the fields beyond the header, joined by the delimiter."""

SAMPLE_CHARS = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
_DELIMITERS = (",", ";", "\t")  # order breaks ties
_SAMPLE_RECORDS = 50
# The five byte values Windows-1252 leaves undefined; Python's codec rejects them.
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class SniffResult:
    """How to read one file.

    Attributes
    ----------
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM) or ``"cp1252"``.
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``.
    """

    encoding: str
    delimiter: str


def sniff_file(path: Path) -> SniffResult:
    """Detect the encoding and delimiter of a CSV file.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    SniffResult
        ``utf-8-sig`` if the file starts with a UTF-8 BOM, ``utf-8`` if it
        decodes as UTF-8, else ``cp1252``. The delimiter is the candidate that
        splits the header into the most columns and the following records (up to
        50, within the first 64 K characters) into the same number; ``,`` for a
        single-column file.

    Raises
    ------
    NormalizeError
        For UTF-16 files and for bytes that are neither UTF-8 nor Windows-1252.

    Notes
    -----
    The encoding check reads the *whole* file, in 1 MB chunks, not just a
    sample: Indonesian case data is almost all ASCII, so the first non-ASCII
    byte (an accented name, a ``²``) often sits far into a large export, and a
    wrong guess would only fail there, after half the rows were loaded.
    """
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(SAMPLE_CHARS)
        truncated = handle.read(1) != ""
    return SniffResult(encoding=encoding, delimiter=_detect_delimiter(sample, truncated))


def header(path: Path, sniff: SniffResult | None = None) -> list[str]:
    """Return the column names: lower-cased, trimmed, trailing empty ones dropped.

    Raises
    ------
    NormalizeError
        If the file has no header, or a column name is empty or repeated.
    """
    sniff = sniff or sniff_file(path)
    with path.open(encoding=sniff.encoding, newline="") as handle:
        records = _records(csv.reader(handle, delimiter=sniff.delimiter, strict=True), sniff)
        return _columns(next(records, None))


def read_rows(path: Path, sniff: SniffResult | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the data rows of a CSV file.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    sniff : SniffResult, optional
        Encoding and delimiter; detected with :func:`sniff_file` if omitted.

    Yields
    ------
    tuple of (int, dict of str to str)
        The physical line the row starts on (the header is line 1; a quoted
        cell spanning lines does not shift later numbers) and the row keyed by
        :func:`header` names, values trimmed. Missing trailing fields are
        ``""``; fields beyond the header, if any is non-blank, are joined by the
        delimiter under :data:`EXTRA_KEY` so the loader can reject the row.

    Raises
    ------
    NormalizeError
        Missing header, empty or duplicate column name, malformed quoting (a
        quote left open until the end of the file would otherwise swallow every
        later row), or bytes the encoding cannot decode.

    Notes
    -----
    Lines that are empty, or hold only delimiters and blanks (Excel pads sheets
    with ``;;;`` rows), carry no data and are skipped.
    """
    sniff = sniff or sniff_file(path)
    with path.open(encoding=sniff.encoding, newline="") as handle:
        records = _records(csv.reader(handle, delimiter=sniff.delimiter, strict=True), sniff)
        columns = _columns(next(records, None))
        width, strip = len(columns), str.strip
        for line, fields in records:
            if len(fields) == width:  # the usual record: _row without its padding checks
                yield line, dict(zip(columns, map(strip, fields), strict=True))
            else:
                yield line, _row(columns, fields, sniff.delimiter)


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        first = handle.read(_CHUNK_BYTES)
        if first.startswith(_UTF16_BOMS):
            raise NormalizeError("UTF-16 file: save it as UTF-8 CSV")
        has_bom = first.startswith(codecs.BOM_UTF8)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset, chunk = 0, first  # offset: file position where the decoder's input starts
        try:
            while chunk:
                pending = len(decoder.getstate()[0])  # a character split across chunks
                offset -= pending
                decoder.decode(chunk)
                offset += pending + len(chunk)
                chunk = handle.read(_CHUNK_BYTES)
            offset -= len(decoder.getstate()[0])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if has_bom:
                raise NormalizeError(
                    f"undecodable bytes: UTF-8 BOM but invalid UTF-8 at byte {offset + exc.start}"
                ) from exc
        else:
            return "utf-8-sig" if has_bom else "utf-8"
        handle.seek(0)
        offset = 0
        while chunk := handle.read(_CHUNK_BYTES):
            positions = [p for p in (chunk.find(bytes([b])) for b in _CP1252_UNDEFINED) if p >= 0]
            if positions:
                at = min(positions)
                raise NormalizeError(
                    f"undecodable bytes: 0x{chunk[at]:02X} at byte {offset + at}"
                    " is neither UTF-8 nor Windows-1252"
                )
            offset += len(chunk)
    return "cp1252"


def _detect_delimiter(sample: str, truncated: bool) -> str:
    best, best_score = ",", (0.0, 1)
    for delimiter in _DELIMITERS:
        records = _sample_records(sample, delimiter, truncated)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:]
        agreeing = sum(len(r) == width for r in rest) / len(rest) if rest else 1.0
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_records(sample: str, delimiter: str, truncated: bool) -> list[list[str]]:
    """The first non-blank records of the sample, without a possibly cut-off last one."""
    records: list[list[str]] = []
    try:
        for fields in csv.reader(io.StringIO(sample), delimiter=delimiter):
            # Unlike read_rows, keep delimiter-only lines: ";;;" still shows the delimiter.
            if len(fields) > 1 or any(f.strip() for f in fields):
                records.append(fields)
            if len(records) > _SAMPLE_RECORDS:
                return records[:_SAMPLE_RECORDS]
    except csv.Error:
        pass  # judge on what parsed; read_rows reports the malformed line itself
    return records[:-1] if truncated and len(records) > 1 else records


class _CsvReader(Protocol):
    """What :func:`_records` needs of ``csv.reader``: rows and the lines consumed so far."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def _records(reader: _CsvReader, sniff: SniffResult) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the physical line each starts on."""
    while True:
        # line_num counts physical lines consumed, so the next record starts on
        # the line after it, however many lines a quoted cell spanned before.
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise NormalizeError(f"malformed CSV at line {start}: {exc}") from exc
        except UnicodeDecodeError as exc:
            # Decoding runs ahead of parsing in 8 KB blocks, so no line number
            # can be given honestly. sniff_file checks the whole file, so this
            # only happens when the caller passed a wrong SniffResult.
            raise NormalizeError(
                f"undecodable bytes: the file is not valid {sniff.encoding} ({exc.reason})"
            ) from exc
        if "".join(fields).strip():  # not a blank record (empty or whitespace cells only)
            yield start, fields


def _columns(record: tuple[int, list[str]] | None) -> list[str]:
    if record is None:
        raise NormalizeError("missing header: the file has no rows")
    names = [f.replace("\ufeff", "").strip().lower() for f in record[1]]
    while names and not names[-1]:
        names.pop()  # Excel pads the header with empty cells; they name nothing
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise NormalizeError(f"empty column name in header (column {position})")
        if name == EXTRA_KEY:
            raise NormalizeError(f"reserved column name '{name}' in header")
        if name in seen:
            raise NormalizeError(f"duplicate column '{name}' in header")
        seen.add(name)
    return names


def _row(columns: list[str], fields: list[str], delimiter: str) -> dict[str, str]:
    short = len(columns) - len(fields)
    padded = fields + [""] * short if short > 0 else fields
    row = dict(zip(columns, map(str.strip, padded), strict=False))  # overflow: below
    overflow = fields[len(columns) :]
    if overflow and "".join(overflow).strip():
        row[EXTRA_KEY] = delimiter.join(overflow)
    return row
