"""The deployment files: docker-compose.yml validates and says what the deployment needs.

``docker-compose config`` (v1.29+) or ``docker compose config`` checks the file without
a Docker engine; the tests that need it skip, saying why, where neither is installed.
The structure tests read the YAML with PyYAML, which is not a project dependency (it
comes with the dev tools); they skip without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
REQUIRED_ENV = {
    "NEO4J_PASSWORD": "compose-test-password",
    "TELUSUR_SECRET": "compose-test-secret",
    "TELUSUR_AUDIT_KEY": "compose-test-audit-key",
}


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def _config(env_overrides: Mapping[str, str | None]) -> subprocess.CompletedProcess[str]:
    cmd = _compose_command()
    if cmd is None:
        pytest.skip("neither docker-compose nor the docker compose plugin is installed")
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED_ENV and k != "NEO4J_USER"}
    for key, value in env_overrides.items():
        if value is not None:
            env[key] = value
    return subprocess.run(
        [*cmd, "-f", str(COMPOSE), "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_compose_config_validates() -> None:
    done = _config(dict(REQUIRED_ENV))
    assert done.returncode == 0, done.stderr
    assert "neo4j:5.26-community" in done.stdout
    assert "bolt://neo4j:7687" in done.stdout


@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_compose_refuses_to_run_without_a_secret(missing: str) -> None:
    done = _config({**REQUIRED_ENV, missing: None})
    assert done.returncode != 0
    assert missing in done.stderr


def test_neo4j_is_the_5_26_community_line(compose: dict[str, Any]) -> None:
    image = compose["services"]["neo4j"]["image"]
    assert re.fullmatch(r"neo4j:5\.26(\.\d+)?-community", image), image


def test_api_waits_for_a_healthy_neo4j(compose: dict[str, Any]) -> None:
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert neo4j["healthcheck"]["test"], "service_healthy needs a healthcheck on neo4j"
    # healthy means ready for traffic (store up, first warm-up done), not only alive
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    assert api["environment"]["TELUSUR_STORE"] == "bolt://neo4j:7687"


def test_ports_listen_on_loopback_only(compose: dict[str, Any]) -> None:
    ports = [p for svc in compose["services"].values() for p in svc.get("ports", [])]
    assert ports
    assert all(str(p).startswith("127.0.0.1:") for p in ports), ports


def test_neo4j_data_is_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["neo4j"]["volumes"]
    data = [m.split(":")[0] for m in mounts if m.split(":")[1] == "/data"]
    assert data and data[0] in compose["volumes"], mounts


def test_the_api_state_is_a_named_volume(compose: dict[str, Any]) -> None:
    """Users, the audit trails and Propam's store (flags live there, not in Neo4j)
    outlive the API container."""
    state = re.search(r"^ENV TELUSUR_STATE_DIR=(\S+)$", DOCKERFILE.read_text(encoding="utf-8"),
                      re.M)
    assert state, "the image names its state folder"
    mounts = compose["services"]["api"]["volumes"]
    named = [m.split(":")[0] for m in mounts if m.split(":")[1] == state.group(1)]
    assert named and named[0] in compose["volumes"], mounts


def test_dockerfile_runs_the_api_as_a_non_root_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.findall(r"^FROM (\S+)", text, re.M)[-1] == "python:3.11-slim"
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^EXPOSE 8000$", text, re.M)
    assert "[dev]" not in text
