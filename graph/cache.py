"""Results derived from the whole graph, kept until anyone writes to the store.

A protector ranking, the ring list, the victims to mask: each is expensive to derive
and the same for every request until the graph changes. The :class:`GenerationCache`
keeps them keyed by ``Store.generation`` (a value that changes whenever anything
commits, in this process or another one such as a CLI ingest), so an entry is only
ever used while nothing was written since it was computed. There is no time-to-live:
equal generation means equal graph.

* **Role-independent.** Only what every role would compute identically is cached;
  the service applies the role's view (victims masked) to each response after the
  cache (``graph_api.web.masking.Redactor``), so the cache can never carry one
  role's data to another.
* **Single-flight.** Concurrent misses for the same key and generation compute
  once; the others wait for that result (or its exception, which is not kept).
* **Bounded.** At most ``max_entries`` keys per store, least recently used out
  first; a key holds one entry, the newest generation replaces the older one.
* Entries are keyed per store object (weakly), never by ``id()``: a reopened store
  starts empty, since an embedded store's generation is only meaningful for the
  connection that produced it.

Cached values are shared between requests and threads: callers must treat them as
read-only (build new lists and dicts instead of changing them).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from graph.store import Store

T = TypeVar("T")
DEFAULT_ENTRIES = 256


@dataclass
class _Flight:
    generation: Hashable
    future: Future[Any] = field(default_factory=Future)


@dataclass
class _Shelf:
    """One store's entries and computations in flight."""

    entries: OrderedDict[Hashable, tuple[Hashable, Any]] = field(default_factory=OrderedDict)
    flights: dict[Hashable, _Flight] = field(default_factory=dict)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    #: requests that waited for another thread's computation of the same key
    joined: int = 0
    evicted: int = 0


class GenerationCache:
    """``key -> value`` per store, valid while the store's generation is unchanged."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._shelves: weakref.WeakKeyDictionary[Store, _Shelf] = weakref.WeakKeyDictionary()

    def get(
        self, store: Store, generation: Hashable, key: Hashable, compute: Callable[[], T]
    ) -> T:
        """The value of ``key`` at ``generation``: cached, joined, or ``compute()``d now.

        ``generation`` must have been read from ``store`` *before* ``compute`` reads
        the graph, so that a write landing in between can only make the entry
        newer than its key, never older.
        """
        with self._lock:
            shelf = self._shelves.get(store)
            if shelf is None:
                shelf = self._shelves[store] = _Shelf()
            hit = shelf.entries.get(key)
            if hit is not None and hit[0] == generation:
                shelf.entries.move_to_end(key)
                self.stats.hits += 1
                return cast(T, hit[1])
            flight = shelf.flights.get(key)
            leader = flight is None or flight.generation != generation
            if leader:
                flight = shelf.flights[key] = _Flight(generation)
                self.stats.misses += 1
            else:
                self.stats.joined += 1
        assert flight is not None
        if not leader:
            return cast(T, flight.future.result())
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                if shelf.flights.get(key) is flight:
                    del shelf.flights[key]
            flight.future.set_exception(exc)
            raise
        with self._lock:
            shelf.entries[key] = (generation, value)
            shelf.entries.move_to_end(key)
            while len(shelf.entries) > self.max_entries:
                shelf.entries.popitem(last=False)
                self.stats.evicted += 1
            if shelf.flights.get(key) is flight:
                del shelf.flights[key]
        flight.future.set_result(value)
        return value

    def peek(self, store: Store, generation: Hashable, key: Hashable) -> Any:
        """The value kept for ``key`` at ``generation``, or ``None``; computes nothing,
        counts nothing, and does not refresh the entry's place in the LRU order (for the
        background warm-up, which must not look like traffic)."""
        with self._lock:
            shelf = self._shelves.get(store)
            hit = shelf.entries.get(key) if shelf is not None else None
            return hit[1] if hit is not None and hit[0] == generation else None

    def clear(self) -> None:
        with self._lock:
            self._shelves = weakref.WeakKeyDictionary()

    def __len__(self) -> int:
        with self._lock:
            return sum(len(s.entries) for s in self._shelves.values())


@dataclass
class _Reads:
    last: Hashable = None
    last_started: float = float("-inf")
    flight: _Flight | None = None
    flight_started: float = float("-inf")


class GenerationReader:
    """``store.generation`` for many concurrent requests, one read for all of them.

    On Neo4j reading the generation is a round trip. A request may use any read that
    *started after the request did*: such a read sees every commit made before the
    request arrived (a Propam flag created, an ingest finished), which is all that a
    fresh read of its own would guarantee. So a request joins a read in flight or
    takes the last completed one when it started late enough, and otherwise starts
    its own; never one that started before it arrived.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: weakref.WeakKeyDictionary[Store, _Reads] = weakref.WeakKeyDictionary()
        self.shared = 0
        self.reads = 0

    def read(self, store: Store, since: float, fetch: Callable[[], Hashable]) -> Hashable:
        """A generation of ``store`` read no earlier than ``since`` (``time.monotonic()``)."""
        with self._lock:
            r = self._reads.get(store)
            if r is None:
                r = self._reads[store] = _Reads()
            if r.last_started >= since:
                self.shared += 1
                return r.last
            if r.flight is not None and r.flight_started >= since:
                flight = r.flight
                self.shared += 1
                leader = False
            else:
                started = time.monotonic()
                flight = r.flight = _Flight(None)
                r.flight_started = started
                self.reads += 1
                leader = True
        if not leader:
            return cast(Hashable, flight.future.result())
        try:
            value = fetch()
        except BaseException as exc:
            with self._lock:
                if r.flight is flight:
                    r.flight = None
            flight.future.set_exception(exc)
            raise
        with self._lock:
            if started > r.last_started:
                r.last, r.last_started = value, started
            if r.flight is flight:
                r.flight = None
        flight.future.set_result(value)
        return value
