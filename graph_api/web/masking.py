"""What a role may see: Propam-only data removed, victims' identifiers masked.

Every data route hands its whole result to :meth:`Redactor.clean` before paging,
so the rule lives in one place:

* For every role but Propam, nothing Propam-only survives: a node carrying a
  label of ``PROPAM_ONLY_LABELS``, a relationship of ``PROPAM_ONLY_TYPES``, and
  any item that mentions a hidden node's id (a path through a Flag, a timeline
  row whose other end is a Flag) are dropped. An element of a list of records is
  dropped on its own; anything else that mentions a hidden thing drops the record
  around it. When the whole result would go, the caller answers 404.
* For Reskrim, the people ``VICTIM_IN`` a case have ``nik``, ``nik_raw``,
  ``nik_invalid`` and ``address`` replaced by ``MASK``; the phones they use keep
  their graph position but their number and id are replaced everywhere by a
  stable pseudonym ``masked-phone:<8 hex>`` (keyed HMAC, so it cannot be
  reversed by hashing every number).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph_api.model import PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES
from graph_api.store import EmbeddedStore, Neo4jStore, Store

MASK = "***"
MASKED_PROPS = frozenset({"nik", "nik_raw", "nik_invalid", "address"})
#: the strings that make :meth:`Redactor._dict` drop a record for non-Propam roles
PROPAM_MARKS = frozenset(PROPAM_ONLY_LABELS) | frozenset(PROPAM_ONLY_TYPES)
_DROP = object()


@dataclass(frozen=True)
class Strings:
    """Every string in a value (dict keys included), to tell quickly whether a role's
    rules would change it at all: computed once for a cached result, then asked by
    every request (:meth:`Redactor.untouched`) instead of walking the whole value."""

    tokens: frozenset[str]
    #: the tokens joined by NUL, for the substring test of :meth:`Redactor.leaks`
    text: str

    @classmethod
    def of(cls, value: Any) -> Strings:
        found: set[str] = set()
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, str):
                found.add(v)
            elif isinstance(v, dict):
                stack.extend(v.keys())
                stack.extend(v.values())
            elif isinstance(v, list | tuple):
                stack.extend(v)
        return cls(frozenset(found), "\0".join(sorted(found)))


@dataclass(frozen=True)
class Victims:
    people: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    #: Identifying strings (NIK, address) of victims, masked wherever they appear.
    strings: frozenset[str] = frozenset()


def victims(store: Store) -> Victims:
    """The people VICTIM_IN a case, the phones they use and their identifying strings.

    It scans every relationship on the embedded store; the API keeps the answer until
    the graph changes (:meth:`graph_api.web.deps.Ctx.redactor`).
    """
    return _victims(store)


def _victims(store: Store) -> Victims:
    people: set[str] = set()
    phones: set[str] = set()
    strings: set[str] = set()
    if isinstance(store, Neo4jStore):
        for r in store.run(
            "MATCH (p:Person)-[:VICTIM_IN]->(:Case) WITH DISTINCT p "
            "OPTIONAL MATCH (p)-[:USES]->(ph:Phone) "
            "RETURN p.id AS id, [p.nik, p.nik_raw, p.address] AS s, collect(ph.id) AS phones"
        ):
            people.add(r["id"])
            phones.update(r["phones"])
            strings.update(s for s in r["s"] if isinstance(s, str) and s)
    elif isinstance(store, EmbeddedStore):
        with store.reading() as g:
            for a, _b, data in g.edges(data=True):
                if data.get("_type") == "VICTIM_IN":
                    people.add(a)
            for p in people:
                attrs = g.nodes[p]
                strings.update(
                    attrs[k]
                    for k in ("nik", "nik_raw", "address")
                    if isinstance(attrs.get(k), str) and attrs[k]
                )
                for _, ph, data in g.out_edges(p, data=True):
                    if data.get("_type") == "USES":
                        phones.add(ph)
    return Victims(frozenset(people), frozenset(phones), frozenset(strings))


@dataclass
class Redactor:
    """Cleans results for one role; ``hidden`` are the ids of Propam-only nodes."""

    role: str
    hidden: frozenset[str] = frozenset()
    victims: Victims = field(default_factory=Victims)
    key: bytes = b""

    @property
    def sees_propam(self) -> bool:
        return self.role == "propam"

    @property
    def masks(self) -> bool:
        return self.role == "reskrim"

    def pseudonym(self, phone: str) -> str:
        return "masked-phone:" + hmac.new(self.key, phone.encode(), hashlib.sha256).hexdigest()[:8]

    def clean(self, value: Any) -> Any:
        """``value`` as this role may see it, or ``None`` when nothing of it may be shown."""
        out = value if self.sees_propam and not self.masks else self._walk(value)
        return None if out is _DROP else out

    def clean_list(self, items: Iterable[Any]) -> list[Any]:
        return [c for c in (self.clean(i) for i in items) if c is not None]

    def untouched(self, strings: Strings) -> bool:
        """True when :meth:`clean` would return a value with these strings unchanged and
        :meth:`leaks` would pass its JSON; False means: walk it (it may still be fine).

        Every rule of the walk is decided by a string of the value: a hidden id (also
        inside a longer string, as :meth:`leaks` looks for it), a Propam-only label or
        type, a victim's id, phone or identifying string.
        """
        if not self.sees_propam:
            if not PROPAM_MARKS.isdisjoint(strings.tokens):
                return False
            if any(h in strings.text for h in self.hidden):
                return False
        if self.masks:
            v, t = self.victims, strings.tokens
            if not (v.people.isdisjoint(t) and v.phones.isdisjoint(t) and v.strings.isdisjoint(t)):
                return False
        return True

    def leaks(self, body: bytes) -> bool:
        """Fail-closed check of a serialised response (non-Propam roles only)."""
        if self.sees_propam:
            return False
        text = body.decode("utf-8", "replace")
        return any(h in text for h in self.hidden)

    # -- the walk ------------------------------------------------------------
    def _hidden_str(self, s: str) -> bool:
        return not self.sees_propam and s in self.hidden

    def _str(self, s: str) -> Any:
        if self._hidden_str(s):
            return _DROP
        if self.masks:
            if s in self.victims.phones:
                return self.pseudonym(s)
            if s in self.victims.strings:
                return MASK
        return s

    def _walk(self, v: Any) -> Any:
        if isinstance(v, str):
            return self._str(v)
        if isinstance(v, list | tuple):
            out = []
            for item in v:
                c = self._walk(item)
                if c is _DROP:
                    if isinstance(item, str):
                        return _DROP  # a sequence of ids (a path) through a hidden node
                    continue
                out.append(c)
            return out
        if isinstance(v, dict):
            return self._dict(v)
        return v

    def _dict(self, d: dict[str, Any]) -> Any:
        if not self.sees_propam:
            labels = d.get("labels")
            if isinstance(labels, list) and PROPAM_ONLY_LABELS & set(labels):
                return _DROP
            if d.get("type") in PROPAM_ONLY_TYPES or d.get("rel_type") in PROPAM_ONLY_TYPES:
                return _DROP
        is_victim = self.masks and d.get("id") in self.victims.people
        is_phone = self.masks and d.get("id") in self.victims.phones
        out: dict[str, Any] = {}
        for k, val in d.items():
            if self._hidden_str(k):
                continue
            if k == "props" and isinstance(val, dict) and (is_victim or is_phone):
                val = {
                    pk: (
                        MASK
                        if (is_victim and pk in MASKED_PROPS) or (is_phone and pk == "number")
                        else pv
                    )
                    for pk, pv in val.items()
                }
            c = self._walk(val)
            if c is _DROP:
                return _DROP
            out[self._str(k) if self.masks and isinstance(k, str) else k] = c
        return out


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
