"""Propam flags, kept in a store of their own: the investigation graph never holds them.

A flag is a ``Flag`` node with ``FLAGS`` -> ``Official`` (``graph-model.md``), written to
the *Propam store* (``TELUSUR_PROPAM_STORE``, by default an embedded store in
``<state dir>/propam``), never to the store that investigators, analysts and their
Cypher console read. That is the compartment: no count, truncation, id, error, label
list or console spelling over the investigation graph can show a flag, because there is
none there to show (``docs/security.md``, "Propam compartment"). In the Propam store the
official is a stub node (id and label only) so that the model's pattern holds there too.

The history is kept on the node as ``x_history`` (a list of JSON strings, one per change:
status, by, at, note); every change also lands in Propam's audit trail through its request.
Status moves only forwards: open -> under_review -> substantiated | cleared.
"""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypedDict

from graph.errors import ConfigError, InputError, NotFound
from graph.model import MODEL, PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES
from graph.rows import NodeRow
from graph.store import EmbeddedStore, Neo4jStore, Store

Status = Literal["open", "under_review", "substantiated", "cleared"]
NEXT: dict[str, tuple[str, ...]] = {
    "open": ("under_review",),
    "under_review": ("substantiated", "cleared"),
    "substantiated": (),
    "cleared": (),
}
HISTORY = "history"
#: the relationship from a flag to its official (the model's one Propam type)
(FLAGS,) = MODEL.meaning("propam")
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


def _flag_node(fid: str, props: dict[str, Any]) -> NodeRow:
    return {"id": fid, "labels": ["Flag"], "props": props}


def _flags_rel(fid: str, official_id: str) -> Any:
    return {
        "id": f"{fid}:flags",
        "type": FLAGS,
        "start": fid,
        "end": official_id,
        "props": {"sources": ["propam"]},
    }


class FlagBook:
    """Propam's flags in ``store`` (the Propam store); ``graph`` is the investigation
    store, read only to check that a flagged official exists there."""

    def __init__(self, store: Store, graph: Store | None = None) -> None:
        self.store = store
        self.graph = graph

    def create(
        self, *, official_id: str, reason: str, evidence: str | None, by: str
    ) -> FlagView:
        """Flag an official; :class:`NotFound` if ``official_id`` is not an Official."""
        graph = self.graph if self.graph is not None else self.store
        official = graph.get_node(official_id)
        if official is None or "Official" not in official["labels"]:
            raise NotFound(f"no official {official_id!r}")
        now = _now()
        fid = PREFIX + uuid.uuid4().hex
        change: Change = {"status": "open", "by": by, "at": now, "note": None}
        props: dict[str, Any] = {
            "status": "open",
            "reason": reason,
            "evidence": evidence,
            "created_by": by,
            "created_at": now,
            "updated_at": now,
            "sources": ["propam"],
            HISTORY: [json.dumps(change, sort_keys=True)],
        }
        stub: NodeRow = {"id": official_id, "labels": sorted(official["labels"]), "props": {}}
        self.store.upsert([stub, _flag_node(fid, props)], [_flags_rel(fid, official_id)])
        return self.get(fid)

    def get(self, flag_id: str) -> FlagView:
        node = self.store.get_node(flag_id)
        if node is None or "Flag" not in node["labels"]:
            raise NotFound(f"no flag {flag_id!r}")
        official = next(
            (
                nb["node"]["id"]
                for nb in self.store.neighbours(flag_id, types=[FLAGS], direction="out")
            ),
            "",
        )
        return _view(node, official)

    def ids(self) -> list[str]:
        """Ids of every flag, sorted."""
        return flag_ids(self.store)

    def list(self, *, status: str | None = None, official_id: str | None = None) -> list[FlagView]:
        """Every flag, newest first (then by id), optionally by status or official."""
        out = [
            f
            for f in (self.get(fid) for fid in self.ids())
            if (status is None or f["status"] == status)
            and (official_id is None or f["official_id"] == official_id)
        ]
        out.sort(key=lambda f: (f["created_at"], f["id"]), reverse=True)
        return out

    def change_status(
        self,
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
            current = self.get(flag_id)
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
            self.store.upsert([_flag_node(flag_id, props)])
        return self.get(flag_id)


def flag_ids(store: Store) -> list[str]:
    """Ids of every Flag node in ``store``, sorted."""
    if isinstance(store, Neo4jStore):
        return [r["id"] for r in store.run("MATCH (f:Flag) RETURN f.id AS id ORDER BY id")]
    if isinstance(store, EmbeddedStore):
        with store.reading() as g:
            return list(g.ids_with_label("Flag"))  # sorted, through the store's label index
    raise InputError(f"flags are not supported on the {type(store).__name__} store")


def same_store(graph_uri: str, propam_uri: str) -> bool:
    """True when two store URIs name the same store (then the compartment would be gone)."""

    def norm(uri: str) -> str:
        if uri.startswith("embedded:"):
            return "embedded:" + str(Path(uri[len("embedded:") :]).resolve())
        return uri.rstrip("/")

    return norm(graph_uri) == norm(propam_uri)


def check_separate(graph_uri: str, propam_uri: str) -> None:
    """:class:`ConfigError` unless the Propam store is another store than the graph's."""
    if same_store(graph_uri, propam_uri):
        raise ConfigError(
            "TELUSUR_PROPAM_STORE must name another store than the investigation store "
            f"({graph_uri}): Propam's flags would be readable by every role"
        )


def legacy_flags(graph: Store) -> int:
    """How many Propam-only nodes the investigation store still holds (written there by
    versions before the Propam store); the service refuses to start while any remain."""
    counts = graph.counts()
    return sum(counts["nodes"].get(label, 0) for label in PROPAM_ONLY_LABELS) + sum(
        counts["relationships"].get(t, 0) for t in PROPAM_ONLY_TYPES
    )


def migrate(graph: Store, propam: Store) -> int:
    """Move flags that older versions wrote into the investigation graph to the Propam
    store, then delete them from the graph. Copy first, delete second: a run that stops
    half way is completed by running it again. Returns the number of flags moved."""
    ids = flag_ids(graph)
    for fid in ids:
        node = graph.get_node(fid)
        if node is None:
            continue
        official = next(
            (nb["node"]["id"] for nb in graph.neighbours(fid, types=[FLAGS], direction="out")),
            None,
        )
        props = {k: v for k, v in node["props"].items() if not k.startswith("x_")}
        props[HISTORY] = node["props"].get("x_history") or node["props"].get(HISTORY) or []
        rows = [_flag_node(fid, props)]
        rels = []
        stub = graph.get_node(official) if official is not None else None
        if official is not None and stub is not None:
            rows.insert(0, {"id": official, "labels": sorted(stub["labels"]), "props": {}})
            rels.append(_flags_rel(fid, official))
        propam.upsert(rows, rels)
    graph.delete_nodes(ids, labels=PROPAM_ONLY_LABELS)
    return len(ids)
