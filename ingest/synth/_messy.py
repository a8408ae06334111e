"""The deliberately bad rows: one per rule the loader must enforce.

Each bad row is self-contained (nothing else refers to it), so rejecting it
never cascades into rejecting a valid row, and none of them touches a ring, so
the planted signals are complete without them. The ``reason`` is the column
the rejection is about, which the loader's reason text is expected to name.
"""

from __future__ import annotations

from ._world import World
from ._writer import Bundle


def schedule(world: World, bundle: Bundle) -> None:
    """Schedule the bad rows at random lines of their files."""
    rng = world.rng
    ids = world.ids
    shop = world.shops[0].accounts[0]
    other = world.shops[-1].accounts[0]
    statement = world.sources.pick(rng, "bank_statement")
    official = world.officials[0].person
    person = world.officials[-1].person

    def line(known_rows: int) -> int:
        return rng.randint(2, max(3, known_rows))

    bundle["people.csv"].schedule_bad(
        line(len(world.people)),
        [ids.new("P", 6), "", "", "", "1990-05-17", "Blitar", "m", "", "", "", "Petani"],
        "name",
    )
    transfers = bundle["transfers.csv"]
    n = len(world.transfers)
    transfers.schedule_bad(
        line(n),
        [
            ids.new("T", 8),
            shop,
            other,
            "Rp 1.250.000,-",
            "IDR",
            "31/02/2023 10:15",
            "transfer",
            "belanja",
            statement,
        ],
        "at",
    )
    transfers.schedule_bad(
        line(n),
        [ids.new("T", 8), other, shop, "0", "IDR", "14/03/2023 09:05", "transfer", "", statement],
        "amount",
    )
    transfers.schedule_bad(
        line(n),
        [
            ids.new("T", 8),
            shop,
            ids.new("ACC", 6),
            "Rp 2.000.000,-",
            "",
            "02/08/2023 16:40",
            "transfer",
            "",
            statement,
        ],
        "to_account",
    )
    bundle["calls.csv"].schedule_bad(
        line(len(world.calls)),
        ["", "0812-3030-1122", "2023-04-09T19:12", "45", "call", world.cdr_source("6281230301122")],
        "from_phone",
    )
    bundle["cases.csv"].schedule_bad(
        line(len(world.cases)),
        [
            ids.new("C", 6),
            "Penipuan arisan online",
            "LP/B/77/IV/2023/SPKT/POLRES BLITAR",
            "2023-04-03",
            "closed",
            "2023-10-01",
            world.polres[1],
            world.sources.pick(rng, "case_register"),
        ],
        "status",
    )
    relations = bundle["relations.csv"]
    n = len(world.relations)
    relations.schedule_bad(
        line(n),
        [
            official.pid,
            person.pid,
            "kenalan",
            "teman SMA",
            "",
            "",
            world.sources.pick(rng, "osint"),
        ],
        "type",
    )
    relations.schedule_bad(
        line(n),
        [
            person.pid,
            ids.new("P", 6),
            "associate",
            "rekan",
            "",
            "",
            world.sources.pick(rng, "informant"),
        ],
        "to_id",
    )
