"""Graph pages built from queries: the ring page colours every protector's evidence.

Ring t:R has one member, Budi (t:M), with phone +62811. A tip-off is a call from an
official's phone to a member's within ``[tipoff] window_hours`` (24 h) before a raid
on the ring that found nothing; calls outside raid windows count as call volume
(``comms``).
"""

from __future__ import annotations

from typing import Any

from viz_helpers import drawn, node, rel

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore
from queries.protectors import rank_protectors
from viz.i18n import kind_name
from viz.styles import INDICATOR_COLORS
from viz.views import ring_page


def ring() -> tuple[list[NodeRow], list[RelRow]]:
    nodes = [
        node("t:R", "Ring", name="Jaringan Timur"),
        node("t:M", "Person", name="Budi"),
        node("+62811", "Phone", number="+62811"),
        node("t:T", "Person", "Official", name="Tipper"),
        node("+62822", "Phone", number="+62822"),
    ]
    rels = [
        rel("m", "MEMBER_OF", "t:M", "t:R"),
        rel("um", "USES", "t:M", "+62811"),
        rel("ut", "USES", "t:T", "+62822"),
    ]
    return nodes, rels


def _kinds(store: EmbeddedStore) -> list[str]:
    report = rank_protectors(store, ring_id="t:R")
    return [i["kind"] for p in report["protectors"] for i in p["indicators"]]


def _edge(edges: list[dict[str, Any]], start: str, end: str) -> dict[str, Any]:
    return next(e for e in edges if {e["from"], e["to"]} == {start, end})


def test_a_tipoff_only_protector_is_drawn_in_an_evidence_colour(
    embedded_store: EmbeddedStore,
) -> None:
    """The call before the failed raid, and the phones at its ends, are drawn in the
    tip-off's evidence colour, and the legend names it (they were drawn muted)."""
    nodes, rels = ring()
    nodes.append(
        node("t:E", "Event", kind="raid", outcome="nothing_found", at="2023-06-10T04:00:00Z")
    )
    rels += [
        rel("tg", "TARGET_OF", "t:M", "t:E"),
        rel("c1", "CALLED", "+62822", "+62811", at="2023-06-10T01:00:00Z"),
    ]
    embedded_store.upsert(nodes, rels)
    assert _kinds(embedded_store) == ["tipoff"]
    _, edges, _ = drawn(ring_page(embedded_store, "t:R"))
    timing = INDICATOR_COLORS["timing"]
    assert _edge(edges, "+62822", "+62811")["color"] == timing
    assert _edge(edges, "t:T", "+62822")["color"] == timing
    html = ring_page(embedded_store, "t:R", lang="en")
    assert kind_name("timing", "en") in html.split("Evidence paths", 1)[1]


def test_a_protector_by_call_volume_alone_is_drawn_in_an_evidence_colour(
    embedded_store: EmbeddedStore,
) -> None:
    nodes, rels = ring()
    rels += [
        rel(f"c{i}", "CALLED", "+62822", "+62811", at=f"2023-03-{10 + i}T10:00:00Z")
        for i in range(3)
    ]
    embedded_store.upsert(nodes, rels)
    assert _kinds(embedded_store) == ["comms"]
    _, edges, _ = drawn(ring_page(embedded_store, "t:R"))
    assert _edge(edges, "+62822", "+62811")["color"] == INDICATOR_COLORS["phone"]


def test_a_busy_entity_says_what_it_left_out_on_the_page_and_in_render(tmp_path: Any) -> None:
    """A neighbourhood capped per node (25) says how many relationships it left out, in
    the page's header, the node's "N lainnya" and ``telusur render``'s output."""
    from typer.testing import CliRunner

    from graph_api.cli import app
    from viz.views import entity_page

    hub = node("t:H", "Person", name="Eko Hub")
    others = [node(f"t:Q{i:02d}", "Person", name=f"Rekan {i}") for i in range(30)]
    rels = [rel(f"a{i:02d}", "ASSOCIATE", "t:H", f"t:Q{i:02d}") for i in range(30)]
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.upsert([hub, *others], rels)
        notes: list[str] = []
        html = entity_page(store, "t:H", notes=notes)
    finally:
        store.close()
    said = "5 hubungan dari simpul sibuk tidak diambil (Eko Hub)"
    assert notes == [said]
    assert said in html and "5 lainnya" in html
    out = tmp_path / "hub.html"
    where = f"embedded:{tmp_path / 'store'}"
    result = CliRunner().invoke(app, ["render", "t:H", "--out", str(out), "--store", where])
    assert result.exit_code == 0, result.output
    assert said in result.output


def test_the_command_line_shows_the_rankings_score_with_its_band(tmp_path: Any) -> None:
    """``telusur protectors`` prints the score as the ring table and the graph do."""
    from typer.testing import CliRunner

    from graph_api.cli import app
    from viz.score import score_band

    nodes, rels = ring()
    rels += [
        rel(f"c{i}", "CALLED", "+62822", "+62811", at=f"2023-03-{10 + i}T10:00:00Z")
        for i in range(3)
    ]
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.upsert(nodes, rels)
        score = float(rank_protectors(store, ring_id="t:R")["protectors"][0]["score"])
    finally:
        store.close()
    where = f"embedded:{tmp_path / 'store'}"
    for lang in ("id", "en"):
        result = CliRunner().invoke(app, ["protectors", "t:R", "--store", where, "--lang", lang])
        assert result.exit_code == 0, result.output
        assert score_band(score, lang) in result.output, result.output
