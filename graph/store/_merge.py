"""Upsert semantics shared by both stores, so that they cannot drift apart.

A node row merges into what is stored: labels and the lists named in
``GROWING_LISTS`` (``sources``, ``keys``, ``aliases``, ``id_numbers``) only grow
(order of first appearance), other given properties overwrite, a
``None`` value means "not given". Relationships merge the same way; their
endpoints are fixed when they are created.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from graph.model import GROWING_LISTS
from graph.rows import NodeRow, RelRow, merge_lists

Status = Literal["created", "updated", "unchanged"]
#: Lists every stored node / relationship has, empty when nothing was given.
NODE_DEFAULT_LISTS = ("sources", "keys")
REL_DEFAULT_LISTS = ("sources",)


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def _merge_props(
    old: dict[str, Any], new: dict[str, Any], lists: tuple[str, ...] = NODE_DEFAULT_LISTS
) -> dict[str, Any]:
    out = dict(old)
    for k, v in _clean(new).items():
        out[k] = merge_lists(old.get(k), v) if k in GROWING_LISTS else v
    for k in lists:
        out.setdefault(k, [])
    return out


def collapse_nodes(rows: Iterable[NodeRow]) -> list[NodeRow]:
    """Merge rows that share an id, in order, into one row each (first-seen order)."""
    out: dict[str, NodeRow] = {}
    for r in rows:
        prev = out.get(r["id"])
        if prev is None:
            out[r["id"]] = {"id": r["id"], "labels": list(r["labels"]), "props": _clean(r["props"])}
        else:
            prev["labels"] = merge_lists(prev["labels"], r["labels"])
            prev["props"] = _merge_props(prev["props"], r["props"], ())
    return list(out.values())


def collapse_rels(rows: Iterable[RelRow]) -> list[RelRow]:
    """Merge relationship rows that share (type, id)."""
    out: dict[tuple[str, str], RelRow] = {}
    for r in rows:
        key = (r["type"], r["id"])
        prev = out.get(key)
        if prev is None:
            out[key] = {**r, "props": _clean(r["props"])}
        else:
            prev["props"] = _merge_props(prev["props"], r["props"], ())
    return list(out.values())


def merge_node(old: NodeRow | None, new: NodeRow) -> tuple[NodeRow, Status]:
    """The stored state after upserting ``new`` over ``old``, and what changed."""
    if old is None:
        props = _merge_props({}, new["props"])
        return {"id": new["id"], "labels": sorted(set(new["labels"])), "props": props}, "created"
    labels = sorted(set(old["labels"]) | set(new["labels"]))
    props = _merge_props(old["props"], new["props"])
    same = labels == sorted(old["labels"]) and props == old["props"]
    return {"id": old["id"], "labels": labels, "props": props}, "unchanged" if same else "updated"


def merge_rel(old: RelRow | None, new: RelRow) -> tuple[RelRow, Status]:
    """The stored state after upserting ``new`` over ``old``, and what changed."""
    if old is None:
        return {**new, "props": _merge_props({}, new["props"], REL_DEFAULT_LISTS)}, "created"
    props = _merge_props(old["props"], new["props"], REL_DEFAULT_LISTS)
    status: Status = "unchanged" if props == old["props"] else "updated"
    return {**old, "props": props}, status
