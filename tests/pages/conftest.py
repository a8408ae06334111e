"""Page fixtures: the API tests' tiny graph and users (``tests/api/api_helpers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

# the page tests build the same tiny graph as the API tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_site import site  # noqa: E402, F401  (the demo site fixture of the browser tests)
