"""The in-memory part of a synthetic scenario.

Everything that carries a planted signal (officials, rings, their money and
calls) is small and lives here; the background population and its millions of
transfers and calls are generated while streaming (see ``_background``) and
never held in full.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from ._calendar import clamp
from ._names import PREFIXES

# A planted transfer: (at, from_account, to_account, rupiah, channel, reference, source_id).
Transfer = tuple[int, str, str, int, str, str, str]
# A planted call: (at, from_phone, to_phone, duration_s, kind, source_id); phones as 62… digits.
Call = tuple[int, str, str, int, str, str]
# A relation row: (from_id, to_id, type, detail, since, until, source_id).
Relation = tuple[str, str, str, str, str, str, str]


class IdPool:
    """Random, never repeated keys such as ``P483920``.

    Keys are drawn rather than counted so that another seed gives other ids,
    and so that an id says nothing about when or why its record was made.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, prefix: str, width: int) -> str:
        """A fresh key: ``prefix`` and ``width`` random digits."""
        low = 10 ** (width - 1)
        span = 10**width - low
        rnd = self._rng.random
        while True:
            key = f"{prefix}{low + int(rnd() * span)}"
            if key not in self._used:
                self._used.add(key)
                return key


@dataclass
class Person:
    """One row of people.csv plus what the generator needs to know about it."""

    pid: str
    name: str
    plain_name: str
    gender: str
    birth: date | None
    nik: str
    birth_place: str
    phones: list[str]
    phones_written: str
    address: str
    regency: int
    village: str
    aliases: str
    occupation: str
    source_id: str
    accounts: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        """people.csv columns (spec order) plus the extra ``pekerjaan`` column."""
        birth = self.birth.isoformat() if self.birth else ""
        return [
            self.pid,
            self.name,
            self.aliases,
            self.nik,
            birth,
            self.birth_place,
            self.gender,
            self.phones_written,
            self.address,
            self.source_id,
            self.occupation,
        ]


@dataclass
class Org:
    """One row of organizations.csv."""

    oid: str
    name: str
    kind: str
    license_no: str
    npwp: str
    address: str
    phones: list[str]
    phones_written: str
    source_id: str
    accounts: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        """organizations.csv columns in spec order."""
        return [
            self.oid,
            self.name,
            self.kind,
            self.license_no,
            self.npwp,
            self.address,
            self.phones_written,
            self.source_id,
        ]


@dataclass
class Official:
    """A person holding a post; ``unit`` is the generator's own category."""

    person: Person
    agency_id: str
    regency: int
    unit: str
    rank: str
    position: str
    assigned: bool = False


@dataclass
class Case:
    """A case file and the people tied to it."""

    cid: str
    title: str
    report_number: str
    opened: int
    status: str
    status_at: int
    agency_id: str
    source_id: str
    suspects: list[tuple[str, int]] = field(default_factory=list)
    victims: list[str] = field(default_factory=list)
    investigators: list[tuple[str, int]] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)


@dataclass
class Event:
    """An enforcement or trafficking event."""

    eid: str
    kind: str
    at: int
    place: str
    case_id: str
    outcome: str
    source_id: str
    targets: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)


@dataclass
class Sources:
    """Source ids by kind, so each row can cite a plausible origin."""

    rows: list[list[str]] = field(default_factory=list)
    by_kind: dict[str, list[str]] = field(default_factory=dict)
    cdr_by_operator: dict[str, str] = field(default_factory=dict)

    def pick(self, rng: random.Random, kind: str) -> str:
        """A source of ``kind``."""
        return rng.choice(self.by_kind[kind])


@dataclass
class World:
    """All in-memory rows of a scenario, plus the ground truth."""

    rng: random.Random
    scale: float
    ids: IdPool
    sources: Sources = field(default_factory=Sources)
    agencies: list[list[str]] = field(default_factory=list)
    official_rows: list[list[str]] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    accounts: list[list[str]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    rings: list[list[str]] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    village_offices: dict[tuple[int, str], str] = field(default_factory=dict)
    polres: dict[int, str] = field(default_factory=dict)
    polda_id: str = ""
    supernode: str = ""
    busy_phones: list[str] = field(default_factory=list)
    civilians: list[Person] = field(default_factory=list)
    employers: list[Org] = field(default_factory=list)
    shops: list[Org] = field(default_factory=list)
    payroll: dict[str, str] = field(default_factory=dict)
    protector_kinds: dict[str, str] = field(default_factory=dict)
    decoy_kinds: dict[str, str] = field(default_factory=dict)
    truth_rings: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    ring_orgs: dict[str, list[str]] = field(default_factory=dict)
    #: ring_id → people acting for the ring without a member_of row (tradecraft only)
    hidden_members: dict[str, list[str]] = field(default_factory=dict)
    #: official's person_id → what was planted around him (tradecraft only)
    planted: dict[str, dict[str, object]] = field(default_factory=dict)

    def relate(
        self,
        a: str,
        b: str,
        kind: str,
        detail: str = "",
        since: str = "",
        until: str = "",
        source: str = "bap",
    ) -> None:
        """Add a relations.csv row citing a source of kind ``source``."""
        cited = self.sources.pick(self.rng, source)
        self.relations.append((a, b, kind, detail, since, until, cited))

    def transfer(
        self,
        t: int,
        frm: str,
        to: str,
        rupiah: int,
        ref: str = "",
        channel: str = "transfer",
        source: str = "",
    ) -> None:
        """Plant a transfer; ring money mostly comes to light through PPATK reports."""
        kind = source or ("ppatk_report" if self.rng.random() < 0.4 else "bank_statement")
        cited = self.sources.pick(self.rng, kind)
        self.transfers.append((clamp(t), frm, to, rupiah, channel, ref, cited))

    def call(self, t: int, a: str, b: str, kind: str = "", duration: int = -1) -> None:
        """Plant a call or SMS from phone ``a`` to phone ``b``."""
        rng = self.rng
        kind = kind or ("call" if rng.random() < 0.75 else "sms")
        if duration < 0:
            duration = int(rng.expovariate(1 / 90)) + 5 if kind == "call" else 0
        self.calls.append((clamp(t), a, b, duration, kind, self.cdr_source(a)))

    def cdr_source(self, phone: str) -> str:
        """The CDR source that would hold a call made from ``phone``."""
        prefix = "0" + phone[2:5]
        operator = PREFIXES.get(prefix, "other")
        return self.sources.cdr_by_operator[operator]
