"""Background warm-up: the whole-graph results of the current generation, before anyone asks.

Without it the first request for each ring after a start or a write pays for that
ring's protector ranking, and right after a start most rings are ranked at once
while the clients wait. The :class:`Warmer` is one asyncio task of the service
(started and stopped with the app) that keeps the protector rankings
(:class:`queries.protectors.Rankings`, kept in a :class:`graph.cache.GenerationCache`)
filled for the store's current generation:

* **When.** At start-up, and whenever the generation changes: it reads the
  generation every ``interval`` seconds (one round trip on Neo4j, shared with
  requests through :class:`graph.cache.GenerationReader`), and a request
  that reads a generation other than the one warmed wakes it at once
  (:meth:`Warmer.seen`), as does a write by this service (:meth:`Warmer.wrote`).
* **What.** The ring list, each ring's protector ranking "as of now" (at most
  ``Rankings.max_rings`` of them, in the ring list's order; the cache must keep room
  for the rest) a group of rings at a time (``Rankings.warm``: one extraction for the
  group), then
  the victims, with the same keys and groups as the requests.
  While the generation stays the same it also ranks again, ahead of the requests,
  any ring whose "now" crossed a time boundary of its ranking (``Rankings.crossed``).
* **How.** One step at a time in a thread of its own (the store work blocks), one
  group of rings after another, back to the event loop between steps, so requests
  are served all along and at most one ranking of the warm-up runs at any moment. A
  request that needs a ranking the warm-up has not reached computes it itself; when both
  want the same one they share one computation (single-flight).
* **Never stale.** Every result is kept under the generation read *before* it was
  computed, exactly as a request does, so a request never gets a result computed
  for an older generation than the one it read. A warm-up overtaken by a newer
  generation stops and starts again for the newer one.
* **Readiness.** :attr:`Warmer.ready` is set when the first warm-up since the start
  has finished (``/readyz``); later warm-ups, after writes or after the store came
  back, run while the service keeps answering.

The store work of the warm-up runs as the actor ``telusur-warmup`` (Neo4j
transaction metadata), not on behalf of any user.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from graph.cache import GenerationReader
from graph.context import Actor, acting_as
from graph.errors import StoreUnavailable
from graph.heap import Freezer
from graph.store import Store
from graph_api.web.victims import VICTIMS, victims
from queries.protectors import Rankings

log = logging.getLogger("telusur.web")
T = TypeVar("T")
ACTOR = Actor(user="telusur-warmup", role="-", request_id="warmup")
#: longest pause between two attempts while the store is unreachable or a run failed
MAX_BACKOFF = 15.0


class Holder(Protocol):
    """What the warmer needs of :class:`graph_api.web.services.StoreHolder`."""

    def get(self) -> Store: ...

    def failed(self, store: Store) -> None: ...


@dataclass(frozen=True)
class WarmRun:
    """One warm-up, finished or given up."""

    generation: str
    started_at: str
    seconds: float
    #: rings whose ranking is now kept (computed here, or already kept by a request)
    rings: int
    #: rankings this warm-up computed itself
    ranked: int
    #: rings whose ranking failed (logged; requests for them rank them themselves)
    failed: int
    #: False when a newer generation overtook it before it finished
    complete: bool


class Warmer:
    """Keeps the cache warm for the store's current generation (see the module)."""

    def __init__(
        self,
        stores: Holder,
        rankings: Rankings,
        generations: GenerationReader,
        *,
        interval: float = 1.0,
    ) -> None:
        self.stores = stores
        self.rankings = rankings
        self.cache = rankings.cache
        self.generations = generations
        #: seconds between generation checks; 0 turns the warm-up off
        self.interval = interval
        #: True once the first warm-up since the start finished (or when it is off)
        self.ready = interval <= 0
        #: "starting", "warming", "warm", "store unavailable", "failed", "off"
        self.state = "off" if interval <= 0 else "starting"
        self.first_seconds: float | None = None
        self.last: WarmRun | None = None
        self.runs = 0
        self._started = 0.0
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._executor: ThreadPoolExecutor | None = None
        #: the store and generation warmed, or being warmed
        self._target: tuple[Store | None, Hashable] = (None, None)
        self._warmed: tuple[Store | None, Hashable] = (None, None)
        self._ring_ids: tuple[str, ...] = ()
        self._nudged = False

    # -- life cycle (the app's lifespan) ----------------------------------------------
    async def start(self) -> None:
        if self.interval <= 0 or self._task is not None:
            return
        self.ready, self.state, self.first_seconds = False, "starting", None
        self._warmed = self._target = (None, None)
        self._started = time.monotonic()
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="telusur-warmup")
        self._task = asyncio.create_task(self._run(), name="telusur-warmup")

    async def stop(self) -> None:
        task, executor = self._task, self._executor
        self._task = self._executor = None
        self._loop = None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if executor is not None:
            # let the step in progress finish (the store is closed right after this)
            executor.shutdown(wait=False, cancel_futures=True)
            try:
                await asyncio.wait_for(asyncio.to_thread(executor.shutdown, wait=True), 60)
            except TimeoutError:
                log.warning("warm-up: a step was still running at shutdown")

    # -- for requests -------------------------------------------------------------------
    def seen(self, store: Store, generation: Hashable) -> None:
        """A request read ``generation`` of ``store``: wake the warm-up when that is not
        what it warmed or is warming (any thread; cheap when nothing changed)."""
        if self._nudged:
            return
        target_store, target_gen = self._target
        if store is target_store and generation == target_gen:
            return
        self._wake_now()

    def wrote(self) -> None:
        """This process committed a write (a Propam flag, an ingest through the API):
        look at the generation now rather than at the next tick or request, so the
        rings are checked or ranked again from the moment of the commit (any thread)."""
        self._wake_now()

    def _wake_now(self) -> None:
        """Wake the warm-up's loop from any thread (nothing when it is not running)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        self._nudged = True
        try:
            loop.call_soon_threadsafe(wake.set)
        except RuntimeError:  # the loop closed meanwhile (shutdown)
            pass

    def status(self) -> dict[str, Any]:
        """For admins (``GET /api/v1/cache``): the state, the last run, the cache counters."""
        warming = self._target[1] if self.state == "warming" else None
        stats = self.cache.stats
        return {
            "state": self.state,
            "ready": self.ready,
            "interval_s": self.interval,
            "max_rings": self.rankings.max_rings,
            "first_warmup_s": self.first_seconds,
            "runs": self.runs,
            "warming_generation": None if warming is None else str(warming),
            "last": asdict(self.last) if self.last is not None else None,
            "cache": {
                "entries": len(self.cache),
                "hits": stats.hits,
                "misses": stats.misses,
                "joined": stats.joined,
                "evicted": stats.evicted,
            },
        }

    # -- the task -----------------------------------------------------------------------
    async def _run(self) -> None:
        failures = 0
        while True:
            assert self._wake is not None
            self._wake.clear()
            self._nudged = False
            try:
                await self._tick()
                failures = 0
            except asyncio.CancelledError:
                raise
            except StoreUnavailable as exc:
                failures += 1
                self.state = "store unavailable"
                # the holder dropped that store; the next one starts with an empty cache
                self._warmed = self._target = (None, None)
                log.warning("warm-up: the store is unavailable (%s); retrying", exc)
            except Exception:  # noqa: BLE001 - the task must outlive any one failure
                failures += 1
                self.state = "failed"
                log.exception("warm-up failed; retrying")
            pause = self.interval * 2 ** min(failures, 4) if failures else self.interval
            try:
                await asyncio.wait_for(self._wake.wait(), min(pause, max(MAX_BACKOFF,
                                                                          self.interval)))
            except TimeoutError:
                pass

    async def _tick(self) -> None:
        store = await self._blocking(self.stores.get)
        generation = await self._generation(store)
        if self._warmed[0] is not store or self._warmed[1] != generation:
            await self._warm(store, generation)
        else:
            await self._boundaries(store, generation)

    async def _warm(self, store: Store, gen: Hashable) -> None:
        t0, started_at = time.monotonic(), datetime.now(UTC).replace(microsecond=0)
        self.state, self._target = "warming", (store, gen)
        # a wake-up from before this point asked for what is being warmed now
        if self._wake is not None:
            self._wake.clear()
        self._nudged = False
        rankings = self.rankings
        rings = await self._on(store, lambda s: rankings.rings(s, gen))
        ring_ids = tuple(r["id"] for r in rings)[: rankings.max_rings]
        if len(rings) > rankings.max_rings:
            log.info("warm-up: %d rings, ranking the first %d", len(rings), rankings.max_rings)
        done = ranked = failed = 0
        checked = time.monotonic()
        for group in rankings.groups(ring_ids):
            # overtaken? (a request saw a newer generation, or one interval went by)
            if self._wake is not None and self._wake.is_set():
                return self._record(gen, started_at, t0, done, ranked, failed, complete=False)
            if time.monotonic() - checked >= self.interval:
                checked = time.monotonic()
                if await self._generation(store) != gen:
                    return self._record(gen, started_at, t0, done, ranked, failed,
                                        complete=False)
            if all(rankings.is_kept(store, gen, r) for r in group):
                done += len(group)
                continue
            try:
                ranked += await self._on(store, functools.partial(rankings.warm,
                                                                  generation=gen, group=group))
            except StoreUnavailable:
                raise
            except Exception:  # noqa: BLE001 - one group must not keep the others cold
                failed += len(group)
                log.warning("warm-up: ranking %s failed", ", ".join(group), exc_info=True)
                continue
            done += len(group)
        # after the rankings: a request needs these first, and computes them itself
        # meanwhile, at the same time as the warm-up's rankings instead of before them
        await self._on(store, lambda s: self.cache.get(s, gen, VICTIMS,
                                                       lambda: victims(s)))
        self._ring_ids = ring_ids
        self._warmed = (store, gen)
        await self._blocking(HEAP.settle)
        self._record(gen, started_at, t0, done, ranked, failed, complete=True)

    def _record(self, gen: Hashable, started_at: datetime, t0: float, done: int, ranked: int,
                failed: int, *, complete: bool) -> None:
        seconds = round(time.monotonic() - t0, 3)
        self.runs += 1
        self.last = WarmRun(str(gen), started_at.isoformat().replace("+00:00", "Z"), seconds,
                            done, ranked, failed, complete)
        if not complete:
            log.info("warm-up overtaken by a newer write after %.1f s; starting again", seconds)
            return
        self.state = "warm"
        if not self.ready:
            self.ready = True
            self.first_seconds = round(time.monotonic() - self._started, 3)
            log.info(
                "ready: caches warm in %.1f s since start (%d ring rankings%s)",
                self.first_seconds, done, f", {failed} failed" if failed else "",
            )
        else:
            log.info("caches warm again after a change in %.1f s (%d rankings computed)",
                     seconds, ranked)

    async def _boundaries(self, store: Store, gen: Hashable) -> None:
        """Rank again, ahead of the requests, each warmed ring whose "now" has crossed a
        time boundary of its kept ranking (a case became stalled, a post ended)."""
        for ring_id in self._ring_ids:
            await self._on(store, functools.partial(self.rankings.crossed,
                                                    generation=gen, ring_id=ring_id))

    # -- the thread ------------------------------------------------------------------
    async def _generation(self, store: Store) -> Hashable:
        def fetch(s: Store) -> Hashable:
            return self.generations.read(s, time.monotonic(), lambda: s.generation)

        return await self._on(store, fetch)

    async def _on(self, store: Store, fn: Callable[[Store], T]) -> T:
        """``fn(store)`` in the warm-up's thread as ``telusur-warmup``; a store that went
        away is handed back to the holder (it reopens on next use)."""

        def call() -> T:
            with acting_as(ACTOR):
                try:
                    return fn(store)
                except StoreUnavailable:
                    self.stores.failed(store)
                    raise

        return await self._blocking(call)

    async def _blocking(self, fn: Callable[[], T]) -> T:
        loop, executor = asyncio.get_running_loop(), self._executor
        result = await loop.run_in_executor(executor, fn)
        await asyncio.sleep(0)  # requests waiting on the loop go first
        return result



#: the heap frozen after each warm-up (the kept rankings and graph-wide sets: a full
#: collection walking them fell now and then into a burst of requests and stalled
#: every request in flight); a full collection every 8th warm-up
HEAP = Freezer(full_every=8)
