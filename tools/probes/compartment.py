"""Probe a running Telusur service the way an insider with an ordinary account would:
can flagged officials be told apart by counts, truncation figures or errors?

    python3 tools/probes/compartment.py --url http://127.0.0.1:8000 \\
        --reader reskrim:PASSWORD --propam propam:PASSWORD --officials officials.csv

It reads every official's neighbourhood at hops 1 and 2 with cap 1 (what reports the
count of what was left out) as the reader, has Propam flag ``--flag`` of them, reads
everything again and prints how many officials' answers changed (the flagged officials a
count-scan would find). Only talks to the URL given (keep it on this machine); bounded by the list.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


def _call(url: str, token: str | None = None, data: bytes | None = None,
          ctype: str = "application/json") -> tuple[int, Any]:
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", ctype)
    for _ in range(20):  # the service's per-user limit: wait as it asks, then again
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 - the given URL
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            if e.code != 429:
                return e.code, json.loads(e.read() or b"null")
            time.sleep(float(e.headers.get("Retry-After") or 5))
    sys.exit(f"still rate-limited after 20 waits: {url}")


def _token(base: str, cred: str) -> str:
    user, _, password = cred.partition(":")
    form = urllib.parse.urlencode({"username": user, "password": password}).encode()
    status, body = _call(f"{base}/api/v1/auth/token", data=form,
                         ctype="application/x-www-form-urlencoded")
    if status != 200:
        sys.exit(f"sign-in as {user} failed: {status} {body}")
    return str(body["access_token"])


def _view(base: str, token: str, oid: str) -> str:
    q = urllib.parse.quote(oid, safe="")
    out = []
    for path in (f"{q}/neighbourhood?hops=1&cap=1", f"{q}/neighbourhood?hops=2&cap=1"):
        status, body = _call(f"{base}/api/v1/entities/{path}", token)
        if isinstance(body, dict):
            body.pop("request_id", None)
        out.append(f"{status} {json.dumps(body, sort_keys=True)}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--reader", required=True, help="USER:PASSWORD of an ordinary role")
    ap.add_argument("--propam", required=True, help="USER:PASSWORD of a Propam user")
    ap.add_argument("--officials", required=True, help="officials.csv of the bundle loaded")
    ap.add_argument("--bundle", default=None, help="bundle name prefix (default: folder name)")
    ap.add_argument("--flag", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    base = a.url.rstrip("/")
    with open(a.officials, newline="", encoding="utf-8-sig") as f:
        sample = f.read(4096)
        f.seek(0)
        rows = list(csv.DictReader(f, dialect=csv.Sniffer().sniff(sample, ";,\t")))
    prefix = a.bundle or a.officials.rstrip("/").split("/")[-2]
    key = next(k for k in rows[0] if k in ("official_id", "id", "person_id"))
    ids = [f"{prefix}:{r[key]}" for r in rows]
    reader, propam = _token(base, a.reader), _token(base, a.propam)
    before = {oid: _view(base, reader, oid) for oid in ids}
    flagged = random.Random(a.seed).sample(ids, min(a.flag, len(ids)))
    for oid in flagged:
        body = json.dumps({"official_id": oid, "reason": "probe"}).encode()
        status, answer = _call(f"{base}/api/v1/flags", propam, data=body)
        if status != 201:
            sys.exit(f"flagging {oid} failed: {status} {answer}")
    after = {oid: _view(base, reader, oid) for oid in ids}
    changed = sorted(o for o in ids if before[o] != after[o])
    print(f"officials scanned: {len(ids)}; flagged: {len(flagged)}; "
          f"answers that changed after flagging: {len(changed)}; "
          f"flagged officials found: {len(set(changed) & set(flagged))}")


if __name__ == "__main__":
    main()
