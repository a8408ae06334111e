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
    official_pay = [(payroll[o.person.pid], o.person.accounts[0], rng.randint(35, 140) * 100_000)
                    for o in paid]
    accounts = crowd.accounts or shops
    family = crowd.family_accounts or [(shops[0], shops[-1])]
    n_other = round(OTHER_TRANSFERS_PER_SCALE * world.scale / cal.MONTHS)
    tid = rng.randrange(10**6, 5 * 10**6)
    rnd = rng.random
    refs = ("", "", "", "kiriman", "bayar", "titip", "utang", "arisan", "belanja", "sewa")
    dmy = cal.dmy_minute
    fmt = _format.amount
    for month in range(cal.MONTHS):
        start = cal.month_start(month)
        span = cal.month_start(month + 1) - start if month + 1 < cal.MONTHS else (
            cal.END_MINUTE - start)
        rows: list[Transfer] = []
        for payer, payee, amount in official_pay:
            rows.append((start + int(rnd() * 3) * cal.DAY + 480 + int(rnd() * 240), payer, payee,
                         amount, "transfer", "GAJI", statements[0]))
        for payer, payee, amount in crowd.salaries:
            rows.append((start + 24 * cal.DAY + int(rnd() * 600), payer, payee, amount,
                         "transfer", "gaji", statements[int(rnd() * len(statements))]))
        for _ in range(n_other):
            r = rnd()
            t = start + int(rnd() * span)
            src = statements[int(rnd() * len(statements))]
            if r < 0.35:
                a, b = family[int(rnd() * len(family))]
                if rnd() < 0.5:
                    a, b = b, a
                rows.append((t, a, b, (2 + int(rnd() * 60)) * 50_000, "transfer",
                             refs[int(rnd() * 10)], src))
            elif r < 0.65:
                payer = accounts[int(rnd() * len(accounts))]
                rows.append((t, payer, shops[int(rnd() * len(shops))],
                             (1 + int(rnd() * 80)) * 25_000,
                             "ewallet" if rnd() < 0.3 else "transfer", "belanja", src))
            else:
                a = accounts[int(rnd() * len(accounts))]
                b = accounts[int(rnd() * len(accounts))]
                if a != b:
                    rows.append((t, a, b, (1 + int(rnd() * 200)) * 50_000,
                                 "cash_deposit" if rnd() < 0.1 else "transfer",
                                 refs[int(rnd() * 10)], src))
        rows.extend(planted[month])
        rows.sort(key=lambda row: row[0])
        out = []
        for t, a, b, amount, channel, ref, src in rows:
            tid += 1
            cents = 50 if rnd() < 0.02 else 0
            out.append([f"T{tid}" if rnd() > 0.05 else "", a, b, fmt(amount, int(rnd() * 5), cents),
                        "IDR" if rnd() < 0.7 else "", dmy(t), channel, ref, src])
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
    busy_cut = _SUPERNODE_SHARE + _BUSY_SHARE * len(busy)
    n = round(CALLS_PER_SCALE * world.scale / cal.MONTHS)
    rnd = rng.random
    iso = cal.iso_minute
    fmt = _format.phone
    cdr = world.cdr_source
    supernode = world.supernode
    for month in range(cal.MONTHS):
        start = cal.month_start(month)
        span = (cal.month_start(month + 1) if month + 1 < cal.MONTHS else cal.END_MINUTE) - start
        rows: list[Call] = []
        for _ in range(n):
            r = rnd()
            t = start + int(rnd() * span)
            if r < _SUPERNODE_SHARE:
                a = members[int(rnd() * len(members))] if members and rnd() < 0.05 else (
                    everyone[int(rnd() * len(everyone))])
                b = supernode
            elif r < busy_cut:
                a = busy[int((r - _SUPERNODE_SHARE) / _BUSY_SHARE)]
                b = everyone[int(rnd() * len(everyone))]
            elif r < 0.35:
                a, b = family[int(rnd() * len(family))]
            elif r < 0.45:
                a = officials[int(rnd() * len(officials))]
                b = everyone[int(rnd() * len(everyone))]
            else:
                a = pool[int(rnd() * len(pool))]
                b = pool[int(rnd() * len(pool))]
            if a == b:
                continue
            if rnd() < 0.5:
                a, b = b, a
            kind = "call" if rnd() < 0.75 else "sms"
            rows.append((t, a, b, int(rnd() * rnd() * 600) + 5 if kind == "call" else 0, kind,
                         ""))
        rows.extend(planted[month])
        rows.sort(key=lambda row: row[0])
        out = [[fmt(a, int(rnd() * 6)), fmt(b, int(rnd() * 6)), iso(t),
                str(d) if kind == "call" else ("0" if rnd() < 0.5 else ""), kind, src or cdr(a)]
               for t, a, b, d, kind, src in rows]
        table.rows(out)


def _member_phones(world: World, pids: list[str]) -> list[str]:
    wanted = set(pids)
    return [p.phones[0] for p in world.people if p.pid in wanted and p.phones]
