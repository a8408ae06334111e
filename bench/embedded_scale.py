"""The embedded store at 500k and 1M relationships: each command cold, in a fresh process.

Builds (once; kept in ``--work``) a synthetic bundle per scale (``ingest.synth.generate``,
seed 2: scale 15 is about 0.1M nodes / 0.5M relationships, scale 30 about 1M
relationships) and its embedded store (``telusur ingest``), then runs each command
``--runs`` times in a fresh interpreter and reports the median and maximum wall
time, the median CPU time (user + system: on a shared machine the wall time also
holds the time spent waiting for a core) and the peak resident memory of the
process (``ru_maxrss`` of the child, from ``os.wait4``):

- ``telusur --help`` and ``telusur --version``;
- ``telusur stats``;
- ``entity`` and ``search``: ``queries.entity`` / ``queries.search`` in a fresh
  interpreter (the command line has no such commands; the API calls these); search
  for a person's name, and for a phone number as written in the bundle (a text with
  a digit is also looked up in the extra columns);
- ``telusur protectors RING --top 3``;
- ``telusur render --ring RING``.

``--compare DIR`` runs the same commands from another checkout (e.g. today's code:
``git worktree add /tmp/emb-before <commit>``) in the same run, alternating with
this one, against the same store files (``--compare-runs`` fewer times: today's code
takes minutes per command). A store built by older code is brought up to date by
newer code the first time it opens it: each checkout opens the store once, untimed,
before the timed runs.

Usage::

    python bench/embedded_scale.py --work /tmp/emb-bench                  # scales 15 and 30
    python bench/embedded_scale.py --work /tmp/emb-bench --scales 15 --compare /tmp/emb-before
    python bench/embedded_scale.py --work /tmp/emb-bench --runs 5 --compare /tmp/emb-before \
        --compare-runs 1 --compare-scales 15

A benchmark, not a test: it prints a Markdown table for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import busy_processes, machine_line, md_table  # noqa: E402

SEED = 2
CLI = "from graph_api.cli import main; main()"
ENTITY = (
    "import sys, queries; from graph.store import open_store\n"
    "with open_store(sys.argv[1]) as s: print(queries.entity(s, id=sys.argv[2]) is not None)"
)
SEARCH = (
    "import sys, queries; from graph.store import open_store\n"
    "with open_store(sys.argv[1]) as s: print(len(queries.search(s, q=sys.argv[2], limit=20)))"
)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    peak_mib: float
    code: int


def timed(argv: list[str], cwd: Path) -> Run:
    """Run ``argv`` in ``cwd`` (its own code first on the path); wall time and peak RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        print(f"  ! {' '.join(argv[2:])[:80]} exit {proc.returncode}: {err[-300:]}", flush=True)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, proc.returncode)


def build(work: Path, scale: float) -> Path:
    """The bundle and the store of one scale, built once (a ``.done`` file marks each)."""
    folder = work / f"s{scale:g}"
    bundle, store = folder / "bundle", folder / "store"
    if not (folder / "bundle.done").exists():
        print(f"generating scale {scale:g} ...", flush=True)
        code = f"from ingest.synth import generate; generate({str(bundle)!r}, seed={SEED}, "
        code += f"scale={scale!r})"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        (folder / "bundle.done").touch()
    if not (folder / "store.done").exists():
        print(f"ingesting scale {scale:g} ...", flush=True)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", CLI, "ingest", str(bundle), "--bundle", "synth"]
            + ["--store", f"embedded:{store}", "--rejects", str(folder / "rejects.csv")]
            + ["--json"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  ingested in {time.perf_counter() - t0:.0f} s", flush=True)
        (folder / "store.done").touch()
    return folder


def first(path: Path, column: str) -> str:
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row[column]:
                return row[column]
    raise SystemExit(f"no {column} in {path}")


def commands(folder: Path) -> dict[str, list[str]]:
    """Each measured command's argv (after the interpreter), on this scale's store."""
    bundle, uri = folder / "bundle", f"embedded:{folder / 'store'}"
    truth = json.loads((bundle / "truth.json").read_text())
    ring_key = sorted(truth["rings"])[0]
    ring, official = f"synth:{ring_key}", f"synth:{truth['rings'][ring_key]['protectors'][0]}"
    name = first(bundle / "people.csv", "name")
    number = first(bundle / "people.csv", "phones").split(";")[0].strip()
    page = folder / "ring.html"
    return {
        "--version": ["-c", CLI, "--version"],
        "--help": ["-c", CLI, "--help"],
        "stats": ["-c", CLI, "stats", "--store", uri],
        "entity": ["-c", ENTITY, uri, official],
        "search": ["-c", SEARCH, uri, name],
        "search a number": ["-c", SEARCH, uri, number],
        "protectors --top 3": ["-c", CLI, "protectors", ring, "--top", "3", "--store", uri],
        "render --ring": ["-c", CLI, "render", "--ring", ring, "--out", str(page), "--store", uri],
    }


def store_size(folder: Path) -> str:
    """Nodes and relationships in the store (read with sqlite3, not with either code)."""
    import sqlite3

    db = sqlite3.connect(f"file:{folder / 'store' / 'telusur.sqlite'}?mode=ro", uri=True)
    try:
        nodes = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
        rels = db.execute("SELECT count(*) FROM rels").fetchone()[0]
    finally:
        db.close()
    size = sum(p.stat().st_size for p in (folder / "store").glob("telusur.sqlite*"))
    return f"{nodes:,} nodes, {rels:,} relationships, {size / 2**20:.0f} MiB on disk"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True, help="where bundles and stores are kept")
    ap.add_argument("--scales", default="15,30", help="synthetic scales (default 15,30)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compare", type=Path, help="another checkout to run side by side")
    ap.add_argument("--only", help="comma-separated command names to run")
    ap.add_argument("--compare-scales", help="scales to run --compare on (default: all)")
    ap.add_argument(
        "--compare-runs", type=int, help="runs of the --compare checkout (default --runs)"
    )
    args = ap.parse_args()
    print(f"machine: {machine_line()}")
    for line in busy_processes():
        print(f"  busy: {line}")
    for scale in (float(s) for s in args.scales.split(",")):
        folder = build(args.work, scale)
        cmds = commands(folder)
        compare = args.compare_scales is None or f"{scale:g}" in args.compare_scales.split(",")
        trees = {"this": ROOT} | (
            {"compare": args.compare.resolve()} if args.compare and compare else {}
        )
        if args.only:
            cmds = {k: v for k, v in cmds.items() if k in args.only.split(",")}
        for tree in trees.values():  # a newer code's first open brings the store up to date
            timed([sys.executable, *cmds.get("stats", commands(folder)["stats"])], tree)
        print(f"\nscale {scale:g}: {store_size(folder)}", flush=True)
        runs: dict[tuple[str, str], list[Run]] = {}
        for i in range(args.runs):
            for name, argv in cmds.items():
                for label, tree in trees.items():
                    if label == "compare" and args.compare_runs is not None:
                        if i >= args.compare_runs:
                            continue
                    r = timed([sys.executable, *argv], tree)
                    runs.setdefault((name, label), []).append(r)
                    print(
                        f"  {label} {name}: {r.seconds:.2f} s, CPU {r.cpu:.2f} s, "
                        f"{r.peak_mib:.0f} MiB",
                        flush=True,
                    )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        headers = ["command"]
        for label in trees:
            headers += [f"{label}: median s", f"{label}: max s", f"{label}: CPU s"]
            headers += [f"{label}: peak MiB"]
        rows = []
        for name in cmds:
            row: list[object] = [f"`{name}`"]
            for label in trees:
                rs = runs[(name, label)]
                bad = sum(1 for r in rs if r.code)
                failed = f" ({bad} failed)" if bad else ""
                row += [
                    f"{statistics.median(r.seconds for r in rs):.2f}{failed}",
                    f"{max(r.seconds for r in rs):.2f}",
                    f"{statistics.median(r.cpu for r in rs):.2f}",
                    f"{max(r.peak_mib for r in rs):.0f}",
                ]
            rows.append(row)
        print(md_table(headers, rows), flush=True)


if __name__ == "__main__":
    main()
