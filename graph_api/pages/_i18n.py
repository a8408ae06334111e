"""Words of the investigator pages: Bahasa Indonesia first, English on request.

The templates write their messages in English, ``{{ _("Sign in") }}``, and read them
from the one catalogue (:mod:`graph.text`); :func:`page_words` is what a template is
given to do that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Final

from graph.text import N_, gettext, ngettext

#: a Propam flag's status as the flags page names it
STATUS: Final[dict[str, str]] = {
    "open": N_("open"),
    "under_review": N_("under review"),
    "substantiated": N_("substantiated"),
    "cleared": N_("cleared"),
}


def translator(lang: str) -> Callable[[str], str]:
    """``message -> text`` in ``lang`` (``id`` or ``en``)."""
    return partial(gettext, lang=lang)


def status_name(status: str, lang: str) -> str:
    """A flag's status in ``lang`` (an unknown status as it is stored)."""
    return gettext(STATUS[status], lang) if status in STATUS else status


def page_words(lang: str) -> dict[str, Any]:
    """What a template needs to speak ``lang``: ``_``, ``ngettext`` and ``status_name``."""
    return {
        "_": translator(lang),
        "ngettext": partial(ngettext, lang=lang),
        "status_name": partial(status_name, lang=lang),
    }
