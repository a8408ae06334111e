"""A trafficking ring: members, fronts, victims, their money and calls, a first case.

Nothing here involves an official; officials are tied to a ring only by the
planting in ``_protectors`` and ``_decoys``, so the ground truth is complete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import _calendar as cal
from ._geo import DESTINATIONS, REGENCIES
from ._names import ALIASES, ORG_HEADS, ORG_MIDS, ORG_TAILS
from ._people import PeopleFactory
from ._world import Case, Event, Org, Person, World

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_FEE_REFS = ("biaya proses", "biaya proses PMI", "pengurusan paspor", "DP keberangkatan", "")
# Calls by an official to a ring member never fall this long before a raid unless
# they are a planted tip-off, so the tip-off window (1–12 h) stays unambiguous.
QUIET_BEFORE_RAID = 48 * cal.HOUR


@dataclass
class Ring:
    """One ring and what planting needs to know about it."""

    rid: str
    name: str
    regency: int
    polres: str
    start: int
    end: int
    roles: dict[str, list[Person]]
    members: list[Person]
    p3mi: Org
    front: Org
    victims: list[Person] = field(default_factory=list)
    recruiter_of: dict[str, Person] = field(default_factory=dict)
    recruited_at: dict[str, int] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    enforcement: list[Event] = field(default_factory=list)
    protectors: list[str] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)
    #: people who act for the ring without a member_of row (tradecraft scenarios)
    hidden: list[Person] = field(default_factory=list)

    def role(self, name: str) -> Person:
        """The first member with ``name`` as role."""
        return self.roles[name][0]

    def safe_time(self, world: World, lo: int, hi: int) -> int:
        """A time in [lo, hi] outside the quiet window before any raid or arrest."""
        rng = world.rng
        t = lo
        for _ in range(200):
            t = rng.randint(lo, max(lo, hi))
            if not any(e.at - QUIET_BEFORE_RAID <= t <= e.at + cal.HOUR for e in self.enforcement):
                return t
        return t


def org_name(world: World, prefix: str) -> str:
    """A plausible company name such as ``PT Bina Karya Nusantara``."""
    rng = world.rng
    return f"{prefix} {rng.choice(ORG_HEADS)} {rng.choice(ORG_MIDS)} {rng.choice(ORG_TAILS)}"


def new_org(world: World, people: PeopleFactory, kind: str, name: str, regency: int) -> Org:
    """An organization with a landline, a mobile and its identifiers."""
    rng = world.rng
    reg = REGENCIES[regency]
    district = rng.choice(reg.districts)
    phones = [people.landline(reg), people.phone()]
    licence = ""
    if kind == "p3mi":
        licence = f"{rng.randint(1, 99)}/{rng.randint(1000, 9999)}/SIP3MI/{rng.randint(2015, 2021)}"
    elif kind in ("lpk", "travel"):
        licence = f"LPK-{reg.code}-{rng.randint(100, 999)}"
    org = Org(
        oid=world.ids.new("O", 5),
        name=name,
        kind=kind,
        license_no=licence,
        npwp=str(rng.randrange(10**14, 10**15)) if rng.random() < 0.85 else "",
        address=f"Jl. {rng.choice(ORG_HEADS)} No. {rng.randint(1, 150)}, Kec. {district.name}, "
        f"Kab. {reg.name}",
        phones=phones,
        phones_written=people.written(phones),
        source_id=world.sources.pick(rng, "osint"),
    )
    world.orgs.append(org)
    return org


def report_number(world: World, opened: int, unit: str) -> str:
    """A Laporan Polisi number such as ``LP/B/123/VI/2023/SPKT/POLRES BLITAR``."""
    month = cal.month_of(opened)
    return (
        f"LP/B/{world.rng.randint(10, 999)}/{_ROMAN[month % 12]}/{2022 + month // 12}"
        f"/SPKT/{unit.upper()}"
    )


def new_case(world: World, title: str, opened: int, agency_id: str, unit: str) -> Case:
    """A case opened at ``opened``; status is set by whoever plants it."""
    case = Case(
        cid=world.ids.new("C", 6),
        title=title,
        report_number=report_number(world, opened, unit),
        opened=opened,
        status="lidik",
        status_at=opened,
        agency_id=agency_id,
        source_id=world.sources.pick(world.rng, "case_register"),
    )
    world.cases.append(case)
    return case


def ring_case(world: World, ring: Ring, title: str, opened: int) -> Case:
    """A case about ``ring`` handled by the ring's Polres."""
    case = new_case(world, title, opened, ring.polres, f"Polres {REGENCIES[ring.regency].name}")
    ring.cases.append(case)
    return case


def new_event(
    world: World,
    kind: str,
    at: int,
    place: str,
    case_id: str = "",
    outcome: str = "",
    source: str = "case_register",
) -> Event:
    """An event row (raid, arrest, departure, rescue …)."""
    event = Event(
        world.ids.new("EV", 6),
        kind,
        cal.clamp(at),
        place,
        case_id,
        outcome,
        world.sources.pick(world.rng, source),
    )
    world.events.append(event)
    return event


def _member(world: World, people: PeopleFactory, ring_regency: int, role: str) -> Person:
    rng = world.rng
    person = people.person(
        regency=ring_regency,
        gender="f"
        if role == "financier" and rng.random() < 0.5
        else ("m" if rng.random() < 0.85 else "f"),
        born=(1962, 1992),
        occupation="Wiraswasta",
        source=rng.choice(("bap", "informant")),
        phones=2 if rng.random() < 0.3 else 1,
        titled=0.15 if role == "leader" else 0.03,
    )
    if rng.random() < 0.4:
        person.aliases = "|".join(rng.sample(ALIASES, rng.randint(1, 2)))
    people.account(person, source="ppatk_report" if rng.random() < 0.5 else "bank_statement")
    if role == "financier":
        people.account(person, source="ppatk_report")
    if rng.random() < 0.35:
        people.account(person, ewallet=True)
    return person


def build_ring(world: World, people: PeopleFactory, index: int, regency: int) -> Ring:
    """Members, front organizations, victims, fees, internal traffic and a first case."""
    rng = world.rng
    reg = REGENCIES[regency]
    rid = f"RING{index + 1}"
    start = cal.minute(2022, rng.randint(1, 6), rng.randint(1, 28), rng.randint(8, 20))
    end = cal.minute(2024, rng.randint(9, 11), rng.randint(1, 28), rng.randint(8, 20))
    layout = [
        ("leader", 1),
        ("recruiter", rng.randint(1, 2)),
        ("sponsor", rng.randint(1, 2)),
        ("transporter", 1),
        ("financier", 1),
        ("forger", 1),
        ("shelter", 1),
    ]
    roles: dict[str, list[Person]] = {}
    members: list[Person] = []
    for role, count in layout:
        for _ in range(count):
            person = _member(world, people, regency, role)
            roles.setdefault(role, []).append(person)
            members.append(person)
            world.relate(
                person.pid,
                rid,
                "member_of",
                role,
                cal.iso_date(start),
                "",
                rng.choice(("informant", "bap")),
            )
    leader = roles["leader"][0]
    dest = rng.choice(DESTINATIONS)
    name = f"Jaringan {leader.plain_name.split()[0]} {reg.name}–{dest}"
    world.rings.append([rid, name, world.sources.pick(rng, "informant")])
    p3mi = new_org(world, people, "p3mi", org_name(world, "PT"), regency)
    front = new_org(
        world,
        people,
        rng.choice(("shell", "company")),
        org_name(world, "CV").rsplit(" ", 1)[0],
        regency,
    )
    since = cal.iso_date(max(0, start - 200 * cal.DAY))
    world.relate(leader.pid, p3mi.oid, "director_of", "Direktur Utama", since, "", "osint")
    world.relate(
        leader.pid, p3mi.oid, "owner_of", str(rng.choice((51, 60, 75))), since, "", "osint"
    )
    world.relate(
        roles["financier"][0].pid, p3mi.oid, "commissioner_of", "Komisaris", since, "", "osint"
    )
    world.relate(roles["forger"][0].pid, front.oid, "director_of", "Direktur", since, "", "osint")
    world.relate(
        roles["financier"][0].pid,
        front.oid,
        "owner_of",
        str(rng.choice((50, 70, 90))),
        since,
        "",
        "osint",
    )
    if rng.random() < 0.6:
        lpk = new_org(world, people, "lpk", org_name(world, "LPK").rsplit(" ", 1)[0], regency)
        world.relate(roles["shelter"][0].pid, lpk.oid, "employee_of", "Pengelola asrama", since)
        people.account(lpk)
    for org in (p3mi, p3mi, front):
        people.account(org, source="ppatk_report")
    ring = Ring(rid, name, regency, world.polres[regency], start, end, roles, members, p3mi, front)
    world.members[rid] = [m.pid for m in members]
    world.ring_orgs[rid] = [p3mi.oid, front.oid]
    villages = [v for d in rng.sample(reg.districts, 3) for v in d.villages[:1]]
    for _ in range(max(6, round(rng.randint(10, 16) * math.sqrt(math.sqrt(world.scale))))):
        add_victim(world, people, ring, rng.choice(villages))
    _internal_traffic(world, ring)
    return ring


def add_victim(
    world: World, people: PeopleFactory, ring: Ring, village: str, recruiter: Person | None = None
) -> Person:
    """A recruited villager, the relative who pays the fee, and their traffic."""
    rng = world.rng
    victim = people.person(
        regency=ring.regency,
        village=village,
        gender="f" if rng.random() < 0.75 else "m",
        born=(1995, 2005),
        occupation=rng.choice(("Tidak Bekerja", "Buruh Tani", "Buruh Pabrik")),
        with_nik=0.85,
    )
    payer = people.person(
        regency=ring.regency, village=village, born=(1955, 1980), occupation="Petani", source="bap"
    )
    kin = rng.choice(("parent", "parent", "sibling"))
    world.relate(victim.pid, payer.pid, "family", kin, source="bap")
    people.account(payer, ewallet=rng.random() < 0.2)
    recruiter = recruiter or rng.choice(ring.roles["recruiter"] + ring.roles["sponsor"])
    t = rng.randint(ring.start, ring.end - 60 * cal.DAY)
    ring.victims.append(victim)
    ring.recruiter_of[victim.pid] = recruiter
    ring.recruited_at[victim.pid] = t
    world.relate(recruiter.pid, victim.pid, "recruited", "", cal.iso_date(t), "", "bap")
    target = rng.choice((recruiter.accounts[0], ring.p3mi.accounts[0]))
    for _ in range(rng.randint(1, 2)):
        world.transfer(
            t + rng.randint(3, 30) * cal.DAY + rng.randint(0, 600),
            payer.accounts[0],
            target,
            rng.randint(10, 70) * 500_000,
            rng.choice(_FEE_REFS),
            rng.choice(("transfer", "transfer", "cash_deposit")),
        )
    for _ in range(rng.randint(2, 6)):
        world.call(
            t + rng.randint(-30 * cal.DAY, 20 * cal.DAY), recruiter.phones[0], victim.phones[0]
        )
    for _ in range(rng.randint(1, 5)):
        world.call(
            t + rng.randint(-20 * cal.DAY, 120 * cal.DAY), victim.phones[0], payer.phones[0], "call"
        )
    if rng.random() < 0.6:
        departure = new_event(
            world,
            "departure",
            t + rng.randint(30, 90) * cal.DAY,
            rng.choice(
                ("Bandara Internasional Juanda, Sidoarjo", "Pelabuhan Tanjung Perak, Surabaya")
            ),
            source="bap",
        )
        departure.targets.append(victim.pid)
    return victim


def _internal_traffic(world: World, ring: Ring) -> None:
    """Money and calls among members: the ring's own, official-free activity."""
    rng = world.rng
    fin = ring.role("financier")
    others = [m for m in ring.members if m is not fin]
    for month in range(cal.month_of(ring.start), cal.month_of(ring.end) + 1):
        base = cal.month_start(month)
        world.transfer(
            base + rng.randint(0, 27 * cal.DAY),
            ring.p3mi.accounts[1],
            fin.accounts[0],
            rng.randint(20, 120) * 500_000,
            "bagi hasil",
        )
        for member in rng.sample(others, 2):
            world.transfer(
                base + rng.randint(0, 27 * cal.DAY),
                fin.accounts[-1],
                member.accounts[0],
                rng.randint(2, 12) * 500_000,
                rng.choice(("operasional", "uang jalan", "", "bensin")),
            )
        for _ in range(rng.randint(6, 14)):
            a, b = rng.sample(ring.members, 2)
            world.call(
                base + rng.randint(0, 28 * cal.DAY), rng.choice(a.phones), rng.choice(b.phones)
            )
        if rng.random() < 0.5:
            # Ordinary business between the fronts, so the front company's
            # inflows are not only the layered pay-offs.
            world.transfer(
                base + rng.randint(0, 27 * cal.DAY),
                ring.p3mi.accounts[0],
                ring.front.accounts[0],
                rng.randint(10, 80) * 500_000,
                rng.choice(("pembayaran invoice", "jasa", "")),
            )
        if rng.random() < 0.5:
            world.call(
                base + rng.randint(0, 28 * cal.DAY),
                rng.choice(ring.members).phones[0],
                world.supernode,
                "call",
            )
