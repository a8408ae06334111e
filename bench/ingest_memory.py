"""Does the Neo4j ingest's memory grow with the transfers and calls files?

The same people, accounts and organisations with transfers.csv and calls.csv repeated
1, 4 and 8 times (new transfer ids; repeated calls become new calls through their
occurrence numbers), each ingested into an empty Neo4j in a fresh child process:
peak resident memory of that process, side by side with the rows it read.

    python bench/ingest_memory.py --scale 2 --times 1,4,8
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

from bench._common import in_child, md_table, neo4j_server, report_machine  # noqa: E402
from ingest.synth import generate  # noqa: E402


def _repeat(src: Path, dst: Path, times: int) -> None:
    """Copy the bundle with transfers and calls repeated ``times`` times."""
    shutil.copytree(src, dst)
    for name, encoding, delim in (("transfers.csv", "cp1252", ";"), ("calls.csv", "utf-8", "\t")):
        with (src / name).open(encoding=encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delim))
        header, body = rows[0], rows[1:]
        tid = header.index("transfer_id") if "transfer_id" in header else None
        with (dst / name).open("w", encoding=encoding, newline="") as fh:
            out = csv.writer(fh, delimiter=delim, lineterminator="\r\n")
            out.writerow(header)
            for k in range(times):
                for row in body:
                    if tid is not None and row[tid] and k:
                        row = [*row[:tid], f"{row[tid]}-r{k}", *row[tid + 1 :]]
                    out.writerow(row)


def _ingest(folder: str, uri: str) -> dict[str, float]:
    from graph.store import open_store
    from ingest import ingest_path

    store = open_store(uri)
    store.wipe()
    t0 = time.perf_counter()
    report = ingest_path(Path(folder), store, bundle="mem", rejects=Path(folder) / "r.csv")
    seconds = time.perf_counter() - t0
    store.close()
    rows = sum(f.rows for n, f in report.files.items() if n in ("transfers.csv", "calls.csv"))
    return {"rows": float(rows), "seconds": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=2.0)
    ap.add_argument("--times", default="1,4,8")
    ap.add_argument("--neo4j", default=None)
    args = ap.parse_args()
    report_machine("start")
    work = Path(tempfile.mkdtemp(prefix="telusur-bench-mem-"))
    base = work / "base"
    generate(base, seed=1, scale=args.scale)
    rows: list[list[object]] = []
    with neo4j_server(args.neo4j) as server:
        for times in (int(t) for t in args.times.split(",")):
            folder = work / f"x{times}"
            _repeat(base, folder, times)
            child = in_child(_ingest, str(folder), server.uri)
            r = child.result
            rows.append([f"×{times}", f"{int(r['rows']):,}", f"{r['seconds']:.0f}",
                         f"{r['rows'] / r['seconds']:,.0f}", f"{child.base_rss_mib:.0f}",
                         f"{child.peak_rss_mib:.0f}"])
            print(rows[-1], flush=True)
    report_machine("end")
    print(md_table(["transfers+calls", "their rows", "ingest s", "rows/s (whole bundle)",
                    "RSS after imports MiB", "peak RSS MiB"], rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
