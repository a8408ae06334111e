"""Cases of a ring that were stopped or left to stall, and who handled them.

A case of the ring is one in which a ring member is ``SUSPECT_IN``. It is
*interfered* when its status is ``sp3`` (reason ``sp3``), or ``lidik``/``sidik``
with ``opened_at`` before ``as_of - stalled_days`` (reason ``stalled``; a case
without ``opened_at`` is never stalled). Cases that ended ``p21`` or ``vonis``
are the *counterweight*. Cases are ordered by ``opened_at`` (missing first),
then id; officials by id; ties by (suspect, kind, at, relationship id).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx

from graph.errors import QueryError
from graph.model import MODEL
from graph.store import Store
from queries._common import (
    LABELS,
    backend,
    in_edges,
    incident,
    iso,
    out_edges,
    parse_ts,
    reading,
    run,
)
from queries._types import CaseInterference, CaseItem, CaseOfficial, Tie

__all__ = ["case_interference"]

_OPEN = ("lidik", "sidik")
MEMBERSHIP = MODEL.meaning("membership")
SUSPECT = MODEL.meaning("suspect")
DUTIES = MODEL.meaning("case_duty")
CLOSE = frozenset(MODEL.meaning("kinship", "association"))
_DONE = ("p21", "vonis")



def _currency(attrs: dict[str, Any]) -> str | None:
    """A transfer's currency, IDR when none was named (None without an amount)."""
    return None if attrs.get("amount") is None else str(attrs.get("currency") or "IDR")

def _ring_cases_embedded(g: nx.MultiDiGraph, ring_id: str) -> list[dict[str, Any]]:
    cases: dict[str, set[str]] = {}
    for _, m, _ in in_edges(g, ring_id, MEMBERSHIP):
        for _, c, _ in out_edges(g, m, SUSPECT):
            if "Case" in g.nodes[c][LABELS]:
                cases.setdefault(c, set()).add(m)
    rows = []
    for c, members in cases.items():
        a = g.nodes[c]
        rows.append(
            {
                "case_id": c,
                "title": a.get("title"),
                "status": a.get("status"),
                "opened_at": a.get("opened_at"),
                "status_at": a.get("status_at"),
                "member_suspects": sorted(members),
                "suspects": sorted({s for _, s, _ in in_edges(g, c, SUSPECT)}),
                "officials": sorted(
                    {
                        (o, t)
                        for t in DUTIES
                        for _, o, _ in in_edges(g, c, t)
                    }
                ),
            }
        )
    return rows


def _ties_embedded(g: nx.MultiDiGraph, official: str, suspect: str) -> list[Tie]:
    out: list[Tie] = []
    for via, kind, rel_types in (
        (MODEL.instruments("communication"), "call", MODEL.meaning("communication")),
        (MODEL.instruments("money"), "transfer", MODEL.meaning("money")),
    ):
        mine = {x for _, x, _ in out_edges(g, official, via)}
        theirs = {x for _, x, _ in out_edges(g, suspect, via)}
        for x in mine:
            for typ, rid, s, e, other in incident(g, x, frozenset(rel_types)):
                if other in theirs:
                    attrs = g.edges[s, e, (typ, rid)]
                    out.append(
                        {
                            "kind": kind,
                            "suspect_id": suspect,
                            "rel_type": typ,
                            "rel_id": rid,
                            "at": attrs.get("at"),
                            "amount": attrs.get("amount") if kind == "transfer" else None,
                            "currency": _currency(attrs) if kind == "transfer" else None,
                        }
                    )
    for typ, rid, _, _, other in incident(g, official, CLOSE):
        if other == suspect:
            out.append(
                {
                    "kind": typ.lower(),
                    "suspect_id": suspect,
                    "rel_type": typ,
                    "rel_id": rid,
                    "at": None,
                    "amount": None,
                    "currency": None,
                }
            )
    return out


def _tie_key(t: Tie) -> tuple[str, str, str, str]:
    return (t["suspect_id"], t["kind"], t["at"] or "", t["rel_id"])


def _case_key(c: CaseItem) -> tuple[str, str]:
    return (c["opened_at"] or "", c["case_id"])


def case_interference(
    store: Store, *, ring_id: str, stalled_days: int = 365, as_of: str | None = None
) -> CaseInterference:
    """The ring's stopped or stalled cases, their officials and those officials' ties.

    Parameters
    ----------
    ring_id : str
        A Ring.
    stalled_days : int
        An open case (``lidik``/``sidik``) older than this is stalled.
    as_of : str, optional
        ISO timestamp the age is measured at; default now (UTC).

    Returns
    -------
    CaseInterference
        ``{ring_id, as_of, cutoff, interfered: [CaseItem], counterweight: [CaseItem]}``.
        Each ``CaseItem`` lists the officials who investigate or supervise it, each
        with their ties (calls between their phones, transfers between their
        accounts, FAMILY/ASSOCIATE) to every suspect of that case.
    """
    if stalled_days < 0:
        raise QueryError("stalled_days must be >= 0")
    now = parse_ts(as_of) if as_of is not None else datetime.now(UTC)
    cutoff = iso(now - timedelta(days=stalled_days))
    if backend(store) == "neo4j":
        rows = run(store, "ring_cases", ring_id=ring_id)
        for r in rows:
            r["officials"] = sorted((o, t) for o, t in r["officials"])
    else:
        with reading(store) as g:
            rows = _ring_cases_embedded(g, ring_id) if ring_id in g else []
    kept: list[tuple[str, dict[str, Any]]] = []
    for r in rows:
        status, opened = r["status"], r["opened_at"]
        if status == "sp3":
            kept.append(("sp3", r))
        elif status in _OPEN and opened is not None and opened < cutoff:
            kept.append(("stalled", r))
        elif status in _DONE:
            kept.append((status, r))
    pairs = sorted(
        {(o, s) for _, r in kept for o, _ in r["officials"] for s in r["suspects"] if o != s}
    )
    ties: dict[tuple[str, str], list[Tie]] = {}
    if backend(store) == "neo4j":
        found = run(store, "official_suspect_ties", pairs=[list(p) for p in pairs])
        for t in found:
            ties.setdefault((t["official_id"], t["suspect_id"]), []).append(
                {
                    "kind": t["kind"],
                    "suspect_id": t["suspect_id"],
                    "rel_type": t["rel_type"],
                    "rel_id": t["rel_id"],
                    "at": t["at"],
                    "amount": t["amount"],
                    "currency": t["currency"],
                }
            )
    else:
        with reading(store) as g:
            for o, s in pairs:
                ties[(o, s)] = _ties_embedded(g, o, s)
    result: CaseInterference = {
        "ring_id": ring_id,
        "as_of": iso(now),
        "cutoff": cutoff,
        "interfered": [],
        "counterweight": [],
    }
    for reason, r in kept:
        officials: list[CaseOfficial] = []
        for oid in sorted({o for o, _ in r["officials"]}):
            mine = {
                (t["suspect_id"], t["kind"], t["rel_type"], t["rel_id"]): t
                for s in r["suspects"]
                for t in ties.get((oid, s), [])
            }
            officials.append(
                {
                    "official_id": oid,
                    "roles": sorted({t for o, t in r["officials"] if o == oid}),
                    "ties": sorted(mine.values(), key=_tie_key),
                }
            )
        item: CaseItem = {
            "case_id": r["case_id"],
            "title": r["title"],
            "status": r["status"],
            "opened_at": r["opened_at"],
            "status_at": r["status_at"],
            "reason": reason,
            "suspects": sorted(r["suspects"]),
            "member_suspects": sorted(r["member_suspects"]),
            "officials": officials,
        }
        result["counterweight" if reason in _DONE else "interfered"].append(item)
    result["interfered"].sort(key=_case_key)
    result["counterweight"].sort(key=_case_key)
    return result
