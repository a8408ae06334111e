"""The legend: what the shapes and colours on this page mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph.text import gettext
from queries.protectors import weights
from viz.formats import decimal
from viz.i18n import Lang, kind_name, label_name
from viz.score import BANDS, band_meaning, band_word
from viz.styles import FOCUS_BORDER, INDICATOR_COLORS, NODE_STYLES, score_color

#: Shape → glyph used as the swatch in the legend.
GLYPHS: Final = {
    "dot": "●",
    "diamond": "◆",
    "square": "■",
    "triangle": "▲",
    "triangleDown": "▼",
    "star": "★",
    "hexagon": "⬢",
}


@dataclass(frozen=True)
class LegendItem:
    """One row of the legend: a coloured glyph and its meaning."""

    glyph: str
    color: str
    text: str


@dataclass(frozen=True)
class Legend:
    """Legend sections; the template escapes every string."""

    labels: list[LegendItem]
    indicators: list[LegendItem]
    #: ``(low colour, high colour)`` when scored officials are on the page.
    score: tuple[str, str] | None
    focus: LegendItem | None
    #: the score's bands (word, from which score, what it means) when officials are scored
    bands: list[LegendItem]


def band_items(lang: Lang) -> list[LegendItem]:
    """``kuat (mulai 0,60): ...`` for each band, strongest first."""
    edges = weights()["band"]
    out = []
    for band in BANDS:
        low = float(edges[band]) if band in edges else 0.0
        head = gettext("{band} (from {score})", lang).format(
            band=band_word(band, lang), score=decimal(low, 2, lang)
        )
        out.append(LegendItem("■", score_color(low), f"{head}: {band_meaning(band, lang)}"))
    return out


def build_legend(
    labels: set[str], kinds: set[str], *, scored: bool, has_focus: bool, lang: Lang
) -> Legend:
    """Only what is on the page, in model order."""
    return Legend(
        labels=[
            LegendItem(GLYPHS.get(style.shape, "●"), style.color, label_name(label, lang))
            for label, style in NODE_STYLES.items()
            if label in labels
        ],
        indicators=[
            LegendItem("━", color, kind_name(kind, lang))
            for kind, color in INDICATOR_COLORS.items()
            if kind in kinds
        ],
        score=(score_color(0.0), score_color(1.0)) if scored else None,
        focus=LegendItem("◯", FOCUS_BORDER, gettext("Focus", lang)) if has_focus else None,
        bands=band_items(lang) if scored else [],
    )
