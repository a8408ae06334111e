from __future__ import annotations

import pytest

from graph.model import MODEL
from queries.officials import KINDS as LINK_KINDS
from queries.protectors import KINDS as INDICATOR_KINDS
from viz.i18n import KINDS as GROUP_NAMES
from viz.i18n import LABELS, TYPES, check_lang, label_name
from viz.styles import INDICATOR_COLORS, NODE_STYLES, REL_GROUPS, primary_label, score_color


def test_every_model_label_has_a_style_and_names() -> None:
    assert set(NODE_STYLES) == set(MODEL.labels)
    assert set(LABELS) == set(MODEL.labels)


def test_every_model_type_has_a_colour_group_and_names() -> None:
    assert set(REL_GROUPS) == set(MODEL.types)
    assert set(TYPES) == set(MODEL.types)


def test_label_names_in_indonesian() -> None:
    expected = {"Person": "Orang", "Official": "Pejabat", "Agency": "Instansi",
                "Organization": "Organisasi", "Account": "Rekening", "Phone": "Telepon",
                "Case": "Perkara", "Event": "Peristiwa", "Ring": "Jaringan",
                "Source": "Sumber", "Flag": "Tanda"}
    assert {k: label_name(k, "id") for k in expected} == expected


def test_officials_are_emphasised_and_drawn_as_officials() -> None:
    assert NODE_STYLES["Official"].emphasised
    assert NODE_STYLES["Official"].size > NODE_STYLES["Person"].size
    assert primary_label(["Person", "Official"]) == "Official"


def test_score_scale_runs_light_to_dark_and_clamps() -> None:
    assert score_color(-1) == score_color(0) == "#ffffb2"
    assert score_color(2) == score_color(1) == "#bd0026"
    assert score_color(0.5) == "#fd8d3c"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        check_lang("fr")


def test_every_evidence_colour_group_has_a_colour_and_names() -> None:
    """Protector indicators declare their group; official-link paths are drawn in the
    group named by their kind (viz.views); both must be colours the legend can name."""
    groups = {k.colour for k in INDICATOR_KINDS.values() if k.colour is not None}
    groups |= {kind for kind, _ in LINK_KINDS}
    assert groups <= set(INDICATOR_COLORS)
    assert set(INDICATOR_COLORS) == set(GROUP_NAMES)
    assert INDICATOR_KINDS["tipoff"].colour == "timing"
    assert INDICATOR_KINDS["comms"].colour == "phone"
    assert INDICATOR_KINDS["bridging"].colour is None
