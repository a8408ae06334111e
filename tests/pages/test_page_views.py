"""What the pages show, on the API tests' tiny graph: names instead of ids, one score with
its band, money into an official, a timeline that says how much there is, search results
one can tell apart, and Propam's flag button with search by name (Propam only)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from api_helpers import build, make_api
from page_helpers import Pages, signed_in

from graph.store import EmbeddedStore


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    tmp = tmp_path_factory.mktemp("views")
    store = EmbeddedStore(tmp / "store")
    build(store)
    api = make_api(store, tmp / "state")
    with api.client:
        yield signed_in(api.client)
    store.close()


def _found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text`` (which must hold it)."""
    m = re.search(pattern, text)
    assert m is not None, pattern
    return m[1]


def _drawn(page: str, what: str) -> list[dict[str, str]]:
    """The ``nodes`` or ``edges`` a graph page draws."""
    found: list[dict[str, str]] = json.loads(_found(what + r" = new vis\.DataSet\((.*)\);\n", page))
    return found


def _text(page: str) -> str:
    """The page's text, tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_ring_table_and_the_ring_graph_show_the_same_score_and_band(pages: Pages) -> None:
    ring = pages.get("/jaringan/t:R1", "reskrim").text
    row = re.search(r'<tr class="protector" data-id="t:O1">(.*?)</tr>', ring, re.S)
    assert row is not None
    score = re.search(r'<span class="score">([^<]+)</span>', row[1])
    band = re.search(r'<span class="band band-(\w+)"[^>]*>([^<]+)</span>', row[1])
    assert score and band
    graph = pages.get("/graf/jaringan/t:R1?lang=id", "reskrim").text
    nodes = _drawn(graph, "nodes")
    tip = next(n["title"] for n in nodes if n["id"] == "t:O1")
    assert f"Skor beking: {score[1]} · {band[2]}" in tip.splitlines()
    assert re.fullmatch(r"\d,\d\d", score[1])  # decimal comma
    assert band[2] in ("kuat", "sedang", "lemah")
    # what each band means, on the page and in the graph's legend
    assert "kuat (mulai 0,60)" in _text(ring) and "kuat (mulai 0,60)" in graph
    en = pages.get("/jaringan/t:R1?lang=en", "reskrim").text
    assert re.search(r'<span class="score">\d\.\d\d</span>', en)
    assert re.search(r">(strong|medium|weak)</span>", en)


def test_the_ring_page_has_members_cases_and_an_as_of_date(pages: Pages) -> None:
    text = _text(pages.get("/jaringan/t:R1", "reskrim").text)
    assert "Budi Santoso" in text and "pemimpin" in text  # member with role, in words
    assert re.search(r"Per \d\d/\d\d/\d{4}", text)
    assert "Perkara terhadap anggota" in text and "Dugaan pembocoran" in text


def test_money_into_an_official_names_who_paid_and_how_much(pages: Pages) -> None:
    r = pages.get("/aliran-masuk/t:O1", "reskrim")
    assert r.status_code == 200
    text = _text(r.text)
    assert "Uang yang diterima AKP Joko Widodo" in text
    payer = re.search(r'<tr class="payer">(.*?)</tr>', r.text, re.S)
    assert payer is not None and "Budi Santoso" in payer[1] and "Rp 5.000.000" in payer[1]
    assert "BRI 1234567890" in payer[1]  # the paying account as bank and number
    assert "t:M1" not in text and "t:A_M1" not in text  # names, never stored ids
    # the official's page links there
    entity = pages.get("/entitas/t:O1", "reskrim").text
    assert 'href="/aliran-masuk/t%3AO1"' in entity


def test_an_officials_page_shows_rank_and_unit_and_the_timeline_names_each_side(
    pages: Pages,
) -> None:
    page = pages.get("/entitas/t:O1", "reskrim").text
    assert re.search(r'id="post-line"><strong>AKP</strong>.*Polres Tulungagung', page)
    text = _text(page)
    assert "Pejabat" in text and "Orang · Pejabat" not in text
    # a transfer in the timeline: its channel in words, the payer's account by name, a link
    assert 'href="/entitas/t%3AA_M1">BRI 1234567890</a>' in page
    for raw in ("birth_date", "name_norm", "t:A_M1</a>"):
        assert raw not in page


def test_the_timeline_filters_by_kind_and_pages_without_a_silent_cap(pages: Pages) -> None:
    whole = pages.get("/entitas/t:M1", "reskrim").text
    count = int(_found(r'id="timeline-count">(\d+) butir', whole))
    assert count >= 3
    calls = pages.get("/entitas/t:M1?jenis=call", "reskrim").text
    kinds = re.findall(r"<tr><td>[^<]*</td><td>([^<]+)</td>", calls)
    assert kinds and set(kinds) == {"Panggilan"}
    first = pages.get("/entitas/t:M1?n=1", "reskrim").text
    assert re.search(r"halaman 1 dari \d+", first)
    more = re.search(r'id="tl-next">(\d+) lainnya', first)
    assert more is not None and int(more[1]) == count - 1
    late = pages.get("/entitas/t:M1?sampai=2000-01-01", "reskrim").text
    assert 'id="timeline-count">0 butir' in late


def test_search_results_say_who_each_one_is(pages: Pages) -> None:
    page = pages.get("/cari?q=Joko", "reskrim").text
    hit = re.search(r'<tr class="hit">(.*?)</tr>', page, re.S)
    assert hit is not None and "AKP Joko Widodo" in hit[1]
    assert "Pejabat" in hit[1] and "AKP" in hit[1] and "Polres Tulungagung" in hit[1]
    member = re.search(
        r'<tr class="hit">(.*?)</tr>', pages.get("/cari?q=Budi", "reskrim").text, re.S
    )
    assert member is not None and "Jaringan Timur" in member[1]  # the ring he is in


def test_propam_flags_from_the_officials_page_and_finds_him_by_name(pages: Pages) -> None:
    mine = pages.get("/entitas/t:O2", "propam").text
    assert '<a href="/propam?official=t%3AO2" class="btn" id="flag-official">' in mine
    assert "Belum ditandai." in _text(mine)
    for role in ("reskrim", "analyst"):
        other = pages.get("/entitas/t:O2", role).text
        assert "flag-official" not in other and "official-flags" not in other
    found = pages.get("/propam?q=Andi+Pratama", "propam").text
    assert 'href="/propam?official=t%3AO2"' in found and "IPTU" in _text(found)
    chosen = pages.get("/propam?official=t:O2", "propam").text
    assert 'id="flag-official-name">Iptu Andi Pratama<' in chosen
    r = pages.request(
        "POST", "/propam/tanda", "propam", data={"official_id": "t:O2", "reason": "setoran"}
    )
    assert r.status_code == 303
    listed = pages.get("/propam", "propam").text
    row = re.search(r'<tr class="flag">(.*?)</tr>', listed, re.S)
    assert row is not None and "Iptu Andi Pratama" in row[1]
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d WIB", row[1])  # "Dibuat" in WIB
    after = pages.get("/entitas/t:O2", "propam").text
    assert re.search(r'class="flag-status">terbuka<', after)


def test_the_official_links_page_has_the_rankings_money_route_and_a_way_back(
    pages: Pages,
) -> None:
    from viz.styles import INDICATOR_COLORS

    page = pages.get("/graf/pejabat/t:O1?lang=id", "propam").text
    assert 'id="back" data-to="/entitas/t%3AO1?lang=id">← AKP Joko Widodo<' in page
    edges = _drawn(page, "edges")
    paid = [e for e in edges if {e["from"], e["to"]} == {"t:A_M1", "t:A_O1"}]
    assert paid and paid[0]["color"] == INDICATOR_COLORS["money"]


def test_the_money_route_is_drawn_even_where_the_links_query_does_not_reach(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from api_helpers import P_M1, P_V1

    from viz.styles import INDICATOR_COLORS
    from viz.views import money_route, official_links_page

    store = EmbeddedStore(tmp_path_factory.mktemp("route") / "store")
    try:
        build(store)
        plain = official_links_page(store, "t:O1")
        routed = official_links_page(store, "t:O1", money=[("CALLED", "t:c2")])
    finally:
        store.close()
    assert P_V1 not in plain
    edges = _drawn(routed, "edges")
    drawn = [e for e in edges if {e["from"], e["to"]} == {P_V1, P_M1}]
    assert drawn and drawn[0]["color"] == INDICATOR_COLORS["money"]
    report: dict[str, object] = {
        "protectors": [
            {
                "id": "t:O1",
                "indicators": [
                    {
                        "kind": "money",
                        "evidence": [{"relationships": [{"type": "TRANSFERRED", "id": "x"}]}],
                    },
                    {
                        "kind": "tipoff",
                        "evidence": [{"relationships": [{"type": "CALLED", "id": "y"}]}],
                    },
                ],
            }
        ]
    }
    assert money_route(report, "t:O1") == [("TRANSFERRED", "x")]  # type: ignore[arg-type]
    assert money_route(report, "t:O2") == []  # type: ignore[arg-type]
