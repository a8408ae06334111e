"""The whole-graph results the API keeps: their cache keys and how each is computed.

One place for both users of :class:`graph_api.web.cache.GenerationCache`: the
requests (:class:`graph_api.web.deps.Ctx`) and the background warm-up
(:mod:`graph_api.web.warmup`). Both must use the same key for the same result, so
that a request asking for what the warm-up is computing joins that computation
(single-flight) instead of starting its own, and a result the warm-up kept is found.
Every value here is role-independent; the role's view is applied afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

import queries
from graph_api.store import Store
from graph_api.web import ranking
from graph_api.web.flags import flag_ids as _flag_ids
from graph_api.web.masking import Victims, victims
from queries._types import RingSummary

RINGS: Hashable = ("rings",)
FLAG_IDS: Hashable = ("flag-ids",)
VICTIMS: Hashable = ("victims",)


def protectors_key(ring_id: str, signature: ranking.Signature | datetime | None = None) -> Hashable:
    """The key of a ring's ranking: the first one kept (``signature`` None), or the one
    for moments of another time signature (:mod:`graph_api.web.ranking`)."""
    return ("protectors", ring_id) if signature is None else ("protectors", ring_id, signature)


def rings(store: Store) -> tuple[RingSummary, ...]:
    """Every ring with its number of members (``queries.rings``)."""
    return tuple(queries.rings(store))


def flag_ids(store: Store) -> frozenset[str]:
    """Ids of every Propam flag (what non-Propam responses must never mention)."""
    return frozenset(_flag_ids(store))


def victim_set(store: Store) -> Victims:
    """The victims whose identifiers are masked for reskrim."""
    return victims(store)
