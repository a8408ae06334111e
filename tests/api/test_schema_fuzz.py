"""schemathesis against the app's own OpenAPI schema: no server errors, responses fit.

Runs on the embedded store as every role (an insider with an ordinary account
fuzzes too), a few examples per operation; the slow suite runs many more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import build, make_api, sign_in
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from graph.store import EmbeddedStore, Neo4jStore

_TMP = Path(tempfile.mkdtemp(prefix="telusur-fuzz-"))
_STORE = EmbeddedStore(_TMP / "store")
build(_STORE)
_API = make_api(_STORE, _TMP / "state")
schema = schemathesis.openapi.from_asgi("/api/openapi.json", _API.client.app)
CHECKS: list[Any] = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


ROLES = ["admin", "propam", "reskrim", "analyst"]
CONSOLE = "/api/v1/cypher"


@pytest.fixture(scope="module", autouse=True)
def _fresh_tokens() -> None:
    """The app and its tokens are made when the module is imported (schemathesis needs
    the schema to parametrize); on a long run the tokens may have expired by the time
    the module runs, and every fuzzed request would only meet the 401 answer."""
    sign_in(_API)
    r = _API.get("/api/v1/rings", "analyst")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("role", ROLES)
@schema.exclude(path=CONSOLE).parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any, role: str) -> None:
    case.call_and_validate(headers=_API.headers(role), checks=CHECKS)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@schema.exclude(path=CONSOLE).parametrize()
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_deeply(case: Any, role: str) -> None:
    case.call_and_validate(headers=_API.headers(role), checks=CHECKS)


def test_the_console_on_the_embedded_store_says_it_needs_neo4j() -> None:
    r = _API.post(CONSOLE, "analyst", json={"query": "RETURN 1"})
    assert r.status_code == 501  # documented; fuzzed on Neo4j below, where it runs


@pytest.fixture
def neo4j_console(neo4j_store: Neo4jStore, tmp_path: Path) -> Any:
    build(neo4j_store)
    # as for the module's app: schemathesis's own client runs the app's lifespan
    return make_api(neo4j_store, tmp_path / "state", cypher_rows=50, cypher_timeout=2.0)


@pytest.mark.neo4j
def test_the_console_conforms_on_neo4j(neo4j_console: Any) -> None:
    """The analysts' console fuzzed where it runs, each case as every role: no server
    error (analysts' queries reach Neo4j; the other roles are refused)."""
    api = neo4j_console
    operation = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)[CONSOLE][
        "POST"
    ]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: Any) -> None:
        for role in ROLES:
            answer = case.call_and_validate(headers=api.headers(role), checks=CHECKS)
            seen.add((role, answer.status_code))

    seen: set[tuple[str, int]] = set()
    fuzz()
    # the analysts' queries ran (200 or a 400/403 refusal), the other roles were refused
    assert {s for r, s in seen if r != "analyst"} <= {403, 422}
    assert {s for r, s in seen if r == "analyst"} & {200, 400}, seen
