"""The rendered page in headless Chromium: offline, counted, tooltips as text."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ARTIFACTS
from viz_helpers import XSS_NAME, case_subgraph

from viz import render_subgraph, write_page
from viz.sample import synthetic_subgraph

pytestmark = pytest.mark.browser


def _local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "about") or parsed.hostname == "127.0.0.1"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    write_page(root / "case.html", render_subgraph(
        case_subgraph(), title="Perkara uji", scores={"off-1": 0.8},
        indicator_kinds={"t0": "money", "f1": "family"}, focus=["off-1"]))
    write_page(root / "big.html", render_subgraph(synthetic_subgraph(900), title="Besar",
                                                  max_nodes=400))
    return root


@pytest.fixture(scope="module")
def server(pages: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(pages))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _hover_node(page: Any, node_id: str) -> str:
    point = page.evaluate(
        "id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    return str(tip.inner_text())


def test_page_over_http_stays_local_and_draws_everything(open_page: Any, server: str) -> None:
    loaded = open_page(f"{server}/case.html")
    page = loaded.page
    counts = page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [6, 7]  # 30 calls and 3 transfers folded into one edge each
    assert page.evaluate("network.physics.options.enabled") is False  # off after stabilising
    assert loaded.requests and all(_local(u) for u in loaded.requests), loaded.requests
    assert loaded.console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-case.png"))


def test_csp_enforced_page_loads_without_errors(browser: Any, pages: Path) -> None:
    # the other tests bypass the page's CSP to call page.evaluate; this one does not
    ctx = browser.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((pages / "case.html").as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20_000)
    ctx.close()
    assert errors == [] and all(_local(u) for u in requests)


def test_xss_name_shows_as_text_in_tooltip_and_details(open_page: Any, pages: Path) -> None:
    loaded = open_page((pages / "case.html").as_uri())
    page = loaded.page
    tip = _hover_node(page, "off-1")
    assert tip.splitlines()[0] == XSS_NAME
    assert "Pejabat" in tip and "Skor beking: 0,80 · kuat" in tip
    assert page.locator("div.vis-tooltip img").count() == 0
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(300)
    details = page.locator("#details").inner_text()
    assert details.splitlines()[0] == XSS_NAME
    assert page.locator("#details img").count() == 0
    assert loaded.dialogs == [] and loaded.console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-tooltip.png"))


def test_big_page_uses_precomputed_layout(open_page: Any, pages: Path) -> None:
    loaded = open_page((pages / "big.html").as_uri())
    page = loaded.page
    drawn = page.evaluate("""() => {
        const nodes = network.body.data.nodes.get();
        return [nodes.length, network.body.data.edges.length,
                nodes.filter(n => n.entity === "more").length,
                network.physics.options.enabled];
    }""")
    n_nodes, n_edges, n_more, physics = drawn
    assert n_nodes == 400 + n_more and n_more > 0 and n_edges > n_nodes
    assert physics is False
    assert all(_local(u) for u in loaded.requests) and loaded.console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-big.png"))
