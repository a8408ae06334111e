"""HTTP API under load: 50 concurrent clients on loopback, both stores.

For each store a synthetic bundle (``--scale 13``: 101,593 nodes; scale 11, used
before 29 Nov 2026, had 86,349) is
ingested, ``telusur serve`` runs in its own process, one user per client signs
in (so per-user rate limits do not cap the run), and the clients hit
``/rings/{id}/protectors`` and ``/entities/{id}`` for a fixed number of requests
each (bounded count and time; loopback only). Prints a Markdown table:
throughput and p50/p95/p99 latency per store, phase and route, the service's CPU
per request (user + system, both routes), with the load
average when the phase started.

Phases (each a timed run of ``--requests`` per client):

* ``ready``: as a load balancer would, the clients start once ``/readyz`` answers
  200, i.e. once the service's background warm-up (every ring's ranking) finished;
  the time from the start of the process to that moment is the ``warm-up s`` column.
* ``after write``: the same service, warm; one write (through ``POST /ingest``, a new
  payment from a member of the first ring to one of its officials: that ring's group of
  rankings changes and is ranked again) and the clients start at once: what users see
  right after data changes (every kept answer belongs to the old generation).
  ``--writes N`` repeats it N times (waiting for the warm-up in between) and pools the
  latencies. ``--write-kind flag`` writes a Propam flag instead, which since flags live
  in the Propam store changes nothing the investigation store's answers depend on.
* ``cold`` (``--cold``): a fresh service, hammered without waiting for readiness: as
  soon as ``/healthz`` answers, two clients send 4 requests each (not counted; they
  open the store), then the timed run starts (what this benchmark measured before the
  service had a warm-up).

    python bench/api.py --scale 13 --clients 50 --requests 4
    python bench/api.py --scale 13 --stores neo4j --writes 3 --write-kind ingest
    python bench/api.py --stores neo4j --neo4j bolt://127.0.0.1:7687 --skip-ingest --cold
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

# bench/ holds files named like the packages (queries.py, ingest.py): keep it off the path.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

from bench._common import md_table, neo4j_server, percentile, report_machine  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph_api.web.security import create_token  # noqa: E402
from graph_api.web.settings import weak_secret  # noqa: E402
from graph_api.web.users import UserStore  # noqa: E402
from ingest import ingest_path  # noqa: E402
from ingest.synth import generate  # noqa: E402

ROUTES = ("protectors", "entity")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (uvicorn's workers) (Linux)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the service's processes used so far (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _peak_mib(pid: int) -> tuple[float, float]:
    """The service's memory: the peak (``VmHWM``) and current (``VmRSS``) resident sizes of
    ``pid`` and every process below it (uvicorn's workers), summed, in MiB (Linux)."""
    peak = now = 0.0
    for p in _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text().splitlines()
        except OSError:
            continue
        kb = {ln.split(":")[0]: ln.split()[1] for ln in status
              if ln.startswith(("VmHWM:", "VmRSS:"))}
        peak += int(kb.get("VmHWM", 0)) / 1024
        now += int(kb.get("VmRSS", 0)) / 1024
    return peak, now


def _serve(store_uri: str, state: Path, secret: str, workers: int | None,
           ranking_off: str = "") -> tuple[subprocess.Popen[bytes], str, float]:
    """The service in its own process, once ``/healthz`` answers; with the moment it was
    started (``time.monotonic()``). ``ranking_off``: the layers of the protector cache
    switched off (``TELUSUR_RANKING_OFF``)."""
    port = _free_port()
    env = {**os.environ, "TELUSUR_SECRET": secret, "TELUSUR_STATE_DIR": str(state),
           "TELUSUR_AUDIT_KEY": os.environ.get("TELUSUR_AUDIT_KEY") or secrets.token_urlsafe(48),
           "TELUSUR_RANKING_OFF": ranking_off}
    log = (state / "serve.log").open("ab")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from graph_api.cli import main; main()", "serve",
         "--store", store_uri, "--port", str(port),
         *(["--workers", str(workers)] if workers else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    if _poll(url + "/healthz", 300):
        return proc, url, started
    proc.kill()
    raise RuntimeError(f"the API did not come up: {(state / 'serve.log').read_text()[-2000:]}")


def _poll(url: str, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


class _Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a load generator can be.

    The clients share two cores with the service (and Neo4j): httpx spent most of a
    core on 50 clients, which the service then lacked. This reads the status line,
    the headers and a Content-Length or chunked body, and nothing else.
    """

    def __init__(self, url: str, token: str) -> None:
        parsed = urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.head = (f"Host: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
                     "Accept: application/json\r\n\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        writer.write(f"GET {path} HTTP/1.1\r\n".encode() + self.head)
        status = int((await reader.readline()).split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "connection":
                close = value == "close"
        if chunked:
            while size := int((await reader.readline()).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        else:
            await reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _client(
    url: str, token: str, rings: list[str], people: list[str], n: int, seed: int,
    out: dict[str, list[float]], errors: list[int], deadline: float,
) -> None:
    rnd = random.Random(seed)
    conn = _Connection(url, token)
    try:
        for i in range(n):
            if time.monotonic() > deadline:
                return
            route = ROUTES[i % 2]
            target = rnd.choice(rings if route == "protectors" else people)
            path = (f"/api/v1/rings/{quote(target, safe='')}/protectors" if route == "protectors"
                    else f"/api/v1/entities/{quote(target, safe='')}")
            t0 = time.perf_counter()
            try:
                status = await asyncio.wait_for(conn.get(path), timeout=120)
            except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                status = 0  # counted as a failure, with the time it took to give up
                await conn.close()
            out[route].append(time.perf_counter() - t0)
            if status != 200:
                errors.append(status)
    finally:
        await conn.close()


async def _load(url: str, tokens: list[str], rings: list[str], people: list[str],
                requests: int, limit_s: float) -> tuple[dict[str, list[float]], list[int], float]:
    out: dict[str, list[float]] = {r: [] for r in ROUTES}
    errors: list[int] = []
    t0 = time.perf_counter()
    deadline = time.monotonic() + limit_s
    await asyncio.gather(*(
        _client(url, tok, rings, people, requests, i, out, errors, deadline)
        for i, tok in enumerate(tokens)
    ))
    return out, errors, time.perf_counter() - t0


def _tokens(url: str, passwords: dict[str, str], state: Path, secret: str) -> list[str]:
    """One real sign-in (the login limit is 10 a minute per address), then tokens minted
    with the service's own secret for the other clients: same JWTs the service issues."""
    first, password = next(iter(passwords.items()))
    r = httpx.post(url + "/api/v1/auth/token", data={"username": first, "password": password},
                   timeout=60)
    r.raise_for_status()
    return [r.json()["access_token"], *_mint(state, secret, list(passwords)[1:])]


def _mint(state: Path, secret: str, names: list[str]) -> list[str]:
    users = UserStore(state / "users.sqlite")
    try:
        minted = []
        for name in names:
            user = users.get(name)
            assert user is not None
            minted.append(create_token(secret=secret, user=name, role=user.role,
                                       version=user.version, minutes=60))
    finally:
        users.close()
    return minted


def _warm(url: str, token: str, rings: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for ring in rings:
        r = httpx.get(f"{url}/api/v1/rings/{quote(ring, safe='')}/protectors",
                      headers=headers, timeout=300)
        r.raise_for_status()


def _cache_status(url: str, admin: str) -> dict[str, Any]:
    r = httpx.get(url + "/api/v1/cache", headers={"Authorization": f"Bearer {admin}"},
                  timeout=60)
    r.raise_for_status()
    return dict(r.json())


def _flag(url: str, propam: str, official: str) -> None:
    r = httpx.post(url + "/api/v1/flags", headers={"Authorization": f"Bearer {propam}"},
                   json={"official_id": official, "reason": "bench: a write",
                         "evidence": "bench/api.py"}, timeout=60)
    r.raise_for_status()


def _money_write(bundle: Path, ring: str) -> Callable[[str, str, int], None]:
    """A write that changes what a ring's protector ranking reads: ``POST /ingest`` of a
    two-file bundle (the accounts of one of the ring's members and of one of its
    planted officials, matched to the stored ones by bank and number, and one new
    transfer of Rp 2.500.000 between them)."""
    truth = json.loads((bundle / "truth.json").read_text())
    members = set(truth["members"][ring])
    officials = set(truth["rings"][ring]["decoys"]) | set(truth["rings"][ring]["protectors"])
    raw = (bundle / "accounts.csv").read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # the synthetic bundles are as messy as the spec allows
    rows = list(csv.DictReader(io.StringIO(text, newline=""),
                               dialect=csv.Sniffer().sniff(text[:4096], ";,\t")))
    payer = next(r for r in rows if r["holder_id"] in members)
    payee = next(r for r in rows if r["holder_id"] in officials)
    # a new bundle name per write: the same payment ingested again would change nothing
    # (ingest is idempotent), and then no generation would follow
    run = secrets.token_hex(3)

    def write(url: str, token: str, n: int) -> None:
        accounts = io.StringIO()
        w = csv.writer(accounts)
        w.writerow(["account_id", "bank", "number", "holder_name", "kind"])
        for acc in (payer, payee):
            w.writerow([acc[k] for k in ("account_id", "bank", "number", "holder_name", "kind")])
        transfers = io.StringIO()
        w = csv.writer(transfers)
        w.writerow(["transfer_id", "from_account", "to_account", "amount", "at", "channel"])
        w.writerow([f"W{n}", payer["account_id"], payee["account_id"], "2.500.000",
                    f"2023-06-{1 + n % 28:02d} 10:00", "transfer"])
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("accounts.csv", accounts.getvalue())
            z.writestr("transfers.csv", transfers.getvalue())
        r = httpx.post(url + "/api/v1/ingest", headers={"Authorization": f"Bearer {token}"},
                       files={"file": ("write.zip", buf.getvalue(), "application/zip")},
                       data={"bundle": f"benchw{run}-{n}"}, timeout=120)
        r.raise_for_status()
        report = r.json()
        if (report["files"]["transfers.csv"]["accepted"] != 1
                or report["relationships"].get("created", 0) < 1):
            raise RuntimeError(f"the write was not accepted: {report}")

    return write


@dataclass
class Phase:
    name: str
    out: dict[str, list[float]]
    errors: list[int]
    wall: float
    load: float
    warmup_s: float | None = None
    note: str = ""
    #: CPU seconds the service used during the phase
    cpu_s: float | None = None


def _timed(name: str, url: str, tokens: list[str], rings: list[str], people: list[str],
           requests: int, limit_s: float) -> Phase:
    report_machine(f"{name}: timed run starts")
    load = os.getloadavg()[0]
    out, errors, wall = asyncio.run(_load(url, tokens, rings, people, requests, limit_s))
    total = sum(len(v) for v in out.values())
    print(f"{name}: {total} requests in {wall:.1f} s, {len(errors)} non-200", flush=True)
    return Phase(name, out, errors, wall, load)


def bench_store(label: str, store_uri: str, bundle: Path, clients: int, requests: int,
                limit_s: float, *, skip_ingest: bool = False, workers: int | None = None,
                warm: bool = False, cold: bool = False, writes: int = 1,
                write_kind: str = "ingest", ranking_off: str = ""
                ) -> tuple[list[list[object]], list[str]]:
    state = Path(tempfile.mkdtemp(prefix="telusur-bench-api-"))
    with open_store(store_uri) as store:
        ingest_s = float("nan")
        if not skip_ingest:
            if label == "neo4j":
                store.wipe()
            t0 = time.perf_counter()
            ingest_path(bundle, store, rejects=state / "rejects.csv")
            ingest_s = time.perf_counter() - t0
        nodes = sum(store.counts()["nodes"][k] for k in ("Person", "Agency", "Organization",
                                                         "Account", "Phone", "Case", "Event",
                                                         "Ring", "Source"))
    truth = json.loads((bundle / "truth.json").read_text())
    rings = [f"{bundle.name}:{r}" for r in truth["rings"]]
    people = [f"{bundle.name}:{p}" for ms in truth["members"].values() for p in ms]
    official = next(f"{bundle.name}:{o}" for r in truth["rings"].values()
                    for o in r["protectors"])
    users = UserStore(state / "users.sqlite")
    passwords = {}
    for i in range(clients):
        passwords[f"bench{i}"] = secrets.token_urlsafe(12)
        users.add(f"bench{i}", role="reskrim", password=passwords[f"bench{i}"])
    users.add("bench-admin", role="admin", password=secrets.token_urlsafe(12))
    users.add("bench-propam", role="propam", password=secrets.token_urlsafe(12))
    users.add("bench-analyst", role="analyst", password=secrets.token_urlsafe(12))
    users.close()
    secret = _secret()
    admin, propam, analyst = _mint(state, secret, ["bench-admin", "bench-propam",
                                                   "bench-analyst"])
    money = _money_write(bundle, next(iter(truth["rings"])))
    phases: list[Phase] = []
    notes: list[str] = []
    if cold:
        proc, url, _started = _serve(store_uri, state, secret, workers, ranking_off)
        try:
            tokens = _tokens(url, passwords, state, secret)
            # as this benchmark always did: two clients, 4 requests each (they open the
            # store and load the code), then everyone, without waiting for readiness
            asyncio.run(_load(url, tokens[:2], rings, people, 4, 60))
            phases.append(_timed("cold", url, tokens, rings, people, requests, limit_s))
            st = _cache_status(url, admin)
            notes.append(f"{label} cold: the warm-up was {st['state']} when the run ended "
                         f"(first warm-up {st['first_warmup_s']} s after the start)")
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    proc, url, started = _serve(store_uri, state, secret, workers, ranking_off)
    try:
        up = time.monotonic() - started
        if not _poll(url + "/readyz", 900):
            raise RuntimeError("the API did not become ready")
        ready_s = time.monotonic() - started
        st = _cache_status(url, admin)
        notes.append(f"{label}: /healthz after {up:.1f} s, /readyz 200 after {ready_s:.1f} s "
                     f"(the service's own count: first warm-up done {st['first_warmup_s']} s "
                     f"after its start, the run itself {st['last']['seconds']} s, "
                     f"{st['last']['rings']} rings)")
        tokens = _tokens(url, passwords, state, secret)
        if warm:
            _warm(url, tokens[0], rings)
        cpu = _cpu_s(proc.pid)
        phase = _timed("ready", url, tokens, rings, people, requests, limit_s)
        phase.warmup_s, phase.cpu_s = ready_s, _cpu_s(proc.pid) - cpu
        phases.append(phase)
        rounds: list[Phase] = []
        warmups: list[str] = []
        for n in range(writes):
            # one write, the clients at once; then wait until the warm-up caught up, so
            # that every round starts from a warm service
            before = _cache_status(url, admin)
            if write_kind == "ingest":
                money(url, analyst, n)
            else:
                _flag(url, propam, official)
            cpu = _cpu_s(proc.pid)
            rounds.append(_timed("after write", url, tokens, rings, people, requests,
                                 limit_s))
            rounds[-1].cpu_s = _cpu_s(proc.pid) - cpu
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                after = _cache_status(url, admin)
                last = after["last"]
                if (last and last["generation"] != before["last"]["generation"]
                        and last["complete"] and after["state"] == "warm"):
                    warmups.append(f"{last['seconds']} s ({last['ranked']} ranked by it)")
                    break
                time.sleep(0.2)
        if rounds:
            what = "a flag" if write_kind == "flag" else "an ingest"
            phases.append(Phase(
                f"after {what}" if writes == 1 else f"after {what} (x{writes})",
                {r: [x for ph in rounds for x in ph.out[r]] for r in ROUTES},
                [e for ph in rounds for e in ph.errors], sum(ph.wall for ph in rounds),
                sum(ph.load for ph in rounds) / len(rounds),
                cpu_s=sum(ph.cpu_s or 0.0 for ph in rounds)))
            notes.append(f"{label} after write: the warm-up of each new generation took "
                         f"{', '.join(warmups)}; the clients' requests ranked the "
                         "rest")
        peak, now = _peak_mib(proc.pid)
        notes.append(f"{label} service memory after the last phase: peak {peak:,.0f} MiB, "
                     f"now {now:,.0f} MiB (VmHWM/VmRSS of the service and its workers)")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    rows: list[list[object]] = []
    for ph in phases:
        served = sum(len(ph.out[r]) for r in ROUTES)
        cpu_ms = "-" if ph.cpu_s is None or not served else f"{ph.cpu_s * 1000 / served:.2f}"
        for route in ROUTES:
            lat = ph.out[route]
            rows.append([label, ranking_off or "-", f"{nodes:,}",
                         "-" if skip_ingest else f"{ingest_s:.0f}",
                         ph.name, "-" if ph.warmup_s is None else f"{ph.warmup_s:.1f}",
                         f"{ph.load:.2f}", route, len(lat), f"{len(lat) / ph.wall:.1f}",
                         f"{percentile(lat, 0.50) * 1000:.0f}",
                         f"{percentile(lat, 0.95) * 1000:.0f}",
                         f"{percentile(lat, 0.99) * 1000:.0f}", cpu_ms, len(ph.errors)])
    return rows, notes


def _secret() -> str:
    """A random JWT secret the service accepts."""
    while weak_secret(secret := secrets.token_urlsafe(48)) is not None:
        pass
    return secret


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=13.0,
                    help="synthetic bundle scale (13: about 100k nodes)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="requests per client")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds per phase, at most")
    ap.add_argument("--stores", default="embedded,neo4j")
    ap.add_argument("--neo4j", default=None)
    ap.add_argument("--skip-ingest", action="store_true",
                    help="use the store as it is (it must already hold the same --scale bundle)")
    ap.add_argument("--workers", type=int, default=None,
                    help="telusur serve --workers (default: the service's own default)")
    ap.add_argument("--warm", action="store_true",
                    help="once ready, also ask for every ring once before the timed run")
    ap.add_argument("--cold", action="store_true",
                    help="first a fresh service hammered at once, without waiting for /readyz "
                    "(after 8 uncounted requests of 2 clients, as before)")
    ap.add_argument("--writes", type=int, default=1,
                    help="rounds of the phase right after a write (one flag, then the clients; "
                    "latencies pooled, load averaged); 0 skips it")
    ap.add_argument("--write-kind", choices=("flag", "ingest"), default="ingest",
                    help="the write before each 'after write' round: POST /ingest of a new "
                    "payment from one ring's member to one of its officials (that ring's "
                    "rankings change), or a Propam flag (kept in the Propam store: no "
                    "investigation answer changes)")
    ap.add_argument("--data", default=None,
                    help="folder for the bundle and the embedded store (kept; default: a temp dir)")
    ap.add_argument("--ranking-off", default="",
                    help="variants of the protector cache to compare, ';'-separated, each a "
                         "TELUSUR_RANKING_OFF value ('' = every layer on), e.g. "
                         "';groups;moments'; run in turn, --rounds times")
    ap.add_argument("--rounds", type=int, default=1,
                    help="how many times the --ranking-off variants alternate")
    args = ap.parse_args()
    report_machine("start")
    work = Path(args.data or tempfile.mkdtemp(prefix="telusur-bench-api-data-"))
    bundle = work / "jatim"
    if not (bundle / "truth.json").exists():
        generate(bundle, seed=1, scale=args.scale)
    rows: list[list[object]] = []
    notes: list[str] = []
    stores = args.stores.split(",")
    opts: dict[str, Any] = {"skip_ingest": args.skip_ingest, "workers": args.workers,
                            "warm": args.warm, "cold": args.cold, "writes": args.writes,
                            "write_kind": args.write_kind}
    variants = args.ranking_off.split(";") if args.ranking_off else [""]
    runs = [v for _ in range(args.rounds) for v in variants]

    def each(label: str, uri: str) -> None:
        nonlocal rows, notes
        for i, off in enumerate(runs):
            # the bundle is ingested once; every later run serves the same store
            r, n = bench_store(label, uri, bundle, args.clients, args.requests, args.limit,
                               **{**opts, "skip_ingest": opts["skip_ingest"] or i > 0},
                               ranking_off=off)
            rows, notes = rows + r, notes + n

    if "embedded" in stores:
        each("embedded", f"embedded:{work / 'store'}")
    if "neo4j" in stores:
        with neo4j_server(args.neo4j) as server:
            each("neo4j", server.uri)
    report_machine("end")
    for note in notes:
        print(f"- {note}")
    print(md_table(["store", "layers off", "nodes", "ingest s", "phase", "warm-up s",
                    "load 1m", "route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms",
                    "CPU ms/req", "non-200"], rows))


if __name__ == "__main__":
    main()
