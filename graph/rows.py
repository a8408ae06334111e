"""Row shapes that cross the store boundary, and their validation against the model."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypedDict

from graph.errors import ValidationError
from graph.model import EXTRA_PREFIX, MODEL, NODE_BASE, REL_BASE, Prop

Value = str | int | float | bool | list[str] | list[int] | list[float] | None


class NodeRow(TypedDict):
    """A node to upsert or a node read back: id, labels and properties.

    ``props`` never holds ``id``; ``sources`` and ``keys`` live in ``props``.
    """

    id: str
    labels: list[str]
    props: dict[str, Any]


class RelRow(TypedDict):
    """A relationship to upsert or read back."""

    id: str
    type: str
    start: str
    end: str
    props: dict[str, Any]


def _check_value(where: str, prop: Prop | None, name: str, value: Any) -> None:
    if value is None:
        return
    if name in ("sources", "keys") or (prop is not None and prop.type == "list[str]"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{where}: property {name!r} must be a list of strings")
        return
    if prop is None:  # extra x_ property: scalars or lists of scalars
        ok = isinstance(value, (str, int, float, bool)) or (
            isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value)
        )
        if not ok:
            raise ValidationError(f"{where}: property {name!r} has an unsupported value")
        return
    t = prop.type
    if t in ("str", "date", "datetime"):
        ok = isinstance(value, str)
    elif t == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and math.isfinite(value)
    elif t == "bool":
        ok = isinstance(value, bool)
    else:  # pragma: no cover - exhaustive over PropType
        ok = False
    if not ok:
        raise ValidationError(f"{where}: property {name!r} must be {t}, got {value!r}")


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _predicate(prop: Prop | None, name: str) -> Callable[[Any], bool]:
    """A fast yes/no for what ``_check_value`` accepts (it still words every refusal)."""
    if name in ("sources", "keys") or (prop is not None and prop.type == "list[str]"):
        return _is_str_list
    assert prop is not None
    t = prop.type
    if t in ("str", "date", "datetime"):
        return lambda v: isinstance(v, str)
    if t == "int":
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if t == "float":
        return lambda v: (
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        )
    if t == "bool":
        return lambda v: isinstance(v, bool)
    return lambda v: False  # pragma: no cover - exhaustive over PropType


@functools.cache
def _rel_checks(typ: str) -> dict[str, Callable[[Any], bool]]:
    spec = MODEL.rels[typ]
    out = {p.name: _predicate(p, p.name) for p in spec.props}
    out.setdefault("sources", _is_str_list)  # REL_BASE without "id"
    return out


@functools.cache
def _node_checks(labels: tuple[str, ...]) -> dict[str, Callable[[Any], bool]]:
    out: dict[str, Callable[[Any], bool]] = {}
    for label in labels:
        for p in MODEL.nodes[label].props:
            out.setdefault(p.name, _predicate(p, p.name))
    for name in ("sources", "keys"):
        out.setdefault(name, _is_str_list)
    return out


def _props_pass(checks: dict[str, Callable[[Any], bool]], props: dict[str, Any]) -> bool:
    """True when every property is known and well-typed (the common case, checked fast)."""
    for name, value in props.items():
        if value is None:
            continue
        check = checks.get(name)
        if check is None:
            if not name.startswith(EXTRA_PREFIX) or not _is_extra_value(value):
                return False
        elif not check(value):
            return False
    return True


def _is_extra_value(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) or (
        isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v)
    )


def validate_node(row: Mapping[str, Any]) -> None:
    """Raise :class:`ValidationError` unless ``row`` fits the model."""
    nid = row.get("id")
    labels = row.get("labels")
    props = row.get("props")
    if (
        isinstance(nid, str)
        and nid
        and isinstance(labels, list)
        and labels
        and isinstance(props, dict)
        and all(label in MODEL.nodes for label in labels)
        and all(i in labels for label in labels for i in MODEL.nodes[label].implies)
        and _props_pass(_node_checks(tuple(labels)), props)
    ):
        return
    _validate_node_slowly(row)


def _validate_node_slowly(row: Mapping[str, Any]) -> None:
    nid = row.get("id")
    if not isinstance(nid, str) or not nid:
        raise ValidationError(f"node without a string id: {row!r:.200}")
    labels = row.get("labels")
    if not isinstance(labels, list) or not labels:
        raise ValidationError(f"node {nid!r}: needs at least one label")
    specs = []
    for label in labels:
        spec = MODEL.nodes.get(label)
        if spec is None:
            raise ValidationError(f"node {nid!r}: unknown label {label!r}")
        specs.append(spec)
    for spec in specs:
        for implied in spec.implies:
            if implied not in labels:
                raise ValidationError(f"node {nid!r}: label {spec.label} needs {implied}")
    props = row.get("props")
    if not isinstance(props, dict):
        raise ValidationError(f"node {nid!r}: props must be a mapping")
    for name, value in props.items():
        if name == "id":
            raise ValidationError(f"node {nid!r}: 'id' belongs outside props")
        prop = next((p for s in specs if (p := s.prop(name)) is not None), None)
        if prop is None and name not in NODE_BASE and not name.startswith(EXTRA_PREFIX):
            raise ValidationError(f"node {nid!r}: unknown property {name!r} for {'/'.join(labels)}")
        _check_value(f"node {nid!r}", prop, name, value)


def validate_rel(row: Mapping[str, Any]) -> None:
    """Raise :class:`ValidationError` unless ``row`` fits the model (endpoints not checked)."""
    rid, typ, props = row.get("id"), row.get("type"), row.get("props")
    start, end = row.get("start"), row.get("end")
    if (
        isinstance(rid, str)
        and rid
        and typ in MODEL.rels
        and isinstance(start, str)
        and start
        and isinstance(end, str)
        and end
        and isinstance(props, dict)
        and _props_pass(_rel_checks(typ), props)
    ):
        return
    _validate_rel_slowly(row)


def _validate_rel_slowly(row: Mapping[str, Any]) -> None:
    rid = row.get("id")
    if not isinstance(rid, str) or not rid:
        raise ValidationError(f"relationship without a string id: {row!r:.200}")
    spec = MODEL.rels.get(row.get("type", ""))
    if spec is None:
        raise ValidationError(f"relationship {rid!r}: unknown type {row.get('type')!r}")
    for end in ("start", "end"):
        if not isinstance(row.get(end), str) or not row[end]:
            raise ValidationError(f"relationship {rid!r}: missing {end}")
    props = row.get("props")
    if not isinstance(props, dict):
        raise ValidationError(f"relationship {rid!r}: props must be a mapping")
    for name, value in props.items():
        prop = spec.prop(name)
        if prop is None and name not in REL_BASE and not name.startswith(EXTRA_PREFIX):
            raise ValidationError(
                f"relationship {rid!r}: unknown property {name!r} for {spec.type}"
            )
        if name == "id":
            raise ValidationError(f"relationship {rid!r}: 'id' belongs outside props")
        _check_value(f"relationship {rid!r}", prop, name, value)


def check_endpoint_labels(
    rel: RelRow, start_labels: Iterable[str], end_labels: Iterable[str]
) -> None:
    """Raise unless the endpoints carry labels the relationship type allows."""
    spec = MODEL.rels[rel["type"]]
    if not set(spec.sources) & set(start_labels):
        raise ValidationError(
            f"relationship {rel['id']!r}: {spec.type} cannot start at {sorted(start_labels)}"
        )
    if not set(spec.targets) & set(end_labels):
        raise ValidationError(
            f"relationship {rel['id']!r}: {spec.type} cannot end at {sorted(end_labels)}"
        )


def merge_lists(old: list[str] | None, new: list[str] | None) -> list[str]:
    """Union that keeps the order of first appearance (how ``sources``/``keys`` grow)."""
    out = list(old or [])
    for v in new or []:
        if v not in out:
            out.append(v)
    return out


class Subgraph(TypedDict):
    """Nodes and relationships returned together (neighbourhoods, evidence, pages)."""

    nodes: list[NodeRow]
    relationships: list[RelRow]
