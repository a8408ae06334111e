"""``relay``: a tip-off passed through a third phone before raids that failed.

Catches a contact (call, SMS, chat) between a phone of the official's side and a
phone that is neither his side's nor the ring's (the relay: a broker, a burner, a
number nobody is recorded for), followed within ``gap_hours`` by a contact between
that relay and a ring phone, both within ``window_hours`` before a raid on the
ring. What counts is the pattern before raids that *failed* (nothing found, the
targets escaped), weighed against the same pattern before raids that *succeeded*:
a relay who also talks to both sides before raids that found what they looked for
is routine contact (a shared neighbour, a driver), not a warning.

Strength ``(1 - exp(-w_failed / raid_scale)) * w_failed / (w_failed + w_found)``,
where ``w_failed`` sums over failed raids the best chain's grade times the
side's ``[via]`` weight, and ``w_found`` the same over successful raids. One
failed raid alone stays moderate; repeated across raids it is strong. A relay
phone with more than ``busy_calls`` contacts in all (a top-up shop, a call
centre, a busy broker) counts ``busy_calls / its contacts`` of a chain.

The onward contact reaches the ring when it reaches a ring phone (a member's, an
inferred side's at its confidence), the phone of someone the raid was aimed at
(its target, recorded member or not, or the people who run or staff a raided
company: 1.0), or the phone of someone leaning to the ring's side below
``[side] min`` (``Scene.leaning``, at that confidence).

Misses relays through two intermediaries, a relay who uses one phone to talk to
the official and another to the ring (unless both are recorded as his), warnings
passed in person, and raids not recorded as events with an outcome.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, both, has, into, out
from queries.protectors._types import Indicator
from queries.protectors.indicators import _trade as T


def targets(s: Scene) -> dict[str, dict[str, tuple[str, Key]]]:
    """Per raid on the ring, the phones of the people it targeted: ``raid -> {phone:
    (person, USES key)}`` (once per scene). Warning the target of a raid is the tip-off,
    whether or not the records mark him as a member."""

    def build() -> dict[str, dict[str, tuple[str, Key]]]:
        found: dict[str, dict[str, tuple[str, Key]]] = {}
        for e, _, _ in T.raids(s):
            aimed = {p for p, _ in into(s.h, e, *R.EVENT_TARGET)}
            # a raid on a company (a shelter) is aimed at the people who run and staff it
            aimed |= {
                p
                for org in list(aimed)
                if has(s.h, org, "Organization")
                for p, _ in into(s.h, org, *R.ORG_TIES)
            }
            found[e] = {ph: (p, uk) for p in sorted(aimed) for ph, uk in out(s.h, p, *R.USES)}
        return found

    return s.once("relay_targets", build)


def leaning(s: Scene) -> dict[str, tuple[str, Key, float]]:
    """The phones of people who lean to the ring's side without being on it (some calls
    with members, below ``[side] min``): ``phone -> (person, USES key, confidence)``."""

    def build() -> dict[str, tuple[str, Key, float]]:
        found: dict[str, tuple[str, Key, float]] = {}
        for p, c in sorted(s.leaning.items()):
            if p in s.side or c <= 0:
                continue
            for ph, uk in out(s.h, p, *R.USES):
                if ph not in s.phones and (ph not in found or found[ph][2] < c):
                    found[ph] = (p, uk, c)
        return found

    return s.once("relay_leaning", build)


def _ring_contacts(
    s: Scene, relay: str, aimed: set[str]
) -> tuple[list[datetime], list[tuple[str, Key]]]:
    """The relay's contacts with ring phones or the phones of a raid's targets (``aimed``),
    by time: ``(times, [(phone, key)])`` (read once per scene and relay)."""
    cache: dict[str, tuple[list[datetime], list[tuple[str, Key]]]] = s.once("relay", dict)
    if relay not in cache:
        found = []
        for p, k in both(s.h, relay, *R.CALLS):
            at = s.when(k)
            if (p in s.phones or p in aimed) and at is not None:
                found.append((at, p, k))
        found.sort()
        cache[relay] = ([t for t, _, _ in found], [(p, k) for _, p, k in found])
    return cache[relay]


def relay(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["relay"]
    window = timedelta(hours=float(cfg["window_hours"]))
    gap = timedelta(hours=float(cfg["gap_hours"]))
    raids = T.raids(s)
    if not raids:
        return s.result("relay", 0.0, {}, [])
    mine = T.phones(s, o)
    own = {m.node for m in mine}
    aimed = targets(s)
    every = {ph for phones in aimed.values() for ph in phones}
    weak = leaning(s)
    totals: dict[str, int] = s.h.graph.get("calls", {})
    quiet = float(cfg["busy_calls"])

    def busy(phone: str) -> float:
        """A relay that talks with everyone (a shop, a call centre) counts less."""
        return min(1.0, quiet / max(1, int(totals.get(phone, 0))))

    best: dict[str, tuple[float, bool, list[str], list[Key], str]] = {}  # raid -> best chain
    for m in mine:
        for relay_phone, k1 in both(s.h, m.node, *R.CALLS):
            t1 = s.when(k1)
            if t1 is None or relay_phone in s.phones or relay_phone in own:
                continue
            if relay_phone in every:
                continue  # he called the target himself: that is a tip-off, not a relay
            near = [(e, at, failed) for e, at, failed in raids if at - window <= t1 < at]
            if not near:
                continue
            times, contacts = _ring_contacts(s, relay_phone, every | set(weak))
            lo, hi = bisect_left(times, t1), bisect_right(times, t1 + gap)
            for t2, (ring_phone, k2) in zip(times[lo:hi], contacts[lo:hi], strict=True):
                for e, at, failed in near:
                    if t2 >= at:
                        continue
                    if ring_phone in s.phones:
                        member, mk = s.phones[ring_phone]
                        sure = T.sure(s, ring_phone)
                    elif ring_phone in aimed[e]:
                        member, mk = aimed[e][ring_phone]
                        sure = 1.0  # this raid's own target
                    elif ring_phone in weak:
                        member, mk, sure = weak[ring_phone]  # leaning to the ring's side
                    else:
                        continue
                    keys = [*m.keys, k1, k2, mk]
                    w = s.grader.path(s.h, keys) * m.via.weight * sure
                    w *= busy(relay_phone)
                    if e not in best or w > best[e][0]:
                        nodes = [*m.nodes, relay_phone, ring_phone, member, e]
                        best[e] = (w, failed, nodes, keys, relay_phone)
    w_failed = sum(w for w, failed, *_ in best.values() if failed)
    w_found = sum(w for w, failed, *_ in best.values() if not failed)
    if w_failed <= 0:
        return s.result("relay", 0.0, {}, [])
    score = (1 - math.exp(-w_failed / float(cfg["raid_scale"]))) * w_failed / (w_failed + w_found)
    failed_raids = [e for e, (_, failed, *_) in best.items() if failed]
    facts = {
        "failed_raids": len(failed_raids),
        "found_raids": len(best) - len(failed_raids),
        "relays": len({r for *_, r in best.values()}),
        "raids_failed_total": sum(1 for *_, f in raids if f),
        "raids_found_total": sum(1 for *_, f in raids if not f),
    }
    items = [
        (w, s.evidence("relay_call", nodes, keys))
        for w, failed, nodes, keys, _ in best.values()
        if failed
    ]
    return s.result("relay", score, facts, items)


def _words(f: dict[str, Any], lang: str) -> str:
    n, r = int(f.get("failed_raids", 0)), int(f.get("relays", 0))
    said = gettext("contact passed on to the ring through {relays} before {raids}", lang).format(
        relays=ngettext("{n} third phone", "{n} third phones", r, lang).format(n=r),
        raids=ngettext("{n} failed raid", "{n} failed raids", n, lang).format(n=n),
    )
    found = int(f.get("found_raids", 0))
    more = ngettext(
        "the same pattern before {n} successful raid",
        "the same pattern before {n} successful raids",
        found,
        lang,
    ).format(n=found)
    return f"{said}; {more}"


KIND = IndicatorKind(
    name="relay",
    compute=relay,
    words=_words,
    colour="timing",
    constants=("window_hours", "gap_hours", "raid_scale", "busy_calls"),
)
