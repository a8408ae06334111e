"""``structuring``: many small payments from several ring accounts to one person.

Catches a relative, an associate or the official himself who receives, from at
least two different accounts (or hands) of the ring's side, payments that are each
small (at most ``small_amount``): the pattern of money split across payers and
amounts so that no single payer or transfer stands out (pemecahan transaksi).

A separate indicator rather than a component of ``money``: ``money`` measures how
much the ring pays one official's side and how regularly, and grows with the
amount, so many small payments from many payers read there as little money;
this pattern is about *how* the money is split, and it is shown to the reader as
its own sentence and paths. It reads the same payments, so it is weighted lower.

Strength, for the person receiving the most: ``(1 - exp(-(payers - 1) /
payer_scale)) * (1 - exp(-n / count_scale))`` where ``payers`` is the number of
distinct ring payers and ``n`` the graded small payments times the ``[via]``
weight. One payer alone is 0, however many payments.

Misses splitting through intermediaries (see ``pass_through``), payments above
``small_amount`` split no further, and payers the data does not tie to the ring.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene
from queries.protectors._types import Evidence, Indicator
from queries.protectors.indicators import _trade as T
from queries.protectors.indicators.money import rupiah


def structuring(s: Scene, o: str) -> Indicator:
    cfg = s.cfg["structuring"]
    small = float(cfg["small_amount"])
    per_person: dict[str, list[tuple[float, str, float, Evidence]]] = defaultdict(list)
    for m in T.accounts(s, o):
        for src, k, _at, amount in T.ring_money(s, m.node):
            if amount <= 0 or amount > small:
                continue
            head = [*s.accounts[src][:1], src] if src in s.accounts else [src]
            keys = [s.accounts[src][1], k] if src in s.accounts else [k]
            e = s.evidence("small_payment", [*head, *reversed(m.nodes)], [*keys, *m.keys])
            w = e["grade"] * m.via.weight * T.sure(s, src)
            per_person[m.via.person].append((w, src, amount, e))
    best: tuple[float, str] | None = None
    for person, pays in sorted(per_person.items()):
        payers = len({src for _, src, _, _ in pays})
        n = sum(w for w, *_ in pays)
        value = (1 - math.exp(-(payers - 1) / float(cfg["payer_scale"]))) * (
            1 - math.exp(-n / float(cfg["count_scale"]))
        )
        if value > 0 and (best is None or value > best[0]):
            best = (value, person)
    if best is None:
        return s.result("structuring", 0.0, {}, [])
    pays = per_person[best[1]]
    facts = {
        "payments": len(pays),
        "payers": len({src for _, src, _, _ in pays}),
        "amount": round(sum(a for _, _, a, _ in pays), 2),
        "self": best[1] == o,
    }
    return s.result("structuring", best[0], facts, [(w, e) for w, _, _, e in pays])


def _words(f: dict[str, Any], lang: str) -> str:
    n, p = int(f.get("payments", 0)), int(f.get("payers", 0))
    return gettext("{payments} from {payers} to one person of his side ({amount})", lang).format(
        payments=ngettext("{n} small payment", "{n} small payments", n, lang).format(n=n),
        payers=ngettext("{n} ring account", "{n} ring accounts", p, lang).format(n=p),
        amount=rupiah(float(f.get("amount", 0.0))),
    )


KIND = IndicatorKind(
    name="structuring",
    compute=structuring,
    words=_words,
    colour="money",
    constants=("small_amount", "payer_scale", "count_scale"),
)
