"""What the print layout of every page states: when it was printed (WIB).

``printed_at()`` is a global of the pages' templates (``base.html.jinja`` puts it in
the header that only print shows, beside the classification and who printed it);
``css_string`` writes a value into the print stylesheet's ``content: "..."`` (the
same header in the top margin of every sheet after the first).
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

from graph_api.pages._routes import _ENV
from viz.dossier import printed_at_text


def printed_at() -> str:
    """Now, as ``dd/mm/yyyy HH:MM WIB``."""
    return printed_at_text(datetime.now(UTC))


def css_string(value: object) -> Markup:
    r"""``value`` as the inside of a CSS string: every character but letters, digits,
    spaces and ``.,:-_/@·`` as a CSS escape (``\22 `` for ``"``), so that nothing a
    value holds can end the string, the rule or the ``<style>`` element.

    >>> str(css_string('a"b</style>'))
    'a\\22 b\\3c /style\\3e '
    """
    safe = " .,:-_/@·"
    return Markup("".join(c if c.isalnum() or c in safe else f"\\{ord(c):x} " for c in str(value)))


_ENV.globals["printed_at"] = printed_at
_ENV.filters["css_string"] = css_string
