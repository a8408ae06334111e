"""A protector score as every output shows it: two decimals and its band.

The ring table, the graph tooltips, the command line and the dossier all call
:func:`score_text` and :func:`band_word` on the ranking's own score (never a
rescaled one), so the same official reads the same everywhere: ``0,81 · kuat`` in
Bahasa Indonesia, ``0.81 · strong`` in English. The band thresholds and meanings
are declared once (``[band]`` of ``queries/protectors.toml``,
:data:`queries.protectors.bands.BANDS`).
"""

from __future__ import annotations

from queries.protectors.bands import BANDS, band_meaning, band_of, band_word
from viz.formats import decimal

__all__ = ["BANDS", "band_meaning", "band_of", "band_word", "score_band", "score_text"]


def score_text(score: float, lang: str) -> str:
    """``0,81`` (Bahasa Indonesia) or ``0.81`` (English).

    >>> score_text(0.8125, "id"), score_text(0.8125, "en")
    ('0,81', '0.81')
    """
    return decimal(score, 2, lang)


def score_band(score: float, lang: str) -> str:
    """``0,81 · kuat``: the score and its band's word.

    >>> score_band(0.25, "en")
    '0.25 · weak'
    """
    return f"{score_text(score, lang)} · {band_word(band_of(score), lang)}"
