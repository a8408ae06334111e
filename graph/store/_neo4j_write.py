"""How the Neo4j store writes a batch: merge statements over parameters packed as columns.

One ``UNWIND`` statement per label set or relationship type and chunk applies
``store/_merge.py``'s semantics in Cypher (nothing is read back into Python). Rows go
as columns, one list per field (:class:`Columns`), which the driver packs in a third
of the time of one map per row. Used by :class:`graph.store.Neo4jStore` for every
write and by its bulk writer (``_neo4j_bulk.py``), which prepares batches in the
loader's thread. Labels and types in query text only ever come from the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import ManagedTransaction

from graph.errors import MissingEndpoint
from graph.model import ENTITY_LABEL, GROWING_LISTS, MODEL, PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES
from graph.rows import NodeRow, RelRow, check_endpoint_labels
from graph.store._merge import NODE_DEFAULT_LISTS, REL_DEFAULT_LISTS, Status
from graph.store.base import UpsertResult


def q(text: str) -> LiteralString:
    # Query text here is assembled only from the model's labels and types.
    return text


@dataclass(frozen=True)
class Prepared:
    """A checked batch (``base.checked_rows``) with its statement parameters, grouped by
    label set and relationship type: ready for :func:`write`."""

    node_groups: dict[tuple[str, ...], Columns]
    rel_groups: dict[str, Columns]
    #: the batch's relationships, in order (to report the first bad one)
    rels: list[RelRow]
    #: ``(type, id)`` of relationships to delete first
    delete: list[tuple[str, str]]
    #: create the relationships without looking for them first (none is stored)
    fresh: bool = False

    @classmethod
    def of(
        cls,
        nodes: list[NodeRow],
        rels: list[RelRow],
        delete: list[tuple[str, str]] | None = None,
        *,
        fresh: bool = False,
    ) -> Prepared:
        by_labels: dict[tuple[str, ...], list[NodeRow]] = {}
        for n in nodes:
            by_labels.setdefault(tuple(sorted(n["labels"])), []).append(n)
        by_type: dict[str, list[RelRow]] = {}
        for rr in rels:
            group = by_type.get(rr["type"])
            if group is None:
                group = by_type[rr["type"]] = []
            group.append(rr)
        return cls(
            {labels: Columns.of(g) for labels, g in by_labels.items()},
            {t: Columns.of(g, ends=True) for t, g in by_type.items()},
            rels,
            delete or [],
            fresh and bool(rels),
        )


def write(tx: ManagedTransaction, batch: Prepared, chunk: int) -> UpsertResult:
    """Run ``batch``'s statements in ``tx``, ``chunk`` rows per statement.

    The statements count what was created, updated or left unchanged. Relationships
    whose endpoints are missing or carry the wrong labels are not created and come
    back; the first of them raises, which rolls the whole transaction back.
    """
    result = UpsertResult()
    doomed: dict[str, list[str]] = {}
    for typ, rid in batch.delete:
        if typ in MODEL.rels:
            doomed.setdefault(typ, []).append(rid)
    for typ, rids in doomed.items():
        tx.run(
            q(f"UNWIND $ids AS id MATCH ()-[x:{typ} {{id: id}}]->() {seek('x', typ)} DELETE x"),
            ids=rids,
        ).consume()
    for labels, columns in batch.node_groups.items():
        text = node_statement(labels, columns)
        for params in columns.chunks(chunk):
            size = len(params["id"])
            rec = tx.run(q(text), params).single(strict=True)
            count_into(result.nodes, size, rec["created"], rec["unchanged"])
            for column in params.values():
                column.clear()  # see Rows
    bad: list[tuple[RelRow, list[str] | None, list[str] | None]] = []
    for typ, columns in batch.rel_groups.items():
        spec = MODEL.rels[typ]
        text = rel_statement(typ, columns, new=batch.fresh)
        for params in columns.chunks(chunk):
            size = len(params["id"])
            rec = tx.run(
                q(text), params, starts=list(spec.sources), ends=list(spec.targets)
            ).single(strict=True)
            count_into(result.relationships, size, rec["created"], rec["unchanged"])
            for column in params.values():
                column.clear()  # see Rows
            for rid, start, end, la, lb in rec["bad"]:
                row: RelRow = {"id": rid, "type": typ, "start": start, "end": end, "props": {}}
                bad.append((row, la, lb))
    if bad:
        _refuse(batch.rels, bad)
    return result


def _refuse(
    rels: list[RelRow], bad: list[tuple[RelRow, list[str] | None, list[str] | None]]
) -> None:
    """Raise for the first (in batch order) relationship the statements refused."""
    position = {(r["type"], r["id"]): i for i, r in enumerate(rels)}
    row, la, lb = min(bad, key=lambda t: position.get((t[0]["type"], t[0]["id"]), len(position)))
    for end_id, end_labels in ((row["start"], la), (row["end"], lb)):
        if end_labels is None:
            raise MissingEndpoint(f"relationship {row['id']!r} ({row['type']}): no node {end_id!r}")
    check_endpoint_labels(
        row,
        [x for x in la or [] if x != ENTITY_LABEL],
        [x for x in lb or [] if x != ENTITY_LABEL],
    )
    raise AssertionError(f"relationship {row['id']!r} refused without a reason")


def _unique(v: Any) -> Any:
    """A growing list without repeats (first appearance kept); None stays None."""
    return v if v is None or len(v) < 2 else list(dict.fromkeys(v))


#: Scalar properties that always get a column of their own when a group has no more
#: than this many; beyond it, only the most common (given by at least a quarter of
#: the rows) do, and the rest travel as one map per row. A column per property costs
#: a SET item per row whether the row gives it or not: 5,000 nodes each with one of
#: 2,000 different extra properties took 125 s as columns, against 7 s as maps.
MAX_COLUMNS = 24


def _dense(props: list[dict[str, Any]], scalars: set[str]) -> tuple[set[str], set[str]]:
    """(properties with a column, properties in the per-row map) of a group."""
    if len(scalars) <= MAX_COLUMNS:
        return scalars, set()
    given: dict[str, int] = dict.fromkeys(scalars, 0)
    for p in props:
        for k, v in p.items():
            if v is not None and k in given:
                given[k] += 1
    common = sorted(
        (k for k in scalars if given[k] * 4 >= len(props)), key=lambda k: (-given[k], k)
    )[:MAX_COLUMNS]
    return set(common), scalars - set(common)


@dataclass(frozen=True)
class Columns:
    """Rows of one label set or relationship type as columns: one list per field, row
    ``i`` at index ``i`` of each. ``None`` in a property column means "not given" (as a
    key absent from a row's props). Columns pack in about a third of the time of one
    map per row (no key strings repeated per row), and the server builds no map per
    row either (``docs/performance.md``, Ingest, sixth pass)."""

    ids: list[str]
    #: ``start`` and ``end`` columns of relationships (empty for nodes)
    ends: dict[str, list[str]]
    #: property -> column, for the properties set as given
    scalars: dict[str, list[Any]]
    #: growing list property -> column (lists without repeats)
    lists: dict[str, list[Any]]
    #: per row, a map of the scalars too rare for a column of their own (None: none)
    rest: list[dict[str, Any] | None] | None = None

    @classmethod
    def of(cls, rows: Sequence[NodeRow] | Sequence[RelRow], *, ends: bool = False) -> Columns:
        props: list[dict[str, Any]] = [r["props"] for r in rows]
        keys: set[str] = set()
        for p in props:
            keys.update(p)
        dense, rare = _dense(props, keys - _GROWING)
        scalars = {}
        for k in sorted(dense):
            column = [p.get(k) for p in props]
            if any(v is not None for v in column):  # else given by no row
                scalars[k] = column
        lists = {}
        for k in sorted(keys & _GROWING):
            column = [p.get(k) for p in props]
            if any(v is not None for v in column):
                lists[k] = [_unique(v) for v in column]
        rest: list[dict[str, Any] | None] | None = None
        if rare:
            rest = [
                {k: v for k, v in p.items() if k in rare and v is not None} or None for p in props
            ]
        rels = cast("Sequence[RelRow]", rows)
        return cls(
            [r["id"] for r in rows],
            {"start": [r["start"] for r in rels], "end": [r["end"] for r in rels]} if ends else {},
            scalars,
            lists,
            rest,
        )

    def rows(self, i: int, j: int) -> Columns:
        """Rows ``i`` to ``j`` (every column cut alike)."""
        return Columns(
            self.ids[i:j],
            {k: v[i:j] for k, v in self.ends.items()},
            {k: v[i:j] for k, v in self.scalars.items()},
            {k: v[i:j] for k, v in self.lists.items()},
            None if self.rest is None else self.rest[i:j],
        )

    def chunks(self, size: int) -> list[dict[str, Rows]]:
        """Statement parameters of at most ``size`` rows each: ``id`` (and ``start``,
        ``end``), then ``s0``, ``s1``… (``scalars`` in order), ``l0``, ``l1``…
        (``lists``) and ``rest``."""
        named: dict[str, list[Any]] = {"id": self.ids, **self.ends}
        named.update({f"s{j}": c for j, c in enumerate(self.scalars.values())})
        named.update({f"l{j}": c for j, c in enumerate(self.lists.values())})
        if self.rest is not None:
            named["rest"] = self.rest
        return [
            {name: Rows(column[i : i + size]) for name, column in named.items()}
            for i in range(0, len(self.ids), size)
        ]


def seek(var: str, label_or_type: str) -> str:
    """Planner hint: seek ``var`` by id in the uniqueness constraint's index.

    Without it the planner may scan the whole index once per row instead: it
    did so for a long ``UNWIND`` list (one statement of 2,000 rows: 80 million
    db hits instead of 2,000), and for a plan made while the type was still
    empty (cached, then used on 40,000 relationships). ``USING INDEX`` alone
    is not enough: an index *scan* satisfies it.

    Propam-only types have no constraint (``graph.store.schema``) and few
    relationships, so no hint.
    """
    if label_or_type in PROPAM_ONLY_TYPES or label_or_type in PROPAM_ONLY_LABELS:
        return ""
    return f"USING INDEX SEEK {var}:{label_or_type}(id)"


_GROWING = frozenset(GROWING_LISTS)


def _name(prop: str) -> str:
    """A property name for query text, quoted (extra columns may hold any character)."""
    return "`" + prop.replace("`", "``") + "`"


class _Fields:
    """Query text for the columns of :class:`Columns`: property ``scalars[j]`` of row
    ``i`` is ``$s<j>[i]``, growing list ``lists[j]`` is ``$l<j>[i]``; ``defaults`` are
    the lists every row has (``[]`` when none is given)."""

    def __init__(self, columns: Columns, defaults: Sequence[str]) -> None:
        self.given = {_name(k): f"$s{j}[i]" for j, k in enumerate(columns.scalars)}
        self.grown = {_name(k): f"$l{j}[i]" for j, k in enumerate(columns.lists)}
        self.defaults = tuple(_name(k) for k in defaults)
        self.rest = columns.rest is not None

    def differs(self, var: str) -> str:
        """True when writing row ``i`` would change ``var`` (a given scalar differs, a
        list grows). Unchanged rows are then not written at all: rewriting equal values
        still fills the transaction state, and index seeks later in the same
        transaction slow down with every node or relationship it holds."""
        parts = [
            f"({v} IS NOT NULL AND ({var}.{k} IS NULL OR {var}.{k} <> {v}))"
            for k, v in self.given.items()
        ]
        parts += [f"{var}.{k} IS NULL" for k in self.defaults]
        parts += [
            f"any(v IN coalesce({v}, []) WHERE NOT v IN coalesce({var}.{k}, []))"
            for k, v in self.grown.items()
        ]
        if self.rest:
            parts.append(
                f"any(k IN keys(coalesce($rest[i], {{}})) "
                f"WHERE {var}[k] IS NULL OR {var}[k] <> $rest[i][k])"
            )
        return "(" + " OR ".join(parts or ["false"]) + ")"

    def sets(self, var: str, *, fresh: bool = False) -> str:
        """SET items: given scalars overwrite, lists append what they lack (order of
        first appearance, as ``merge_lists``); on a ``fresh`` entity simply assigned."""
        items = [
            f"{var}.{k} = {v}" if fresh else f"{var}.{k} = coalesce({v}, {var}.{k})"
            for k, v in self.given.items()
        ]
        for k in dict.fromkeys([*self.defaults, *self.grown]):
            v = self.grown.get(k, "null")
            if fresh:  # nothing to append to; the lists come without repeats
                items.append(f"{var}.{k} = " + (f"coalesce({v}, [])" if k in self.defaults else v))
                continue
            old = f"coalesce({var}.{k}, [])"
            value = f"{old} + [v IN coalesce({v}, []) WHERE NOT v IN {old}]"
            if k not in self.defaults:  # absent stays absent
                value = f"CASE WHEN {v} IS NULL THEN {var}.{k} ELSE {value} END"
            items.append(f"{var}.{k} = {value}")
        if self.rest:
            items.append(f"{var} += coalesce($rest[i], {{}})")
        return ", ".join(items)


def node_statement(labels: Sequence[str], columns: Columns) -> str:
    """The merge statement for one label set over :class:`Columns`' parameters."""
    label_text = ":".join(labels)
    fields = _Fields(columns, NODE_DEFAULT_LISTS)
    # A node MERGE has just created carries only the Entity label.
    return (
        f"UNWIND range(0, size($id) - 1) AS i MERGE (n:{ENTITY_LABEL} {{id: $id[i]}}) "
        "WITH i, n, size(labels(n)) = 1 AS created "
        f"WITH i, n, created, NOT n:{label_text} OR {fields.differs('n')} AS changed "
        "FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END | "
        f"SET {fields.sets('n')} SET n:{label_text}) "
        "RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, "
        "sum(CASE WHEN changed THEN 0 ELSE 1 END) AS unchanged"
    )


def rel_statement(typ: str, columns: Columns, *, new: bool = False) -> str:
    """The merge statement for one relationship type over :class:`Columns`' parameters
    (row ``i`` also has ``$start[i]`` and ``$end[i]``). Semantics as ``store/_merge.py``:
    a given scalar overwrites, a list appends what it lacks, a relationship that exists
    keeps its endpoints, unchanged rows are not written.

    ``new``: the caller promises that none of the ids is stored (``BulkWriter.submit(fresh=)``), so
    the statement skips seeking each id in the index and creates every row whose
    endpoints are right (measured in ``docs/performance.md``, Ingest, seventh pass);
    bad rows come back exactly as in the merge.
    """
    fields = _Fields(columns, REL_DEFAULT_LISTS)
    if new:  # nothing to find: no relationship exists, so none changes
        lookup = "WITH i, rid, s, e, null AS old, false AS changed "
    else:
        lookup = (
            f"OPTIONAL MATCH ()-[old:{typ} {{id: rid}}]->() {seek('old', typ)} "
            f"WITH i, rid, s, e, old, old IS NOT NULL AND {fields.differs('old')} AS changed "
        )
    return (
        "UNWIND range(0, size($id) - 1) AS i WITH i, $id[i] AS rid, $start[i] AS s, "
        "$end[i] AS e "
        f"{lookup}"
        f"OPTIONAL MATCH (a:{ENTITY_LABEL} {{id: s}}) {seek('a', ENTITY_LABEL)} "
        "WHERE old IS NULL "
        f"OPTIONAL MATCH (b:{ENTITY_LABEL} {{id: e}}) {seek('b', ENTITY_LABEL)} "
        "WHERE old IS NULL "
        "WITH i, rid, s, e, old, changed, a, b, old IS NULL AND a IS NOT NULL "
        "AND b IS NOT NULL AND any(l IN labels(a) WHERE l IN $starts) "
        "AND any(l IN labels(b) WHERE l IN $ends) AS fresh "
        "FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END | "
        f"CREATE (a)-[x:{typ} {{id: rid}}]->(b) SET {fields.sets('x', fresh=True)}) "
        "FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END | "
        f"SET {fields.sets('old')}) "
        "RETURN sum(CASE WHEN fresh THEN 1 ELSE 0 END) AS created, "
        "sum(CASE WHEN old IS NOT NULL AND NOT changed THEN 1 ELSE 0 END) AS unchanged, "
        "collect(CASE WHEN old IS NULL AND NOT fresh "
        "THEN [rid, s, e, labels(a), labels(b)] END) AS bad"
    )


def count_into(into: dict[Status, int], total: int, created: int, unchanged: int) -> None:
    into["created"] += created
    into["unchanged"] += unchanged
    into["updated"] += total - created - unchanged


class Rows(list[Any]):
    """One column of a statement's parameters (:class:`Columns`): a list whose
    ``repr`` shows only its first row.

    The driver formats every statement's parameters for its debug log before the
    logger is asked whether debug is on (``" ".join(map(repr, fields))`` in its
    bolt ``RUN``): for 5,000 rows that cost the writer thread about 2 µs per row,
    every statement, with logging off. The packer sends it exactly as a list
    (``tests/store/test_neo4j_rows.py``).

    The driver keeps a statement's parameters in a reference cycle of its own
    objects, which only the cyclic collector frees: the store empties each list once
    its statement has run, so that the rows themselves are freed at once.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        if len(self) < 2:
            return list.__repr__(self)
        return f"[{self[0]!r}, ... {len(self) - 1} more rows]"
