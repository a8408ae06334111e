"""An analyst's decisions on candidate matches (``POSSIBLY_SAME_AS``).

``confirm`` merges two person records for good: every relationship of the
dropped record moves to the kept one, the kept one gains the other's ``keys``,
``sources``, aliases (its name too) and any property it lacked, and the dropped
record stays behind as a stub with ``merged_into`` and a ``SAME_AS`` link, so
that re-ingesting its bundle lands on the kept person instead of re-creating
it. ``reject`` records that two records are different people; the loader never
proposes a decided pair again. Every decision keeps who and when.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypedDict

from graph.errors import NotFound, QueryError
from graph.model import GROWING_LISTS
from graph.rows import NodeRow, RelRow, merge_lists
from graph.store.base import Store

CANDIDATE = "POSSIBLY_SAME_AS"


class Candidate(TypedDict):
    id: str
    a: str
    a_name: str | None
    b: str
    b_name: str | None
    score: float
    reasons: list[str]
    status: str
    decided_by: str | None
    decided_at: str | None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def candidates(store: Store, *, status: str | None = "candidate") -> list[Candidate]:
    """Candidate pairs (by default the undecided ones), best score first, then by id."""
    rels = store.rels_of_type(CANDIDATE)
    names = store.get_nodes(sorted({e for r in rels for e in (r["start"], r["end"])}))
    out: list[Candidate] = []
    for r in rels:
        p = r["props"]
        if status is not None and p.get("status", "candidate") != status:
            continue
        out.append(
            {
                "id": r["id"],
                "a": r["start"],
                "b": r["end"],
                "a_name": names[r["start"]]["props"].get("name") if r["start"] in names else None,
                "b_name": names[r["end"]]["props"].get("name") if r["end"] in names else None,
                "score": float(p.get("score", 0.0)),
                "reasons": list(p.get("reasons", [])),
                "status": str(p.get("status", "candidate")),
                "decided_by": p.get("decided_by"),
                "decided_at": p.get("decided_at"),
            }
        )
    out.sort(key=lambda c: (-c["score"], c["id"]))
    return out


def _candidate(store: Store, candidate_id: str) -> RelRow:
    found = store.get_rels([(CANDIDATE, candidate_id)])
    if not found:
        raise NotFound(f"no candidate match {candidate_id!r} (see telusur resolve list)")
    rel = found[(CANDIDATE, candidate_id)]
    if rel["props"].get("status", "candidate") != "candidate":
        raise QueryError(f"{candidate_id!r} was already decided: {rel['props'].get('status')}")
    return rel


def reject(store: Store, candidate_id: str, *, by: str) -> Candidate:
    """Record that the two records are different people."""
    rel = _candidate(store, candidate_id)
    store.upsert(
        [], [{**rel, "props": {"status": "rejected", "decided_by": by, "decided_at": _now()}}]
    )
    return next(c for c in candidates(store, status=None) if c["id"] == candidate_id)


def _merged(keep: NodeRow, drop: NodeRow, entry: str) -> NodeRow:
    props: dict[str, Any] = dict(keep["props"])
    for k, v in drop["props"].items():
        if k in GROWING_LISTS:
            props[k] = merge_lists(props.get(k), v)
        elif k not in props and k not in ("merged_into",):
            props[k] = v
    other = drop["props"].get("name")
    if other and other != props.get("name"):
        props["aliases"] = merge_lists(props.get("aliases"), [other])
    props["merge_log"] = merge_lists(props.get("merge_log"), [entry])
    labels = sorted(set(keep["labels"]) | set(drop["labels"]))
    return {"id": keep["id"], "labels": labels, "props": props}


def confirm(store: Store, candidate_id: str, *, by: str, keep: str | None = None) -> dict[str, Any]:
    """Merge the pair for good; ``keep`` names the survivor (default: the smaller id)."""
    rel = _candidate(store, candidate_id)
    pair = sorted((rel["start"], rel["end"]))
    if keep is not None and keep not in pair:
        raise QueryError(f"--keep must be one of {pair[0]!r} or {pair[1]!r}")
    keep_id = keep or pair[0]
    drop_id = pair[1] if keep_id == pair[0] else pair[0]
    nodes = store.get_nodes([keep_id, drop_id])
    if len(nodes) != 2:
        raise NotFound(f"one of {pair} no longer exists")
    at = _now()
    entry = json.dumps(
        {
            "merged": drop_id,
            "by": by,
            "at": at,
            "candidate": candidate_id,
            "score": rel["props"].get("score"),
        },
        sort_keys=True,
    )
    kept = _merged(nodes[keep_id], nodes[drop_id], entry)
    stub: NodeRow = {
        "id": drop_id,
        "labels": nodes[drop_id]["labels"],
        "props": {"merged_into": keep_id},
    }
    moved: list[RelRow] = []
    delete: list[tuple[str, str]] = []
    for nb in store.neighbours(drop_id):
        old = nb["rel"]
        delete.append((old["type"], old["id"]))
        if nb["node"]["id"] == keep_id:
            continue  # a link between the two records of one person goes away
        # Ids derived from endpoints (holds:<holder>:<account>) follow the survivor, so
        # that re-ingesting the dropped record's bundle finds them instead of duplicating.
        moved.append(
            {
                "id": old["id"].replace(drop_id, keep_id),
                "type": old["type"],
                "start": keep_id if old["start"] == drop_id else old["start"],
                "end": keep_id if old["end"] == drop_id else old["end"],
                "props": old["props"],
            }
        )
    same_as: RelRow = {
        "id": f"same:{drop_id}|{keep_id}",
        "type": "SAME_AS",
        "start": drop_id,
        "end": keep_id,
        "props": {"decided_by": by, "decided_at": at, "sources": []},
    }
    store.upsert([kept, stub], [*moved, same_as], delete_rels=delete)
    return {"kept": keep_id, "merged": drop_id, "candidate": candidate_id, "by": by, "at": at}


def decisions(store: Store) -> list[dict[str, Any]]:
    """Every decision so far: confirmed merges and rejected pairs, oldest first."""
    out: list[dict[str, Any]] = [
        {
            "decision": "confirmed",
            "kept": r["end"],
            "merged": r["start"],
            "by": r["props"].get("decided_by"),
            "at": r["props"].get("decided_at"),
        }
        for r in store.rels_of_type("SAME_AS")
    ]
    out += [
        {
            "decision": "rejected",
            "a": c["a"],
            "b": c["b"],
            "candidate": c["id"],
            "by": c["decided_by"],
            "at": c["decided_at"],
        }
        for c in candidates(store, status="rejected")
    ]
    out.sort(key=lambda d: (str(d.get("at")), json.dumps(d, sort_keys=True)))
    return out
