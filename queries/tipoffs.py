"""Tip-offs: calls between officials' side and the ring shortly before a failed raid.

A *failed raid on the ring* is an Event of kind ``raid`` with outcome
``nothing_found`` or ``escaped`` that a ring member, or an organization a member
directs, owns or sits on the board of (``DIRECTOR_OF``/``OWNER_OF``/
``COMMISSIONER_OF``), was ``TARGET_OF``, or that is ``ABOUT`` a case with a
member ``SUSPECT_IN`` it. For each, every ``CALLED`` relationship (either
direction) between a phone a member USES and a phone USED by a person ``via``
who is an Official or a ``FAMILY`` relative of an Official, with the call
strictly before the raid and at most ``window_hours`` before it. ``via`` and the
official differ from the member. Items are ordered by (event_at, event_id,
call_at, call_id, official_id, via, member_id).
"""

from __future__ import annotations

from datetime import timedelta

import networkx as nx

from graph.errors import QueryError
from graph.model import MODEL
from graph.store import Store
from queries._common import (
    LABELS,
    backend,
    hours_between,
    in_edges,
    incident,
    out_edges,
    parse_ts,
    reading,
    run,
)
from queries._types import Tipoff

__all__ = ["tipoffs"]

_FAILED = ("nothing_found", "escaped")
_ORG_TIES = MODEL.meaning("control")
_TARGET = MODEL.meaning("event_target")
_SUSPECT = MODEL.meaning("suspect")
_EVENT_CASE = MODEL.meaning("event_case")
_MEMBERSHIP = MODEL.meaning("membership")
_PHONES = MODEL.instruments("communication")
_CALLS = frozenset(MODEL.meaning("communication"))
_KIN = frozenset(MODEL.meaning("kinship"))


def _has(g: nx.MultiDiGraph, nid: str, label: str) -> bool:
    return label in g.nodes[nid][LABELS]


def _failed_raids(g: nx.MultiDiGraph, members: list[str]) -> list[str]:
    events: set[str] = set()
    for m in members:
        events |= {e for _, e, _ in out_edges(g, m, _TARGET)}
        for t in _ORG_TIES:
            for _, org, _ in out_edges(g, m, t):
                if _has(g, org, "Organization"):
                    events |= {e for _, e, _ in out_edges(g, org, _TARGET)}
        for _, case, _ in out_edges(g, m, _SUSPECT):
            if _has(g, case, "Case"):
                events |= {e for _, e, _ in in_edges(g, case, _EVENT_CASE)}
    return sorted(
        e
        for e in events
        if _has(g, e, "Event")
        and g.nodes[e].get("kind") == "raid"
        and g.nodes[e].get("outcome") in _FAILED
        and g.nodes[e].get("at") is not None
    )


def _embedded(g: nx.MultiDiGraph, ring_id: str, window_hours: float) -> list[Tipoff]:
    if ring_id not in g or not _has(g, ring_id, "Ring"):
        return []
    members = sorted({m for _, m, _ in in_edges(g, ring_id, _MEMBERSHIP)})
    found: dict[tuple[str, ...], Tipoff] = {}
    for e in _failed_raids(g, members):
        ev = g.nodes[e]
        at = ev["at"]
        earliest = parse_ts(at) - timedelta(hours=window_hours)
        for m in members:
            for _, pm, _ in out_edges(g, m, _PHONES):
                if not _has(g, pm, "Phone"):
                    continue
                for typ, cid, s, t, po in incident(g, pm, _CALLS):
                    c_at = g.edges[s, t, (typ, cid)].get("at")
                    if not _has(g, po, "Phone") or c_at is None:
                        continue
                    if not (c_at < at and parse_ts(c_at) >= earliest):
                        continue
                    for _, v, _ in in_edges(g, po, _PHONES):
                        if v == m or not _has(g, v, "Person"):
                            continue
                        officials = {v} if _has(g, v, "Official") else set()
                        officials |= {
                            o
                            for _, _, _, _, o in incident(g, v, _KIN)
                            if _has(g, o, "Official")
                        }
                        for o in officials - {m}:
                            item: Tipoff = {
                                "event_id": e,
                                "event_at": at,
                                "outcome": ev["outcome"],
                                "official_id": o,
                                "via": v,
                                "member_id": m,
                                "call_id": cid,
                                "call_at": c_at,
                                "hours_before": hours_between(c_at, at),
                                "official_phone": po,
                                "member_phone": pm,
                            }
                            found[_key(item)] = item
    return list(found.values())


def _key(t: Tipoff) -> tuple[str, ...]:
    return (
        t["event_at"],
        t["event_id"],
        t["call_at"],
        t["call_id"],
        t["official_id"],
        t["via"],
        t["member_id"],
        t["official_phone"],
        t["member_phone"],
    )


def tipoffs(store: Store, *, ring_id: str, window_hours: float = 24) -> list[Tipoff]:
    """Calls from the officials' side to ring members shortly before failed raids.

    Parameters
    ----------
    ring_id : str
        A Ring.
    window_hours : float
        How long before a raid a call counts (> 0).

    Returns
    -------
    list of Tipoff
        ``{event_id, event_at, outcome, official_id, via, member_id, call_id,
        call_at, hours_before, official_phone, member_phone}``; ``via`` is the
        official or the relative whose phone was used; ``hours_before`` is the
        time from call to raid in hours (4 decimals). Order: see the module docstring.
    """
    if window_hours <= 0:
        raise QueryError("window_hours must be > 0")
    if backend(store) == "neo4j":
        items: list[Tipoff] = []
        for r in run(store, "tipoffs", ring_id=ring_id, window_hours=window_hours):
            items.append(
                {
                    "event_id": r["event_id"],
                    "event_at": r["event_at"],
                    "outcome": r["outcome"],
                    "official_id": r["official_id"],
                    "via": r["via"],
                    "member_id": r["member_id"],
                    "call_id": r["call_id"],
                    "call_at": r["call_at"],
                    "hours_before": hours_between(r["call_at"], r["event_at"]),
                    "official_phone": r["official_phone"],
                    "member_phone": r["member_phone"],
                }
            )
    else:
        with reading(store) as g:
            items = _embedded(g, ring_id, window_hours)
    return sorted(items, key=_key)
