"""schemathesis against the app's own OpenAPI schema: no server errors, responses fit.

Runs on the embedded store as admin (users, audit, ingest) and as propam (every
data route and the flags), a few examples per operation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import build, make_api
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from graph_api.store import EmbeddedStore

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


@pytest.mark.parametrize("role", ["admin", "propam"])
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any, role: str) -> None:
    case.call_and_validate(headers=_API.headers(role), checks=CHECKS)
