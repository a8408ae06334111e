"""Which nodes a big page keeps, and how many neighbours each one lost.

A page with thousands of nodes is unreadable and slow on an office PC, so the
page keeps at most ``max_nodes``: the focus nodes first, then it grows outwards
from them, always taking the most relevant neighbour of what it already holds
(evidence-path members, then higher protector score, then higher degree). That
keeps the page one connected picture around what the investigator asked about.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping


def cap_nodes(
    node_ids: Iterable[str],
    neighbours: Mapping[str, set[str]],
    *,
    max_nodes: int,
    focus: Iterable[str] = (),
    relevance: Callable[[str], tuple[float, ...]] | None = None,
) -> tuple[list[str], dict[str, int]]:
    """Keep at most ``max_nodes`` node ids; count each kept node's dropped neighbours.

    Parameters
    ----------
    node_ids : all node ids, in page order.
    neighbours : id → ids of adjacent nodes.
    max_nodes : how many to keep (focus nodes are kept even beyond it).
    focus : ids kept first.
    relevance : higher sorts first; defaults to degree.

    Returns
    -------
    (kept ids in page order, {kept id: number of its neighbours not kept})

    Examples
    --------
    >>> adj = {"a": {"b", "c", "d"}, "b": {"a"}, "c": {"a"}, "d": {"a"}}
    >>> cap_nodes("abcd", adj, max_nodes=2, focus=["b"])
    (['a', 'b'], {'a': 2})
    """
    order = list(node_ids)
    if len(order) <= max_nodes:
        return order, {}
    known = set(order)

    def rank(nid: str) -> tuple[float, ...]:
        return relevance(nid) if relevance else (float(len(neighbours.get(nid, ()))),)

    position = {nid: i for i, nid in enumerate(order)}
    kept: set[str] = {f for f in focus if f in known}
    heap: list[tuple[tuple[float, ...], int, str]] = []

    def push_neighbours(nid: str) -> None:
        for n in neighbours.get(nid, ()):
            if n in known and n not in kept:
                heapq.heappush(heap, (tuple(-x for x in rank(n)), position[n], n))

    for nid in kept:
        push_neighbours(nid)
    by_rank = sorted(order, key=lambda n: (tuple(-x for x in rank(n)), position[n]))
    seeds = iter(by_rank)
    while len(kept) < max_nodes:
        if heap:
            nid = heapq.heappop(heap)[2]
        else:  # nothing adjacent left: start from the best node not yet kept
            nid = next((n for n in seeds if n not in kept), "")
            if not nid:
                break
        if nid in kept:
            continue
        kept.add(nid)
        push_neighbours(nid)
    cut = {
        nid: lost
        for nid in kept
        if (lost := sum(1 for n in neighbours.get(nid, ()) if n in known and n not in kept))
    }
    ordered_cut = dict(sorted(cut.items(), key=lambda kv: position[kv[0]]))
    return [n for n in order if n in kept], ordered_cut
