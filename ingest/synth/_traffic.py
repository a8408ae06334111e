"""Transfers and calls: the bulk of every bundle, streamed a month at a time.

Each month's background rows are drawn, the planted rows of that month are
merged in, and the lot is sorted and written, so the files are in time order
(as operator and bank exports are) and memory holds one month at most.
"""

from __future__ import annotations

import random
from typing import TypeVar

from . import _calendar as cal
from . import _format
from ._background import Crowd
from ._world import Call, Transfer, World
from ._writer import Bundle

OTHER_TRANSFERS_PER_SCALE = 5000
CALLS_PER_SCALE = 16000
_BUSY_SHARE = 0.012  # of all background calls, per busy (PR) phone
_SUPERNODE_SHARE = 0.04
_Row = TypeVar("_Row", Transfer, Call)
# Three random bits → a written style, weighted towards the commonest forms.
_AMOUNT_STYLE = (0, 1, 2, 3, 4, 0, 1, 4)
_PHONE_STYLE = (0, 1, 2, 3, 4, 5, 0, 1)


def _bucket(items: list[_Row]) -> list[list[_Row]]:
    """Planted rows by month, to be merged into that month's background."""
    buckets: list[list[_Row]] = [[] for _ in range(cal.MONTHS)]
    for item in items:
        buckets[cal.month_of(item[0])].append(item)
    return buckets


def transfers(world: World, bundle: Bundle, crowd: Crowd, rng: random.Random) -> None:
    """Stream transfers month by month, planted and background, in time order."""
    table = bundle["transfers.csv"]
    planted = _bucket(world.transfers)
    statements = world.sources.by_kind["bank_statement"]
    shops = [o.accounts[0] for o in world.shops]
    paid = [o for o in world.officials if rng.random() < 0.3]
    payroll = {o.person.pid: world.payroll[o.agency_id] for o in paid}
    official_pay = [
        (payroll[o.person.pid], o.person.accounts[0], rng.randint(35, 140) * 100_000) for o in paid
    ]
    accounts = crowd.accounts or shops
    family = crowd.family_accounts or [(shops[0], shops[-1])]
    n_other = round(OTHER_TRANSFERS_PER_SCALE * world.scale / cal.MONTHS)
    tid = rng.randrange(10**6, 5 * 10**6)
    rnd = rng.random
    grb = rng.getrandbits
    # "André" keeps the file honestly Windows-1252 (it is not valid UTF-8 there).
    refs = (
        "",
        "",
        "bayar ke André",
        "kiriman",
        "bayar",
        "titip",
        "utang",
        "arisan",
        "belanja",
        "sewa",
    )
    dmy = cal.dmy_minute
    fmt = _format.amount
    for month in range(cal.MONTHS):
        start = cal.month_start(month)
        span = (
            cal.month_start(month + 1) - start
            if month + 1 < cal.MONTHS
            else (cal.END_MINUTE - start)
        )
        rows: list[Transfer] = []
        for payer, payee, amount in official_pay:
            rows.append(
                (
                    start + int(rnd() * 3) * cal.DAY + 480 + int(rnd() * 240),
                    payer,
                    payee,
                    amount,
                    "transfer",
                    "GAJI",
                    statements[0],
                )
            )
        for payer, payee, amount in crowd.salaries:
            rows.append(
                (
                    start + 24 * cal.DAY + int(rnd() * 600),
                    payer,
                    payee,
                    amount,
                    "transfer",
                    "gaji",
                    statements[int(rnd() * len(statements))],
                )
            )
        for _ in range(n_other):
            r = rnd()
            t = start + int(rnd() * span)
            src = statements[int(rnd() * len(statements))]
            if r < 0.35:
                a, b = family[int(rnd() * len(family))]
                if rnd() < 0.5:
                    a, b = b, a
                rows.append(
                    (
                        t,
                        a,
                        b,
                        (2 + int(rnd() * 60)) * 50_000,
                        "transfer",
                        refs[int(rnd() * 10)],
                        src,
                    )
                )
            elif r < 0.65:
                payer = accounts[int(rnd() * len(accounts))]
                rows.append(
                    (
                        t,
                        payer,
                        shops[int(rnd() * len(shops))],
                        (1 + int(rnd() * 80)) * 25_000,
                        "ewallet" if rnd() < 0.3 else "transfer",
                        "belanja",
                        src,
                    )
                )
            else:
                a = accounts[int(rnd() * len(accounts))]
                b = accounts[int(rnd() * len(accounts))]
                if a != b:
                    rows.append(
                        (
                            t,
                            a,
                            b,
                            (1 + int(rnd() * 200)) * 50_000,
                            "cash_deposit" if rnd() < 0.1 else "transfer",
                            refs[int(rnd() * 10)],
                            src,
                        )
                    )
        rows.extend(planted[month])
        rows.sort()
        out = []
        for t, a, b, amount, channel, ref, src in rows:
            tid += 1
            # One draw decides every cosmetic choice of the row (ids, currency,
            # the amount's written form): random() per choice was the bottleneck.
            bits = grb(16)
            out.append(
                [
                    f"T{tid}" if bits & 31 else "",
                    a,
                    b,
                    fmt(amount, _AMOUNT_STYLE[bits >> 5 & 7], 50 if bits >> 8 & 63 == 0 else 0),
                    "IDR" if bits >> 14 else "",
                    dmy(t),
                    channel,
                    ref,
                    src,
                ]
            )
        table.rows(out)


def calls(world: World, bundle: Bundle, crowd: Crowd, rng: random.Random) -> None:
    """Stream calls month by month, planted and background, in time order."""
    table = bundle["calls.csv"]
    planted = _bucket(world.calls)
    officials = [o.person.phones[0] for o in world.officials if o.person.phones]
    pool = crowd.phones or officials
    everyone = pool + officials
    members = [p for m in world.members.values() for p in _member_phones(world, m)]
    family = crowd.family_phones or [(pool[0], pool[-1])]
    busy = list(world.busy_phones)
    n = round(CALLS_PER_SCALE * world.scale / cal.MONTHS)
    choices = rng.choices
    grb = rng.getrandbits
    iso = cal.iso_minute
    written = _Written(world)
    supernode = world.supernode
    for month in range(cal.MONTHS):
        start = cal.month_start(month)
        span = (cal.month_start(month + 1) if month + 1 < cal.MONTHS else cal.END_MINUTE) - start
        # Fixed shares per kind of caller, each drawn in one sweep: a branchy
        # per-row loop was the slowest part of the whole generator.
        k_super, k_busy = round(n * _SUPERNODE_SHARE), round(n * _BUSY_SHARE)
        k_family, k_official = round(n * 0.3), round(n * 0.1)
        k_rest = max(0, n - k_super - k_busy * len(busy) - k_family - k_official)
        k_members = round(k_super * 0.05) if members else 0
        kin = choices(family, k=k_family)
        callers = (choices(members, k=k_members) if members else []) + choices(
            everyone, k=k_super - k_members
        )
        callers += [x for phone in busy for x in [phone] * k_busy]
        callers += [x for x, _ in kin] + choices(officials, k=k_official) + choices(pool, k=k_rest)
        called = [supernode] * k_super + choices(everyone, k=k_busy * len(busy))
        called += [y for _, y in kin] + choices(everyone, k=k_official) + choices(pool, k=k_rest)
        rows: list[Call] = []
        for a, b in zip(callers, called, strict=True):
            bits = grb(24)
            t = start + (bits & 0xFFFF) * span // 0x10000
            if a == b:
                continue
            if bits & 0x10000:
                a, b = b, a
            if bits >> 17 & 3:
                rows.append((t, a, b, 5 + (bits >> 19) * (bits & 0xFF) // 8, "call", ""))
            else:
                rows.append((t, a, b, 0, "sms", ""))
        rows.extend(planted[month])
        rows.sort()
        out = []
        for t, a, b, d, kind, src in rows:
            fa, fb = written[a], written[b]
            bits = grb(7)
            out.append(
                [
                    fa[_PHONE_STYLE[bits & 7]],
                    fb[_PHONE_STYLE[bits >> 3 & 7]],
                    iso(t),
                    str(d) if kind == "call" else ("0" if bits >> 6 else ""),
                    kind,
                    src or fa[6],
                ]
            )
        table.rows(out)


class _Written(dict[str, tuple[str, ...]]):
    """Each phone's written forms (and the CDR holding its calls), made once."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    def __missing__(self, canon: str) -> tuple[str, ...]:
        forms = tuple(_format.phone(canon, s) for s in range(_format.PHONE_STYLES))
        self[canon] = (*forms, self.world.cdr_source(canon))
        return self[canon]


def _member_phones(world: World, pids: list[str]) -> list[str]:
    wanted = set(pids)
    return [p.phones[0] for p in world.people if p.pid in wanted and p.phones]
