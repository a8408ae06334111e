"""The weights of the protector ranking, read from ``queries/protectors.toml``."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

KINDS = ("money", "tipoff", "organizations", "cases", "ties", "comms", "bridging")


@functools.cache
def weights() -> dict[str, Any]:
    """The parsed configuration (cached; the file ships inside the package)."""
    text = resources.files("queries").joinpath("protectors.toml").read_text("utf-8")
    data = tomllib.loads(text)
    missing = set(KINDS) - set(data["weights"])
    if missing:
        raise ValueError(f"protectors.toml: no weight for {sorted(missing)}")
    return data
