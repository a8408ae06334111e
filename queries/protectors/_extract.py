"""The rings' neighbourhoods, extracted into one networkx graph per ring.

Both stores answer the same three primitives (the stored nodes among some ids, the
degree of a set of nodes over some relationship types, and those relationships with
the nodes at their other ends, for the nodes within a cap), so the graph handed to
the indicators is identical on Neo4j and on the embedded store by construction.
Expansion is bounded: a node with more relationships of the expanded types than the
cap (a call centre, a payroll account) is not expanded, and is recorded in the graph
attribute ``capped``.

**Several rings at once.** The steps of one ring (:func:`_steps`) are a generator
that *yields* what it needs from the store (a :class:`Need`) and is sent the answer.
:func:`neighbourhoods` runs the steps of every ring side by side: at each round it
asks the store once per kind of need for the union of the ids all rings need, and
hands each ring the part it asked for. Every ring follows exactly the steps it would
follow alone (the answer for a node does not depend on the other ids asked with it),
so each graph is the one :func:`neighbourhood` extracts for that ring alone. On Neo4j
the whole extraction is one read transaction of about 15 statements whatever the
number of rings, each answered in one record of lists, where it was about 30
transactions per ring of one record per relationship: after a write, when every ring
is ranked again, the round trips and the driver's per-record work were most of it.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any, TypeAlias, TypeVar

import networkx as nx

from graph.errors import QueryError
from graph.model import ENTITY_LABEL
from graph.rows import NodeRow
from graph.store import Store
from graph.store.embedded import GraphView
from queries._common import LABELS, RID, TYPE, backend, node_from_neo4j, parse_ts, reading
from queries._loader import NamedQuery, load
from queries.protectors import _rels as R

BOARD = R.BOARD
#: who can act for a ring
ENTITY_OK = frozenset({"Person", "Organization"})
ORG_TIES = R.ORG_TIES
KIN = R.KIN
#: case outcomes that took members to court (no interference to look for)
GOOD = ("p21", "vonis", "bebas")
#: (rel id, type, start, end, rel props, other node id, its labels, its props)
Row = tuple[str, str, str, str, dict[str, Any], str, frozenset[str], dict[str, Any]]
T = TypeVar("T")


@functools.cache
def _queries() -> dict[str, NamedQuery]:
    text = resources.files("queries.protectors").joinpath("extract.cypher").read_text("utf-8")
    return load([("queries/protectors/extract.cypher", text)])


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Stored properties without ``id``, lists copied (the embedded store's own)."""
    return {
        k: (list(v) if isinstance(v, list | tuple) else v) for k, v in props.items() if k != "id"
    }


def _own(props: dict[str, Any]) -> dict[str, Any]:
    """:func:`_clean` for a map the driver just decoded (ours: lists already new)."""
    props.pop("id", None)
    return props


# -- what a ring's steps ask of the store ------------------------------------------------
@dataclass(frozen=True)
class Need:
    """One primitive over ``ids``: ``kind`` is ``nodes``, ``degrees`` or ``expand``."""

    kind: str
    ids: tuple[str, ...]
    types: tuple[str, ...] = ()
    direction: str = "both"
    cap: int = 0

    @property
    def group(self) -> tuple[str, tuple[str, ...], str, int]:
        """Needs of one group are answered by one store call over the union of ids."""
        return (self.kind, self.types, self.direction, self.cap)


#: a ring's steps: yield a Need, receive its answer, return the result
Steps: TypeAlias = Generator[Need, Any, T]
#: a node's degree over the expanded types, and its rows (none when over the cap)
Expanded = tuple[int, list[Row]]


class Source:
    """Answers needs for many nodes at once: ``{id: answer}`` for the ids found."""

    def nodes(self, ids: list[str]) -> dict[str, NodeRow]:
        raise NotImplementedError

    def degrees(self, ids: list[str], types: tuple[str, ...], direction: str) -> dict[str, int]:
        raise NotImplementedError

    def expand(
        self, ids: list[str], types: tuple[str, ...], direction: str, cap: int
    ) -> dict[str, Expanded]:
        raise NotImplementedError

    def answer(
        self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]
    ) -> dict[str, Any]:
        kind, types, direction, cap = group
        if kind == "nodes":
            return self.nodes(ids)
        if kind == "degrees":
            return self.degrees(ids, types, direction)
        return self.expand(ids, types, direction, cap)


_QUERY = {
    "nodes": "protectors_nodes",
    "degrees": "protectors_degree",
    "expand": "protectors_expand",
}


class _Neo4jSource(Source):
    """The needs as statements of one read transaction, each answered in one record of
    lists (the driver spends about 20 microseconds per record: 8,000 calls as records
    took 160 ms before any property was read) read by position."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx

    def answer(
        self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]
    ) -> dict[str, Any]:
        kind, types, direction, cap = group
        params: dict[str, Any] = {"ids": ids}
        if kind != "nodes":
            params.update(types=list(types), direction=direction)
        if kind == "expand":
            params["cap"] = cap
        record = self.tx.run(_queries()[_QUERY[kind]].text, params).single(strict=True)
        return _reshape(group, list(record.values()))


def _reshape(group: tuple[str, tuple[str, ...], str, int], values: list[Any]) -> dict[str, Any]:
    """A statement's one record (its values in order) as ``{id: answer}``."""
    kind, _types, direction, cap = group
    if kind == "nodes":
        return {
            nid: node_from_neo4j({"id": nid, "labels": labels, "props": props})
            for nid, labels, props in values[0]
        }
    if kind == "degrees":
        return {nid: int(deg) for nid, deg in values[0]}
    return _expanded(*values, direction=direction, cap=cap)


def _expanded(
    degrees: list[Any], rels: list[Any], nodes: list[Any], *, direction: str, cap: int
) -> dict[str, Expanded]:
    """``protectors_expand``'s record as the rows of each node found."""
    others = {
        mid: (frozenset(lb for lb in labels if lb != ENTITY_LABEL), _own(props))
        for mid, labels, props in nodes
    }
    out: dict[str, Expanded] = {nid: (int(deg), []) for nid, deg in degrees}
    keep = {nid for nid, (deg, _) in out.items() if 0 < deg <= cap}
    outward, inward = direction in ("out", "both"), direction in ("in", "both")
    # each relationship came once: it is a row of each expanded node it was found at,
    # as the store's per-node answer has it (a self-loop twice when both ways)
    for typ, start, end, props in rels:
        rid = props.pop("id", None)
        if outward and start in keep:
            labels, mprops = others[end]
            out[start][1].append((rid, typ, start, end, props, end, labels, mprops))
        if inward and end in keep:
            labels, mprops = others[start]
            out[end][1].append((rid, typ, start, end, props, start, labels, mprops))
    return out


class _EmbeddedSource(Source):
    """The needs answered from the embedded store's view, held still for each answer
    (not for the whole extraction: other requests read the same store meanwhile).
    Degrees are counted on the store's ``(node, type)`` indexes and only the nodes within
    the cap have their relationships read (of the asked types only): a phone with
    100,000 calls costs one index count, not 100,000 decoded relationships."""

    g: GraphView

    def __init__(self, store: Store) -> None:
        self.store = store

    def answer(
        self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]
    ) -> dict[str, Any]:
        with reading(self.store) as g:
            assert isinstance(g, GraphView)
            self.g = g
            return super().answer(group, ids)

    def _present(self, ids: list[str]) -> list[str]:
        g = self.g
        g.prefetch(ids)
        return [nid for nid in ids if nid in g]

    def nodes(self, ids: list[str]) -> dict[str, NodeRow]:
        g = self.g
        out: dict[str, NodeRow] = {}
        for nid in self._present(ids):
            attrs = g.nodes[nid]
            props = {k: v for k, v in attrs.items() if k != LABELS}
            out[nid] = {"id": nid, "labels": sorted(attrs[LABELS]), "props": props}
        return out

    def degrees(self, ids: list[str], types: tuple[str, ...], direction: str) -> dict[str, int]:
        present = self._present(ids)
        counted = self.g.typed_degrees(present, types, direction)
        return {nid: counted.get(nid, 0) for nid in present}

    def expand(
        self, ids: list[str], types: tuple[str, ...], direction: str, cap: int
    ) -> dict[str, Expanded]:
        g = self.g
        degrees = self.degrees(ids, types, direction)
        within = [nid for nid, deg in degrees.items() if 0 < deg <= cap]
        edges = g.typed_edges(within, types, direction)
        g.prefetch(v if u == nid else u for nid, rows in edges.items() for u, v, _, _ in rows)
        out: dict[str, Expanded] = {nid: (deg, []) for nid, deg in degrees.items()}
        for nid, rows in edges.items():
            for u, v, k, attrs in rows:
                m = v if u == nid else u  # a self-loop: the node itself either way
                props = _clean({a: b for a, b in attrs.items() if a not in (TYPE, RID)})
                mattrs = g.nodes[m]
                mprops = _clean({a: b for a, b in mattrs.items() if a != LABELS})
                out[nid][1].append((k[1], k[0], u, v, props, m, mattrs[LABELS], mprops))
        return out


# -- one ring's graph ----------------------------------------------------------------
class Extractor:
    """Collects one ring's graph; its methods are steps (generators of needs)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.h: nx.MultiDiGraph = nx.MultiDiGraph()
        self.h.graph["capped"] = []

    def nodes(self, ids: Iterable[str]) -> Steps[dict[str, NodeRow]]:
        wanted = tuple(sorted(set(ids)))
        if not wanted:
            return {}
        found: dict[str, NodeRow] = yield Need("nodes", wanted)
        return found

    def degrees(
        self, ids: Iterable[str], types: tuple[str, ...], direction: str
    ) -> Steps[dict[str, int]]:
        wanted = tuple(sorted(set(ids)))
        if not wanted:
            return {}
        found: dict[str, int] = yield Need("degrees", wanted, types, direction)
        return found

    def rows(
        self, ids: Iterable[str], types: tuple[str, ...], direction: str, cap: int | None = None
    ) -> Steps[dict[str, list[Row]]]:
        """The relationships of the nodes within the cap (``cap`` or the extraction's),
        *not* added to the graph (counts are read from them: a peer's workload)."""
        wanted = tuple(sorted(set(ids)))
        if not wanted:
            return {}
        limit = self.cap if cap is None else cap
        got: dict[str, Expanded] = yield Need("expand", wanted, types, direction, limit)
        return {n: rows for n, (deg, rows) in got.items() if 0 < deg <= limit}

    def seed(self, ids: Iterable[str]) -> Steps[None]:
        for nid, row in sorted((yield from self.nodes(ids)).items()):
            props = _clean(row["props"])
            self.h.add_node(nid, **props, **{LABELS: frozenset(row["labels"])})

    def expand(
        self, ids: Iterable[str], types: tuple[str, ...], direction: str, cap: int | None = None
    ) -> Steps[set[str]]:
        """Add the relationships; return the ids of the nodes at their other ends."""
        wanted = tuple(sorted(set(ids)))
        if not wanted:
            return set()
        limit = self.cap if cap is None else cap
        got: dict[str, Expanded] = yield Need("expand", wanted, types, direction, limit)
        degrees = {n: d for n, (d, _) in got.items()}
        keep = [n for n in wanted if 0 < degrees.get(n, 0) <= limit]
        self.h.graph["capped"].extend(sorted(n for n in wanted if degrees.get(n, 0) > limit))
        rows = [r for n in keep for r in got[n][1]]
        found: set[str] = set()
        for rid, typ, start, end, props, mid, labels, mprops in sorted(
            rows, key=lambda r: (r[1], r[0], r[5])
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


# -- the reach of the tradecraft indicators (pass_through, relay, interference, documents) --
def _at(value: Any) -> datetime | None:
    try:
        return parse_ts(str(value)) if value else None
    except QueryError:
        return None


def _reach() -> dict[str, Any]:
    """The constants that bound the extraction: those of the indicators that read what it
    brings (imported here, not at the top: the indicators import this module)."""
    from queries.protectors.indicators import weights

    return weights()


def _forwards(
    h: nx.MultiDiGraph, fed: dict[str, list[tuple[datetime, float]]], lag: timedelta, share: float
) -> dict[str, list[tuple[datetime, float]]]:
    """Who the nodes of ``fed`` pass money on to: transfers out of a node to one receiver
    within ``lag`` after money came in (``fed``: when and how much), at least ``share``
    of it together.
    Returns the receivers with what they were fed, for the next hop."""
    onward: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for x, ins in sorted(fed.items()):
        if x not in h:
            continue
        sent: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
        for _, v, k, a in sorted(h.out_edges(x, keys=True, data=True), key=lambda e: e[2]):
            t, amount = _at(a.get("at")), float(a.get("amount") or 0.0)
            if k[0] in R.MONEY and t is not None and amount > 0:
                sent[v].append((t, amount))
        for v, parts in sorted(sent.items()):
            # in one transfer or in parts, as the indicator reads it
            for t0, a0 in ins:
                got = [(t, a) for t, a in parts if t0 <= t <= t0 + lag]
                if got and sum(a for _, a in got) >= share * a0:
                    onward[v].append((max(t for t, _ in got), sum(a for _, a in got)))
    return onward


def _acting(
    h: nx.MultiDiGraph, side: set[str], victims: set[str], cases: set[str], words: list[str]
) -> set[str]:
    """Who acts for the ring without being recorded as a member, as far as the
    extraction can tell before the indicators weigh it (:mod:`queries.protectors._side`
    gives the confidence): a person or organization that has calls or money (ordinary
    purposes left out) with *several* of the ring's members or companies, recruited one
    of its victims, or is a suspect in its cases. Records never mark every member: a
    tip-off reaches the recruiter nobody listed, a relative is paid from the accounts of
    people the records do not name. Never an official or a victim of the ring."""
    from queries.protectors._side import ordinary  # the side's own reading of a reference

    owner: dict[str, str] = {}
    for s in sorted(side):
        for _, v, k in h.out_edges(s, keys=True):
            if k[0] in (*R.USES, *R.HOLDS):
                owner.setdefault(v, s)
    # the ring holders each outside phone or account had calls or (not ordinary) money with
    touched: dict[str, set[str]] = defaultdict(set)
    for inst, holder in owner.items():
        if inst not in h:
            continue
        for way in (
            h.in_edges(inst, keys=True, data=True),
            h.out_edges(inst, keys=True, data=True),
        ):
            for u, v, k, a in way:
                other = v if u == inst else u
                if other in owner or holder in touched[other]:
                    continue
                if k[0] in R.CALLS or (k[0] in R.MONEY and not ordinary(a.get("reference"), words)):
                    touched[other].add(holder)
    with_ring: dict[str, set[str]] = defaultdict(set)
    for other, holders in touched.items():
        for p, _, pk in h.in_edges(other, keys=True):
            if pk[0] in (*R.USES, *R.HOLDS):
                with_ring[p] |= holders
    found = {p for p, ring in with_ring.items() if len(ring) > 1}
    found |= {u for v in victims for u, _, k in h.in_edges(v, keys=True) if k[0] in R.RECRUITED}
    found |= {u for c in cases for u, _, k in h.in_edges(c, keys=True) if k[0] in R.SUSPECT}
    return {
        p
        for p in found - side - victims
        if p in h and "Official" not in h.nodes[p][LABELS] and ENTITY_OK & h.nodes[p][LABELS]
    }


def _tradecraft(
    x: Extractor,
    side: set[str],
    phones: set[str],
    accounts: set[str],
    other_phones: set[str],
    expanded: set[str],
    cases: set[str],
    acting: set[str],
) -> Steps[None]:
    """What the tradecraft indicators read beyond the ring's own means, each bounded by the
    cap and pruned by timing before the next hop is asked for:

    - pass-through money: whoever the ring pays and where they pass it on within
      ``[pass_through] lag_days`` (at least ``share_min`` of it), for two intermediaries;
    - relay contact: the phones that talked with a ring phone in the
      ``[relay] window_hours`` before a raid on the ring (any outcome), and the phones
      that talked with them in that window, with their users;
    - case interference: the cases the ring's recruits are victims in (besides those
      against members); the phones of the investigators and supervisors of ring cases
      that were stopped or left open, who they talked with, and those phones' users;
    - document facilitation: the events aimed at the ring's recruits and victims and who
      led them; each leader's workload per event kind and his peers' (officials posted
      at the same agency), kept as counts in the graph attribute ``led`` (peers are not
      added to the graph: only their counts are read);
    - who acts for the ring unrecorded (``acting``, :func:`_acting`): their phones and
      accounts, read like the ring's for the steps above (their phones seed relays,
      their payments feed pass-through), and who holds the accounts they pay.
    """
    h, cfg = x.h, _reach()
    # the instruments of those who act for the ring unrecorded (``acting``): their money
    # and calls are the ring's as far as reach goes (the indicators weigh them by the
    # side's confidence)
    got = yield from x.expand(acting, (*R.USES, *R.HOLDS), "out")
    aphones = having(h, got, "Phone") - phones
    aaccounts = having(h, got, "Account") - accounts
    yield from x.expand((aaccounts | acting) - expanded, R.MONEY, "out")
    expanded = expanded | aaccounts | acting
    payers = aaccounts | acting
    paid = {v for a in payers for _, v, k in h.out_edges(a, keys=True) if k[0] in R.MONEY}
    own = accounts | side
    # The steps below are merged where they ask the same primitive (one statement each):
    # the recruits' cases and events; the new cases' and events' people; ...
    # ring cases also: those the ring's recruits are victims in (whoever the suspect is:
    # records do not mark every member); and the events aimed at recruits and victims
    recruits = {v for m in side for _, v, k in h.out_edges(m, keys=True) if k[0] in R.RECRUITED} | {
        u for c in cases for u, _, k in h.in_edges(c, keys=True) if k[0] in R.VICTIM
    }
    recruits -= side
    yield from x.expand(recruits, (*R.VICTIM, *R.EVENT_TARGET), "out")
    more = _ends(h, recruits, R.VICTIM, "out", "Case") - cases
    aimed = _ends(h, recruits, R.EVENT_TARGET, "out", "Event")
    yield from x.expand(
        more | aimed, (*R.DUTY, *R.SUSPECT, *R.EVENT_CASE, *R.VICTIM, *R.EVENT_LEADER), "in"
    )
    cases = cases | more
    # pass-through: ring -> X1 -> (X2 ->) the official's side
    pcfg = cfg["pass_through"]
    lag, share = timedelta(days=float(pcfg["lag_days"])), float(pcfg["share_min"])
    fed: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for src in sorted(own | payers):
        for _, v, k, a in h.out_edges(src, keys=True, data=True):
            t = _at(a.get("at"))
            if k[0] in R.MONEY and v not in own and t is not None:
                fed[v].append((t, float(a.get("amount") or 0.0)))
    first = set(fed)
    yield from x.expand(first - expanded, R.MONEY, "out")
    second = {v: f for v, f in _forwards(h, fed, lag, share).items() if v not in own}
    yield from x.expand(set(second) - first - expanded, R.MONEY, "out")
    third = set(_forwards(h, second, lag, share)) - own
    # who holds the accounts money was passed on to, and those the acting side pays
    holders = having(h, set(second) | third | (paid - own), "Account")
    yield from x.expand(holders, R.HOLDS, "in", 20)
    # relay: ring phone <- X -> another phone, in the hours before raids on the ring
    window = timedelta(hours=float(cfg["relay"]["window_hours"]))
    raids = sorted(
        t
        for e in having(h, h.nodes, "Event")
        if h.nodes[e].get("kind") == "raid"
        and (t := _at(h.nodes[e].get("at"))) is not None
        and (
            any(u in side for u, _, k in h.in_edges(e, keys=True) if k[0] in R.EVENT_TARGET)
            or any(c in cases for _, c, k in h.out_edges(e, keys=True) if k[0] in R.EVENT_CASE)
        )
    )

    def before_raid(n: str, others: set[str]) -> bool:
        edges = [*h.in_edges(n, keys=True, data=True), *h.out_edges(n, keys=True, data=True)]
        for u, v, k, a in edges:
            t = _at(a.get("at"))
            if k[0] in R.CALLS and (v if u == n else u) in others and t is not None:
                if any(r - window <= t < r for r in raids):
                    return True
        return False

    # ... and the phones of the people the raids were aimed at (a target the records do
    # not mark as a member; the staff of a targeted company), with whom they talked
    targeted = {
        u
        for e in having(h, h.nodes, "Event")
        if h.nodes[e].get("kind") == "raid"
        and (
            any(u in side for u, _, k in h.in_edges(e, keys=True) if k[0] in R.EVENT_TARGET)
            or any(c in cases for _, c, k in h.out_edges(e, keys=True) if k[0] in R.EVENT_CASE)
        )
        for u, _, k in h.in_edges(e, keys=True)
        if k[0] in R.EVENT_TARGET
    }
    staff = having(h, targeted, "Organization")
    yield from x.expand(staff - side, ORG_TIES, "in", 50)
    targeted = (targeted | _ends(h, staff, ORG_TIES, "in", "Person")) - side
    tphones = having(h, (yield from x.expand(targeted, R.USES, "out", 20)), "Phone") - phones
    other_phones = other_phones | ((yield from x.expand(tphones, R.CALLS, "both")) - phones)
    # the phones of who acts for the ring unrecorded: their calls are read, not kept (a
    # recruiter talks with many); the phones they talked with in the window before a raid
    # join the graph as relays to follow (their calls below bring the contact itself). A
    # phone with more calls than [relay] busy_calls (a top-up shop that sells to members
    # too) is not read: the side weighs such a phone near nothing, its contacts before a
    # raid say little, and reading them all is most of the cost
    aphones -= tphones
    busy = int(cfg["relay"]["busy_calls"])
    acalls = yield from x.rows(aphones, R.CALLS, "both", busy)
    reached = phones | tphones | aphones
    warned: dict[str, tuple[frozenset[str], dict[str, Any]]] = {}
    for rows in acalls.values():
        for *_, props, mid, labels, mprops in rows:
            t = _at(props.get("at"))
            if mid not in reached and t is not None and any(r - window <= t < r for r in raids):
                warned[mid] = (labels, mprops)
    for mid, (labels, mprops) in sorted(warned.items()):
        if mid not in h:
            h.add_node(mid, **_clean(mprops), **{LABELS: labels})
    relays = {p for p in other_phones - reached if raids and before_raid(p, reached)}
    relays |= set(warned)
    # case interference: the handlers of stopped or open ring cases, and whom they call
    handlers = {
        u
        for c in cases
        if h.nodes[c].get("status") not in GOOD or _released(h, c)
        for u, _, k in h.in_edges(c, keys=True)
        if k[0] in R.DUTY
    }
    hphones = having(h, (yield from x.expand(handlers, R.USES, "out", 20)), "Phone") - phones
    # the relays' and the handlers' calls, one statement; then the users of the phones
    # near a raid (relay) and of everyone the handlers talked with, one statement
    yield from x.expand(relays | hphones, R.CALLS, "both")
    # who uses the relays, and the phones that talked with a relay or with a target's or
    # an acting phone itself before a raid (his own phone, when he warned them directly)
    near = relays | tphones
    far = _ends(h, near, R.CALLS, "both", "Phone") - phones - near
    talked = _ends(h, hphones, R.CALLS, "both", "Phone") - phones - hphones
    users = relays | {p for p in far if before_raid(p, near)} | talked
    yield from x.expand(users, R.USES, "in", 20)
    # documents: the leaders of the events aimed at recruits and victims, their workloads
    leaders = sorted(
        having(
            h,
            {u for e in aimed for u, _, k in h.in_edges(e, keys=True) if k[0] in R.EVENT_LEADER},
            "Official",
        )
    )
    agencies = yield from x.rows(leaders, R.POSTS, "out")
    peers = yield from x.rows(
        sorted({r[5] for rows in agencies.values() for r in rows}), R.POSTS, "in"
    )
    by_agency = {ag: sorted({r[5] for r in rows}) for ag, rows in peers.items()}
    colleagues = {
        o: sorted({p for r in agencies.get(o, []) for p in by_agency.get(r[5], []) if p != o})
        for o in leaders
    }
    everyone = sorted(set(leaders) | {p for ps in colleagues.values() for p in ps})
    led = yield from x.rows(everyone, R.EVENT_LEADER, "out")
    h.graph["led"] = {
        o: dict(sorted(Counter(event_kind(r[7]) for r in led.get(o, [])).items())) for o in everyone
    }
    h.graph["peers"] = colleagues


def _ends(
    h: nx.MultiDiGraph, ids: Iterable[str], types: tuple[str, ...], direction: str, label: str
) -> set[str]:
    """The ``label`` nodes at the other end of ``ids``' relationships of ``types``."""
    found: set[str] = set()
    for n in ids:
        if n not in h:
            continue
        if direction in ("out", "both"):
            found |= {v for _, v, k in h.out_edges(n, keys=True) if k[0] in types}
        if direction in ("in", "both"):
            found |= {u for u, _, k in h.in_edges(n, keys=True) if k[0] in types}
    return having(h, found, label)


def event_kind(props: dict[str, Any]) -> str:
    """An event's kind as recorded: the raw kind of an open enumeration (``passport_issue``
    loaded as ``other``) before the normalised one."""
    return str(props.get("kind_raw") or props.get("kind") or "")


def _released(h: nx.MultiDiGraph, case: str) -> bool:
    """A ``release`` event about the case."""
    return any(
        k[0] in R.EVENT_CASE and h.nodes[u].get("kind") == "release"
        for u, _, k in h.in_edges(case, keys=True)
    )


def _raw(ids: Iterable[str], types: tuple[str, ...], cap: int) -> Steps[dict[str, Expanded]]:
    """The outgoing relationships of ``types`` at ``ids`` (within ``cap``), not added."""
    wanted = tuple(sorted(set(ids)))
    if not wanted:
        return {}
    found: dict[str, Expanded] = yield Need("expand", wanted, types, "out", cap)
    return found


def _duty_counts(got: dict[str, Expanded]) -> dict[str, dict[str, int]]:
    """``{official: {case status: distinct cases}}`` from his duty relationships."""
    counts: dict[str, dict[str, int]] = {}
    for nid, (deg, rows) in sorted(got.items()):
        if not 0 < deg <= len(rows) or not rows:
            continue
        seen: dict[str, str] = {}
        for _rid, _typ, _s, _e, _p, mid, labels, mprops in rows:
            if "Case" in labels:
                seen[mid] = str(mprops.get("status") or "")
        tally: dict[str, int] = {}
        for status in seen.values():
            tally[status] = tally.get(status, 0) + 1
        counts[nid] = dict(sorted(tally.items()))
    return counts


def _steps(ring_id: str, cap: int, kin_cap: int) -> Steps[nx.MultiDiGraph]:
    """One ring's extraction (see :func:`neighbourhood`), as a generator of needs."""
    x = Extractor(cap)
    yield from x.seed([ring_id])
    h = x.h
    if ring_id not in h or "Ring" not in h.nodes[ring_id][LABELS]:
        return h
    members = yield from x.expand([ring_id], R.MEMBERSHIP, "in")
    # money a member pays directly (a holder is its own instrument: cash handed over)
    reached = yield from x.expand(
        members,
        (*R.USES, *R.HOLDS, *ORG_TIES, *R.SUSPECT, *R.EVENT_TARGET, *R.RECRUITED, *R.MONEY),
        "out",
    )
    yield from x.expand(members, KIN, "both", kin_cap)
    orgs = having(h, members, "Organization") | {
        v
        for m in members
        for _, v, k in h.out_edges(m, keys=True)
        if k[0] in BOARD and "Organization" in h.nodes[v][LABELS]
    }
    yield from x.expand(orgs, (*R.HOLDS, *R.USES, *R.EVENT_TARGET, *R.MONEY), "out")
    yield from x.expand(orgs, ORG_TIES, "in")
    cases = having(h, reached, "Case")
    yield from x.expand(cases, (*R.DUTY, *R.SUSPECT, *R.EVENT_CASE, *R.VICTIM), "in")
    events = having(h, h.nodes, "Event")
    yield from x.expand(events, (*R.EVENT_LEADER, *R.EVENT_TARGET), "in")
    side = members | orgs
    phones = {
        v
        for s in side
        for _, v, k in h.out_edges(s, keys=True)
        if k[0] in R.USES and "Phone" in h.nodes[v][LABELS]
    }
    accounts = {
        v
        for s in side
        for _, v, k in h.out_edges(s, keys=True)
        if k[0] in R.HOLDS and "Account" in h.nodes[v][LABELS]
    }
    other_phones = (yield from x.expand(phones, R.CALLS, "both")) - phones
    other_accounts = (yield from x.expand(accounts, R.MONEY, "both")) - accounts
    yield from x.expand(other_phones, R.USES, "in", 20)
    yield from x.expand(other_accounts, R.HOLDS, "in", 20)
    middlemen = {
        a
        for a in other_accounts
        if any(
            "Organization" in h.nodes[p][LABELS]
            for p, _, k in h.in_edges(a, keys=True)
            if k[0] in R.HOLDS
        )
        and any(u in accounts for u, _, k in h.in_edges(a, keys=True) if k[0] in R.MONEY)
    }
    layered = (yield from x.expand(middlemen, R.MONEY, "out")) - accounts - other_accounts
    yield from x.expand(layered, R.HOLDS, "in", 20)
    # who recruited the ring's victims (a recruiter outside the records acts for the ring)
    victims = {
        v for m in members for _, v, k in h.out_edges(m, keys=True) if k[0] in R.RECRUITED
    } | {v for c in cases for v, _, k in h.in_edges(c, keys=True) if k[0] in R.VICTIM}
    yield from x.expand(victims, R.RECRUITED, "in", 20)
    words = list(_reach()["innocent"]["ordinary_words"])
    acting = _acting(h, side, victims, cases, words)
    yield from _tradecraft(x, side, phones, accounts, other_phones, middlemen, cases, acting)
    people = having(h, h.nodes, "Person") - members
    yield from x.expand(people, KIN, "both", kin_cap)
    officials = having(h, h.nodes, "Official")
    yield from x.expand(officials, R.POSTS, "out")
    # every case each official handles, counted by status and not added to the graph:
    # the base rate his ring cases are judged against (queries/protectors/_side.py)
    h.graph["duty"] = _duty_counts((yield from _raw(officials, R.DUTY, cap)))
    # how many transfers reach each outside account: a landlord's many tenants
    # (every account outside the ring's: the official's own account may be a landlord's)
    receivers = having(h, h.nodes, "Account") - accounts
    h.graph["receipts"] = yield from x.degrees(receivers, R.MONEY, "in")
    outside = sorted(having(h, h.nodes, "Phone") - phones)
    h.graph["calls"] = (yield from x.degrees(outside, R.CALLS, "both")) if outside else {}
    h.graph["members"] = sorted(members)
    h.graph["orgs"] = sorted(orgs)
    sources = {s for _, _, a in h.edges(data=True) for s in a.get("sources") or ()}
    h.graph["sources"] = {
        nid: {
            "reliability": row["props"].get("reliability"),
            "credibility": row["props"].get("credibility"),
        }
        for nid, row in (yield from x.nodes(sources)).items()
    }
    return h


# -- running the steps ----------------------------------------------------------------
def _drive(source: Source, steps: dict[str, Steps[nx.MultiDiGraph]]) -> dict[str, nx.MultiDiGraph]:
    """Run every ring's steps side by side, one store call per group of needs per round."""
    done: dict[str, nx.MultiDiGraph] = {}
    waiting: dict[str, Need] = {}

    def advance(ring: str, answer: Any) -> None:
        try:
            waiting[ring] = steps[ring].send(answer)
        except StopIteration as stop:
            done[ring] = stop.value
            waiting.pop(ring, None)

    for ring in steps:
        advance(ring, None)
    while waiting:
        groups: dict[tuple[str, tuple[str, ...], str, int], list[str]] = defaultdict(list)
        for ring, need in waiting.items():
            groups[need.group].append(ring)
        for group, rings in groups.items():
            ids = sorted({nid for r in rings for nid in waiting[r].ids})
            found = source.answer(group, ids)
            for r in rings:
                advance(r, {nid: found[nid] for nid in waiting[r].ids if nid in found})
    return done


def _source_for(store: Store, work: Callable[[Source], T]) -> T:
    """``work(source)``: on Neo4j inside one read transaction."""
    if backend(store) == "neo4j":
        from graph.store.neo4j_store import Neo4jStore  # the driver: only for Neo4j

        assert isinstance(store, Neo4jStore)
        return store.transaction(lambda tx: work(_Neo4jSource(tx)), write=False)
    return work(_EmbeddedSource(store))


def neighbourhoods(
    store: Store,
    ring_ids: Sequence[str],
    *,
    cap: int = 2000,
    kin_cap: int = 60,
) -> dict[str, nx.MultiDiGraph]:
    """:func:`neighbourhood` of each of ``ring_ids``, extracted together (one read
    transaction on Neo4j): ``{ring id: graph}``."""
    rings = list(dict.fromkeys(ring_ids))

    def run(source: Source) -> dict[str, nx.MultiDiGraph]:
        done = _drive(source, {r: _steps(r, cap, kin_cap) for r in rings})
        return {r: done[r] for r in rings}

    return _source_for(store, run) if rings else {}


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
    return neighbourhoods(store, [ring_id], cap=cap, kin_cap=kin_cap)[ring_id]
