"""Everything dated about one entity, in time order.

Items (``kind``): ``transfer`` and ``call`` (``direction`` out/in, ``via`` the
entity itself or an account/phone it HOLDS/USES), ``case_opened`` and
``case_status`` (a case the person is in, or the case itself), ``event`` (an
event it LED or was TARGET_OF, one ABOUT the case, or the event itself),
``post_since`` and ``post_until`` (HOLDS_POST, seen from the official or the
agency). Items without a date are left out. Order: (at, kind, rel_type, rel_id,
via, other, direction), missing values as ``""``; the first ``limit`` are kept.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.model import MODEL
from graph.store import Store
from queries._common import LABELS, backend, check_range, incident, reading, run
from queries._types import TimelineItem

__all__ = ["timeline"]

#: the model's types, by what they mean
_ROLES = frozenset(MODEL.meaning("suspect", "victim", "witness", "case_duty"))
_OWN = frozenset(MODEL.meaning("instrument"))
_TIMED = frozenset(MODEL.meaning("money", "communication"))
_EVENT_ROLES = frozenset(MODEL.meaning("event_leader", "event_target"))
_POSTS = frozenset(MODEL.meaning("post"))
_CASE_ADMIN = frozenset(MODEL.meaning("event_case"))


def _item(
    at: Any,
    kind: str,
    via: str,
    other: str,
    rel_type: str | None = None,
    rel_id: str | None = None,
    direction: str | None = None,
    amount: float | None = None,
    detail: str | None = None,
    currency: str | None = None,
) -> TimelineItem:
    return {
        "at": at,
        "kind": kind,
        "direction": direction,
        "via": via,
        "other": other,
        "rel_type": rel_type,
        "rel_id": rel_id,
        "amount": amount,
        "currency": currency,
        "detail": detail,
    }


def _currency(a: dict[str, Any], amount: str | None, currency: str | None) -> str | None:
    """The currency of a relationship's amount: as stored, IDR when none was named."""
    if amount is None or a.get(amount) is None:
        return None
    return str(a.get(currency) or "IDR") if currency else "IDR"


def _event_detail(a: dict[str, Any]) -> str | None:
    kind, outcome = a.get("kind"), a.get("outcome")
    if kind is None or outcome is None:
        return None if kind is None else str(kind)
    return f"{kind}:{outcome}"


def _case_items(
    c: dict[str, Any], via: str, other: str, typ: str | None, rid: str | None
) -> list[TimelineItem]:
    return [
        _item(c.get("opened_at"), "case_opened", via, other, typ, rid),
        _item(c.get("status_at"), "case_status", via, other, typ, rid, detail=c.get("status")),
    ]


def _embedded(g: nx.MultiDiGraph, nid: str) -> list[TimelineItem]:
    out: list[TimelineItem] = []
    labels = g.nodes[nid][LABELS]
    own = {nid} | {v for _, v, k in g.out_edges(nid, keys=True) if k[0] in _OWN}
    for x in own:
        sides = [("out", v, k, a) for _, v, k, a in g.out_edges(x, keys=True, data=True)]
        sides += [("in", u, k, a) for u, _, k, a in g.in_edges(x, keys=True, data=True)]
        for direction, other, (typ, rid), a in sides:
            if typ in _TIMED:
                spec = MODEL.rels[typ]
                call = spec.meaning == "communication"
                out.append(
                    _item(
                        a.get(spec.timed_by or "at"),
                        "call" if call else "transfer",
                        x,
                        other,
                        typ,
                        rid,
                        direction,
                        a.get(spec.amount) if spec.amount else None,
                        a.get("kind") if call else a.get("channel"),
                        _currency(a, spec.amount, spec.currency),
                    )
                )
    for _, v, key in g.out_edges(nid, keys=True):
        typ, rid = key
        target = g.nodes[v]
        if typ in _ROLES and "Case" in target[LABELS]:
            out += _case_items(target, nid, v, typ, rid)
        if typ in _EVENT_ROLES and "Event" in target[LABELS]:
            out.append(
                _item(target.get("at"), "event", nid, v, typ, rid, detail=_event_detail(target))
            )
    for typ, rid, s, e, other in incident(g, nid, _POSTS):
        a = g.edges[s, e, (typ, rid)]
        detail = a.get("position") if a.get("position") is not None else a.get("rank")
        out.append(_item(a.get("since"), "post_since", nid, other, typ, rid, detail=detail))
        out.append(_item(a.get("until"), "post_until", nid, other, typ, rid, detail=detail))
    if "Case" in labels:
        out += _case_items(g.nodes[nid], nid, nid, None, None)
        for u, _, key in g.in_edges(nid, keys=True):
            if key[0] in _CASE_ADMIN and "Event" in g.nodes[u][LABELS]:
                out.append(
                    _item(
                        g.nodes[u].get("at"),
                        "event",
                        nid,
                        u,
                        key[0],
                        key[1],
                        detail=_event_detail(g.nodes[u]),
                    )
                )
    if "Event" in labels:
        a = g.nodes[nid]
        out.append(_item(a.get("at"), "event", nid, nid, detail=_event_detail(a)))
    return [i for i in out if i["at"] is not None]


def _key(i: TimelineItem) -> tuple[str, ...]:
    return (
        i["at"],
        i["kind"],
        i["rel_type"] or "",
        i["rel_id"] or "",
        i["via"],
        i["other"],
        i["direction"] or "",
    )


def timeline(store: Store, *, id: str, limit: int = 500) -> list[TimelineItem]:
    """Dated items of one entity in time order (see the module docstring).

    Parameters
    ----------
    id : str
        Any node.
    limit : int
        At most this many items, the earliest (1 to 10000).

    Returns
    -------
    list of TimelineItem
        ``{at, kind, direction, via, other, rel_type, rel_id, amount, currency,
        detail}``; ``currency`` is the amount's (IDR when the source named none);
        ``detail`` is the call kind, transfer channel, case status, event
        ``kind:outcome`` or post position (else rank). Empty for an unknown id.
    """
    check_range("limit", limit, 1, 10_000)
    if backend(store) == "neo4j":
        items: list[TimelineItem] = [
            _item(
                r["at"],
                r["kind"],
                r["via"],
                r["other"],
                r["rel_type"],
                r["rel_id"],
                r["direction"],
                r["amount"],
                r["detail"],
                r["currency"],
            )
            for r in run(store, "timeline", id=id, limit=limit)
        ]
    else:
        with reading(store) as g:
            items = _embedded(g, id) if id in g else []
    return sorted(items, key=_key)[:limit]
