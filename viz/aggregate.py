"""Parallel relationships folded into one drawn edge.

A month of calls between two phones is hundreds of ``CALLED`` relationships and
a layering scheme is dozens of ``TRANSFERRED`` ones; drawn one by one they hide
everything else. Calls (and symmetric types) are bundled per unordered pair of
nodes; every other type, money included, per direction, because which way the
money went is the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.model import MODEL
from graph.rows import RelRow

#: Types bundled regardless of direction besides the model's symmetric ones.
UNDIRECTED_BUNDLES = frozenset(MODEL.meaning("communication"))


@dataclass
class Bundle:
    """One drawn edge: all relationships of one type between the same two nodes."""

    type: str
    start: str
    end: str
    #: False when relationships in both directions were folded together.
    directed: bool
    rels: list[RelRow] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable, page-unique edge id (relationship ids are only unique per type)."""
        if len(self.rels) == 1:
            return f"{self.type}|{self.rels[0]['id']}"
        return f"{self.type}|{self.start}|{self.end}"


def _undirected(rel_type: str) -> bool:
    spec = MODEL.rels.get(rel_type)
    return rel_type in UNDIRECTED_BUNDLES or (spec is not None and spec.symmetric)


def bundle(rels: Iterable[RelRow]) -> list[Bundle]:
    """Group ``rels`` into bundles, in order of first appearance.

    >>> rows = [
    ...     {"id": f"c{i}", "type": "CALLED", "start": s, "end": e, "props": {}}
    ...     for i, (s, e) in enumerate([("a", "b"), ("b", "a"), ("a", "b")])
    ... ]
    >>> [(b.start, b.end, len(b.rels), b.directed) for b in bundle(rows)]
    [('a', 'b', 3, False)]
    """
    out: dict[tuple[str, str, str], Bundle] = {}
    seen: set[tuple[str, str]] = set()
    for rel in rels:
        if (rel["type"], rel["id"]) in seen:  # the same relationship twice in one subgraph
            continue
        seen.add((rel["type"], rel["id"]))
        start, end = rel["start"], rel["end"]
        undirected = _undirected(rel["type"])
        low, high = sorted((start, end)) if undirected else (start, end)
        key = (rel["type"], low, high)
        b = out.get(key)
        if b is None:
            b = out[key] = Bundle(rel["type"], start, end, directed=not undirected)
        b.rels.append(rel)
    for b in out.values():
        if b.type in UNDIRECTED_BUNDLES:
            b.directed = all(r["start"] == b.start for r in b.rels)
    return list(out.values())
