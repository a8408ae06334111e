"""Money into an official: who paid him, how much per payer, and over time.

Read from the timelines of the official and of his family (transfers into the
accounts they hold: ring money often reaches an official through a relative's
account, as the ranking's ``via family`` evidence says), so it shows exactly what
those timelines show; every payer by name (the account's holder, else the account
as ``bank number · holder``), every receiving account with its holder.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import queries
from graph.model import MODEL
from graph_api.pages._views import MOST, holders_of, names_of, when_text
from graph_api.web.deps import Ctx
from viz.formats import money

_KIN = MODEL.meaning("kinship")


def money_in(ctx: Ctx, official_id: str, lang: str) -> dict[str, Any]:
    """``{payers, months, transfers, total, complete}`` of the money into ``official_id``.

    ``payers``: per paying account, its holder's name, count and total (largest
    first); ``months``: per calendar month (WIB day of each transfer), count and
    total; ``transfers``: every transfer in, by time.
    """
    stored = ctx.visible_id(official_id)
    kin = ctx.call(lambda s: s.neighbours(stored, types=list(_KIN)))
    people = [stored] + sorted({n["node"]["id"] for n in ctx.shown_list(kin)} - {stored})
    items: list[dict[str, Any]] = []
    complete = True
    for person in people:
        found = ctx.shown_list(ctx.call(queries.timeline, id=person, limit=MOST))
        complete = complete and len(found) < MOST
        items += found
    incoming = sorted(
        (it for it in items if it.get("kind") == "transfer" and it.get("direction") == "in"),
        key=lambda it: (str(it.get("at") or ""), str(it.get("rel_id") or "")),
    )
    into_ids = {str(it.get("via") or "") for it in incoming}
    into_holders = holders_of(ctx, into_ids)
    accounts = {str(it["other"]) for it in incoming if it.get("other")}
    holders = holders_of(ctx, accounts)
    everyone = accounts | into_ids | {h for hs in (holders | into_holders).values() for h in hs}
    names = names_of(ctx, everyone, lang)
    per: dict[str, dict[str, Any]] = {}
    months: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "total": 0.0})
    rows = []
    total = 0.0
    for it in incoming:
        acc = str(it.get("other") or "")
        amount = float(it.get("amount") or 0)
        total += amount
        who = [h for h in holders.get(acc, []) if h in names]
        payer = per.setdefault(
            acc,
            {
                "account": names.get(acc, ""),
                "account_id": acc if acc in names else "",
                "holder": ", ".join(names[h] for h in who),
                "holder_id": who[0] if who else "",
                "count": 0,
                "total": 0.0,
            },
        )
        payer["count"] += 1
        payer["total"] += amount
        when = when_text(str(it.get("at") or ""))
        month = when[3:10] if len(when) >= 10 else when
        months[str(it.get("at") or "")[:7]]["count"] += 1
        months[str(it.get("at") or "")[:7]]["total"] += amount
        months[str(it.get("at") or "")[:7]]["label"] = month
        rows.append(
            {
                "when": when,
                "amount": money(amount, it.get("currency")),
                "payer": payer["holder"] or payer["account"],
                "payer_id": payer["holder_id"] or payer["account_id"],
                "into": names.get(str(it.get("via") or ""), ""),
                "into_id": str(it.get("via") or ""),
                "own": stored in into_holders.get(str(it.get("via") or ""), []),
            }
        )
    payers = sorted(per.values(), key=lambda p: (-p["total"], p["account"]))
    for p in payers:
        p["total_text"] = money(p["total"])
    return {
        "payers": payers,
        "months": [
            {"label": m["label"], "count": m["count"], "total": money(m["total"])}
            for _, m in sorted(months.items())
        ],
        "transfers": rows,
        "total": money(total),
        "count": len(rows),
        "complete": complete,
        "family": [names[p] for p in people[1:] if p in names],
    }
