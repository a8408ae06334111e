"""Protector evidence in plain words: Bahasa Indonesia first, English on request.

Shared by the command line and the investigator pages. Each indicator writes its
own sentences (:attr:`IndicatorKind.words`, in its module of
:mod:`queries.protectors.indicators`).
"""

from __future__ import annotations

from typing import Any

from queries.protectors.indicators import kind
from queries.protectors.indicators.money import rupiah

__all__ = ["describe", "rupiah"]


def describe(kind_name: str, facts: dict[str, Any], lang: str = "id") -> str:
    """One indicator's facts in plain words (English for ``en``, else Bahasa Indonesia).

    Raises
    ------
    ValueError
        If no indicator has kind ``kind_name``.
    """
    return kind(kind_name).describe(facts, lang)
