"""Subgraph → one self-contained HTML page (vis-network, built with pyvis).

The page works from a ``file://`` path on a PC without internet: vis-network is
inlined from the installed pyvis package, nothing else is loaded (see
:mod:`viz.offline`), and a Content-Security-Policy forbids any request anyway.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import jinja2
from markupsafe import Markup, escape
from pyvis.network import Network

from graph.model import MODEL
from graph.rows import NodeRow, Subgraph
from graph.text import gettext, ngettext
from viz.aggregate import Bundle, bundle
from viz.cap import cap_nodes
from viz.formats import WIB, group_digits
from viz.i18n import Lang, check_lang
from viz.layout import spring_layout
from viz.legend import build_legend
from viz.offline import external_references, vis_assets
from viz.styles import (
    FOCUS_BORDER,
    INDICATOR_COLORS,
    MORE_STYLE,
    NODE_STYLES,
    STRONG_BORDER,
    edge_color,
    primary_label,
    score_color,
)
from viz.tooltips import caption, edge_label, edge_tooltip, node_tooltip

#: Above this many drawn nodes the layout is computed here and physics stays off.
PHYSICS_LIMIT: Final = 300
LAYOUT_SEED: Final = 7
MORE_PREFIX: Final = "more|"

_MONEY = MODEL.meaning("money")
_CALLS = MODEL.meaning("communication")


def _script_json(value: Any) -> Markup:
    """JSON safe inside ``<script>``: no ``</script>`` or ``<!--`` can come out of data."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        raw = raw.replace(ch, esc)
    return Markup(raw)


def _transfer_width(b: Bundle) -> float:
    """Edge width on a log scale of the amount: Rp 100.000 → 1, Rp 1 miliar → 9."""
    total = sum(float(r["props"].get("amount") or 0) for r in b.rels)
    return round(min(max(1.0 + 2.0 * math.log10(max(total, 1.0) / 1e5), 1.0), 12.0), 2)


def _node_options(
    node: NodeRow,
    *,
    lang: Lang,
    score: float | None,
    kind: str | None,
    focused: bool,
    sources_info: Mapping[str, str] | None,
) -> dict[str, Any]:
    label = primary_label(node["labels"])
    style = NODE_STYLES.get(label, MORE_STYLE)
    fill = score_color(score) if score is not None and label == "Official" else style.color
    border, width = (STRONG_BORDER, style.border_width) if style.emphasised else (fill, 1)
    if kind in INDICATOR_COLORS:
        border, width = INDICATOR_COLORS[kind], max(width, 4)
    if focused:
        border, width = FOCUS_BORDER, 5
    size = style.size + (10 * min(max(score, 0.0), 1.0) if score is not None else 0)
    return {
        "label": caption(node, lang),
        "title": node_tooltip(node, lang=lang, score=score, sources_info=sources_info),
        "shape": style.shape,
        "size": size,
        "borderWidth": width,
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#000000"},
            "hover": {"background": fill, "border": "#000000"},
        },
        "font": {"bold": True} if style.emphasised or focused else {},
        "entity": label,  # pyvis drops "color" when "group" is set
    }


def _options(*, physics: bool, big: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "nodes": {"font": {"size": 13, "face": "DejaVu Sans, Arial, sans-serif"}},
        "edges": {
            "smooth": False if big else {"type": "continuous"},
            "font": {"size": 10, "align": "middle", "strokeWidth": 3},
            "arrowStrikethrough": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50},
        },
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def render_subgraph(
    sub: Subgraph,
    *,
    title: str,
    lang: str = "id",
    scores: dict[str, float] | None = None,
    indicator_kinds: dict[str, str] | None = None,
    focus: list[str] | None = None,
    max_nodes: int = 300,
    sources_info: Mapping[str, str] | None = None,
    left_out: Mapping[str, int] | None = None,
    notes: list[str] | None = None,
    back: tuple[str, str] | None = None,
    expand: str | None = None,
    printed_by: str | None = None,
    limited: Sequence[str] = (),
) -> str:
    """A complete, self-contained HTML page drawing ``sub``.

    Parameters
    ----------
    sub : nodes and relationships; relationships whose ends are missing are skipped.
    title : page title (plain text; escaped).
    lang : ``"id"`` (Bahasa Indonesia) or ``"en"``.
    scores : official id → protector score in [0, 1]; colours and enlarges officials.
    indicator_kinds : relationship or node id → indicator kind (``money``, ``family``,
        ``phone``, ``case``, ``organization``, ``timing``); colours evidence paths.
    focus : node ids always kept and ringed.
    max_nodes : most entity nodes drawn; the rest are summarised as "N lainnya".
    sources_info : source id → grade (e.g. ``"B2"``) shown next to source ids.
    left_out : node id → relationships the query did not fetch (a busy node's cap,
        ``Neighbourhood.truncated``); added to that node's "N lainnya" and the header.
    notes : when given, receives what the page leaves out, one sentence each (the
        same words as the page's header), for a caller that prints them.
    back : ``(address, text)`` of a link back to the page that opened this one.
    expand : address of the same view with a larger cap (the caller's, which applies
        the reader's role there as here); when the page leaves something out, every
        "+N lainnya" node and a "Tampilkan lebih banyak" link in the header open it.
        ``None`` (a file written by ``telusur render``): nothing to open.
    printed_by : who the printed page names as having printed it (also
        :func:`sign_print` later); the time is the page's, updated when printed.
    limited : where the query behind the page stopped, one sentence each ("Menampilkan
        50 jejak pertama; ada lebih banyak"): said first in the header and ``notes``,
        like what the drawing leaves out, and ``expand`` is offered for them too.

    Raises
    ------
    ValueError : unsupported ``lang``, or ``max_nodes`` < 1.
    """
    lng = check_lang(lang)
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    scores, kinds, focus_ids = scores or {}, indicator_kinds or {}, list(focus or [])
    nodes = {n["id"]: n for n in sub["nodes"]}
    rels = [r for r in sub["relationships"] if r["start"] in nodes and r["end"] in nodes]
    bundles = bundle(rels)
    neighbours: dict[str, set[str]] = {nid: set() for nid in nodes}
    node_kind = dict((k, v) for k, v in kinds.items() if k in nodes)
    for b in bundles:
        neighbours[b.start].add(b.end)
        neighbours[b.end].add(b.start)
        if kind := next((kinds[r["id"]] for r in b.rels if r["id"] in kinds), None):
            node_kind.setdefault(b.start, kind)
            node_kind.setdefault(b.end, kind)

    def relevance(nid: str) -> tuple[float, ...]:
        return (float(nid in node_kind), scores.get(nid, 0.0), float(len(neighbours[nid])))

    kept, cut = cap_nodes(
        nodes, neighbours, max_nodes=max_nodes, focus=focus_ids, relevance=relevance
    )
    keep = set(kept)
    unfetched = {n: c for n, c in (left_out or {}).items() if n in keep and c > 0}
    for nid, count in unfetched.items():
        cut[nid] = cut.get(nid, 0) + count
    bundles = [b for b in bundles if b.start in keep and b.end in keep]
    names = {nid: caption(nodes[nid], lng) for nid in kept}

    drawn_ids = kept + [MORE_PREFIX + nid for nid in cut]
    big = len(drawn_ids) > PHYSICS_LIMIT
    positions = (
        spring_layout(
            drawn_ids,
            [(b.start, b.end) for b in bundles] + [(nid, MORE_PREFIX + nid) for nid in cut],
            seed=LAYOUT_SEED,
        )
        if big
        else {}
    )
    net = Network(directed=True)
    for nid in kept:
        opts = _node_options(
            nodes[nid],
            lang=lng,
            score=scores.get(nid),
            kind=node_kind.get(nid),
            focused=nid in focus_ids,
            sources_info=sources_info,
        )
        if big:
            opts.update(x=positions[nid][0], y=positions[nid][1], physics=False)
        net.add_node(nid, **opts)
    for nid, lost in cut.items():
        more = MORE_PREFIX + nid
        opts = {
            "label": (gettext("+{n} more", lng) if expand else gettext("{n} more", lng)).format(
                n=lost
            ),
            "shape": MORE_STYLE.shape,
            "size": MORE_STYLE.size,
            "color": MORE_STYLE.color,
            "entity": "more",
            "title": ngettext(
                "{n} neighbour or relationship not shown (open the entity to see all)",
                "{n} neighbours or relationships not shown (open the entity to see all)",
                lost,
                lng,
            ).format(n=lost)
            + ("\n" + gettext("Click to show more.", lng) if expand else ""),
        }
        if expand:
            opts["expand"] = expand
        if big:
            opts.update(x=positions[more][0], y=positions[more][1], physics=False)
        net.add_node(more, **opts)
        net.add_edge(nid, more, id=f"{more}|edge", arrows="", dashes=True, color="#c8c8c8", width=1)
    for b in bundles:
        kind = next((kinds[r["id"]] for r in b.rels if r["id"] in kinds), None)
        width = (
            _transfer_width(b)
            if b.type in _MONEY
            else (1.0 + math.log2(len(b.rels)) if b.type in _CALLS else 1.0)
        )
        net.add_edge(
            b.start,
            b.end,
            id=b.id,
            label=edge_label(b, lng),
            title=edge_tooltip(b, names=names, lang=lng, sources_info=sources_info),
            arrows="to" if b.directed else "",
            width=round(width + (2 if kind else 0), 2),
            color=INDICATOR_COLORS[kind] if kind in INDICATOR_COLORS else edge_color(b.type),
        )
    labels_present = {primary_label(nodes[nid]["labels"]) for nid in kept}
    n, e, hidden = len(drawn_ids), len(net.edges), len(nodes) - len(kept)
    summary = gettext("{nodes}, {lines} shown", lng).format(
        nodes=ngettext("{n} node", "{n} nodes", n, lng).format(n=n),
        lines=ngettext("{n} line", "{n} lines", e, lng).format(n=e),
    )
    said: list[str] = list(limited)
    if hidden > 0:
        not_shown = ngettext(
            "{n} node not shown (limit {max})", "{n} nodes not shown (limit {max})", hidden, lng
        )
        said.append(not_shown.format(n=hidden, max=max_nodes))
    if unfetched:
        total = sum(unfetched.values())
        said.append(
            ngettext(
                "{n} relationship of busy nodes left out ({nodes})",
                "{n} relationships of busy nodes left out ({nodes})",
                total,
                lng,
            ).format(n=group_digits(total), nodes=", ".join(names[n] for n in unfetched))
        )
    summary = " · ".join([summary, *said])
    if notes is not None:
        notes.extend(said)
    page = _page(
        title=title,
        lang=lng,
        summary=summary,
        back=back,
        expand=expand if said else None,
        printed_by=printed_by,
        nodes=net.nodes,
        edges=net.edges,
        options=_options(physics=not big, big=big),
        legend=build_legend(
            labels_present,
            {node_kind[n] for n in kept if n in node_kind}
            | {k for b in bundles for r in b.rels if (k := kinds.get(r["id"]))},
            scored=any(n in scores and "Official" in nodes[n]["labels"] for n in kept),
            has_focus=any(f in keep for f in focus_ids),
            lang=lng,
        ),
    )
    leaks = external_references(page)
    if leaks:  # pragma: no cover - guarded by tests; never ship a page that calls out
        raise RuntimeError(f"page would load external resources: {leaks[:3]}")
    return page


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _page(
    *,
    title: str,
    lang: Lang,
    summary: str,
    nodes: Sequence[dict[str, Any]],
    edges: Sequence[dict[str, Any]],
    options: dict[str, Any],
    legend: Any,
    back: tuple[str, str] | None = None,
    expand: str | None = None,
    printed_by: str | None = None,
) -> str:
    template = _ENV.from_string(files("viz").joinpath("page.html.jinja").read_text("utf-8"))
    js, css = vis_assets()
    hint = gettext("Click a node or line to see its details.", lang)
    return template.render(
        _=partial(gettext, lang=lang),
        title=title,
        lang=lang,
        summary=summary,
        back=back,
        expand=expand,
        printed_by=printed_by,
        printed_at=datetime.now(WIB).strftime("%d/%m/%Y %H:%M WIB"),
        legend=legend,
        hint=hint,
        vis_js=Markup(js),
        vis_css=Markup(css),
        nodes_json=_script_json(list(nodes)),
        edges_json=_script_json(list(edges)),
        options_json=_script_json(options),
        physics_json=_script_json(options["physics"]["enabled"]),
        hint_json=_script_json(hint),
    )


#: who printed a page drawn without a name (filled in by :func:`sign_print`); data
#: cannot write this: ``<`` inside the page's JSON is ``\u003c``
_UNSIGNED: Final = '<span id="printed-by"></span>'


def sign_print(html: str, printed_by: str) -> str:
    """``html`` (a page drawn without ``printed_by``) naming ``printed_by`` as who
    printed it, for a caller that draws through a view and knows the reader."""
    return html.replace(_UNSIGNED, f'<span id="printed-by">{escape(printed_by)}</span>', 1)


def write_page(path: str | Path, html: str) -> Path:
    """Write ``html`` to ``path`` (UTF-8, parent folders created); return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
