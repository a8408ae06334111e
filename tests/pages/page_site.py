"""The demo served by the real app over loopback, for the browser tests of the pages."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    truth = json.loads((folder / "jatim" / "truth.json").read_text())
    yield Site(f"http://127.0.0.1:{port}", passwords, truth, folder / "store")
    server.should_exit = True
    thread.join(timeout=10)
