"""Scenario sets: which protector kinds and decoy classes a bundle plants.

``classic`` is the original set (``_plant.plant``; its output never changes for a
seed and scale). ``tradecraft`` plants backing at one remove (``_tradecraft``) and
the innocent explanations of ``_innocent``, with members nobody recorded and weak
sources. ``routine_sp3`` is the classic set plus, in every ring, an investigator
with one SP3 (a ring case) among many ordinary cases of his own.
"""

from __future__ import annotations

from collections.abc import Callable

from . import _decoys, _innocent, _protectors, _tradecraft
from ._agencies import is_police
from ._people import PeopleFactory
from ._plant import DECOY_KINDS, PROTECTOR_KINDS, Filter, _first_case, _pools, deal, pick
from ._rings import Ring
from ._tradecraft import Planter
from ._world import Official, World

SCENARIOS = ("classic", "tradecraft", "routine_sp3")

TRADECRAFT_PROTECTORS: dict[str, Planter] = {
    **_tradecraft.PLANTERS,
    "family_payments": _protectors.family_payments,
    "case_staller": _protectors.case_staller,
}
TRADECRAFT_DECOYS: dict[str, Planter] = {
    **_innocent.PLANTERS,
    "honest_investigator": _decoys.honest_investigator,
    "good_faith_raid_leader": _decoys.good_faith_raid_leader,
    "busy_pr_officer": _decoys.busy_pr_officer,
}
#: kinds that make raids run first (others' calls keep clear of the hours before
#: raids); the neighbour's one call before a raid needs the raids, so it runs last
_FIRST = ("relay", "tipoff", "good_faith_raid_leader", "honest_investigator")
_LAST = ("neighbour",)
_SENIOR = ("Kapolres", "Wakapolres", "Kasat Intelkam")
_SENIOR_POLDA = ("Dirreskrimum", "Kasubdit IV Renakta Ditreskrimum", "Kabid Humas")


def _has_peer(world: World) -> Callable[[Official], bool]:
    count: dict[str, int] = {}
    for o in world.officials:
        count[o.agency_id] = count.get(o.agency_id, 0) + 1
    return lambda o: count[o.agency_id] > 1


def _new_pools(world: World, ring: Ring) -> dict[str, list[Filter]]:
    rng = world.rng

    def local(*units: str) -> Filter:
        return lambda o: o.regency == ring.regency and o.unit in units

    def unit(*units: str) -> Filter:
        return lambda o: o.unit in units

    def post(*positions: str) -> Filter:
        return lambda o: o.position in positions

    peer = _has_peer(world)
    money = local("ppa", "intel", "polsek", "samapta", "reskrim", "imigrasi", "disnaker", "desa")
    anyone_local = local(
        "ppa", "intel", "polsek", "samapta", "reskrim", "imigrasi", "disnaker", "desa", "humas"
    )
    document_desks: list[Filter] = [
        lambda o: local("imigrasi")(o) and not o.position.startswith("Kepala"),
        lambda o: local("disnaker")(o) and o.position == "Pengantar Kerja",
        lambda o: local("desa")(o) and o.position == "Kepala Desa" and peer(o),
    ]
    rng.shuffle(document_desks)
    return {
        "pass_through": [money, unit("imigrasi", "bp3mi", "ppa", "satgas", "disnaker")],
        "relay": [local("intel", "polsek", "samapta", "ppa"), is_police],
        "interference": [
            lambda o: o.regency == ring.regency and o.position in _SENIOR,
            post(*_SENIOR_POLDA),
            is_police,
        ],
        "documents": [
            *document_desks,
            lambda o: o.unit in ("imigrasi", "disnaker") and not o.position.startswith("Kepala"),
        ],
        "small_payments": [money, unit("imigrasi", "bp3mi", "ppa", "satgas", "disnaker")],
        "rent": [anyone_local],
        "salary": [anyone_local],
        "neighbour": [local("polsek", "samapta", "intel", "ppa"), is_police],
        "cousin": [anyone_local],
        "routine_sp3": [local("ppa", "polsek"), unit("ppa")],
        "money_from_official": [anyone_local],
        "honest_supervisor": [
            lambda o: o.agency_id == ring.polres and o.position == "Kanit PPA Sat Reskrim",
            post("Kanit PPA Sat Reskrim", "Kanit Reskrim Polsek"),
        ],
    }


def plant_scenario(world: World, people: PeopleFactory, rings: list[Ring], scenarios: str) -> None:
    """Plant the ``tradecraft`` or ``routine_sp3`` set and record the ground truth."""
    if scenarios == "tradecraft":
        protectors, decoys = TRADECRAFT_PROTECTORS, TRADECRAFT_DECOYS
    elif scenarios == "routine_sp3":
        protectors = dict(_protectors.PLANTERS)
        decoys = {**_decoys.PLANTERS, "routine_sp3": _innocent.routine_sp3}
    else:
        raise ValueError(f"unknown scenarios {scenarios!r}: use one of {', '.join(SCENARIOS)}")
    _tradecraft.add_sources(world)
    if scenarios == "tradecraft":
        for ring in rings:
            _tradecraft.hidden_members(world, people, ring)
    protector_hands = deal(world, tuple(protectors), len(rings))
    if scenarios == "tradecraft":
        decoy_hands = deal(world, tuple(decoys), len(rings))
    else:  # every ring gets its routine SP3, beside two to four classic decoys
        hands = deal(world, tuple(_decoys.PLANTERS), len(rings))
        decoy_hands = [[*hand, "routine_sp3"] for hand in hands]
    for ring, p_hand, d_hand in zip(rings, protector_hands, decoy_hands, strict=True):
        kasat = next(
            o
            for o in world.officials
            if o.agency_id == ring.polres and o.position == "Kasat Reskrim"
        )
        kasat.assigned = True
        _first_case(world, ring, kasat)
        pools = {**_pools(ring), **_new_pools(world, ring)}
        plan = [(k, pick(world, pools[k]), True) for k in p_hand]
        plan += [(k, pick(world, pools[k]), False) for k in d_hand]

        def order(item: tuple[str, Official, bool]) -> int:
            kind = item[0]
            if kind in _FIRST:
                return _FIRST.index(kind)
            return len(_FIRST) + (1 if kind in _LAST else 0)

        plan.sort(key=order)
        for kind, official, protects in plan:
            pid = official.person.pid
            if protects:
                protectors[kind](world, people, ring, official, kasat)
                world.protector_kinds[pid] = kind
                ring.protectors.append(pid)
            else:
                decoys[kind](world, people, ring, official, kasat)
                world.decoy_kinds[pid] = kind
                ring.decoys.append(pid)
        world.truth_rings[ring.rid] = {"protectors": ring.protectors, "decoys": ring.decoys}


def kinds(scenarios: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The protector kinds and decoy classes a scenario set plants."""
    if scenarios == "classic":
        return PROTECTOR_KINDS, DECOY_KINDS
    if scenarios == "tradecraft":
        return tuple(TRADECRAFT_PROTECTORS), tuple(TRADECRAFT_DECOYS)
    if scenarios == "routine_sp3":
        return PROTECTOR_KINDS, (*DECOY_KINDS, "routine_sp3")
    raise ValueError(f"unknown scenarios {scenarios!r}: use one of {', '.join(SCENARIOS)}")
