"""``POST /cypher``: the analysts' read-only console (Neo4j only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from neo4j import ManagedTransaction
from neo4j import exceptions as neo_exc
from neo4j.graph import Node, Path, Relationship

from graph.model import ENTITY_LABEL
from graph.store import Neo4jStore, Store
from graph_api.web import cypher_guard
from graph_api.web.deps import AnalystCtx
from graph_api.web.problems import Problem
from graph_api.web.routes._common import problems
from graph_api.web.schemas import CypherQuery, CypherResult

router = APIRouter(tags=["analyst"], responses=problems(501))
MAX_PARAMS = 50


def _value(v: Any) -> Any:
    if isinstance(v, Node):
        return {
            "id": v.get("id"),
            "labels": sorted(lb for lb in v.labels if lb != ENTITY_LABEL),
            "props": {k: _value(x) for k, x in v.items() if k != "id"},
        }
    if isinstance(v, Relationship):
        return {
            "id": v.get("id"),
            "type": v.type,
            "start": v.start_node.get("id") if v.start_node else None,
            "end": v.end_node.get("id") if v.end_node else None,
            "props": {k: _value(x) for k, x in v.items() if k != "id"},
        }
    if isinstance(v, Path):
        return {
            "nodes": [_value(n) for n in v.nodes],
            "relationships": [_value(r) for r in v.relationships],
        }
    if isinstance(v, list | tuple):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _value(x) for k, x in v.items()}
    if v is None or isinstance(v, str | int | float | bool):
        return v
    iso = getattr(v, "iso_format", None)
    return iso() if callable(iso) else str(v)


def run_console(
    store: Store, *, query: str, parameters: dict[str, Any], rows: int, timeout: float
) -> dict[str, Any]:
    """Run a guarded query in a READ transaction; at most ``rows`` rows come back."""
    if not isinstance(store, Neo4jStore):
        raise Problem(
            501,
            "not implemented",
            "the Cypher console needs a Neo4j store; this service runs on the embedded store",
        )

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        result = tx.run(query, parameters)  # guarded by cypher_guard.check
        keys = list(result.keys())
        out: list[list[Any]] = []
        truncated = False
        for record in result:
            if len(out) >= rows:
                truncated = True
                break
            out.append([_value(record[k]) for k in keys])
        result.consume()
        return {"columns": keys, "rows": out, "count": len(out), "truncated": truncated}

    try:
        return store.transaction(work, write=False, timeout=timeout)
    except neo_exc.ClientError as exc:
        code = exc.code or ""
        if "AccessMode" in code or "Forbidden" in code:
            raise Problem(403, "forbidden", "the console is read-only") from exc
        if "Timeout" in code or "TimedOut" in code or "Terminated" in code:
            raise Problem(
                400, "query too expensive", f"stopped after the {timeout:g} s limit"
            ) from exc
        if "Memory" in code:
            raise Problem(400, "query too expensive", "exceeded the memory limit") from exc
        raise Problem(400, "bad query", (exc.message or code)[:500]) from exc
    except neo_exc.TransientError as exc:
        raise Problem(400, "query too expensive", (exc.message or "")[:300]) from exc
    except (neo_exc.CypherTypeError, neo_exc.DatabaseError) as exc:
        raise Problem(400, "bad query", str(exc)[:300]) from exc


@router.post(
    "/cypher", response_model=CypherResult, summary="A read-only Cypher query (analysts, Neo4j)"
)
def cypher(ctx: AnalystCtx, body: CypherQuery, request: Request) -> Any:
    """Read-only Cypher with a timeout and a row cap; writes are refused before they run."""
    request.state.audit_params = {
        "query": body.query[:2000],
        "parameters": sorted(body.parameters)[:MAX_PARAMS],
    }
    if len(body.parameters) > MAX_PARAMS:
        raise Problem(400, "bad query", f"at most {MAX_PARAMS} parameters")
    if ctx.store().kind != "neo4j":
        raise Problem(
            501,
            "not implemented",
            "the Cypher console needs a Neo4j store; this service runs on the embedded store",
        )
    try:
        cypher_guard.check(body.query, propam=ctx.user.role == "propam")
    except cypher_guard.Refused as exc:
        raise Problem(403, "query refused", str(exc)) from exc
    s = ctx.services.settings
    result = ctx.call(
        run_console,
        query=body.query,
        parameters=body.parameters,
        rows=s.cypher_rows,
        timeout=s.cypher_timeout,
    )
    red = ctx.redactor()
    kept = [row for row in result["rows"] if red.clean(row) == row]
    result["rows"], result["count"] = kept, len(kept)
    request.state.result_size = len(kept)
    return result
