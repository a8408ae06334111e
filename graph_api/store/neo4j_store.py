"""The Neo4j store: the official driver, routing-aware, explicit database.

Every query goes through :meth:`Neo4jStore.run`: managed transactions (retried
by the driver on transient errors), READ or WRITE routing so that a cluster or
Aura sends reads to followers, a server-side timeout, and transaction metadata
naming the user and request (visible in Neo4j's query log and
``SHOW TRANSACTIONS``). Writes go in ``UNWIND $rows`` batches. Labels and
relationship types in query text only ever come from the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo_exc

from graph_api.context import current_actor
from graph_api.errors import StoreUnavailable
from graph_api.model import ENTITY_LABEL, MODEL
from graph_api.rows import NodeRow, RelRow
from graph_api.store.base import Counts, Direction, Neighbour, Store, UpsertResult, empty_counts
from graph_api.store.schema import schema_statements

T = TypeVar("T")
#: Rows per UNWIND statement inside one transaction (chosen by bench/store_write.py).
DEFAULT_CHUNK = 5_000


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
        apply_schema: bool = True,
    ) -> None:
        self.uri = uri
        self.database = database
        self.read_timeout = read_timeout
        self.write_timeout = write_timeout
        self.chunk = chunk
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_acquisition_timeout=20.0,
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
        except (neo_exc.ServiceUnavailable, neo_exc.SessionExpired, OSError) as exc:
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
            with self._driver.session(
                database=self.database,
                default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
            ) as session:
                if write:
                    return session.execute_write(work)
                return session.execute_read(work)
        except (neo_exc.ServiceUnavailable, neo_exc.SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable: {_one_line(exc)}") from exc

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
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                session.execute_read(lambda tx: tx.run("RETURN 1").consume())
                return "|".join(sorted(session.last_bookmarks().raw_values))
        except (neo_exc.ServiceUnavailable, neo_exc.SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable: {_one_line(exc)}") from exc

    def _timeout(self, write: bool) -> float:
        return self.write_timeout if write else self.read_timeout

    def apply_schema(self) -> None:
        """Create the model's constraints and indexes (idempotent)."""
        for stmt in schema_statements():
            self.run(stmt, write=True)

    # -- reads -----------------------------------------------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        rows = self.run(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
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
                f"UNWIND $ids AS id MATCH (a)-[x:{typ} {{id: id}}]->(b) "
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
        rows = self.run(
            f"UNWIND $values AS v MATCH (n:{label}) WHERE {cond} RETURN v, collect(n.id) AS ids",
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
        def work(tx: ManagedTransaction) -> UpsertResult:
            def run(text: str, **params: Any) -> list[dict[str, Any]]:
                return [r.data() for r in tx.run(_q(text), params)]

            doomed: dict[str, list[str]] = {}
            for typ, rid in delete:
                if typ in MODEL.rels:
                    doomed.setdefault(typ, []).append(rid)
            for typ, rids in doomed.items():
                run(f"UNWIND $ids AS id MATCH ()-[x:{typ} {{id: id}}]->() DELETE x", ids=rids)

            stored: dict[str, NodeRow] = {}
            ends = list({e for r in rels for e in (r["start"], r["end"])})
            ids = [n["id"] for n in nodes]
            for chunk in _chunks(list(dict.fromkeys(ids + ends)), self.chunk):
                for r in run(
                    f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
                    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
                    ids=chunk,
                ):
                    stored[r["id"]] = _node(r)
            stored_rels: dict[tuple[str, str], RelRow] = {}
            by_type: dict[str, list[str]] = {}
            for rel_row in rels:
                by_type.setdefault(rel_row["type"], []).append(rel_row["id"])
            for typ, rids in by_type.items():
                for chunk in _chunks(rids, self.chunk):
                    for found in run(
                        f"UNWIND $ids AS id MATCH (a)-[x:{typ} {{id: id}}]->(b) "
                        "RETURN x.id AS id, a.id AS start, b.id AS end, properties(x) AS props",
                        ids=chunk,
                    ):
                        stored_rels[(typ, found["id"])] = _rel(typ, found)
            end_labels = {i: stored[i]["labels"] for i in ends if i in stored}
            node_ids = set(ids)
            plan = self.plan(
                nodes,
                rels,
                {i: n for i, n in stored.items() if i in node_ids},
                stored_rels,
                end_labels,
            )
            by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for n in plan.nodes:
                by_labels.setdefault(tuple(n["labels"]), []).append(
                    {"id": n["id"], "props": {**n["props"], "id": n["id"]}}
                )
            for labels, label_rows in by_labels.items():
                label_text = ":".join(labels)
                for node_chunk in _chunks(label_rows, self.chunk):
                    run(
                        f"UNWIND $rows AS r MERGE (n:{ENTITY_LABEL} {{id: r.id}}) "
                        f"SET n = r.props SET n:{label_text}",
                        rows=node_chunk,
                    )
            new_rows: dict[str, list[dict[str, Any]]] = {}
            old_rows: dict[str, list[dict[str, Any]]] = {}
            for rr in plan.rels:
                key = (rr["type"], rr["id"])
                target = new_rows if key in plan.new_rel_ids else old_rows
                target.setdefault(rr["type"], []).append(
                    {
                        "id": rr["id"],
                        "start": rr["start"],
                        "end": rr["end"],
                        "props": {**rr["props"], "id": rr["id"]},
                    }
                )
            for typ, typed in new_rows.items():
                for rel_chunk in _chunks(typed, self.chunk):
                    run(
                        f"UNWIND $rows AS r MATCH (a:{ENTITY_LABEL} {{id: r.start}}) "
                        f"MATCH (b:{ENTITY_LABEL} {{id: r.end}}) "
                        f"CREATE (a)-[x:{typ}]->(b) SET x = r.props",
                        rows=rel_chunk,
                    )
            for typ, typed in old_rows.items():
                for rel_chunk in _chunks(typed, self.chunk):
                    run(
                        f"UNWIND $rows AS r MATCH ()-[x:{typ} {{id: r.id}}]->() SET x = r.props",
                        rows=rel_chunk,
                    )
            return plan.result

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
        while self.run(
            "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", write=True
        )[0]["c"]:
            pass

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


def _chunks(items: list[T], size: int) -> list[list[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or []


def _node(r: dict[str, Any]) -> NodeRow:
    props = dict(r["props"])
    props.pop("id", None)
    labels = sorted(label for label in r["labels"] if label != ENTITY_LABEL)
    return {"id": r["id"], "labels": labels, "props": props}


def _rel(typ: str, r: dict[str, Any]) -> RelRow:
    props = dict(r["props"])
    props.pop("id", None)
    return {"id": r["id"], "type": typ, "start": r["start"], "end": r["end"], "props": props}
