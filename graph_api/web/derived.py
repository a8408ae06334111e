"""The whole-graph results the API keeps: their cache keys and how each is computed.

One place for both users of :class:`graph_api.web.cache.GenerationCache`: the
requests (:class:`graph_api.web.deps.Ctx`) and the background warm-up
(:mod:`graph_api.web.warmup`). Both must use the same key for the same result, so
that a request asking for what the warm-up is computing joins that computation
(single-flight) instead of starting its own, and a result the warm-up kept is found.
Every value here is role-independent; the role's view is applied afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime

import queries
from graph.store import Store
from graph_api.web import ranking
from graph_api.web.cache import GenerationCache
from graph_api.web.masking import Victims, victims
from queries._types import RingSummary

RINGS: Hashable = ("rings",)
VICTIMS: Hashable = ("victims",)
#: rings ranked together, their neighbourhoods extracted at once (:func:`batches`)
BATCH = 16


def protectors_key(ring_id: str, signature: ranking.Signature | datetime | None = None) -> Hashable:
    """The key of a ring's ranking: the first one kept (``signature`` None), or the one
    for moments of another time signature (:mod:`graph_api.web.ranking`)."""
    return ("protectors", ring_id) if signature is None else ("protectors", ring_id, signature)


def batches(
    ring_ids: Sequence[str], limit: int, size: int | None = None
) -> list[tuple[str, ...]]:
    """The first ``limit`` rings of the ring list (what the warm-up keeps) in groups of
    ``size`` (default :data:`BATCH`), each ranked in one go "as of now"
    (:func:`rank_group`).

    Right after a write every ring is ranked again; one extraction for a group costs
    little more than one for a single ring on Neo4j (the round trips were most of it),
    so the requests and the warm-up rank a ring's whole group and share it: a request
    for any ring of a group being ranked waits for that one computation.
    """
    kept, size = list(ring_ids)[:limit], size or BATCH
    return [tuple(kept[i : i + size]) for i in range(0, len(kept), size)]


def batch_key(batch: tuple[str, ...]) -> Hashable:
    """The key of a group's rankings (a :class:`graph_api.web.ranking.Group`)."""
    return ("protectors-batch", batch)


def rank_group(
    cache: GenerationCache, store: Store, batch: tuple[str, ...], when: datetime
) -> ranking.Group:
    """The group ``batch`` ranked as of ``when``; the group kept at an earlier generation,
    if any, is carried over when the store still answers its extraction exactly as it
    did (:func:`graph_api.web.ranking.rank_group`): a Propam flag or an ingest elsewhere
    in the graph then costs a check instead of a ranking. Call it as the computation of
    :func:`batch_key` at the generation read before (the cache keeps the result)."""
    previous = cache.last(store, batch_key(batch))
    if not isinstance(previous, ranking.Group):
        return ranking.rank_group(store, batch, when)
    group = ranking.rank_group(store, batch, when, previous)
    cache.checked(carried=group.carried,
                  kept=len(batch) - len(group.reranked) if group.reranked else 0)
    return group


def rings(store: Store) -> tuple[RingSummary, ...]:
    """Every ring with its number of members (``queries.rings``)."""
    return tuple(queries.rings(store))


def victim_set(store: Store) -> Victims:
    """The victims whose identifiers are masked for reskrim."""
    return victims(store)
