"""Every text a user reads, in Bahasa Indonesia (the default) or English: gettext.

Messages are written in English in the code, where the ``msgid`` is the English text
itself (the gettext convention): English needs no catalogue, and Bahasa Indonesia is
the catalogue ``graph/locale/id/LC_MESSAGES/telusur.po``. Babel extracts and updates it
(``babel.cfg``); at run time this module reads the ``.po`` itself (:func:`read_po`, a
few milliseconds, no Babel import) into the standard library's ``GNUTranslations``, so
the ``.po`` is the one file a new message touches. The investigator pages, the graph
pages, the command line, the API's problem answers and the protectors' evidence
sentences all ask here.

Writing a message: ``gettext("Sign in", lang)``; with a count,
``ngettext("{n} call", "{n} calls", n, lang).format(n=n)``; a word whose Indonesian
depends on where it stands, ``pgettext("evidence path", "case", lang)``; a message
kept in a table and looked up later, marked ``N_("not found")``. Then extract and
translate (``CONTRIBUTING.md``, "Add a translated message"); ``tests/test_messages.py``
fails while a message in the code has no Indonesian, or :func:`read_po` reads the
catalogue otherwise than Babel does.
"""

from __future__ import annotations

import gettext as _gettext
import re
from functools import cache
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "Lang",
    "N_",
    "gettext",
    "ngettext",
    "pgettext",
    "read_po",
]

Lang = Literal["id", "en"]
#: the languages users read, the default first
LANGS: Final[tuple[Lang, ...]] = ("id", "en")
DOMAIN: Final = "telusur"
LOCALE_DIR: Final = Path(__file__).with_name("locale")
#: the escapes a ``.po`` string may hold (what Babel writes)
_ESCAPE: Final = re.compile(r"\\(.)")
_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@cache
def catalogue(lang: str) -> _gettext.NullTranslations:
    """The messages of ``lang``, loaded at first use: English is the ``msgid`` itself,
    every other language (Bahasa Indonesia) reads its ``.po``.

    Raises
    ------
    FileNotFoundError
        When the language has no catalogue.
    """
    if lang == "en":
        return _gettext.NullTranslations()
    return read_po(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


def read_po(path: Path) -> _gettext.GNUTranslations:
    """A ``.po`` catalogue as the standard library's translations (what it would read
    from the ``.mo`` compiled from it): singular, plural (``msgstr[n]``) and context
    (``msgctxt``) messages; untranslated and fuzzy entries are left out, as
    compiling leaves them out; obsolete (``#~``) entries are comments.

    Raises
    ------
    ValueError
        On a line that is none of the above, naming the file and line.
    """
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    field = ""
    flagged = False  # a "#, fuzzy" comment seen since the last entry began
    for n, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            flagged = flagged or (line.startswith("#,") and "fuzzy" in line)
            continue
        if line.startswith('"'):
            if not field:
                raise ValueError(f"{path}:{n}: a string outside any field")
            entry[field] += _unquote(line, path, n)
            continue
        keyword, _, rest = line.partition(" ")
        if not (
            keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr")
            or (keyword.startswith("msgstr[") and keyword.endswith("]"))
        ):
            raise ValueError(f"{path}:{n}: unknown line {raw!r}")
        if keyword in ("msgctxt", "msgid") and (not entry or field.startswith("msgstr")):
            if entry:
                entries.append(entry)
            entry, flagged = {"fuzzy": "1" if flagged else ""}, False
        field = keyword
        entry[field] = _unquote(rest, path, n)
    if "msgid" in entry:
        entries.append(entry)
    out = _gettext.GNUTranslations()
    catalog: dict[object, str] = {}
    for e in entries:
        if e["fuzzy"] and e["msgid"]:
            continue
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            forms = sorted((k, v) for k, v in e.items() if k.startswith("msgstr["))
            if all(v for _, v in forms):
                for k, v in forms:
                    catalog[(key, int(k[7:-1]))] = v
        elif e.get("msgstr"):
            catalog[key] = e["msgstr"]
    header = catalog.get("", "")
    out._catalog = catalog  # type: ignore[attr-defined]
    plural = "nplurals=2; plural=(n != 1);"
    for item in header.splitlines():
        name, _, value = item.partition(":")
        if name.strip().lower() == "plural-forms":
            plural = value.strip()
    out.plural = _gettext.c2py(plural.split("plural=", 1)[1].rstrip(";"))  # type: ignore[attr-defined]
    return out


def _unquote(text: str, path: Path, n: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{n}: expected a quoted string, got {text!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[0]), text[1:-1])


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
