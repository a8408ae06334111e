"""``bridging``: betweenness between the ring and the officials over informal ties.

Exact betweenness over the money, call, kin and business relationships (no
duty relationships), from the members to the officials, relative to the
highest. Deliberately weighted low: it is the generic link-analysis signal, and
it also rewards honest investigators and busy phones. A summary over many
paths: drawn on graph pages, but not coloured as evidence. It stands beside a
specific signal: with nothing else, or beside nothing but kinds capped as alone
(kinship, plain calls, one case), it is that tie again and is capped at
``[innocent] bridge_alone`` when the report is built.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.text import gettext
from queries.protectors import _rels as R
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene
from queries.protectors._types import Indicator

# Formal duty relationships: left out of the bridging graph.
_DUTY = frozenset(
    (
        *R.DUTY,
        *R.EVENT_LEADER,
        *R.POSTS,
        *R.EVENT_CASE,
        *R.EVENT_TARGET,
        *R.SUSPECT,
        *R.VICTIM,
        *R.CASE_AGENCY,
        *R.HIERARCHY,
        *R.MEMBERSHIP,
    )
)


def betweenness(s: Scene) -> dict[str, float]:
    """Betweenness between ring members and officials over informal relationships only."""
    officials = s.officials
    g = nx.Graph()
    g.add_nodes_from(sorted(s.h.nodes))
    g.add_edges_from(
        sorted(
            {
                (min(u, v), max(u, v))
                for u, v, k in s.h.edges(keys=True)
                if k[0] not in _DUTY and u != v
            }
        )
    )
    sources = sorted(s.members & set(g))
    if not sources or not officials:
        return {}
    b = nx.betweenness_centrality_subset(g, sources=sources, targets=officials, normalized=False)
    top = max((b.get(o, 0.0) for o in officials), default=0.0)
    return {o: (b.get(o, 0.0) / top if top > 0 else 0.0) for o in officials}


def bridging(s: Scene, o: str) -> Indicator:
    value = s.once("bridging", lambda: betweenness(s)).get(o, 0.0)
    return s.result("bridging", value, {"relative_betweenness": round(value, 4)}, [])


def _words(f: dict[str, Any], lang: str) -> str:
    said = gettext("bridges the ring and officials (relative betweenness {value})", lang).format(
        value=f.get("relative_betweenness")
    )
    if f.get("capped_alone"):
        said += "; " + gettext(
            "a bridge through nothing but kinship or plain calls: capped, that tie again", lang
        )
    return said


KIND = IndicatorKind(
    name="bridging",
    compute=bridging,
    words=_words,
    colour=None,
)
