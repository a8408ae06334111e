"""What the print layout of every page states: when it was printed (WIB).

``printed_at()`` is a global of the pages' templates (``base.html.jinja`` puts it in
the header that only print shows, beside the classification and who printed it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from graph_api.pages._routes import _ENV
from viz.dossier import printed_at_text


def printed_at() -> str:
    """Now, as ``dd/mm/yyyy HH:MM WIB``."""
    return printed_at_text(datetime.now(UTC))


_ENV.globals["printed_at"] = printed_at
