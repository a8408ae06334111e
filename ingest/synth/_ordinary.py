"""Ordinary police work unrelated to any ring: thefts, fraud, drugs.

These cases give investigators, raid leaders and even quick SP3s an innocent
base rate, so a case status alone never points at backing.
"""

from __future__ import annotations

import math

from . import _calendar as cal
from ._agencies import is_police
from ._background import Crowd
from ._rings import new_case, new_event
from ._world import World

_TITLES = (
    "Pencurian sepeda motor",
    "Penipuan jual beli online",
    "Penyalahgunaan narkotika",
    "Penganiayaan",
    "Penggelapan dana arisan",
    "Judi online",
    "Pencurian ternak",
    "KDRT",
)
_STATUSES = ("lidik", "sidik", "sidik", "p21", "p21", "vonis", "vonis", "sp3", "bebas")


def ordinary_cases(world: World, crowd: Crowd) -> None:
    """Add background cases and their raids/arrests to ``world.cases``/``world.events``."""
    rng = world.rng
    police = [
        o
        for o in world.officials
        if is_police(o) and o.unit in ("ppa", "polsek", "reskrim") and not o.assigned
    ]
    agencies = {a[0]: a[1] for a in world.agencies}
    for _ in range(round(15 * max(1.0, math.sqrt(world.scale)))):
        investigator = rng.choice(police)
        opened = rng.randint(0, cal.END_MINUTE - 30 * cal.DAY)
        case = new_case(
            world,
            rng.choice(_TITLES),
            opened,
            investigator.agency_id,
            agencies[investigator.agency_id],
        )
        case.status = rng.choice(_STATUSES)
        case.status_at = cal.clamp(opened + rng.randint(10, 400) * cal.DAY)
        named = opened + rng.randint(7, 60) * cal.DAY
        suspects = rng.sample(crowd.pids, rng.randint(1, 2))
        case.suspects += [(pid, named) for pid in suspects]
        case.victims.append(rng.choice(crowd.pids))
        case.investigators.append((investigator.person.pid, opened))
        if rng.random() < 0.5:
            raid = new_event(
                world,
                rng.choice(("raid", "arrest")),
                named,
                "",
                case.cid,
                "found" if rng.random() < 0.8 else "nothing_found",
            )
            raid.place = f"Wilayah hukum {agencies[investigator.agency_id]}"
            raid.targets.append(suspects[0])
            raid.leaders.append(investigator.person.pid)
