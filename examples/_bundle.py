"""Writing bundle CSV files (``shared/spec/bundle-format.md``): UTF-8, header row, ``,``."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_csv(out: Path, name: str, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    """Write ``rows`` to ``out/name`` with exactly ``columns``; return how many rows."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
