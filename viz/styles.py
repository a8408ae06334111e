"""How each label and relationship type looks, keyed by the model.

``NODE_STYLES`` and ``REL_GROUPS`` are checked against :data:`graph.model.MODEL`
at import: a label or type added to the model without a style fails loudly here
(and in ``tests/viz/test_styles.py``) instead of drawing as an unstyled grey dot.
Likewise ``INDICATOR_COLORS`` against the colour group of every protector
indicator (:data:`queries.protectors.KINDS`) and the groups' names in
:data:`viz.i18n.KINDS`: an indicator whose evidence would be drawn uncoloured fails
at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from graph.model import MODEL
from queries.protectors import KINDS as PROTECTOR_KINDS
from viz.i18n import KINDS as GROUP_NAMES


@dataclass(frozen=True)
class NodeStyle:
    """vis-network shape, fill colour and base size of one label."""

    shape: str
    color: str
    size: int = 16
    border_width: int = 1
    #: Emphasised labels are drawn bigger with a bold dark border.
    emphasised: bool = False


NODE_STYLES: Final[dict[str, NodeStyle]] = {
    "Person": NodeStyle("dot", "#4e79a7"),
    "Official": NodeStyle("diamond", "#f28e2b", size=26, border_width=4, emphasised=True),
    "Agency": NodeStyle("square", "#59a14f"),
    "Organization": NodeStyle("triangle", "#b07aa1"),
    "Account": NodeStyle("hexagon", "#76b7b2"),
    "Phone": NodeStyle("triangleDown", "#9c755f", size=12),
    "Handset": NodeStyle("square", "#9c755f", size=10),
    "Case": NodeStyle("star", "#ff9da7", size=20),
    "Event": NodeStyle("dot", "#bab0ac", size=11),
    "Ring": NodeStyle("star", "#e15759", size=24),
    "Source": NodeStyle("square", "#d4d4d4", size=10),
    "Flag": NodeStyle("triangle", "#000000", size=14),
}

#: Style of the "N lainnya" stand-in for neighbours cut from a big page.
MORE_STYLE: Final = NodeStyle("dot", "#e8e8e8", size=8)
#: Border of emphasised nodes and of focus nodes.
STRONG_BORDER: Final = "#1b1b1b"
FOCUS_BORDER: Final = "#d62728"

#: Relationship type → edge colour group, declared with the type (``RelSpec.style``).
REL_GROUPS: Final[dict[str, str]] = {typ: spec.style for typ, spec in MODEL.rels.items()}

#: Muted colours of ordinary edges, by group.
GROUP_COLORS: Final[dict[str, str]] = {
    "post": "#8c9fb7",
    "money": "#7fb3ae",
    "phone": "#b89b87",
    "case": "#d9a5ad",
    "family": "#98b3d1",
    "organization": "#c4a7bf",
    "identity": "#b0b0b0",
}

#: Strong colours of evidence paths, by colour group (each protector indicator
#: declares its group: ``IndicatorKind.colour``; official-link paths are one by kind).
INDICATOR_COLORS: Final[dict[str, str]] = {
    "money": "#1a9850",
    "family": "#2166ac",
    "phone": "#8c510a",
    "case": "#c51b7d",
    "organization": "#762a83",
    "timing": "#e66101",
}

#: Protector score scale, low → high (pale yellow → dark red).
SCORE_STOPS: Final = ((0.0, (255, 255, 178)), (0.5, (253, 141, 60)), (1.0, (189, 0, 38)))


def _check_against_model() -> None:
    missing = set(MODEL.labels) ^ set(NODE_STYLES)
    if missing:
        raise RuntimeError(f"viz.styles NODE_STYLES out of step with the model: {sorted(missing)}")
    unknown = {t: g for t, g in REL_GROUPS.items() if g not in GROUP_COLORS}
    if unknown:
        raise RuntimeError(f"relationship styles without a colour in GROUP_COLORS: {unknown}")



def _check_indicator_colours() -> None:
    groups = {k.colour: k.name for k in PROTECTOR_KINDS.values() if k.colour is not None}
    missing = sorted(set(groups) - set(INDICATOR_COLORS))
    if missing:
        raise RuntimeError(
            f"viz.styles INDICATOR_COLORS has no colour for group(s) {missing} "
            f"(of indicator(s) {sorted(groups[g] for g in missing)})"
        )
    unnamed = sorted(set(INDICATOR_COLORS) ^ set(GROUP_NAMES))
    if unnamed:
        raise RuntimeError(f"viz.i18n KINDS out of step with INDICATOR_COLORS: {unnamed}")


_check_against_model()
_check_indicator_colours()


def primary_label(labels: Iterable[str]) -> str:
    """The label a node is drawn as: the most specific one (``Official`` over ``Person``).

    >>> primary_label(["Person", "Official"])
    'Official'
    """
    known = [label for label in labels if label in MODEL.nodes]
    if not known:
        return ""
    implied = {i for label in known for i in MODEL.nodes[label].implies}
    specific = [label for label in known if label not in implied]
    order = MODEL.labels
    return min(specific or known, key=order.index)


def score_color(score: float) -> str:
    """A protector score in [0, 1] (clamped) as a colour on the scale.

    >>> score_color(0.0), score_color(1.0)
    ('#ffffb2', '#bd0026')
    """
    s = min(max(score, 0.0), 1.0)
    for (lo, c0), (hi, c1) in zip(SCORE_STOPS, SCORE_STOPS[1:], strict=False):
        if s <= hi:
            t = (s - lo) / (hi - lo)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*SCORE_STOPS[-1][1])  # pragma: no cover


def edge_color(rel_type: str) -> str:
    """The muted colour of an ordinary edge of ``rel_type``."""
    return GROUP_COLORS[REL_GROUPS.get(rel_type, "identity")]
