"""What the app holds for its lifetime: settings, store, users, audit trail, limits."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from graph.cache import GenerationCache, GenerationReader
from graph.context import Actor, acting_as
from graph.errors import StoreUnavailable
from graph.store import Store, open_store
from graph_api.web import flags
from graph_api.web.audit import AuditLog, open_trail, propam_activity
from graph_api.web.kept import KeptReport
from graph_api.web.locks import ProcessLock
from graph_api.web.ratelimit import Limiter, RateLimiter, SharedRateLimiter
from graph_api.web.security import TokenCache
from graph_api.web.settings import Settings
from graph_api.web.uploads import clean_uploads
from graph_api.web.users import UserStore
from graph_api.web.warmup import Warmer
from queries.protectors import Layers, Rankings

log = logging.getLogger("telusur.web")


class StoreHolder:
    """Opens the store on first use and again after it went away.

    A store that raised :class:`StoreUnavailable` is dropped (when we opened it)
    so that the next request opens a fresh one: a dead driver is never cached,
    and a store that comes back is used without restarting the service.

    For ``pause`` seconds after a failure (or a failed open), :meth:`get` raises
    :class:`StoreUnavailable` at once without trying (a circuit breaker): while the
    store is away, requests answer 503 immediately instead of each waiting for the
    driver's timeouts, and the store is tried again by the first request after the
    pause (the others wait for that one attempt, bounded by the driver's connect
    timeout, ``graph.store.neo4j_store.CONNECT_TIMEOUT``).
    """

    #: seconds a failure keeps the store closed to requests
    PAUSE = 2.0

    def __init__(
        self,
        uri: str,
        store: Store | None = None,
        on_open: Callable[[Store], None] | None = None,
        *,
        pause: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.uri = uri
        self._store = store
        self._owned = store is None
        self._lock = threading.Lock()
        self.pause = pause
        self._clock = clock
        #: the store is not tried before this moment (``clock()``); 0: no failure
        self._down_until = 0.0
        self._why = ""
        #: readiness checks run here, never on the request threads (see ``check_within``)
        self._prober: ThreadPoolExecutor | None = None
        self._probe: Future[Store] | None = None
        #: run once on the first store this holder hands out (and after each reopen)
        self._on_open = on_open
        self._opened: Store | None = None

    def get(self) -> Store:
        with self._lock:
            wait = self._down_until - self._clock()
            if wait > 0:
                raise StoreUnavailable(f"{self._why} (tried again in {wait:.1f} s)")
            if self._store is None:
                try:
                    self._store = open_store(self.uri)
                except StoreUnavailable as exc:
                    self._trip(str(exc))
                    raise
                log.info("store opened: %s", self._store.kind)
            if self._on_open is not None and self._opened is not self._store:
                self._on_open(self._store)
                self._opened = self._store
            return self._store

    def _trip(self, why: str) -> None:
        """Keep the store closed to requests for ``pause`` seconds (under ``_lock``)."""
        self._down_until = self._clock() + self.pause
        self._why = why or "the store is unavailable"

    def failed(self, store: Store, why: str = "") -> None:
        """``store`` raised :class:`StoreUnavailable`: drop it, pause (see the class)."""
        with self._lock:
            if self._store is store:
                self._trip(why)
            if self._owned and self._store is store:
                self._store = None
                try:
                    store.close()
                except Exception:  # noqa: BLE001 - closing a dead driver may fail too
                    log.debug("closing the failed store raised", exc_info=True)

    def check(self) -> Store:
        """The store, once it answered one cheap read (readiness); else
        :class:`StoreUnavailable`."""
        store = self.get()
        with acting_as(Actor(user="-", role="-", request_id="readyz")):
            try:
                store.counts()
            except StoreUnavailable as exc:
                self.failed(store, str(exc))
                raise
        return store

    async def check_within(self, seconds: float) -> Store:
        """:meth:`check`, waited for at most ``seconds``, on a thread of its own: never on
        the threads of the requests, which may all be waiting for the store. One check
        runs at a time; callers meanwhile wait for the same one."""
        with self._lock:
            if self._prober is None:
                self._prober = ThreadPoolExecutor(1, thread_name_prefix="telusur-ready")
            if self._probe is None or self._probe.done():
                self._probe = self._prober.submit(self.check)
                # a check that ends after everyone stopped waiting: nobody needs its error
                self._probe.add_done_callback(lambda f: f.cancelled() or f.exception())
            probe = self._probe
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(probe)), seconds)
        except TimeoutError:
            raise StoreUnavailable(f"the store did not answer within {seconds:g} s") from None

    def close(self) -> None:
        with self._lock:
            if self._owned and self._store is not None:
                self._store.close()
                self._store = None
            # a store handed in (tests, the demo) is its owner's: kept for a next start
            if self._prober is not None:
                self._prober.shutdown(wait=False)
                self._prober = None


@dataclass
class Services:
    settings: Settings
    stores: StoreHolder
    #: Propam's own store (flags): never the investigation store (``flags.FlagBook``)
    propam: StoreHolder
    users: UserStore
    #: the main audit trail (admins read it)
    audit: AuditLog
    #: Propam's audit trail: its role's requests and Propam paths (only Propam reads it)
    propam_audit: AuditLog
    limiter: Limiter
    login_limiter: Limiter
    #: held while a Propam flag's status changes (across worker processes)
    flag_lock: ProcessLock
    #: bearer tokens already verified (with this service's secret)
    tokens: TokenCache
    #: whole-graph results (rankings, the ring list, victims) until the store changes
    cache: GenerationCache = field(default_factory=GenerationCache)
    #: store generations, one read shared by concurrent requests
    generations: GenerationReader = field(default_factory=GenerationReader)
    mask_key: bytes = field(default=b"", repr=False)
    #: protector rankings, kept in ``cache`` (requests, pages and the warm-up ask it)
    rankings: Rankings = field(init=False)
    #: keeps ``cache`` filled for the current generation in the background (readiness)
    warmer: Warmer = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.rankings = Rankings(
            self.cache,
            layers=Layers.parse(s.ranking_off),
            max_rings=max(1, s.cache_entries // 2),
            slots=threading.BoundedSemaphore(s.rank_concurrency),
            annotate=KeptReport.of,
        )
        self.warmer = Warmer(
            self.stores, self.rankings, self.generations, interval=s.warm_interval
        )

    @classmethod
    def build(cls, settings: Settings, store: Store | None = None) -> Services:
        def limiter(per_minute: int, name: str) -> Limiter:
            # One process keeps its buckets in memory; several workers share a file.
            if settings.workers > 1:
                return SharedRateLimiter(settings.limits_db, per_minute, name=name)
            return RateLimiter(per_minute)

        clean_uploads(settings.upload_dir)  # bundles a killed run left unpacked (PII)
        key = settings.audit_key.encode()
        flags.check_separate(settings.store, settings.propam_uri)
        propam = StoreHolder(settings.propam_uri)

        def move_legacy_flags(graph: Store) -> None:
            # Versions before the Propam store wrote flags into the investigation graph.
            if flags.legacy_flags(graph):
                moved = flags.migrate(graph, propam.get())
                log.warning("moved %d Propam flags out of the investigation store", moved)

        return cls(
            settings=settings,
            stores=StoreHolder(settings.store, store, on_open=move_legacy_flags),
            propam=propam,
            users=UserStore(settings.users_db),
            audit=open_trail(settings.audit_db, key=key, trail="main", dev=settings.dev),
            propam_audit=open_trail(
                settings.propam_audit_db, key=key, trail="propam", dev=settings.dev
            ),
            limiter=limiter(settings.rate_per_minute, "user"),
            login_limiter=limiter(settings.login_per_minute, "login"),
            flag_lock=ProcessLock(settings.state_dir / "flags.lock"),
            cache=GenerationCache(settings.cache_entries),
            tokens=TokenCache(settings.secret),
            mask_key=hashlib.sha256(b"telusur-mask:" + settings.secret.encode()).digest(),
        )

    def trail(self, role: str | None, path: str) -> AuditLog:
        """Where a request of ``role`` for ``path`` is recorded."""
        return self.propam_audit if propam_activity(role, path) else self.audit

    def close(self) -> None:
        self.stores.close()
        self.propam.close()
        self.users.close()
        self.audit.close()
        self.propam_audit.close()
        for lim in (self.limiter, self.login_limiter):
            if isinstance(lim, SharedRateLimiter):
                lim.close()


__all__ = ["Services", "StoreHolder", "StoreUnavailable"]
