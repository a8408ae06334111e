"""The ring's neighbourhood, extracted once into one networkx graph.

Both stores answer the same two primitives (the degree of a set of nodes over
some relationship types, and the relationships themselves), so the graph handed
to the indicators is identical on Neo4j and on the embedded store by
construction. Expansion is bounded: a node with more relationships of the
expanded types than the cap (a call centre, a payroll account) is not expanded,
and is recorded in the graph attribute ``capped``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from typing import Any

import networkx as nx

from graph_api.model import ENTITY_LABEL
from graph_api.store import Store
from queries._common import LABELS, RID, TYPE, backend, reading
from queries._loader import NamedQuery, load

BOARD = ("DIRECTOR_OF", "OWNER_OF", "COMMISSIONER_OF")
ORG_TIES = (*BOARD, "EMPLOYEE_OF")
KIN = ("FAMILY", "ASSOCIATE")
Row = tuple[str, str, str, str, dict[str, Any], str, frozenset[str], dict[str, Any]]


@functools.cache
def _queries() -> dict[str, NamedQuery]:
    text = resources.files("queries.protectors").joinpath("extract.cypher").read_text("utf-8")
    return load([("queries/protectors/extract.cypher", text)])


def _run(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    q = _queries()[name]
    return store.run(q.text, params)  # type: ignore[attr-defined, no-any-return]


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (list(v) if isinstance(v, list | tuple) else v) for k, v in props.items() if k != "id"
    }


class Extractor:
    """Runs the two primitives against one store and collects the result graph."""

    def __init__(self, store: Store, cap: int) -> None:
        self.store, self.cap = store, cap
        self.neo4j = backend(store) == "neo4j"
        self.h: nx.MultiDiGraph = nx.MultiDiGraph()
        self.h.graph["capped"] = []

    # -- primitives ----------------------------------------------------------
    def _degrees(self, ids: list[str], types: tuple[str, ...], direction: str) -> dict[str, int]:
        if self.neo4j:
            rows = _run(
                self.store, "protectors_degree", ids=ids, types=list(types), direction=direction
            )
            return {r["id"]: int(r["deg"]) for r in rows}
        out: dict[str, int] = {}
        with reading(self.store) as g:
            for nid in ids:
                if nid not in g:
                    continue
                d = 0
                if direction in ("out", "both"):
                    d += sum(1 for _, _, k in g.out_edges(nid, keys=True) if k[0] in types)
                if direction in ("in", "both"):
                    d += sum(1 for _, _, k in g.in_edges(nid, keys=True) if k[0] in types)
                out[nid] = d
        return out

    def _rows(self, ids: list[str], types: tuple[str, ...], direction: str) -> list[Row]:
        rows: list[Row] = []
        if self.neo4j:
            for r in _run(
                self.store, "protectors_expand", ids=ids, types=list(types), direction=direction
            ):
                labels = frozenset(lb for lb in r["mlabels"] if lb != ENTITY_LABEL)
                rows.append(
                    (
                        r["rid"],
                        r["type"],
                        r["start"],
                        r["end"],
                        _clean(r["rprops"]),
                        r["mid"],
                        labels,
                        _clean(r["mprops"]),
                    )
                )
            return rows
        with reading(self.store) as g:
            for nid in ids:
                if nid not in g:
                    continue
                edges: list[tuple[str, str, tuple[str, str], str]] = []
                if direction in ("out", "both"):
                    edges += [
                        (u, v, k, v) for u, v, k in g.out_edges(nid, keys=True) if k[0] in types
                    ]
                if direction in ("in", "both"):
                    edges += [
                        (u, v, k, u) for u, v, k in g.in_edges(nid, keys=True) if k[0] in types
                    ]
                for u, v, k, m in edges:
                    attrs = g.edges[u, v, k]
                    props = _clean({a: b for a, b in attrs.items() if a not in (TYPE, RID)})
                    mattrs = g.nodes[m]
                    mprops = _clean({a: b for a, b in mattrs.items() if a != LABELS})
                    rows.append((k[1], k[0], u, v, props, m, mattrs[LABELS], mprops))
        return rows

    # -- building ------------------------------------------------------------
    def seed(self, ids: Iterable[str]) -> None:
        for nid, row in sorted(self.store.get_nodes(sorted(set(ids))).items()):
            props = _clean(row["props"])
            self.h.add_node(nid, **props, **{LABELS: frozenset(row["labels"])})

    def expand(
        self, ids: Iterable[str], types: tuple[str, ...], direction: str, cap: int | None = None
    ) -> set[str]:
        """Add the relationships; return the ids of the nodes at their other ends."""
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        limit = self.cap if cap is None else cap
        degrees = self._degrees(wanted, types, direction)
        keep = [n for n in wanted if 0 < degrees.get(n, 0) <= limit]
        self.h.graph["capped"].extend(sorted(n for n in wanted if degrees.get(n, 0) > limit))
        found: set[str] = set()
        for rid, typ, start, end, props, mid, labels, mprops in sorted(
            self._rows(keep, types, direction), key=lambda r: (r[1], r[0], r[5])
        ):
            for nid in (start, end):
                if nid == mid and nid not in self.h:
                    self.h.add_node(nid, **mprops, **{LABELS: labels})
            if start in self.h and end in self.h:
                self.h.add_edge(start, end, key=(typ, rid), **props, **{TYPE: typ, RID: rid})
            found.add(mid)
        return found


def having(h: nx.MultiDiGraph, ids: Iterable[str], label: str) -> set[str]:
    return {n for n in ids if n in h and label in h.nodes[n][LABELS]}


def neighbourhood(
    store: Store, ring_id: str, *, cap: int = 2000, kin_cap: int = 60
) -> nx.MultiDiGraph:
    """The ring, its members, their means, cases, events and every official near them.

    Steps (each a bounded expansion): members; their phones, accounts, organizations,
    kin, cases, raids and recruits; the ring organizations' accounts, phones, boards;
    the cases' and events' officials; every call and transfer of a ring phone or
    account and who is at the other end; one more transfer hop out of organizations
    paid by the ring (layering); the kin of every person found; the posts of every
    official found; and the total call count of every phone found outside the ring.
    """
    x = Extractor(store, cap)
    x.seed([ring_id])
    h = x.h
    if ring_id not in h or "Ring" not in h.nodes[ring_id][LABELS]:
        return h
    members = x.expand([ring_id], ("MEMBER_OF",), "in")
    reached = x.expand(
        members, ("USES", "HOLDS", *ORG_TIES, "SUSPECT_IN", "TARGET_OF", "RECRUITED"), "out"
    )
    x.expand(members, KIN, "both", kin_cap)
    orgs = having(h, members, "Organization") | {
        v
        for m in members
        for _, v, k in h.out_edges(m, keys=True)
        if k[0] in BOARD and "Organization" in h.nodes[v][LABELS]
    }
    x.expand(orgs, ("HOLDS", "USES", "TARGET_OF"), "out")
    x.expand(orgs, ORG_TIES, "in")
    cases = having(h, reached, "Case")
    x.expand(cases, ("INVESTIGATES", "SUPERVISES", "SUSPECT_IN", "ABOUT", "VICTIM_IN"), "in")
    events = having(h, h.nodes, "Event")
    x.expand(events, ("LED", "TARGET_OF"), "in")
    side = members | orgs
    phones = {
        v
        for s in side
        for _, v, k in h.out_edges(s, keys=True)
        if k[0] == "USES" and "Phone" in h.nodes[v][LABELS]
    }
    accounts = {
        v
        for s in side
        for _, v, k in h.out_edges(s, keys=True)
        if k[0] == "HOLDS" and "Account" in h.nodes[v][LABELS]
    }
    other_phones = x.expand(phones, ("CALLED",), "both") - phones
    other_accounts = x.expand(accounts, ("TRANSFERRED",), "both") - accounts
    x.expand(other_phones, ("USES",), "in", 20)
    x.expand(other_accounts, ("HOLDS",), "in", 20)
    middlemen = {
        a
        for a in other_accounts
        if any(
            "Organization" in h.nodes[p][LABELS]
            for p, _, k in h.in_edges(a, keys=True)
            if k[0] == "HOLDS"
        )
        and any(u in accounts for u, _, k in h.in_edges(a, keys=True) if k[0] == "TRANSFERRED")
    }
    layered = x.expand(middlemen, ("TRANSFERRED",), "out") - accounts - other_accounts
    x.expand(layered, ("HOLDS",), "in", 20)
    people = having(h, h.nodes, "Person") - members
    x.expand(people, KIN, "both", kin_cap)
    officials = having(h, h.nodes, "Official")
    x.expand(officials, ("HOLDS_POST",), "out")
    outside = sorted(having(h, h.nodes, "Phone") - phones)
    h.graph["calls"] = x._degrees(outside, ("CALLED",), "both") if outside else {}
    h.graph["members"] = sorted(members)
    h.graph["orgs"] = sorted(orgs)
    sources = {s for _, _, a in h.edges(data=True) for s in a.get("sources") or ()}
    h.graph["sources"] = {
        nid: {
            "reliability": row["props"].get("reliability"),
            "credibility": row["props"].get("credibility"),
        }
        for nid, row in store.get_nodes(sorted(sources)).items()
    }
    return h
