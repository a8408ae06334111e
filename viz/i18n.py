"""Words on graph pages, in Bahasa Indonesia (the default) and English.

Label and relationship-type names are declared with the label or type in
:mod:`graph.model` (``names``); a test fails when one of them is empty.
"""

from __future__ import annotations

from typing import Final, Literal

from graph.model import MODEL

Lang = Literal["id", "en"]
LANGS: Final = ("id", "en")

#: Display names of labels and types, declared with them in :mod:`graph.model`.
LABELS: Final[dict[str, dict[str, str]]] = {
    label: {"id": spec.names.id, "en": spec.names.en} for label, spec in MODEL.nodes.items()
}
TYPES: Final[dict[str, dict[str, str]]] = {
    typ: {"id": spec.names.id, "en": spec.names.en} for typ, spec in MODEL.rels.items()
}

#: Colour groups of evidence paths (``viz.styles.INDICATOR_COLORS``; a protector
#: indicator declares its group, ``IndicatorKind.colour``), as the legend names them.
KINDS: Final[dict[str, dict[str, str]]] = {
    "money": {"id": "uang", "en": "money"},
    "family": {"id": "keluarga", "en": "family"},
    "phone": {"id": "telepon", "en": "phone"},
    "case": {"id": "perkara", "en": "case"},
    "organization": {"id": "organisasi", "en": "organization"},
    "timing": {"id": "waktu", "en": "timing"},
}

#: Other words; ``{n}`` is a count.
TEXT: Final[dict[str, dict[str, str]]] = {
    "calls": {"id": "{n} panggilan", "en": "{n} calls"},
    "more": {"id": "{n} lainnya", "en": "{n} more"},
    "more_lines": {"id": "… {n} lainnya", "en": "… {n} more"},
    "more_tip": {
        "id": "{n} tetangga tidak ditampilkan (batas {max} simpul)",
        "en": "{n} neighbours not shown (limit {max} nodes)",
    },
    "legend": {"id": "Keterangan", "en": "Legend"},
    "labels": {"id": "Jenis simpul", "en": "Node kinds"},
    "indicators": {"id": "Jalur bukti", "en": "Evidence paths"},
    "score": {"id": "Skor pelindung", "en": "Protector score"},
    "focus": {"id": "Fokus", "en": "Focus"},
    "sources": {"id": "Sumber", "en": "Sources"},
    "details": {"id": "Rincian", "en": "Details"},
    "details_hint": {
        "id": "Klik simpul atau garis untuk melihat rinciannya.",
        "en": "Click a node or line to see its details.",
    },
    "shown": {"id": "{n} simpul, {e} garis ditampilkan", "en": "{n} nodes, {e} lines shown"},
    "cut": {
        "id": "{n} simpul tidak ditampilkan (batas {max})",
        "en": "{n} nodes not shown (limit {max})",
    },
    "times": {"id": "waktu", "en": "at"},
    "duration": {"id": "durasi", "en": "duration"},
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
    return KINDS[kind][lang]


def text(key: str, lang: Lang, **values: object) -> str:
    """A page phrase with ``values`` filled in."""
    return TEXT[key][lang].format(**values)
