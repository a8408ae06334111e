"""What a protector score means: three bands, declared once.

``kuat`` (strong), ``sedang`` (medium) and ``lemah`` (weak), from the thresholds of
``[band]`` in ``queries/protectors.toml``; each with one sentence saying what it
means. The ranking puts the band beside the score in its report (``band``), and
every output (ring table, graph tooltips and legend, API, command line, dossier)
shows the word and the sentence from here.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from graph.text import N_, gettext
from queries.protectors.indicators import weights

__all__ = ["BANDS", "Band", "band_meaning", "band_of", "band_word"]

Band = Literal["strong", "medium", "weak"]
#: what a score means: each band's word and one sentence (thresholds: ``[band]`` of
#: ``queries/protectors.toml``); every place that shows a score shows its band from here
BANDS: Final[dict[str, tuple[str, str]]] = {
    "strong": (
        N_("strong"),
        N_("Several independent kinds of evidence point to backing: check this official first."),
    ),
    "medium": (
        N_("medium"),
        N_("Some evidence of backing: worth checking against the sources."),
    ),
    "weak": (
        N_("weak"),
        N_("Little evidence: one weak sign or ordinary contact through duty."),
    ),
}


def band_of(score: float, cfg: dict[str, Any] | None = None) -> Band:
    """The band of a protector score: ``strong``, ``medium`` or ``weak``.

    >>> band_of(0.81), band_of(0.3), band_of(0.29)
    ('strong', 'medium', 'weak')
    """
    edges = (cfg or {}).get("band") or weights()["band"]
    if score >= float(edges["strong"]):
        return "strong"
    return "medium" if score >= float(edges["medium"]) else "weak"


def band_word(band: str, lang: str) -> str:
    """A band's word in ``lang`` (``kuat``, ``sedang``, ``lemah``)."""
    return gettext(BANDS[band][0], lang) if band in BANDS else band


def band_meaning(band: str, lang: str) -> str:
    """What a band means, one sentence in ``lang``."""
    return gettext(BANDS[band][1], lang) if band in BANDS else ""
