"""``cases``: cases against members that the official let go, net of those he pursued.

Per case against a member that the official investigates or supervises (role
weight ``investigates`` or ``supervises``): SP3 (``sp3``, or ``sp3_quick`` when
within ``sp3_quick_days`` of naming the suspect) or open (lidik/sidik) and opened
more than ``stalled_days`` before the moment (``stalled``) count against him;
P21, verdict and acquittal (``p21``, ``vonis``, ``bebas``) count for him.
``net = sum(bad) - sum(good)``; strength ``1 - exp(-net / scale)`` when above 0.
The Kasat who supervises every ring case nets out.

Base rates (``base_min_cases``): routine SP3s are routine. The extraction counts
every case each official handles by status (graph attribute ``duty``); with
enough of his other cases, or of his unit's (the officials of his agency in the
neighbourhood, pooled), an SP3 counts only ``1 - rate`` of SP3 among them (the
higher rate of the two), a stalled case ``1 - rate`` of open cases, and the net is
scaled by ``1 - P(X >= bad | ring cases, rate)`` (binomial): one SP3 by an officer
who closes most of his cases by SP3 is no sign of interference. Without other
cases known, the counts stand as they are.

The unit's rate is taken over its *other* cases: the ring's own cases are what is
judged. One stopped case alone (no other kind of signal; "one" meaning his stopped
cases weigh less than two he ran himself, a supervised one 0.4) is capped when the
report is built: ``[innocent] case_alone`` for a plain SP3, ``irregular_alone`` for
a quick SP3 or a stalled case, times his role's weight.

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


def _rates(counts: dict[str, int]) -> tuple[int, float, float]:
    n = sum(counts.values())
    if n <= 0:
        return 0, 0.0, 0.0
    return n, counts.get("sp3", 0) / n, sum(counts.get(x, 0) for x in _OPEN) / n


def _ring_cases(s: Scene, o: str) -> dict[str, str]:
    h = s.h
    return {
        c: str(h.nodes[c].get("status") or "")
        for c, _ in out(h, o, *R.DUTY)
        if has(h, c, "Case") and any(m in s.members for m, _ in into(h, c, *R.SUSPECT))
    }


def _agencies(s: Scene, o: str) -> set[str]:
    return {a for a, _ in out(s.h, o, *R.POSTS)}


def base_rate(s: Scene, o: str) -> dict[str, Any] | None:
    """The rates his ring cases are judged against: ``{cases, sp3, open, from}`` from
    his other cases or his unit's (the higher rates), or None when too few are known."""
    duty: dict[str, dict[str, int]] = s.h.graph.get("duty", {})
    least = int(s.cfg["cases"]["base_min_cases"])
    own = dict(duty.get(o, {}))
    for status in _ring_cases(s, o).values():
        own[status] = own.get(status, 0) - 1
    found: list[tuple[int, float, float, str]] = []
    n, sp3, open_ = _rates({k: v for k, v in own.items() if v > 0})
    if n >= least:
        found.append((n, sp3, open_, "own"))
    mine = _agencies(s, o)
    unit: dict[str, int] = {}
    for peer in s.officials:
        if mine & _agencies(s, peer):
            # the unit's *other* cases: the ring's own cases are what is being judged,
            # and a protector who stopped them must not raise the rate they are judged by
            theirs = dict(duty.get(peer, {}))
            for status in _ring_cases(s, peer).values():
                theirs[status] = theirs.get(status, 0) - 1
            for k, v in theirs.items():
                if v > 0:
                    unit[k] = unit.get(k, 0) + v
    n, sp3, open_ = _rates(unit)
    if n >= least:
        found.append((n, sp3, open_, "unit"))
    if not found:
        return None
    top_sp3 = max(found, key=lambda x: x[1])
    return {
        "cases": top_sp3[0],
        "sp3": round(top_sp3[1], 4),
        "open": round(max(x[2] for x in found), 4),
        "from": top_sp3[3],
    }


def _tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def cases(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["cases"]
    stalled_after = STALLED.delta(cfg)
    base = base_rate(s, o)
    bad = good = 0.0
    items: list[tuple[float, Evidence]] = []
    facts: dict[str, int] = {}
    roles: list[float] = []  # the role he had in each case that ended badly
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
            w *= 1 - (base["sp3"] if base else 0.0)
            bad += role * w
            roles.append(role)
        elif status in _OPEN and STALLED.passed(a, s.as_of, stalled_after):
            reason, w = "stalled", float(cfg["stalled"])
            w *= 1 - (base["open"] if base else 0.0)
            bad += role * w
            roles.append(role)
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
    extra: dict[str, Any] = {}
    n_bad = sum(facts.get(x, 0) for x in ("sp3", "sp3_quick", "stalled"))
    if base is not None and net > 0:
        stalled = facts.get("stalled", 0)
        p = base["open"] if stalled == n_bad else base["sp3"]
        if stalled and stalled != n_bad:
            p = min(1.0, base["sp3"] + base["open"])
        chance = _tail(n_bad, n_bad + sum(facts.get(x, 0) for x in GOOD), p)
        net *= 1 - chance
        extra = {"base": base, "chance": round(chance, 4)}
    if roles and sum(roles) < 2 * float(cfg["investigates"]):
        # one case is an outcome, not a pattern (supervising counts its role weight of
        # running one: a Kasat over two stopped cases has less than two cases' worth):
        # alone it stays in the weakest band, near nothing when the case ran its course; a
        # little above when the manner departs from procedure (stopped within weeks of
        # naming a suspect, or left open past a year); for his role's share of it
        inn = s.cfg["innocent"]
        irregular = facts.get("sp3_quick", 0) + facts.get("stalled", 0) > 0
        cap = float(inn["irregular_alone" if irregular else "case_alone"])
        extra["alone"] = round(cap * max(roles) / float(cfg["investigates"]), 4)
    score = 1 - math.exp(-net / float(cfg["scale"])) if net > 0 else 0.0
    return s.result(
        "cases", score, {**facts, "net": round(net, 3), **extra}, items if score > 0 else []
    )


def _outcome(reason: str, lang: str) -> str:
    """A case outcome counted by this indicator, in words."""
    words = {
        "sp3": gettext("SP3", lang),
        "sp3_quick": gettext("quick SP3", lang),
        "stalled": gettext("stalled", lang),
        "p21": gettext("P21", lang),
        "vonis": gettext("verdict", lang),
        "bebas": gettext("acquitted", lang),
    }
    return words.get(reason, reason)


def _listing(f: dict[str, Any], lang: str) -> str:
    """The counts per outcome (the facts' whole numbers; other facts are said apart)."""
    skip = ("net", "base", "chance", "alone", "capped_alone")
    return ", ".join(
        f"{v} {_outcome(k, lang)}"
        for k, v in sorted(f.items())
        if k not in skip and isinstance(v, int) and not isinstance(v, bool)
    )


def _words(f: dict[str, Any], lang: str) -> str:
    said = gettext("handled cases against members: {cases}", lang).format(cases=_listing(f, lang))
    base = f.get("base")
    if base:
        whose = (
            gettext("his other cases", lang)
            if base["from"] == "own"
            else gettext("his unit's cases", lang)
        )
        said += "; " + gettext(
            "weighed against base rate: SP3 in {rate}% of {n} of {whose} (chance {chance}%)",
            lang,
        ).format(
            rate=round(100 * base["sp3"]),
            n=base["cases"],
            whose=whose,
            chance=round(100 * float(f.get("chance", 0))),
        )
    if f.get("capped_alone"):
        said += "; " + gettext("one case alone: capped, nothing else links him to the ring", lang)
    return said


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
        "base_min_cases",
    ),
    aging=STALLED,
)
