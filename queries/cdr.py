"""The classic call-record questions: whom two numbers both contacted, who was near.

``common_contacts(a, b)``: the phones in contact with both ``a`` and ``b`` (a call,
SMS or chat either way), with the number of contacts with each and the first and
last of them. ``colocated(phone, window_minutes)``: the other phones whose calls
were served by a cell that served a call of ``phone`` within the window before or
after it. A call's ``cell_id`` and ``lac`` are the caller's serving cell
(``calls.csv``), so only the calls a phone made place it; a cell is ``cell_id``
within ``lac`` (a call without ``lac`` matches only calls without one). A cell is
a tower's sector, not the handset's position: near, not together.

Phones are given as stored (E.164) or in any written form (``0812-3456-7890``).
Both stores answer alike; timestamps are the stored ISO strings (UTC).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypedDict

import networkx as nx

from graph.model import MODEL
from graph.normalize import NormalizeError, normalize_phone
from graph.store import Store
from queries._common import LABELS, backend, check_range, parse_ts, reading, run

__all__ = ["ColocatedPhone", "CommonContact", "colocated", "common_contacts"]

_CALLS = frozenset(MODEL.meaning("communication"))


class CommonContact(TypedDict):
    """A phone both numbers were in contact with."""

    phone: str
    a_calls: int
    b_calls: int
    first_at: str | None
    last_at: str | None


class ColocatedPhone(TypedDict):
    """A phone served by the same cell as the asked phone, within the window."""

    phone: str
    calls: int
    cells: list[str]
    first_at: str
    last_at: str


def _phone_id(raw: str) -> str:
    """The stored id of a phone written in any form (the text itself if not a number)."""
    try:
        return normalize_phone(raw)
    except NormalizeError:
        return raw


def _contacts(g: nx.MultiDiGraph, phone: str) -> dict[str, list[str]]:
    """Other phone -> the times of every contact with ``phone`` (either direction)."""
    out: dict[str, list[str]] = defaultdict(list)
    if phone not in g:
        return out
    sides = [(v, k, a) for _, v, k, a in g.out_edges(phone, keys=True, data=True)]
    sides += [(u, k, a) for u, _, k, a in g.in_edges(phone, keys=True, data=True)]
    for other, (typ, _), attrs in sides:
        if typ in _CALLS and other != phone and "Phone" in g.nodes[other][LABELS]:
            out[other].append(attrs.get("at"))
    return out


def _span(times: list[Any]) -> tuple[str | None, str | None]:
    known = [t for t in times if t is not None]
    return (min(known), max(known)) if known else (None, None)


def common_contacts(store: Store, *, a: str, b: str, limit: int = 100) -> list[CommonContact]:
    """Phones in contact with both ``a`` and ``b``.

    Parameters
    ----------
    a, b : str
        Two phone numbers (stored E.164 ids or any written form).
    limit : int
        At most this many phones (1 to 10000).

    Returns
    -------
    list of CommonContact
        ``{phone, a_calls, b_calls, first_at, last_at}``: contacts with ``a`` and with
        ``b``, and the first and last contact with either. Ordered by
        ``a_calls + b_calls`` descending, then phone. ``a`` and ``b`` themselves are
        never listed; empty when either is unknown.
    """
    check_range("limit", limit, 1, 10_000)
    a, b = _phone_id(a), _phone_id(b)
    if backend(store) == "neo4j":
        rows: list[CommonContact] = [
            {
                "phone": r["phone"],
                "a_calls": r["a_calls"],
                "b_calls": r["b_calls"],
                "first_at": r["first_at"],
                "last_at": r["last_at"],
            }
            for r in run(store, "common_contacts", a=a, b=b, limit=limit)
        ]
        return rows
    with reading(store) as g:
        with_a, with_b = _contacts(g, a), _contacts(g, b)
    out: list[CommonContact] = []
    for phone in with_a.keys() & with_b.keys() - {a, b}:
        first, last = _span(with_a[phone] + with_b[phone])
        out.append(
            {
                "phone": phone,
                "a_calls": len(with_a[phone]),
                "b_calls": len(with_b[phone]),
                "first_at": first,
                "last_at": last,
            }
        )
    out.sort(key=lambda c: (-(c["a_calls"] + c["b_calls"]), c["phone"]))
    return out[:limit]


def _cell(attrs: dict[str, Any]) -> tuple[str, str]:
    return str(attrs["cell_id"]), str(attrs.get("lac") or "")


def _cell_name(cell: tuple[str, str]) -> str:
    return f"{cell[1]}/{cell[0]}" if cell[1] else cell[0]


def _embedded_colocated(g: nx.MultiDiGraph, phone: str, seconds: int) -> list[ColocatedPhone]:
    mine: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for _, _, (typ, _), attrs in g.out_edges(phone, keys=True, data=True):
        if typ in _CALLS and attrs.get("cell_id") is not None and attrs.get("at") is not None:
            mine[_cell(attrs)].append(parse_ts(attrs["at"]))
    found: dict[str, dict[str, Any]] = {}
    cells = sorted({c[0] for c in mine})
    # Only the calls at those cells, through the store's index on the call's cell.
    at_cells = [r for typ in sorted(_CALLS) for r in g.rels_by_value(typ, "cell_id", cells)]
    for u, _, (_, rid), attrs in at_cells:
        if u == phone or attrs.get("cell_id") is None:
            continue
        cell, at = _cell(attrs), attrs.get("at")
        if cell not in mine or at is None or "Phone" not in g.nodes[u][LABELS]:
            continue
        t = parse_ts(at)
        if not any(abs((t - m).total_seconds()) <= seconds for m in mine[cell]):
            continue
        hit = found.setdefault(u, {"calls": set(), "cells": set(), "at": []})
        hit["calls"].add(rid)
        hit["cells"].add(_cell_name(cell))
        hit["at"].append(at)
    return [
        {
            "phone": p,
            "calls": len(h["calls"]),
            "cells": sorted(h["cells"]),
            "first_at": min(h["at"]),
            "last_at": max(h["at"]),
        }
        for p, h in found.items()
    ]


def colocated(
    store: Store, *, phone: str, window_minutes: int = 15, limit: int = 100
) -> list[ColocatedPhone]:
    """Other phones served by the same cell as ``phone`` within a time window.

    Parameters
    ----------
    phone : str
        A phone number (stored E.164 id or any written form).
    window_minutes : int
        How far before or after a call of ``phone`` another call counts (0 to 10080).
    limit : int
        At most this many phones (1 to 10000).

    Returns
    -------
    list of ColocatedPhone
        ``{phone, calls, cells, first_at, last_at}``: how many of the other phone's
        calls were in such a cell and window, those cells (``lac/cell_id``) sorted,
        and the first and last of those calls. Ordered by calls descending, then
        phone; empty when ``phone`` is unknown or its calls name no cell.
    """
    check_range("window_minutes", window_minutes, 0, 7 * 24 * 60)
    check_range("limit", limit, 1, 10_000)
    phone = _phone_id(phone)
    seconds = window_minutes * 60
    if backend(store) == "neo4j":
        out: list[ColocatedPhone] = [
            {
                "phone": r["phone"],
                "calls": r["calls"],
                "cells": sorted(r["cells"]),
                "first_at": r["first_at"],
                "last_at": r["last_at"],
            }
            for r in run(store, "colocated", phone=phone, seconds=seconds, limit=limit)
        ]
        return out
    with reading(store) as g:
        out = _embedded_colocated(g, phone, seconds) if phone in g else []
    out.sort(key=lambda c: (-c["calls"], c["phone"]))
    return out[:limit]
