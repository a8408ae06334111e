"""What an indicator of backing declares about itself: one :class:`IndicatorKind` each.

The registry (:mod:`queries.protectors.indicators`) collects them; the ranking,
the evidence words, the graph pages' colours and legend, and the API's ranking
cache read these declarations instead of keeping their own lists of kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import networkx as nx

from graph.errors import QueryError
from graph.model import MODEL
from graph.text import gettext
from queries._common import LABELS, parse_ts
from queries.protectors._scene import Scene
from queries.protectors._types import Indicator

#: an indicator's facts (``Indicator["facts"]``) as one sentence in a language
#: (``id`` or ``en``), its messages read from the catalogue (:mod:`graph.text`)
Words = Callable[[dict[str, Any], str], str]


@dataclass(frozen=True)
class Aging:
    """How an indicator changes as the ranking's moment moves on: a node labelled
    ``label`` counts once its ``prop`` lies more than ``days`` (a key of the
    indicator's section of ``protectors.toml``) days before the moment.

    Beyond this, the ranking as a whole leaves out calls and transfers after the
    moment before any indicator runs; an indicator that compares anything else with
    the moment must declare it here, or the API's cache would reuse a report across
    the boundary (:mod:`queries.protectors.rankings`).
    """

    label: str
    prop: str
    days: str

    def delta(self, section: Mapping[str, Any]) -> timedelta:
        return timedelta(days=int(section[self.days]))

    def passed(self, attrs: Mapping[str, Any], as_of: datetime, delta: timedelta) -> bool:
        """Whether a node's ``prop`` (present) lies more than ``delta`` before ``as_of``."""
        value = attrs.get(self.prop)
        return bool(value) and parse_ts(attrs[self.prop]) < as_of - delta

    def values(self, h: nx.MultiDiGraph) -> tuple[list[datetime], bool]:
        """Every ``prop`` of a ``label`` node of ``h``, parsed and sorted, and whether
        all of them could be parsed."""
        found: list[datetime] = []
        exact = True
        for _n, a in h.nodes(data=True):
            if self.label in a.get(LABELS, ()) and a.get(self.prop):
                try:
                    found.append(parse_ts(str(a[self.prop])))
                except QueryError:
                    exact = False
        return sorted(found), exact


@dataclass(frozen=True)
class IndicatorKind:
    """One indicator of backing.

    Parameters
    ----------
    name : str
        Its kind (``Indicator["kind"]``); its weight is ``[weights] name`` of
        ``queries/protectors.toml`` and its constants the ``[name]`` section.
    compute : callable
        ``compute(scene, official) -> Indicator``, a strength in [0, 1] with facts
        and evidence paths (:meth:`Scene.result`).
    words : callable
        ``words(facts, lang) -> str``: the facts as one sentence, its messages written
        in English with :func:`graph.text.gettext` (``tests/test_messages.py`` fails
        while one has no Bahasa Indonesia).
    colour : str or None
        The colour group its evidence paths are drawn in on graph pages (a key of
        :data:`viz.styles.INDICATOR_COLORS`); None: drawn, but not as evidence.
    constants : iterable of str
        The keys of its ``[name]`` section (none: no section). The file must have
        exactly these: a misspelt or forgotten key fails when the weights load.
    aging : Aging or None
        How it depends on the ranking's moment beyond the ranking-wide cut.
    """

    name: str
    compute: Callable[[Scene, str], Indicator]
    words: Words
    colour: str | None
    constants: Iterable[str] = ()
    aging: Aging | None = None
    keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"indicator kind {self.name!r}: not a plain name")
        object.__setattr__(self, "keys", frozenset(self.constants))
        if self.aging is not None and self.aging.days not in self.keys:
            raise ValueError(
                f"indicator kind {self.name!r}: its aging reads [{self.name}] "
                f"{self.aging.days}, which is not among its constants"
            )

    @property
    def section(self) -> str | None:
        """Its section of ``protectors.toml`` (None when it has no constants)."""
        return self.name if self.keys else None

    def describe(self, facts: dict[str, Any], lang: str = "id") -> str:
        """The facts in plain words: English for ``en``, else Bahasa Indonesia (and the
        weakly sourced standing claims the evidence rests on, to verify first)."""
        said = self.words(facts, lang)
        weak = facts.get("weak_claims")
        if not weak:
            return said
        return f"{said}; {weak_words(weak, lang)}"


def weak_words(claims: list[str], lang: str) -> str:
    """``family (E6) only from weak sources: verify first`` in ``lang``."""
    named = []
    for claim in claims:
        typ, _, code = claim.partition(":")
        spec = MODEL.rels.get(typ)
        name = typ.lower() if spec is None else (spec.names.en if lang == "en" else spec.names.id)
        named.append(f"{name} ({code})")
    return gettext("{claims} only from weak sources: verify first", lang).format(
        claims=", ".join(named)
    )
