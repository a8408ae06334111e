"""Words on graph pages, in Bahasa Indonesia (the default) and English.

Label and relationship-type names are keyed by the model so that a label added
to :mod:`graph_api.model` without a translation fails a test rather than
showing up untranslated.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["id", "en"]
LANGS: Final = ("id", "en")

LABELS: Final[dict[str, dict[str, str]]] = {
    "Person": {"id": "Orang", "en": "Person"},
    "Official": {"id": "Pejabat", "en": "Official"},
    "Agency": {"id": "Instansi", "en": "Agency"},
    "Organization": {"id": "Organisasi", "en": "Organization"},
    "Account": {"id": "Rekening", "en": "Account"},
    "Phone": {"id": "Telepon", "en": "Phone"},
    "Case": {"id": "Perkara", "en": "Case"},
    "Event": {"id": "Peristiwa", "en": "Event"},
    "Ring": {"id": "Jaringan", "en": "Ring"},
    "Source": {"id": "Sumber", "en": "Source"},
    "Flag": {"id": "Tanda", "en": "Flag"},
}

TYPES: Final[dict[str, dict[str, str]]] = {
    "HOLDS_POST": {"id": "menjabat di", "en": "holds post at"},
    "PART_OF": {"id": "bagian dari", "en": "part of"},
    "HOLDS": {"id": "pemilik rekening", "en": "holds"},
    "TRANSFERRED": {"id": "transfer", "en": "transferred"},
    "USES": {"id": "memakai", "en": "uses"},
    "CALLED": {"id": "menelepon", "en": "called"},
    "HANDLED_BY": {"id": "ditangani oleh", "en": "handled by"},
    "ABOUT": {"id": "terkait perkara", "en": "about"},
    "FAMILY": {"id": "keluarga", "en": "family"},
    "ASSOCIATE": {"id": "rekan", "en": "associate"},
    "EMPLOYEE_OF": {"id": "karyawan", "en": "employee of"},
    "DIRECTOR_OF": {"id": "direktur", "en": "director of"},
    "COMMISSIONER_OF": {"id": "komisaris", "en": "commissioner of"},
    "OWNER_OF": {"id": "pemilik", "en": "owner of"},
    "MEMBER_OF": {"id": "anggota", "en": "member of"},
    "RECRUITED": {"id": "merekrut", "en": "recruited"},
    "SUSPECT_IN": {"id": "tersangka", "en": "suspect in"},
    "VICTIM_IN": {"id": "korban", "en": "victim in"},
    "WITNESS_IN": {"id": "saksi", "en": "witness in"},
    "INVESTIGATES": {"id": "penyidik", "en": "investigates"},
    "SUPERVISES": {"id": "pengawas", "en": "supervises"},
    "LED": {"id": "memimpin", "en": "led"},
    "TARGET_OF": {"id": "sasaran", "en": "target of"},
    "POSSIBLY_SAME_AS": {"id": "mungkin sama dengan", "en": "possibly same as"},
    "FLAGS": {"id": "menandai", "en": "flags"},
    "SAME_AS": {"id": "sama dengan", "en": "same as"},
}

#: Indicator kinds (how evidence paths are coloured).
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
    """An indicator kind as investigators read it."""
    return KINDS.get(kind, {}).get(lang, kind)


def text(key: str, lang: Lang, **values: object) -> str:
    """A page phrase with ``values`` filled in."""
    return TEXT[key][lang].format(**values)
