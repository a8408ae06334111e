"""Browser fixtures: Debian's Chromium driven by Playwright, requests recorded.

Without a chromium the browser tests are skipped with the reason; under
``CI=true`` they fail instead (CI installs chromium with ``scripts/ensure-browser``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# tests here import their shared builders as ``viz_helpers`` (importlib import mode)
sys.path.insert(0, str(Path(__file__).parent))

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
@dataclass
class Loaded:
    """A page opened in Chromium, with what it asked for and complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(url: str, *, timeout_ms: int = 20_000) -> Loaded:
        # bypass_csp: page.evaluate needs eval, which the page's CSP forbids
        ctx = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        contexts.append(ctx)
        page = ctx.new_page()
        loaded = Loaded(page)
        page.on("request", lambda r: loaded.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and loaded.console_errors.append(m.text))
        page.on("pageerror", lambda e: loaded.console_errors.append(str(e)))

        def on_dialog(d: Any) -> None:
            loaded.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=timeout_ms)
        return loaded

    yield _open
    for ctx in contexts:
        ctx.close()
