"""``tipoff``: calls to the ring in the hours before a raid on it that then failed.

Catches calls and SMS between the official's side and a member within
``window_hours`` before a raid on the ring that found nothing or where the
targets escaped (the same definition as the ``tipoffs`` query). Strength
``1 - exp(-sum over warned raids of the best call's grade)``.

Misses tip-offs through burner phones or third persons, and raids not recorded
as events.
"""

from __future__ import annotations

import math
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene
from queries.protectors._types import Indicator
from queries.protectors.indicators._calls import calls


def tipoff(s: Scene, o: str) -> Indicator:
    tips, *_ = calls(s, o)
    best: dict[str, float] = {}
    for w, raid, _, _ in tips:
        best[raid] = max(best.get(raid, 0.0), w)
    score = 1 - math.exp(-sum(best.values()))
    facts = {
        "raids": len(best),
        "calls": len(tips),
        "min_hours_before": min(
            (
                round((t - at).total_seconds() / 3600, 1)
                for _, raid, at, _ in tips
                for e, t in s.raids
                if e == raid
            ),
            default=None,
        ),
    }
    return s.result("tipoff", score, facts, [(w, e) for w, _, _, e in tips])


def _words(f: dict[str, Any], lang: str) -> str:
    n, r = f.get("calls"), f.get("raids")
    return gettext("{calls} before {raids}, the closest {hours} h before", lang).format(
        calls=ngettext("{n} call", "{n} calls", n, lang).format(n=n),
        raids=ngettext("{n} failed raid", "{n} failed raids", r, lang).format(n=r),
        hours=f.get("min_hours_before"),
    )


KIND = IndicatorKind(
    name="tipoff",
    compute=tipoff,
    words=_words,
    colour="timing",
    constants=("window_hours",),
)
