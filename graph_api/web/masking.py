"""What a role may see: Propam-only data removed, victims' identifiers masked.

Every data route (and every page) hands its whole result to :meth:`Redactor.clean`
before paging or rendering, so the rule lives in one place:

* For every role but Propam, nothing Propam-only survives: a node carrying a
  label of ``PROPAM_ONLY_LABELS`` or a relationship of ``PROPAM_ONLY_TYPES`` is
  dropped (defence in depth: Propam's flags live in a store of their own,
  ``graph_api.web.flags``). An element of a list of records is dropped on its own;
  anything else holding such an item drops the record around it. When the whole
  result would go, the caller answers 404.
* For Reskrim, victims (people ``VICTIM_IN`` a case) are masked by one policy,
  :class:`Victims`:

  - a victim keeps their id, name and aliases; every other property (NIK, address,
    birth date and place, gender, extra columns ...) reads ``MASK``;
  - the phones they use and the accounts they hold or that carry one of those phone
    numbers (an e-wallet) are *masked entities*: their properties but the bank, kind
    and holder's name read ``MASK``, and their id, and the id of every relationship
    touching them, is replaced everywhere by an opaque id, ``masked-phone:<16 hex>``,
    ``masked-account:…`` or ``masked-rel:…``: an HMAC keyed by the service's secret
    over the user's name and the stored id, so it is stable for one user and differs
    between users, and cannot be reversed by hashing every number;
  - inside any other string, a masked entity's id (``holds:<victim>:<account>``) and
    a number written in digits (a victim's phone in any written form, an account
    number, a NIK) are replaced in place; a victim's identifying string (NIK,
    address, ...) met as a whole string reads ``MASK``.

  A masked entity's stored id is not accepted as a lookup (:meth:`Redactor.resolve`
  answers as for an id that does not exist); its opaque id is, for the same user.
  Search never confirms a masked identifier (:meth:`Redactor.search_hits`).

Fail closed: :meth:`Redactor.leaks` scans the serialised response for every
victim identifier (numbers in every written form, addresses and other identifying
strings) and the caller withholds a response that still holds one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from graph.model import PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES
from graph_api.web.strings import Strings
from graph_api.web.victims import NUMBER, Victims, victims

__all__ = ["MASK", "OPAQUE", "Redactor", "Strings", "Victims", "dumps", "victims"]

MASK = "***"
#: the strings that make :meth:`Redactor._dict` drop a record for non-Propam roles
PROPAM_MARKS = frozenset(PROPAM_ONLY_LABELS) | frozenset(PROPAM_ONLY_TYPES)
#: what reskrim reads of a victim; every other property reads MASK
VICTIM_SHOWN: Final = frozenset({"name", "name_norm", "aliases", "sources", "keys"})
#: what reskrim reads of a masked phone or account; every other property reads MASK
MASKED_SHOWN: Final = frozenset({"bank", "kind", "holder_name", "sources"})
#: the opaque ids of masked entities start with this
OPAQUE = "masked-"
_DROP = object()


@dataclass
class Redactor:
    """Cleans results for one user (see the module)."""

    role: str
    victims: Victims = field(default_factory=Victims)
    key: bytes = b""
    #: whose opaque ids these are: the same stored id reads differently for each user
    user: str = ""
    _opaque: dict[str, str] = field(default_factory=dict, repr=False)
    _stored: dict[str, str] | None = field(default=None, repr=False)
    #: each string as this user reads it (one request: the same strings recur)
    _seen: dict[str, str] = field(default_factory=dict, repr=False)
    #: whether victims are masked, decided once (the walk asks for every string)
    _masks: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._masks = self.masks

    @property
    def sees_propam(self) -> bool:
        return self.role == "propam"

    @property
    def masks(self) -> bool:
        return self.role == "reskrim"

    def pseudonym(self, stored: str) -> str:
        """The opaque id of the masked entity or relationship ``stored`` for this user."""
        got = self._opaque.get(stored)
        if got is None:
            v = self.victims
            kind = "phone" if stored in v.phones else "account" if stored in v.accounts else "rel"
            mac = hmac.new(self.key, f"{self.user}\0{stored}".encode(), hashlib.sha256)
            got = self._opaque[stored] = f"{OPAQUE}{kind}:{mac.hexdigest()[:16]}"
        return got

    def resolve(self, node_id: str) -> str | None:
        """The stored id to look ``node_id`` up by, or ``None`` when this role may not ask
        for it: a masked entity's stored id, an opaque id that is not one of this user's.
        The caller answers exactly as for an id that does not exist."""
        if not self.masks:
            return node_id
        v = self.victims
        if node_id in v.masked:
            return None
        if node_id.startswith(OPAQUE):
            if self._stored is None:
                self._stored = {self.pseudonym(s): s for s in v.phones | v.accounts}
            return self._stored.get(node_id)
        return node_id

    def search_hits(self, q: str, hits: Iterable[Mapping[str, Any]]) -> list[Any]:
        """The hits of a search for ``q`` this role may see: for reskrim, a search that
        names a masked identifier finds no identifier match at all, and no identifier
        match leads to a victim or a masked entity, so search never confirms one."""
        if not self.masks:
            return list(hits)
        v = self.victims
        asks = v.named_by(q)
        return [
            h
            for h in hits
            if h.get("matched") == "name"
            or not (asks or h.get("id") in v.masked
                    or (h.get("matched") != "id" and h.get("id") in v.people))
        ]

    def clean(self, value: Any) -> Any:
        """``value`` as this role may see it, or ``None`` when nothing of it may be shown."""
        out = value if self.sees_propam and not self.masks else self._walk(value)
        return None if out is _DROP else out

    def clean_list(self, items: Iterable[Any]) -> list[Any]:
        return [c for c in (self.clean(i) for i in items) if c is not None]

    def untouched(self, strings: Strings) -> bool:
        """True when :meth:`clean` would return a value with these strings unchanged and
        :meth:`leaks` would pass its JSON; False means: walk it (it may still be fine).

        Every rule of the walk is decided by a string of the value: a Propam-only label
        or type, a victim's id, a masked id or identifying string, whole or inside.
        """
        if not self.sees_propam and not PROPAM_MARKS.isdisjoint(strings.tokens):
            return False
        return not (self.masks and self.victims.touches(strings))

    def leaks(self, body: bytes | str) -> bool:
        """Fail-closed check of a serialised response (JSON or a page): for reskrim,
        any victim identifier the walk should have masked."""
        if not self.masks:
            return False
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        return self.victims.in_text(text)

    # -- the walk ------------------------------------------------------------
    def _str(self, s: str) -> str:
        if not self._masks:
            return s
        seen = self._seen.get(s)
        if seen is None:
            seen = self._seen[s] = self._masked_str(s)
        return seen

    def _masked_str(self, s: str) -> str:
        v = self.victims
        if s in v.masked:
            return self.pseudonym(s)
        if s in v.strings:
            return MASK
        found = v.windows(s)
        if found:
            parts = s.split(":")
            for first, end, stored in reversed(found):
                parts[first:end] = [self.pseudonym(stored)]
            s = ":".join(parts)
        if v.digits:
            s = NUMBER.sub(self._number, s)
        return s

    def _number(self, m: re.Match[str]) -> str:
        stored = self.victims.number(m.group())
        if stored is None:
            return m.group()
        return self.pseudonym(stored) if stored else MASK

    def _walk(self, v: Any) -> Any:
        if isinstance(v, str):
            return self._str(v) if self._masks else v
        if isinstance(v, list | tuple):
            return [c for c in (self._walk(item) for item in v) if c is not _DROP]
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
        shown: frozenset[str] | None = None
        entity = False
        if self._masks:
            i = d.get("id")
            if isinstance(i, str):
                if i in self.victims.people:
                    shown = VICTIM_SHOWN
                elif i in self.victims.phones or i in self.victims.accounts:
                    shown, entity = MASKED_SHOWN, True
        out: dict[str, Any] = {}
        for k, val in d.items():
            if shown is not None and k == "props" and isinstance(val, dict):
                val = {pk: pv if pk in shown else _masked(pv) for pk, pv in val.items()}
            elif entity and k == "keys" and isinstance(val, list):
                val = _masked(val)  # a masked entity's record keys name it
            c = self._walk(val)
            if c is _DROP:
                return _DROP
            out[self._str(k) if self._masks and isinstance(k, str) else k] = c
        return out


def _masked(value: Any) -> Any:
    return [MASK for _ in value] if isinstance(value, list) else MASK


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
