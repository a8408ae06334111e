"""The interactive graph pages in headless Chromium: expanded from the page, printed.

The tiny graph of ``tests/api/api_helpers.py`` plus six more victims in case t:K1, so
that the case has eleven neighbours. Its graph page drawn with ``batas=2`` leaves
nine out ("+9 lainnya"); clicking that node draws the same page with a larger cap
(fewer left out), again until nothing is. Every step is drawn by the server for the
same reader, so a victim's identifiers stay masked for reskrim however far the page
is expanded (the analyst sees them: the check can fail).

Those six victims also hold accounts that pass Budi's money on to AKP Joko's, so the
money trail from Budi (sixteen nodes) is capped when drawn with ``batas=2``; so are
the ring's and Joko's links (Propam's). Each grows the same way, its count of nodes
not shown going down, and reskrim never reads the victims' NIKs, addresses or
account numbers on the money trail however far it is expanded.

Printed (Chromium's own PDF, read back with pypdf): the classification, who printed
it and when (WIB), page numbers, the graph as a picture on one sheet; no buttons, no
details panel.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore
from graph_api.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import (  # noqa: E402
    P_V1,
    PASSWORD,
    ROLES,
    V1_ADDRESS,
    V1_NIK,
    build,
    node,
    rel,
    served_app,
    settings,
)

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: the extra victims' NIKs (reskrim must never read them)
NIKS = [f"35010141019900{i:02d}" for i in range(2, 8)]
#: ... nor their addresses or account numbers
ADDRESSES = [f"Dusun Kalidawir RT 0{i}" for i in range(2, 8)]
ACCOUNTS = [f"98765432{i:02d}" for i in range(2, 8)]
MORE = "more|t:K1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("expand")
    store = EmbeddedStore(folder / "graph")
    build(store)
    victims = [
        node(f"t:V{i}", "Person", name=f"Korban {i}", nik=nik, address=address)
        for i, nik, address in zip(range(2, 8), NIKS, ADDRESSES, strict=True)
    ]
    accounts = [
        node(f"t:A_V{i}", "Account", bank="BRI", number=number)
        for i, number in zip(range(2, 8), ACCOUNTS, strict=True)
    ]
    rels = [rel(f"t:v{i}", "VICTIM_IN", v["id"], "t:K1") for i, v in enumerate(victims, 2)]
    for i in range(2, 8):  # Budi -> victim i's account -> Joko, a day apart
        rels += [
            rel(f"t:hv{i}", "HOLDS", f"t:V{i}", f"t:A_V{i}"),
            rel(
                f"t:tv{i}",
                "TRANSFERRED",
                "t:A_M1",
                f"t:A_V{i}",
                amount=1e6,
                currency="IDR",
                at=f"2023-04-0{i}T10:00:00Z",
            ),
            rel(
                f"t:tj{i}",
                "TRANSFERRED",
                f"t:A_V{i}",
                "t:A_O1",
                amount=9e5,
                currency="IDR",
                at=f"2023-04-1{i}T10:00:00Z",
            ),
        ]
    store.upsert(victims + accounts, rels)
    app = create_app(settings(folder / "state"), store=store)
    for role in ROLES:
        app.state.services.users.add(f"{role}1", role=role, password=PASSWORD)
    with served_app(app) as url:
        yield url
    store.close()


def _signed_in(browser: Any, url: str, role: str) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    page = ctx.new_page()
    page.goto(url + "/masuk")
    page.fill("#username", f"{role}1")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    return ctx, page


def _drawn(page: Any) -> tuple[int, int | None]:
    """(entity nodes drawn, the "+N lainnya" count of the case or None)."""
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=30_000)
    ids = page.evaluate("network.body.data.nodes.getIds()")
    more = [i for i in ids if i == MORE]
    left = None
    if more:
        label = page.evaluate("id => network.body.data.nodes.get(id).label", MORE)
        match = re.fullmatch(r"\+(\d+) lainnya", label)
        assert match, label
        left = int(match[1])
    return len([i for i in ids if not i.startswith("more|")]), left


def _click_node(page: Any, node_id: str) -> None:
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def _texts(page: Any) -> str:
    """Everything the page could show: its HTML and every node's and line's tooltip."""
    titles = page.evaluate(
        """() => [...network.body.data.nodes.get(), ...network.body.data.edges.get()]
                 .map(x => (x.label || '') + ' ' + (x.title || '')).join('\\n')"""
    )
    return str(page.content()) + str(titles)


def test_clicking_more_draws_more_until_nothing_is_left_out(site: str, browser: Any) -> None:
    ctx, page = _signed_in(browser, site, "analyst")
    try:
        page.goto(site + "/graf/entitas/t:K1?batas=2")
        nodes, left = _drawn(page)
        assert (nodes, left) == (3, 9)  # the case and 2 of its 11 neighbours
        assert "Tampilkan lebih banyak" in page.inner_text("#summary")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graph-capped.png"))
        with page.expect_navigation():
            _click_node(page, MORE)
        assert "batas=8" in page.url
        nodes, left = _drawn(page)
        assert (nodes, left) == (9, 3)  # more nodes, the count going down
        page.screenshot(path=str(ARTIFACTS / "graph-expanded.png"))
        with page.expect_navigation():
            page.click("#expand")  # the header's link does the same
        nodes, left = _drawn(page)
        assert (nodes, left) == (12, None)
        assert page.locator("#expand").count() == 0  # nothing left to show
        text = _texts(page)
        assert V1_NIK in text and NIKS[-1] in text  # the analyst reads them
    finally:
        ctx.close()


NOT_SHOWN = re.compile(r"(\d+) simpul tidak ditampilkan \(batas (\d+)\)")


def _capped(page: Any) -> tuple[int, int, list[str]]:
    """(entity nodes drawn, nodes not shown as the header says (0: none), the ids of
    the "+N lainnya" nodes) of a ring, money-trail or links page."""
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=30_000)
    ids = page.evaluate("network.body.data.nodes.getIds()")
    more = [i for i in ids if i.startswith("more|")]
    for i in more:
        label = page.evaluate("id => network.body.data.nodes.get(id).label", i)
        assert re.fullmatch(r"\+\d+ lainnya", label), label  # a link: "+"
    said = NOT_SHOWN.search(page.inner_text("#summary"))
    return len(ids) - len(more), int(said[1]) if said else 0, more


CAPPED = [
    ("analyst", "/graf/jaringan/t:R1"),
    ("analyst", "/graf/aliran/t:M1"),
    ("propam", "/graf/pejabat/t:O1"),
]


@pytest.mark.parametrize(("role", "path"), CAPPED)
def test_a_capped_ring_money_or_links_page_expands_until_nothing_is_left_out(
    site: str, browser: Any, role: str, path: str
) -> None:
    ctx, page = _signed_in(browser, site, role)
    try:
        page.goto(f"{site}{path}?batas=2")
        drawn, hidden, more = _capped(page)
        assert hidden > 0 and more, (drawn, hidden)
        assert "Tampilkan lebih banyak" in page.inner_text("#summary")
        with page.expect_navigation():
            _click_node(page, more[0])
        assert "batas=8" in page.url
        steps = [(drawn, hidden)]
        while True:
            drawn, hidden, more = _capped(page)
            steps.append((drawn, hidden))
            if not hidden:
                break
            assert page.locator("#expand").count() == 1  # what is left out can be opened
            with page.expect_navigation():
                page.click("#expand")
        assert page.locator("#expand").count() == 0 and not more  # nothing left to show
        assert [d for d, _ in steps] == sorted({d for d, _ in steps})  # more each time ...
        assert [h for _, h in steps] == sorted({h for _, h in steps}, reverse=True)  # ... fewer
        if path.startswith("/graf/aliran"):
            text = _texts(page)
            assert NIKS[0] in text and ACCOUNTS[-1] in text  # the analyst reads them
    finally:
        ctx.close()


def test_expanding_a_money_trail_never_unmasks_a_victim_for_reskrim(
    site: str, browser: Any
) -> None:
    ctx, page = _signed_in(browser, site, "reskrim")
    try:
        page.goto(site + "/graf/aliran/t:M1?batas=2")
        seen = []
        for _ in range(4):
            drawn, hidden, more = _capped(page)
            seen.append(drawn)
            text = _texts(page)
            for secret in (*NIKS, *ADDRESSES, *ACCOUNTS):
                assert secret not in text, secret
            if not hidden:
                break
            with page.expect_navigation():
                _click_node(page, more[0])
        assert len(seen) > 2 and seen == sorted(set(seen))  # expanded, masked all the way
        assert "Korban 7" in text  # the victims are drawn, by name
    finally:
        ctx.close()


def test_expanding_never_unmasks_a_victim_for_reskrim(site: str, browser: Any) -> None:
    ctx, page = _signed_in(browser, site, "reskrim")
    try:
        page.goto(site + "/graf/entitas/t:K1?batas=2")
        seen = []
        for _ in range(3):
            nodes, left = _drawn(page)
            seen.append(nodes)
            text = _texts(page)
            for secret in (V1_NIK, V1_ADDRESS, P_V1, *NIKS):
                assert secret not in text, secret
            if left is None:
                break
            with page.expect_navigation():
                _click_node(page, MORE)
        assert seen == [3, 9, 12]  # expanded all the way, masked all the way
    finally:
        ctx.close()


WIB = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} WIB")


def _printed(page: Any, path: str) -> tuple[str, int, int]:
    """(text, sheets, pictures) of ``path`` printed to PDF."""
    from pypdf import PdfReader

    page.goto(path)
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=30_000)
    blob = page.pdf(prefer_css_page_size=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (
        ARTIFACTS / f"graph-print{path.split('/graf')[-1].split('?')[0].replace('/', '-')}.pdf"
    ).write_bytes(blob)
    pdf = PdfReader(io.BytesIO(blob))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    return text, len(pdf.pages), sum(len(p.images) for p in pdf.pages)


GRAPHS = ["/graf/entitas/t:K1?batas=2", "/graf/jaringan/t:R1", "/graf/aliran/t:M1"]


@pytest.mark.parametrize("role", ["reskrim", "analyst", "propam"])
def test_a_printed_graph_page_is_marked_numbered_and_one_picture(
    site: str, browser: Any, role: str
) -> None:
    ctx, page = _signed_in(browser, site, role)
    try:
        for path in GRAPHS + (["/graf/pejabat/t:O1"] if role == "propam" else []):
            text, sheets, pictures = _printed(page, site + path)
            assert "RAHASIA" in text and f"Dicetak oleh {role}1" in text, (path, text)
            assert WIB.search(text), (path, text)
            assert "Halaman 1 dari 1" in text and sheets == 1, (path, text)
            assert pictures == 1, path  # the canvas, as an image
            assert "Keterangan" in text  # the legend is printed ...
            for control in ("Tampilkan lebih banyak", "Klik simpul", "Rincian", "←"):
                assert control not in text, (path, control)  # ... buttons and details not
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / f"graph-print-{role}.png"))
    finally:
        ctx.close()


def test_a_graph_page_prints_in_english_on_request(site: str, browser: Any) -> None:
    ctx, page = _signed_in(browser, site, "reskrim")
    try:
        text, _, _ = _printed(page, site + "/graf/entitas/t:K1?lang=en")
        assert "SECRET" in text and "Printed by reskrim1" in text and "Page 1 of 1" in text
    finally:
        ctx.close()


def test_a_money_trail_page_says_it_followed_only_the_first_trails_and_follows_more(
    site: str, browser: Any
) -> None:
    ctx, page = _signed_in(browser, site, "analyst")
    try:
        page.goto(site + "/graf/aliran/t:M1?jejak=2")
        few, hidden, _ = _capped(page)
        assert hidden == 0  # every node of the two trails is drawn: only trails are cut
        assert "Menampilkan 2 jejak pertama; ada lebih banyak" in page.inner_text("#summary")
        assert "jejak=8" in str(page.get_attribute("#expand", "data-to"))
        with page.expect_navigation():
            page.click("#expand")
        assert "jejak=8" in page.url
        more, hidden, _ = _capped(page)
        assert more > few and hidden == 0
        assert "jejak pertama" not in page.inner_text("#summary")  # all 7 trails followed
        assert page.locator("#expand").count() == 0
        page.goto(site + "/graf/aliran/t:M1?jejak=2&lang=en")
        _capped(page)
        assert "Showing the first 2 trails; there are more" in page.inner_text("#summary")
        page.goto(site + "/graf/aliran/t:M1")  # 50 at first: nothing to say
        _capped(page)
        assert "jejak" not in page.inner_text("#summary")
    finally:
        ctx.close()


def test_a_money_trail_page_at_the_querys_own_limit_says_there_may_be_more(
    tmp_path: Path,
) -> None:
    from viz.views import MOST_TRAILS, money_trail_page

    store = EmbeddedStore(tmp_path / "graph")
    try:
        store.upsert(
            [
                node("t:P", "Person", name="Pembayar"),
                node("t:O", "Person", "Official", name="AKP Penerima"),
                node("t:AP", "Account", bank="BRI", number="1"),
                node("t:AO", "Account", bank="BRI", number="2"),
            ],
            [rel("t:h1", "HOLDS", "t:P", "t:AP"), rel("t:h2", "HOLDS", "t:O", "t:AO")]
            + [
                rel(f"t:t{i}", "TRANSFERRED", "t:AP", "t:AO", amount=1e6, at="2023-04-01")
                for i in range(MOST_TRAILS)
            ],
        )
        at_bound = money_trail_page(store, "t:P", to_officials=True, limit=MOST_TRAILS)
        below = money_trail_page(store, "t:P", to_officials=True, limit=MOST_TRAILS - 1)
        more = "/graf/aliran/t%3AP?jejak=1000"
        linked = money_trail_page(store, "t:P", to_officials=True, limit=999, more=more)
    finally:
        store.close()
    assert "Menampilkan 1.000 jejak pertama; mungkin ada lebih banyak" in at_bound
    assert 'id="expand"' not in at_bound  # nothing larger to ask for
    assert "Menampilkan 999 jejak pertama; ada lebih banyak" in below
    assert f'id="expand" data-to="{more}"' in linked


def test_an_official_links_page_says_n_of_m_paths_per_kind_and_keeps_more(
    tmp_path: Path,
) -> None:
    import html

    from api_helpers import make_api
    from page_helpers import signed_in

    import queries
    from tests.queries.conftest import build as build_links

    store = EmbeddedStore(tmp_path / "graph")
    build_links(store)
    full = queries.official_links(store, id="t:O1", cap=1000)
    assert full is not None
    cut = {k: n for k, n in full["counts"].items() if n > 1}
    assert cut.get("case") == 4  # the queries' graph: AKP Joko's four case paths
    api = make_api(store, tmp_path / "state")
    try:
        with api.client:
            pages = signed_in(api.client)
            first = pages.get("/graf/pejabat/t:O1?jalur=1", "propam")
            assert first.status_code == 200, first.text
            text = html.unescape(first.text)
            assert "perkara: 1 dari 4 jalur ditampilkan" in text
            words = {
                "money": "uang",
                "family": "keluarga",
                "phone": "telepon",
                "case": "perkara",
                "organization": "organisasi",
            }
            for kind, total in cut.items():
                assert f"{words[kind]}: 1 dari {total} jalur ditampilkan" in text
            found = re.search(r'id="expand" data-to="([^"]+)"', text)
            assert found and "jalur=4" in found[1]
            wider = html.unescape(pages.get(found[1], "propam").text)
            for kind, total in cut.items():  # four per kind: the case paths whole
                assert f"{words[kind]}: 1 dari" not in wider
                assert (f"{words[kind]}: 4 dari {total} jalur" in wider) == (total > 4)
            english = pages.get("/graf/pejabat/t:O1?jalur=1&lang=en", "propam").text
            assert "case: 1 of 4 paths shown" in html.unescape(english)
            plain = html.unescape(pages.get("/graf/pejabat/t:O1", "propam").text)
            assert "jalur ditampilkan" not in plain  # 200 per kind: nothing cut
            assert pages.get("/graf/pejabat/t:O1?jalur=1", "analyst").status_code == 404
    finally:
        store.close()
