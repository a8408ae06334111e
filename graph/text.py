"""Every text a user reads, in Bahasa Indonesia (the default) or English: gettext.

Messages are written in English in the code, where the ``msgid`` is the English text
itself (the gettext convention): English needs no catalogue, and Bahasa Indonesia is
the catalogue ``graph/locale/id/LC_MESSAGES/telusur.po``, compiled to the ``.mo`` next
to it that this module reads with the standard library (no Babel at run time). The
investigator pages, the graph pages, the command line, the API's problem answers and
the protectors' evidence sentences all ask here.

Writing a message: ``gettext("Sign in", lang)``; with a count,
``ngettext("{n} call", "{n} calls", n, lang).format(n=n)``; a word whose Indonesian
depends on where it stands, ``pgettext("evidence path", "case", lang)``; a message
kept in a table and looked up later, marked ``N_("not found")``. Then extract and
translate (``CONTRIBUTING.md``, "Add a translated message"); ``tests/test_messages.py``
fails while a message in the code has no Indonesian, or a ``.mo`` differs from its
``.po``.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path
from typing import Final, Literal

__all__ = ["DOMAIN", "LANGS", "LOCALE_DIR", "Lang", "N_", "gettext", "ngettext", "pgettext"]

Lang = Literal["id", "en"]
#: the languages users read, the default first
LANGS: Final[tuple[Lang, ...]] = ("id", "en")
DOMAIN: Final = "telusur"
LOCALE_DIR: Final = Path(__file__).with_name("locale")


@cache
def catalogue(lang: str) -> _gettext.NullTranslations:
    """The messages of ``lang``, loaded at first use: English is the ``msgid`` itself,
    every other language (Bahasa Indonesia) reads ``.mo`` of the same name.

    Raises
    ------
    FileNotFoundError
        When the language has no compiled catalogue.
    """
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _of(lang: str) -> _gettext.NullTranslations:
    # Bahasa Indonesia unless English is asked for, as every caller did before.
    return catalogue("en" if lang == "en" else "id")


def gettext(message: str, lang: str) -> str:
    """``message`` (English) in ``lang``: English for ``en``, else Bahasa Indonesia."""
    return _of(lang).gettext(message)


def ngettext(singular: str, plural: str, n: float | None, lang: str) -> str:
    """The form of a message that suits the count ``n``; fill the count in yourself
    (``.format(n=n)``): the message may not show it in every language. A count that
    is not a whole number chooses by its rounded value, a missing one as zero."""
    return _of(lang).ngettext(singular, plural, round(n) if n is not None else 0)


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` in ``lang`` where it means what ``context`` says (a short word
    that another place translates otherwise)."""
    return _of(lang).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is declared; translate it later
    with :func:`gettext`."""
    return message
