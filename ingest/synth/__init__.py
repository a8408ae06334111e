"""Synthetic East-Java case bundles with ground truth, for testing and benchmarks.

``generate(out, seed=1, scale=1.0)`` writes a complete case bundle (the CSV
files of ``spec/bundle-format.md``) plus ``truth.json``, which names, per ring,
the officials planted as protectors (beking) and the decoys with innocent
contact. The same seed and scale always give byte-identical files.

``truth.json`` also carries, for tests: ``protector_kinds`` and ``decoy_kinds``
(person_id → kind), ``members`` and ``ring_orgs`` (ring_id → ids), and
``bad_rows`` (file, physical line with the header as line 1, and the column the
rejection is about) for the few rows that are invalid on purpose.

``scenarios`` chooses what is planted (:data:`SCENARIOS`): ``classic`` (the default,
its files unchanged), ``tradecraft`` (backing at one remove and innocent
explanations, issue 17) or ``routine_sp3``. The last two also write ``scenarios``,
``hidden_members`` (ring_id → people acting for the ring with no ``member_of`` row)
and ``planted`` (official → the relatives, intermediaries, relay phone or case
planted around him) into ``truth.json``.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from . import _background, _messy, _traffic
from ._agencies import build_agencies
from ._ordinary import ordinary_cases
from ._people import PeopleFactory
from ._plant import DECOY_KINDS, PROTECTOR_KINDS, plant
from ._records import case_rows, event_rows
from ._rings import build_ring
from ._scenarios import SCENARIOS, kinds, plant_scenario
from ._sources import build_sources
from ._world import IdPool, World
from ._writer import COLUMNS, Bundle

__all__ = ["DECOY_KINDS", "PROTECTOR_KINDS", "SCENARIOS", "SynthSummary", "generate", "kinds"]


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    out: Path
    seed: int
    scale: float
    rows: dict[str, int]
    rings: int
    protectors: int
    decoys: int


def ring_count(scale: float) -> int:
    """How many rings a bundle of this scale holds: 3, growing with sqrt(scale)."""
    return max(3, round(3 * math.sqrt(scale)))


def generate(
    out: Path, *, seed: int = 1, scale: float = 1.0, scenarios: str = "classic"
) -> SynthSummary:
    """Write a synthetic bundle and its ``truth.json`` into folder ``out``.

    Parameters
    ----------
    out:
        Folder to write into (created if missing; existing bundle files are replaced).
    seed:
        Seed of the one ``random.Random`` everything is drawn from.
    scale:
        Multiplies the background population and its transfers and calls
        (about 2,500 people and 25,000 transfer and call rows per unit);
        the number of rings grows with its square root.
    scenarios:
        ``classic``, ``tradecraft`` or ``routine_sp3`` (:data:`SCENARIOS`).

    Raises
    ------
    ValueError
        If ``scale`` is not positive or ``scenarios`` unknown.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if scenarios not in SCENARIOS:
        raise ValueError(f"unknown scenarios {scenarios!r}: use one of {', '.join(SCENARIOS)}")
    rng = random.Random(seed)
    world = World(rng=rng, scale=scale, ids=IdPool(rng))
    people = PeopleFactory(world, rng)
    build_sources(world)
    build_agencies(world, people)
    _background.organizations(world, people)
    n_rings = ring_count(scale)
    rings = [
        build_ring(world, people, i, i % 6 if i < 6 else rng.randrange(6)) for i in range(n_rings)
    ]
    if scenarios == "classic":
        plant(world, people, rings)
    else:
        plant_scenario(world, people, rings, scenarios)
    n_cases, n_events = len(world.cases), len(world.events)
    cases, case_links = case_rows(world, world.cases)
    events, event_links = event_rows(world, world.events)
    relations = [list(r) for r in world.relations] + case_links + event_links
    with Bundle(Path(out), seed) as bundle:
        _messy.schedule(world, bundle)
        crowd = _background.population(world, people, bundle, relations)
        # Background cases need background people, who exist only from here on.
        ordinary_cases(world, crowd)
        more_cases, case_links = case_rows(world, world.cases[n_cases:])
        more_events, event_links = event_rows(world, world.events[n_events:])
        bundle["relations.csv"].rows(case_links + event_links)
        cases = sorted(cases + more_cases, key=lambda row: row[3])
        events = sorted(events + more_events, key=lambda row: row[2])
        _traffic.transfers(world, bundle, crowd, rng)
        _traffic.calls(world, bundle, crowd, rng)
        bundle["sources.csv"].rows(world.sources.rows)
        bundle["agencies.csv"].rows(world.agencies)
        bundle["officials.csv"].rows(world.official_rows)
        bundle["organizations.csv"].rows([o.row() for o in world.orgs])
        bundle["rings.csv"].rows(world.rings)
        bundle["cases.csv"].rows(cases)
        bundle["events.csv"].rows(events)
    truth = {
        "rings": world.truth_rings,
        "protector_kinds": world.protector_kinds,
        "decoy_kinds": world.decoy_kinds,
        "members": world.members,
        "ring_orgs": world.ring_orgs,
        "bad_rows": bundle.bad_rows(),
    }
    if scenarios != "classic":
        truth["scenarios"] = scenarios
        truth["hidden_members"] = {r.rid: world.hidden_members.get(r.rid, []) for r in rings}
        truth["planted"] = world.planted
    (Path(out) / "truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return SynthSummary(
        out=Path(out),
        seed=seed,
        scale=scale,
        rows={name: bundle[name].count for name in COLUMNS},
        rings=n_rings,
        protectors=len(world.protector_kinds),
        decoys=len(world.decoy_kinds),
    )
