"""How one official is linked to a ring: paths grouped by kind.

A path runs from the official over relationships of the link types (either
direction, no node twice, at most ``max_hops``) to a *target*: a ring member
(``MEMBER_OF`` a Ring), a suspect (``SUSPECT_IN`` a Case), or an organization
that a ring member directs, sits on the board of, owns or works for
(``member_org``). Parallel relationships of one type between the same two nodes
make one hop (``parallel`` counts them).

Classification: a path's kind is the first of these whose types it contains:

1. ``money``: TRANSFERRED, HOLDS
2. ``family``: FAMILY, ASSOCIATE
3. ``phone``: USES, CALLED
4. ``case``: INVESTIGATES, SUPERVISES, SUSPECT_IN
5. ``organization``: DIRECTOR_OF, COMMISSIONER_OF, OWNER_OF, EMPLOYEE_OF, MEMBER_OF

Within a kind, paths are ordered by length, node ids, types; at most ``cap``
per kind are returned and ``counts`` gives the totals.
"""

from __future__ import annotations

import networkx as nx

from graph.model import MODEL
from graph.store import Store
from queries._common import (
    LABELS,
    backend,
    check_range,
    in_edges,
    incident,
    out_edges,
    reading,
    run,
)
from queries._types import LinkPath, OfficialLinks

__all__ = ["KINDS", "official_links"]

#: a path's kind from the types it runs through, first match wins (the model's meanings)
KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("money", frozenset(MODEL.meaning("money") + MODEL.instruments("money"))),
    ("family", frozenset(MODEL.meaning("kinship", "association"))),
    ("phone", frozenset(MODEL.meaning("communication") + MODEL.instruments("communication"))),
    ("case", frozenset(MODEL.meaning("case_duty", "suspect"))),
    ("organization", frozenset(MODEL.meaning("control", "employment", "membership"))),
)
LINK_TYPES = frozenset().union(*(t for _, t in KINDS))
ORG_TYPES = MODEL.meaning("control", "employment")
MEMBERSHIP = MODEL.meaning("membership")
SUSPECT = MODEL.meaning("suspect")
MAX_HOPS = 3
#: (nodes, types) -> (target roles, relationship ids per hop)
Found = dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[str], list[set[str]]]]


def kind_of(types: list[str]) -> str:
    """The kind of a path with these relationship types (see the module docstring)."""
    present = set(types)
    for kind, members in KINDS:
        if present & members:
            return kind
    return "organization"


def _roles(g: nx.MultiDiGraph, nid: str) -> list[str]:
    def is_member(x: str) -> bool:
        return any("Ring" in g.nodes[r][LABELS] for _, r, _ in out_edges(g, x, MEMBERSHIP))

    roles = []
    if is_member(nid):
        roles.append("member")
    if any("Case" in g.nodes[c][LABELS] for _, c, _ in out_edges(g, nid, SUSPECT)):
        roles.append("suspect")
    if "Organization" in g.nodes[nid][LABELS] and any(
        is_member(m) for t in ORG_TYPES for _, m, _ in in_edges(g, nid, t)
    ):
        roles.append("member_org")
    return roles


def _embedded(g: nx.MultiDiGraph, official: str, max_hops: int, max_degree: int) -> Found:
    found: Found = {}
    roles_cache: dict[str, list[str]] = {}

    def go(nodes: list[str], types: list[str], ids: list[set[str]]) -> None:
        end = nodes[-1]
        if types:
            roles = roles_cache.setdefault(end, _roles(g, end))
            if roles:
                found[(tuple(nodes), tuple(types))] = (roles, ids)
        if len(types) == max_hops:
            return
        if len(nodes) > 1 and g.in_degree(end) + g.out_degree(end) > max_degree:
            return  # a supernode ends a path, it is not passed through (as in the Cypher)
        groups: dict[tuple[str, str], set[str]] = {}
        for typ, rid, _, _, other in incident(g, end, LINK_TYPES):
            if other not in nodes:
                groups.setdefault((other, typ), set()).add(rid)
        for (other, typ), rids in groups.items():
            go([*nodes, other], [*types, typ], [*ids, rids])

    go([official], [], [])
    return found


def official_links(
    store: Store, *, id: str, max_hops: int = 3, cap: int = 200, max_degree: int = 1000
) -> OfficialLinks | None:
    """Paths from one official to ring members, suspects and ring organizations.

    Parameters
    ----------
    id : str
        An Official.
    max_hops : int
        Longest path, 1 to 3.
    cap : int
        Paths kept per kind (1 to 1000).
    max_degree : int
        A node with more relationships than this ends a path instead of being passed
        through (supernodes: call centres, shops).

    Returns
    -------
    OfficialLinks or None
        ``{official_id, paths: {kind: [LinkPath]}, counts: {kind: total}}`` with
        every kind present; ``None`` if ``id`` is not an Official.
    """
    check_range("max_hops", max_hops, 1, MAX_HOPS)
    check_range("cap", cap, 1, 1000)
    found: Found = {}
    if backend(store) == "neo4j":
        node = store.get_node(id)
        if node is None or "Official" not in node["labels"]:
            return None
        for r in run(store, "official_links", id=id, max_hops=max_hops, max_degree=max_degree):
            key = (tuple(r["nodes"]), tuple(t for t, _ in r["rels"]))
            roles, ids = found.setdefault(key, (sorted(r["roles"]), [set() for _ in r["rels"]]))
            for i, (_, rid) in enumerate(r["rels"]):
                ids[i].add(rid)
    else:
        with reading(store) as g:
            if id not in g or "Official" not in g.nodes[id][LABELS]:
                return None
            found = _embedded(g, id, max_hops, max_degree)
    order = {"member": 0, "suspect": 1, "member_org": 2}
    by_kind: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {k: [] for k, _ in KINDS}
    for key in found:
        by_kind[kind_of(list(key[1]))].append(key)
    counts = {k: len(v) for k, v in by_kind.items()}
    kept = {k: sorted(v, key=lambda x: (len(x[1]), x[0], x[1]))[:cap] for k, v in by_kind.items()}
    wanted = sorted(
        {
            (t, min(ids))
            for keys in kept.values()
            for key in keys
            for t, ids in zip(key[1], found[key][1], strict=True)
        }
    )
    rels = store.get_rels(wanted)
    out: dict[str, list[LinkPath]] = {}
    for kind, keys in kept.items():
        out[kind] = []
        for nodes, types in keys:
            roles, ids = found[(nodes, types)]
            out[kind].append(
                {
                    "target": nodes[-1],
                    "target_roles": sorted(roles, key=order.__getitem__),
                    "nodes": list(nodes),
                    "types": list(types),
                    "relationships": [rels[(t, min(x))] for t, x in zip(types, ids, strict=True)],
                    "parallel": [len(x) for x in ids],
                }
            )
    return {"official_id": id, "paths": out, "counts": counts}
