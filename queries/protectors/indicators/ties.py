"""``ties``: family or associate ties with members.

FAMILY (``family``) or ASSOCIATE (``associate``) with a member, each discounted
by its grade (a tie recorded as neighbours is none); through one of the official's
relatives it counts ``relative`` times as much; with a person inferred to act for
the ring, times its confidence.
Real, but people do not choose their cousins: kinship alone never makes a
protector, so without another kind of signal (bridging aside) the strength is
capped at ``[innocent] kin_alone`` when the report is built (``alone`` in facts).

Misses ties nobody recorded.
"""

from __future__ import annotations

from typing import Any

from graph.text import gettext, ngettext
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._extract import KIN
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, both
from queries.protectors._types import Evidence, Indicator


def ties(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["ties"]
    relative = float(cfg["relative"])
    miss = 1.0
    items: list[tuple[float, Evidence]] = []
    for v in s.sphere(o):
        if v.relation != "self" and not v.relation.startswith("family"):
            continue
        for m, k in both(s.h, v.person, *KIN):
            if m not in s.side or neighbour_only(s, k):
                continue
            base = float(cfg[R.key_of(k[2][0])])  # family or associate
            nodes = [*([o] if v.person != o else []), v.person, m]
            e = s.evidence(k[2][0].lower(), nodes, [*v.keys, k])
            w = base * e["grade"] * (1.0 if v.person == o else relative) * s.side[m]
            miss *= 1 - w
            items.append((w, e))
    alone = float(s.cfg["innocent"]["kin_alone"])
    facts: dict[str, Any] = {"ties": len(items), "alone": alone}
    apart = s.apart(o)
    if apart:
        facts["apart"] = len(apart)
    return s.result("ties", 1 - miss, facts, items)


def neighbour_only(s: Scene, k: Key) -> bool:
    """A tie recorded as neighbours ("tetangga"): a reason for contact, not kinship."""
    detail = str(s.h.edges[k].get("detail") or "").lower()
    return any(w.lower() in detail for w in s.cfg["innocent"]["neighbour_words"])


def _words(f: dict[str, Any], lang: str) -> str:
    n = f.get("ties")
    said = ngettext(
        "{n} family/associate tie with members",
        "{n} family/associate ties with members",
        n,
        lang,
    ).format(n=n)
    if f.get("capped_alone"):
        said += "; " + gettext("kinship alone: capped, nothing else links him to the ring", lang)
    return "; ".join([said, *apart_words(f, lang)])


def apart_words(f: dict[str, Any], lang: str) -> list[str]:
    """The relatives left out of his side because they act for the ring themselves."""
    n = int(f.get("apart", 0))
    if not n:
        return []
    return [
        ngettext(
            "{n} neighbour or distant relative acts for the ring himself: "
            "his money and calls are not counted as the official's",
            "{n} neighbours or distant relatives act for the ring themselves: "
            "their money and calls are not counted as the official's",
            n,
            lang,
        ).format(n=n)
    ]


KIND = IndicatorKind(
    name="ties",
    compute=ties,
    words=_words,
    colour="family",
    constants=("family", "associate", "relative"),
)
