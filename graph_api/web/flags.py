"""Propam flags: ``Flag`` nodes with ``FLAGS`` -> Official, with a status history.

The history is kept on the node as ``x_history`` (a list of JSON strings, one
per change: status, by, at, note) until the model declares a ``history``
property; every change also lands in the audit trail through its request.
Status moves only forwards: open -> under_review -> substantiated | cleared.
"""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from graph_api.errors import InputError, NotFound
from graph_api.rows import NodeRow
from graph_api.store import EmbeddedStore, Neo4jStore, Store

Status = Literal["open", "under_review", "substantiated", "cleared"]
NEXT: dict[str, tuple[str, ...]] = {
    "open": ("under_review",),
    "under_review": ("substantiated", "cleared"),
    "substantiated": (),
    "cleared": (),
}
HISTORY = "history"
PREFIX = "propam:flag-"
_LOCK = threading.Lock()


class Change(TypedDict):
    status: str
    by: str
    at: str
    note: str | None


class FlagView(TypedDict):
    id: str
    official_id: str
    status: str
    reason: str
    evidence: str | None
    created_by: str
    created_at: str
    updated_at: str
    history: list[Change]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _view(node: NodeRow, official: str) -> FlagView:
    p = node["props"]
    return {
        "id": node["id"],
        "official_id": official,
        "status": p.get("status", ""),
        "reason": p.get("reason", ""),
        "evidence": p.get("evidence"),
        "created_by": p.get("created_by", ""),
        "created_at": p.get("created_at", ""),
        "updated_at": p.get("updated_at", p.get("created_at", "")),
        "history": [json.loads(h) for h in p.get(HISTORY) or []],
    }


def _official_of(store: Store, flag_id: str) -> str | None:
    for nb in store.neighbours(flag_id, types=["FLAGS"], direction="out"):
        return nb["node"]["id"]
    return None


def create_flag(
    store: Store, *, official_id: str, reason: str, evidence: str | None, by: str
) -> FlagView:
    """Flag an official; :class:`NotFound` if ``official_id`` is not an Official."""
    official = store.get_node(official_id)
    if official is None or "Official" not in official["labels"]:
        raise NotFound(f"no official {official_id!r}")
    now = _now()
    fid = PREFIX + uuid.uuid4().hex
    change: Change = {"status": "open", "by": by, "at": now, "note": None}
    node: NodeRow = {
        "id": fid,
        "labels": ["Flag"],
        "props": {
            "status": "open",
            "reason": reason,
            "evidence": evidence,
            "created_by": by,
            "created_at": now,
            "updated_at": now,
            "sources": ["propam"],
            HISTORY: [json.dumps(change, sort_keys=True)],
        },
    }
    store.upsert(
        [node],
        [
            {
                "id": f"{fid}:flags",
                "type": "FLAGS",
                "start": fid,
                "end": official_id,
                "props": {"sources": ["propam"]},
            }
        ],
    )
    stored = store.get_node(fid)
    assert stored is not None
    return _view(stored, official_id)


def get_flag(store: Store, flag_id: str) -> FlagView:
    node = store.get_node(flag_id)
    if node is None or "Flag" not in node["labels"]:
        raise NotFound(f"no flag {flag_id!r}")
    return _view(node, _official_of(store, flag_id) or "")


def list_flags(
    store: Store, *, status: str | None = None, official_id: str | None = None
) -> list[FlagView]:
    """Every flag, newest first (then by id), optionally by status or official."""
    out = [get_flag(store, fid) for fid in flag_ids(store)]
    out = [
        f
        for f in out
        if (status is None or f["status"] == status)
        and (official_id is None or f["official_id"] == official_id)
    ]
    out.sort(key=lambda f: (f["created_at"], f["id"]), reverse=True)
    return out


def flag_ids(store: Store) -> list[str]:
    """Ids of every Flag node (what non-Propam responses must never mention).

    A whole-graph scan on the embedded store; the API keeps the answer until the
    graph changes (:meth:`graph_api.web.deps.Ctx.flag_ids`).
    """
    if isinstance(store, Neo4jStore):
        return [r["id"] for r in store.run("MATCH (f:Flag) RETURN f.id AS id ORDER BY id")]
    if isinstance(store, EmbeddedStore):
        with store.reading() as g:
            return sorted(n for n, a in g.nodes(data=True) if "Flag" in a.get("_labels", ()))
    raise InputError(f"flags are not supported on the {type(store).__name__} store")


def change_status(
    store: Store,
    flag_id: str,
    *,
    status: str,
    by: str,
    note: str | None = None,
    lock: AbstractContextManager[Any] = _LOCK,
) -> FlagView:
    """Move a flag to ``status`` (only the allowed next steps) and record who and when.

    The read, check and write happen under ``lock``: the service passes one held
    across its worker processes, so two changes never both start from the same state.
    """
    with lock:
        current = get_flag(store, flag_id)
        allowed = NEXT.get(current["status"], ())
        if status not in allowed:
            raise InputError(
                f"a flag that is {current['status']} can move to "
                f"{' or '.join(allowed) or 'nothing (final)'}, not {status}"
            )
        now = _now()
        change: Change = {"status": status, "by": by, "at": now, "note": note}
        history = [json.dumps(c, sort_keys=True) for c in current["history"]]
        props: dict[str, Any] = {
            "status": status,
            "updated_at": now,
            HISTORY: [*history, json.dumps(change, sort_keys=True)],
        }
        store.upsert([{"id": flag_id, "labels": ["Flag"], "props": props}])
    return get_flag(store, flag_id)
