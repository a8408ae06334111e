"""Who is asking: carried into every store query as transaction metadata."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The user and request on whose behalf a query runs."""

    user: str = "cli"
    role: str = "admin"
    request_id: str = "-"

    def metadata(self) -> dict[str, str]:
        return {
            "app": "telusur",
            "user": self.user,
            "role": self.role,
            "request_id": self.request_id,
        }


_ACTOR: ContextVar[Actor] = ContextVar("telusur_actor", default=Actor())  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _ACTOR.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Run the block on behalf of ``actor`` (nests; restores the previous one)."""
    token = _ACTOR.set(actor)
    try:
        yield actor
    finally:
        _ACTOR.reset(token)
