"""``interference``: pressure on a ring case by an official with no role in it.

Catches a burst of contact (calls, SMS, chats) between the official's side and the
investigators or supervisors of a ring case (against someone on the ring's side, or
with a victim the ring recruited, whoever the suspect) in the ``window_days``
before the case went the ring's way: an SP3 (at its ``status_at``), a ``release``
event about it, or a case left open (lidik/sidik, opened more than
``open_days`` before the moment: at its last ``status_at``). The burst is
measured against his usual contact with the same people: the rate in the
``baseline_days`` before the window, times the window, is what is expected; only
the contacts beyond that count, so a commander who calls his investigator every
week scores nothing for calling him that week too. Money from the ring to his side
within ``money_days`` of the change multiplies the case's strength by
``1 + money_boost``.

Per case ``1 - exp(-b / count_scale)`` where ``b`` is the graded contacts in the
window times the share of them beyond the expected; over cases
``1 - prod(1 - case)``. Cases he investigates or supervises are left to ``cases``.

Misses pressure passed through a third person or in person, on phones nobody
attributed, and a change of course not recorded as a status or an event.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from graph.text import gettext, ngettext
from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._kind import Aging, IndicatorKind
from queries.protectors._scene import Scene, both, has, into, out
from queries.protectors._types import Evidence, Indicator
from queries.protectors.indicators import _trade as T

_OPEN = ("lidik", "sidik")
#: an open case counts as left open ``open_days`` after it was opened
LEFT_OPEN = Aging("Case", "opened_at", "open_days")


def _moments(s: Scene, c: str) -> list[tuple[str, datetime]]:
    """When case ``c`` went the ring's way: ``(what, at)``."""
    h, a = s.h, s.h.nodes[c]
    found: list[tuple[str, datetime]] = []
    status_at = parse_ts(a["status_at"]) if a.get("status_at") else None
    if a.get("status") == "sp3" and status_at is not None:
        found.append(("sp3", status_at))
    if (
        a.get("status") in _OPEN
        and status_at is not None
        and LEFT_OPEN.passed(a, s.as_of, LEFT_OPEN.delta(s.cfg["interference"]))
    ):
        found.append(("left_open", status_at))
    for e, _ in into(h, c, *R.EVENT_CASE):
        ev = h.nodes[e]
        if ev.get("kind") == "release" and ev.get("at"):
            found.append(("release", parse_ts(ev["at"])))
    return sorted(set(found), key=lambda x: (x[1], x[0]))


def handlers(s: Scene) -> dict[str, list[tuple[str, Key, str, Key]]]:
    """The phones of the investigators and supervisors of ring cases that went the ring's
    way: ``phone -> [(handler, USES key, case, duty key)]`` (once per scene)."""
    h = s.h
    found: dict[str, list[tuple[str, Key, str, Key]]] = defaultdict(list)
    for c in sorted(n for n in h.nodes if has(h, n, "Case")):
        if not T.ring_case(s, c) or not _moments(s, c):
            continue
        for p, dk in into(h, c, *R.DUTY):
            for hp, uk in out(h, p, *R.USES):
                found[hp].append((p, uk, c, dk))
    return found


def interference(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["interference"]
    window = timedelta(days=float(cfg["window_days"]))
    base_days = float(cfg["baseline_days"])
    money_days = timedelta(days=float(cfg["money_days"]))
    phones = s.once("interference", lambda: handlers(s))
    mine = T.phones(s, o)
    if not mine or not phones:
        return s.result("interference", 0.0, {}, [])
    duty = {c for c, _ in out(h, o, *R.DUTY)}
    accounts = T.accounts(s, o)
    miss = 1.0
    items: list[tuple[float, Evidence]] = []
    per_case: dict[str, Any] = {}
    by_case: dict[str, list[tuple[datetime, Evidence, float]]] = defaultdict(list)
    for m in mine:
        for q, ck in both(h, m.node, *R.CALLS):
            at = s.when(ck)
            if at is None or q not in phones:
                continue
            for p, uk, c, dk in phones[q]:
                if p == o or c in duty:
                    continue
                e = s.evidence("interference_call", [*m.nodes, q, p, c], [*m.keys, ck, uk, dk])
                by_case[c].append((at, e, e["grade"] * m.via.weight))
    for c, contacts in sorted(by_case.items()):
        if not contacts:
            continue
        best: tuple[float, str, datetime, list[tuple[datetime, Evidence, float]], bool] | None
        best = None
        for what, when in _moments(s, c):
            inside = [x for x in contacts if when - window <= x[0] <= when]
            if not inside:
                continue
            before = sum(
                1
                for x in contacts
                if when - window - timedelta(days=base_days) <= x[0] < when - window
            )
            expected = before / base_days * window.days
            beyond = max(0.0, len(inside) - expected) / len(inside)
            b = sum(w for *_, w in inside) * beyond
            strength = 1 - math.exp(-b / float(cfg["count_scale"]))
            paid = any(
                at is not None and abs(at - when) <= money_days
                for a in accounts
                for *_, at, _amount in T.ring_money(s, a.node)
            )
            if paid:
                strength = min(1.0, strength * (1 + float(cfg["money_boost"])))
            if strength > 0 and (best is None or strength > best[0]):
                best = (strength, what, when, inside, paid)
        if best is None:
            continue
        strength, what, when, inside, paid = best
        miss *= 1 - strength
        per_case[c] = {"change": what, "contacts": len(inside), "paid": paid}
        items += [(w * strength, e) for _, e, w in inside]
    if not per_case:
        return s.result("interference", 0.0, {}, [])
    facts = {
        "cases": len(per_case),
        "contacts": sum(v["contacts"] for v in per_case.values()),
        "changes": sorted({v["change"] for v in per_case.values()}),
        "paid": any(v["paid"] for v in per_case.values()),
    }
    return s.result("interference", 1 - miss, facts, items)


def _change(what: str, lang: str) -> str:
    if what == "sp3":
        return gettext("SP3", lang)
    if what == "release":
        return gettext("release", lang)
    return gettext("left open", lang)


def _words(f: dict[str, Any], lang: str) -> str:
    n, c = int(f.get("contacts", 0)), int(f.get("cases", 0))
    said = gettext(
        "{contacts} with the investigators of {cases} he has no role in, in the days before "
        "({changes})",
        lang,
    ).format(
        contacts=ngettext("{n} contact", "{n} contacts", n, lang).format(n=n),
        cases=ngettext("{n} ring case", "{n} ring cases", c, lang).format(n=c),
        changes=", ".join(_change(x, lang) for x in f.get("changes", [])),
    )
    if f.get("paid"):
        said += ", " + gettext("money from the ring to his side around it", lang)
    return said


KIND = IndicatorKind(
    name="interference",
    compute=interference,
    words=_words,
    colour="case",
    constants=(
        "window_days",
        "baseline_days",
        "count_scale",
        "money_days",
        "money_boost",
        "open_days",
    ),
    aging=LEFT_OPEN,
)
