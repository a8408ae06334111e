"""Protector rankings for the API, computed once per ring until the graph changes.

:func:`queries.protectors.rank_protectors` extracts the ring's neighbourhood and
scores every official in it: a fraction of a second to seconds of work that is the
same for every request until something is written. This module computes the same
report (all officials with a score above 0; ``top`` is applied per request) and
says for which moments it holds, so that :class:`graph_api.web.cache.GenerationCache`
can keep it.

**Time.** The ranking is "as of" a moment (default: now), and three rules of
:mod:`queries.protectors` depend on that moment: calls and transfers after it are
left out (``at`` compared as text with the ISO moment), an indicator that ages
(``IndicatorKind.aging`` in :mod:`queries.protectors.indicators`: an open case
becomes *stalled* once its ``opened_at`` is ``stalled_days`` before it) turns, and
a post whose ``until`` date is before the moment's date no longer names the
official's agency.
:class:`TimeFacts` records the values those rules compare against, taken from the
ring's neighbourhood, and :meth:`TimeFacts.signature` counts how many of each lie
on either side of a moment: two moments with the same signature give the same
ranking (every rule's outcome is monotone in time), so a report is reused for any
moment of its signature and re-stamped with that moment, never for a moment on
the other side of a boundary. No time-to-live is involved.

``tests/api/test_ranking_cache.py`` checks that the report equals
``rank_protectors`` at the same moment on both stores, across each boundary. An
indicator that compares anything else with the moment must declare it as its
``aging`` (then it is covered here), or a new rule be added to :class:`TimeFacts`.
"""

from __future__ import annotations

import gc
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx

from graph.model import MODEL
from graph.store import Store
from graph_api.web.masking import Strings
from queries._common import iso, parse_ts
from queries.protectors import KINDS, _filter_time, neighbourhoods, rank_graph, weights
from queries.protectors._extract import Transcript, changed_rings
from queries.protectors._types import ProtectorReport

Signature = tuple[int, ...]
#: the edge types whose moment is compared with the ranking's (``_filter_time``)
TIMED_TYPES = MODEL.timed
POSTS = MODEL.meaning("post")


@dataclass(frozen=True)
class TimeFacts:
    """The values in a ring's neighbourhood that the ranking compares with its moment."""

    #: ``at`` of calls and transfers, as text, sorted
    at: tuple[str, ...]
    #: per indicator that ages (``IndicatorKind.aging``, such as an open case that
    #: becomes stalled): its values, parsed, sorted (every node of the label: a
    #: superset is safe), and how long before the moment a value turns
    aging: tuple[tuple[tuple[datetime, ...], timedelta], ...]
    #: ``until`` of posts, as text, sorted
    until: tuple[str, ...]
    #: False when a value could not be read: then no report is reused across moments
    exact: bool = True

    @classmethod
    def of(cls, h: nx.MultiDiGraph, cfg: dict[str, Any]) -> TimeFacts:
        at: list[str] = []
        until: list[str] = []
        for _u, _v, k, a in h.edges(keys=True, data=True):
            if k[0] in TIMED_TYPES and a.get("at"):
                at.append(str(a["at"]))
            elif k[0] in POSTS and a.get("until"):
                until.append(str(a["until"]))
        aging: list[tuple[tuple[datetime, ...], timedelta]] = []
        exact = True
        for kind in KINDS.values():
            if kind.aging is not None:
                values, readable = kind.aging.values(h)
                aging.append((tuple(values), kind.aging.delta(cfg[kind.name])))
                exact = exact and readable
        return cls(tuple(sorted(at)), tuple(aging), tuple(sorted(until)), exact)

    def signature(self, when: datetime) -> Signature | datetime:
        """Equal for two moments exactly when every time rule decides alike at both
        (the moment itself when the facts are not exact)."""
        if not self.exact:
            return when
        cut = iso(when)
        return (
            bisect_right(self.at, cut),  # calls and transfers kept: at <= cut
            # aged (an open case stalled): value < moment - delta
            *(bisect_left(values, when - delta) for values, delta in self.aging),
            bisect_left(self.until, cut[:10]),  # posts ended: until < the date
        )


@dataclass(frozen=True)
class Ranked:
    """A ring's whole report at one moment, and what it depends on in time."""

    report: ProtectorReport
    facts: TimeFacts
    signature: Signature | datetime
    #: every string of the report, for the per-request check of the role's rules
    strings: Strings


def moment(as_of: str | None) -> datetime:
    """The ranking's moment: ``as_of`` parsed, or now to the second (as ``rank_protectors``)."""
    return parse_ts(as_of) if as_of is not None else datetime.now(UTC).replace(microsecond=0)


def rank(store: Store, ring_id: str, when: datetime) -> Ranked:
    """Every official with a score above 0 for ``ring_id`` at ``when`` (no ``top`` cut).

    The same steps as :func:`queries.protectors.rank_protectors` (the parity test
    keeps them the same), plus the :class:`TimeFacts` of the neighbourhood.
    """
    return rank_many(store, [ring_id], when)[ring_id]


def rank_many(store: Store, ring_ids: Sequence[str], when: datetime) -> dict[str, Ranked]:
    """:func:`rank` of each of ``ring_ids``, their neighbourhoods extracted together
    (:func:`queries.protectors.neighbourhoods`: on Neo4j one read transaction of about
    15 statements for all of them instead of about 30 transactions per ring)."""
    return rank_group(store, tuple(ring_ids), when).rankings


_paused = threading.Lock()
_pauses: list[bool] = []  # one entry per block in progress: was the collector on?


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (the whole process; blocks
    in several threads at once are counted, the last one out restores it).

    Checking or ranking a group decodes some 100,000 store values that live until the
    block ends; the collector's full passes over them (triggered by the allocations
    alone) took about 100 ms of a 250 ms check. Reference counting still frees
    everything that is not in a cycle; cycles made meanwhile wait for the next pass.
    """
    with _paused:
        _pauses.append(gc.isenabled())
        gc.disable()
    try:
        yield
    finally:
        with _paused:
            was_on = _pauses[0]
            _pauses.pop()
            if not _pauses and was_on:
                gc.enable()


@dataclass(frozen=True)
class Group:
    """The rankings of a group of rings, and what the store answered for them."""

    rings: tuple[str, ...]
    rankings: dict[str, Ranked]
    transcript: Transcript
    #: True when the rankings were carried over from an earlier generation
    carried: bool = False
    #: the rings ranked again when only some of the group changed (the others carried)
    reranked: tuple[str, ...] = ()


def rank_group(
    store: Store, ring_ids: tuple[str, ...], when: datetime, previous: Group | None = None
) -> Group:
    """Each of ``ring_ids`` ranked as of ``when``, or ``previous``'s rankings when the
    store still answers their extraction exactly as it did (:func:`changed_rings`).

    ``previous`` is the group as computed at an earlier generation. A ranking is a
    function of the ring's extracted neighbourhood, its moment and the weights (read
    once per process): if every store call of the extraction gets the same answer now,
    the neighbourhoods are the same graphs and every ranking is what it was, for the
    same moments (each :class:`Ranked` keeps its own moment and time facts). A Propam
    flag, or an ingest that touched none of these rings, changes no answer; anything
    that does (one more call, a property changed in value, type or order) ranks the
    rings whose part of the answers changed again (:func:`changed_rings`: the answers
    are compared id by id, and a ring is changed when an id it asked for is), the
    others keep their rankings. Checking costs the store calls and their decoding,
    about half of ranking the group.
    """
    with collector_paused():
        if previous is None or previous.rings != ring_ids:
            return _rank_group(store, ring_ids, when)
        changed, today = changed_rings(store, previous.transcript)
        if not changed:
            return Group(ring_ids, previous.rankings, today, carried=True)
        again = tuple(r for r in ring_ids if r in changed)
        if len(again) == len(ring_ids):
            return _rank_group(store, ring_ids, when)
        part = _rank_group(store, again, when)
        # the kept rings' record: today's answers to the calls they asked, without the
        # rings ranked again (their new extraction records their own calls)
        kept: Transcript = []
        for group, ids, answer, asked in today:
            still = tuple((r, rids) for r, rids in asked if r not in changed)
            if still:
                kept.append((group, ids, answer, still))
        rankings = {r: part.rankings[r] if r in changed else previous.rankings[r]
                    for r in ring_ids}
        return Group(ring_ids, rankings, kept + part.transcript, reranked=again)


def _rank_group(store: Store, ring_ids: tuple[str, ...], when: datetime) -> Group:
    cfg = weights()
    transcript: Transcript = []
    graphs = neighbourhoods(store, ring_ids, cap=int(cfg["output"]["cap"]),
                            transcript=transcript)
    out: dict[str, Ranked] = {}
    for ring_id, h in graphs.items():
        facts = TimeFacts.of(h, cfg)
        _filter_time(h, when)
        ranked = rank_graph(h, ring_id, as_of=when, cfg=cfg)
        report: ProtectorReport = {
            "ring": ring_id,
            "as_of": iso(when),
            "scored": len(ranked),
            "capped": sorted(set(h.graph.get("capped", []))),
            "protectors": [p for p in ranked if p["score"] > 0],
        }
        out[ring_id] = Ranked(report, facts, facts.signature(when), Strings.of(report))
    return Group(ring_ids, out, transcript)


def view(report: ProtectorReport, when: datetime, top: int | None) -> ProtectorReport:
    """A cached report as of ``when`` (same signature) with the first ``top`` officials;
    a new dict: the cached one is shared and never changed."""
    protectors = report["protectors"]
    return {
        **report,
        "as_of": iso(when),
        "protectors": protectors[:top] if top is not None else list(protectors),
    }
