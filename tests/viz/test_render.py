from __future__ import annotations

import re
from pathlib import Path

from pyvis.network import Network
from viz_helpers import XSS_NAME, case_subgraph, drawn, rel

import viz
from viz import external_references, render_subgraph, write_page


def test_public_api_is_sorted_and_complete() -> None:
    assert viz.__all__ == sorted(viz.__all__)
    assert set(viz.__all__) == {"external_references", "render_subgraph", "write_page"}


def test_page_has_no_external_reference(tmp_path: Path) -> None:
    html = render_subgraph(case_subgraph(), title="Perkara", scores={"off-1": 0.9})
    assert external_references(html) == []
    outside_scripts = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert "http:" not in outside_scripts and "https:" not in outside_scripts
    assert "vis.Network" in html and len(html) > 400_000  # vis-network is inline


def test_the_reference_check_catches_what_pyvis_writes(tmp_path: Path) -> None:
    net = Network(cdn_resources="in_line")
    net.add_node(1)
    refs = external_references(net.generate_html())
    assert any("jsdelivr" in r for r in refs)  # bootstrap: why pyvis's template is not used


def test_title_and_names_are_escaped_in_html() -> None:
    html = render_subgraph(case_subgraph(), title="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert XSS_NAME not in html  # only inside JSON, as \u003c…\u003e


def test_nodes_carry_styles_scores_captions_and_plain_tooltips() -> None:
    nodes, edges, _ = drawn(
        render_subgraph(
            case_subgraph(),
            title="x",
            scores={"off-1": 1.0},
            focus=["per-1"],
            indicator_kinds={"t0": "money"},
            sources_info={"src-a": "BAP Malang (A1)"},
        )
    )
    by_id = {n["id"]: n for n in nodes}
    off = by_id["off-1"]
    assert off["shape"] == "diamond" and off["color"]["background"] == "#bd0026"
    assert off["label"] == XSS_NAME and off["font"]["bold"]
    tip = off["title"].splitlines()
    # the kind without the label it implies, no stored id; the score with its band
    assert tip[1] == "Pejabat" and "off-1" not in off["title"]
    assert tip[2] == "Skor beking: 1,00 · kuat"
    assert "Sumber: BAP Malang (A1)" in off["title"]
    assert "Tanggal lahir: 03/02/1980" in by_id["per-1"]["title"]
    assert "birth_date" not in by_id["per-1"]["title"]
    assert by_id["per-1"]["color"]["border"] == "#d62728"  # focus ring
    assert by_id["acc-1"]["label"] == "0011223344"  # NodeSpec.caption
    money = next(e for e in edges if e["label"].startswith("Rp"))
    calls = next(e for e in edges if "panggilan" in e["label"])
    assert money["label"] == "Rp 45.000.000 (3×)" and money["color"] == "#1a9850"
    assert money["width"] > calls["width"] > 1 and calls["arrows"] == ""


def test_english_page_and_legend_of_what_is_present() -> None:
    html = render_subgraph(case_subgraph(), title="Case", lang="en")
    assert '<html lang="en">' in html and "30 calls" in html
    legend = html.split('id="legend-labels"')[1].split("</ul>")[0]
    assert "Official" in legend and "Account" in legend and "Case" not in legend
    assert "Rekening" in render_subgraph(case_subgraph(), title="Perkara")


def test_rendering_is_deterministic_and_written_as_utf8(tmp_path: Path) -> None:
    a = render_subgraph(case_subgraph(), title="x")
    assert a == render_subgraph(case_subgraph(), title="x")
    path = write_page(tmp_path / "sub" / "page.html", a)
    assert path.read_text(encoding="utf-8") == a


def test_relationships_to_missing_nodes_are_skipped_and_empty_pages_work() -> None:
    sub = case_subgraph()
    sub["nodes"] = sub["nodes"][:2]
    _, edges, _ = drawn(render_subgraph(sub, title="x"))
    assert [e["label"] for e in edges] == ["keluarga"]
    assert drawn(render_subgraph({"nodes": [], "relationships": []}, title="x"))[0] == []


def test_same_relationship_id_in_two_types_draws_two_edges() -> None:
    sub = case_subgraph()
    sub["relationships"] = [
        rel("x1", "HOLDS", "off-1", "acc-1"),
        rel("x1", "USES", "off-1", "ph-1"),
        rel("x1", "USES", "off-1", "ph-1"),
    ]  # a duplicate row
    _, edges, _ = drawn(render_subgraph(sub, title="x"))
    assert sorted(e["id"] for e in edges) == ["HOLDS|x1", "USES|x1"]


def test_a_written_page_has_nothing_to_expand_and_a_served_one_links_more() -> None:
    """``telusur render``'s file (no server behind it) says "N lainnya" without a link;
    with ``expand`` every "+N lainnya" node and the header's link open that address."""
    sub = {
        "nodes": [
            {"id": f"n{i}", "labels": ["Person"], "props": {"name": f"Orang {i}"}} for i in range(6)
        ],
        "relationships": [rel(f"r{i}", "ASSOCIATE", "n0", f"n{i}") for i in range(1, 6)],
    }
    html = render_subgraph(sub, title="x", focus=["n0"], max_nodes=3)
    nodes, _, _ = drawn(html)
    more = [n for n in nodes if n["id"].startswith("more|")]
    assert [n["label"] for n in more] == ["3 lainnya"] and "expand" not in more[0]
    assert 'id="expand"' not in html
    linked = render_subgraph(sub, title="x", focus=["n0"], max_nodes=3, expand="/next?a=1&b=2")
    nodes, _, _ = drawn(linked)
    (more_node,) = [n for n in nodes if n["id"].startswith("more|")]
    assert more_node["label"] == "+3 lainnya" and more_node["expand"] == "/next?a=1&b=2"
    assert 'id="expand" data-to="/next?a=1&amp;b=2"' in linked
    whole = render_subgraph(sub, title="x", focus=["n0"], expand="/next")
    assert 'id="expand"' not in whole  # nothing left out: nothing to open


def test_the_printed_page_names_who_printed_it_escaped_and_once() -> None:
    from viz.render import sign_print

    sub = case_subgraph()
    sub["nodes"][0]["props"]["name"] = '<span id="printed-by"></span>'  # data cannot sign
    html = render_subgraph(sub, title="x")
    assert html.count('<span id="printed-by"></span>') == 1  # the template's slot only
    signed = sign_print(html, "<b>reskrim1</b>")
    assert '<span id="printed-by">&lt;b&gt;reskrim1&lt;/b&gt;</span>' in signed
    assert 'id="print-head"' in signed and "RAHASIA" in signed
    named = render_subgraph(case_subgraph(), title="x", printed_by="analyst1")
    assert '<span id="printed-by">analyst1</span>' in named
