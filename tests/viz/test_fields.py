"""Property names, coded values, entity names and scores as the pages show them."""

from __future__ import annotations

import pytest

from graph.model import MODEL
from graph.rows import NodeRow, RelRow
from graph.text import gettext
from queries.protectors import weights
from queries.protectors.bands import BANDS, band_of
from viz.fields import FIELDS, VALUES, field_name, value_text
from viz.names import display_name, has_name
from viz.render import render_subgraph
from viz.score import score_band, score_text


def test_every_property_of_the_model_has_a_name_in_both_languages() -> None:
    props = {p.name for s in MODEL.nodes.values() for p in s.props}
    props |= {p.name for r in MODEL.rels.values() for p in r.props}
    assert props - set(FIELDS) == set()
    for name in props:
        assert "_" not in field_name(name, "id"), name
        assert field_name(name, "en") == gettext(FIELDS[name], "en")
    assert field_name("x_nama_ibu", "id") == "Nama ibu"  # an extra column, readable


@pytest.mark.parametrize(
    ("name", "value", "id_", "en"),
    [
        ("status", "p21", "P21 (berkas lengkap)", "P21 (case file complete)"),
        ("gender", "m", "laki-laki", "male"),
        ("channel", "cash_deposit", "setoran tunai", "cash deposit"),
        ("kind", "sms", "SMS", "SMS"),
        ("detail", "spouse", "suami/istri", "spouse"),
        ("outcome", "nothing_found", "tidak ditemukan apa-apa", "nothing found"),
        ("detail", "tetangga sebelah", "tetangga sebelah", "tetangga sebelah"),  # free text
    ],
)
def test_coded_values_in_words(name: str, value: str, id_: str, en: str) -> None:
    assert value_text(name, value, "id") == id_ and value_text(name, value, "en") == en


def test_no_coded_value_is_left_in_snake_case() -> None:
    for values in VALUES.values():
        for message in values.values():
            assert "_" not in gettext(message, "id") and "_" not in message


def test_accounts_cases_and_sources_by_name() -> None:
    acc = {"id": "b:A1", "labels": ["Account"], "props": {"bank": "BNI", "number": "77"}}
    assert display_name(acc, "id") == "BNI 77"
    src = {"id": "b:S1", "labels": ["Source"], "props": {"kind": "bank_statement"}}
    assert display_name(src, "id") == "Sumber: rekening koran" and has_name(src)
    bare = {"id": "b:X", "labels": ["Handset"], "props": {}}
    assert display_name(bare, "id") == "b:X" and not has_name(bare)


def test_one_score_with_its_band_from_the_weights_file() -> None:
    edges = weights()["band"]
    strong, medium = float(edges["strong"]), float(edges["medium"])
    assert band_of(strong) == "strong" and band_of(strong - 0.001) == "medium"
    assert band_of(medium) == "medium" and band_of(medium - 0.001) == "weak"
    assert set(BANDS) == {"strong", "medium", "weak"}
    assert score_text(0.8125, "id") == "0,81" and score_text(0.8125, "en") == "0.81"
    assert score_band(0.81, "id") == "0,81 · kuat" and score_band(0.81, "en") == "0.81 · strong"
    assert score_band(0.1, "id") == "0,10 · lemah"


def test_a_graph_says_what_a_busy_node_left_out() -> None:
    node: NodeRow = {"id": "b:P1", "labels": ["Person"], "props": {"name": "Eko"}}
    other: NodeRow = {"id": "b:P2", "labels": ["Person"], "props": {"name": "Sri"}}
    rel: RelRow = {"id": "r1", "type": "ASSOCIATE", "start": "b:P1", "end": "b:P2", "props": {}}
    notes: list[str] = []
    page = render_subgraph(
        {"nodes": [node, other], "relationships": [rel]},
        title="x",
        left_out={"b:P1": 29737},
        notes=notes,
    )
    assert notes == ["29.737 hubungan dari simpul sibuk tidak diambil (Eko)"]
    assert notes[0] in page and "29737 lainnya" in page  # the node's "N lainnya"
