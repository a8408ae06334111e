"""The ordinary population around the rings, generated while it is written.

Background people, their families and accounts scale linearly with ``scale``.
They are produced a household at a time and written at once, so memory keeps
only the compact arrays of :class:`Crowd` that ``_traffic`` draws from.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from ._geo import REGENCIES
from ._names import ORG_HEADS, ORG_MIDS
from ._people import PeopleFactory
from ._rings import new_org, org_name
from ._world import Person, World
from ._writer import Bundle

PEOPLE_PER_SCALE = 2500


@dataclass
class Crowd:
    """Compact arrays describing the background population."""

    pids: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    family_phones: list[tuple[str, str]] = field(default_factory=list)
    family_accounts: list[tuple[str, str]] = field(default_factory=list)
    salaries: list[tuple[str, str, int]] = field(default_factory=list)


def organizations(world: World, people: PeopleFactory) -> None:
    """Legitimate organizations, employers, shops and the call-centre supernode."""
    rng = world.rng
    factor = max(1.0, math.sqrt(world.scale))
    shop = new_org(world, people, "company", "Konter Pulsa Barokah Cell", 0)
    people.account(shop)
    world.shops.append(shop)
    world.supernode = shop.phones[1]
    # The one non-ASCII name: it must survive cp1252 (accounts.csv) and UTF-8.
    owner = people.person(
        regency=0,
        gender="m",
        born=(1975, 1985),
        name="André Setiawan",
        occupation="Wiraswasta",
        source="osint",
    )
    people.account(owner)
    world.relate(owner.pid, shop.oid, "owner_of", "100", source="osint")
    for kind, prefix, count in (
        ("p3mi", "PT", 3),
        ("lpk", "LPK", 2),
        ("travel", "PT", 2),
        ("ngo", "Yayasan", 1),
        ("koperasi", "Koperasi", 1),
    ):
        for _ in range(count):
            name = org_name(world, prefix) + (" Tour & Travel" if kind == "travel" else "")
            people.account(new_org(world, people, kind, name, rng.randrange(len(REGENCIES))))
    for agency in world.agencies:
        # Salaries arrive from each agency's treasurer account (no holder_id).
        world.payroll[agency[0]] = people.account(None, holder_name=f"RPL BPP {agency[1].upper()}")
    for _ in range(round(8 * factor)):
        org = new_org(
            world,
            people,
            "company",
            org_name(world, rng.choice(("PT", "CV"))),
            rng.randrange(len(REGENCIES)),
        )
        people.account(org)
        world.employers.append(org)
    for _ in range(round(10 * factor)):
        kind = rng.choice(("Toko", "UD", "Warung"))
        name = f"{kind} {rng.choice(ORG_HEADS)} {rng.choice(ORG_MIDS)}"
        org = new_org(
            world, people, rng.choice(("company", "other")), name, rng.randrange(len(REGENCIES))
        )
        people.account(org)
        world.shops.append(org)


def _household(world: World, people: PeopleFactory, crowd: Crowd, rows: list[list[str]]) -> None:
    """One family, its accounts and jobs; relation rows go to ``rows``."""
    rng = world.rng
    pick = people.pick
    bap = world.sources.by_kind["bap"]
    regency = people.draw(0, len(REGENCIES) - 1)
    village = pick(pick(REGENCIES[regency].districts).villages)
    size = pick((1, 2, 2, 3, 3, 4, 5))
    head = people.person(
        regency=regency,
        village=village,
        gender="m" if rng.random() < 0.85 else "f",
        born=(1950, 1990),
        with_nik=0.88,
    )
    members = [head]
    # detail names what the second person is to the first (child → parent: "parent").
    links: list[tuple[str, str, str]] = []
    if size > 1:
        spouse = people.person(
            regency=regency,
            village=village,
            gender="f" if head.gender == "m" else "m",
            born=(1952, 1994),
            with_nik=0.88,
        )
        members.append(spouse)
        links.append((head.pid, spouse.pid, "spouse"))
    for _ in range(size - 2):
        child = people.person(regency=regency, village=village, born=(1990, 2006), with_nik=0.8)
        links.append((child.pid, head.pid, "parent"))
        if len(members) > 2 and rng.random() < 0.5:
            links.append((child.pid, members[-1].pid, "sibling"))
        members.append(child)
    rows.extend([a, b, "family", detail, "", "", pick(bap)] for a, b, detail in links)
    for person in members:
        _equip(world, people, crowd, person, rows)
    for a, b in itertools.pairwise(members):
        if a.phones and b.phones:
            crowd.family_phones.append((a.phones[0], b.phones[0]))
        if a.accounts and b.accounts:
            crowd.family_accounts.append((a.accounts[0], b.accounts[0]))


def _equip(
    world: World, people: PeopleFactory, crowd: Crowd, person: Person, rows: list[list[str]]
) -> None:
    """Accounts, a job for some, and an acquaintance for a few."""
    rng = world.rng
    if rng.random() < 0.75:
        people.account(person)
        if rng.random() < 0.15:
            people.account(person, ewallet=True)
        crowd.accounts.append(person.accounts[0])
        if rng.random() < 0.06 and world.employers:
            employer = people.pick(world.employers)
            crowd.salaries.append(
                (employer.accounts[0], person.accounts[0], people.draw(20, 90) * 100_000)
            )
            rows.append(
                [
                    person.pid,
                    employer.oid,
                    "employee_of",
                    "karyawan",
                    "",
                    "",
                    people.pick(world.sources.by_kind["bap"]),
                ]
            )
    if crowd.pids and rng.random() < 0.07:
        rows.append(
            [
                person.pid,
                people.pick(crowd.pids),
                "associate",
                people.pick(("teman", "tetangga", "rekan kerja")),
                "",
                "",
                people.pick(world.sources.by_kind["osint"]),
            ]
        )
    crowd.pids.append(person.pid)
    crowd.phones.extend(person.phones[:1])


def population(
    world: World,
    people: PeopleFactory,
    bundle: Bundle,
    relations: list[list[str]],
) -> Crowd:
    """Stream background people, their accounts and relations, with the core rows mixed in."""
    rng = world.rng
    crowd = Crowd()
    target = round(PEOPLE_PER_SCALE * world.scale)
    core_people = [p.row() for p in world.people]
    core_accounts = list(world.accounts)
    # Shuffled, so a ring's members do not sit together in the files.
    rng.shuffle(core_people)
    rng.shuffle(relations)
    written = [0, 0, 0]
    batch: list[Person] = []
    accounts: list[list[str]] = []
    people.people_sink, people.account_sink = batch, accounts
    rel_rows: list[list[str]] = []
    done = 0
    while done < target:
        _household(world, people, crowd, rel_rows)
        done += len(batch)
        share = min(1.0, done / target)
        _mix(bundle, "people.csv", [p.row() for p in batch], core_people, written, 0, share)
        _mix(bundle, "accounts.csv", accounts, core_accounts, written, 1, share)
        _mix(bundle, "relations.csv", rel_rows, relations, written, 2, share)
        batch.clear()
        accounts.clear()
        rel_rows.clear()
    _mix(bundle, "people.csv", [], core_people, written, 0, 1.0)
    _mix(bundle, "accounts.csv", [], core_accounts, written, 1, 1.0)
    _mix(bundle, "relations.csv", [], relations, written, 2, 1.0)
    people.people_sink, people.account_sink = world.people, world.accounts
    return crowd


def _mix(
    bundle: Bundle,
    name: str,
    rows: list[list[str]],
    core: list[list[str]],
    written: list[int],
    slot: int,
    share: float,
) -> None:
    """Write ``rows`` plus enough core rows to keep the core evenly spread."""
    upto = round(len(core) * share)
    rows = rows + core[written[slot] : upto]
    written[slot] = max(written[slot], upto)
    if rows:
        bundle[name].rows(rows)
