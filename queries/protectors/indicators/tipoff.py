"""``tipoff``: calls to the ring in the hours before a raid on it that then failed.

Catches calls and SMS between the official's side and a member within
``window_hours`` before a raid on the ring that found nothing or where the
targets escaped (the same definition as the ``tipoffs`` query). Strength
``1 - exp(-sum over warned raids of the best call's grade)``, where a raid warned
by a single call counts ``[innocent] single_call`` of it (one call in a window is
weak) and a call between recorded neighbours or people at one address counts
``[innocent] explained`` of a call (:mod:`._calls`); the other end counts by how
surely it is the ring's (an inferred side at its confidence).

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
    explained: dict[str, int] = {}
    tips, *_ = calls(s, o, explained)
    best: dict[str, float] = {}
    count: dict[str, int] = {}
    for w, raid, _, _ in tips:
        best[raid] = max(best.get(raid, 0.0), w)
        count[raid] = count.get(raid, 0) + 1
    single = float(s.cfg["innocent"]["single_call"])
    score = 1 - math.exp(-sum(b * (single if count[r] == 1 else 1.0) for r, b in best.items()))
    facts = {
        "raids": len(best),
        "calls": len(tips),
        "single_call_raids": sum(1 for n in count.values() if n == 1),
        "explained": explained if tips else {},
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


def _hours(value: float | None, lang: str) -> str:
    """Hours with at most one decimal: a decimal comma in Bahasa Indonesia."""
    if value is None:
        return "-"
    v = round(float(value), 1)
    text = str(int(v)) if v.is_integer() else f"{v:.1f}"
    return text if lang == "en" else text.replace(".", ",")


def _words(f: dict[str, Any], lang: str) -> str:
    n, r = f.get("calls"), f.get("raids")
    said = gettext("{calls} before {raids}, the closest {hours} h before", lang).format(
        calls=ngettext("{n} call", "{n} calls", n, lang).format(n=n),
        raids=ngettext("{n} failed raid", "{n} failed raids", r, lang).format(n=r),
        hours=_hours(f.get("min_hours_before"), lang),
    )
    return "; ".join([said, *contact_words(f, lang)])


def contact_words(f: dict[str, Any], lang: str) -> list[str]:
    """The innocent explanations of contact that lowered a score, in words."""
    said = []
    single = f.get("single_call_raids")
    if single:
        said.append(
            ngettext(
                "{n} raid preceded by a single call only (weak)",
                "{n} raids preceded by a single call only (weak)",
                single,
                lang,
            ).format(n=single)
        )
    explained = f.get("explained") or {}
    if explained.get("neighbour"):
        said.append(
            gettext("recorded neighbours: {n} calls explained", lang).format(
                n=explained["neighbour"]
            )
        )
    if explained.get("address"):
        said.append(
            gettext("same address: {n} calls explained", lang).format(n=explained["address"])
        )
    return said


KIND = IndicatorKind(
    name="tipoff",
    compute=tipoff,
    words=_words,
    colour="timing",
    constants=("window_hours",),
)
