"""``comms``: call volume with members, outside raid windows.

Strength ``(1 - exp(-n / count_scale)) * n / (n + busy_share * other calls)``:
many calls with members count, unless the phone calls everyone (the busy PR
officer). Calls by an official to a member after that member was named or
arrested, in a case the official handled that went on to P21 or a verdict, are
duty and do not count. Calls between recorded neighbours or people at one address
count ``[innocent] explained`` of a call, and a call to an inferred side counts its
confidence (:mod:`._calls`). Weak alone by design: calls with members and nothing
else (no timing, money, case, papers or tie: another kind of signal, bridging aside)
are ordinary contact, the way a press officer, a village official or a shopkeeper
talks with whoever lives and works around him, so without another kind the strength
is capped at ``[innocent] contact_alone`` when the report is built (``alone``).

Misses calls on phones nobody attributed.
"""

from __future__ import annotations

import math
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene
from queries.protectors._types import Indicator
from queries.protectors.indicators._calls import calls
from queries.protectors.indicators.tipoff import contact_words


def comms(s: Scene, o: str) -> Indicator:
    explained: dict[str, int] = {}
    _, plain, duty, per_phone = calls(s, o, explained)
    n = sum(w for w, _ in plain)
    if n <= 0:
        return s.result("comms", 0.0, {"calls": 0, "duty_calls": duty}, [])
    totals = s.h.graph.get("calls", {})
    other = sum(max(0, int(totals.get(p, c)) - c) for p, c in per_phone.items())
    cfg = s.cfg["comms"]
    spec = n / (n + float(cfg["busy_share"]) * other)
    score = (1 - math.exp(-n / float(cfg["count_scale"]))) * spec
    facts = {
        "calls": len(plain),
        "duty_calls": duty,
        "other_calls": other,
        "members": len({e["nodes"][-1] for _, e in plain}),
        "explained": explained,
        "alone": float(s.cfg["innocent"]["contact_alone"]),
    }
    return s.result("comms", score, facts, plain)


def _words(f: dict[str, Any], lang: str) -> str:
    n, m, o = f.get("calls"), f.get("members"), f.get("other_calls")
    said = gettext("{calls} with {members} ({other_calls})", lang).format(
        calls=ngettext("{n} call", "{n} calls", n, lang).format(n=n),
        members=ngettext("{n} member", "{n} members", m, lang).format(n=m),
        other_calls=ngettext("{n} other call", "{n} other calls", o, lang).format(n=o),
    )
    more = contact_words({"explained": f.get("explained")}, lang)
    if f.get("capped_alone"):
        more.append(gettext("calls alone: capped, nothing else links him to the ring", lang))
    return "; ".join([said, *more])


KIND = IndicatorKind(
    name="comms",
    compute=comms,
    words=_words,
    colour="phone",
    constants=("count_scale", "busy_share"),
)
