"""Names on graph pages, in Bahasa Indonesia (the default) and English.

Label and relationship-type names are declared with the label or type in
:mod:`graph.model` (``names``); a test fails when one of them is empty. Every other
word of a graph page is a message of the one catalogue (:mod:`graph.text`).
"""

from __future__ import annotations

from typing import Final

from graph.model import MODEL
from graph.text import LANGS, N_, Lang, gettext

__all__ = [
    "KINDS",
    "LABELS",
    "LANGS",
    "TYPES",
    "Lang",
    "check_lang",
    "kind_name",
    "label_name",
    "type_name",
]

#: Display names of labels and types, declared with them in :mod:`graph.model`.
LABELS: Final[dict[str, dict[str, str]]] = {
    label: {"id": spec.names.id, "en": spec.names.en} for label, spec in MODEL.nodes.items()
}
TYPES: Final[dict[str, dict[str, str]]] = {
    typ: {"id": spec.names.id, "en": spec.names.en} for typ, spec in MODEL.rels.items()
}

#: Colour groups of evidence paths (``viz.styles.INDICATOR_COLORS``; a protector
#: indicator declares its group, ``IndicatorKind.colour``), as the legend names them.
KINDS: Final[dict[str, str]] = {
    "money": N_("money"),
    "family": N_("family"),
    "phone": N_("phone"),
    "case": N_("case"),
    "organization": N_("organization"),
    "timing": N_("timing"),
}


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if the pages speak it, else raise ``ValueError``."""
    if lang == "id":
        return "id"
    if lang == "en":
        return "en"
    raise ValueError(f"unsupported language {lang!r}; use one of {LANGS}")


def label_name(label: str, lang: Lang) -> str:
    """A node label as investigators read it (falls back to the label itself)."""
    return LABELS.get(label, {}).get(lang, label)


def type_name(rel_type: str, lang: Lang) -> str:
    """A relationship type as investigators read it."""
    return TYPES.get(rel_type, {}).get(lang, rel_type)


def kind_name(kind: str, lang: Lang) -> str:
    """An evidence colour group as investigators read it."""
    return gettext(KINDS[kind], lang)
