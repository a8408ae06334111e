"""``pass_through``: ring money a broker passes on to the official's side.

Catches a person or company outside the ring (an intermediary) that receives money
from a ring account or from a member's or ring company's hand and, within
``lag_days``, passes at least ``share_min`` of it on to an account (or the hand) of
the official, a relative or an associate, directly or through a second
intermediary, in one transfer or in parts. One company alone in between passing
one transfer on as ``money`` counts it (its ``layered_payment``) is left to
``money``, so the same payment is not counted twice.
Every relationship of meaning money counts: transfers, e-wallet top-ups, cash
deposits, cash handed over. Each ring payment is matched to the forward that keeps
most of it, soonest.

Strength ``(1 - exp(-n / count_scale)) * proportion * speed``: ``n`` sums over the
passed-on payments their grade times the side's ``[via]`` weight times the
intermediaries' *exclusivity* (:func:`exclusivity`: the share of everything each
intermediary sends that goes on along the path, or, when larger, how surely his
payments to it follow the ring's payments into him beyond chance: a shop or a payroll
that pays many people alike is close to 0, a broker who forwards only to the
official's wife, or a trader who pays her only after the ring paid him, is near 1);
``proportion`` is the mean share passed on and ``speed`` the mean
``1 - lag / (2 * lag_days)``.
Repetition is what makes it strong: one passed-on payment stays weak.

Misses intermediaries that pass on from another account than the one paid into
(unless both are in the neighbourhood), chains of more than two intermediaries,
money pooled from several ring payments into one larger forward below
``share_min`` of each, cash nobody recorded, and an intermediary whose
transfers exceed the cap (counted as not exclusive).
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, has, into
from queries.protectors._side import ordinary
from queries.protectors._types import Evidence, Indicator
from queries.protectors.indicators import _trade as T
from queries.protectors.indicators.money import rupiah


@dataclass
class _Hop:
    """A forward out of an intermediary: to whom, when (its last part), how much (all its
    parts), its keys (one per part)."""

    to: str
    at: datetime
    amount: float
    keys: tuple[Key, ...]


def exclusivity(s: Scene, node: str, to: str, fed_by: str, lag: timedelta) -> float:
    """How specifically ``node`` passes money on to ``to``: the larger of

    * the share of all it sends that goes to ``to`` (a broker who forwards only to the
      official's wife: 1; a shop that pays her as it pays 19 others: 0.05), and
    * how surely its payments to ``to`` follow ``fed_by``'s payments into it, times her
      share of what it pays beyond chance in those windows. A trader with a business of
      his own who pays the official's wife only in the days after the ring paid him,
      while his suppliers are paid every week whatever comes in, is near 1; a shop that
      pays her every week is near 0, however often a payment falls after the ring's.

    "Beyond chance": chance is the part of ``node``'s active time the windows of ``lag``
    after ``fed_by``'s payments cover; a payee's money inside them beyond that part of
    all he gets is what the windows explain, and how surely is ``(timed - chance) /
    (1 - chance)`` of ``to``'s own share inside.

    0 for a node the extraction capped: its transfers are not all known, and it is a hub.
    """
    if node in s.h.graph.get("capped", ()):
        return 0.0
    sent = _sends(s, node)
    total = sum(a for *_, a in sent)
    share = sum(a for v, *_, a in sent if v == to) / total if total > 0 else 0.0
    received = [(u, s.when(k)) for u, k in into(s.h, node, *R.MONEY)]
    fed = sorted({t for u, t in received if u == fed_by and t is not None})
    times = [t for *_, t, _ in sent if t is not None] + [t for _, t in received if t is not None]
    if not fed or not times or max(times) - min(times) <= lag:
        return share
    first, last = min(times), max(times)
    covered, reach = timedelta(0), first
    for f in fed:  # the windows' union, within the active time
        start, end = max(f, reach), min(f + lag, last)
        if end > start:
            covered += end - start
            reach = end
    chance = min(1.0, covered / (last - first))
    if chance >= 1:
        return share
    inside: dict[str, float] = defaultdict(float)
    every: dict[str, float] = defaultdict(float)
    for v, _, t, a in sent:
        if t is not None and a > 0:
            every[v] += a
            if _after(fed, t, lag):
                inside[v] += a
    beyond = {v: max(0.0, inside[v] - chance * every[v]) for v in every}
    if every.get(to, 0.0) <= 0 or sum(beyond.values()) <= 0:
        return share
    sure = max(0.0, (inside[to] / every[to] - chance) / (1 - chance))
    return max(share, sure * beyond[to] / sum(beyond.values()))


def _after(fed: list[datetime], t: datetime, lag: timedelta) -> bool:
    """Whether ``t`` falls within ``lag`` after one of the (sorted) moments ``fed``."""
    i = bisect_right(fed, t)
    return i > 0 and t - fed[i - 1] <= lag


@dataclass(frozen=True)
class _Chain:
    """A ring payment (``src`` -> ``x`` by ``k0`` at ``t0``, ``a0``) and its forwards."""

    src: str
    k0: Key
    t0: datetime
    a0: float
    x: str
    hops: tuple[_Hop, ...]


def _sends(s: Scene, node: str) -> list[tuple[str, Key, datetime | None, float]]:
    """:func:`T.sends`, read once per scene and node (chains ask for the same nodes often)."""
    cache: dict[str, list[tuple[str, Key, datetime | None, float]]] = s.once("sends", dict)
    if node not in cache:
        cache[node] = T.sends(s, node)
    return cache[node]


def routine(s: Scene, x: str) -> set[Key]:
    """``x``'s own standing obligations: the payments of each series of at least
    ``[innocent] alike_min`` payments to one receiver whose references name an ordinary
    purpose (rent, an instalment) and whose amounts are constant (within
    ``alike_tolerance``). A tenant who pays his monthly rent days after the ring paid him
    passes nothing on (computed once per scene and node)."""
    cache: dict[str, set[Key]] = s.once("pass_through_routine", dict)
    if x not in cache:
        inn = s.cfg["innocent"]
        words, tol = list(inn["ordinary_words"]), float(inn["alike_tolerance"])
        series: dict[str, list[tuple[Key, float]]] = defaultdict(list)
        for v, k, _, amount in _sends(s, x):
            if amount > 0 and ordinary(s.h.edges[k].get("reference"), words):
                series[v].append((k, amount))
        found: set[Key] = set()
        for paid in series.values():
            mid = statistics.median(a for _, a in paid)
            if len(paid) >= int(inn["alike_min"]) and all(
                abs(a - mid) <= tol * mid for _, a in paid
            ):
                found |= {k for k, _ in paid}
        cache[x] = found
    return cache[x]


def _forwards(s: Scene, x: str, t0: datetime, a0: float, cfg: dict[str, Any]) -> list[_Hop]:
    """What ``x`` sends on to each receiver within ``lag_days`` after receiving ``a0`` at
    ``t0``, when at least ``share_min`` of it: in one transfer or in parts (e-wallet
    top-ups have per-transaction limits; a broker splits to stay unremarkable). ``x``'s
    :func:`routine` payments (his rent) are not passed on."""
    lag, share = timedelta(days=float(cfg["lag_days"])), float(cfg["share_min"])
    own = routine(s, x)
    parts: dict[str, list[tuple[datetime, Key, float]]] = defaultdict(list)
    for v, k, at, amount in _sends(s, x):
        if at is not None and t0 <= at <= t0 + lag and amount > 0 and k not in own:
            parts[v].append((at, k, amount))
    hops = []
    for v, ps in sorted(parts.items()):
        ps.sort()
        total = sum(a for *_, a in ps)
        if total >= share * a0:
            hops.append(_Hop(v, ps[-1][0], total, tuple(k for _, k, _ in ps)))
    return hops


def _layered(s: Scene, src: str, t0: datetime, a0: float, hop: _Hop) -> bool:
    """Whether ``money`` already counts this as a ``layered_payment`` (one transfer on
    through a company's account, as its ``[money] layer_days`` and ``layer_share`` say)."""
    cfg = s.cfg["money"]
    return (
        src in s.accounts
        and len(hop.keys) == 1
        and t0 < hop.at <= t0 + timedelta(days=int(cfg["layer_days"]))
        and float(cfg["layer_share"]) * a0 <= hop.amount <= a0
    )


def chains(s: Scene) -> dict[str, list[_Chain]]:
    """Every ring payment passed on by one or two intermediaries, by where it ends
    (computed once per scene; each official reads the chains ending on his side)."""
    h, cfg = s.h, s.cfg["pass_through"]
    side = T.ring_side(s)
    ring = set(s.accounts) | side
    ends: dict[str, list[_Chain]] = defaultdict(list)
    sureness = {n: T.sure(s, n) for n in ring}
    banned_at: dict[float, set[str]] = {}  # the nodes at least as sure as a level
    company_of: dict[str, bool] = {}
    for src in sorted(ring):
        # an intermediary the side inference counts less surely than the payer (a broker
        # paid by several members looks like the ring's side for that alone) may still be
        # the one who passes the payer's money on
        level = sureness[src]
        if level not in banned_at:
            banned_at[level] = {n for n, c in sureness.items() if c >= level} | s.victims
        banned = banned_at[level]
        for x, k0, t0, a0 in _sends(s, src):
            if x in banned or t0 is None or a0 <= 0:
                continue
            # one company alone in between may be money's layered_payment
            if x not in company_of:
                company_of[x] = any(has(h, p, "Organization") for p, _ in into(h, x, *R.HOLDS))
            company = company_of[x]
            for hop in _forwards(s, x, t0, a0, cfg):
                if hop.to in banned or hop.to == x:
                    continue
                if not (company and _layered(s, src, t0, a0, hop)):
                    ends[hop.to].append(_Chain(src, k0, t0, a0, x, (hop,)))
                for hop2 in _forwards(s, hop.to, hop.at, hop.amount, cfg):
                    if hop2.to not in banned and hop2.to not in (x, hop.to):
                        ends[hop2.to].append(_Chain(src, k0, t0, a0, x, (hop, hop2)))
    return ends


def pass_through(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["pass_through"]
    targets = {m.node: m for m in T.accounts(s, o)}
    lag_days = float(cfg["lag_days"])
    ends = s.once("pass_through", lambda: chains(s))
    # per ring payment, the forward to his side that keeps most of it, soonest
    best: dict[tuple[str, Key], tuple[float, _Chain]] = {}
    for t in sorted(targets):
        for c in ends.get(t, []):
            if c.x in targets or any(hop.to in targets for hop in c.hops[:-1]):
                continue  # his side itself in between: that is money, not a broker
            kept = min(1.0, c.hops[-1].amount / c.a0)
            lag = (c.hops[-1].at - c.t0).total_seconds() / 86400
            order = kept * (1 - lag / (2 * lag_days))
            if (c.src, c.k0) not in best or order > best[(c.src, c.k0)][0]:
                best[(c.src, c.k0)] = (order, c)
    found: list[tuple[float, float, float, Evidence, str, float, int, float]] = []
    delivered: list[tuple[Key, ...]] = []
    for _, c in sorted(best.values(), key=lambda b: (b[1].t0, b[1].src, b[1].k0)):
        src, k0, t0, a0, x, path = c.src, c.k0, c.t0, c.a0, c.x, c.hops
        excl = 1.0
        chain = [x, *(p.to for p in path)]
        for fed_by, a, b in zip([src, *chain], chain, chain[1:], strict=False):
            excl *= exclusivity(s, a, b, fed_by, timedelta(days=lag_days))
        end = targets[path[-1].to]
        head: tuple[list[str], list[Key]] = ([src], [k0])
        if src in s.accounts:
            payer, pk = s.accounts[src]
            head = ([payer, src], [pk, k0])
        # the intermediaries, each followed by who holds its account (the broker)
        mid: list[str] = []
        held: list[Key] = []
        for m in chain[:-1]:
            mid.append(m)
            for p, hk in into(h, m, *R.HOLDS)[:1]:
                mid.append(p)
                held.append(hk)
        nodes = [*head[0], *mid, *reversed(end.nodes)]
        keys = [*head[1], *(k for p in path for k in p.keys), *held, *reversed(end.keys)]
        e = s.evidence("pass_through", nodes, keys)
        kept = min(1.0, path[-1].amount / a0)
        lag = (path[-1].at - t0).total_seconds() / 86400
        w = e["grade"] * end.via.weight * excl * T.sure(s, src)
        found.append((w, kept, lag, e, x, excl, len(path), path[-1].amount))
        delivered.append(path[-1].keys)
    # one forward to his side is one payment, traced from its surest ring payer: a broker
    # inferred to the ring's side both forwards the members' money and pays it himself
    surest: dict[tuple[Key, ...], int] = {}
    for i, (f, last) in enumerate(zip(found, delivered, strict=True)):
        if last not in surest or f[0] > found[surest[last]][0]:
            surest[last] = i
    found = [found[i] for i in sorted(surest.values())]
    if not found:
        return s.result("pass_through", 0.0, {}, [])
    n = sum(w for w, *_ in found)
    if n <= 0:  # passed on only by hubs (shops, payrolls)
        return s.result("pass_through", 0.0, {}, [])
    proportion = sum(w * kept for w, kept, *_ in found) / n
    speed = sum(w * (1 - lag / (2 * lag_days)) for w, _, lag, *_ in found) / n
    score = (1 - math.exp(-n / float(cfg["count_scale"]))) * proportion * speed
    facts = {
        "count": len(found),
        "intermediaries": len({f[4] for f in found}),
        "two_hops": sum(1 for f in found if f[6] > 1),
        "share": round(proportion, 3),
        "mean_lag_days": round(sum(lag for _, _, lag, *_ in found) / len(found), 1),
        "exclusivity": round(sum(f[5] for f in found) / len(found), 3),
        "amount": round(sum(f[7] for f in found), 2),
    }
    # what ring-paid intermediaries pay his side as their own standing obligation (rent)
    ring = set(s.accounts) | T.ring_side(s)
    mine = [
        k
        for t in targets
        for x, k in into(h, t, *R.MONEY)
        if any(src in ring for src, _ in into(h, x, *R.MONEY)) and k in routine(s, x)
    ]
    if mine:
        facts["routine"] = len(mine)
    return s.result("pass_through", score, facts, [(f[0], f[3]) for f in found])


def _words(f: dict[str, Any], lang: str) -> str:
    n, k = int(f.get("count", 0)), int(f.get("intermediaries", 0))
    said = gettext("{payments} through {intermediaries} ({amount})", lang).format(
        payments=ngettext(
            "{n} ring payment passed on to his side",
            "{n} ring payments passed on to his side",
            n,
            lang,
        ).format(n=n),
        intermediaries=ngettext("{n} intermediary", "{n} intermediaries", k, lang).format(n=k),
        amount=rupiah(float(f.get("amount", 0.0))),
    )
    more = gettext(
        "{share} of each passed on within {days} days on average, exclusivity {excl}", lang
    ).format(
        share=f"{round(100 * float(f.get('share', 0)))}%",
        days=f.get("mean_lag_days"),
        excl=f.get("exclusivity"),
    )
    said = f"{said}, {more}"
    routine_n = int(f.get("routine", 0))
    if routine_n:
        said += "; " + ngettext(
            "{n} payment left out: a standing obligation of the intermediary "
            "(same amount, ordinary purpose, month after month)",
            "{n} payments left out: a standing obligation of the intermediary "
            "(same amount, ordinary purpose, month after month)",
            routine_n,
            lang,
        ).format(n=routine_n)
    return said


KIND = IndicatorKind(
    name="pass_through",
    compute=pass_through,
    words=_words,
    colour="money",
    constants=("lag_days", "share_min", "count_scale"),
)
