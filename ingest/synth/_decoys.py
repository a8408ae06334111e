"""Planting decoys: officials with innocent contact to a ring.

They are the hard negatives for protector ranking: each one shares *one*
surface feature with a protector (a payment, calls, a failed raid, family ties
to the ring's world) without the pattern that makes backing.
"""

from __future__ import annotations

from . import _calendar as cal
from ._people import PeopleFactory
from ._protectors import Planter, chatter
from ._rings import Ring, new_event, ring_case
from ._world import Official, World


def honest_investigator(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Leads a raid that finds the shelter, arrests, takes the case to P21 or verdict.

    He calls the suspects often, but only after their arrest (summons, examinations).
    """
    rng = world.rng
    opened = rng.randint(ring.start + 120 * cal.DAY, cal.minute(2023, 12, 1))
    case = ring_case(world, ring, "TPPO penampungan CPMI non-prosedural", opened)
    case.investigators.append((official.person.pid, opened))
    case.supervisors.append(kasat.person.pid)
    at = (opened // cal.DAY + rng.randint(20, 60)) * cal.DAY + rng.randint(3, 5) * cal.HOUR
    shelter = ring.role("shelter")
    raid = new_event(world, "raid", at, f"Penampungan di Desa {shelter.village}", case.cid, "found")
    raid.targets += [shelter.pid, ring.front.oid]
    raid.leaders.append(official.person.pid)
    ring.enforcement.append(raid)
    suspects = [shelter, ring.role("transporter")]
    for suspect in suspects:
        arrest = new_event(
            world, "arrest", at + rng.randint(30, 180), raid.place, case.cid, "found"
        )
        arrest.targets.append(suspect.pid)
        arrest.leaders.append(official.person.pid)
        ring.enforcement.append(arrest)
        case.suspects.append((suspect.pid, at))
    rescued = rng.sample(ring.victims, min(3, len(ring.victims)))
    rescue = new_event(world, "rescue", at + 90, raid.place, case.cid, "other")
    rescue.leaders.append(official.person.pid)
    case.victims += [v.pid for v in rescued]
    if rng.random() < 0.5:
        case.status, case.status_at = "p21", at + rng.randint(60, 120) * cal.DAY
    else:
        case.status, case.status_at = "vonis", at + rng.randint(150, 280) * cal.DAY
    case.status_at = cal.clamp(case.status_at)
    for suspect in suspects:
        for _ in range(rng.randint(5, 12)):
            t = ring.safe_time(world, at + 4 * cal.HOUR, at + 75 * cal.DAY)
            world.call(t, official.person.phones[0], rng.choice(suspect.phones))


def good_faith_raid_leader(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Led one raid that found nothing, and has no other tie to the ring."""
    rng = world.rng
    case = ring.cases[0]
    at = rng.randint(case.opened + 10 * cal.DAY, ring.end - 10 * cal.DAY)
    shelter = ring.role("shelter")
    raid = new_event(
        world, "raid", at, f"Rumah di Desa {shelter.village}", case.cid, "nothing_found"
    )
    raid.targets += [shelter.pid, ring.p3mi.oid]
    raid.leaders.append(official.person.pid)
    ring.enforcement.append(raid)


def one_off_payment(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A single small transfer from a member: the price of a used motorbike."""
    rng = world.rng
    member = rng.choice(ring.members)
    t = ring.safe_time(world, ring.start, ring.end)
    world.transfer(
        t,
        member.accounts[0],
        official.person.accounts[0],
        rng.randint(8, 40) * 250_000,
        rng.choice(("bayar motor", "beli motor bekas", "sapi kurban", "sewa mobil")),
    )


def victim_cousin(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A cousin of a recruited victim, who keeps calling her."""
    rng = world.rng
    victim = rng.choice(ring.victims)
    world.relate(official.person.pid, victim.pid, "family", "cousin", source="bap")
    since = max(0, ring.recruited_at[victim.pid] - 200 * cal.DAY)
    for _ in range(rng.randint(4, 12)):
        a, b = official.person.phones[0], victim.phones[0]
        if rng.random() < 0.5:
            a, b = b, a
        world.call(rng.randint(since, ring.end), a, b, "call")


def busy_pr_officer(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Humas: calls everyone (the background adds hundreds), a few ring members included."""
    rng = world.rng
    world.busy_phones.append(official.person.phones[0])
    whom = rng.sample(ring.members, min(len(ring.members), rng.randint(3, 6)))
    for member in whom:
        chatter(world, ring, official.person.phones[0], rng.randint(1, 2), [member])


def coincidental_contact(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Exactly one call with one member."""
    chatter(world, ring, official.person.phones[0], 1, [world.rng.choice(ring.members)])


PLANTERS: dict[str, Planter] = {
    "honest_investigator": honest_investigator,
    "good_faith_raid_leader": good_faith_raid_leader,
    "one_off_payment": one_off_payment,
    "victim_cousin": victim_cousin,
    "busy_pr_officer": busy_pr_officer,
    "coincidental_contact": coincidental_contact,
}
