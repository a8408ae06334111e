"""The demo served by the real app over loopback, for the browser tests of the pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from api_helpers import served_app

from graph_api.cli._demo_cmd import prepare_demo
from graph_api.web import Settings, create_app


@dataclass
class Site:
    url: str
    passwords: dict[str, str]
    truth: dict[str, Any]
    store: Path
    bundle: str = "jatim"
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("demo")
    passwords = prepare_demo(folder, seed=2, scale=0.3)
    settings = Settings(
        secret="k3Yq-" + "9xT2mWv7LpQ4rZs8bNc1dF6gH0jK5uE3",
        audit_key="aK7p-" + "4vR9nXw2LqZ8sB3mTc6dF1gH5jK0uE7",
        store=f"embedded:{folder / 'store'}",
        state_dir=folder / "store",
    )
    truth = json.loads((folder / "jatim" / "truth.json").read_text())
    with served_app(create_app(settings)) as url:
        yield Site(url, passwords, truth, folder / "store")
