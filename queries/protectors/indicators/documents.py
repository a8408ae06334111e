"""``documents``: papers issued for the ring's recruits by the official who led the events.

Catches events the official led (any kind but enforcement, ``enforcement``: a
passport issued, a domicile letter, a recommendation for a passport, a departure
cleared) aimed at people the ring recruited or who are victims in its cases; each
counts more when the person was a minor (under ``minor_age``) on the event's date,
by recorded birth date or, failing it, by NIK (digits 7-12 are DDMMYY of birth,
40 added to the day for women).

Routine work is discounted against his peers: for each kind of event, his share of
ring recruits among all the events of that kind he led is compared with the same
share over the officials posted at the same agency who led events of that kind
(their counts come from the extraction, ``led``). Per kind the events count
``max(0, 1 - peer share / his share)`` each: an officer whose ring share is his
office's counts nothing; with no peer on record, ``no_peers``.

Strength ``1 - (1 - count_weight c)(1 - minor_weight m)(1 - contact_weight k c0)``:
``c = 1 - exp(-n / count_scale)`` over the peer-discounted graded events,
``m = 1 - exp(-minors / minor_scale)``, ``c0`` the same as ``c`` without the
discount and ``k`` 1 when his side also has calls or money with the ring.

Misses papers not recorded as events led by someone, recruits the data does not
tie to the ring, ages nobody recorded, and peers outside his agency; an officer
with more than the cap of events is not expanded (no workload: counted with no
peers).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from graph.normalize.nik import check_nik
from graph.text import gettext, ngettext
from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._extract import event_kind
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, both, has, into, out
from queries.protectors._types import Evidence, Indicator
from queries.protectors.indicators import _trade as T


def birth(attrs: dict[str, Any], on: datetime) -> date | None:
    """A person's birth date: recorded, else read from the NIK (as of ``on``)."""
    if attrs.get("birth_date"):
        try:
            return date.fromisoformat(str(attrs["birth_date"])[:10])
        except ValueError:
            pass
    raw = attrs.get("nik") or attrs.get("nik_raw")
    if raw:
        return check_nik(str(raw), today=on.date()).birth_date
    return None


def age(born: date, on: datetime) -> int:
    d = on.date()
    return d.year - born.year - ((d.month, d.day) < (born.month, born.day))


def ring_events(s: Scene, o: str, enforcement: set[str]) -> list[tuple[str, str, str, Any, Any]]:
    """The non-enforcement events ``o`` led aimed at a recruit or victim of the ring:
    ``(event, kind, target, leader key, target key)``."""
    h = s.h
    found = []
    for e, lk in out(h, o, *R.EVENT_LEADER):
        kind = event_kind(h.nodes[e])
        if not has(h, e, "Event") or kind in enforcement:
            continue
        for t, tk in into(h, e, *R.EVENT_TARGET):
            if t in s.victims:
                found.append((e, kind, t, lk, tk))
                break
    return found


def _contact(s: Scene, o: str) -> bool:
    """His side has calls or money with the ring."""
    for m in T.phones(s, o):
        if any(p in s.phones for p, _ in both(s.h, m.node, *R.CALLS)):
            return True
    return any(T.ring_money(s, a.node) for a in T.accounts(s, o))


def documents(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["documents"]
    enforcement = set(cfg["enforcement"])
    mine = ring_events(s, o, enforcement)
    if not mine:
        return s.result("documents", 0.0, {}, [])
    led: dict[str, dict[str, int]] = h.graph.get("led", {})
    peers: list[str] = h.graph.get("peers", {}).get(o, [])
    by_kind: dict[str, list[tuple[float, Evidence, bool]]] = defaultdict(list)
    for e, kind, t, lk, tk in mine:
        at = h.nodes[e].get("at")
        minor = False
        if at:
            on = parse_ts(str(at))
            born = birth(h.nodes[t], on)
            minor = born is not None and age(born, on) < int(cfg["minor_age"])
        ev = s.evidence("document_minor" if minor else "document", [o, e, t], [lk, tk])
        by_kind[kind].append((ev["grade"], ev, minor))
    n = n0 = minors = 0.0
    items: list[tuple[float, Evidence]] = []
    kinds: dict[str, dict[str, Any]] = {}
    for kind, evs in sorted(by_kind.items()):
        total = max(led.get(o, {}).get(kind, 0), len(evs))
        share = len(evs) / total
        peer_total = sum(led.get(p, {}).get(kind, 0) for p in peers)
        peer_ring = sum(
            len([x for x in ring_events(s, p, enforcement) if x[1] == kind])
            for p in peers
            if led.get(p, {}).get(kind, 0)
        )
        peer_share: float | None = None
        spec = float(cfg["no_peers"])
        if peer_total > 0 and o in led:  # (not in led: his workload is over the cap)
            peer_share = min(1.0, peer_ring / peer_total)
            spec = max(0.0, 1 - peer_share / share)
        w = sum(g for g, _, _ in evs)
        n += w * spec
        n0 += w
        minors += sum(g for g, _, minor in evs if minor)
        kinds[kind] = {
            "ring": len(evs),
            "led": total,
            "peer_share": None if peer_share is None else round(peer_share, 3),
            "minors": sum(1 for *_, minor in evs if minor),
        }
        items += [(g * (1 + float(minor)), ev) for g, ev, minor in evs]
    scale = float(cfg["count_scale"])
    c, c0 = 1 - math.exp(-n / scale), 1 - math.exp(-n0 / scale)
    m = 1 - math.exp(-minors / float(cfg["minor_scale"]))
    contact = _contact(s, o)
    score = 1 - (
        (1 - float(cfg["count_weight"]) * c)
        * (1 - float(cfg["minor_weight"]) * m)
        * (1 - float(cfg["contact_weight"]) * float(contact) * c0)
    )
    facts = {
        "events": len(mine),
        "minors": sum(v["minors"] for v in kinds.values()),
        "kinds": kinds,
        "peers": len(peers),
        "contact": contact,
    }
    return s.result("documents", score, facts, items)


def _share(k: dict[str, Any]) -> str:
    return f"{k['ring']}/{k['led']}"


def _words(f: dict[str, Any], lang: str) -> str:
    n, m = int(f.get("events", 0)), int(f.get("minors", 0))
    said = [
        ngettext(
            "led {n} event for the ring's recruits",
            "led {n} events for the ring's recruits",
            n,
            lang,
        ).format(n=n)
    ]
    if m:
        said.append(ngettext("{n} of them a minor", "{n} of them minors", m, lang).format(n=m))
    for kind, k in sorted(f.get("kinds", {}).items()):
        if k.get("peer_share") is None:
            said.append(
                gettext("{kind}: {share} of his, no peers on record", lang).format(
                    kind=kind, share=_share(k)
                )
            )
        else:
            said.append(
                gettext("{kind}: {share} of his against {peer}% at his office", lang).format(
                    kind=kind, share=_share(k), peer=round(100 * float(k["peer_share"]))
                )
            )
    if f.get("contact"):
        said.append(gettext("calls or money with the ring", lang))
    return ", ".join(said)


KIND = IndicatorKind(
    name="documents",
    compute=documents,
    words=_words,
    colour="case",
    constants=(
        "enforcement",
        "minor_age",
        "no_peers",
        "count_scale",
        "count_weight",
        "minor_scale",
        "minor_weight",
        "contact_weight",
    ),
)
