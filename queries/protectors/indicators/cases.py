"""``cases``: cases against members that the official let go, net of those he pursued.

Per case against a member that the official investigates or supervises (role
weight ``investigates`` or ``supervises``): SP3 (``sp3``, or ``sp3_quick`` when
within ``sp3_quick_days`` of naming the suspect) or open (lidik/sidik) and opened
more than ``stalled_days`` before the moment (``stalled``) count against him;
P21, verdict and acquittal (``p21``, ``vonis``, ``bebas``) count for him.
``net = sum(bad) - sum(good)``; strength ``1 - exp(-net / scale)`` when above 0.
The Kasat who supervises every ring case nets out.

Misses interference without a recorded role (a phone call to the investigator).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from graph.text import gettext
from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._kind import Aging, IndicatorKind
from queries.protectors._scene import GOOD, Scene, has, into, out
from queries.protectors._types import Evidence, Indicator

_OPEN = ("lidik", "sidik")
#: an open case becomes stalled ``stalled_days`` after it was opened
STALLED = Aging("Case", "opened_at", "stalled_days")


def cases(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["cases"]
    stalled_after = STALLED.delta(cfg)
    bad = good = 0.0
    items: list[tuple[float, Evidence]] = []
    facts: dict[str, int] = {}
    for c, k in out(h, o, *R.DUTY):
        if not has(h, c, "Case"):
            continue
        named = sorted((t, m) for (m, cc), t in s.since.items() if cc == c and m in s.members)
        if not any(m in s.members for m, _ in into(h, c, *R.SUSPECT)):
            continue
        a = h.nodes[c]
        status = a.get("status")
        role = float(cfg[R.key_of(k[2][0])])  # investigates or supervises
        reason = None
        if status == "sp3":
            quick = bool(
                named
                and a.get("status_at")
                and parse_ts(a["status_at"]) - named[0][0]
                <= timedelta(days=int(cfg["sp3_quick_days"]))
            )
            reason, w = (
                ("sp3_quick", float(cfg["sp3_quick"])) if quick else ("sp3", float(cfg["sp3"]))
            )
            bad += role * w
        elif status in _OPEN and STALLED.passed(a, s.as_of, stalled_after):
            reason, w = "stalled", float(cfg["stalled"])
            bad += role * w
        elif status in GOOD:
            reason, w = str(status), float(cfg[str(status)])
            good += role * w
        if reason is None:
            continue
        facts[reason] = facts.get(reason, 0) + 1
        sk = [key for m, key in into(h, c, *R.SUSPECT) if m in s.members][:1]
        suspect = [sk[0][0]] if sk else []
        e = s.evidence(f"case_{reason}", [o, c, *suspect], [k, *sk])
        items.append(((role * w) * (1 if reason not in GOOD else -1), e))
    net = bad - good
    score = 1 - math.exp(-net / float(cfg["scale"])) if net > 0 else 0.0
    return s.result("cases", score, {**facts, "net": round(net, 3)}, items if score > 0 else [])


def _listing(f: dict[str, Any]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(f.items()) if k != "net")


def _words(f: dict[str, Any], lang: str) -> str:
    return gettext("handled cases against members: {cases}", lang).format(cases=_listing(f))


KIND = IndicatorKind(
    name="cases",
    compute=cases,
    words=_words,
    colour="case",
    constants=(
        "investigates",
        "supervises",
        "sp3",
        "sp3_quick",
        "sp3_quick_days",
        "stalled",
        "stalled_days",
        "p21",
        "vonis",
        "bebas",
        "scale",
    ),
    aging=STALLED,
)
