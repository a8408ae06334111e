"""What a role may see: Propam-only data removed, victims' identifiers masked.

Every data route (and every page) hands its whole result to :meth:`Redactor.clean`
before paging or rendering, so the rule lives in one place:

* For every role but Propam, nothing Propam-only survives: a node carrying a
  label of ``PROPAM_ONLY_LABELS``, a relationship of ``PROPAM_ONLY_TYPES``, and
  any item that mentions a hidden node's id are dropped. An element of a list of
  records is dropped on its own; anything else that mentions a hidden thing drops
  the record around it. When the whole result would go, the caller answers 404.
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
from functools import cached_property
from typing import Any, Final

import queries._common as qc
from graph_api.model import PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES
from graph_api.store import EmbeddedStore, Neo4jStore, Store

MASK = "***"
#: the strings that make :meth:`Redactor._dict` drop a record for non-Propam roles
PROPAM_MARKS = frozenset(PROPAM_ONLY_LABELS) | frozenset(PROPAM_ONLY_TYPES)
#: what reskrim reads of a victim; every other property reads MASK
VICTIM_SHOWN: Final = frozenset({"name", "name_norm", "aliases", "sources", "keys"})
#: what reskrim reads of a masked phone or account; every other property reads MASK
MASKED_SHOWN: Final = frozenset({"bank", "kind", "holder_name", "sources"})
#: the opaque ids of masked entities start with this
OPAQUE = "masked-"
#: properties of a victim that are not identifiers in themselves (masked on the victim,
#: not looked for elsewhere: a date, a place, a gender are shared by many)
_WEAK: Final = frozenset({"id", "name", "name_norm", "aliases", "sources", "keys",
                          "birth_date", "birth_place", "gender", "merged_into"})
#: properties whose every value identifies the victim (others only when shaped like an id)
_IDENTIFIERS = re.compile(r"^(nik|nik_raw|id_numbers)$|address|alamat|e_?mail|surel", re.I)
#: a number in digits, with at most one space, dot or dash between two digits
_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d){7,}")
_SEPARATORS = re.compile(r"[ .\-]")
_DATE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[T ][\d:.]+Z?)?\s*$")
_AMOUNT = re.compile(r"^\s*(?:Rp\.?\s*)?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s*$", re.I)
#: numbers shorter than this are not identifiers (and would match dates and amounts)
MIN_DIGITS: Final = 8
_DROP = object()


@dataclass(frozen=True)
class Strings:
    """Every string in a value (dict keys included), to tell quickly whether a role's
    rules would change it at all: computed once for a cached result, then asked by
    every request (:meth:`Redactor.untouched`) instead of walking the whole value."""

    tokens: frozenset[str]
    #: the tokens joined by NUL, for the substring test of :meth:`Redactor.leaks`
    text: str
    #: the kept values these strings were joined from (:meth:`join`), each checked on
    #: its own so that a check made for one of them is reused
    parts: tuple[Strings, ...] = ()

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

    @classmethod
    def join(cls, *parts: Strings) -> Strings:
        """The strings of several values together (a kept report and what a view adds)."""
        return cls(
            frozenset().union(*(p.tokens for p in parts)),
            "\0".join(p.text for p in parts),
            tuple(q for p in parts for q in (p.parts or (p,))),
        )


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _national(digits: str) -> list[str]:
    """The forms a number written with a country or trunk prefix may be stored in:
    ``0062812…``, ``62812…``, ``0812…`` all give ``812…`` as well."""
    out = [digits]
    for prefix in ("0062", "62", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= MIN_DIGITS:
            out.append(digits[len(prefix) :])
    return out


def phone_needle(phone: str) -> str:
    """The digits that identify a stored (E.164) phone number in any written form."""
    digits = _digits(phone)
    return digits[2:] if phone.startswith("+62") else digits


def _identifying(name: str, value: Any) -> list[str]:
    """The strings of a victim's property ``name`` that identify them wherever met: every
    value of an identifier (NIK, address, e-mail, ...) and, of any other property, the
    values shaped like an id (an ``@``, or 7 digits or more that are not a date or an
    amount). A date, a place or an occupation alone does not identify anyone."""
    if name in _WEAK:
        return []
    items = value if isinstance(value, list) else [value]
    strings = [s for s in items if isinstance(s, str) and len(s) >= 6]
    if _IDENTIFIERS.search(name):
        return strings
    return [
        s
        for s in strings
        if "@" in s
        or (len(_digits(s)) >= 7 and not _DATE.match(s) and not _AMOUNT.match(s))
    ]


@dataclass(frozen=True)
class Victims:
    """What reskrim sees masked (module docstring); kept until the graph changes."""

    people: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    #: victims' identifying strings (NIK, address, ...): ``MASK`` wherever met whole
    strings: frozenset[str] = frozenset()
    accounts: frozenset[str] = frozenset()
    #: (stored account number, account id) of every masked account
    numbers: frozenset[tuple[str, str]] = frozenset()
    #: ids of the relationships that touch a masked phone or account
    rels: frozenset[str] = frozenset()

    @cached_property
    def masked(self) -> frozenset[str]:
        """Every stored id that is replaced by an opaque id."""
        return self.phones | self.accounts | self.rels

    @cached_property
    def digits(self) -> dict[str, str]:
        """Number (digits only) -> the masked id it stands for, or ``""`` (reads MASK)."""
        out: dict[str, str] = {}
        for s in self.strings:
            d = _digits(s)
            if (len(d) >= MIN_DIGITS and _SEPARATORS.sub("", s).lstrip("+").isdigit()
                    and not _DATE.match(s) and not _AMOUNT.match(s)):
                out.setdefault(d, "")
        for number, account in sorted(self.numbers):
            d = _digits(number)
            if len(d) >= MIN_DIGITS:
                out[d] = account
        for phone in sorted(self.phones):
            d = phone_needle(phone)
            if len(d) >= MIN_DIGITS:
                out[d] = phone
        return out

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """Identifying strings looked for inside any text: those that are not a number
        alone and are distinctive enough (a digit and 8 characters, an ``@``, or 24
        characters); shorter ones are masked only where met whole."""
        return tuple(sorted(
            s for s in self.strings
            if not _SEPARATORS.sub("", s).lstrip("+").isdigit()
            and ((len(s) >= 8 and any(c.isdigit() for c in s)) or "@" in s or len(s) >= 24)
        ))

    def ready(self) -> Victims:
        """These victims with their look-up tables built (by the warm-up, not a request)."""
        _ = (self.masked, self.digits, self.texts, self.joined, self._span)
        return self

    @cached_property
    def joined(self) -> frozenset[str]:
        """Masked ids made of several ``:`` parts (accounts), found inside other ids."""
        return frozenset(i for i in self.phones | self.accounts if ":" in i)

    @cached_property
    def _span(self) -> int:
        return max((i.count(":") + 1 for i in self.joined), default=0)

    @cached_property
    def _memo(self) -> dict[int, tuple[Strings, bool]]:
        return {}

    # -- finding what is masked -------------------------------------------------
    def number(self, written: str) -> str | None:
        """The masked id (or ``""``) a number in digits stands for, else ``None``."""
        digits = self.digits
        whole = _digits(written)
        for d in _national(whole):
            if d in digits:
                return digits[d]
        if whole != written.lstrip("+"):  # separated groups: each may be a number alone
            for group in _SEPARATORS.split(written):
                for d in _national(_digits(group)):
                    if len(d) >= MIN_DIGITS and d in digits:
                        return digits[d]
        return None

    def windows(self, s: str) -> list[tuple[int, int, str]]:
        """(first part, end part, id) of each masked id making up ``:`` parts of ``s``."""
        if not self.joined or s.count(":") < 2:
            return []
        parts, found, i = s.split(":"), [], 0
        while i < len(parts):
            for w in range(min(self._span, len(parts) - i), 1, -1):
                cand = ":".join(parts[i : i + w])
                if cand in self.joined:
                    found.append((i, i + w, cand))
                    i += w
                    break
            else:
                i += 1
        return found

    def in_text(self, text: str) -> bool:
        """Whether ``text`` holds a victim identifier: a number, or an identifying string."""
        if self.digits and any(self.number(m.group()) is not None
                               for m in _NUMBER.finditer(text)):
            return True
        return any(t in text for t in self.texts)

    def touches(self, strings: Strings) -> bool:
        """Whether the walk could change a value with these strings, or the final scan
        object to it. Remembered per kept value (``strings.parts``)."""
        return any(self._touches(p) for p in strings.parts or (strings,))

    def _touches(self, strings: Strings) -> bool:
        memo = self._memo
        seen = memo.get(id(strings))
        if seen is not None and seen[0] is strings:
            return seen[1]
        t = strings.tokens
        found = (
            not (self.people.isdisjoint(t) and self.masked.isdisjoint(t)
                 and self.strings.isdisjoint(t))
            or any(self.windows(s) for s in t if ":" in s)
            or self.in_text(strings.text)
        )
        if len(memo) > 1024:
            memo.clear()
        memo[id(strings)] = (strings, found)
        return found


def victims(store: Store) -> Victims:
    """The people VICTIM_IN a case and what is masked with them (:class:`Victims`).

    It reads the whole graph once (the embedded store) or three queries (Neo4j); the
    API keeps the answer until the graph changes (:meth:`graph_api.web.deps.Ctx.redactor`).
    """
    found: list[tuple[str, dict[str, Any], list[str], list[list[Any]]]] = []
    if isinstance(store, Neo4jStore):
        for r in qc.run(store, "victims"):
            found.append((r["id"], dict(r["props"]), list(r["phones"]), list(r["accounts"])))
    elif isinstance(store, EmbeddedStore):
        with store.reading() as g:
            named = {a for a, _b, key in g.edges(keys=True) if key[0] == "VICTIM_IN"}
            for p in sorted(named):
                uses: list[str] = []
                holds: list[list[Any]] = []
                for _, other, key in g.out_edges(p, keys=True):
                    if key[0] == "USES":
                        uses.append(other)
                    elif key[0] == "HOLDS":
                        holds.append([other, g.nodes[other].get("number")])
                props = {k: v for k, v in g.nodes[p].items() if k != qc.LABELS}
                found.append((p, props, uses, holds))
    people = frozenset(f[0] for f in found)
    phones = frozenset(ph for f in found for ph in f[2])
    strings = frozenset(
        s for f in found for k, v in f[1].items() for s in _identifying(k, v)
    )
    numbers = {(str(n), a) for f in found for a, n in f[3] if n}
    numbers |= _wallets(store, phones)
    accounts = frozenset(a for _, a in numbers) | frozenset(a for f in found for a, _ in f[3])
    rels = _touching(store, sorted(phones | accounts))
    return Victims(people, phones, strings, accounts, frozenset(numbers), rels).ready()


def _wallets(store: Store, phones: Iterable[str]) -> set[tuple[str, str]]:
    """(number, id) of the accounts whose number is one of the phone numbers."""
    needles = {phone_needle(p) for p in phones}
    needles.discard("")
    if isinstance(store, Neo4jStore):
        forms = sorted({f for n in needles for f in (n, "0" + n, "62" + n, "+62" + n)})
        if not forms:
            return set()
        return {(r["number"], r["id"]) for r in qc.run(store, "accounts_numbered",
                                                       numbers=forms)}
    out: set[tuple[str, str]] = set()
    if isinstance(store, EmbeddedStore) and needles:
        with store.reading() as g:
            for nid, attrs in g.nodes(data=True):
                number = attrs.get("number")
                if "Account" in attrs[qc.LABELS] and isinstance(number, str) and any(
                    d in needles for d in _national(_digits(number))
                ):
                    out.add((number, nid))
    return out


def _touching(store: Store, ids: list[str]) -> frozenset[str]:
    if not ids:
        return frozenset()
    if isinstance(store, Neo4jStore):
        return frozenset(r["id"] for r in qc.run(store, "rels_touching", ids=ids))
    out: set[str] = set()
    if isinstance(store, EmbeddedStore):
        with store.reading() as g:
            for i in ids:
                if i in g:
                    out.update(key[1] for _, _, key in g.out_edges(i, keys=True))
                    out.update(key[1] for _, _, key in g.in_edges(i, keys=True))
    return frozenset(out)


@dataclass
class Redactor:
    """Cleans results for one user; ``hidden`` are the ids of Propam-only nodes."""

    role: str
    hidden: frozenset[str] = frozenset()
    victims: Victims = field(default_factory=Victims)
    key: bytes = b""
    #: whose opaque ids these are: the same stored id reads differently for each user
    user: str = ""
    _opaque: dict[str, str] = field(default_factory=dict, repr=False)
    _stored: dict[str, str] | None = field(default=None, repr=False)

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
        for it: a hidden node, a masked entity's stored id, an opaque id that is not one
        of this user's. The caller answers exactly as for an id that does not exist."""
        if not self.sees_propam and node_id in self.hidden:
            return None
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
        text = q.strip()
        asks = (
            text in v.masked
            or text in v.strings
            or _SEPARATORS.sub("", text) in v.strings
            or v.in_text(text)
            or bool(v.windows(text))
        )
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

        Every rule of the walk is decided by a string of the value: a hidden id (also
        inside a longer string, as :meth:`leaks` looks for it), a Propam-only label or
        type, a victim's id, a masked id or identifying string, whole or inside.
        """
        if not self.sees_propam:
            if not PROPAM_MARKS.isdisjoint(strings.tokens):
                return False
            if any(h in strings.text for h in self.hidden):
                return False
        return not (self.masks and self.victims.touches(strings))

    def leaks(self, body: bytes | str) -> bool:
        """Fail-closed check of a serialised response (JSON or a page): a hidden id, or
        for reskrim any victim identifier the walk should have masked."""
        if self.sees_propam and not self.masks:
            return False
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        if not self.sees_propam and any(h in text for h in self.hidden):
            return True
        return self.masks and self.victims.in_text(text)

    # -- the walk ------------------------------------------------------------
    def _hidden_str(self, s: str) -> bool:
        return not self.sees_propam and s in self.hidden

    def _str(self, s: str) -> Any:
        if self._hidden_str(s):
            return _DROP
        if not self.masks:
            return s
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
            s = _NUMBER.sub(self._number, s)
        return s

    def _number(self, m: re.Match[str]) -> str:
        stored = self.victims.number(m.group())
        if stored is None:
            return m.group()
        return self.pseudonym(stored) if stored else MASK

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
        shown: frozenset[str] | None = None
        entity = False
        if self.masks:
            i = d.get("id")
            if isinstance(i, str):
                if i in self.victims.people:
                    shown = VICTIM_SHOWN
                elif i in self.victims.phones or i in self.victims.accounts:
                    shown, entity = MASKED_SHOWN, True
        out: dict[str, Any] = {}
        for k, val in d.items():
            if self._hidden_str(k):
                continue
            if shown is not None and k == "props" and isinstance(val, dict):
                val = {pk: pv if pk in shown else _masked(pv) for pk, pv in val.items()}
            elif entity and k == "keys" and isinstance(val, list):
                val = _masked(val)  # a masked entity's record keys name it
            c = self._walk(val)
            if c is _DROP:
                return _DROP
            out[self._str(k) if self.masks and isinstance(k, str) else k] = c
        return out


def _masked(value: Any) -> Any:
    return [MASK for _ in value] if isinstance(value, list) else MASK


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
