"""Choosing which officials back (or merely touch) each ring, and planting them.

Kinds are dealt so that every kind appears once before any repeats, which at
scale 1 puts all seven protector kinds and all six decoy kinds in the bundle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import _calendar as cal
from . import _decoys, _protectors
from ._agencies import is_police
from ._people import PeopleFactory
from ._rings import Ring, new_event, ring_case
from ._world import Official, World

Filter = Callable[[Official], bool]
PROTECTOR_KINDS = tuple(_protectors.PLANTERS)
DECOY_KINDS = tuple(_decoys.PLANTERS)
# Kinds that create raids run first, so that everyone else's calls can keep
# clear of the hours before those raids.
_FIRST = ("tipoff", "good_faith_raid_leader", "honest_investigator")


def _pools(ring: Ring) -> dict[str, list[Filter]]:
    def local(*units: str) -> Filter:
        return lambda o: o.regency == ring.regency and o.unit in units

    def unit(*units: str) -> Filter:
        return lambda o: o.unit in units

    money = local("ppa", "intel", "polsek", "samapta", "reskrim", "imigrasi", "disnaker")
    return {
        "direct_payments": [money, unit("imigrasi", "bp3mi", "ppa", "satgas", "disnaker")],
        "family_payments": [money, unit("imigrasi", "bp3mi", "ppa", "satgas", "disnaker")],
        "layered_payments": [money, unit("imigrasi", "bp3mi", "ppa", "satgas", "disnaker")],
        "board_spouse": [
            local("disnaker", "imigrasi", "intel", "polsek"),
            unit("bp3mi", "disnaker", "imigrasi"),
        ],
        "tipoff": [local("intel", "polsek", "samapta", "ppa"), is_police],
        "case_staller": [local("ppa"), unit("ppa")],
        "village_head": [lambda o: local("desa")(o) and o.position == "Kepala Desa"],
        "honest_investigator": [local("ppa"), unit("ppa")],
        "good_faith_raid_leader": [local("samapta", "polsek", "intel"), is_police],
        "one_off_payment": [local("polsek", "samapta", "disnaker", "imigrasi", "desa")],
        "victim_cousin": [local("polsek", "samapta", "disnaker", "desa", "jaksa")],
        "busy_pr_officer": [local("humas"), unit("humas")],
        "coincidental_contact": [local("polsek", "samapta", "intel", "disnaker", "desa")],
    }


def _anyone(official: Official) -> bool:
    return True


def pick(world: World, filters: Sequence[Filter]) -> Official:
    """A random unassigned official passing the first filter anyone passes."""
    for keep in [*filters, _anyone]:
        found = [o for o in world.officials if not o.assigned and keep(o)]
        if found:
            chosen = world.rng.choice(found)
            chosen.assigned = True
            return chosen
    raise RuntimeError("not enough officials to plant the scenario")


def deal(world: World, kinds: tuple[str, ...], hands: int) -> list[list[str]]:
    """2–4 distinct kinds per ring, least-used kinds first (ties broken at random)."""
    rng = world.rng
    sizes = [rng.randint(2, 4) for _ in range(hands)]
    while sum(sizes) < len(kinds) and any(s < 4 for s in sizes):
        sizes[rng.choice([i for i, s in enumerate(sizes) if s < 4])] += 1
    used = dict.fromkeys(kinds, 0)
    dealt = []
    for size in sizes:
        order = sorted(kinds, key=lambda k: (used[k], rng.random()))
        hand = order[:size]
        for kind in hand:
            used[kind] += 1
        dealt.append(hand)
    return dealt


def _first_case(world: World, ring: Ring, kasat: Official) -> None:
    """The ring's first report: one recruiter arrested and tried by a neutral investigator."""
    rng = world.rng
    investigator = pick(world, _pools(ring)["case_staller"])
    opened = ring.start + rng.randint(90, 240) * cal.DAY
    case = ring_case(world, ring, "TPPO perekrutan CPMI non-prosedural", opened)
    case.investigators.append((investigator.person.pid, opened))
    case.supervisors.append(kasat.person.pid)
    recruiter = ring.roles["recruiter"][0]
    named = opened + rng.randint(30, 90) * cal.DAY
    case.suspects.append((recruiter.pid, named))
    case.victims += [v.pid for v in ring.victims if ring.recruiter_of[v.pid] is recruiter][:3]
    case.status, case.status_at = "p21", named + rng.randint(60, 150) * cal.DAY
    arrest = new_event(
        world,
        "arrest",
        named + rng.randint(6, 20) * cal.HOUR,
        f"Desa {recruiter.village}",
        case.cid,
        "found",
    )
    arrest.targets.append(recruiter.pid)
    arrest.leaders.append(investigator.person.pid)
    ring.enforcement.append(arrest)


def plant(world: World, people: PeopleFactory, rings: list[Ring]) -> None:
    """Plant protectors and decoys for every ring and record the ground truth."""
    protector_hands = deal(world, PROTECTOR_KINDS, len(rings))
    decoy_hands = deal(world, DECOY_KINDS, len(rings))
    for ring, p_kinds, d_kinds in zip(rings, protector_hands, decoy_hands, strict=True):
        kasat = next(
            o
            for o in world.officials
            if o.agency_id == ring.polres and o.position == "Kasat Reskrim"
        )
        kasat.assigned = True  # supervises every ring case: a neutral, busy contact
        _first_case(world, ring, kasat)
        pools = _pools(ring)
        plan = [(k, pick(world, pools[k]), True) for k in p_kinds]
        plan += [(k, pick(world, pools[k]), False) for k in d_kinds]
        plan.sort(key=lambda p: _FIRST.index(p[0]) if p[0] in _FIRST else len(_FIRST))
        for kind, official, protects in plan:
            pid = official.person.pid
            if protects:
                _protectors.PLANTERS[kind](world, people, ring, official, kasat)
                world.protector_kinds[pid] = kind
                ring.protectors.append(pid)
            else:
                _decoys.PLANTERS[kind](world, people, ring, official, kasat)
                world.decoy_kinds[pid] = kind
                ring.decoys.append(pid)
        world.truth_rings[ring.rid] = {"protectors": ring.protectors, "decoys": ring.decoys}
