"""Shared fixtures: both stores, a real Neo4j from NEO4J_URI, the shared data sets.

``scripts/test`` starts a real Neo4j 5.26 and sets ``NEO4J_URI``. Without it the
Neo4j tests are skipped with the reason; under ``CI=true`` they fail instead,
because a CI run that silently skipped them would prove nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore, Neo4jStore, Store, open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = Path(os.environ.get("TELUSUR_SHARED_DATA", SHARED / "data"))
NO_NEO4J = (
    "no Neo4j server: set NEO4J_URI (under pytest-xdist NEO4J_URI_GW0, NEO4J_URI_GW1 …, one per "
    "worker; scripts/test starts them when java and mvn exist)"
)


def _neo4j_uri() -> str | None:
    """This process's server. Under pytest-xdist each worker has its own
    (``NEO4J_URI_GW0``, ``NEO4J_URI_GW1`` …, started by scripts/test): the Neo4j tests wipe
    the database, so two workers must never share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        return os.environ.get(f"NEO4J_URI_{worker.upper()}") or None
    return os.environ.get("NEO4J_URI") or None


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    uri = _neo4j_uri()
    if uri is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {NO_NEO4J}", pytrace=False)
        pytest.skip(NO_NEO4J)
    return uri


@pytest.fixture(scope="session")
def neo4j_session_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    store = open_store(neo4j_uri)
    assert isinstance(store, Neo4jStore)
    yield store
    store.close()


@pytest.fixture
def neo4j_store(neo4j_session_store: Neo4jStore) -> Neo4jStore:
    neo4j_session_store.wipe()
    return neo4j_session_store


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> Store:
    """Each test using this runs once per store: the contract both must meet."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_store")  # type: ignore[no-any-return]
    return request.getfixturevalue("neo4j_store")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA


NO_CHROMIUM = "no chromium found (run scripts/ensure-browser, or set CHROMIUM)"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {NO_CHROMIUM}", pytrace=False)
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=[*args, "--disable-gpu"])
        yield b
        b.close()
