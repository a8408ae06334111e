"""A subgraph as a static SVG picture: for the PDF dossier, with no browser.

The interactive pages draw with vis-network in the browser; a PDF needs a picture
made on the server. :func:`svg_graph` lays the nodes out with the pages' own spring
layout (:func:`viz.layout.spring_layout`, pure Python; a fixed ``seed``: the same
graph gives the same picture) and writes plain
SVG elements itself: a line per relationship in its group's colour, a circle per node
in its label's colour (officials ringed by their protector score's colour), and a
short name under each node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from viz.layout import spring_layout
from viz.names import display_name
from viz.styles import NODE_STYLES, edge_color, primary_label, score_color

__all__ = ["svg_graph"]

#: longest node caption drawn (longer names are cut with an ellipsis)
CAPTION = 22


def _caption(text: str) -> str:
    return text if len(text) <= CAPTION else text[: CAPTION - 1] + "…"


def svg_graph(
    nodes: Sequence[Mapping[str, Any]],
    rels: Sequence[Mapping[str, Any]],
    *,
    lang: str,
    scores: Mapping[str, float] | None = None,
    width: int = 720,
    height: int = 480,
    seed: int = 7,
) -> str:
    """The subgraph (``{id, labels, props}`` nodes, ``{start, end, type}`` relationships)
    as an SVG document of ``width`` x ``height`` pixels.

    ``scores`` (official id -> protector score) rings those officials in the score's
    colour and draws them larger. Relationships whose ends are not both in ``nodes``
    are left out.

    >>> svg = svg_graph([{"id": "a", "labels": ["Person"], "props": {"name": "Ani"}}],
    ...                 [], lang="id")
    >>> svg.startswith("<svg") and "Ani" in svg
    True
    """
    scores = scores or {}
    ids = list(dict.fromkeys(n["id"] for n in nodes))
    known = set(ids)
    edges = [r for r in rels if r["start"] in known and r["end"] in known]
    edges = [r for r in edges if r["start"] != r["end"]]
    pos = spring_layout(ids, [(r["start"], r["end"]) for r in edges], seed=seed)
    pad_x, pad_y = 70.0, 30.0  # room for the captions at the edges
    xs = [float(p[0]) for p in pos.values()] or [0.0]
    ys = [float(p[1]) for p in pos.values()] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def at(node_id: str) -> tuple[float, float]:
        x, y = pos[node_id]
        return (
            pad_x + (float(x) - min(xs)) / span_x * (width - 2 * pad_x),
            pad_y + (float(y) - min(ys)) / span_y * (height - 2 * pad_y),
        )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="9">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for r in edges:
        (x1, y1), (x2, y2) = at(r["start"]), at(r["end"])
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{edge_color(str(r.get("type", "")))}" stroke-width="1.2"/>'
        )
    for n in nodes:
        x, y = at(n["id"])
        style = NODE_STYLES.get(primary_label(n.get("labels") or ()))
        fill = style.color if style else "#bab0ac"
        radius = 6.0
        ring = ""
        if n["id"] in scores:
            radius = 9.0
            ring = f' stroke="{score_color(float(scores[n["id"]]))}" stroke-width="4"'
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}"{ring}/>')
        out.append(
            f'<text x="{x:.1f}" y="{y + radius + 10:.1f}" text-anchor="middle" '
            f'fill="#1f2933">{escape(_caption(display_name(n, lang)))}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
