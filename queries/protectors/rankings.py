"""Protector rankings kept until the graph changes: the one door every caller uses.

:class:`Rankings` answers ``get(store, ring_id, as_of=, top=)`` with exactly the report
:func:`queries.protectors.rank_protectors` gives (``tests/api/test_ranking_cache.py``
compares them on both stores, across time boundaries and writes). The API, the
investigator pages, the ring graph page and the command line all ask it. A ranking is
kept per store *generation* (:class:`graph.cache.GenerationCache`), so any write, by
this process or another, makes the next request rank again; there is no time-to-live.

What it keeps, and why (each layer has a switch in :class:`Layers`, and a decision
record in ``docs/performance.md``; a check of a kept group against the store and a
collector pause were measured there too, bought nothing, and went):

* **Groups.** Asked "as of now", a ring is ranked with the other rings of its group
  (``group`` rings of the ring list): one extraction of all their neighbourhoods
  costs little more than one ring's on Neo4j, and right after a write the requests
  for a group's rings share that one computation.
* **Moments.** A ranking is "as of" a moment. :class:`TimeFacts` records the values in
  the ring's neighbourhood that the rules compare with the moment (``at`` of calls
  and transfers, ``until`` of posts, and the values of every indicator that ages,
  ``IndicatorKind.aging``); two moments with the same :meth:`TimeFacts.signature`
  give the same ranking (every rule is monotone in time), so a kept report is
  re-stamped for any moment of its signature and never reused across a boundary.
  An indicator that compares anything else with the moment must declare it as its
  ``aging``.
"""

from __future__ import annotations

import functools
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx

from graph.cache import GenerationCache
from graph.store import Store
from queries._common import iso, parse_ts
from queries._types import RingSummary
from queries.entities import rings
from queries.protectors import _rels
from queries.protectors._extract import neighbourhoods
from queries.protectors._report import check_top, filter_time, report_of
from queries.protectors._types import ProtectorReport
from queries.protectors.indicators import KINDS, weights

Signature = tuple[int, ...]
RINGS: Hashable = ("rings",)


@dataclass(frozen=True)
class Layers:
    """The machinery of :class:`Rankings`, each part switchable (to measure what it buys)."""

    #: rings ranked together "as of now" (1: each ring alone)
    group: int = 16
    #: reuse a ranking for other moments of its time signature (else: per moment)
    moments: bool = True

    @classmethod
    def parse(cls, text: str) -> Layers:
        """A comma list of layers to switch off among ``groups`` and ``moments``
        (``TELUSUR_RANKING_OFF``; empty: all on)."""
        off = {t.strip() for t in text.split(",") if t.strip()}
        unknown = off - {"groups", "moments"}
        if unknown:
            raise ValueError(f"unknown ranking layers {sorted(unknown)}")
        return cls(group=1 if "groups" in off else cls.group, moments="moments" not in off)


@dataclass(frozen=True)
class TimeFacts:
    """The values in a ring's neighbourhood that the ranking compares with its moment."""

    #: ``at`` of calls and transfers, as text, sorted
    at: tuple[str, ...]
    #: per indicator that ages: its values, parsed, sorted (every node of the label: a
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
            if k[0] in _rels.TIMED and a.get("at"):
                at.append(str(a["at"]))
            elif k[0] in _rels.POSTS and a.get("until"):
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
    """A ring's whole report at one moment (no ``top`` cut), and what it depends on."""

    report: ProtectorReport
    facts: TimeFacts
    signature: Signature | datetime
    #: what the caller's ``annotate`` made of the report (the API: its strings)
    extra: Any = None


def moment(as_of: str | None) -> datetime:
    """The ranking's moment: ``as_of`` parsed, or now to the second."""
    return parse_ts(as_of) if as_of is not None else datetime.now(UTC).replace(microsecond=0)


def view(report: ProtectorReport, when: datetime, top: int | None) -> ProtectorReport:
    """A kept report as of ``when`` (same signature) with the first ``top`` officials;
    a new dict: the kept one is shared and never changed."""
    protectors = report["protectors"]
    return {
        **report,
        "as_of": iso(when),
        "protectors": protectors[:top] if top is not None else list(protectors),
    }


@dataclass
class Rankings:
    """Protector reports per ring, kept per store generation (see the module).

    Thread-safe: concurrent requests for the same ranking compute it once
    (single-flight, :class:`graph.cache.GenerationCache`); at most ``slots`` rankings
    run at once. ``annotate(report)`` is computed once per kept report and handed back
    with it (:attr:`Ranked.extra`).
    """

    cache: GenerationCache = field(default_factory=GenerationCache)
    layers: Layers = field(default_factory=Layers)
    #: rings of the ring list kept ranked (the warm-up's reach; the groups cover these)
    max_rings: int = 128
    slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(2))
    annotate: Callable[[ProtectorReport], Any] | None = None

    @classmethod
    def one_shot(cls) -> Rankings:
        """For a process that asks once (the command line, a page rendered alone): no
        group ranked around the ring."""
        return cls(layers=Layers(group=1))

    # -- asking ---------------------------------------------------------------------
    def get(
        self,
        store: Store,
        ring_id: str,
        *,
        as_of: str | None = None,
        top: int | None = None,
        generation: Hashable | None = None,
    ) -> ProtectorReport:
        """The report :func:`queries.protectors.rank_protectors` gives, kept."""
        return self.lookup(store, ring_id, as_of=as_of, top=top, generation=generation)[0]

    def lookup(
        self,
        store: Store,
        ring_id: str,
        *,
        as_of: str | None = None,
        top: int | None = None,
        generation: Hashable | None = None,
    ) -> tuple[ProtectorReport, Ranked]:
        """:meth:`get`, and the kept :class:`Ranked` it was cut from.

        ``generation`` is the store's, read by the caller before this call (a service
        shares one read among concurrent requests); by default it is read here.
        """
        check_top(top)
        gen = store.generation if generation is None else generation
        when = moment(as_of)
        found = self.kept_or_rank(store, gen, ring_id, when, now=as_of is None)
        if found.signature != found.facts.signature(when):
            key = ("protectors", ring_id, found.facts.signature(when))
            found = self.cache.get(
                store, gen, key, lambda: self._compute(store, (ring_id,), when)[ring_id]
            )
        return view(found.report, when, top), found

    def rings(self, store: Store, generation: Hashable) -> tuple[RingSummary, ...]:
        """Every ring with its number of members (``queries.rings``), kept."""
        return self.cache.get(store, generation, RINGS, lambda: tuple(rings(store)))

    # -- keeping warm (the API's background warm-up) ----------------------------------
    def groups(self, ring_ids: Sequence[str]) -> list[tuple[str, ...]]:
        """The first :attr:`max_rings` of ``ring_ids`` in groups (:attr:`Layers.group`)."""
        kept, size = list(ring_ids)[: self.max_rings], max(1, self.layers.group)
        return [tuple(kept[i : i + size]) for i in range(0, len(kept), size)]

    def is_kept(self, store: Store, generation: Hashable, ring_id: str) -> bool:
        """Whether ``ring_id``'s first ranking at ``generation`` is kept (counts nothing)."""
        return self.cache.peek(store, generation, ("protectors", ring_id)) is not None

    def warm(self, store: Store, generation: Hashable, group: tuple[str, ...]) -> int:
        """Rank ``group`` as of now at ``generation`` (or join a request doing it); how
        many rankings this computed itself."""
        computed: list[int] = []

        def rank() -> dict[str, Ranked]:
            done = self._compute(store, group, moment(None))
            computed.append(len(done))
            return done

        ranked = self.cache.get(store, generation, ("protectors-group", group), rank)
        for ring_id in group:
            self.cache.get(
                store,
                generation,
                ("protectors", ring_id),
                functools.partial(ranked.__getitem__, ring_id),
            )
        return sum(computed)

    def crossed(self, store: Store, generation: Hashable, ring_id: str) -> bool:
        """Rank ``ring_id`` again as of now if "now" crossed a time boundary of its kept
        ranking (a case became stalled, a post ended); whether it did."""
        first = self.cache.peek(store, generation, ("protectors", ring_id))
        if not isinstance(first, Ranked):
            return False
        when = moment(None)
        sig = first.facts.signature(when)
        key = ("protectors", ring_id, sig)
        if sig == first.signature or self.cache.peek(store, generation, key) is not None:
            return False
        self.cache.get(
            store, generation, key, lambda: self._compute(store, (ring_id,), when)[ring_id]
        )
        return True

    # -- computing ----------------------------------------------------------------------
    def kept_or_rank(
        self, store: Store, gen: Hashable, ring_id: str, when: datetime, *, now: bool
    ) -> Ranked:
        """The first ranking kept for ``ring_id`` at ``gen``. Asked "as of now", the ring's
        whole group is ranked (or joined) in one go."""
        group = None
        if now and self.layers.group > 1:
            ids = [r["id"] for r in self.rings(store, gen)]
            group = next((g for g in self.groups(ids) if ring_id in g), None)
        if group is None:
            return self.cache.get(
                store,
                gen,
                ("protectors", ring_id),
                lambda: self._compute(store, (ring_id,), when)[ring_id],
            )
        g = group
        ranked = self.cache.get(
            store, gen, ("protectors-group", g), lambda: self._compute(store, g, when)
        )
        return self.cache.get(store, gen, ("protectors", ring_id), lambda: ranked[ring_id])

    def _compute(
        self, store: Store, ring_ids: tuple[str, ...], when: datetime
    ) -> dict[str, Ranked]:
        """``ring_ids`` ranked as of ``when`` in one extraction, once a ranking slot is free."""
        with self.slots:
            cfg = weights()
            graphs = neighbourhoods(store, ring_ids, cap=int(cfg["output"]["cap"]))
            out: dict[str, Ranked] = {}
            for ring_id, h in graphs.items():
                facts = TimeFacts.of(h, cfg)
                if not self.layers.moments:
                    facts = TimeFacts((), (), (), exact=False)
                filter_time(h, when)
                report = report_of(h, ring_id, when, cfg)
                extra = self.annotate(report) if self.annotate is not None else None
                out[ring_id] = Ranked(report, facts, facts.signature(when), extra)
            return out
