"""The investigator web page in headless Chromium, served by the real app over loopback.

A person signs in, opens the ring list, opens a ring and finds its top suspected
protector; the graph draws what the page holds; nothing is requested from
outside 127.0.0.1; Propam's page does not exist for reskrim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from page_site import Site

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "about") or parsed.hostname == "127.0.0.1"


@dataclass
class Session:
    page: Any
    requests: list[str]
    errors: list[str]


@pytest.fixture
def session(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def login(site: Site, role: str) -> Session:
        ctx = browser.new_context(viewport={"width": 1300, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        s = Session(page, [], [])
        page.on("request", lambda r: s.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and s.errors.append(m.text))
        page.on("pageerror", lambda e: s.errors.append(str(e)))
        page.goto(site.url + "/")
        page.fill("#username", role)
        page.fill("#password", site.passwords[role])
        page.click("#login-submit")
        page.wait_for_url(re.compile(r".*/jaringan$"))
        return s

    yield login
    for ctx in contexts:
        ctx.close()


def _graph_frame(page: Any) -> Any:
    page.wait_for_selector("#graph")
    frame = page.frame_locator("#graph")
    frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=30_000)
    return next(f for f in page.frames if "/graf/" in f.url)


def test_reskrim_finds_the_top_protector_of_a_ring(site: Site, session: Any) -> None:
    s = session(site, "reskrim")
    page = s.page
    rings = page.locator("#rings a")
    assert rings.count() == len(site.truth["rings"])
    rings.first.click()
    page.wait_for_selector("#protectors")
    ring_key = page.url.rsplit("%3A", 1)[-1]
    planted = set(site.truth["rings"][ring_key]["protectors"])
    first = page.locator("tr.protector").first
    top_id = first.locator("a").get_attribute("href").rsplit("%3A", 1)[-1]
    assert top_id in planted
    assert first.locator("li").count() >= 1  # evidence in plain words
    frame = _graph_frame(page)
    drawn = frame.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    html = httpx.get(site.url + urlparse(frame.url).path, cookies=cookies).text
    expected_nodes = len(json.loads(re.search(r"nodes = new vis\.DataSet\((.*)\);\n", html)[1]))
    expected_edges = len(json.loads(re.search(r"edges = new vis\.DataSet\((.*)\);\n", html)[1]))
    assert drawn == [expected_nodes, expected_edges] and expected_nodes > 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-ring.png"), full_page=True)
    assert s.errors == []
    assert s.requests and all(_local(u) for u in s.requests), s.requests


def test_clicking_a_graph_node_shows_its_details(site: Site, session: Any) -> None:
    s = session(site, "reskrim")
    page = s.page
    page.locator("#rings a").first.click()
    first = page.locator("tr.protector").first.locator("a")
    name = first.inner_text()
    first.click()
    page.wait_for_selector("#entity-title")
    assert page.locator("#entity-title").inner_text() == name
    assert page.locator("#sources tr").count() >= 2
    frame = _graph_frame(page)
    page.locator("#graph").scroll_into_view_if_needed()
    node_id = frame.evaluate("network.body.data.nodes.getIds()[0]")
    point = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    inner = frame.locator("#mynetwork").bounding_box()
    x, y = inner["x"] + point["x"], inner["y"] + point["y"]
    page.mouse.move(x, y)
    tip = frame.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text().strip()
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(300)
    assert frame.locator("#details").inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "page-entity.png"), full_page=True)
    assert s.errors == [] and all(_local(u) for u in s.requests)


def test_language_switch(site: Site, session: Any) -> None:
    s = session(site, "reskrim")
    page = s.page
    assert page.locator("#nav-rings").inner_text() == "Jaringan"
    page.click("#lang-switch")
    page.wait_for_selector("text=Rings")
    assert page.locator("#nav-rings").inner_text() == "Rings"
    page.goto(site.url + "/cari")  # the choice is remembered
    assert page.locator("#nav-search").inner_text() == "Search"
    page.click("#lang-switch")
    assert page.locator("#nav-search").inner_text() == "Cari"


def test_reskrim_cannot_open_the_propam_page(site: Site, session: Any) -> None:
    s = session(site, "reskrim")
    page = s.page
    assert page.locator("#nav-propam").count() == 0
    response = page.goto(site.url + "/propam")
    assert response is not None and response.status == 404
    assert page.locator("#flags").count() == 0


def test_propam_flags_an_official_and_reskrim_never_sees_it(site: Site, session: Any) -> None:
    official = "jatim:" + next(iter(site.truth["rings"].values()))["protectors"][0]
    p = session(site, "propam")
    page = p.page
    page.goto(site.url + "/propam?official=" + official)
    page.fill("#flag-reason", "Menerima setoran bulanan dari jaringan")
    page.click("#flag-submit")
    page.wait_for_selector("tr.flag")
    assert page.locator("tr.flag").count() == 1
    assert page.locator(".flag-status").first.inner_text() == "terbuka"
    flag_id = page.locator("tr.flag code").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "page-propam.png"), full_page=True)
    r = session(site, "reskrim")
    for path in ("/entitas/" + official, "/graf/entitas/" + official):
        response = r.page.goto(site.url + path)
        assert response is not None and response.status == 200
        assert flag_id not in r.page.content() and "Menerima setoran" not in r.page.content()
    r.page.goto(site.url + "/cari?q=" + flag_id)  # the box echoes the query; no hit shows it
    assert r.page.locator("#hits").count() == 0
    assert r.page.goto(site.url + "/entitas/" + flag_id).status == 404


def _open_graph(page: Any, url: str) -> Any:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    return response


def test_money_trail_and_official_links_views(site: Site, session: Any) -> None:
    ring, want = next(iter(site.truth["rings"].items()))
    official = "jatim:" + want["protectors"][0]
    financier = "jatim:" + site.truth["members"][ring][0]
    r = session(site, "reskrim")
    _open_graph(r.page, site.url + "/graf/aliran/" + financier)
    assert r.page.locator("h1").inner_text().startswith("Aliran dana")
    assert r.errors == [] and all(_local(u) for u in r.requests)
    assert r.page.goto(site.url + "/graf/pejabat/" + official).status == 404
    p = session(site, "propam")
    p.page.goto(site.url + "/entitas/" + official)
    p.page.click("#official-links")
    p.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    assert p.page.locator("h1").inner_text().startswith("Keterkaitan")
    p.page.screenshot(path=str(ARTIFACTS / "page-official-links.png"))
    assert p.errors == [] and all(_local(u) for u in p.requests)
