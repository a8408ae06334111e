"""Likely further members of a ring: a random walk with restart from the known ones.

**The subgraph.** Start from the members and the phones/accounts they USE/HOLD;
then ``hops`` times, walk every relationship of :data:`EXPAND_TYPES` from the
newest nodes and, at no extra hop, the USES/HOLDS of the nodes reached (so a
member's phone, the phone it called and that phone's user are one hop apart).
A node with more than ``max_degree`` such relationships (a top-up shop's phone,
a call centre, a payroll account) is kept but not walked from, so the cost is
bounded by the members' neighbourhood, not by the hubs'; and no further hop is
taken once the subgraph holds more than ``max_nodes`` nodes (``hops`` in the result
says how many were walked). The nodes of the last frontier are asked only for their
degree. Both stores fetch exactly that
(Neo4j through ``expand_level``); everything else is computed here in Python.

**Ties.** Between two people/organizations of the subgraph, counted by kind:
``CALLED`` (one per call between phones they use), ``TRANSFERRED`` (one per
transfer between accounts they hold, amounts summed per currency), a direct
relationship (``FAMILY``, ``ASSOCIATE``, ``EMPLOYEE_OF``, ``DIRECTOR_OF`` …),
``SHARED_PHONE``/``SHARED_ACCOUNT``, ``CO_SUSPECT`` (one per case both are
suspects in), ``CO_EVENT`` (one per event both led or were targets of) and
``CASE_DUTY`` (an official investigating or supervising a case of the other).
A pair's weight is :func:`tie_weight`: per kind, ``KIND_WEIGHT × (1 + ln count)``
(recorded relationships weigh 2, each contact 1; repetition counts, with
diminishing returns).

**Score.** :func:`walk_scores`: a random walk with restart (personalised PageRank)
from the members, restart probability :data:`RESTART`, on the weighted tie graph.
A node's out-weight includes what it has *outside* the subgraph (its relationships
and its instruments' calls/transfers that the walk did not fetch), so a hub leaks
the walk away instead of bouncing it back; the final score is the visit
probability divided by ``weighted degree ** BETA``, so hubs sink. Members are
excluded, victims (``VICTIM_IN`` any case) are never candidates, officials are
scored the same way and returned as their own list. Ranking: score, then id.
``bench/expansion.py`` measures this function against direct ties, common
neighbours and personalised PageRank on labelled real networks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from graph.model import MODEL
from graph.store import Store
from queries._common import LABELS, backend, caption, check_range, incident, reading, run
from queries._types import RingCandidate, RingExpansion, TieEvidence

__all__ = [
    "BETA",
    "EXPAND_TYPES",
    "KIND_WEIGHT",
    "RESTART",
    "ring_expand",
    "tie_weight",
    "walk_scores",
]

OWN_TYPES = MODEL.meaning("instrument")
#: what expansion walks: every tie between people, organisations, their instruments,
#: cases and events, except victims, witnesses, posts and ring membership itself
EXPAND_TYPES = tuple(
    sorted(
        MODEL.meaning(
            "money",
            "communication",
            "instrument",
            "kinship",
            "association",
            "employment",
            "control",
            "suspect",
            "case_duty",
            "event_leader",
            "event_target",
            "event_case",
        )
    )
)
SUSPECT = frozenset(MODEL.meaning("suspect"))
CASE_DUTY = frozenset(MODEL.meaning("case_duty"))
AT_EVENT = frozenset(MODEL.meaning("event_leader", "event_target"))
VICTIM = tuple(MODEL.meaning("victim"))
MONEY = frozenset(MODEL.meaning("money"))
TIES = frozenset(MODEL.meaning("money", "communication"))
MEMBERSHIP = frozenset(MODEL.meaning("membership"))
PARTY = frozenset({"Person", "Organization"})
#: whose degree counts towards a party's weight outside the subgraph (see _leak)
COUNTED = PARTY | {"Phone", "Account"}

#: weight of one tie of a kind; recorded relationships count more than one contact
KIND_WEIGHT: Mapping[str, float] = {
    **{t: 1.0 for t in sorted(TIES)},  # a call, a transfer (the model's types of each)
    "CO_EVENT": 1.0,
    "CASE_DUTY": 1.0,
    "CO_SUSPECT": 2.0,
    "SHARED_PHONE": 2.0,
    "SHARED_ACCOUNT": 2.0,
}
DEFAULT_KIND_WEIGHT = 2.0  # FAMILY, ASSOCIATE, EMPLOYEE_OF, DIRECTOR_OF, OWNER_OF …
#: restart probability of the walk (about 3 steps on average: the hop bound)
RESTART = 0.3
#: score = visit probability / weighted degree ** BETA (0: raw PageRank, 1: per unit of degree)
BETA = 0.5

#: (type, rel id, start, end, other, other labels, amount, currency)
Walked = tuple[str, str, str, str, str, tuple[str, ...], Any, Any]
#: frontier, types, max_degree -> {id: (degree, relationships unless over max_degree)}
Fetch = Callable[[list[str], Sequence[str], int], dict[str, tuple[int, list[Walked]]]]
Pair = tuple[str, str]


# -- the scoring core (also what bench/expansion.py measures) --------------------------------
def tie_weight(counts: Mapping[str, int]) -> float:
    """The weight of a pair's ties: per kind ``KIND_WEIGHT × (1 + ln count)``.

    >>> tie_weight({"CALLED": 1})
    1.0
    >>> round(tie_weight({"CALLED": 10, "FAMILY": 1}), 3)
    5.303
    """
    return sum(
        KIND_WEIGHT.get(k, DEFAULT_KIND_WEIGHT) * (1.0 + math.log(n))
        for k, n in sorted(counts.items())
        if n > 0
    )


def walk_scores(
    weights: Mapping[Pair, float],
    seeds: Collection[str],
    *,
    leak: Mapping[str, float] | None = None,
    restart: float = RESTART,
    beta: float = BETA,
    tolerance: float = 1e-10,
    max_iterations: int = 200,
) -> dict[str, float]:
    """Random walk with restart from ``seeds``, degree-normalised.

    Parameters
    ----------
    weights : mapping
        ``{(a, b): weight}`` of an undirected graph (each pair once, either order).
    seeds : collection of str
        Where the walk starts and restarts, uniformly.
    leak : mapping, optional
        Extra out-weight per node towards nodes outside ``weights`` (lost mass).
    restart : float
        Probability of jumping back to the seeds at each step.
    beta : float
        Score = visit probability / weighted degree ** beta.

    Returns
    -------
    dict
        Every node the walk reaches (seeds included) with its score; deterministic
        (sums taken in sorted order).

    Examples
    --------
    >>> s = walk_scores({("a", "b"): 1.0, ("b", "c"): 1.0, ("a", "d"): 1.0}, ["a"])
    >>> s["b"] > s["c"] and s["d"] > s["c"]
    True
    """
    adj: dict[str, list[tuple[str, float]]] = {s: [] for s in seeds}
    for (a, b), w in sorted(weights.items()):
        if a != b and w > 0:
            adj.setdefault(a, []).append((b, w))
            adj.setdefault(b, []).append((a, w))
    extra = leak or {}
    nodes = sorted(adj)
    index = {n: i for i, n in enumerate(nodes)}
    degree = [sum(w for _, w in adj[n]) + max(0.0, extra.get(n, 0.0)) for n in nodes]
    # each node's share of its out-weight per neighbour: the walk's transition matrix
    moves = [
        [(index[b], w / degree[i]) for b, w in adj[n]] if degree[i] else []
        for i, n in enumerate(nodes)
    ]
    start = [0.0] * len(nodes)
    for s in seeds:
        start[index[s]] = 1.0 / len(seeds)
    x = list(start)
    for _ in range(max_iterations):
        nxt = [restart * v for v in start]
        for i, mass in enumerate(x):
            if mass:
                step = (1.0 - restart) * mass
                for j, p in moves[i]:
                    nxt[j] += step * p
        change = sum(abs(a - b) for a, b in zip(nxt, x, strict=True))
        x = nxt
        if change < tolerance:
            break
    return {
        n: x[i] / (degree[i] ** beta if degree[i] else 1.0) for i, n in enumerate(nodes) if x[i] > 0
    }


# -- fetching the subgraph -------------------------------------------------------------------
def _embedded_fetch(store: Store) -> Fetch:
    def fetch(
        frontier: list[str], types: Sequence[str], cap: int
    ) -> dict[str, tuple[int, list[Walked]]]:
        out: dict[str, tuple[int, list[Walked]]] = {}
        wanted = frozenset(types)
        with reading(store) as g:
            for fid in frontier:
                if fid not in g:
                    continue
                rels = list(incident(g, fid, wanted))
                out[fid] = (
                    len(rels),
                    []
                    if len(rels) > cap
                    else [
                        (
                            t,
                            r,
                            s,
                            e,
                            o,
                            tuple(g.nodes[o][LABELS]),
                            g.edges[s, e, (t, r)].get("amount"),
                            g.edges[s, e, (t, r)].get("currency"),
                        )
                        for t, r, s, e, o in rels
                    ],
                )
        return out

    return fetch


def _neo4j_fetch(store: Store) -> Fetch:
    def fetch(
        frontier: list[str], types: Sequence[str], cap: int
    ) -> dict[str, tuple[int, list[Walked]]]:
        rows = run(store, "expand_level", frontier=frontier, types=list(types), max_degree=cap)
        return {
            r["id"]: (
                int(r["degree"]),
                [(t, i, s, e, o, tuple(lb), a, c) for t, i, s, e, o, lb, a, c in r["rels"]],
            )
            for r in rows
        }

    return fetch


class _Subgraph:
    """What the walk fetched: labels, relationships and degrees of the nodes."""

    def __init__(self, members: Mapping[str, Iterable[str]]) -> None:
        self.labels: dict[str, set[str]] = {m: set(lb) for m, lb in members.items()}
        self.edges: dict[tuple[str, str], tuple[str, str, Any, Any]] = {}
        self.degree: dict[str, int] = {}
        self.victims: set[str] = set()
        self.hops = 0

    def party(self, x: str) -> bool:
        return bool(self.labels[x] & PARTY)


def _walk(
    members: Mapping[str, Iterable[str]], hops: int, cap: int, budget: int, fetch: Fetch
) -> _Subgraph:
    sub = _Subgraph(members)

    def step(nodes: list[str], types: Sequence[str]) -> list[str]:
        if not nodes:
            return []
        found = fetch(sorted(nodes), types, cap)
        new: list[str] = []
        for nid in sorted(nodes):
            degree, rels = found.get(nid, (0, []))
            if types is EXPAND_TYPES:
                sub.degree[nid] = degree
            for t, rid, s, e, other, lb, amount, currency in rels:
                sub.edges[(t, rid)] = (s, e, amount, currency)
                if other not in sub.labels:
                    sub.labels[other] = set(lb)
                    new.append(other)
        return new

    start = sorted(members)
    frontier = start + step(start, OWN_TYPES)
    for _ in range(hops):
        if sub.hops and len(sub.labels) > budget:
            break  # bounded by cost: no further hop from a neighbourhood this large
        reached = step(frontier, EXPAND_TYPES)
        frontier = reached + step(reached, OWN_TYPES)
        sub.hops += 1
    last = sorted(n for n in frontier if n not in sub.degree and sub.labels[n] & COUNTED)
    if last:  # degrees only: what the boundary's parties and instruments have outside
        for nid, (degree, _) in fetch(last, EXPAND_TYPES, 0).items():
            sub.degree[nid] = degree
    parties = sorted(n for n in sub.labels if sub.party(n) and n not in members)
    if parties:
        sub.victims = {n for n, (d, _) in fetch(parties, VICTIM, 0).items() if d > 0}
    return sub


# -- ties ------------------------------------------------------------------------------------
class _Ties:
    """Counts by kind and amounts by currency for each pair of parties."""

    def __init__(self) -> None:
        self.counts: dict[Pair, dict[str, int]] = {}
        self.amounts: dict[Pair, dict[str, float]] = {}

    def add(self, kind: str, a: str, b: str, amount: Any = None, currency: Any = None) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        kinds = self.counts.setdefault(pair, {})
        kinds[kind] = kinds.get(kind, 0) + 1
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            money = self.amounts.setdefault(pair, {})
            cur = str(currency or "IDR")
            money[cur] = money.get(cur, 0.0) + float(amount)


def _ties(sub: _Subgraph) -> tuple[_Ties, dict[str, set[str]]]:
    """The ties between parties, and each party's instruments."""
    owners: dict[str, set[str]] = {}
    owned: dict[str, set[str]] = {}
    groups: dict[tuple[str, str], set[str]] = {}  # (kind, case/event) -> parties
    for (t, _), (s, e, _, _) in sorted(sub.edges.items()):
        if t in OWN_TYPES and sub.party(s):
            owners.setdefault(e, set()).add(s)
            owned.setdefault(s, set()).add(e)
        elif t in SUSPECT and sub.party(s):
            groups.setdefault(("CO_SUSPECT", e), set()).add(s)
        elif t in AT_EVENT and sub.party(s):
            groups.setdefault(("CO_EVENT", e), set()).add(s)
    ties = _Ties()
    for (t, _), (s, e, amount, currency) in sorted(sub.edges.items()):
        if t in TIES:
            for a in sorted(owners.get(s, ())):
                for b in sorted(owners.get(e, ())):
                    ties.add(t, a, b, *((amount, currency) if t in MONEY else ()))
        elif t in CASE_DUTY:
            for b in sorted(groups.get(("CO_SUSPECT", e), ())):
                ties.add("CASE_DUTY", s, b)
        elif t not in OWN_TYPES and sub.party(s) and sub.party(e):
            ties.add(t, s, e)
    for x, users in sorted(owners.items()):
        kind = "SHARED_PHONE" if "Phone" in sub.labels[x] else "SHARED_ACCOUNT"
        for a in sorted(users):
            for b in sorted(users):
                if a < b:
                    ties.add(kind, a, b)
    for (kind, _), parties in sorted(groups.items()):
        for a in sorted(parties):
            for b in sorted(parties):
                if a < b:
                    ties.add(kind, a, b)
    return ties, owned


def _leak(sub: _Subgraph, ties: _Ties, owned: Mapping[str, set[str]]) -> dict[str, float]:
    """Weight each party has outside the subgraph: its relationships and its instruments'
    calls/transfers not counted among its ties, at the mean weight of one counted tie."""
    inside_count: dict[str, int] = {}
    inside_weight: dict[str, float] = {}
    for (a, b), kinds in sorted(ties.counts.items()):
        n, w = sum(kinds.values()), tie_weight(kinds)
        for x in (a, b):
            inside_count[x] = inside_count.get(x, 0) + n
            inside_weight[x] = inside_weight.get(x, 0.0) + w
    leak: dict[str, float] = {}
    for x, n in sorted(inside_count.items()):
        instruments = sorted(owned.get(x, ()))
        total = sub.degree.get(x, 0) - len(instruments)
        total += sum(max(0, sub.degree.get(i, 0) - 1) for i in instruments)
        if total > n:
            leak[x] = (total - n) * inside_weight[x] / n
    return leak


# -- the query -------------------------------------------------------------------------------
def ring_expand(
    store: Store,
    *,
    ring_id: str,
    hops: int = 2,
    seed: int = 0,
    limit: int = 50,
    max_degree: int = 500,
    max_nodes: int = 1500,
) -> RingExpansion:
    """Propose likely further members of a ring, and the officials near it.

    Parameters
    ----------
    ring_id : str
        A Ring.
    hops : int
        Walk depth, 1 to 3.
    seed : int
        Kept for callers of the former community method; the walk is not random.
    limit : int
        At most this many candidates, and this many officials (1 to 1000).
    max_degree : int
        Nodes with more relationships than this are kept but not walked from.
    max_nodes : int
        No further hop once the subgraph holds more nodes than this (the walk's cost
        bound: a ring in a dense neighbourhood is expanded fewer than ``hops`` hops).

    Returns
    -------
    RingExpansion
        ``{ring_id, members, hops, subgraph_nodes, subgraph_relationships, candidates,
        officials}`` (``hops``: the hops walked); each candidate/official ``{id,
        labels, name, score, evidence}`` with ``score`` relative to the best candidate
        or official (1.0) and ``evidence`` its direct ties to members: ``[{member,
        name, counts: {kind: n}, amounts: {currency: total}}]`` by member id.
    """
    del seed
    check_range("hops", hops, 1, 3)
    check_range("limit", limit, 1, 1000)
    check_range("max_degree", max_degree, 1, 1_000_000)
    check_range("max_nodes", max_nodes, 1, 1_000_000)
    if backend(store) == "neo4j":
        members = {r["id"]: tuple(r["labels"]) for r in run(store, "ring_members", ring_id=ring_id)}
        fetch = _neo4j_fetch(store)
    else:
        with reading(store) as g:
            members = (
                {}
                if ring_id not in g
                else {
                    u: tuple(g.nodes[u][LABELS])
                    for u, _, k in g.in_edges(ring_id, keys=True)
                    if k[0] in MEMBERSHIP
                }
            )
        fetch = _embedded_fetch(store)
    sub = _walk(members, hops, max_degree, max_nodes, fetch)
    ties, owned = _ties(sub)
    weights = {pair: tie_weight(kinds) for pair, kinds in sorted(ties.counts.items())}
    scores = walk_scores(weights, sorted(members), leak=_leak(sub, ties, owned))

    def ranked(official: bool) -> list[str]:
        found = [
            n
            for n, s in scores.items()
            if s > 0
            and n not in members
            and n not in sub.victims
            and sub.party(n)
            and ("Official" in sub.labels[n]) == official
        ]
        return sorted(found, key=lambda n: (-scores[n], n))[:limit]

    chosen, officials = ranked(False), ranked(True)
    rows = store.get_nodes(sorted(set(chosen) | set(officials) | set(members)))
    names = {i: caption(r["labels"], r["props"]) for i, r in rows.items()}
    top = max((scores[n] for n in chosen + officials), default=1.0)

    def row(n: str) -> RingCandidate:
        evidence: list[TieEvidence] = []
        for m in sorted(members):
            pair = (n, m) if n < m else (m, n)
            if pair in ties.counts:
                evidence.append(
                    {
                        "member": m,
                        "name": names.get(m),
                        "counts": dict(sorted(ties.counts[pair].items())),
                        "amounts": dict(sorted(ties.amounts.get(pair, {}).items())),
                    }
                )
        return {
            "id": n,
            "labels": sorted(rows[n]["labels"]) if n in rows else sorted(sub.labels[n]),
            "name": names.get(n),
            "score": round(scores[n] / top, 4),
            "evidence": evidence,
        }

    return {
        "ring_id": ring_id,
        "members": sorted(members),
        "hops": sub.hops,
        "subgraph_nodes": len(sub.labels),
        "subgraph_relationships": len(sub.edges),
        "candidates": [row(n) for n in chosen],
        "officials": [row(n) for n in officials],
    }
