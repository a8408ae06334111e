"""Graph-page benchmark: render time, HTML size and time until interactive in Chromium.

Run: ``python bench/render.py [--sizes 100 1000 5000] [--chromium /usr/bin/chromium]``.
Prints a Markdown table (figures go to docs/performance.md, "Graph pages").
"Interactive" is when the page sets ``body[data-ready]``: physics stabilised
and switched off (≤ 300 nodes) or the precomputed layout drawn (bigger pages).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from viz import render_subgraph, write_page
from viz.sample import synthetic_subgraph


def _interactive_seconds(chromium: str, page_path: Path) -> float:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[*args, "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        start = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=300_000)
        took = time.perf_counter() - start
        browser.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--no-browser", action="store_true")
    opts = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}\n")
    print("| nodes | rels | drawn nodes | drawn edges | layout | render s | HTML MB "
          "| interactive s |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in opts.sizes:
            sub = synthetic_subgraph(n)
            start = time.perf_counter()
            html = render_subgraph(sub, title=f"Bench {n}", max_nodes=n)
            render_s = time.perf_counter() - start
            path = write_page(Path(tmp) / f"bench-{n}.html", html)
            nodes_json = html.split("nodes = new vis.DataSet(", 1)[1]
            drawn_nodes = nodes_json.split(");\n", 1)[0].count('"entity":')
            drawn_edges = html.split("edges = new vis.DataSet(", 1)[1].split(");\n", 1)[0]
            n_edges = drawn_edges.count('"from":')
            layout = "precomputed" if "var physics = false" in html else "physics"
            ready = "—" if opts.no_browser else f"{_interactive_seconds(opts.chromium, path):.2f}"
            print(f"| {n:,} | {len(sub['relationships']):,} | {drawn_nodes:,} | {n_edges:,} "
                  f"| {layout} | {render_s:.2f} | {len(html.encode()) / 1e6:.2f} | {ready} |")


if __name__ == "__main__":
    main()
