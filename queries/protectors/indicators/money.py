"""``money``: payments from the ring to the official's side (setoran).

Catches transfers from a member's or a ring company's account to an account of
the official, of a relative or of an associate (:meth:`Scene.sphere`), and money
layered through a non-ring company (in from the ring, at least ``layer_share`` of
it out to the official's side within ``layer_days``). The strength grows with the
number of (graded) payments, where one alone stays weak, with the amount, with
regularity (setoran) and with payments a recruiter makes right after recruiting
someone (a village head paid per recruit).

A holder is its own instrument: money a member or ring company hands to the person
directly (any type the model declares ``meaning="money"`` between holders, such as
a cash hand-over) counts like a transfer between their accounts.

Payers are the ring's side (:attr:`Scene.side`): members and ring companies fully,
a payer inferred to act for the ring at its confidence. Innocent explanations lower
a payment and are said in the evidence words (``[innocent]``): a reference naming
an ordinary purpose (rent, instalment, salary) at a constant amount, which the payer
pays alike to many others or the receiving account receives from many others, counts
``ordinary`` of a payment, and a series of them (rent month after month) counts together
as one such payment: one arrangement; a salary a ring company pays its recorded employee counts
nothing; money the official's side sent the payer earlier is repaid first. Those
payments do not make the money regular either.

Misses cash nobody recorded, accounts not in the data, layering through more than one hop or
through a person, and a relative not recorded as FAMILY.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta
from typing import Any

from graph.text import gettext, ngettext
from queries.protectors import _rels as R
from queries.protectors._evidence import Key
from queries.protectors._kind import IndicatorKind
from queries.protectors._scene import Scene, has, into, out
from queries.protectors._side import ordinary
from queries.protectors._types import Evidence, Indicator
from queries.protectors.indicators.ties import apart_words


def money(s: Scene, o: str) -> Indicator:
    h, cfg = s.h, s.cfg["money"]
    payments: list[tuple[float, float, datetime | None, str, Evidence, bool]] = []
    totals: dict[str, float] = {}  # currency -> amount paid in it
    innocent: dict[tuple[str, ...], int] = {}
    plain_dates: list[datetime] = []
    lent = _lent(s, o)
    series: list[int] = []  # the payments an ordinary purpose explains
    rates = {"IDR": 1.0, **{k.upper(): float(v) for k, v in cfg["rupiah_per"].items()}}
    unpriced: set[str] = set()
    for v in s.sphere(o):
        tail = [v.person, *([o] if v.person != o else [])]
        # where money reaches this person: an account they hold, or the person (cash)
        into_person: list[tuple[str, list[str], list[Key]]] = [
            (acc, [acc], [hk]) for acc, hk in s.owned(v.person, R.HOLDS, s.accounts)
        ]
        into_person.append((v.person, [], []))
        for inst, via_nodes, via_keys in into_person:
            for src, tk in into(h, inst, *R.MONEY):
                amount = float(h.edges[tk].get("amount") or 0.0)
                at = s.when(tk)
                hop = src  # the account the money last left (its payer's habits)
                if src in s.accounts:  # from a ring account
                    payer, pk = s.accounts[src]
                    nodes, keys = [payer, src], [pk, tk]
                    route = _route(s, payer)
                elif src in s.side:  # from the ring's own hand
                    payer, nodes, keys = src, [src], [tk]
                    route = _route(s, payer)
                elif at is not None:
                    layer = _layer(s, src, amount, at)
                    if layer is None:
                        continue
                    route, nodes, keys0 = layer
                    payer, keys = nodes[0], [*keys0, tk]
                else:
                    continue
                why = _explained(s, tk, hop, inst, v.person, payer)
                factor = 1.0
                if why is not None:
                    factor = 0.0 if why[0] == "salary" else float(s.cfg["innocent"]["ordinary"])
                    innocent[why] = innocent.get(why, 0) + 1
                back = lent.get(payer, 0.0)
                if back > 0 and amount > 0 and factor > 0:
                    repaid = min(back, amount)
                    lent[payer] = back - repaid
                    factor *= 1 - repaid / amount
                    innocent[("repaid", str(round(repaid)))] = 1
                if factor <= 0:
                    continue
                e = s.evidence(route, [*nodes, *via_nodes, *tail], [*keys, *via_keys, *v.keys])
                w = e["grade"] * v.weight * s.weight(payer) * factor
                code = str(h.edges[tk].get("currency") or "IDR").upper()
                totals[code] = totals.get(code, 0.0) + amount
                # weighed in rupiah; a currency without a rate counts, its amount does not
                rate = rates.get(code)
                if rate is None:
                    unpriced.add(code)
                if why is not None and why[0] == "ordinary":
                    series.append(len(payments))
                payments.append((w, amount * (rate or 0.0), at, payer, e, v.person != o))
                if at is not None and factor >= 0.5:
                    plain_dates.append(at)
    said = _innocent_facts(innocent)
    _one_arrangement(payments, series)
    if not payments:
        return s.result("money", 0.0, {"innocent": said} if said else {}, [])
    n = sum(w for w, *_ in payments)
    total = sum(a for _, a, *_ in payments)
    weighted = sum(w * a for w, a, *_ in payments)
    c = 1 - math.exp(-n / float(cfg["count_scale"]))
    a = 1 - math.exp(-weighted / float(cfg["amount_scale"]))
    dates = sorted(set(plain_dates))
    months = {(d.year, d.month) for d in dates}
    gaps = [(b - a_).days for a_, b in zip(dates, dates[1:], strict=False)]
    regular = (
        len(months) >= int(cfg["regular_months"])
        and bool(gaps)
        and cfg["gap_min_days"] <= statistics.median(gaps) <= cfg["gap_max_days"]
    )
    window = timedelta(days=int(cfg["victim_days"]))
    tied = sum(
        1
        for *_, at, payer, _, _ in payments
        if at is not None and any(r <= at <= r + window for r in s.recruits.get(payer, []))
    )
    share = tied / len(payments) if plain_dates else 0.0
    score = 1 - (
        (1 - float(cfg["count_weight"]) * c)
        * (1 - float(cfg["amount_weight"]) * a)
        * (1 - float(cfg["regular_weight"]) * float(regular))
        * (1 - float(cfg["recruit_weight"]) * share * c)
    )
    routes = sorted({e["what"] for *_, e, _ in payments})
    vias = {via and e["what"] != "layered_payment" for *_, e, via in payments}
    facts = {
        "count": len(payments),
        "amount": round(total, 2),
        "months": len(months),
        "regular": regular,
        "per_recruit": tied,
        "routes": routes,
        "inferred_payers": sorted({p[3] for p in payments if p[3] in s.inferred}),
        "innocent": said,
        "via_relative": any(vias),
        "relations": sorted(
            {
                x.relation
                for x in s.sphere(o)
                if x.person != o and any(x.person in e["nodes"] for *_, e, _ in payments)
            }
        ),
    }
    if set(totals) != {"IDR"}:
        # Another currency: the sentence names each; ``amount`` is their rupiah value
        # at the [money] rupiah_per rates, without the currencies that have none.
        facts["amounts"] = {code: round(v, 2) for code, v in sorted(totals.items())}
    if unpriced:
        facts["unpriced"] = sorted(unpriced)
    apart = s.apart(o)
    if apart:
        facts["apart"] = len(apart)
    order = float(cfg["evidence_amount_scale"])
    return s.result("money", score, facts, [(p[0] * (1 + p[1] / order), p[4]) for p in payments])


def _one_arrangement(
    payments: list[tuple[float, float, datetime | None, str, Evidence, bool]],
    series: list[int],
) -> None:
    """Rent paid every month like the other tenants pay is one arrangement, not twelve
    pay-offs: the payments an ordinary purpose explains count together at most
    ``ordinary`` of the best-graded one (each was already weighed ``ordinary``)."""
    if len(series) < 2:
        return
    total = sum(payments[i][0] for i in series)
    most = max(payments[i][0] for i in series)
    if total <= most:
        return
    for i in series:
        w, *rest = payments[i]
        payments[i] = (w * most / total, *rest)  # type: ignore[assignment]


def _route(s: Scene, payer: str) -> str:
    if payer in s.members:
        return "payment"
    return "org_payment" if payer in s.orgs else "side_payment"


def _lent(s: Scene, o: str) -> dict[str, float]:
    """What the official's side sent each ring-side holder (a loan, a purchase):
    payments back from that holder repay it first, and are no pay-off."""
    h = s.h
    lent: dict[str, float] = {}
    for v in s.sphere(o):
        insts = [a for a, _ in s.owned(v.person, R.HOLDS, s.accounts)] + [v.person]
        for inst in insts:
            for dst, tk in out(h, inst, *R.MONEY):
                holder = (s.accounts.get(dst) or (dst, None))[0]
                if holder in s.side:
                    lent[holder] = lent.get(holder, 0.0) + float(h.edges[tk].get("amount") or 0)
    return lent


def _explained(
    s: Scene, tk: Key, hop: str, inst: str, person: str, payer: str
) -> tuple[str, ...] | None:
    """Why a payment may be ordinary: ``("salary", org)`` when the paying company
    employs the payee (recorded), or ``("ordinary", word, alike)`` when its reference
    names an ordinary purpose, its amount is constant, and the payer pays alike to
    ``alike`` others (or the account receives from ``alike`` others), at least
    ``alike_min``; else None."""
    h, cfg = s.h, s.cfg["innocent"]
    holder = (s.accounts.get(hop) or (hop, None))[0]
    for org in (holder, payer):
        if org in h and has(h, org, "Organization"):
            if any(
                o2 == org and k[2][0] in R.ORG_TIES and k[2][0] not in R.BOARD
                for o2, k in out(h, person, *R.ORG_TIES)
            ):
                return ("salary", org)
    word = ordinary(h.edges[tk].get("reference"), list(cfg["ordinary_words"]))
    if word is None:
        return None
    tol = float(cfg["alike_tolerance"])
    amount = float(h.edges[tk].get("amount") or 0.0)

    def near(x: float) -> bool:
        return amount > 0 and abs(x - amount) <= tol * amount

    same = [float(h.edges[k].get("amount") or 0.0) for d, k in out(h, hop, *R.MONEY) if d == inst]
    if not all(near(x) for x in same):
        return None  # not a constant amount
    alike = {
        d
        for d, k in out(h, hop, *R.MONEY)
        if d != inst
        and (
            near(float(h.edges[k].get("amount") or 0.0))
            or ordinary(h.edges[k].get("reference"), [word])
        )
    }
    ring_in = sum(1 for src, _ in into(h, inst, *R.MONEY) if src in s.accounts or src in s.side)
    receives = max(0, int(h.graph.get("receipts", {}).get(inst, 0)) - ring_in)
    most = max(len(alike), receives)
    if most < int(cfg["alike_min"]):
        return None
    return ("ordinary", word, str(len(alike)), str(receives))


def _innocent_facts(found: dict[tuple[str, ...], int]) -> list[dict[str, Any]]:
    said: list[dict[str, Any]] = []
    for why, n in sorted(found.items()):
        if why[0] == "salary":
            said.append({"why": "salary", "org": why[1], "count": n})
        elif why[0] == "ordinary":
            said.append(
                {
                    "why": "ordinary",
                    "reference": why[1],
                    "payer_alike": int(why[2]),
                    "receiver_others": int(why[3]),
                    "count": n,
                }
            )
        else:
            said.append({"why": "repaid", "amount": float(why[1])})
    return said


def _layer(
    s: Scene, acct: str, amount: float, at: datetime
) -> tuple[str, list[str], list[Key]] | None:
    """Ring account -> a non-ring organization's account -> onwards within days."""
    h, cfg = s.h, s.cfg["money"]
    holders = [(p, k) for p, k in into(h, acct, *R.HOLDS) if has(h, p, "Organization")]
    if not holders:
        return None
    days = timedelta(days=int(cfg["layer_days"]))
    for src, tk in into(h, acct, *R.MONEY):
        t0 = s.when(tk)
        if src not in s.accounts or t0 is None:
            continue
        a0 = float(h.edges[tk].get("amount") or 0.0)
        if (
            t0 < at <= t0 + days
            and a0 > 0
            and amount >= float(cfg["layer_share"]) * a0
            and amount <= a0
        ):
            payer, pk = s.accounts[src]
            org, ok = holders[0]
            return "layered_payment", [payer, src, acct], [pk, tk, (ok[0], ok[1], ok[2])]
    return None


def rupiah(amount: float) -> str:
    """``Rp 180.000.000``."""
    return "Rp " + f"{round(amount):,}".replace(",", ".")


def amount_text(amount: float, currency: str | None = "IDR") -> str:
    """:func:`rupiah` for rupiah; another currency by its code, with its cents
    (``USD 1.200,50``), never as rupiah."""
    code = (currency or "IDR").upper()
    if code in ("IDR", "RP"):
        return rupiah(amount)
    whole, cents = divmod(round(abs(amount) * 100), 100)
    text = f"{whole:,}".replace(",", ".") + (f",{cents:02d}" if cents else "")
    return f"{code} {'-' if amount < 0 else ''}{text}"


def _total(f: dict[str, Any]) -> str:
    """The amount of the sentence: in rupiah, or each currency's total."""
    amounts = f.get("amounts")
    if not amounts:
        return rupiah(float(f.get("amount", 0)))
    order = sorted(amounts.items(), key=lambda kv: (kv[0] != "IDR", kv[0]))
    return " + ".join(amount_text(float(v), code) for code, v in order)


def _words(f: dict[str, Any], lang: str) -> str:
    n, months = f.get("count", 0), f.get("months")
    said = [
        ngettext(
            "received {n} transfer ({amount}) from ring accounts",
            "received {n} transfers ({amount}) from ring accounts",
            n,
            lang,
        ).format(n=n, amount=_total(f))
    ]
    routes = set(f.get("routes", []))
    if "layered_payment" in routes:
        said.append(gettext("layered through a company", lang))
    elif "org_payment" in routes:
        said.append(gettext("from a ring company", lang))
    # the relation's detail (spouse, sibling ...) as the model's pages word it
    rel = ", ".join(
        gettext(r.split(":")[-1].replace("_", "-"), lang) for r in f.get("relations", [])
    )
    if rel:
        said.append(gettext("via relative ({relations})", lang).format(relations=rel))
    if f.get("regular"):
        regular = ngettext("regular over {n} month", "regular over {n} months", months, lang)
        said.append(regular.format(n=months))
    if f.get("per_recruit"):
        said.append(gettext("{n} right after a recruitment", lang).format(n=f["per_recruit"]))
    if f.get("inferred_payers"):
        said.append(gettext("from the ring's inferred side", lang))
    if f.get("unpriced"):
        said.append(
            gettext("no rupiah rate for {codes}: counted, amount not weighed", lang).format(
                codes=", ".join(f["unpriced"])
            )
        )
    return "; ".join(
        [", ".join(said), *innocent_words(f.get("innocent") or [], lang), *apart_words(f, lang)]
    )


def innocent_words(found: list[dict[str, Any]], lang: str) -> list[str]:
    """The innocent explanations that lowered the money, in words."""
    said = []
    for x in found:
        if x["why"] == "salary":
            said.append(
                gettext("salary: paid by {org}, which employs the payee", lang).format(org=x["org"])
            )
        elif x["why"] == "ordinary":
            said.append(
                gettext(
                    "ordinary payment: same amount, reference '{ref}', payer pays {alike} "
                    "others alike, the account receives from {others} others",
                    lang,
                ).format(ref=x["reference"], alike=x["payer_alike"], others=x["receiver_others"])
            )
        else:
            said.append(
                gettext("repays {amount} the official's side sent earlier", lang).format(
                    amount=rupiah(float(x["amount"]))
                )
            )
    return said


KIND = IndicatorKind(
    name="money",
    compute=money,
    words=_words,
    colour="money",
    constants=(
        "count_scale",
        "amount_scale",
        "count_weight",
        "amount_weight",
        "regular_weight",
        "recruit_weight",
        "regular_months",
        "gap_min_days",
        "gap_max_days",
        "victim_days",
        "layer_days",
        "layer_share",
        "evidence_amount_scale",
        "rupiah_per",
    ),
)
