"""The calls between the official's side and the ring, split as ``tipoff`` and
``comms`` read them: tip-off calls before failed raids, calls an official made on
duty, and the other calls.

A call counts by how surely the other end is the ring's (:meth:`Scene.weight`: a
member 1.0, an inferred side at its confidence), and ``[innocent] explained`` of a
call when a recorded relationship explains the contact: neighbours (a kin or
associate detail such as "tetangga") or people at one address. Outside a raid's
eve, the calls of an associate, a neighbour or extended family (a side weight below
``[via] family``) are their own and are left out."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._scene import Scene, both, into, out
from queries.protectors._types import Evidence

TipCall = tuple[float, str, datetime, Evidence]


def _address(s: Scene, p: str) -> str:
    text = str(s.h.nodes[p].get("address") or "").lower() if p in s.h else ""
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def neighbours(s: Scene, a: str, b: str) -> str | None:
    """Why ``a`` and ``b`` have a reason to be in touch: ``neighbour`` (a recorded
    kin or associate detail naming it) or ``address`` (the same address), else None."""
    words = [w.lower() for w in s.cfg["innocent"]["neighbour_words"]]
    for other, k in both(s.h, a, *R.KIN):
        detail = str(s.h.edges[k].get("detail") or "").lower()
        if other == b and any(w in detail for w in words):
            return "neighbour"
    here = _address(s, a)
    return "address" if here and here == _address(s, b) else None


def _duty(s: Scene, o: str, member: str, at: datetime) -> bool:
    """Official ``o`` handles a case against ``member`` in which the member was named
    before the call (an investigator summons and examines his suspects, whatever the
    case's outcome: the outcome itself is the ``cases`` indicator's), or led a raid on
    him that found something."""
    h = s.h
    for c, _ in out(h, o, *R.DUTY):
        if (member, c) in s.since and s.since[(member, c)] <= at:
            return True
    for e, _ in out(h, o, *R.EVENT_LEADER):
        ev = h.nodes[e]
        if (
            ev.get("outcome") == "found"
            and ev.get("at")
            and parse_ts(ev["at"]) <= at
            and any(t == member for t, _ in into(h, e, *R.EVENT_TARGET))
        ):
            return True
    return False


def calls(
    s: Scene, o: str, explained: dict[str, int] | None = None
) -> tuple[list[TipCall], list[tuple[float, Evidence]], int, dict[str, int]]:
    """(tip-off calls, other calls, duty calls, ring calls per official-side phone);
    ``explained`` (when given) counts the calls an innocent reason lowered, by reason."""
    h = s.h
    window = timedelta(hours=float(s.cfg["tipoff"]["window_hours"]))
    tips: list[TipCall] = []
    plain: list[tuple[float, Evidence]] = []
    duty = 0
    per_phone: dict[str, int] = {}
    for v in s.sphere(o):
        for ph, uk in s.owned(v.person, R.USES, s.phones):
            for rp, ck in both(h, ph, *R.CALLS):
                if rp not in s.phones:
                    continue
                per_phone[ph] = per_phone.get(ph, 0) + 1
                at = s.when(ck)
                member, mk = s.phones[rp]
                weight = v.weight * s.weight(rp)
                why = neighbours(s, v.person, member)
                if why is not None:
                    weight *= float(s.cfg["innocent"]["explained"])
                    if explained is not None:
                        explained[why] = explained.get(why, 0) + 1
                nodes = [*([o] if v.person != o else []), v.person, ph, rp, member]
                keys = [*v.keys, uk, ck, mk]
                raid = next(
                    (e for e, t in s.raids if at is not None and t - window <= at < t), None
                )
                if raid is not None and at is not None:
                    e = s.evidence("tipoff_call", [*nodes, raid], keys)
                    tips.append((e["grade"] * weight, raid, at, e))
                elif at is not None and v.person == o and _duty(s, o, member, at):
                    duty += 1
                elif v.weight < float(s.cfg["via"]["family"]):
                    # an associate's, a neighbour's or a cousin's own contact with members
                    # is his own life; only timing (a raid's eve) makes it the official's
                    continue
                else:
                    e = s.evidence("call", nodes, keys)
                    plain.append((e["grade"] * weight, e))
    return tips, plain, duty, per_phone
