"""The ingest report: what was read, accepted, rejected and written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph.files import private_file
from graph.store.base import UpsertResult


@dataclass
class FileReport:
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class IngestReport:
    """Everything ``telusur ingest --json`` prints."""

    bundle: str
    files: dict[str, FileReport] = field(default_factory=dict)
    nodes: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    relationships: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    candidates: int = 0
    other_schemata: dict[str, int] = field(default_factory=dict)
    rejects_file: str | None = None
    #: sheets and mapped files read (file, sheet, kind, rows, mapping, unused_columns)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    #: every file of the folder not read, with the reason (nothing skipped in silence)
    skipped: list[dict[str, str]] = field(default_factory=list)
    written: bool = True
    seconds: float = 0.0

    def add_result(self, result: UpsertResult) -> None:
        """Count what one written batch created, updated or left unchanged."""
        for k, v in result.nodes.items():
            self.nodes[k] += v
        for k, v in result.relationships.items():
            self.relationships[k] += v

    @property
    def rejected_total(self) -> int:
        return sum(f.rejected for f in self.files.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "files": {
                name: {
                    "rows": f.rows,
                    "accepted": f.accepted,
                    "rejected": f.rejected,
                    "encoding": f.encoding,
                    "delimiter": f.delimiter,
                }
                for name, f in self.files.items()
            },
            "rejected": {name: f.rejected for name, f in self.files.items()},
            "nodes": dict(self.nodes),
            "relationships": dict(self.relationships),
            "candidates": self.candidates,
            "other_schemata": dict(self.other_schemata),
            "rejects_file": self.rejects_file,
            "inputs": list(self.inputs),
            "skipped": list(self.skipped),
            "written": self.written,
            "seconds": round(self.seconds, 3),
        }


class RejectsWriter:
    """Writes rejected rows as CSV: file, line, reason, raw row. Opened on first use,
    readable by its owner only (the raw rows hold names, NIKs, phone numbers)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: TextIO | None = None
        self._writer: Any = None
        self.count = 0
        #: bundle file name -> where its staged line came from (Excel sheets and mapped
        #: files are staged as bundle files: a reject names the sheet and row)
        self.origins: dict[str, Callable[[int], tuple[str, int]]] = {}

    def add(
        self, file: str, line: int, reason: str, raw: dict[str, str], *, staged: bool = True
    ) -> None:
        if staged and file in self.origins:
            origin, at = self.origins[file](line)
            if origin:
                file, line = origin, at
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = private_file(self.path).open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["file", "line", "reason", "raw"])
        raw_text = ";".join(f"{k}={v}" for k, v in raw.items())
        self._writer.writerow([file, line, reason, raw_text])
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
