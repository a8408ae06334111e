"""API fixtures: the tiny graph on each store, and a client with a token per role, served
once ready (``/readyz``: the first background warm-up finished)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import Store

# tests here import their shared builders as ``api_helpers`` (importlib import mode)
sys.path.insert(0, str(Path(__file__).parent))

from api_helpers import Api, build, make_api, wait_ready  # noqa: E402


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Iterator[Api]:
    build(store)
    a = make_api(store, tmp_path / "state")
    with a.client:
        wait_ready(a.client)  # the first warm-up done: as a load balancer would wait
        yield a


@pytest.fixture
def embedded_api(embedded_store: Store, tmp_path: Path) -> Iterator[Api]:
    build(embedded_store)
    a = make_api(embedded_store, tmp_path / "state")
    with a.client:
        wait_ready(a.client)  # the first warm-up done: as a load balancer would wait
        yield a


@pytest.fixture
def neo_api(neo4j_store: Store, tmp_path: Path) -> Iterator[Api]:
    """The tiny graph on Neo4j, with a small console (50 rows, 2 s) for its tests."""
    build(neo4j_store)
    api = make_api(neo4j_store, tmp_path / "state", cypher_rows=50, cypher_timeout=2.0)
    with api.client:
        yield api
