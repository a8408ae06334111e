"""The ingest report: what was read, accepted, rejected and written.

Its human-readable text (the summary the command line prints, the progress lines, the
reason a file of the folder was not read) is in Bahasa Indonesia by default and English
on request, through :mod:`graph.text`: the reasons and step names are English messages
where they are made (``ingest.bundle``), translated here when shown. The JSON keys stay
the same in both languages.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph.files import private_file
from graph.store.base import UpsertResult
from graph.text import N_, gettext, ngettext

#: the command line's table of files: its column titles
COLUMNS = (
    N_("file"),
    N_("rows"),
    N_("accepted"),
    N_("rejected"),
    N_("encoding"),
    N_("delimiter"),
)


def count_text(n: int, lang: str) -> str:
    """``52066`` as ``52.066`` in Bahasa Indonesia, ``52,066`` in English."""
    text = f"{n:,}"
    return text if lang == "en" else text.replace(",", ".")


def reading_line(name: str, total: int | None, lang: str) -> str:
    """A progress line: a file about to be read with its rows, or a step after the
    files (``ingest.bundle.loader``'s ``announce``) by its name in ``lang``."""
    if total is None:
        return gettext("{step} ...", lang).format(step=gettext(name, lang))
    return ngettext("reading {file} ({n} row)", "reading {file} ({n} rows)", total, lang).format(
        file=name, n=count_text(total, lang)
    )


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

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        """The report as JSON; with ``lang``, every human-readable text in it (the
        reasons of ``skipped``) in that language, the keys unchanged."""
        skipped = [
            {**s, "reason": gettext(s["reason"], lang)} if lang else dict(s) for s in self.skipped
        ]
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
            "skipped": skipped,
            "written": self.written,
            "seconds": round(self.seconds, 3),
        }

    def title(self, lang: str) -> str:
        """The heading of the command line's table of files."""
        return gettext("Ingest {bundle}", lang).format(bundle=self.bundle)

    def lines(self, lang: str) -> list[str]:
        """The summary under the table of files, one line each, in ``lang``: what was
        read and how, every file not read with its reason, what was written, the
        rejected rows and the time."""
        out: list[str] = []
        for src in self.inputs:
            if src["kind"] == "mapping":
                out.append(gettext("mapping file: {file}", lang).format(file=src["file"]))
                continue
            label = f"{src['file']} [{src['sheet']}]" if "sheet" in src else src["file"]
            line = ngettext(
                "read {file} as {kind} ({n} row)",
                "read {file} as {kind} ({n} rows)",
                src["rows"],
                lang,
            ).format(file=label, kind=src["kind"], n=count_text(src["rows"], lang))
            if "mapping" in src:
                line += "; " + gettext("mapping {mapping}", lang).format(mapping=src["mapping"])
            if src.get("unused_columns"):
                line += "; " + gettext("columns not used: {columns}", lang).format(
                    columns=", ".join(src["unused_columns"])
                )
            out.append(line)
        for skip in self.skipped:
            out.append(
                gettext("skipped {file}: {reason}", lang).format(
                    file=skip["file"], reason=gettext(skip["reason"], lang)
                )
            )
        n, r = self.nodes, self.relationships
        if self.written:
            out.append(
                gettext(
                    "nodes: {nc} created, {nu} updated, {nn} unchanged; relationships: {rc} "
                    "created, {ru} updated, {rn} unchanged; candidate matches: {c}",
                    lang,
                ).format(
                    nc=count_text(n["created"], lang),
                    nu=count_text(n["updated"], lang),
                    nn=count_text(n["unchanged"], lang),
                    rc=count_text(r["created"], lang),
                    ru=count_text(r["updated"], lang),
                    rn=count_text(r["unchanged"], lang),
                    c=count_text(self.candidates, lang),
                )
            )
        else:
            out.append(gettext("nothing written: --strict and rows were rejected", lang))
        if self.other_schemata:
            schemata = ", ".join(
                f"{k} {count_text(v, lang)}" for k, v in sorted(self.other_schemata.items())
            )
            out.append(
                gettext("not imported (other schemata): {schemata}", lang).format(schemata=schemata)
            )
        if self.rejects_file:
            out.append(
                gettext("rejected rows: {n} -> {file}", lang).format(
                    n=count_text(self.rejected_total, lang), file=self.rejects_file
                )
            )
        seconds = f"{self.seconds:.1f}"
        out.append(
            gettext("time: {seconds} s", lang).format(
                seconds=seconds if lang == "en" else seconds.replace(".", ",")
            )
        )
        return out


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
