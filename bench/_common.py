"""Shared helpers for the benchmarks in ``bench/``: machine line, Neo4j, tables, memory.

Not a test helper: nothing here asserts anything. ``neo4j_server`` starts
``tools/neo4j-test-server`` in a state dir of its own (or uses a given URI) and
stops it at the end; ``in_child`` runs a function in a fresh interpreter
(``spawn``) so that its peak resident memory is its own, not the parent's.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "tools" / "neo4j-test-server" / "neo4j-test-server"


# -- machine ------------------------------------------------------------------------
def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _mem_total_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def machine_line() -> str:
    """One line: cores, CPU, RAM, Python, load average (1/5/15 min)."""
    return (
        f"{os.cpu_count()} cores ({_cpu_model()}), {_mem_total_gib():.0f} GiB RAM, "
        f"Python {platform.python_version()}, load average {load_average()}"
    )


def busy_processes(limit: int = 5) -> list[str]:
    """The busiest other processes right now (``ps``), to say what else was running."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pcpu,rss,args", "--sort=-pcpu", "--no-headers"],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    me = os.getpid()
    rows = []
    for line in out.splitlines():
        cpu, rss, args = line.split(None, 2)
        if float(cpu) < 5 or str(me) in args:
            continue
        rows.append(f"{cpu}% CPU, {int(rss) // 1024} MiB: {args[:90]}")
        if len(rows) >= limit:
            break
    return rows


def report_machine(when: str) -> None:
    print(f"<!-- {when}: {machine_line()} -->")
    for row in busy_processes():
        print(f"<!--   busy: {row} -->")


# -- tables ---------------------------------------------------------------------------
def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; numbers right-aligned by the reader's renderer, not here."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation; one value gives itself."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


# -- memory ---------------------------------------------------------------------------
def peak_rss_mib() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child_main(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        base = rss_mib()
        result = fn(*args)
        conn.send(("ok", result, base, peak_rss_mib()))
    except BaseException as exc:  # report, the parent re-raises
        conn.send(("error", f"{type(exc).__name__}: {exc}", 0.0, peak_rss_mib()))
    finally:
        conn.close()


@dataclass(frozen=True)
class ChildResult:
    result: Any
    base_rss_mib: float  # after the child's imports, before ``fn``
    peak_rss_mib: float  # VmHWM at the end


def in_child(fn: Callable[..., Any], *args: Any) -> ChildResult:
    """Run ``fn(*args)`` in a fresh interpreter; return its result and peak RSS.

    ``fn`` must be importable (a module-level function) and its result picklable.
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(child, fn, args))
    proc.start()
    child.close()
    status, result, base, peak = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"benchmark child failed: {result}")
    return ChildResult(result, base, peak)


# -- Neo4j ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    #: Where ``LOAD CSV FROM 'file:///x.csv'`` reads ``x.csv`` (None: unknown, external).
    import_dir: Path | None
    pid: int | None


@contextmanager
def neo4j_server(uri: str | None = None) -> Iterator[Neo4jServer]:
    """A Neo4j to benchmark against: ``uri`` if given, else a fresh test server.

    The test server embeds Neo4j with its home in a fresh data folder and does not
    set ``server.directories.import``, so the import dir is Neo4j's default
    ``<home>/import``, and ``file:///name.csv`` reads ``<home>/import/name.csv``.
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if uri:
        yield Neo4jServer(uri, None, None)
        return
    state = Path(tempfile.mkdtemp(prefix="telusur-bench-neo4j-"))
    out = subprocess.run(
        [str(LAUNCHER), "start", "--state-dir", str(state)],
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"neo4j-test-server did not start:\n{out.stderr[-3000:]}")
    try:
        home = Path((state / "data-dir").read_text().strip())
        pid = int((state / "pid").read_text().strip())
        (home / "import").mkdir(exist_ok=True)
        yield Neo4jServer(out.stdout.strip().splitlines()[-1], home / "import", pid)
    finally:
        subprocess.run([str(LAUNCHER), "stop", "--state-dir", str(state)],
                       capture_output=True, check=False)
        shutil.rmtree(state, ignore_errors=True)


def proc_cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system, all threads) another process used so far; 0 if unknown."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds this process used so far (all threads)."""
    t = os.times()
    return t.user + t.system


def proc_peak_rss_mib(pid: int) -> float:
    """Another process's peak RSS (VmHWM), e.g. the Neo4j JVM; 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
