"""The ring page's sections beyond the protector table: members, cases, tip-offs.

Each as the API has it (``/rings/{id}``, ``/case-interference``, ``/tipoffs``),
cleaned for the role, with every entity by its name and a link.
"""

from __future__ import annotations

from typing import Any, cast

import queries
from graph_api.pages._views import _MEMBERSHIP, names_of, when_text
from graph_api.web.deps import Ctx
from viz.fields import value_text
from viz.formats import decimal


def members(ctx: Ctx, ring_id: str, lang: str) -> list[dict[str, str]]:
    """Recorded members with their role in the ring, by name."""
    found = ctx.call(lambda s: s.neighbours(ring_id, types=list(_MEMBERSHIP), direction="in"))
    rows = []
    for n in ctx.shown_list(found):
        role = n["rel"]["props"].get("role")
        rows.append(
            {
                "id": n["node"]["id"],
                "role": value_text("role", str(role), lang) if role else "",
                "_node": n["node"],
            }
        )
    names = names_of(ctx, [r["id"] for r in rows], lang)
    out = [
        {"id": r["id"], "name": names.get(r["id"], ""), "role": r["role"]}
        for r in rows
        if r["id"] in names
    ]
    return sorted(out, key=lambda r: (r["role"], r["name"]))


def cases(ctx: Ctx, ring_id: str, lang: str) -> list[dict[str, Any]]:
    """Cases against members that were stopped or stalled (and the counterweight:
    cases that went on), each with status, dates and the officials handling it."""
    found = cast(
        dict[str, Any], ctx.show(ctx.call(queries.case_interference, ring_id=ring_id), "ring")
    )
    items = [(c, True) for c in found["interfered"]] + [(c, False) for c in found["counterweight"]]
    ids = [c["case_id"] for c, _ in items]
    ids += [o["official_id"] for c, _ in items for o in c["officials"]]
    ids += [s for c, _ in items for s in c["member_suspects"]]
    names = names_of(ctx, ids, lang)
    rows = []
    for c, interfered in items:
        rows.append(
            {
                "id": c["case_id"],
                "name": names.get(c["case_id"], c.get("title") or ""),
                "status": value_text("status", str(c.get("status") or ""), lang),
                "opened": when_text(str(c.get("opened_at") or "")),
                "status_at": when_text(str(c.get("status_at") or "")),
                "interfered": interfered,
                "reason": value_text("status", str(c.get("reason") or ""), lang),
                "officials": [
                    (o["official_id"], names[o["official_id"]])
                    for o in c["officials"]
                    if o["official_id"] in names
                ],
                "suspects": [(s, names[s]) for s in c["member_suspects"] if s in names],
            }
        )
    return rows


def tipoffs(ctx: Ctx, ring_id: str, lang: str) -> list[dict[str, Any]]:
    """Calls from officials' phones to members within 24 hours before failed raids."""
    found = ctx.shown_list(ctx.call(queries.tipoffs, ring_id=ring_id))
    ids = [t["official_id"] for t in found] + [t["member_id"] for t in found]
    ids += [t["event_id"] for t in found]
    names = names_of(ctx, ids, lang)
    return [
        {
            "raid": names.get(t["event_id"], ""),
            "raid_id": t["event_id"],
            "raid_at": when_text(str(t["event_at"])),
            "outcome": value_text("outcome", str(t["outcome"]), lang),
            "official": names.get(t["official_id"], ""),
            "official_id": t["official_id"],
            "member": names.get(t["member_id"], ""),
            "member_id": t["member_id"],
            "call_at": when_text(str(t["call_at"])),
            "hours": decimal(float(t["hours_before"]), 1, lang),
        }
        for t in found
        if t["official_id"] in names and t["member_id"] in names
    ]
