"""The Neo4j store: the official driver, routing-aware, explicit database.

Every query goes through :meth:`Neo4jStore.run`: managed transactions (retried
by the driver on transient errors), READ or WRITE routing so that a cluster or
Aura sends reads to followers, a server-side timeout, and transaction metadata
naming the user and request (visible in Neo4j's query log and
``SHOW TRANSACTIONS``). Writes go in ``UNWIND`` batches whose parameters are
columns, one list per field (see :class:`_Columns`). Labels and
relationship types in query text only ever come from the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar, cast

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo_exc

from graph.context import current_actor
from graph.errors import MissingEndpoint, StoreUnavailable
from graph.model import (
    ENTITY_LABEL,
    GROWING_LISTS,
    MODEL,
    PROPAM_ONLY_LABELS,
    PROPAM_ONLY_TYPES,
)
from graph.rows import NodeRow, RelRow, check_endpoint_labels
from graph.store._merge import NODE_DEFAULT_LISTS, REL_DEFAULT_LISTS, Status
from graph.store._neo4j_turn import LOCK_SCHEMA, holding
from graph.store.base import (
    Counts,
    Direction,
    Neighbour,
    PreparedBatch,
    Store,
    UpsertResult,
    empty_counts,
)
from graph.store.schema import schema_statements

T = TypeVar("T")
#: Rows per UNWIND statement inside one transaction (chosen by bench/store_write.py).
DEFAULT_CHUNK = 5_000
#: Transactions a loader may have open at once (``bench/ingest.py``: two writers on
#: two cores beat one; batches that touch the same ids still run one after the other).
DEFAULT_WRITERS = 2
#: How quickly a Neo4j that went away is noticed (the service answers 503 instead of
#: holding the request; docs/security.md, Hardening). Seconds to open a connection
#: (TCP, TLS and the Bolt handshake: a host that accepts and never answers) ...
CONNECT_TIMEOUT = 3.0
#: ... to get one from the pool, opening it included (a pool full of dead ones) ...
ACQUIRE_TIMEOUT = 3.0
#: ... for a read to keep retrying, counted from its first failure (so a read on a host
#: that stopped answering fails after two attempts, about 7 s; the driver's 30 s
#: default is kept for writes: a batch of an ingest retries through deadlocks and a
#: cluster's leader switch) ...
READ_RETRY = 1.0
#: ... and the idle time after which a pooled connection is checked (one RESET, under
#: the acquisition deadline) before a transaction uses it.
LIVENESS_CHECK = 2.0
#: The driver's errors that mean "the database cannot be reached now".
UNREACHABLE = (
    neo_exc.ServiceUnavailable,
    neo_exc.SessionExpired,
    neo_exc.ConnectionPoolError,
)


def _q(text: str) -> LiteralString:
    # Query text here is assembled only from the model's labels and types.
    return text


class Neo4jStore(Store):
    """A Neo4j server, cluster or Aura database."""

    kind = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str = "neo4j",
        read_timeout: float = 30.0,
        write_timeout: float = 600.0,
        chunk: int = DEFAULT_CHUNK,
        writers: int = DEFAULT_WRITERS,
        apply_schema: bool = True,
    ) -> None:
        self.uri = uri
        if writers < 1:
            raise ValueError(f"writers must be at least 1, not {writers}")
        self.concurrent_writes = writers
        self.database = database
        self.read_timeout = read_timeout
        self.write_timeout = write_timeout
        self.chunk = chunk
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=CONNECT_TIMEOUT,
                connection_acquisition_timeout=ACQUIRE_TIMEOUT,
                liveness_check_timeout=LIVENESS_CHECK,
                max_connection_pool_size=50,
                # "property does not exist" notices are expected on a fresh or partial
                # database (a label's first ingest); they only flooded operators' logs.
                notifications_disabled_classifications=["UNRECOGNIZED"],
            )
        except (ValueError, neo_exc.ConfigurationError) as exc:
            raise StoreUnavailable(f"bad Neo4j address {uri}: {exc}") from exc
        try:
            self._driver.verify_connectivity()
            self._driver.execute_query(
                "RETURN 1", database_=database, routing_=neo4j.RoutingControl.READ
            )
        except neo_exc.AuthError as exc:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {uri} refused the credentials") from exc
        except (*UNREACHABLE, OSError) as exc:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {_one_line(exc)}") from exc
        except neo_exc.ClientError as exc:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {uri}: {exc.message}") from exc
        if apply_schema:
            self.apply_schema()

    # -- the one runner --------------------------------------------------------
    def run(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run one Cypher statement in a managed transaction and return its records."""

        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(_q(text), params or {})]

        return self.transaction(work, write=write, timeout=timeout)

    def transaction(
        self, work: Callable[[ManagedTransaction], T], *, write: bool, timeout: float | None = None
    ) -> T:
        """Run ``work`` in one managed transaction (all of it commits, or none).

        The transaction carries a server-side timeout and metadata naming the
        user and request; the driver retries it on transient errors.
        """
        work = neo4j.unit_of_work(
            metadata=current_actor().metadata(),
            timeout=timeout if timeout is not None else self._timeout(write),
        )(work)
        try:
            with self._session(write) as session:
                if write:
                    return session.execute_write(work)
                return session.execute_read(work)
        except UNREACHABLE as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable: {_one_line(exc)}") from exc

    def _session(self, write: bool) -> neo4j.Session:
        """A session on our database; reads give up retrying after ``READ_RETRY`` s."""
        if write:
            return self._driver.session(
                database=self.database, default_access_mode=neo4j.WRITE_ACCESS
            )
        return self._driver.session(
            database=self.database,
            default_access_mode=neo4j.READ_ACCESS,
            max_transaction_retry_time=READ_RETRY,
        )

    @property
    def generation(self) -> str:
        """Changes whenever the database commits anything (ours or anyone's).

        The bookmark the server returns after an empty read transaction: it names
        the last transaction committed on the database that answered, so it is a
        cheap key (one round trip) for caching what is derived from the whole
        graph. In a cluster different members may answer with different
        bookmarks; that only costs a cache miss, never a stale answer.
        """
        try:
            with self._session(write=False) as session:
                session.execute_read(lambda tx: tx.run("RETURN 1").consume())
                return "|".join(sorted(session.last_bookmarks().raw_values))
        except UNREACHABLE as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable: {_one_line(exc)}") from exc

    def _timeout(self, write: bool) -> float:
        return self.write_timeout if write else self.read_timeout

    def apply_schema(self) -> None:
        """Create the model's constraints and indexes (idempotent), and wait until
        they are online: the store's statements name them in planner hints."""
        for stmt in [*schema_statements(), LOCK_SCHEMA]:
            self.run(stmt, write=True)
        self.run("CALL db.awaitIndexes($seconds)", {"seconds": 600}, timeout=660)

    def _turn(self, waiting: Callable[[], None]) -> AbstractContextManager[None]:
        """A lock held inside Neo4j by an open transaction (``_neo4j_turn.py``): the
        writers of every machine that uses this database take turns."""
        return holding(self._driver, database=self.database, uri=self.uri, waiting=waiting)

    def where(self) -> str:
        return f"{self.uri} ({self.database})"

    # -- reads -----------------------------------------------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        rows = self.run(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) {_seek('n', ENTITY_LABEL)} "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            {"ids": list(ids)},
        )
        return {r["id"]: _node(r) for r in rows}

    def get_rels(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RelRow]:
        out: dict[tuple[str, str], RelRow] = {}
        by_type: dict[str, list[str]] = {}
        for typ, rid in keys:
            by_type.setdefault(typ, []).append(rid)
        for typ, rids in by_type.items():
            if typ not in MODEL.rels:
                continue
            for r in self.run(
                f"UNWIND $ids AS id MATCH (a)-[x:{typ} {{id: id}}]->(b) {_seek('x', typ)} "
                "RETURN x.id AS id, a.id AS start, b.id AS end, properties(x) AS props",
                {"ids": rids},
            ):
                out[(typ, r["id"])] = _rel(typ, r)
        return out

    def neighbours(
        self,
        node_id: str,
        *,
        types: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        parts = []
        if direction in ("out", "both"):
            parts.append(("out", "(n)-[x]->(m)", ""))
        if direction in ("in", "both"):
            parts.append(("in", "(n)<-[x]-(m)", "AND m <> n" if direction == "both" else ""))
        found: list[tuple[str, str, str, Neighbour]] = []
        for d, pattern, extra in parts:
            rows = self.run(
                f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) MATCH {pattern} "
                f"WHERE ($types IS NULL OR type(x) IN $types) "
                f"AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels)) {extra} "
                "RETURN type(x) AS type, x.id AS rid, properties(x) AS rprops, "
                "startNode(x).id AS start, endNode(x).id AS end, "
                "m.id AS id, labels(m) AS labels, properties(m) AS props "
                "ORDER BY type, id, rid" + (" LIMIT $limit" if limit is not None else ""),
                {
                    "id": node_id,
                    "types": list(types) if types else None,
                    "labels": list(labels) if labels else None,
                    "limit": limit,
                },
            )
            for r in rows:
                rel = _rel(r["type"], {**r, "id": r["rid"], "props": r["rprops"]})
                item: Neighbour = {"rel": rel, "node": _node(r), "direction": d}  # type: ignore[typeddict-item]
                found.append((r["type"], r["id"], r["rid"], item))
        found.sort(key=lambda t: t[:3])
        items = [t[3] for t in found]
        return items[:limit] if limit is not None else items

    def find_by_property(
        self, label: str, prop: str, values: Sequence[str]
    ) -> dict[str, list[str]]:
        spec = MODEL.nodes[label]
        p = spec.prop(prop)
        if p is None:
            raise ValueError(f"{label} has no property {prop!r}")
        cond = f"v IN n.{prop}" if p.type == "list[str]" else f"n.{prop} = v"
        hint = f"USING INDEX SEEK n:{label}({prop})" if p.indexed else ""
        rows = self.run(
            f"UNWIND $values AS v MATCH (n:{label}) {hint} WHERE {cond} "
            "RETURN v, collect(n.id) AS ids",
            {"values": sorted(set(values))},
        )
        return {r["v"]: sorted(r["ids"]) for r in rows}

    def holds_rel_prefix(self, typ: str, prefix: str) -> bool:
        if typ not in MODEL.rels:
            raise ValueError(f"unknown relationship type {typ!r}")
        # A prefix seek in the relationship id index: one index probe.
        rows = self.run(
            f"MATCH ()-[r:{typ}]->() USING INDEX r:{typ}(id) WHERE r.id STARTS WITH $prefix "
            "RETURN r.id AS id LIMIT 1",
            {"prefix": prefix},
        )
        return bool(rows)

    def counts(self) -> Counts:
        # One round trip; each branch is answered from Neo4j's count store.
        branches = [
            f"MATCH (n:{label}) RETURN 'n' AS kind, '{label}' AS name, count(n) AS c"
            for label in MODEL.labels
        ] + [
            f"MATCH ()-[r:{typ}]->() RETURN 'r' AS kind, '{typ}' AS name, count(r) AS c"
            for typ in MODEL.types
        ]
        out = empty_counts()
        for row in self.run(" UNION ALL ".join(branches)):
            out["nodes" if row["kind"] == "n" else "relationships"][row["name"]] = row["c"]
        return out

    # -- writes ----------------------------------------------------------------
    def _payload(self, nodes: list[NodeRow], rels: list[RelRow]) -> _Payload:
        return _payload(nodes, rels)

    def write_prepared(
        self, batch: PreparedBatch, *, before_commit: Callable[[], None] | None = None
    ) -> UpsertResult:
        payload = batch.payload
        if not isinstance(payload, _Payload):
            payload = _payload(batch.nodes, batch.rels)
        return self._write_payload(payload, batch.delete, before_commit, new_rels=batch.new_rels)

    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        return self._write_payload(_payload(nodes, rels), delete)

    def _write_payload(
        self,
        payload: _Payload,
        delete: list[tuple[str, str]],
        before_commit: Callable[[], None] | None = None,
        *,
        new_rels: bool = False,
    ) -> UpsertResult:
        """Merge on the server: no read of stored rows, one statement per chunk.

        The statements apply ``store/_merge.py``'s semantics in Cypher (given
        scalars overwrite, growing lists append what they lack, labels only grow,
        a relationship's endpoints are fixed when it is created) and count what
        was created, updated or left unchanged. Relationships whose endpoints are
        missing or carry the wrong labels are not created and come back; the
        first of them raises, which rolls the whole transaction back.
        """
        node_groups, rel_groups = payload.node_groups, payload.rel_groups

        def work(tx: ManagedTransaction) -> UpsertResult:
            result = UpsertResult()
            doomed: dict[str, list[str]] = {}
            for typ, rid in delete:
                if typ in MODEL.rels:
                    doomed.setdefault(typ, []).append(rid)
            for typ, rids in doomed.items():
                seek = _seek("x", typ)
                tx.run(
                    _q(f"UNWIND $ids AS id MATCH ()-[x:{typ} {{id: id}}]->() {seek} DELETE x"),
                    ids=rids,
                ).consume()
            for labels, columns in node_groups.items():
                text = _node_statement(labels, columns)
                for params in columns.chunks(self.chunk):
                    size = len(params["id"])
                    rec = tx.run(_q(text), params).single(strict=True)
                    _count(result.nodes, size, rec["created"], rec["unchanged"])
                    for column in params.values():
                        column.clear()  # see _Rows
            bad: list[tuple[RelRow, list[str] | None, list[str] | None]] = []
            for typ, columns in rel_groups.items():
                spec = MODEL.rels[typ]
                text = _rel_statement(typ, columns, new=new_rels)
                for params in columns.chunks(self.chunk):
                    size = len(params["id"])
                    rec = tx.run(
                        _q(text), params, starts=list(spec.sources), ends=list(spec.targets)
                    ).single(strict=True)
                    _count(result.relationships, size, rec["created"], rec["unchanged"])
                    for column in params.values():
                        column.clear()  # see _Rows
                    for rid, start, end, la, lb in rec["bad"]:
                        row: RelRow = {
                            "id": rid,
                            "type": typ,
                            "start": start,
                            "end": end,
                            "props": {},
                        }
                        bad.append((row, la, lb))
            if bad:
                position = {(r["type"], r["id"]): i for i, r in enumerate(payload.rels)}
                row, la, lb = min(
                    bad, key=lambda t: position.get((t[0]["type"], t[0]["id"]), len(position))
                )
                for end_id, end_labels in ((row["start"], la), (row["end"], lb)):
                    if end_labels is None:
                        raise MissingEndpoint(
                            f"relationship {row['id']!r} ({row['type']}): no node {end_id!r}"
                        )
                check_endpoint_labels(
                    row,
                    [x for x in la or [] if x != ENTITY_LABEL],
                    [x for x in lb or [] if x != ENTITY_LABEL],
                )
                raise AssertionError(f"relationship {row['id']!r} refused without a reason")
            if before_commit is not None:
                before_commit()  # raising here rolls the transaction back
            return result

        return self.transaction(work, write=True)

    def rels_of_type(self, typ: str, *, limit: int | None = None) -> list[RelRow]:
        if typ not in MODEL.rels:
            return []
        rows = self.run(
            f"MATCH (a)-[x:{typ}]->(b) RETURN x.id AS id, a.id AS start, b.id AS end, "
            "properties(x) AS props ORDER BY id" + (" LIMIT $limit" if limit is not None else ""),
            {"limit": limit},
        )
        return [_rel(typ, r) for r in rows]

    def wipe(self) -> None:
        # Relationships first, in bounded transactions: a DETACH DELETE of 10,000
        # well-connected nodes can exceed the server's transaction memory limit.
        for text in (
            "MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS c",
            "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c",
        ):
            while self.run(text, write=True)[0]["c"]:
                pass

    def delete_nodes(self, ids: Sequence[str], *, labels: Iterable[str]) -> int:
        wanted = sorted(set(labels))
        if not ids or not wanted:
            return 0
        rows = self.run(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
            "WHERE any(l IN labels(n) WHERE l IN $labels) "
            "DETACH DELETE n RETURN count(*) AS c",
            {"ids": list(ids), "labels": wanted},
            write=True,
        )
        return int(rows[0]["c"]) if rows else 0

    def check(self) -> dict[str, str]:
        info = self._driver.get_server_info()
        rows = self.run(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN name, versions[0] AS version, edition"
        )
        r = rows[0] if rows else {}
        return {
            "store": "neo4j",
            "uri": self.uri,
            "database": self.database,
            "server": str(info.agent),
            "version": str(r.get("version", "")),
            "edition": str(r.get("edition", "")),
        }

    def close(self) -> None:
        self._driver.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


@dataclass(frozen=True)
class _Payload:
    """Statement parameters of one batch, grouped by label set and relationship type."""

    node_groups: dict[tuple[str, ...], _Columns]
    rel_groups: dict[str, _Columns]
    #: the batch's relationships, in order (to report the first bad one)
    rels: list[RelRow]


def _payload(nodes: list[NodeRow], rels: list[RelRow]) -> _Payload:
    by_labels: dict[tuple[str, ...], list[NodeRow]] = {}
    for n in nodes:
        by_labels.setdefault(tuple(sorted(n["labels"])), []).append(n)
    by_type: dict[str, list[RelRow]] = {}
    for rr in rels:
        group = by_type.get(rr["type"])
        if group is None:
            group = by_type[rr["type"]] = []
        group.append(rr)
    return _Payload(
        {labels: _Columns.of(g) for labels, g in by_labels.items()},
        {t: _Columns.of(g, ends=True) for t, g in by_type.items()},
        rels,
    )


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
class _Columns:
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
    def of(cls, rows: Sequence[NodeRow] | Sequence[RelRow], *, ends: bool = False) -> _Columns:
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

    def chunks(self, size: int) -> list[dict[str, _Rows]]:
        """Statement parameters of at most ``size`` rows each: ``id`` (and ``start``,
        ``end``), then ``s0``, ``s1``… (``scalars`` in order), ``l0``, ``l1``…
        (``lists``) and ``rest``."""
        named: dict[str, list[Any]] = {"id": self.ids, **self.ends}
        named.update({f"s{j}": c for j, c in enumerate(self.scalars.values())})
        named.update({f"l{j}": c for j, c in enumerate(self.lists.values())})
        if self.rest is not None:
            named["rest"] = self.rest
        return [
            {name: _Rows(column[i : i + size]) for name, column in named.items()}
            for i in range(0, len(self.ids), size)
        ]


def _seek(var: str, label_or_type: str) -> str:
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
    """Query text for the columns of :class:`_Columns`: property ``scalars[j]`` of row
    ``i`` is ``$s<j>[i]``, growing list ``lists[j]`` is ``$l<j>[i]``; ``defaults`` are
    the lists every row has (``[]`` when none is given)."""

    def __init__(self, columns: _Columns, defaults: Sequence[str]) -> None:
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


def _node_statement(labels: Sequence[str], columns: _Columns) -> str:
    """The merge statement for one label set over :class:`_Columns`' parameters."""
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


def _rel_statement(typ: str, columns: _Columns, *, new: bool = False) -> str:
    """The merge statement for one relationship type over :class:`_Columns`' parameters
    (row ``i`` also has ``$start[i]`` and ``$end[i]``). Semantics as ``store/_merge.py``:
    a given scalar overwrites, a list appends what it lacks, a relationship that exists
    keeps its endpoints, unchanged rows are not written.

    ``new``: the caller promises that none of the ids is stored (``Store.prepare``), so
    the statement skips seeking each id in the index and creates every row whose
    endpoints are right (measured in ``docs/performance.md``, Ingest, seventh pass);
    bad rows come back exactly as in the merge.
    """
    fields = _Fields(columns, REL_DEFAULT_LISTS)
    if new:  # nothing to find: no relationship exists, so none changes
        lookup = "WITH i, rid, s, e, null AS old, false AS changed "
    else:
        lookup = (
            f"OPTIONAL MATCH ()-[old:{typ} {{id: rid}}]->() {_seek('old', typ)} "
            f"WITH i, rid, s, e, old, old IS NOT NULL AND {fields.differs('old')} AS changed "
        )
    return (
        "UNWIND range(0, size($id) - 1) AS i WITH i, $id[i] AS rid, $start[i] AS s, "
        "$end[i] AS e "
        f"{lookup}"
        f"OPTIONAL MATCH (a:{ENTITY_LABEL} {{id: s}}) {_seek('a', ENTITY_LABEL)} "
        "WHERE old IS NULL "
        f"OPTIONAL MATCH (b:{ENTITY_LABEL} {{id: e}}) {_seek('b', ENTITY_LABEL)} "
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


def _count(into: dict[Status, int], total: int, created: int, unchanged: int) -> None:
    into["created"] += created
    into["unchanged"] += unchanged
    into["updated"] += total - created - unchanged


class _Rows(list[Any]):
    """One column of a statement's parameters (:class:`_Columns`): a list whose
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


def _node(r: dict[str, Any]) -> NodeRow:
    props = dict(r["props"])
    props.pop("id", None)
    labels = sorted(label for label in r["labels"] if label != ENTITY_LABEL)
    return {"id": r["id"], "labels": labels, "props": props}


def _rel(typ: str, r: dict[str, Any]) -> RelRow:
    props = dict(r["props"])
    props.pop("id", None)
    return {"id": r["id"], "type": typ, "start": r["start"], "end": r["end"], "props": props}
