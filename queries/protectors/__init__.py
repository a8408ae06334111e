"""Which officials most likely protect (back, *beking*) a ring, with checkable evidence.

``rank_protectors(store, ring_id=...)`` extracts the ring's neighbourhood once
(:mod:`queries.protectors._extract`, the same graph from either store; several rings
at once with ``neighbourhoods``), scores every official in it on every indicator of
the registry (:mod:`queries.protectors.indicators`: money, tip-off calls,
organizations, cases, ties, call volume, bridging), each discounted by the Admiralty
grade of its sources, and combines them as ``1 - prod(1 - weight * strength)`` with
the weights of ``queries/protectors.toml``. See ``docs/detection.md``.

Callers that may ask again (the API, the pages, the command line) ask
:class:`Rankings`, which keeps each report until the store changes and gives the
same report as :func:`rank_protectors`.
"""

from __future__ import annotations

from graph.store import Store
from queries.protectors._extract import neighbourhood, neighbourhoods
from queries.protectors._report import check_top, filter_time, rank_graph, report_of
from queries.protectors._types import (
    Evidence,
    EvidenceRel,
    Indicator,
    Protector,
    ProtectorReport,
)
from queries.protectors.indicators import KINDS, IndicatorKind, kind, weights
from queries.protectors.rankings import Layers, Rankings, moment

__all__ = [
    "Evidence",
    "EvidenceRel",
    "Indicator",
    "IndicatorKind",
    "KINDS",
    "Layers",
    "Protector",
    "ProtectorReport",
    "Rankings",
    "kind",
    "neighbourhood",
    "neighbourhoods",
    "rank_graph",
    "rank_protectors",
    "weights",
]


def rank_protectors(
    store: Store, *, ring_id: str, top: int | None = None, as_of: str | None = None
) -> ProtectorReport:
    """Rank the officials most likely protecting ring ``ring_id``.

    Parameters
    ----------
    ring_id : str
        A Ring's stored id.
    top : int, optional
        Keep the first ``top`` officials (>= 1); default all with a score above 0.
    as_of : str, optional
        ISO timestamp: ignore calls and transfers after it and judge stalled cases
        at it; default now (UTC).

    Returns
    -------
    ProtectorReport
        ``{ring, as_of, scored, capped, protectors}``: officials with a score above
        0 by score (desc) then id, each with ``indicators`` (strongest first) and
        their ``evidence`` paths. ``capped`` names supernodes not expanded.

    Raises
    ------
    QueryError
        If ``top`` is not a positive integer or ``as_of`` is not ISO.
    """
    check_top(top)
    when = moment(as_of)
    cfg = weights()
    h = neighbourhood(store, ring_id, cap=int(cfg["output"]["cap"]))
    filter_time(h, when)
    report = report_of(h, ring_id, when, cfg)
    return {**report, "protectors": report["protectors"][:top] if top else report["protectors"]}
