"""``organizations``: a seat in a ring company, the official's own or a relative's.

The official, a relative or an associate is director, commissioner or owner
(``board``) or employee (``employee``) of a company a member runs, each
discounted by its grade and by who holds the seat (``[via]``). A company of the
ring's inferred side counts at its confidence.

Misses nominee owners outside the family.
"""

from __future__ import annotations

from typing import Any

from graph.model import MODEL
from graph.text import gettext
from queries.protectors._extract import BOARD, ORG_TIES
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, has, out
from queries.protectors._types import Evidence, Indicator


def organizations(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["organizations"]
    miss = 1.0
    items: list[tuple[float, Evidence]] = []
    for v in s.sphere(o):
        for org, k in out(s.h, v.person, *ORG_TIES):
            if org not in s.side or not has(s.h, org, "Organization"):
                continue
            base = float(cfg["board" if k[2][0] in BOARD else "employee"])
            nodes = [*([o] if v.person != o else []), v.person, org]
            e = s.evidence(k[2][0].lower(), nodes, [*v.keys, k])
            w = base * e["grade"] * v.weight * s.side[org]
            miss *= 1 - w
            items.append((w, e))
    facts = {
        "roles": sorted({e["rels"][-1]["type"] for _, e in items}),
        "via_relative": any(e["nodes"][0] == o and len(e["nodes"]) > 2 for _, e in items),
    }
    return s.result("organizations", 1 - miss, facts, items)


def _roles(f: dict[str, Any], lang: str) -> str:
    """The roles by the model's display names (direktur, komisaris; director, owner)."""
    out = []
    for r in f.get("roles", []):
        spec = MODEL.rels.get(r)
        names = spec.names if spec is not None else None
        if names is None:
            out.append(r.lower().replace("_of", ""))
        else:
            out.append(names.en.removesuffix(" of") if lang == "en" else names.id)
    return ", ".join(out)


def _words(f: dict[str, Any], lang: str) -> str:
    if f.get("via_relative"):
        said = gettext("holds a role ({roles}) in a ring company, through a relative", lang)
    else:
        said = gettext("holds a role ({roles}) in a ring company, himself", lang)
    return said.format(roles=_roles(f, lang))


KIND = IndicatorKind(
    name="organizations",
    compute=organizations,
    words=_words,
    colour="organization",
    constants=("board", "employee"),
)
