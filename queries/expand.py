"""Likely further members of a ring, from communities around the known ones.

The subgraph: start from the members and the phones/accounts they USE/HOLD;
then ``hops`` times, walk every relationship of :data:`EXPAND_TYPES` from the
newest nodes and, at no extra hop, the USES/HOLDS of the nodes reached (so a
member's phone, the phone it called and that phone's user are one hop apart).
A node with more than ``max_degree`` such relationships is kept but not walked
from. Memberships, posts, agencies, sources, victims and witnesses are left out.

Both stores only fetch that subgraph (Neo4j through ``expand_level``); the rest
is computed in Python. A *tie* between two people/organizations of the subgraph
is a relationship between them, a CALLED between phones they use, a TRANSFERRED
between accounts they hold, a shared phone (``SHARED_PHONE``) or account
(``SHARED_ACCOUNT``), or a case both are ``SUSPECT_IN`` (``CO_SUSPECT``).
networkx ``louvain_communities(seed=seed)`` runs over the graph of people and
organizations joined by ties (nodes and edges added in sorted order, weight =
number of ties). Every Person or Organization that is neither a member nor an
Official, shares a community with a member and has at least one distinct tie
(type, member) to a member is a candidate, ranked by its number of such ties
(descending), then id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx

from graph.model import MODEL
from graph.store import Store
from queries._common import LABELS, backend, caption, check_range, incident, reading, run
from queries._types import MemberLink, RingCandidate, RingExpansion

__all__ = ["EXPAND_TYPES", "ring_expand"]

OWN_TYPES = MODEL.meaning("instrument")
#: what expansion walks: every tie between people, organisations, their instruments,
#: cases and events, except victims, witnesses, posts and ring membership itself
EXPAND_TYPES = tuple(
    sorted(
        MODEL.meaning(
            "money", "communication", "instrument", "kinship", "association", "employment",
            "control", "suspect", "case_duty", "event_leader", "event_target", "event_case",
        )
    )
)
SUSPECT = MODEL.meaning("suspect")
TIES = frozenset(MODEL.meaning("money", "communication"))
MEMBERSHIP = frozenset(MODEL.meaning("membership"))
#: (type, rel id, start, end, other, other labels)
Walked = tuple[str, str, str, str, str, tuple[str, ...]]
Fetch = Callable[[list[str], Sequence[str]], dict[str, list[Walked]]]


def _embedded_fetch(g: nx.MultiDiGraph, max_degree: int) -> Fetch:
    def fetch(frontier: list[str], types: Sequence[str]) -> dict[str, list[Walked]]:
        out: dict[str, list[Walked]] = {}
        for fid in frontier:
            rels = list(incident(g, fid, frozenset(types)))
            out[fid] = (
                []
                if len(rels) > max_degree
                else [(t, r, s, e, o, tuple(g.nodes[o][LABELS])) for t, r, s, e, o in rels]
            )
        return out

    return fetch


def _neo4j_fetch(store: Store, max_degree: int) -> Fetch:
    def fetch(frontier: list[str], types: Sequence[str]) -> dict[str, list[Walked]]:
        rows = run(
            store, "expand_level", frontier=frontier, types=list(types), max_degree=max_degree
        )
        return {
            r["id"]: [(t, i, s, e, o, tuple(lb)) for t, i, s, e, o, lb in r["rels"]] for r in rows
        }

    return fetch


def _walk(
    members: dict[str, tuple[str, ...]], hops: int, fetch: Fetch
) -> tuple[dict[str, set[str]], dict[tuple[str, str], tuple[str, str]]]:
    labels = {m: set(lb) for m, lb in members.items()}
    edges: dict[tuple[str, str], tuple[str, str]] = {}

    def step(nodes: list[str], types: Sequence[str]) -> list[str]:
        if not nodes:
            return []
        found = fetch(sorted(nodes), types)
        new: list[str] = []
        for nid in sorted(nodes):
            for t, rid, s, e, other, lb in found.get(nid, []):
                edges[(t, rid)] = (s, e)
                if other not in labels:
                    labels[other] = set(lb)
                    new.append(other)
        return new

    start = sorted(members)
    frontier = start + step(start, OWN_TYPES)
    for _ in range(hops):
        reached = step(frontier, EXPAND_TYPES)
        frontier = reached + step(reached, OWN_TYPES)
    return labels, edges


def _party_pairs(
    labels: dict[str, set[str]], edges: dict[tuple[str, str], tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """Ties between two people/organizations as ``(type, a, b)``, lifted over phones/accounts."""

    def party(x: str) -> bool:
        return bool(labels[x] & {"Person", "Organization"})

    owners: dict[str, set[str]] = {}
    cases: dict[str, set[str]] = {}
    for (t, _), (s, e) in sorted(edges.items()):
        if t in OWN_TYPES and party(s):
            owners.setdefault(e, set()).add(s)
        if t in SUSPECT:
            cases.setdefault(e, set()).add(s)
    pairs: list[tuple[str, str, str]] = []
    for (t, _), (s, e) in sorted(edges.items()):
        if t in TIES:
            pairs += [
                (t, a, b)
                for a in sorted(owners.get(s, ()))
                for b in sorted(owners.get(e, ()))
                if a != b
            ]
        elif t not in OWN_TYPES and party(s) and party(e) and s != e:
            pairs.append((t, s, e))
    for x, users in sorted(owners.items()):
        kind = "SHARED_PHONE" if "Phone" in labels[x] else "SHARED_ACCOUNT"
        pairs += [(kind, a, b) for a in sorted(users) for b in sorted(users) if a < b]
    for _, suspects in sorted(cases.items()):
        pairs += [("CO_SUSPECT", a, b) for a in sorted(suspects) for b in sorted(suspects) if a < b]
    return pairs


def _ties(pairs: list[tuple[str, str, str]], members: set[str]) -> dict[str, set[tuple[str, str]]]:
    ties: dict[str, set[tuple[str, str]]] = {}
    for t, a, b in pairs:
        for x, y in ((a, b), (b, a)):
            if y in members and x not in members:
                ties.setdefault(x, set()).add((t, y))
    return ties


def ring_expand(
    store: Store,
    *,
    ring_id: str,
    hops: int = 2,
    seed: int = 0,
    limit: int = 50,
    max_degree: int = 1000,
) -> RingExpansion:
    """Propose likely further members of a ring (see the module docstring).

    Parameters
    ----------
    ring_id : str
        A Ring.
    hops : int
        Walk depth, 1 to 3.
    seed : int
        Seed of ``louvain_communities``.
    limit : int
        At most this many candidates (1 to 1000).
    max_degree : int
        Nodes with more relationships than this are not walked from.

    Returns
    -------
    RingExpansion
        ``{ring_id, members, subgraph_nodes, subgraph_relationships, candidates}``;
        each candidate ``{id, labels, name, ties, links: [{type, member_id}], reason}``
        with ``links`` ordered by (type, member id) and ``reason`` such as
        ``"2 ties to members: CALLED with Budi, FAMILY with Sari"``.
    """
    check_range("hops", hops, 1, 3)
    check_range("limit", limit, 1, 1000)
    check_range("max_degree", max_degree, 1, 1_000_000)
    if backend(store) == "neo4j":
        members = {r["id"]: tuple(r["labels"]) for r in run(store, "ring_members", ring_id=ring_id)}
        labels, edges = _walk(members, hops, _neo4j_fetch(store, max_degree))
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
            labels, edges = _walk(members, hops, _embedded_fetch(g, max_degree))
    pairs = _party_pairs(labels, edges)
    weights: dict[tuple[str, str], int] = {}
    for _, a, b in pairs:
        pair = (min(a, b), max(a, b))
        weights[pair] = weights.get(pair, 0) + 1
    graph = nx.Graph()
    graph.add_nodes_from(sorted(n for n, lb in labels.items() if lb & {"Person", "Organization"}))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    near = {n for c in communities if c & set(members) for n in c}
    ties = _ties(pairs, set(members))
    chosen = sorted(
        (
            n
            for n in near
            if n in ties
            and n not in members
            and "Official" not in labels[n]
            and labels[n] & {"Person", "Organization"}
        ),
        key=lambda n: (-len(ties[n]), n),
    )[:limit]
    rows = store.get_nodes(sorted(set(chosen) | set(members)))
    names = {i: caption(r["labels"], r["props"]) or i for i, r in rows.items()}
    candidates: list[RingCandidate] = []
    for n in chosen:
        links: list[MemberLink] = [{"type": t, "member_id": m} for t, m in sorted(ties[n])]
        count = len(links)
        reason = f"{count} tie{'s' if count != 1 else ''} to members: " + ", ".join(
            f"{x['type']} with {names.get(x['member_id'], x['member_id'])}" for x in links
        )
        candidates.append(
            {
                "id": n,
                "labels": sorted(rows[n]["labels"]),
                "name": names[n],
                "ties": count,
                "links": links,
                "reason": reason,
            }
        )
    return {
        "ring_id": ring_id,
        "members": sorted(members),
        "subgraph_nodes": len(labels),
        "subgraph_relationships": len(edges),
        "candidates": candidates,
    }
