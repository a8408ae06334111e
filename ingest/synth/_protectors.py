"""Planting protectors (beking): one function per kind of backing.

Each function leaves the signal its kind is named after, plus usually a weaker
second one (a few calls, a small payment), so that no single feature gives a
protector away and no kind is invisible. Calls an official makes to a ring
member outside a tip-off always avoid the 48 hours before a raid or arrest.
"""

from __future__ import annotations

from collections.abc import Callable

from . import _calendar as cal
from ._people import PeopleFactory
from ._rings import Ring, add_victim, new_event, ring_case
from ._world import Official, Person, World

Planter = Callable[[World, PeopleFactory, Ring, Official, Official], None]
_SETORAN_REFS = ("", "", "setoran", "titipan", "koordinasi", "uang bensin", "THR", "bantuan")
_TIPOFF_OUTCOMES = ("nothing_found", "nothing_found", "escaped")


def relative(world: World, people: PeopleFactory, official: Official, kind: str) -> Person:
    """A spouse or sibling of ``official`` with a bank account of their own."""
    rng = world.rng
    me = official.person
    gender = ("f" if me.gender == "m" else "m") if kind == "spouse" else rng.choice("mf")
    born = me.birth.year if me.birth else 1980
    rel = people.person(
        regency=me.regency,
        gender=gender,
        born=(born - 6, born + 6),
        village=me.village,
        occupation=rng.choice(("Wiraswasta", "Mengurus Rumah Tangga", "Pedagang", "Guru")),
    )
    people.account(rel)
    world.relate(me.pid, rel.pid, "family", kind, source=rng.choice(("roster", "osint", "bap")))
    return rel


def monthly(
    world: World,
    ring: Ring,
    src: str,
    dst: str,
    *,
    low: int = 6,
    high: int = 18,
    refs: tuple[str, ...] = _SETORAN_REFS,
) -> None:
    """Regular monthly pay-offs (setoran), Rp 5–25 juta, around the same day each month."""
    rng = world.rng
    n = rng.randint(low, high)
    first_month = cal.month_of(ring.start) + 1
    last_month = cal.month_of(ring.end) - 1
    first = rng.randint(first_month, max(first_month, last_month - n + 1))
    day = rng.randint(1, 24)
    base = rng.randint(10, 50) * 500_000
    for i in range(n):
        # Occasionally a month is late rather than skipped, so the count stays n.
        jitter = rng.randint(-2, 2) + (rng.randint(5, 12) if rng.random() < 0.1 else 0)
        t = cal.month_start(first + i) + (day + jitter) * cal.DAY + rng.randint(7 * 60, 21 * 60)
        amount = max(1_000_000, base + rng.randint(-3, 3) * 100_000)
        world.transfer(
            t,
            src,
            dst,
            amount,
            rng.choice(refs),
            "cash_deposit" if rng.random() < 0.15 else "transfer",
        )


def chatter(world: World, ring: Ring, phone: str, n: int, whom: list[Person]) -> None:
    """``n`` calls between ``phone`` and members in ``whom``, never just before a raid."""
    rng = world.rng
    for _ in range(n):
        member_phone = rng.choice(rng.choice(whom).phones)
        t = ring.safe_time(world, ring.start, ring.end)
        a, b = (phone, member_phone) if rng.random() < 0.6 else (member_phone, phone)
        world.call(t, a, b)


def _payers(ring: Ring) -> list[Person]:
    return [ring.role("financier"), ring.role("leader")]


def direct_payments(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Monthly transfers from a ring account straight into the official's account."""
    rng = world.rng
    src = rng.choice(_payers(ring)).accounts[0]
    monthly(world, ring, src, official.person.accounts[0])
    chatter(world, ring, official.person.phones[0], rng.randint(2, 5), _payers(ring))


def family_payments(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Monthly transfers to a spouse's or sibling's account; his own stays clean."""
    rng = world.rng
    rel = relative(world, people, official, rng.choice(("spouse", "sibling")))
    monthly(world, ring, rng.choice(_payers(ring)).accounts[0], rel.accounts[0])
    chatter(world, ring, official.person.phones[0], rng.randint(0, 3), _payers(ring))


def layered_payments(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Ring account → front company → official (or a relative), days apart, amounts shaved."""
    rng = world.rng
    dst = official.person.accounts[0]
    if rng.random() < 0.4:
        dst = relative(world, people, official, rng.choice(("spouse", "sibling"))).accounts[0]
    src = ring.role("financier").accounts[-1]
    front = ring.front.accounts[0]
    n = rng.randint(5, 12)
    first = rng.randint(cal.month_of(ring.start) + 1, cal.month_of(ring.end) - n)
    for i in range(n):
        t0 = cal.month_start(first + i) + rng.randint(0, 20) * cal.DAY + rng.randint(480, 1080)
        amount = rng.randint(20, 60) * 500_000
        ref = rng.choice(("pembayaran invoice", "modal usaha", ""))
        world.transfer(t0, src, front, amount, ref)
        t1 = t0 + rng.randint(1, 4) * cal.DAY + rng.randint(-180, 180)
        shaved = int(amount * rng.uniform(0.9, 0.98)) // 50_000 * 50_000
        world.transfer(t1, front, dst, shaved, rng.choice(("fee konsultan", "jasa", "honor", "")))
    chatter(world, ring, official.person.phones[0], rng.randint(1, 3), _payers(ring))


def tipoff(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Calls or SMS to a ring member 1–12 hours before raids that then fail."""
    rng = world.rng
    phone = official.person.phones[0]
    if rng.random() < 0.3:
        phone = relative(world, people, official, rng.choice(("spouse", "sibling"))).phones[0]
    case = ring.cases[0]
    shelter = ring.role("shelter")
    for _ in range(rng.randint(2, 3)):
        day = rng.randint(case.opened + 15 * cal.DAY, ring.end - 10 * cal.DAY) // cal.DAY
        at = day * cal.DAY + rng.choice((2, 3, 4, 5, 20, 21, 22)) * cal.HOUR + rng.randint(0, 59)
        raid = new_event(
            world,
            "raid",
            at,
            f"Penampungan di Desa {shelter.village}",
            case.cid,
            rng.choice(_TIPOFF_OUTCOMES),
        )
        raid.targets += [shelter.pid, ring.p3mi.oid]
        raid.leaders.append(kasat.person.pid)
        ring.enforcement.append(raid)
        warned = rng.choice((shelter, ring.role("leader")))
        for _ in range(rng.randint(1, 2)):
            world.call(
                raid.at - rng.randint(60, 720),
                phone,
                rng.choice(warned.phones),
                rng.choice(("call", "sms")),
            )


def case_staller(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Investigator whose cases against members end in a quick SP3 or never move."""
    rng = world.rng
    suspects = rng.sample(
        [ring.role("leader"), ring.role("financier"), *ring.roles["recruiter"]], rng.randint(1, 2)
    )
    if rng.random() < 0.6:
        opened = rng.randint(ring.start + 90 * cal.DAY, ring.end - 150 * cal.DAY)
        named = opened + rng.randint(14, 56) * cal.DAY
        status, status_at = "sp3", named + rng.randint(14, 42) * cal.DAY
    else:
        opened = rng.randint(ring.start + 60 * cal.DAY, cal.minute(2023, 9, 30))
        named = opened + rng.randint(14, 56) * cal.DAY
        status, status_at = (
            rng.choice(("sidik", "sidik", "lidik")),
            named + rng.randint(0, 60) * cal.DAY,
        )
    case = ring_case(world, ring, f"TPPO an. tersangka {suspects[0].plain_name}", opened)
    case.status, case.status_at = status, status_at
    case.suspects += [(s.pid, named) for s in suspects]
    case.victims += [v.pid for v in rng.sample(ring.victims, 2)]
    case.investigators.append((official.person.pid, opened))
    case.supervisors.append(kasat.person.pid)
    tie = rng.random()
    if tie < 0.7:
        chatter(world, ring, official.person.phones[0], rng.randint(2, 6), suspects)
    if tie > 0.5:
        for _ in range(rng.randint(1, 2)):
            world.transfer(
                named + rng.randint(1, 40) * cal.DAY,
                suspects[0].accounts[0],
                official.person.accounts[0],
                rng.randint(4, 20) * 500_000,
                rng.choice(("", "titipan", "uang rokok")),
            )


def board_spouse(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """The official's spouse sits on the board of the ring's P3MI."""
    rng = world.rng
    spouse = relative(world, people, official, "spouse")
    kind = rng.choice(("commissioner_of", "director_of"))
    world.relate(
        spouse.pid,
        ring.p3mi.oid,
        kind,
        "Komisaris" if kind == "commissioner_of" else "Direktur Operasional",
        cal.iso_date(ring.start + rng.randint(0, 120) * cal.DAY),
        "",
        "osint",
    )
    signal = rng.random()
    if signal < 0.7:
        monthly(
            world,
            ring,
            ring.p3mi.accounts[1],
            spouse.accounts[0],
            low=4,
            high=10,
            refs=("honor komisaris", "honor", ""),
        )
    if signal > 0.4:
        chatter(world, ring, official.person.phones[0], rng.randint(3, 6), [ring.role("leader")])


def village_head(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A Kepala Desa paid by the recruiter for each villager recruited from his desa."""
    rng = world.rng
    village = official.person.village
    for _ in range(rng.randint(3, 5)):
        add_victim(world, people, ring, village)
    for victim in ring.victims:
        if victim.village != village:
            continue
        recruiter = ring.recruiter_of[victim.pid]
        t = ring.recruited_at[victim.pid] + rng.randint(0, 6) * cal.DAY + rng.randint(0, 600)
        world.transfer(
            t,
            recruiter.accounts[0],
            official.person.accounts[0],
            rng.randint(2, 10) * 250_000,
            rng.choice(("uang surat domisili", "administrasi desa", "", "rekomendasi")),
        )
    recruiters = ring.roles["recruiter"] + ring.roles["sponsor"]
    chatter(world, ring, official.person.phones[0], rng.randint(1, 4), recruiters)


PLANTERS: dict[str, Planter] = {
    "direct_payments": direct_payments,
    "family_payments": family_payments,
    "layered_payments": layered_payments,
    "tipoff": tipoff,
    "case_staller": case_staller,
    "board_spouse": board_spouse,
    "village_head": village_head,
}
