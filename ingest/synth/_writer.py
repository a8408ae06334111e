"""Writing bundle files: columns, encodings and delimiters, and bad-row placement.

Each file is written through one :class:`Table`, which counts physical lines
(no field ever contains a line break, so record n is line n + 1) and slips the
deliberately bad rows in at their scheduled lines while rows stream past.
"""

from __future__ import annotations

import bisect
import csv
import random
from pathlib import Path
from types import TracebackType
from typing import TextIO

COLUMNS: dict[str, tuple[str, ...]] = {
    "sources.csv": ("source_id", "kind", "title", "date", "reliability", "credibility"),
    "people.csv": (
        "person_id",
        "name",
        "aliases",
        "nik",
        "birth_date",
        "birth_place",
        "gender",
        "phones",
        "address",
        "source_id",
    ),
    "agencies.csv": ("agency_id", "name", "kind", "parent_id", "region", "source_id"),
    "officials.csv": (
        "person_id",
        "agency_id",
        "id_number",
        "rank",
        "position",
        "since",
        "until",
        "source_id",
    ),
    "organizations.csv": (
        "org_id",
        "name",
        "kind",
        "license_no",
        "npwp",
        "address",
        "phones",
        "source_id",
    ),
    "accounts.csv": (
        "account_id",
        "bank",
        "number",
        "holder_id",
        "holder_name",
        "kind",
        "source_id",
    ),
    "transfers.csv": (
        "transfer_id",
        "from_account",
        "to_account",
        "amount",
        "currency",
        "at",
        "channel",
        "reference",
        "source_id",
    ),
    "calls.csv": ("from_phone", "to_phone", "at", "duration_s", "kind", "source_id"),
    "cases.csv": (
        "case_id",
        "title",
        "report_number",
        "opened_at",
        "status",
        "status_at",
        "agency_id",
        "source_id",
    ),
    "events.csv": ("event_id", "kind", "at", "place", "case_id", "outcome", "source_id"),
    "rings.csv": ("ring_id", "name", "source_id"),
    "relations.csv": ("from_id", "to_id", "type", "detail", "since", "until", "source_id"),
}
# Columns the spec does not know: the loader keeps them as x_<name>.
EXTRA: dict[str, tuple[str, ...]] = {"people.csv": ("pekerjaan",), "accounts.csv": ("cabang",)}
# Columns the spec gained later (issue 19), written last and filled by :class:`Later`
# from a random stream of their own, so that a seed gives the columns above exactly as
# before (and so the same graph apart from the new values).
LATER: dict[str, tuple[str, ...]] = {
    "people.csv": ("passport",),
    "calls.csv": ("imei", "cell_id", "lac"),
}
# (encoding, delimiter, line terminator); the bank exports look like Excel on
# an Indonesian-locale Windows machine.
DIALECTS: dict[str, tuple[str, str, str]] = {
    "transfers.csv": ("cp1252", ";", "\r\n"),
    "accounts.csv": ("cp1252", ";", "\r\n"),
    "people.csv": ("utf-8-sig", ",", "\n"),
    "calls.csv": ("utf-8", "\t", "\n"),
}
_PLAIN = ("utf-8", ",", "\n")


class Later:
    """The values of the :data:`LATER` columns, from their own random stream.

    People: one in eight gets a passport (``B`` and 7 digits, one per person id, so no
    two records merge through it). Calls: two in three name the caller's handset and
    serving cell. A phone keeps one handset, except that one phone in 40 is used in
    another phone's handset (a second SIM card in one telephone); each phone has three
    home cells in one LAC (of 60 cells in all) and is served by one of them.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"later:{seed}")
        self._passports: dict[str, str] = {}
        self._handsets: dict[str, str] = {}
        #: the distinct handsets so far, sorted (what a shared SIM picks from)
        self._known: list[str] = []
        self._cells: dict[str, tuple[str, list[str]]] = {}

    def values(self, name: str, row: list[str]) -> list[str]:
        if name == "people.csv":
            return [self._passport(row[0])]
        if name == "calls.csv":
            return self._call(row[0])
        return []

    def _passport(self, person: str) -> str:
        if person not in self._passports:
            given = self.rng.random() < 0.125
            self._passports[person] = f"B{len(self._passports):07d}" if given else ""
        return self._passports[person]

    def _call(self, phone: str) -> list[str]:
        rng = self.rng
        if rng.random() >= 2 / 3:
            return ["", "", ""]
        if phone not in self._handsets:
            known = self._known
            shared = known and rng.random() < 1 / 40
            tac = rng.choice(("35209900", "35328211", "86420304", "35875609"))
            own = f"{tac}{rng.randrange(10**6):06d}0"
            handset = self._handsets[phone] = rng.choice(known) if shared else own
            at = bisect.bisect_left(known, handset)
            if at == len(known) or known[at] != handset:
                known.insert(at, handset)
            # few cells (3 LACs of 20), so that numbers do meet under one cell
            lac = str(rng.randrange(4100, 4103))
            self._cells[phone] = (lac, [str(rng.randrange(10_000, 10_020)) for _ in range(3)])
        lac, cells = self._cells[phone]
        return [self._handsets[phone], rng.choice(cells), lac]


class Table:
    """One output file: writes rows, counts lines, places bad rows."""

    def __init__(self, folder: Path, name: str, later: Later | None = None) -> None:
        encoding, delimiter, terminator = DIALECTS.get(name, _PLAIN)
        self.name = name
        # Strict encoding: a character cp1252 cannot hold fails loudly here.
        self._file: TextIO = open(folder / name, "w", encoding=encoding, newline="")  # noqa: SIM115
        self._csv = csv.writer(self._file, delimiter=delimiter, lineterminator=terminator)
        self._later = later if name in LATER else None
        self._csv.writerow(COLUMNS[name] + EXTRA.get(name, ()) + LATER.get(name, ()))
        self.line = 1
        self._pending: list[tuple[int, list[str], str]] = []
        self.bad: list[tuple[int, str]] = []

    @property
    def count(self) -> int:
        """Data rows written so far (bad rows included)."""
        return self.line - 1

    def schedule_bad(self, line: int, row: list[str], reason: str) -> None:
        """Put ``row`` at physical line ``line`` (or as soon after as rows allow).

        A bad row gets the :data:`LATER` columns empty, after its own fields (a row
        with one field too many keeps it).
        """
        if self._later is not None:
            row = [*row, *([""] * len(LATER[self.name]))]
        self._pending.append((line, row, reason))
        self._pending.sort(key=lambda p: p[0])

    def rows(self, rows: list[list[str]]) -> None:
        """Write rows in order, slipping in any bad row whose line has come."""
        if self._later is not None:
            rows = [[*r, *self._later.values(self.name, r)] for r in rows]
        i = 0
        while self._pending and self.line + len(rows) - i >= self._pending[0][0] - 1:
            line, bad, reason = self._pending.pop(0)
            k = max(0, line - 1 - self.line)
            self._csv.writerows(rows[i : i + k])
            self.line += len(rows[i : i + k])
            i += k
            self._csv.writerow(bad)
            self.line += 1
            self.bad.append((self.line, reason))
        if i < len(rows):
            self._csv.writerows(rows[i:] if i else rows)
            self.line += len(rows) - i

    def close(self) -> None:
        """Write bad rows still pending (the file was shorter than planned) and close."""
        for _, bad, reason in self._pending:
            self._csv.writerow(bad)
            self.line += 1
            self.bad.append((self.line, reason))
        self._pending.clear()
        self._file.close()


class Bundle:
    """All tables of one bundle, opened together so rows can stream to any of them."""

    def __init__(self, folder: Path, seed: int = 1) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.tables: dict[str, Table] = {}
        later = Later(seed)
        for name in COLUMNS:
            self.tables[name] = Table(folder, name, later)

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def __enter__(self) -> Bundle:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for table in self.tables.values():
            table.close()

    def bad_rows(self) -> list[dict[str, str | int]]:
        """Every bad row written, as truth.json records it."""
        return [
            {"file": t.name, "line": line, "reason_contains": reason}
            for t in self.tables.values()
            for line, reason in t.bad
        ]
