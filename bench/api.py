"""HTTP API under load: 50 concurrent clients on loopback, both stores.

For each store a synthetic bundle (``--scale 11`` is about 100k nodes) is
ingested, ``telusur serve`` runs in its own process, one user per client signs
in (so per-user rate limits do not cap the run), and the clients hit
``/rings/{id}/protectors`` and ``/entities/{id}`` for a fixed number of requests
each (bounded count and time; loopback only). Prints a Markdown table:
throughput and p50/p95/p99 latency per store and route.

The service keeps each ring's ranking until the graph changes, so the first
request for a ring pays for it. By default the timed run starts after a short
warm-up of two clients (some rings cold, as after a fresh ingest); ``--warm`` asks
for every ring once first (the steady state between writes).

    python bench/api.py --scale 11 --clients 50 --requests 20
    python bench/api.py --stores neo4j --neo4j bolt://127.0.0.1:7687 --skip-ingest --warm
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

# bench/ holds files named like the packages (queries.py, ingest.py): keep it off the path.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

from bench._common import md_table, neo4j_server, percentile, report_machine  # noqa: E402
from graph_api.store import open_store  # noqa: E402
from graph_api.web.security import create_token  # noqa: E402
from graph_api.web.users import UserStore  # noqa: E402
from ingest import ingest_path  # noqa: E402
from ingest.synth import generate  # noqa: E402

ROUTES = ("protectors", "entity")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(store_uri: str, state: Path, secret: str,
           workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "TELUSUR_SECRET": secret, "TELUSUR_STATE_DIR": str(state)}
    log = (state / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from graph_api.cli import main; main()", "serve",
         "--store", store_uri, "--port", str(port),
         *(["--workers", str(workers)] if workers else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the API did not come up: {(state / 'serve.log').read_text()[-2000:]}")


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
    users = UserStore(state / "users.sqlite")
    try:
        minted = []
        for name in list(passwords)[1:]:
            user = users.get(name)
            assert user is not None
            minted.append(create_token(secret=secret, user=name, role=user.role,
                                       version=user.version, minutes=60))
    finally:
        users.close()
    return [r.json()["access_token"], *minted]


def _warm(url: str, token: str, rings: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for ring in rings:
        r = httpx.get(f"{url}/api/v1/rings/{quote(ring, safe='')}/protectors",
                      headers=headers, timeout=300)
        r.raise_for_status()


def bench_store(label: str, store_uri: str, bundle: Path, clients: int, requests: int,
                limit_s: float, *, skip_ingest: bool = False, workers: int | None = None,
                warm: bool = False) -> list[list[object]]:
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
    users = UserStore(state / "users.sqlite")
    passwords = {}
    for i in range(clients):
        passwords[f"bench{i}"] = secrets.token_urlsafe(12)
        users.add(f"bench{i}", role="reskrim", password=passwords[f"bench{i}"])
    users.close()
    secret = secrets.token_urlsafe(48)
    proc, url = _serve(store_uri, state, secret, workers)
    try:
        tokens = _tokens(url, passwords, state, secret)
        asyncio.run(_load(url, tokens[:2], rings, people, 4, 60))  # warm-up, not counted
        if warm:
            _warm(url, tokens[0], rings)
        report_machine(f"{label}: timed run starts")
        out, errors, wall = asyncio.run(_load(url, tokens, rings, people, requests, limit_s))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    rows = []
    total = sum(len(v) for v in out.values())
    for route in ROUTES:
        lat = out[route]
        rows.append([label, f"{nodes:,}", "-" if skip_ingest else f"{ingest_s:.0f}", route,
                     len(lat),
                     f"{len(lat) / wall:.1f}", f"{percentile(lat, 0.50) * 1000:.0f}",
                     f"{percentile(lat, 0.95) * 1000:.0f}", f"{percentile(lat, 0.99) * 1000:.0f}",
                     len(errors)])
    print(f"{label}: {total} requests in {wall:.1f} s, {len(errors)} non-200", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=11.0)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="requests per client")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds per store, at most")
    ap.add_argument("--stores", default="embedded,neo4j")
    ap.add_argument("--neo4j", default=None)
    ap.add_argument("--skip-ingest", action="store_true",
                    help="use the store as it is (it must already hold the same --scale bundle)")
    ap.add_argument("--workers", type=int, default=None,
                    help="telusur serve --workers (default: the service's own default)")
    ap.add_argument("--warm", action="store_true",
                    help="rank every ring once before the timed run (steady state)")
    ap.add_argument("--data", default=None,
                    help="folder for the bundle and the embedded store (kept; default: a temp dir)")
    args = ap.parse_args()
    report_machine("start")
    work = Path(args.data or tempfile.mkdtemp(prefix="telusur-bench-api-data-"))
    bundle = work / "jatim"
    if not (bundle / "truth.json").exists():
        generate(bundle, seed=1, scale=args.scale)
    rows: list[list[object]] = []
    stores = args.stores.split(",")
    opts = {"skip_ingest": args.skip_ingest, "workers": args.workers, "warm": args.warm}
    if "embedded" in stores:
        rows += bench_store("embedded", f"embedded:{work / 'store'}", bundle, args.clients,
                            args.requests, args.limit, **opts)
    if "neo4j" in stores:
        with neo4j_server(args.neo4j) as server:
            rows += bench_store("neo4j", server.uri, bundle, args.clients, args.requests,
                                args.limit, **opts)
    report_machine("end")
    print(md_table(["store", "nodes", "ingest s", "route", "requests", "req/s", "p50 ms",
                    "p95 ms", "p99 ms", "non-200"], rows))


if __name__ == "__main__":
    main()
