"""How many threads answer requests at once: a few on the embedded store (its reads are
CPU work in this process), anyio's default on Neo4j, ``TELUSUR_THREADS`` over both."""

from __future__ import annotations

import os
from pathlib import Path

import anyio.to_thread
from api_helpers import make_api, settings

from graph.store import EmbeddedStore
from graph_api.web.settings import Settings


def tokens_while_served(store: EmbeddedStore, state: Path, **over: object) -> float:
    """The thread limiter's size seen from the served app's event loop."""
    api = make_api(store, state, **over)
    with api.client:
        portal = api.client.portal
        assert portal is not None
        return portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_the_embedded_store_is_served_by_a_few_threads(
    embedded_store: EmbeddedStore, tmp_path: Path
) -> None:
    assert tokens_while_served(embedded_store, tmp_path / "a") == min(40, 4 * (os.cpu_count() or 1))
    assert tokens_while_served(embedded_store, tmp_path / "b", threads=3) == 3


def test_the_setting_and_the_store_kind_decide(tmp_path: Path) -> None:
    s: Settings = settings(tmp_path)
    assert s.request_threads("neo4j") is None  # anyio's own default
    assert s.request_threads("embedded") == min(40, 4 * (os.cpu_count() or 1))
    env = {"TELUSUR_DEV": "1", "TELUSUR_THREADS": "12", "TELUSUR_STATE_DIR": str(tmp_path)}
    assert Settings.from_env(env).request_threads("neo4j") == 12
