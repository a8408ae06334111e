"""Every page printed, and every page at 412 px wide, in headless Chromium.

Printed (print media emulated): no navigation, no "Keluar" button, no language switch
or download buttons; the classification, who printed the page and when (WIB) at the
top. At 412 px (a common phone width) nothing is wider than the window. The tiny
graph of ``tests/api/api_helpers.py``, served by the real app over loopback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore
from graph_api.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import PASSWORD, ROLES, build, served_app, settings  # noqa: E402

pytestmark = pytest.mark.browser

READER_PAGES = [
    "/cari?q=Budi",
    "/jaringan",
    "/jaringan/t:R1",
    "/entitas/t:O1",
    "/entitas/t:M1",
    "/aliran-masuk/t:O1",
]
PAGES = {
    "reskrim": READER_PAGES,
    "analyst": READER_PAGES,
    "propam": [*READER_PAGES, "/propam"],
    "admin": ["/admin"],
}
#: what print hides: navigation, sign-out, language switch, the download buttons
HIDDEN = ("header", "nav", "#logout", "#lang-switch", "#downloads")
WIB = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} WIB")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("print")
    store = EmbeddedStore(folder / "graph")
    build(store)
    app = create_app(settings(folder / "state"), store=store)
    for role in ROLES:
        app.state.services.users.add(f"{role}1", role=role, password=PASSWORD)
    with served_app(app) as url:
        yield url
    store.close()


def _signed_in(browser: Any, url: str, role: str, width: int) -> Any:
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(url + "/masuk")
    page.fill("#username", f"{role}1")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    return ctx, page


def _shown(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => [...document.querySelectorAll(sel)].some(
                   e => getComputedStyle(e).display !== 'none' && e.getClientRects().length)""",
            selector,
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_printed_pages_carry_the_marking_and_no_navigation(
    site: str, browser: Any, role: str
) -> None:
    ctx, page = _signed_in(browser, site, role, 1300)
    try:
        for path in PAGES[role]:
            assert page.goto(site + path).status == 200, path
            assert _shown(page, "header"), path  # on screen the navigation is there
            assert not _shown(page, "#print-head"), path
            page.emulate_media(media="print")
            for selector in HIDDEN:
                assert not _shown(page, selector), (path, selector)
            head = page.inner_text("#print-head")
            assert "RAHASIA" in head and f"Dicetak oleh {role}1" in head, (path, head)
            assert WIB.search(head), (path, head)
            assert _shown(page, "main"), path
            page.emulate_media(media="screen")
        pdf = page.pdf(format="A4")  # Chromium's own print of the last page
        assert pdf.startswith(b"%PDF")
    finally:
        ctx.close()


def test_printed_in_english_on_request(site: str, browser: Any) -> None:
    ctx, page = _signed_in(browser, site, "reskrim", 1300)
    try:
        page.goto(site + "/jaringan/t:R1?lang=en")
        page.emulate_media(media="print")
        head = page.inner_text("#print-head")
        assert "SECRET" in head and "Printed by reskrim1" in head
    finally:
        ctx.close()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_412_px_screen(site: str, browser: Any, role: str) -> None:
    ctx, page = _signed_in(browser, site, role, 412)
    try:
        for path in PAGES[role]:
            page.goto(site + path)
            wide = page.evaluate(
                """() => [document.documentElement.scrollWidth, window.innerWidth,
                          document.querySelector('header').scrollWidth]"""
            )
            assert wide[0] <= wide[1], (path, wide)  # no horizontal scrolling
            assert wide[2] <= wide[1], (path, wide)  # the header fits
    finally:
        ctx.close()


def test_every_printed_sheet_names_the_marking_and_who_printed_it(site: str, browser: Any) -> None:
    """The first sheet has the page's print head; every later one the same words in
    its top margin (a fixed head would cover the rows that run on to it)."""
    import io

    from pypdf import PdfReader

    ctx, page = _signed_in(browser, site, "reskrim", 1300)
    try:
        page.goto(site + "/entitas/t:O1")
        page.frame_locator("iframe.graph").locator("body[data-ready='1']").wait_for(
            state="attached", timeout=30_000
        )
        blob = page.pdf(format="A4")
        sheets = PdfReader(io.BytesIO(blob)).pages
        assert len(sheets) >= 2
        # the graph's title, on the sheet it runs on to, is not under the head
        assert not _covered("Lingkungan AKP Joko Widodo", ("RAHASIA", "Dicetak oleh"), blob)
        for i, sheet in enumerate(sheets, start=1):
            text = sheet.extract_text()
            assert text.count("RAHASIA") >= 2, (i, text)  # top and bottom
            assert "Dicetak oleh reskrim1" in text and WIB.search(text), (i, text)
            assert f"Halaman {i} dari {len(sheets)}" in text, (i, text)
    finally:
        ctx.close()


Box = tuple[float, float, float, float]


def _boxes(sheet: Any, words: str) -> list[Box]:
    """(left, bottom, right, top) of every place ``words`` is written on ``sheet``."""
    text = sheet.get_textpage()
    search, out = text.search(words), []
    while found := search.get_next():
        chars = [text.get_charbox(i) for i in range(found[0], found[0] + found[1])]
        out.append(
            (
                min(c[0] for c in chars),
                min(c[1] for c in chars),
                max(c[2] for c in chars),
                max(c[3] for c in chars),
            )
        )
    return out


def _covered(words: str, heads: tuple[str, ...], pdf: bytes) -> bool:
    """Whether ``words`` share their place on a sheet with any of ``heads`` (a fixed
    print head drawn over a frame's title: both are in the PDF, one hides the other)."""
    pdfium = pytest.importorskip("pypdfium2")
    seen = False
    for sheet in pdfium.PdfDocument(pdf):
        for a in _boxes(sheet, words):
            seen = True
            for head in heads:
                for b in _boxes(sheet, head):
                    if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                        return True
    assert seen, f"{words!r} is not in the PDF"
    return False
