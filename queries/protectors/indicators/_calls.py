"""The calls between the official's side and the ring, split as ``tipoff`` and
``comms`` read them: tip-off calls before failed raids, calls an official made on
duty, and the other calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from queries._common import parse_ts
from queries.protectors import _rels as R
from queries.protectors._scene import GOOD, Scene, both, into, out
from queries.protectors._types import Evidence

TipCall = tuple[float, str, datetime, Evidence]


def _duty(s: Scene, o: str, member: str, at: datetime) -> bool:
    """Official ``o`` handled a case against ``member`` that went on, and he was named."""
    h = s.h
    for c, _ in out(h, o, *R.DUTY):
        if (
            h.nodes[c].get("status") in GOOD
            and (member, c) in s.since
            and s.since[(member, c)] <= at
        ):
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
    s: Scene, o: str
) -> tuple[list[TipCall], list[tuple[float, Evidence]], int, dict[str, int]]:
    """(tip-off calls, other calls, duty calls, ring calls per official-side phone)."""
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
                nodes = [*([o] if v.person != o else []), v.person, ph, rp, member]
                keys = [*v.keys, uk, ck, mk]
                raid = next(
                    (e for e, t in s.raids if at is not None and t - window <= at < t), None
                )
                if raid is not None and at is not None:
                    e = s.evidence("tipoff_call", [*nodes, raid], keys)
                    tips.append((e["grade"] * v.weight, raid, at, e))
                elif at is not None and v.person == o and _duty(s, o, member, at):
                    duty += 1
                else:
                    e = s.evidence("call", nodes, keys)
                    plain.append((e["grade"] * v.weight, e))
    return tips, plain, duty, per_phone
