"""The Neo4j store: the official driver, routing-aware, explicit database.

Every query goes through :meth:`Neo4jStore.run`: managed transactions (retried
by the driver on transient errors), READ or WRITE routing so that a cluster or
Aura sends reads to followers, a server-side timeout, and transaction metadata
naming the user and request (visible in Neo4j's query log and
``SHOW TRANSACTIONS``). Writes are merged on the server in ``UNWIND`` statements
whose parameters are columns (``_neo4j_write.py``); a loader's batches go through
the bulk writer (``_neo4j_bulk.py``), in explicit transactions retried by the driver's
rules, except that a refusal for memory is handed back to be written in parts. Labels
and relationship types in query text only ever come from the model.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo_exc

from graph.context import current_actor
from graph.errors import StoreUnavailable
from graph.model import ENTITY_LABEL, EXTRA_PREFIX, MODEL
from graph.rows import NodeRow, RelRow
from graph.store._neo4j_turn import LOCK_SCHEMA, holding
from graph.store._neo4j_write import Prepared, q, seek, write
from graph.store.base import (
    BulkWriter,
    Counts,
    Direction,
    Neighbour,
    Store,
    UpsertResult,
    empty_counts,
)
from graph.store.schema import EXTRA_INDEX, extra_index_statements, schema_statements

if TYPE_CHECKING:
    from graph.store._neo4j_bulk import Neo4jBulk

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
#: Seconds a write keeps retrying a transient error, counted from its first failure
#: (the driver's default, which ``transaction`` keeps for writes), and the first delay,
#: doubled each time with 20 % jitter (also the driver's).
WRITE_RETRY = 30.0
RETRY_DELAY = 1.0
#: The codes with which Neo4j 5.26 refuses a transaction for memory: the pool that all
#: transactions share (``dbms.memory.transaction.total.max``), one transaction's limit
#: (``db.memory.transaction.max``; Aura sets one), the off-heap transaction state, the heap.
#: The same transaction would be refused again; a smaller one may not be.
MEMORY_REFUSALS = frozenset(
    {
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.ClientError.General.TransactionOutOfMemoryError",
        "Neo.TransientError.General.TransactionMemoryLimit",
        "Neo.TransientError.General.OutOfMemoryError",
    }
)


class RefusedForMemory(Exception):
    """The server refused a divisible write for memory (:data:`MEMORY_REFUSALS`); nothing
    of it was committed. The bulk writer writes it again in parts (``_neo4j_bulk.py``)."""

    def __init__(self, error: neo_exc.Neo4jError) -> None:
        super().__init__(_one_line(error))
        self.error = error


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
        #: transactions a bulk writer keeps open at once (``TELUSUR_NEO4J_WRITERS``)
        self.writers = writers
        #: per thread, the bulk writer it opened (its reads wait for its batches)
        self._bulk_of = threading.local()
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
            return [r.data() for r in tx.run(q(text), params or {})]

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
        """A session on our database; reads give up retrying after ``READ_RETRY`` s.

        In a thread that has a bulk writer open, first every batch it submitted is
        written (its reads see them, its writes come after them)."""
        bulk: Neo4jBulk | None = getattr(self._bulk_of, "writer", None)
        if bulk is not None:
            bulk.sync()
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
        self.index_new_columns()
        self.run("CALL db.awaitIndexes($seconds)", {"seconds": 600}, timeout=660)

    def extra_columns(self) -> tuple[list[str], list[str]]:
        """The extra columns' property names (``x_*``) the database knows, and those
        :data:`~graph.store.schema.EXTRA_INDEX` covers while it is online."""
        keys = self.run(
            "CALL db.propertyKeys() YIELD propertyKey WHERE propertyKey STARTS WITH $prefix "
            "RETURN propertyKey ORDER BY propertyKey",
            {"prefix": EXTRA_PREFIX},
        )
        index = self.run(
            "SHOW FULLTEXT INDEXES YIELD name, properties, state "
            f"WHERE name = '{EXTRA_INDEX}' AND state = 'ONLINE' RETURN properties"
        )
        covered = sorted(index[0]["properties"]) if index else []
        return [r["propertyKey"] for r in keys], covered

    def index_new_columns(self) -> None:
        """Make the extra columns' full-text index cover every ``x_*`` property name
        (a new column: the index is made again, and Neo4j fills it from the data)."""
        keys, covered = self.extra_columns()
        if set(keys) <= set(covered):
            return
        for stmt in extra_index_statements(keys):
            self.run(stmt, write=True)
        # all of them: another process may have just made it again under the same name
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
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) {seek('n', ENTITY_LABEL)} "
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
                f"UNWIND $ids AS id MATCH (a)-[x:{typ} {{id: id}}]->(b) {seek('x', typ)} "
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

    def neighbours_of(
        self, node_ids: Sequence[str], *, types: Sequence[str], direction: Direction = "both"
    ) -> dict[str, list[Neighbour]]:
        out: dict[str, list[tuple[str, str, str, Neighbour]]] = {}
        for d in ("out", "in"):
            if direction not in (d, "both"):
                continue
            pattern = "(n)-[x]->(m)" if d == "out" else "(n)<-[x]-(m)"
            extra = "AND m <> n" if d == "in" and direction == "both" else ""
            rows = self.run(
                f"UNWIND $ids AS nid MATCH (n:{ENTITY_LABEL} {{id: nid}}) MATCH {pattern} "
                f"WHERE type(x) IN $types {extra} "
                "RETURN nid, type(x) AS type, x.id AS rid, properties(x) AS rprops, "
                "startNode(x).id AS start, endNode(x).id AS end, "
                "m.id AS id, labels(m) AS labels, properties(m) AS props",
                {"ids": sorted(set(node_ids)), "types": list(types)},
            )
            for r in rows:
                rel = _rel(r["type"], {**r, "id": r["rid"], "props": r["rprops"]})
                item: Neighbour = {"rel": rel, "node": _node(r), "direction": d}
                out.setdefault(r["nid"], []).append((r["type"], r["id"], r["rid"], item))
        return {nid: [t[3] for t in sorted(v, key=lambda t: t[:3])] for nid, v in out.items()}

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
    def _write(
        self, nodes: list[NodeRow], rels: list[RelRow], delete: list[tuple[str, str]]
    ) -> UpsertResult:
        return self._write_prepared(Prepared.of(nodes, rels, delete))

    def _write_prepared(
        self,
        batch: Prepared,
        before_commit: Callable[[], None] | None = None,
        *,
        divisible: bool = False,
    ) -> UpsertResult:
        """Write ``batch`` in one transaction: merged on the server, nothing read back
        (``_neo4j_write.py``). ``before_commit`` runs after the statements, inside the
        transaction; raising there rolls it back (the bulk writer's commit order).

        ``divisible``: the caller can write the batch in parts instead (the bulk writer),
        so a refusal for memory raises :class:`RefusedForMemory` at once rather than being
        retried whole, which the driver would do for half a minute with the same result.
        """

        def work(tx: ManagedTransaction) -> UpsertResult:
            result = write(tx, batch, self.chunk)
            if before_commit is not None:
                before_commit()
            return result

        if divisible:
            return self._write_divisible(work)
        return self.transaction(work, write=True)

    def _write_divisible(self, work: Callable[[ManagedTransaction], T]) -> T:
        """``transaction(work, write=True)`` in an explicit transaction, retried as the
        driver retries a managed one (transient errors, a lost connection: for
        :data:`WRITE_RETRY` seconds, delays doubling from :data:`RETRY_DELAY`), except
        that a refusal for memory raises :class:`RefusedForMemory` at once. The driver
        retries a managed transaction on every transient error, and the pool's refusal is
        one, also when it comes at commit, outside ``work``."""
        metadata = current_actor().metadata()
        delay, first_failure = RETRY_DELAY, None
        while True:
            error: neo_exc.Neo4jError | neo_exc.DriverError
            try:
                with (
                    self._session(write=True) as session,
                    session.begin_transaction(metadata=metadata, timeout=self.write_timeout) as tx,
                ):
                    # ``work`` only runs statements, which both kinds of transaction offer
                    result = work(cast("ManagedTransaction", tx))
                    tx.commit()
                return result
            except neo_exc.Neo4jError as exc:
                if exc.code in MEMORY_REFUSALS:
                    raise RefusedForMemory(exc) from exc
                error = exc
            except neo_exc.DriverError as exc:
                error = exc
            now = time.monotonic()
            first_failure = now if first_failure is None else first_failure
            if not error.is_retryable() or now - first_failure > WRITE_RETRY:
                if isinstance(error, UNREACHABLE):
                    raise StoreUnavailable(
                        f"Neo4j at {self.uri} is unavailable: {_one_line(error)}"
                    ) from error
                raise error
            time.sleep(delay * random.uniform(0.8, 1.2))
            delay *= 2

    def bulk(self, on_result: Callable[[UpsertResult], None] | None = None) -> BulkWriter:
        """Batches written by :attr:`writers` threads while this thread prepares the next
        (``_neo4j_bulk.py``); reads and writes from this thread wait for them."""
        from graph.store._neo4j_bulk import Neo4jBulk

        return Neo4jBulk(self, on_result, writers=self.writers)

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


def _node(r: dict[str, Any]) -> NodeRow:
    props = dict(r["props"])
    props.pop("id", None)
    labels = sorted(label for label in r["labels"] if label != ENTITY_LABEL)
    return {"id": r["id"], "labels": labels, "props": props}


def _rel(typ: str, r: dict[str, Any]) -> RelRow:
    props = dict(r["props"])
    props.pop("id", None)
    return {"id": r["id"], "type": typ, "start": r["start"], "end": r["end"], "props": props}
