"""Search results a person can tell apart: ten "Eko" with birth date, place, unit and ring."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.text import gettext
from graph_api.pages._views import _MEMBERSHIP, names_of, post_line, posts_of
from graph_api.web.deps import Ctx
from viz.fields import field_name
from viz.formats import plain_date
from viz.names import display_name
from viz.tooltips import kinds_text

#: how a hit matched, as the results name it (the property it matched on)
_MATCHED = {
    "phone": "number",
    "account": "number",
    "id_number": "id_numbers",
    "phone_user": "number",
    "extra": "detail",
    "phone_prefix": "number",
    "phone_user_prefix": "number",
    "account_prefix": "number",
}


def search_rows(ctx: Ctx, hits: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, str]]:
    """Each hit with its kind, name, date and place of birth, unit (officials' current
    post) and the rings it is a member of, all cleaned for the role."""
    ids = [h["id"] for h in hits]
    nodes = {
        n["id"]: n for n in ctx.shown_list(ctx.call(lambda s: list(s.get_nodes(ids).values())))
    }
    rows = []
    for h in hits:
        node = nodes.get(h["id"])
        if node is None:
            continue
        p = node["props"]
        rings = ctx.call(
            lambda s, i=h["id"]: s.neighbours(i, types=list(_MEMBERSHIP), direction="out")
        )
        ring_ids = [n["node"]["id"] for n in ctx.shown_list(rings)]
        ring_names = names_of(ctx, ring_ids, lang)
        official = "Official" in node["labels"]
        unit = post_line(posts_of(ctx, h["id"], lang)) if official else ""
        born = ", ".join(
            x
            for x in (
                str(p.get("birth_place") or ""),
                plain_date(str(p["birth_date"])) if p.get("birth_date") else "",
            )
            if x
        )
        matched = str(h.get("matched") or "")
        how = (
            ""
            if matched == "name"
            else gettext("record", lang)
            if matched in ("id", "id_prefix")
            else field_name(_MATCHED.get(matched, matched), lang)
        )
        rows.append(
            {
                "id": h["id"],
                "name": display_name(node, lang),
                "kind": kinds_text(node["labels"], "en" if lang == "en" else "id"),
                "born": born,
                "unit": unit,
                "rings": ", ".join(ring_names[r] for r in ring_ids if r in ring_names),
                "matched": how,
            }
        )
    return rows
