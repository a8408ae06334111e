"""Innocent explanations (issue 17): officials whose ties to a ring have an ordinary cause.

Each decoy class carries the surface of a protector kind and the explanation an
investigator would accept, recorded in the data: rent that every tenant pays the
same landlord, a salary a bank pays all its staff, one call from a recorded
neighbour, a cousin, one SP3 among many ordinary cases of an investigator's own,
money *from* the official, a supervisor with a recorded role and steady contact.
"""

from __future__ import annotations

from . import _calendar as cal
from ._names import ORG_HEADS, ORG_MIDS
from ._people import PeopleFactory
from ._plant import pick
from ._rings import Ring, new_case, new_event, new_org, ring_case
from ._tradecraft import Planter, civilian, kin, money
from ._world import Official, Person, World

_ORDINARY_TITLES = (
    "Pencurian sepeda motor",
    "Penipuan jual beli online",
    "Penganiayaan",
    "Penggelapan dana arisan",
    "Pencurian ternak",
    "KDRT",
    "Pencurian dengan pemberatan",
    "Penadahan",
)
_ORDINARY_OUTCOMES = ("lidik", "sidik", "p21", "p21", "p21", "vonis", "vonis", "bebas")


def _someone(world: World, ring: Ring, hidden: float = 0.3) -> Person:
    """A recorded member, or (with probability ``hidden``) an unmarked one."""
    rng = world.rng
    if ring.hidden and rng.random() < hidden:
        return rng.choice(ring.hidden)
    return rng.choice(ring.members)


def _monthly(
    world: World, src: str, dst: str, amount: int, first: int, months: int, refs: tuple[str, ...]
) -> None:
    """The same amount on about the same day of each month."""
    rng = world.rng
    day = rng.randint(1, 10)
    for m in range(first, min(cal.MONTHS, first + months)):
        t = cal.month_start(m) + (day + rng.randint(-1, 1)) * cal.DAY + rng.randint(420, 1200)
        money(world, t, src, dst, amount, rng.choice(refs), "transfer")


def rent(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A member rents a house (kontrakan) from the official or his wife, like 3–7 others.

    Every tenant pays a constant monthly rent with a reference such as "sewa
    kontrakan"; the member's rent is one of them.
    """
    rng = world.rng
    landlord = official.person
    if rng.random() < 0.4:
        landlord = kin(world, people, official, "spouse", 0.0)
    account = landlord.accounts[0]
    refs = ("sewa kontrakan", "sewa kontrakan", "bayar kontrakan", "sewa rumah", "kontrakan")
    base = rng.randint(6, 25) * 100_000
    tenant = _someone(world, ring)
    start = cal.month_of(ring.start) + rng.randint(0, 6)
    _monthly(world, tenant.accounts[0], account, base, start, rng.randint(10, 24), refs)
    for _ in range(rng.randint(3, 7)):
        other = civilian(world, people, landlord.regency)
        amount = base + rng.choice((0, 0, 0, -1, 1, 2)) * 100_000
        first = rng.randint(0, 20)
        _monthly(world, other.accounts[0], account, amount, first, rng.randint(8, 30), refs)
    if rng.random() < 0.4:
        world.call(
            ring.safe_time(world, ring.start, ring.end), tenant.phones[0], landlord.phones[0]
        )


def salary(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A member repays a loan to a rural bank (BPR), which pays its staff, the official's
    wife or child among them, the same salary on the same day each month, from the
    account the instalments of all its borrowers go into."""
    rng = world.rng
    regency = official.person.regency
    bank = new_org(
        world,
        people,
        "company",
        f"PT BPR {rng.choice(ORG_HEADS)} {rng.choice(ORG_MIDS)}",
        regency,
    )
    # One current account takes the instalments and pays the salaries (what the bank's
    # statement shows), so ring money does flow on to the official's family.
    payroll = loans = people.account(bank)
    rel = kin(world, people, official, rng.choice(("spouse", "child")), 0.0)
    staff = [rel, *(civilian(world, people, regency) for _ in range(rng.randint(4, 9)))]
    positions = ("Teller", "Account Officer", "Customer Service", "Staf Kredit")
    for person in staff:
        world.relate(person.pid, bank.oid, "employee_of", rng.choice(positions), source="bap")
    pay = rng.randint(28, 60) * 100_000
    day = rng.choice((24, 25, 26))
    for m in range(cal.MONTHS):
        for person in staff:
            t = cal.month_start(m) + day * cal.DAY + rng.randint(480, 540)
            amount = pay + rng.choice((0, 0, 2, 5)) * 100_000
            money(world, t, payroll, person.accounts[0], amount, "gaji", "transfer")
    borrowers = [_someone(world, ring)] + [
        civilian(world, people, regency) for _ in range(rng.randint(3, 6))
    ]
    refs = ("angsuran pinjaman", "angsuran kredit", "angsuran KUR", "bayar angsuran")
    for person in borrowers:
        instalment = rng.randint(8, 40) * 50_000
        first = rng.randint(0, 18)
        _monthly(world, person.accounts[0], loans, instalment, first, rng.randint(12, 24), refs)


def neighbour(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A recorded neighbour of a member (``tetangga`` or a shared address) with one call
    16–24 h before a raid on the ring, and perhaps a few at ordinary times."""
    rng = world.rng
    member = _someone(world, ring, 0.2)
    how = rng.random()
    if how < 0.7:
        source = rng.choice(("bap", "osint"))
        world.relate(official.person.pid, member.pid, "associate", "tetangga", source=source)
    if how > 0.5:
        official.person.address = member.address
    raids = [e for e in ring.enforcement if e.kind == "raid"]
    if raids:
        raid = rng.choice(raids)
    else:
        shelter = ring.role("shelter")
        at = rng.randint(ring.cases[0].opened + 10 * cal.DAY, ring.end - 10 * cal.DAY)
        raid = new_event(
            world,
            "raid",
            at,
            f"Rumah di Desa {shelter.village}",
            ring.cases[0].cid,
            rng.choice(("nothing_found", "found")),
        )
        raid.targets.append(shelter.pid)
        raid.leaders.append(kasat.person.pid)
        ring.enforcement.append(raid)
    a, b = official.person.phones[0], member.phones[0]
    if rng.random() < 0.5:
        a, b = b, a
    world.call(raid.at - rng.randint(16 * cal.HOUR, 24 * cal.HOUR), a, b, "call")
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            world.call(ring.safe_time(world, ring.start, ring.end), a, b)


def cousin(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A cousin of a member; nothing else."""
    rng = world.rng
    member = _someone(world, ring, 0.2)
    source = rng.choice(("bap", "osint", "informant"))
    world.relate(official.person.pid, member.pid, "family", "cousin", source=source)


def _ordinary_case(
    world: World, people: PeopleFactory, investigator: Official, status: str
) -> None:
    """A theft, fraud or assault case of ``investigator``'s with ``status``."""
    rng = world.rng
    opened = rng.randint(0, cal.END_MINUTE - 60 * cal.DAY)
    agency = next((a[1] for a in world.agencies if a[0] == investigator.agency_id), "Polres")
    case = new_case(world, rng.choice(_ORDINARY_TITLES), opened, investigator.agency_id, agency)
    case.status = status
    case.status_at = cal.clamp(opened + rng.randint(20, 300) * cal.DAY)
    suspect = civilian(world, people, max(0, investigator.regency))
    case.suspects.append((suspect.pid, opened + rng.randint(7, 40) * cal.DAY))
    case.investigators.append((investigator.person.pid, opened))


def routine_sp3(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """An investigator with 10–20 ordinary cases of his own and one SP3: a ring case.

    The ring case is stopped months after the suspect was named (no evidence
    beyond a victim's statement); he calls the suspect only after naming him
    (summons). His peers in the same unit have ordinary cases with SP3s at the
    same rate (about one in twelve), so his one SP3 is routine.
    """
    rng = world.rng
    for _ in range(rng.randint(10, 20)):
        _ordinary_case(world, people, official, rng.choice(_ORDINARY_OUTCOMES))
    peers = [
        o
        for o in world.officials
        if o.agency_id == official.agency_id and o.unit == official.unit and o is not official
    ]
    for peer in peers[:4]:
        n = rng.randint(8, 16)
        for i in range(n):
            sp3 = i == 0 or rng.random() < 0.06
            _ordinary_case(world, people, peer, "sp3" if sp3 else rng.choice(_ORDINARY_OUTCOMES))
    suspect = _someone(world, ring, 0.2)
    opened = rng.randint(ring.start + 60 * cal.DAY, ring.end - 300 * cal.DAY)
    named = opened + rng.randint(20, 90) * cal.DAY
    case = ring_case(world, ring, f"TPPO an. terlapor {suspect.plain_name}", opened)
    if official.agency_id != ring.polres:
        case.agency_id = official.agency_id
    case.suspects.append((suspect.pid, named))
    case.victims.append(rng.choice(ring.victims).pid)
    case.investigators.append((official.person.pid, opened))
    case.supervisors.append(kasat.person.pid)
    case.status, case.status_at = "sp3", named + rng.randint(90, 240) * cal.DAY
    for _ in range(rng.randint(1, 3)):
        t = ring.safe_time(world, named + cal.DAY, named + 60 * cal.DAY)
        world.call(t, official.person.phones[0], suspect.phones[0], "call")


def money_from_official(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """The official buys something from a member: 1–3 payments *to* the member, a call or two."""
    rng = world.rng
    seller = _someone(world, ring, 0.3)
    what = rng.choice(
        ("beli motor", "bayar mobil bekas", "pembelian sapi", "DP tanah kavling", "bayar material")
    )
    t = ring.safe_time(world, ring.start + 30 * cal.DAY, ring.end - 30 * cal.DAY)
    for i in range(rng.randint(1, 3)):
        money(
            world,
            t + i * rng.randint(7, 40) * cal.DAY,
            official.person.accounts[0],
            rng.choice(seller.accounts),
            rng.randint(4, 120) * 500_000,
            what if i == 0 else rng.choice((what, "pelunasan", "")),
            "transfer",
        )
    for _ in range(rng.randint(1, 2)):
        world.call(
            ring.safe_time(world, t - 7 * cal.DAY, t + 2 * cal.DAY),
            rng.choice((official.person.phones[0], seller.phones[0])),
            seller.phones[0] if rng.random() < 0.5 else official.person.phones[0],
        )


def honest_supervisor(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """The recorded supervisor (Kanit PPA) of a ring case that goes to P21: steady contact
    with its investigator, every month of the case, not a burst before a decision."""
    rng = world.rng
    investigator = pick(
        world,
        [lambda o: o.agency_id == ring.polres and o.unit == "ppa", lambda o: o.unit == "ppa"],
    )
    suspect = _someone(world, ring, 0.2)
    opened = rng.randint(ring.start + 60 * cal.DAY, ring.end - 260 * cal.DAY)
    named = opened + rng.randint(10, 40) * cal.DAY
    case = ring_case(world, ring, "TPPO pengiriman PMI non-prosedural", opened)
    case.suspects.append((suspect.pid, named))
    case.victims += [v.pid for v in rng.sample(ring.victims, 2)]
    case.investigators.append((investigator.person.pid, opened))
    case.supervisors += [official.person.pid, kasat.person.pid]
    case.status = rng.choice(("p21", "vonis"))
    case.status_at = named + rng.randint(60, 200) * cal.DAY
    arrest = new_event(
        world,
        "arrest",
        named + rng.randint(2, 20) * cal.HOUR,
        f"Desa {suspect.village}",
        case.cid,
        "found",
    )
    arrest.targets.append(suspect.pid)
    arrest.leaders.append(investigator.person.pid)
    ring.enforcement.append(arrest)
    for m in range(cal.month_of(opened), cal.month_of(cal.clamp(case.status_at)) + 1):
        for _ in range(rng.randint(1, 3)):
            t = cal.month_start(m) + rng.randint(0, 27 * cal.DAY)
            a, b = official.person.phones[0], investigator.person.phones[0]
            world.call(t, *((a, b) if rng.random() < 0.6 else (b, a)), "call")
    world.planted[official.person.pid] = {"case": case.cid}


PLANTERS: dict[str, Planter] = {
    "rent": rent,
    "salary": salary,
    "neighbour": neighbour,
    "cousin": cousin,
    "routine_sp3": routine_sp3,
    "money_from_official": money_from_official,
    "honest_supervisor": honest_supervisor,
}
