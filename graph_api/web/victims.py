"""Victims, and what is masked with them for reskrim (docs/security.md, "Victims").

:func:`victims` reads, once per store generation, the people ``VICTIM_IN`` a case, the
phones they use, the accounts they hold or that carry one of those numbers (masked
entities), the relationships touching a masked entity, and the victims' identifying
strings; :class:`Victims` answers, for :class:`graph_api.web.masking.Redactor`, what in
a string stands for one of them: a masked id, a number in digits in any written form
(:meth:`Victims.number`), a masked id making up ``:`` parts of another id
(:meth:`Victims.windows`), an identifying string inside a text (:meth:`Victims.in_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

import queries._common as qc
from graph.model import MODEL
from graph.store import EmbeddedStore, Neo4jStore, Store
from graph_api.web.strings import Strings

__all__ = ["MIN_DIGITS", "Victims", "phone_needle", "victims"]

#: properties of a victim that are not identifiers in themselves (masked on the victim,
#: not looked for elsewhere: a date, a place, a gender are shared by many)
_WEAK: Final = frozenset({"id", "name", "name_norm", "aliases", "sources", "keys",
                          "birth_date", "birth_place", "gender", "merged_into"})
#: properties whose every value identifies the victim (others only when shaped like an id):
#: the strong identifiers the model declares for a person (NIK, passport, NRP/NIP ...),
#: the raw NIK as written, and addresses and e-mail under any column name
_STRONG: Final = frozenset(p.name for p in MODEL.nodes["Person"].props if p.identifier)
_IDENTIFIERS = re.compile(r"^nik_raw$|address|alamat|e_?mail|surel", re.I)
#: a number in digits, possibly with spaces, dots or dashes between digits (and a ``+``
#: before it, which a replacement takes along)
NUMBER = re.compile(r"\+?\d[\d .\-]{6,}\d")
#: the same without the ``+``, to scan a whole answer (three times as fast)
_SCAN = re.compile(r"\d[\d .\-]{6,}\d")
_SEPARATORS = re.compile(r"[ .\-]")
_NON_DIGIT = re.compile(r"\D")
_DATE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[T ][\d:.]+Z?)?\s*$")
_AMOUNT = re.compile(r"^\s*(?:Rp\.?\s*)?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s*$", re.I)
#: numbers shorter than this are not identifiers (and would match dates and amounts)
MIN_DIGITS: Final = 8
#: the key of the victim set in the service's generation cache (requests and warm-up)
VICTIMS: Final = ("victims",)
#: answers of :meth:`Victims.number` kept at most (the same dates and ids recur)
_KEPT_NUMBERS: Final = 100_000

_VICTIM = MODEL.meaning("victim")
_PHONES = MODEL.instruments("communication")
_ACCOUNTS = MODEL.instruments("money")


def _digits(s: str) -> str:
    return _NON_DIGIT.sub("", s)


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
    if name in _STRONG or _IDENTIFIERS.search(name):
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
    @cached_property
    def _numbers(self) -> dict[str, str | None]:
        return {}

    def number(self, written: str) -> str | None:
        """The masked id (or ``""``: reads MASK) that a number written in digits stands
        for, else ``None``: a victim's phone in any written form, a masked account's
        number, a victim's NIK. Remembered (the same dates and ids recur)."""
        kept = self._numbers
        if written in kept:
            return kept[written]
        found = self._number(written)
        if len(kept) >= _KEPT_NUMBERS:
            kept.clear()
        kept[written] = found
        return found

    def _number(self, written: str) -> str | None:
        digits = self.digits
        whole = _digits(written)
        for d in _national(whole):
            if d in digits:
                return digits[d]
        groups = [_digits(g) for g in _SEPARATORS.split(written)]
        if len(groups) > 1:  # a number may be some of the groups only ("10 0813-9999-9999")
            for i in range(len(groups)):
                for j in range(i + 1, len(groups) + 1):
                    part = "".join(groups[i:j])
                    if len(part) > 20:
                        break
                    for d in _national(part):
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

    def named_by(self, q: str) -> bool:
        """Whether a search text names a masked identifier: a masked stored id, a
        victim's identifying string, or a number that stands for one of them."""
        text = q.strip()
        return (
            text in self.masked
            or text in self.strings
            or _SEPARATORS.sub("", text) in self.strings
            or self.in_text(text)
            or bool(self.windows(text))
        )

    def in_text(self, text: str) -> bool:
        """Whether ``text`` holds a victim identifier: a number, or an identifying string."""
        if self.digits and any(self.number(m.group()) is not None
                               for m in _SCAN.finditer(text)):
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
            named = {a for a, _b, _key, _attrs in g.rels_of_types(_VICTIM)}
            for p in sorted(named):
                uses: list[str] = []
                holds: list[list[Any]] = []
                for _, other, key in g.out_edges(p, keys=True):
                    if key[0] in _PHONES:
                        uses.append(other)
                    elif key[0] in _ACCOUNTS:
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
            accounts = g.ids_with_label("Account")
            g.prefetch(accounts)
            for nid in accounts:
                attrs = g.nodes[nid]
                number = attrs.get("number")
                if isinstance(number, str) and any(
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

