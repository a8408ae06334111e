"""Entity resolution by strong identifiers (NIK, passport, NRP/NIP, bank + number, NPWP, licence).

A record whose identifier is already known, in this run or in the store,
becomes that entity: same stored id, its key added to ``keys``. Anything weaker
(similar names) only ever yields a ``POSSIBLY_SAME_AS`` candidate, made in
:mod:`ingest.bundle._candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.model import GROWING_LISTS
from graph.rows import NodeRow
from ingest.bundle._context import LoadContext

#: identifier kind -> (label, property) where the store keeps it
IDENTIFIERS: dict[str, tuple[str, str]] = {
    "nik": ("Person", "nik"),
    "passport": ("Person", "passport"),
    "idnum": ("Person", "id_numbers"),
    "npwp": ("Organization", "npwp"),
    "license": ("Organization", "license_no"),
    "account": ("Account", "number"),
}


class Resolver:
    """Looks identifiers up in batches, so a batch costs one store query per kind."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self._store_hits: dict[tuple[str, str], list[str]] = {}
        self._existing: set[str] = set()
        self._stored: dict[str, NodeRow] = {}
        self._redirect: dict[str, str] = {}

    def prefetch(self, wanted: Iterable[tuple[str, str]], own_ids: Iterable[str]) -> None:
        by_kind: dict[str, set[str]] = {}
        for kind, value in wanted:
            if (kind, value) not in self.ctx.identified:
                by_kind.setdefault(kind, set()).add(value)
        store = self.ctx.store
        for kind, values in by_kind.items():
            label, prop = IDENTIFIERS[kind]
            lookup = sorted({v.split("|", 1)[1] for v in values}) if kind == "account" else values
            hits = store.find_by_property(label, prop, sorted(lookup))
            if kind == "account":  # the number matched; the bank must match too
                nodes = store.get_nodes(sorted({i for ids in hits.values() for i in ids}))
                for value in values:
                    bank, number = value.split("|", 1)
                    same = [
                        i
                        for i in hits.get(number, [])
                        if bank_key(str(nodes[i]["props"].get("bank", ""))) == bank
                    ]
                    if same:
                        self._store_hits[(kind, value)] = same
            else:
                for value, ids in hits.items():
                    self._store_hits[(kind, value)] = ids
        existing = store.get_nodes(list(own_ids))
        self._existing = set(existing)
        # A record an analyst merged into another person is a stub pointing at it.
        self._redirect = {
            i: str(n["props"]["merged_into"])
            for i, n in existing.items()
            if n["props"].get("merged_into")
        }
        self._stored = store.get_nodes(
            sorted({i for ids in self._store_hits.values() for i in ids})
        )

    def choose(self, own_id: str, identifiers: list[tuple[str, str]]) -> str:
        """The stored id for a record: itself if stored, else the entity an identifier names."""
        if own_id in self._redirect:
            return self._redirect[own_id]
        if own_id in self._existing:
            return own_id
        candidates: list[str] = []
        for ident in identifiers:
            if ident in self.ctx.identified:
                candidates.append(self.ctx.identified[ident])
            candidates.extend(self._store_hits.get(ident, []))
        return min(candidates) if candidates else own_id

    def only_new(self, chosen: str, own_id: str, props: dict[str, Any]) -> dict[str, Any]:
        """Properties to write for a record that resolved onto ``chosen``.

        A record merged into another entity only fills what that entity lacks (and
        adds its keys and sources): the record that made the entity keeps its
        values, so re-ingesting either bundle later changes nothing.
        """
        if chosen == own_id:
            self.ctx.fill(chosen, props)
            return props
        if chosen not in self._stored:
            self._stored.update(self.ctx.store.get_nodes([chosen]))
        stored = self._stored[chosen]["props"] if chosen in self._stored else {}
        have = set(stored) | self.ctx.filled.get(chosen, frozenset())
        out = {k: v for k, v in props.items() if k in GROWING_LISTS or k not in have}
        name = props.get("name")
        if name and "name" not in out and name != stored.get("name"):
            # Another spelling of the name is kept as an alias, not thrown away.
            out["aliases"] = [*props.get("aliases", []), name]
        self.ctx.fill(chosen, out)
        return out

    def claim(self, chosen: str, identifiers: list[tuple[str, str]]) -> None:
        """Record an accepted record's identifiers (a rejected row claims nothing)."""
        for ident in identifiers:
            self.ctx.identified.setdefault(ident, chosen)


def bank_key(bank: str) -> str:
    """Bank names compared without case, spaces or punctuation (``Bank BRI`` = ``BRI``)."""
    folded = "".join(c for c in bank.upper() if c.isalnum())
    return folded.removeprefix("BANK") or folded


def account_number(raw: str) -> str:
    """Account numbers without spaces, dots or dashes (leading zeros kept)."""
    return "".join(c for c in raw if c.isalnum())
