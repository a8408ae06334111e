"""Reading FollowTheMoney values: JSON lines, first values, dates, amounts, extras.

FollowTheMoney (FtM) keeps every property as a list of strings. These helpers
turn those lists into the scalar properties of the graph model, and keep what
does not map as ``x_<property>`` extras, so nothing an analyst may need is lost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypedDict

from graph.normalize import NormalizeError, parse_amount, parse_to_iso


class FtmEntity(TypedDict):
    """One FtM entity as it appears on a line of the file."""

    id: str
    schema: str
    properties: dict[str, list[str]]


@dataclass(frozen=True)
class Line:
    """One non-empty line: the entity, or why it could not be read."""

    number: int
    entity: FtmEntity | None
    error: str | None
    raw: dict[str, str]


def read_lines(path: Path) -> Iterator[Line]:
    """Stream the file's entities with their line numbers (blank lines skipped)."""
    with path.open("r", encoding="utf-8-sig") as fh:
        for number, text in enumerate(fh, start=1):
            text = text.strip()
            if not text:
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Line(number, None, f"malformed JSON: {exc.msg}", {"text": text[:500]})
                continue
            entity, error = _entity(data)
            raw = {"text": text[:500]} if entity is None else raw_of(entity)
            yield Line(number, entity, error, raw)


def _entity(data: Any) -> tuple[FtmEntity | None, str | None]:
    if not isinstance(data, dict):
        return None, "not a JSON object"
    eid, schema, props = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(eid, str) or not eid.strip():
        return None, "entity without an id"
    if not isinstance(schema, str) or not schema.strip():
        return None, "entity without a schema"
    if not isinstance(props, dict):
        return None, "properties must be an object"
    clean: dict[str, list[str]] = {}
    for name, values in props.items():
        if isinstance(values, (str, int, float)):
            values = [values]
        if not isinstance(values, list):
            return None, f"property {name!r} must be a list of values"
        kept = [str(v).strip() for v in values if isinstance(v, (str, int, float))]
        kept = [v for v in kept if v]
        if kept:
            clean[str(name)] = kept
    return {"id": eid.strip(), "schema": schema.strip(), "properties": clean}, None


def raw_of(entity: FtmEntity) -> dict[str, str]:
    """The entity flattened for the rejects report."""
    return {
        "id": entity["id"],
        "schema": entity["schema"],
        "properties": json.dumps(entity["properties"], ensure_ascii=False)[:500],
    }


def first(entity: FtmEntity, *names: str) -> str | None:
    """The first value of the first property among ``names`` that has one."""
    for name in names:
        values = entity["properties"].get(name)
        if values:
            return values[0]
    return None


def values(entity: FtmEntity, name: str) -> list[str]:
    return list(entity["properties"].get(name, []))


_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def extras(entity: FtmEntity, used: set[str]) -> dict[str, Any]:
    """Properties not mapped to the model, as ``x_<snake_case>`` (one value: a string)."""
    out: dict[str, Any] = {}
    for name, vals in entity["properties"].items():
        if name in used:
            continue
        key = "x_" + "".join(c if c.isalnum() else "_" for c in _SNAKE.sub("_", name).lower())
        out[key] = vals[0] if len(vals) == 1 else list(vals)
    return out


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_ZONE = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)


def ftm_datetime(raw: str) -> str | None:
    """An FtM date or timestamp as ``…Z`` UTC, or None when it is partial (``2011-12``).

    FtM values carry no zone; unlike a bundle exported in Indonesia they are not
    read as WIB but as UTC, so that ``2011-12-29`` stays on the 29th.
    """
    text = raw.strip()
    if _DATE_ONLY.fullmatch(text):
        text += "T00:00:00Z"
    elif "T" in text and not _HAS_ZONE.search(text):
        text += "Z"
    try:
        return parse_to_iso(text)
    except NormalizeError:
        return None


def ftm_date(raw: str) -> str | None:
    """An FtM date as ``YYYY-MM-DD``, or None when partial or unreadable."""
    text = raw.strip()[:10]
    if not _DATE_ONLY.fullmatch(text):
        return None
    try:
        return parse_to_iso(text, date_only=True)
    except NormalizeError:
        return None


def ftm_amount(raw: str) -> Decimal | None:
    """An FtM amount (machine-written ``113969.15``; Indonesian notation as a fallback)."""
    text = raw.strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        try:
            value = parse_amount(text)
        except NormalizeError:
            return None
    return value if value.is_finite() else None


def ftm_percentage(raw: str) -> float | None:
    value = ftm_amount(raw.rstrip("% "))
    return None if value is None else float(value)
