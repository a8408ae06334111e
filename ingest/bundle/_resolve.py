"""Entity resolution by strong identifiers (NIK, NRP/NIP, bank + number, NPWP, licence).

A record whose identifier is already known, in this run or in the store,
becomes that entity: same stored id, its key added to ``keys``. Anything weaker
(similar names) only ever yields a ``POSSIBLY_SAME_AS`` candidate, made in
:mod:`ingest.bundle._candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.bundle._context import LoadContext

#: identifier kind -> (label, property) where the store keeps it
IDENTIFIERS: dict[str, tuple[str, str]] = {
    "nik": ("Person", "nik"),
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
        self._existing = set(store.get_nodes(list(own_ids)))

    def resolve(self, own_id: str, identifiers: list[tuple[str, str]]) -> str:
        """The stored id for a record: itself if stored, else the entity an identifier names."""
        if own_id in self._existing:
            chosen = own_id
        else:
            candidates: list[str] = []
            for ident in identifiers:
                if ident in self.ctx.identified:
                    candidates.append(self.ctx.identified[ident])
                candidates.extend(self._store_hits.get(ident, []))
            chosen = min(candidates) if candidates else own_id
        for ident in identifiers:
            self.ctx.identified.setdefault(ident, chosen)
        return chosen


def bank_key(bank: str) -> str:
    """Bank names compared without case, spaces or punctuation (``Bank BRI`` = ``BRI``)."""
    folded = "".join(c for c in bank.upper() if c.isalnum())
    return folded.removeprefix("BANK") or folded


def account_number(raw: str) -> str:
    """Account numbers without spaces, dots or dashes (leading zeros kept)."""
    return "".join(c for c in raw if c.isalnum())
