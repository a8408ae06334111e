"""Every dependency as a named ``Annotated`` alias: ``CurrentUser``, ``Reader``, ...

The dependencies are ``async`` on purpose: none of them waits for the graph store
(a token check, one indexed read of the small users file, an in-memory rate limit),
and FastAPI would otherwise run each sync one in the thread pool, a thread hand-off
per dependency per request. Only the route itself, which queries the store, runs in
a worker thread.
"""

import time
import uuid
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer

from graph.context import Actor, acting_as
from graph.errors import NotFound, StoreUnavailable
from graph.store import Store
from graph_api.web.flags import FlagBook
from graph_api.web.kept import KeptReport
from graph_api.web.masking import Redactor, Strings, Victims, dumps, victims
from graph_api.web.problems import Problem
from graph_api.web.services import Services
from graph_api.web.users import User
from graph_api.web.victims import VICTIMS
from queries._types import RingSummary

T = TypeVar("T")
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if not rid:
        rid = uuid.uuid4().hex
        request.state.request_id = rid
    return str(rid)


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", detail, {"WWW-Authenticate": "Bearer"})


async def current_user(
    request: Request, services: ServicesDep, token: Annotated[str | None, Depends(oauth2)]
) -> User:
    """The user named by a valid bearer token, still enabled and with the same role."""
    if not token:
        raise _unauthorized("a bearer token is required (POST /api/v1/auth/token)")
    claims = services.tokens.decode(token)
    user = services.users.get(claims.user) if claims else None
    if (
        claims is None
        or user is None
        or user.disabled
        or user.version != claims.version
        or user.role != claims.role
    ):
        raise _unauthorized("the token is invalid or expired")
    request.state.user, request.state.role = user.name, user.role
    wait = services.limiter.hit("user:" + user.name)
    if wait:
        raise Problem(429, "too many requests", "slow down", {"Retry-After": str(int(wait))})
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: str, hidden: bool = False) -> Callable[..., Awaitable[User]]:
    """A dependency admitting ``roles``; others get 403, or 404 for Propam-only data."""

    async def dep(user: CurrentUser) -> User:
        if user.role not in roles:
            if hidden:
                raise Problem(404, "not found", "no such resource")
            raise Problem(403, "forbidden", f"the {user.role} role cannot use this")
        return user

    return dep


@dataclass
class Ctx:
    """One request's view of the store: who asks, and how results are cleaned."""

    services: Services
    user: User
    request: Request
    request_id: str
    #: when this request's work began (``time.monotonic()``)
    started: float = field(default_factory=time.monotonic)

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user.name, role=self.user.role, request_id=self.request_id)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, ...)`` on behalf of the user (metadata on every Neo4j query)."""
        return self._on(self.services.stores.get(), fn, *args, **kwargs)

    def _on(self, store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with acting_as(self.actor):
            try:
                return fn(store, *args, **kwargs)
            except StoreUnavailable:
                self.services.stores.failed(store)
                raise

    def store(self) -> Store:
        return self.services.stores.get()

    def wrote(self) -> None:
        """This request committed a write: the warm-up looks at the new generation now."""
        self.services.warmer.wrote()

    def generation(self, store: Store) -> Hashable:
        """``store.generation`` as of this request: read at most once per request, and
        shared with concurrent requests when the read began after this one did
        (:class:`graph_api.web.cache.GenerationReader`)."""
        seen: tuple[Store, Hashable] | None = getattr(self.request.state, "generation", None)
        if seen is not None and seen[0] is store:
            return seen[1]
        gen = self.services.generations.read(
            store, self.started, lambda: self._on(store, lambda s: s.generation)
        )
        self.request.state.generation = (store, gen)
        self.services.warmer.seen(store, gen)  # a change wakes the background warm-up
        return gen

    def derived(self, key: Hashable, fn: Callable[[Store], T]) -> T:
        """``fn(store)``: a role-independent result derived from the whole graph, kept
        in the service's cache until the store's generation changes. Only what every
        role would compute alike may go through here; clean it per role afterwards."""
        store = self.services.stores.get()
        generation = self.generation(store)
        return self.services.cache.get(store, generation, key, lambda: self._on(store, fn))

    def flags(self, fn: Callable[[FlagBook], T]) -> T:
        """``fn(book)`` on Propam's flag book: the Propam store (never the investigation
        store, :mod:`graph_api.web.flags`), with the investigation store to check that a
        flagged official exists; metadata on every Neo4j query as for :meth:`call`."""
        propam = self.services.propam.get()
        with acting_as(self.actor):
            try:
                return fn(FlagBook(propam, self.services.stores.get()))
            except StoreUnavailable:
                self.services.propam.failed(propam)
                raise

    def ring_ids(self) -> frozenset[str]:
        return frozenset(r["id"] for r in self.rings())

    def rings(self) -> tuple[RingSummary, ...]:
        """Every ring with its number of members (``queries.rings``), kept."""
        store = self.services.stores.get()
        gen = self.generation(store)
        return self._on(store, lambda s: self.services.rankings.rings(s, gen))

    def protectors(
        self, ring_id: str, *, top: int | None, as_of: str | None = None
    ) -> tuple[dict[str, Any], Strings]:
        """The protector report of ``ring_id`` as ``rank_protectors`` gives it, kept until
        the store changes (:class:`queries.protectors.Rankings`), with every string it
        may contain. Not cleaned: pass both to :meth:`show`."""
        report, strings, _ = self._kept_report(ring_id, top=top, as_of=as_of)
        return report, strings

    def protectors_answer(self, ring_id: str, *, top: int | None, as_of: str | None) -> Any:
        """The protectors route's answer: :meth:`show` of the report; when the role's
        rules change nothing in it, written from its entries as checked once when it was
        ranked (:meth:`graph_api.web.kept.KeptReport.answer`)."""
        report, strings, kept = self._kept_report(ring_id, top=top, as_of=as_of)
        shown = self.show(report, "ring", strings)
        if shown is report:
            answer = kept.answer(report)
            if answer is not None:
                return answer
        return shown

    def _kept_report(
        self, ring_id: str, *, top: int | None, as_of: str | None
    ) -> tuple[dict[str, Any], Strings, KeptReport]:
        """The report's view, its strings (the kept report's and the one the view adds,
        its moment) and what the service kept with it."""
        store = self.services.stores.get()
        gen = self.generation(store)
        report, found = self._on(
            store,
            lambda s: self.services.rankings.lookup(
                s, ring_id, as_of=as_of, top=top, generation=gen
            ),
        )
        kept: KeptReport = found.extra
        return dict(report), Strings.join(kept.strings, Strings.of(report["as_of"])), kept

    def redactor(self) -> Redactor:
        cached: Redactor | None = getattr(self.request.state, "redactor", None)
        if cached is not None:
            return cached
        role = self.user.role
        vics = self.derived(VICTIMS, victims) if role == "reskrim" else Victims()
        red = Redactor(
            role=role,
            victims=vics,
            key=self.services.mask_key,
            user=self.user.name,
        )
        self.request.state.redactor = red
        return red

    def visible_id(self, node_id: str, what: str = "entity") -> str:
        """The stored id to look ``node_id`` up by: itself, or the entity behind one of
        this user's opaque ids (:meth:`graph_api.web.masking.Redactor.resolve`).

        An id this role may not ask for (hidden, or a masked entity's stored id) is not
        found exactly as an id that does not exist: the same answer (``no <what> <id>``),
        after one read of the store as a look-up of an absent id makes.
        """
        stored = self.redactor().resolve(node_id)
        if stored is None:
            self.call(lambda s: s.get_node(node_id))  # the time an absent id costs
            raise NotFound(f"no {what} {node_id!r}")
        return stored

    def show(self, value: Any, what: str = "entity", strings: Strings | None = None) -> Any:
        """The cleaned result; 404 when nothing of it may be shown.

        ``strings`` (every string of ``value``, e.g. kept with a cached result) lets a
        value that the role's rules would not change skip the walk and the leak check.
        """
        red = self.redactor()
        self.request.state.result_size = 1
        if strings is not None and red.untouched(strings):
            return value
        out = red.clean(value)
        if out is None or red.leaks(dumps(out)):
            raise NotFound(f"no such {what}")
        return out

    def shown_list(self, items: Iterable[Any], what: str = "entity") -> list[Any]:
        """The cleaned list (what a page shows); 404 when it still holds what the role
        may not read (:meth:`graph_api.web.masking.Redactor.leaks`)."""
        red = self.redactor()
        out = red.clean_list(items)
        if red.leaks(dumps(out)):
            raise NotFound(f"no such {what}")
        return out

    def page(self, items: list[Any], limit: int, cursor: str | None) -> dict[str, Any]:
        """A ``{data, count, next_cursor}`` page of the cleaned list."""
        red = self.redactor()
        clean = red.clean_list(items)
        start = int(cursor) if cursor else 0
        data = clean[start : start + limit]
        if red.leaks(dumps(data)):
            raise Problem(500, "internal error", "response withheld")
        nxt = str(start + limit) if start + limit < len(clean) else None
        self.request.state.result_size = len(data)
        return {"data": data, "count": len(clean), "next_cursor": nxt}


async def _ctx(request: Request, services: ServicesDep, user: CurrentUser) -> Ctx:
    return Ctx(services, user, request, request_id(request))


def ctx_for(*roles: str, hidden: bool = False) -> Callable[..., Awaitable[Ctx]]:
    """A dependency giving a :class:`Ctx` to ``roles`` only (see :func:`require`)."""
    gate = require(*roles, hidden=hidden)

    async def dep(
        request: Request, services: ServicesDep, user: Annotated[User, Depends(gate)]
    ) -> Ctx:
        return Ctx(services, user, request, request_id(request))

    return dep


READERS = ("reskrim", "propam", "analyst")
Reader = Annotated[Ctx, Depends(ctx_for(*READERS))]
PropamCtx = Annotated[Ctx, Depends(ctx_for("propam", hidden=True))]
AnalystCtx = Annotated[Ctx, Depends(ctx_for("analyst"))]
IngestCtx = Annotated[Ctx, Depends(ctx_for("analyst", "admin"))]
#: draws rings over loaded data (POST /rings): the investigators and the analysts
RingWriterCtx = Annotated[Ctx, Depends(ctx_for("reskrim", "analyst"))]
AdminCtx = Annotated[Ctx, Depends(ctx_for("admin"))]
AnyCtx = Annotated[Ctx, Depends(_ctx)]

Limit = Annotated[int, Query(ge=1, le=1000, description="items per page (1-1000)")]
Cursor = Annotated[
    str | None,
    Query(max_length=9, pattern=r"^[0-9]{1,9}$", description="next_cursor of the previous page"),
]
