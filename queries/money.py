"""Money trails: transfers that follow each other in direction and time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.errors import QueryError
from graph.model import MODEL
from graph.store import Store
from queries._common import (
    LABELS,
    backend,
    check_range,
    in_edges,
    out_edges,
    reading,
    run,
    within_after,
)
from queries._types import Hop, Trail

__all__ = ["money_trail"]

MAX_HOPS = 4


def _order(t: Trail) -> tuple[Any, ...]:
    first = t["rels"][0]["at"]
    return (t["hops"], first is None, first or "", t["path_nodes"], [r["id"] for r in t["rels"]])


#: the model's money relationships (TRANSFERRED, ...) and what ties a holder to an
#: account (HOLDS)
MONEY = MODEL.meaning("money")
HOLDING = MODEL.instruments("money")


def _accounts_embedded(g: nx.MultiDiGraph, nid: str) -> list[str]:
    """``nid`` itself (money may move to or from it directly) and the accounts it holds."""
    if nid not in g:
        return []
    return [nid, *sorted({v for _, v, _ in out_edges(g, nid, HOLDING)} - {nid})]


def _walk(
    g: nx.MultiDiGraph,
    start: str,
    *,
    targets: set[str] | None,
    to_officials: bool,
    min_amount: float,
    window_hours: float,
    max_hops: int,
) -> Iterator[tuple[list[str], list[Hop]]]:
    def official_held(acc: str) -> bool:
        return "Official" in g.nodes[acc][LABELS] or any(
            "Official" in g.nodes[h][LABELS] for _, h, _ in in_edges(g, acc, HOLDING)
        )

    def go(acc: str, nodes: list[str], hops: list[Hop]) -> Iterator[tuple[list[str], list[Hop]]]:
        ends_ok = targets is None or acc in targets
        if hops and ends_ok and (not to_officials or official_held(acc)):
            yield list(nodes), list(hops)
        if len(hops) == max_hops:
            return
        for typ, rid, nxt, attrs in (
            (t, *e) for t in MONEY for e in out_edges(g, acc, t)
        ):
            spec = MODEL.rels[typ]
            amount = attrs.get(spec.amount or "amount")
            at = attrs.get(spec.timed_by or "at")
            if amount is None or amount < min_amount:
                continue
            if hops:
                prev = hops[-1]["at"]
                if prev is None or at is None or not within_after(prev, at, window_hours):
                    continue
            hop: Hop = {
                "id": rid,
                "type": typ,
                "start": acc,
                "end": nxt,
                "amount": amount,
                "currency": attrs.get(spec.currency or "currency"),
                "at": at,
            }
            yield from go(nxt, [*nodes, nxt], [*hops, hop])

    yield from go(start, [start], [])


def money_trail(
    store: Store,
    *,
    source: str,
    target: str | None = None,
    to_officials: bool = False,
    min_amount: float = 0.0,
    window_hours: float = 720,
    max_hops: int = 4,
    limit: int = 50,
) -> list[Trail]:
    """Follow money from an account, person or organization.

    Parameters
    ----------
    source : str
        An Account, or a Person/Organization: then every account it HOLDS.
    target : str, optional
        An Account, or a holder: then any account it HOLDS. ``None``: any end.
    to_officials : bool
        Only trails that end at an account held by an Official.
    min_amount : float
        Every transfer of the trail moves at least this much.
    window_hours : float
        Each transfer is strictly later than the one before (ISO string order)
        and at most this many hours after it.
    max_hops : int
        Transfers per trail, 1 to 4.
    limit : int
        At most this many trails (1 to 1000).

    Returns
    -------
    list of Trail
        ``{hops, path_nodes, rels, holders}``: the accounts in order, the
        transfers ``{id, type, start, end, amount, currency, at}`` and, per
        account, the sorted ids of its holders. Every prefix of a trail that
        ends at a permitted account is a trail too; accounts may repeat (money
        sent back), transfers never do. Ordered by hops, first transfer time
        (missing last), account ids, transfer ids.
    """
    check_range("max_hops", max_hops, 1, MAX_HOPS)
    check_range("limit", limit, 1, 1000)
    if min_amount < 0 or window_hours <= 0:
        raise QueryError("min_amount must be >= 0 and window_hours > 0")
    trails: list[Trail] = []
    if backend(store) == "neo4j":
        ids = [source] if target is None else [source, target]
        acc = {r["id"]: sorted(r["accounts"]) for r in run(store, "accounts_of", ids=ids)}
        starts = acc.get(source, [])
        targets = None if target is None else acc.get(target, [])
        if not starts or targets == []:
            return []
        rows = run(
            store,
            "money_trail",
            starts=starts,
            targets=targets,
            to_officials=to_officials,
            min_amount=float(min_amount),
            window_hours=window_hours,
            max_hops=max_hops,
            limit=limit,
        )
        for r in rows:
            hops: list[Hop] = list(r["rels"])
            trails.append(
                {"hops": len(hops), "path_nodes": r["nodes"], "rels": hops, "holders": []}
            )
        involved = sorted({n for t in trails for n in t["path_nodes"]})
        holders = {r["id"]: sorted(r["holders"]) for r in run(store, "holders_of", ids=involved)}
    else:
        with reading(store) as g:
            starts = _accounts_embedded(g, source)
            tset = None if target is None else set(_accounts_embedded(g, target))
            for s in starts:
                for nodes, hs in _walk(
                    g,
                    s,
                    targets=tset,
                    to_officials=to_officials,
                    min_amount=min_amount,
                    window_hours=window_hours,
                    max_hops=max_hops,
                ):
                    trails.append({"hops": len(hs), "path_nodes": nodes, "rels": hs, "holders": []})
            trails.sort(key=_order)
            trails = trails[:limit]
            involved = sorted({n for t in trails for n in t["path_nodes"]})
            holders = {
                a: sorted({h for _, h, _ in in_edges(g, a, HOLDING)}) for a in involved
            }
    trails.sort(key=_order)
    for t in trails:
        t["holders"] = [holders.get(a, []) for a in t["path_nodes"]]
    return trails[:limit]
