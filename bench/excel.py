"""Which Excel reader: python-calamine (Rust) or openpyxl (read-only mode)?

One sheet shaped like a bank statement ("mutasi rekening": a title row, a header, then
date cells, text, debit/credit numbers), written by the synthetic generator
(``ingest.synth._workbooks.write_xlsx``); each reader reads every row of it in a fresh
child process (so the peak resident memory is its own): rows per second and peak RSS.
Both readers in the same run; the order alternates between repeats.

    python bench/excel.py --rows 200000 --repeat 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

from bench._common import in_child, md_table, report_machine  # noqa: E402


def _write(path: Path, rows: int) -> None:
    from ingest.synth._workbooks import Cell, Sheet, write_xlsx

    start = dt.datetime(2023, 1, 1, 8, 0)

    def body() -> Iterator[list[Cell]]:
        for i in range(rows):
            at = start + dt.timedelta(minutes=7 * i)
            debit = (i * 7919) % 5_000_000 if i % 2 else None
            credit = None if i % 2 else (i * 104729) % 9_000_000
            yield [
                at.date(),
                at.time(),
                f"TRSF E-BANKING {i:07d}",
                f"0{i % 9}1234567{i % 1000:03d}",
                debit,
                credit,
                1_000_000_000 - i,
            ]

    header = ["Tanggal", "Jam", "Keterangan", "Rekening Lawan", "Debet", "Kredit", "Saldo"]
    write_xlsx(path, [Sheet("Mutasi", body(), header=header, title=["MUTASI REKENING BRI"])])


def _calamine(path: str) -> tuple[int, float]:
    from python_calamine import CalamineWorkbook

    began = time.perf_counter()
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    n = sum(1 for _ in sheet.iter_rows())
    return n, time.perf_counter() - began


def _openpyxl(path: str) -> tuple[int, float]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    began = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n, time.perf_counter() - began


def _telusur(path: str) -> tuple[int, float]:
    """What the loader does: ``ingest.bundle._excel`` rows as text (calamine + cell text)."""
    from ingest.bundle._excel import sheet_rows

    began = time.perf_counter()
    n = sum(1 for _ in sheet_rows(Path(path), "Mutasi"))
    return n, time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    report_machine("start")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutasi.xlsx"
        began = time.perf_counter()
        _write(path, args.rows)
        print(
            f"<!-- wrote {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB "
            f"in {time.perf_counter() - began:.1f} s -->"
        )
        readers = {
            "python-calamine 0.9.1": _calamine,
            "openpyxl 3.1.5 (read_only)": _openpyxl,
            "telusur sheet_rows (calamine, as text)": _telusur,
        }
        results: dict[str, list[tuple[float, float]]] = {k: [] for k in readers}
        for r in range(args.repeat):
            order = list(readers.items())
            for name, fn in order if r % 2 == 0 else order[::-1]:
                res = in_child(fn, str(path))
                n, secs = res.result
                results[name].append((n / secs, res.peak_rss_mib - res.base_rss_mib))
        rows = [
            (name, max(v[0] for v in vals), max(v[1] for v in vals))
            for name, vals in results.items()
        ]
    report_machine("end")
    print(md_table(["reader", "rows/s (best)", "peak RSS above imports, MiB (worst)"], rows))


if __name__ == "__main__":
    main()
