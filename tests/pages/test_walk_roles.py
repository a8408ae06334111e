"""Every page a user of each role can reach, walked in headless Chromium (Bahasa Indonesia).

From the start page the walk follows every link of the pages (and opens the graph
pages they embed) breadth first, up to a few pages of each kind (each route of
:mod:`graph_api.pages._routes`), and on every page asserts what an investigator
would notice:

- no raw field name (``birth_date``, ``name_norm``, ``cash_deposit``) in the text or
  in the graph's tooltips;
- no English word of a fixed list on an Indonesian page;
- no stored id (``jatim:P123``) where the entity has a name, in the text, the graph
  captions or the tooltips (the entity page's own record id, ``.rec-id``, aside);
- on a ring page, each official's score and band in the table equal those in the
  ring graph's tooltip.

Screenshots of a few pages go to ``/tmp/shots``.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from page_site import Site

from graph.store import EmbeddedStore
from viz.names import has_name

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")

#: a raw field name or coded value: lower-case words joined by underscores
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: a stored id as the bundles write them: ``bundle:KEY``
STORED_ID = re.compile(r"\b[a-z][a-z0-9_]*:[A-Za-z0-9_.\-]+\b")
#: English words that once leaked into Indonesian pages (labels, kinds, statuses, UI)
ENGLISH = (
    "Official Person Account Phone Agency Organization Case Event Source Sources Ring "
    "Protector score Legend Details Timeline Search Rings Properties Graph Detail "
    "call calls sms spouse cousin sibling stalled channel male female received before "
    "after more shown nodes lines weak strong medium open cleared found nothing escaped "
    "raid arrest leader recruiter financier stopped from with and the of"
).split()
ENGLISH_RE = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b")
#: the pages (routes) of the site; a walk opens at most PER_KIND pages of each route and
#: kind of entity (``jatim:P1`` and ``jatim:ACC7`` are two kinds), MOST pages in all
ROUTES = (
    "/jaringan/",
    "/jaringan",
    "/entitas/",
    "/aliran-masuk/",
    "/graf/jaringan/",
    "/graf/entitas/",
    "/graf/aliran/",
    "/graf/pejabat/",
    "/cari",
    "/propam",
    "/admin",
)
PER_KIND = 2
MOST = 70

# what is visible on a page: its text without the record-id codes and the language switch
# (the ranking's evidence sentences included: they are checked like every other line)
_VISIBLE_JS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('.rec-id, #lang-switch, script, style').forEach(e => e.remove());
  const text = body.innerText;
  return {text: text, words: text};
}"""
_GRAPH_JS = """() => (typeof nodes === 'undefined') ? null : {
  nodes: nodes.get().map(n => ({id: n.id, label: n.label || '', title: n.title || ''})),
  edges: edges.get().map(e => ({label: e.label || '', title: e.title || ''})),
  header: document.querySelector('header').innerText,
  legend: document.querySelector('aside').innerText,
}"""


def _kind(path: str) -> str | None:
    """``/entitas/P`` for ``/entitas/jatim%3AP123``: the route and the entity's kind."""
    path = unquote(path)
    for route in ROUTES:
        if path == route:
            return route
        if route.endswith("/") and path.startswith(route):
            key = path[len(route) :].rpartition(":")[2]
            return route + (re.match(r"[A-Za-z]*", key) or [""])[0]
    return None


def _login(browser: Any, site: Site, role: str) -> Any:
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    page = ctx.new_page()
    page.goto(site.url + "/masuk")
    page.fill("#username", role)
    page.fill("#password", site.passwords[role])
    page.click("#login-submit")
    page.wait_for_load_state()
    return page


def _wait_graph(page: Any) -> None:
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)


class Walk:
    """What one role's walk saw, and what it found wrong."""

    def __init__(self, site: Site, store: EmbeddedStore, role: str) -> None:
        self.site, self.store, self.role = site, store, role
        self.problems: list[str] = []
        self.seen: Counter[str] = Counter()
        self.opened: list[str] = []
        self.routes: set[str] = set()

    def check_text(self, where: str, text: str, words: str | None = None) -> None:
        if m := SNAKE.findall(text):
            self.problems.append(f"{where}: raw field names {sorted(set(m))[:5]}")
        if m := ENGLISH_RE.findall(text if words is None else words):
            self.problems.append(f"{where}: English words {sorted(set(m))[:8]}")
        self.check_ids(where, text)

    def check_ids(self, where: str, text: str) -> None:
        ids = sorted(set(STORED_ID.findall(text)))
        if not ids:
            return
        named = [i for i, n in self.store.get_nodes(ids).items() if has_name(n)]
        if named:
            self.problems.append(f"{where}: ids shown instead of names {named[:5]}")

    def check_graph(self, where: str, graph: dict[str, Any]) -> None:
        self.check_text(where + " (header)", graph["header"])
        self.check_text(where + " (legend)", graph["legend"])
        for n in graph["nodes"]:
            if str(n["id"]).startswith("more|"):
                continue
            self.check_text(f"{where} node {n['id']}", n["label"] + "\n" + n["title"])
        for e in graph["edges"]:
            self.check_text(f"{where} edge", e["label"] + "\n" + e["title"])


def _summary(problems: list[str]) -> str:
    """Each kind of problem once, with how often and where first."""
    first: dict[str, str] = {}
    count: Counter[str] = Counter()
    for p in problems:
        what = p.split(": ", 1)[1] if ": " in p else p
        what = re.sub(r"'[a-z0-9_]+:[A-Za-z0-9_.\-]+'", "ID", what)
        count[what] += 1
        first.setdefault(what, p.split(": ", 1)[0])
    return "\n".join(f"{n}x {what}  (first: {first[what]})" for what, n in count.most_common())


def _tooltip_scores(graph: dict[str, Any]) -> dict[str, str]:
    """Official id -> ``0,81 · kuat`` as its tooltip in the ring graph says."""
    out = {}
    for n in graph["nodes"]:
        if m := re.search(r"^Skor beking: (.+)$", n["title"], re.M):
            out[str(n["id"])] = m[1]
    return out


def _ring_scores_agree(page: Any, walk: Walk, where: str) -> int:
    """Compare the ring table's score and band with the graph's; how many compared."""
    table = {
        r.get_attribute("data-id"): f"{r.locator('.score').inner_text()} · "
        + r.locator(".band").inner_text()
        for r in page.locator("tr.protector").all()
    }
    page.wait_for_selector("#graph")
    frame = page.frame_locator("#graph")
    frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=60_000)
    graph_frame = next(f for f in page.frames if "/graf/jaringan/" in f.url)
    graph = graph_frame.evaluate(_GRAPH_JS)
    drawn = _tooltip_scores(graph)
    compared = 0
    for oid, shown in drawn.items():
        if oid in table:
            compared += 1
            if table[oid] != shown:
                walk.problems.append(f"{where}: {oid} scores {table[oid]} in the table, {shown}")
    return compared


def walk_role(browser: Any, site: Site, store: EmbeddedStore, role: str) -> Walk:
    walk = Walk(site, store, role)
    page = _login(browser, site, role)
    start = urlparse(page.url).path
    queue: deque[str] = deque([start])
    # then a search for a common name (after the links, so that its many people do not
    # take the place of the ring's officials)
    later = ["/cari?q=Eko"] if role != "admin" else []
    done: set[str] = set()
    compared = 0
    while queue or later:
        path = queue.popleft() if queue else later.pop()
        key = path.split("?lang")[0]
        kind = _kind(urlparse(key).path)
        if key in done or kind is None or walk.seen[kind] >= PER_KIND or len(done) >= MOST:
            continue
        done.add(key)
        walk.seen[kind] += 1
        prefix = next(r for r in ROUTES if kind.startswith(r))
        walk.routes.add(prefix)
        response = page.goto(site.url + path)
        assert response is not None and response.status == 200, (role, path, response.status)
        walk.opened.append(path)
        where = f"{role} {unquote(path)}"
        if prefix.startswith("/graf/"):
            _wait_graph(page)
            walk.check_graph(where, page.evaluate(_GRAPH_JS))
            continue
        visible = page.evaluate(_VISIBLE_JS)
        walk.check_text(where, visible["text"], visible["words"])
        if prefix == "/jaringan/":
            compared += _ring_scores_agree(page, walk, where)
        for frame_src in page.locator("iframe.graph").evaluate_all("fs => fs.map(f => f.src)"):
            queue.append(urlparse(frame_src).path + "?lang=id")
        hrefs = page.locator("main a[href], header a[href]").evaluate_all(
            "as => as.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            parsed = urlparse(href)
            if parsed.netloc or href.startswith(("#", "?")):
                continue
            queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    if role in ("reskrim", "analyst", "propam"):
        assert compared > 0, f"{role}: no ring page compared its table with its graph"
    page.context.close()
    return walk


@pytest.fixture(scope="module")
def store(site: Site) -> Any:
    s = EmbeddedStore(site.store)
    yield s
    s.close()


@pytest.mark.parametrize("role", ["reskrim", "analyst", "propam", "admin"])
def test_every_page_of_a_role_reads_as_indonesian_with_names(
    site: Site, store: EmbeddedStore, browser: Any, role: str
) -> None:
    walk = walk_role(browser, site, store, role)
    print(f"{role} opened {len(walk.opened)} pages:", *walk.opened, sep="\n  ")
    routes = walk.routes
    if role == "admin":
        assert routes == {"/admin"}, walk.opened
    else:
        readers = {"/jaringan", "/jaringan/", "/entitas/", "/aliran-masuk/", "/cari"}
        graphs = {"/graf/jaringan/", "/graf/entitas/", "/graf/aliran/"}
        assert readers | graphs <= routes, walk.opened
        # officials, people, accounts, phones, cases and events were all opened
        assert len({k for k in walk.seen if k.startswith("/entitas/")}) >= 5, walk.seen
    if role == "propam":
        assert {"/propam", "/graf/pejabat/"} <= routes, walk.opened
    assert walk.problems == [], _summary(walk.problems)


def test_screenshots_of_the_main_pages(site: Site, browser: Any) -> None:
    """Ring, official, money received, search and Propam pages as a person sees them."""
    SHOTS.mkdir(exist_ok=True)
    ring_key, want = next(iter(site.truth["rings"].items()))
    official = f"{site.bundle}:{want['protectors'][0]}"
    page = _login(browser, site, "propam")
    page.goto(site.url + f"/jaringan/{site.bundle}:{ring_key}")
    page.wait_for_selector("#protectors")
    page.frame_locator("#graph").locator("body[data-ready='1']").wait_for(
        state="attached", timeout=60_000
    )
    page.screenshot(path=str(SHOTS / "ring.png"), full_page=True)
    page.goto(site.url + "/entitas/" + official)
    page.screenshot(path=str(SHOTS / "official.png"), full_page=True)
    assert page.locator("#post-line").count() == 1  # rank, position and unit
    page.click("#money-trail")
    page.wait_for_selector("#money-in-title")
    page.screenshot(path=str(SHOTS / "money-in.png"), full_page=True)
    page.goto(site.url + "/cari?q=Eko")
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)
    page.set_viewport_size({"width": 412, "height": 900})
    page.goto(site.url + "/jaringan")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / "rings-412px.png"), full_page=True)
    assert width <= 412, f"the page is {width} px wide at 412 px"
    page.context.close()


def test_propam_finds_an_official_by_name_and_flags_him(site: Site, browser: Any) -> None:
    ring_key, want = next(iter(site.truth["rings"].items()))
    official = f"{site.bundle}:{want['protectors'][-1]}"
    store = EmbeddedStore(site.store)
    try:
        name = str(store.get_nodes([official])[official]["props"]["name"])
    finally:
        store.close()
    page = _login(browser, site, "propam")
    page.goto(site.url + "/entitas/" + official)
    assert page.locator("#official-flags").inner_text() == "Belum ditandai."
    page.click("#flag-official")
    page.fill("#official-q", name)
    page.click("#official-find")
    href = "/entitas/" + official.replace(":", "%3A")
    choose = page.locator(f"tr.candidate:has(a[href='{href}']) a.choose")
    assert choose.count() == 1, page.locator("#candidates").inner_text()
    choose.click()
    assert page.locator("#flag-official-name").inner_text() == name
    page.fill("#flag-reason", "Menerima setoran bulanan")
    page.click("#flag-submit")
    page.wait_for_selector("tr.flag")
    page.screenshot(path=str(SHOTS / "propam.png"), full_page=True)
    created = page.locator("tr.flag td").nth(4).inner_text()
    assert re.match(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} WIB", created), created
    page.goto(site.url + "/entitas/" + official)
    assert page.locator("#official-flags .flag-status").inner_text() == "terbuka"
    page.context.close()
