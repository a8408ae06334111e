"""What an entity is called on a page, so that nobody has to read a stored id.

A person or an organization by its name, an account as ``bank number · holder``, a
phone by its number, a case by its title and police report (LP) number, an event by
its kind and day; the stored id only when a node has none of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.text import gettext
from viz.fields import value_text
from viz.formats import plain_date, wib_date


def display_name(node: Mapping[str, Any], lang: str) -> str:
    """The name a page shows for ``node`` (``{id, labels, props}``).

    >>> acc = {"id": "b:A1", "labels": ["Account"],
    ...        "props": {"bank": "BRI", "number": "0123", "holder_name": "SITI"}}
    >>> display_name(acc, "id")
    'BRI 0123 · SITI'
    >>> case = {"id": "b:C1", "labels": ["Case"],
    ...         "props": {"title": "TPPO Malang", "report_number": "LP/B/12/2023"}}
    >>> display_name(case, "en")
    'TPPO Malang (LP/B/12/2023)'
    """
    labels = set(node.get("labels") or ())
    p: Mapping[str, Any] = node.get("props") or {}
    if "Account" in labels:
        head = " ".join(str(p[k]) for k in ("bank", "number") if p.get(k))
        holder = p.get("holder_name")
        text = f"{head} · {holder}" if head and holder else head or str(holder or "")
        if text:
            return text
    if "Case" in labels:
        title, lp = p.get("title"), p.get("report_number")
        if title and lp:
            return f"{title} ({lp})"
        if title or lp:
            return str(title or lp)
    if "Event" in labels and p.get("at"):
        kind = value_text("kind", str(p.get("kind") or ""), lang)
        at = str(p["at"])
        when = plain_date(at) if len(at.strip()) == 10 else wib_date(at)
        return f"{kind} {when}".strip()
    for key in ("name", "number", "title"):
        if p.get(key):
            return str(p[key])
    if "Source" in labels and p.get("kind"):
        return gettext("Source", lang) + ": " + value_text("kind", str(p["kind"]), lang)
    return str(node.get("id", ""))


def has_name(node: Mapping[str, Any]) -> bool:
    """True when :func:`display_name` has something better than the stored id."""
    return display_name(node, "en") != str(node.get("id", ""))
