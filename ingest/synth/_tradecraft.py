"""Backing done at one remove, as public reporting on TPPO cases describes it (issue 17).

The classic planters (``_protectors``) leave direct signals: the official's own
account is paid, his own phone warns the ring. Here the official keeps his hands
clean: a broker forwards the money to a relative's e-wallet, a phone nobody is
recorded for carries the warning, a senior officer leans on the investigator of a
case he has no role in, a passport or village official processes the ring's
recruits (minors among them), relatives collect many small payments. Each planter
randomises its parameters and leaves gaps (a missing leg, a weakly graded source),
and the ring itself has members nobody recorded (``hidden_members``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from . import _calendar as cal
from ._geo import REGENCIES
from ._names import ORG_HEADS, ORG_MIDS
from ._people import PeopleFactory
from ._plant import pick
from ._rings import Ring, add_victim, new_event, new_org, ring_case
from ._world import Official, Person, World

Planter = Callable[[World, PeopleFactory, Ring, Official, Official], None]

_WEAK_SOURCES = (
    ("informant", "Informan C (warga sekitar penampungan)", "D", "4"),
    ("informant", "Laporan masyarakat tanpa nama", "E", "5"),
    ("osint", "Unggahan media sosial (akun anonim)", "E", ""),
)
_DOCUMENT_SOURCES = (
    ("other", "Data penerbitan paspor (SIMKIM) Kantor Imigrasi", "A", "1"),
    ("other", "Register rekomendasi paspor Disnaker", "B", "1"),
    ("other", "Buku register surat keterangan desa", "B", "2"),
)
#: the event kind an office produces, by the generator's unit
DOCUMENT_KIND = {
    "imigrasi": "passport_issue",
    "disnaker": "passport_recommendation",
    "desa": "domicile_letter",
}
_DOCUMENT_SOURCE = {"imigrasi": 0, "disnaker": 1, "desa": 2}
_HIDDEN_JOBS = ("Wiraswasta", "Sopir", "Pedagang", "Karyawan Swasta", "Tukang Ojek")


def add_sources(world: World) -> None:
    """Weakly graded informant and OSINT sources, and the document registers."""
    rng = world.rng
    for key, rows in (("weak", _WEAK_SOURCES), ("documents", _DOCUMENT_SOURCES)):
        for kind, title, reliability, credibility in rows:
            sid = world.ids.new("S", 4)
            day = f"{rng.choice((2023, 2024))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            world.sources.rows.append([sid, kind, title, day, reliability, credibility])
            world.sources.by_kind.setdefault(kind, []).append(sid)
            world.sources.by_kind.setdefault(key, []).append(sid)


def weak_or(world: World, kind: str, share: float = 0.15) -> str:
    """``kind``, or (with probability ``share``) a weakly graded source."""
    return "weak" if world.rng.random() < share else kind


def money(
    world: World, t: int, src: str, dst: str, rupiah: int, ref: str = "", channel: str = ""
) -> None:
    """A planted transfer; about one in ten comes only from a weak source."""
    rng = world.rng
    channel = channel or ("cash_deposit" if rng.random() < 0.15 else "transfer")
    source = "weak" if rng.random() < 0.1 else ""
    world.transfer(t, src, dst, max(50_000, rupiah), ref, channel, source)


def kin(
    world: World, people: PeopleFactory, official: Official, detail: str, ewallet: float = 0.5
) -> Person:
    """A relative of ``official`` (family relation ``detail``) with an account or two.

    The relative's last account is an e-wallet with probability ``ewallet``.
    """
    rng = world.rng
    me = official.person
    born = me.birth.year if me.birth else 1980
    years = {"child": (born + 20, min(2004, born + 32)), "parent": (born - 32, born - 20)}
    rel = people.person(
        regency=me.regency,
        gender=("f" if me.gender == "m" else "m") if detail == "spouse" else rng.choice("mf"),
        born=years.get(detail, (born - 8, born + 8)),
        village=me.village if detail in ("spouse", "child") else "",
        occupation=rng.choice(("Wiraswasta", "Mengurus Rumah Tangga", "Pedagang", "Mahasiswa")),
    )
    people.account(rel)
    if rng.random() < ewallet:
        people.account(rel, ewallet=True)
    source = weak_or(world, rng.choice(("roster", "osint", "bap")), 0.2)
    world.relate(me.pid, rel.pid, "family", detail, source=source)
    return rel


def civilian(world: World, people: PeopleFactory, regency: int, occupation: str = "") -> Person:
    """An ordinary adult with a bank account, outside any ring."""
    rng = world.rng
    person = people.person(
        regency=regency,
        born=(1958, 2000),
        occupation=occupation,
        source=rng.choice(("bap", "osint")),
    )
    people.account(person, ewallet=rng.random() < 0.2)
    return person


def ring_side(ring: Ring) -> list[Person]:
    """Recorded members and the unmarked ones who act for the ring."""
    return [*ring.members, *ring.hidden]


def hidden_members(world: World, people: PeopleFactory, ring: Ring) -> None:
    """1–3 people who act for the ring without a ``member_of`` row.

    Each talks with several members and is paid by the financier; some recruit
    villagers (``recruited`` rows, fees), some work for the ring's P3MI on paper.
    """
    rng = world.rng
    fin = ring.role("financier")
    for _ in range(rng.randint(1, 3)):
        person = people.person(
            regency=ring.regency,
            gender="m" if rng.random() < 0.8 else "f",
            born=(1965, 1996),
            occupation=rng.choice(_HIDDEN_JOBS),
            source=rng.choice(("bap", "informant")),
        )
        people.account(person, source=rng.choice(("ppatk_report", "bank_statement")))
        if rng.random() < 0.5:
            people.account(person, ewallet=True)
        ring.hidden.append(person)
        job = rng.choice(("recruiter", "recruiter", "runner", "staff"))
        if job == "recruiter":
            villages = sorted({v.village for v in ring.victims})
            for _ in range(rng.randint(2, 4)):
                add_victim(world, people, ring, rng.choice(villages), recruiter=person)
        elif job == "staff":
            world.relate(
                person.pid,
                ring.p3mi.oid,
                "employee_of",
                rng.choice(("Staf Administrasi", "Staf Lapangan", "Sopir")),
                cal.iso_date(ring.start),
                "",
                "osint",
            )
        contacts = rng.sample(ring.members, min(len(ring.members), rng.randint(3, 5)))
        for _ in range(rng.randint(10, 25)):
            a, b = person.phones[0], rng.choice(rng.choice(contacts).phones)
            if rng.random() < 0.5:
                a, b = b, a
            world.call(rng.randint(ring.start, ring.end), a, b)
        for _ in range(rng.randint(3, 9)):
            money(
                world,
                rng.randint(ring.start, ring.end),
                fin.accounts[-1],
                person.accounts[0],
                rng.randint(2, 12) * 500_000,
                rng.choice(("operasional", "uang jalan", "", "bensin", "fee")),
            )
    world.hidden_members[ring.rid] = [p.pid for p in ring.hidden]


def _side_accounts(ring: Ring, *, ewallets: bool = True) -> list[str]:
    side = [ring.role("financier"), ring.role("leader"), *ring.hidden]
    return [a for p in side for a in (p.accounts if ewallets else p.accounts[:1])]


def _times(world: World, ring: Ring, n: int, lo_days: int = 30) -> list[int]:
    """``n`` sorted instants inside the ring's life, at least a week apart where possible."""
    rng = world.rng
    lo, hi = ring.start + lo_days * cal.DAY, ring.end - 20 * cal.DAY
    picked: list[int] = []
    for _ in range(n):
        for _ in range(50):
            t = rng.randint(lo, hi)
            if all(abs(t - u) > 7 * cal.DAY for u in picked):
                break
        picked.append(t)
    return sorted(picked)


def _ordinary_traffic(world: World, people: PeopleFactory, ring: Ring, account: str) -> None:
    """An intermediary's own business: customers paying in, payments out."""
    rng = world.rng
    customers = [civilian(world, people, ring.regency) for _ in range(rng.randint(4, 9))]
    shops = [o.accounts[0] for o in world.shops if o.accounts]
    for _ in range(rng.randint(10, 30)):
        who = rng.choice(customers).accounts[0]
        t = rng.randint(ring.start - 120 * cal.DAY, ring.end)
        amount = rng.randint(1, 60) * 250_000
        if rng.random() < 0.5:
            money(world, t, who, account, amount, rng.choice(("bayar", "", "titip", "pelunasan")))
        else:
            dst = rng.choice(shops) if shops and rng.random() < 0.5 else who
            money(world, t, account, dst, amount, rng.choice(("", "belanja", "kembalian", "stok")))


def pass_through(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A broker outside the ring forwards most of each ring payment to a relative, within days.

    The broker is a civilian (or a small trading company); one ring in three routes
    through a second intermediary. Each forward is 60–95 % of the payment, 1–5 days
    later, as a transfer, an e-wallet top-up or a cash deposit, sometimes in two parts.
    About one leg in ten is missing from the records.
    """
    rng = world.rng
    rel = kin(world, people, official, rng.choice(("spouse", "sibling", "child", "in_law")), 0.7)
    dst = rel.accounts[-1]
    if rng.random() < 0.65:
        broker = civilian(world, people, ring.regency, rng.choice(("Wiraswasta", "Pedagang")))
        hops = [broker.accounts[0]]
        owner = broker
    else:
        head = rng.choice(("CV", "UD"))
        org = new_org(
            world,
            people,
            "company",
            f"{head} {rng.choice(ORG_HEADS)} {rng.choice(ORG_MIDS)}",
            ring.regency,
        )
        people.account(org)
        owner = civilian(world, people, ring.regency, "Wiraswasta")
        world.relate(owner.pid, org.oid, "owner_of", "100", source="osint")
        hops = [org.accounts[0]]
    _ordinary_traffic(world, people, ring, hops[0])
    if rng.random() < 0.33:
        second = civilian(world, people, ring.regency)
        hops.append(second.accounts[0])
        _ordinary_traffic(world, people, ring, hops[1])
    payers = _side_accounts(ring) + [ring.p3mi.accounts[1]]
    channel = "ewallet" if dst != rel.accounts[0] else ""
    for t0 in _times(world, ring, rng.randint(5, 12)):
        amount = rng.randint(10, 80) * 500_000
        missing = rng.randrange(len(hops) + 1) if rng.random() < 0.1 else -1
        if missing != 0:
            money(
                world,
                t0,
                rng.choice(payers),
                hops[0],
                amount,
                rng.choice(("", "titip", "pembayaran", "jasa", "DP tanah", "pinjaman")),
            )
        t, carried = t0, amount
        budget = rng.randint(cal.DAY, 5 * cal.DAY - cal.HOUR)
        for i, hop in enumerate(hops):
            last = i == len(hops) - 1
            lag = budget if last else rng.randint(6 * cal.HOUR, budget // 2)
            budget -= 0 if last else lag
            t += lag
            share = rng.uniform(0.6, 0.95) if last else rng.uniform(0.95, 1.0)
            out = int(carried * share) // 10_000 * 10_000
            to = dst if last else hops[i + 1]
            if missing == i + 1:
                carried = out
                continue
            parts = [out] if rng.random() < 0.7 or not last else [out // 2, out - out // 2]
            for k, part in enumerate(parts):
                money(
                    world,
                    t - k * rng.randint(60, 600),
                    hop,
                    to,
                    part,
                    rng.choice(("", "kiriman", "titipan", "top up", "bayar")),
                    channel if last else rng.choice(("transfer", "cash_deposit")),
                )
            carried = out
    member_phones = [p.phones[0] for p in ring_side(ring)]
    for _ in range(rng.randint(2, 6)):
        world.call(rng.randint(ring.start, ring.end), owner.phones[0], rng.choice(member_phones))
    for _ in range(rng.randint(1, 4)):
        world.call(rng.randint(ring.start, ring.end), owner.phones[0], rel.phones[0])
    world.planted[official.person.pid] = {"relative": rel.pid, "via": hops}


def relay(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """Official's side → a relay phone → a ring member, minutes apart, before raids that fail.

    The relay is a number nobody is recorded for, or a person with no ring role; the
    official (or a relative's phone) calls it 30 min–6 h before the raid and it calls a
    member 2–25 minutes later. The official himself never calls the ring. Relay and
    official also talk at ordinary times, and the relay has its own contacts.
    """
    rng = world.rng
    side = official.person.phones[0]
    if rng.random() < 0.3:
        side = kin(world, people, official, rng.choice(("spouse", "sibling", "child"))).phones[0]
    if rng.random() < 0.55:
        relay_phone, relay_id = people.phone(), ""
    else:
        go_between = civilian(world, people, ring.regency, rng.choice(("Tukang Ojek", "Pedagang")))
        relay_phone, relay_id = go_between.phones[0], go_between.pid
    case = ring.cases[0]
    shelter = ring.role("shelter")
    targets = [shelter, ring.role("leader"), *ring.hidden]
    raids = rng.randint(2, 4)
    for n in range(raids):
        day = rng.randint(case.opened + 15 * cal.DAY, ring.end - 10 * cal.DAY) // cal.DAY
        at = day * cal.DAY + rng.choice((1, 2, 3, 4, 5, 20, 21, 22, 23)) * cal.HOUR
        raid = new_event(
            world,
            "raid",
            at + rng.randint(0, 59),
            f"Penampungan di Desa {shelter.village}",
            case.cid,
            rng.choice(("nothing_found", "nothing_found", "escaped")),
        )
        raid.targets += [shelter.pid, ring.p3mi.oid]
        raid.leaders.append(kasat.person.pid)
        ring.enforcement.append(raid)
        t1 = raid.at - rng.randint(30, 360)
        # One raid in five lacks the first leg (the relay's CDR was not obtained
        # for that day); never the first raid, so the pattern is always there.
        if n == 0 or rng.random() >= 0.2:
            a, b = (side, relay_phone) if rng.random() < 0.75 else (relay_phone, side)
            world.call(t1, a, b, rng.choice(("call", "call", "sms")))
        world.call(
            t1 + rng.randint(2, 25),
            relay_phone,
            rng.choice(rng.choice(targets).phones),
            rng.choice(("call", "sms")),
        )
    for _ in range(rng.randint(2, 6)):
        world.call(ring.safe_time(world, ring.start, ring.end), side, relay_phone)
    strangers = [people.phone() for _ in range(rng.randint(4, 10))]
    for _ in range(rng.randint(8, 20)):
        a, b = relay_phone, rng.choice(strangers)
        if rng.random() < 0.5:
            a, b = b, a
        world.call(rng.randint(ring.start - 90 * cal.DAY, ring.end), a, b)
    for _ in range(rng.randint(0, 3)):
        world.call(
            ring.safe_time(world, ring.start, ring.end),
            relay_phone,
            rng.choice(shelter.phones),
        )
    world.planted[official.person.pid] = {"relay_phone": relay_phone, "relay": relay_id}


def interference(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """A senior officer with no role in a ring case leans on its investigator before an SP3.

    Investigators are neutral officials; the senior officer calls them 4–10 times in
    the 2 weeks before the case is stopped (SP3) or the suspect released, against 0–2
    calls at other times; in three rings out of four a relative of his is paid by the
    ring side around it.
    """
    rng = world.rng
    staff = [
        lambda o: o.agency_id == ring.polres and o.unit == "ppa",
        lambda o: o.unit == "ppa",
    ]
    investigators = [pick(world, staff) for _ in range(rng.randint(1, 2))]
    suspects = rng.sample([ring.role("leader"), ring.role("financier"), *ring.hidden], 1)
    opened = rng.randint(ring.start + 90 * cal.DAY, ring.end - 200 * cal.DAY)
    named = opened + rng.randint(14, 60) * cal.DAY
    decided = named + rng.randint(20, 120) * cal.DAY
    case = ring_case(world, ring, f"TPPO an. tersangka {suspects[0].plain_name}", opened)
    case.suspects += [(s.pid, named) for s in suspects]
    case.victims += [v.pid for v in rng.sample(ring.victims, 2)]
    case.investigators += [(i.person.pid, opened) for i in investigators]
    case.supervisors.append(kasat.person.pid)
    if rng.random() < 0.65:
        case.status, case.status_at = "sp3", decided
    else:
        case.status, case.status_at = "sidik", named
        place = f"Rutan Polres {REGENCIES[ring.regency].name}"
        release = new_event(world, "release", decided, place, case.cid, "other")
        release.targets.append(suspects[0].pid)
        release.leaders.append(investigators[0].person.pid)
    mine = official.person.phones[0]
    for _ in range(rng.randint(4, 10)):
        inv = rng.choice(investigators).person.phones[0]
        t = decided - rng.randint(12 * cal.HOUR, 14 * cal.DAY)
        a, b = (mine, inv) if rng.random() < 0.8 else (inv, mine)
        world.call(t, a, b, "call")
    for _ in range(rng.randint(0, 2)):
        far = decided + rng.choice((-1, 1)) * rng.randint(60, 400) * cal.DAY
        world.call(far, mine, rng.choice(investigators).person.phones[0], "call")
    info: dict[str, object] = {
        "case": case.cid,
        "investigators": [i.person.pid for i in investigators],
    }
    if rng.random() < 0.75:
        rel = kin(world, people, official, rng.choice(("spouse", "sibling", "child", "in_law")))
        payer = rng.choice(_side_accounts(ring))
        for _ in range(rng.randint(1, 2)):
            money(
                world,
                decided + rng.randint(-10, 30) * cal.DAY + rng.randint(0, 600),
                payer,
                rel.accounts[-1],
                rng.randint(20, 150) * 500_000,
                rng.choice(("", "titipan", "bantuan", "pembayaran tanah", "pinjaman")),
            )
        info["relative"] = rel.pid
    world.planted[official.person.pid] = info


def _recruit(
    world: World, people: PeopleFactory, ring: Ring, village: str, at: int, minor: bool
) -> Person:
    """A recruit of the ring processed at ``at``; a minor then, if ``minor``.

    A minor's age shows by birth date, or (one in three) only by the NIK.
    """
    rng = world.rng
    day = cal.START + timedelta(days=at // cal.DAY)
    person = people.person(
        regency=ring.regency,
        village=village,
        gender="f" if rng.random() < 0.8 else "m",
        born=(1988, 2003),
        occupation=rng.choice(("Pelajar", "Tidak Bekerja", "Buruh Tani")),
        with_nik=1.0 if minor else 0.9,
    )
    if minor:
        birth = day - timedelta(days=rng.randint(15 * 365 + 10, 18 * 365 - 10))
        district = person.nik[4:6]
        person.nik = people.nik(REGENCIES[ring.regency], district, birth, person.gender)
        person.birth = None if rng.random() < 0.33 else birth
    recruiter = rng.choice([*ring.roles["recruiter"], *ring.roles["sponsor"], *ring.hidden])
    t = at - rng.randint(10, 60) * cal.DAY
    ring.victims.append(person)
    ring.recruiter_of[person.pid] = recruiter
    ring.recruited_at[person.pid] = t
    world.relate(recruiter.pid, person.pid, "recruited", "", cal.iso_date(max(0, t)), "", "bap")
    for _ in range(rng.randint(1, 4)):
        world.call(
            t + rng.randint(-20 * cal.DAY, 10 * cal.DAY), recruiter.phones[0], person.phones[0]
        )
    return person


def documents(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """An official who processes the ring's recruits: passports, letters, recommendations.

    He leads one event (``passport_issue``, ``passport_recommendation`` or
    ``domicile_letter``) per recruit for most of the ring's recruits and several new
    ones, 2–5 of them minors at the event date; the ring is a large share of his
    workload, while his peers in the same office process ordinary applicants (and now
    and then one of the ring's recruits). Sometimes he also talks with a recruiter.
    """
    rng = world.rng
    kind = DOCUMENT_KIND.get(official.unit, "recommendation_letter")
    register = world.sources.by_kind["documents"][_DOCUMENT_SOURCE.get(official.unit, 2)]
    office = next((a[1] for a in world.agencies if a[0] == official.agency_id), "Kantor")
    peers = [
        o
        for o in world.officials
        if o.agency_id == official.agency_id
        and o is not official
        and not o.position.startswith("Kepala Kantor")
        and not o.position.startswith("Kepala Dinas")
    ]
    village = official.person.village if official.unit == "desa" else ""
    villages = sorted({v.village for v in ring.victims})
    lo, hi = ring.start + 20 * cal.DAY, ring.end - 5 * cal.DAY

    def event(leader: Official, target: Person, at: int) -> None:
        ev = new_event(world, kind, cal.clamp(at), office, source="case_register")
        ev.source_id = register
        ev.leaders.append(leader.person.pid)
        ev.targets.append(target.pid)

    processed = rng.sample(ring.victims, max(1, round(len(ring.victims) * rng.uniform(0.5, 0.9))))
    for victim in processed:
        at = ring.recruited_at[victim.pid] + rng.randint(5, 40) * cal.DAY + rng.randint(480, 900)
        event(official, victim, at)
    minors = rng.randint(2, 5)
    fresh = rng.randint(3, 8) + minors
    for i in range(fresh):
        at = (rng.randint(lo, hi) // cal.DAY) * cal.DAY + rng.randint(480, 900)
        recruit = _recruit(world, people, ring, village or rng.choice(villages), at, i < minors)
        event(official, recruit, at)
    ring_load = len(processed) + fresh
    applicants = [
        people.person(
            regency=official.regency if official.regency >= 0 else ring.regency,
            village=village,
            born=(1965, 2003),
            with_nik=0.95,
        )
        for _ in range(rng.randint(15, 40) * (1 + len(peers)) // 2)
    ]
    staff = [(official, rng.randint(ring_load // 2, ring_load + 8))]
    staff += [(p, rng.randint(ring_load, 2 * ring_load + 10)) for p in peers[:4]]
    for who, load in staff:
        for _ in range(load):
            at = (rng.randint(0, cal.END_MINUTE - cal.DAY) // cal.DAY) * cal.DAY
            event(who, rng.choice(applicants), at + rng.randint(480, 900))
        if who is not official and rng.random() < 0.25:
            victim = rng.choice(ring.victims)
            event(who, victim, ring.recruited_at[victim.pid] + rng.randint(5, 40) * cal.DAY)
    if rng.random() < 0.4:
        recruiters = [*ring.roles["recruiter"], *ring.roles["sponsor"]]
        for _ in range(rng.randint(2, 4)):
            world.call(
                ring.safe_time(world, ring.start, ring.end),
                official.person.phones[0],
                rng.choice(rng.choice(recruiters).phones),
            )
    world.planted[official.person.pid] = {"event_kind": kind, "ring_events": ring_load}


def small_payments(
    world: World, people: PeopleFactory, ring: Ring, official: Official, kasat: Official
) -> None:
    """12–35 payments of Rp 100 ribu–1,5 juta from 3–5 ring-side accounts to one relative."""
    rng = world.rng
    rel = kin(world, people, official, rng.choice(("spouse", "child", "sibling")), 0.8)
    side = [
        *ring.roles["recruiter"],
        *ring.roles["sponsor"],
        ring.role("transporter"),
        *ring.hidden,
    ]
    accounts = [a for p in side for a in p.accounts]
    payers = rng.sample(accounts, min(len(accounts), rng.randint(3, 5)))
    for _ in range(rng.randint(12, 35)):
        money(
            world,
            rng.randint(ring.start + 30 * cal.DAY, ring.end),
            rng.choice(payers),
            rng.choice(rel.accounts),
            rng.randint(2, 30) * 50_000,
            rng.choice(("", "", "pulsa", "kiriman", "titip", "bayar", "jajan")),
            rng.choice(("ewallet", "transfer", "transfer")),
        )
    if rng.random() < 0.3:
        world.call(
            ring.safe_time(world, ring.start, ring.end),
            official.person.phones[0],
            rng.choice(side).phones[0],
        )
    world.planted[official.person.pid] = {"relative": rel.pid, "payers": payers}


PLANTERS: dict[str, Planter] = {
    "pass_through": pass_through,
    "relay": relay,
    "interference": interference,
    "documents": documents,
    "small_payments": small_payments,
}
