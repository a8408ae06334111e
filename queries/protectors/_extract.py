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

**Unchanged since?** An extraction can record every store call and the exact bytes of
its answer (a :data:`Transcript`); :func:`unchanged` asks the same calls again and
says whether every answer is still the same, in which case an extraction now would
build the same graphs (what the API uses to keep a ranking across a write that did
not touch it, :mod:`queries.protectors.rankings`).
"""

from __future__ import annotations

import contextvars
import functools
import pickle
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeAlias, TypeVar

import networkx as nx

from graph.model import ENTITY_LABEL
from graph.rows import NodeRow
from graph.store import Neo4jStore, Store
from queries._common import LABELS, RID, TYPE, backend, node_from_neo4j, reading
from queries._loader import NamedQuery, load
from queries.protectors import _rels as R

BOARD = R.BOARD
ORG_TIES = R.ORG_TIES
KIN = R.KIN
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

    def decode(self, group: tuple[str, tuple[str, ...], str, int], recorded: bytes) -> Any:
        """A recorded answer (:meth:`Pending.fingerprint`) as ``{id: answer}`` again."""
        return pickle.loads(recorded)  # noqa: S301 - bytes this process pickled itself

    def begin(self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]) -> Pending:
        """Start answering. Several begun one after another overlap where the store
        allows it (Neo4j: every statement is sent at once, and the server runs the next
        while this process reads one)."""
        return _Answered(self.answer(group, ids))


class Pending:
    """An answer on its way: its exact bytes (:meth:`fingerprint`, take them first)
    and the answer itself."""

    def fingerprint(self) -> bytes:
        raise NotImplementedError

    def answer(self) -> dict[str, Any]:
        raise NotImplementedError


class _Answered(Pending):
    def __init__(self, found: dict[str, Any]) -> None:
        self.found = found

    def fingerprint(self) -> bytes:
        return _pickled(self.found)

    def answer(self) -> dict[str, Any]:
        return self.found


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
        return self.begin(group, ids).answer()

    def decode(self, group: tuple[str, tuple[str, ...], str, int], recorded: bytes) -> Any:
        return _reshape(group, pickle.loads(recorded))  # noqa: S301 - pickled here

    def begin(self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]) -> Pending:
        kind, types, direction, _cap = group
        params: dict[str, Any] = {"ids": ids}
        if kind != "nodes":
            params.update(types=list(types), direction=direction)
        if kind == "expand":
            params["cap"] = group[3]
        return _Sent(self.tx.run(_queries()[_QUERY[kind]].text, params), group)


class _Sent(Pending):
    """A statement sent; its one record read when first needed."""

    def __init__(self, result: Any, group: tuple[str, tuple[str, ...], str, int]) -> None:
        self.result, self.group = result, group
        self._values: list[Any] | None = None

    def _record(self) -> list[Any]:
        if self._values is None:
            self._values = list(self.result.single(strict=True).values())
        return self._values

    def fingerprint(self) -> bytes:
        """The record as the driver decoded it (before :meth:`answer` reshapes it)."""
        return _pickled(self._record())

    def answer(self) -> dict[str, Any]:
        return _reshape(self.group, self._record())


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
    """The needs answered from the embedded store's graph, held still for each answer
    (not for the whole extraction: other requests read the same graph meanwhile)."""

    g: nx.MultiDiGraph

    def __init__(self, store: Store) -> None:
        self.store = store

    def answer(
        self, group: tuple[str, tuple[str, ...], str, int], ids: list[str]
    ) -> dict[str, Any]:
        with reading(self.store) as g:
            self.g = g
            return super().answer(group, ids)

    def nodes(self, ids: list[str]) -> dict[str, NodeRow]:
        g = self.g
        out: dict[str, NodeRow] = {}
        for nid in ids:
            if nid in g:
                attrs = g.nodes[nid]
                props = {k: v for k, v in attrs.items() if k != LABELS}
                out[nid] = {"id": nid, "labels": sorted(attrs[LABELS]), "props": props}
        return out

    def _edges(
        self, nid: str, types: tuple[str, ...], direction: str
    ) -> list[tuple[str, str, tuple[str, str], str]]:
        g = self.g
        edges: list[tuple[str, str, tuple[str, str], str]] = []
        if direction in ("out", "both"):
            edges += [(u, v, k, v) for u, v, k in g.out_edges(nid, keys=True) if k[0] in types]
        if direction in ("in", "both"):
            edges += [(u, v, k, u) for u, v, k in g.in_edges(nid, keys=True) if k[0] in types]
        return edges

    def degrees(self, ids: list[str], types: tuple[str, ...], direction: str) -> dict[str, int]:
        return {nid: len(self._edges(nid, types, direction)) for nid in ids if nid in self.g}

    def expand(
        self, ids: list[str], types: tuple[str, ...], direction: str, cap: int
    ) -> dict[str, Expanded]:
        g = self.g
        out: dict[str, Expanded] = {}
        for nid in ids:
            if nid not in g:
                continue
            edges = self._edges(nid, types, direction)
            rows: list[Row] = []
            if len(edges) <= cap:
                for u, v, k, m in edges:
                    attrs = g.edges[u, v, k]
                    props = _clean({a: b for a, b in attrs.items() if a not in (TYPE, RID)})
                    mattrs = g.nodes[m]
                    mprops = _clean({a: b for a, b in mattrs.items() if a != LABELS})
                    rows.append((k[1], k[0], u, v, props, m, mattrs[LABELS], mprops))
            out[nid] = (len(edges), rows)
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
    people = having(h, h.nodes, "Person") - members
    yield from x.expand(people, KIN, "both", kin_cap)
    officials = having(h, h.nodes, "Official")
    yield from x.expand(officials, R.POSTS, "out")
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
#: what the store answered an extraction, call by call: (group, ids, the answer's bytes,
#: and which ring asked for which of the ids: ((ring, ids), ...))
Call: TypeAlias = tuple[
    tuple[str, tuple[str, ...], str, int],
    tuple[str, ...],
    bytes,
    tuple[tuple[str, tuple[str, ...]], ...],
]
Transcript = list[Call]


def _drive(
    source: Source, steps: dict[str, Steps[nx.MultiDiGraph]], transcript: Transcript | None
) -> dict[str, nx.MultiDiGraph]:
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
            pending = source.begin(group, ids)
            if transcript is not None:
                asked = tuple((r, tuple(waiting[r].ids)) for r in rings)
                transcript.append((group, tuple(ids), pending.fingerprint(), asked))
            found = pending.answer()
            for r in rings:
                advance(r, {nid: found[nid] for nid in waiting[r].ids if nid in found})
    return done


def _pickled(answer: object) -> bytes:
    """An answer as bytes that are equal exactly when the answers are: same values of
    the same types in the same order (``==`` alone takes 1, 1.0 and True for equal)."""
    return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)


def _source_for(store: Store, work: Callable[[Source], T]) -> T:
    """``work(source)``: on Neo4j inside one read transaction."""
    if backend(store) == "neo4j":
        assert isinstance(store, Neo4jStore)
        return store.transaction(lambda tx: work(_Neo4jSource(tx)), write=False)
    return work(_EmbeddedSource(store))


def neighbourhoods(
    store: Store,
    ring_ids: Sequence[str],
    *,
    cap: int = 2000,
    kin_cap: int = 60,
    transcript: Transcript | None = None,
) -> dict[str, nx.MultiDiGraph]:
    """:func:`neighbourhood` of each of ``ring_ids``, extracted together (one read
    transaction on Neo4j): ``{ring id: graph}``. Every store call and its answer is
    appended to ``transcript`` when one is given (see :func:`unchanged`)."""
    rings = list(dict.fromkeys(ring_ids))

    def run(source: Source) -> dict[str, nx.MultiDiGraph]:
        if transcript is not None:
            del transcript[:]  # a retried transaction starts again
        done = _drive(source, {r: _steps(r, cap, kin_cap) for r in rings}, transcript)
        return {r: done[r] for r in rings}

    return _source_for(store, run) if rings else {}


def unchanged(store: Store, transcript: Transcript) -> bool:
    """Whether the store still gives every answer of ``transcript`` that any ring
    asked for (:func:`changed_rings` finds none)."""
    return not changed_rings(store, transcript)[0]


def changed_rings(store: Store, transcript: Transcript) -> tuple[frozenset[str], Transcript]:
    """The rings whose part of the recorded extraction the store answers differently
    now, and the transcript with today's answers (the same calls).

    The steps are deterministic: each call they make is decided by the answers before
    it. A ring's steps receive, from each call, the answers for the ids it asked for.
    So when every recorded call is answered exactly as recorded (compared as the
    pickled bytes of what the store sent, so also in type and order), an extraction
    now would make the same calls, get the same answers and build the same graphs.
    When a call's bytes differ, its answer is compared id by id, and only the rings
    that asked for an id whose answer differs are changed: every other ring's steps
    would receive exactly what they received, and build the same graph (as a ring
    extracted alone or with others gives the same graph). A recorded answer that cannot
    be read back counts as changed for every ring that asked that call.

    Costs the store calls and their decoding, not the graph building or what is
    computed from it; as no call waits for another's answer, on Neo4j they are all
    sent at once, in two read transactions side by side (each with about half of the
    answer bytes: Neo4j runs the statements of one transaction one after the other,
    and the check is what a request waits for right after a write).
    """
    if backend(store) != "neo4j" or len(transcript) < 2:
        changed, fresh = _source_for(store, lambda source: _recheck(source, transcript))
        return frozenset(changed), fresh
    first, second = _halves(transcript)
    other: list[tuple[set[str], Transcript]] = []
    failed: list[BaseException] = []
    ctx = contextvars.copy_context()  # who asks: transaction metadata in both

    def run_second() -> None:
        try:
            other.append(_source_for(store, lambda source: _recheck(source, second)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            failed.append(exc)

    helper = threading.Thread(target=ctx.run, args=(run_second,), name="telusur-check")
    helper.start()
    try:
        mine = _source_for(store, lambda source: _recheck(source, first))
    finally:
        helper.join()
    if failed:
        raise failed[0]
    today = {id(old): new for old, new in zip([*first, *second], [*mine[1], *other[0][1]],
                                             strict=True)}
    return frozenset(mine[0] | other[0][0]), [today[id(call)] for call in transcript]


def _halves(transcript: Transcript) -> tuple[Transcript, Transcript]:
    """The calls split in two with about the same answer bytes in each (greedy, the
    largest first): the bytes stand for the database's work and the decoding."""
    halves: tuple[Transcript, Transcript] = ([], [])
    sizes = [0, 0]
    for call in sorted(transcript, key=lambda c: len(c[2]), reverse=True):
        i = 0 if sizes[0] <= sizes[1] else 1
        halves[i].append(call)
        sizes[i] += len(call[2])
    return halves


def _recheck(source: Source, calls: Transcript) -> tuple[set[str], Transcript]:
    """Every call of ``calls`` begun at once, then the answers read in order: the rings
    asking for an id whose answer differs, and the calls with today's answers."""
    begun = [(call, source.begin(call[0], list(call[1]))) for call in calls]
    changed: set[str] = set()
    fresh: Transcript = []
    for call, pending in begun:
        group, ids, recorded, asked = call
        now = pending.fingerprint()
        if now != recorded:
            differ = _differing_ids(source, group, recorded, pending)
            changed.update(r for r, rids in asked if differ is None or differ.intersection(rids))
        fresh.append((group, ids, now, asked))
    return changed, fresh


def _differing_ids(
    source: Source, group: tuple[str, tuple[str, ...], str, int], recorded: bytes,
    pending: Pending,
) -> set[str] | None:
    """The ids whose answer differs between ``recorded`` and ``pending`` (an id found in
    only one of them too); None when the recorded answer cannot be read back."""
    try:
        before = {nid: _pickled(v) for nid, v in source.decode(group, recorded).items()}
    except Exception:  # noqa: BLE001 - unreadable: changed for every asking ring
        return None
    after = {nid: _pickled(v) for nid, v in pending.answer().items()}
    return {nid for nid in before.keys() | after.keys() if before.get(nid) != after.get(nid)}


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
