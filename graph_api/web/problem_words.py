"""Words of the problem answers: Bahasa Indonesia first, English on request.

Every ``application/problem+json`` answer is worded in Bahasa Indonesia unless the
request asks for English (``?lang=en``, or an ``Accept-Language`` that prefers English:
:func:`graph_api.web.problems.language`), as ``/readyz`` and the investigator pages are.
The service's own titles and details are written in English in the code (where tests
and logs read them) and translated here, from the one catalogue (:mod:`graph.text`),
when the answer is made. A detail is one of :data:`DETAILS`: word for word, or a
message with ``{values}`` whose English shape it has (``no ring 'x'``). A detail that
quotes something else (a message of Neo4j or of the query layer, a field name) is kept
as it came.
"""

from __future__ import annotations

import re
from typing import Final

from graph.text import N_, gettext

__all__ = ["DETAILS", "TITLES", "detail", "title"]

#: every title the service gives a problem
TITLES: Final[frozenset[str]] = frozenset(
    {
        N_("not found"),
        N_("unauthorized"),
        N_("forbidden"),
        N_("too many requests"),
        N_("internal error"),
        N_("store unavailable"),
        N_("audit unavailable"),
        N_("unusable input"),
        N_("bad query"),
        N_("does not fit the graph model"),
        N_("server misconfigured"),
        N_("invalid request"),
        N_("method not allowed"),
        N_("payload too large"),
        N_("query too expensive"),
        N_("query refused"),
        N_("not implemented"),
        N_("service not ready"),
        N_("rows rejected"),
        N_("bad request"),
        N_("error"),
    }
)

#: the service's own details; ``{value}`` stands for what the code fills in
DETAILS: Final[tuple[str, ...]] = (
    N_("no such resource"),
    N_("no such file"),
    N_("no such entity"),
    N_("no such ring"),
    N_("no such official"),
    N_("no such flag"),
    N_("no such user"),
    N_("no such case"),
    N_("no entity {name}"),
    N_("no ring {name}"),
    N_("no official {name}"),
    N_("no flag {name}"),
    N_("no user {name}"),
    N_("no case {name}"),
    N_("no label {name}"),
    N_("no type {name}"),
    N_("slow down"),
    N_("response withheld"),
    N_("see errors"),
    N_("the error was logged"),
    N_("the graph store cannot be reached; retry shortly"),
    N_("a bearer token is required (POST /api/v1/auth/token)"),
    N_("the token is invalid or expired"),
    N_("too many sign-in attempts"),
    N_("wrong user name or password"),
    N_("the {role} role cannot use this"),
    N_("the console is read-only"),
    N_("exceeded the memory limit"),
    N_("at most {n} parameters"),
    N_("stopped after the {seconds} s limit"),
    N_("the Cypher console needs a Neo4j store; this service runs on the embedded store"),
    N_("bundle names are a-z 0-9 _ - (max 40)"),
    N_("the upload is not a zip file"),
    N_("encrypted zips are refused"),
    N_("the zip holds more data than it declares"),
    N_("the zip has more than {n} members"),
    N_("the zip would unpack to more than {n} bytes"),
    N_("the limit is {n} bytes"),
    N_("strict: rows were rejected, nothing was written"),
    N_(
        "part of the bundle was written before this error (see written); "
        "upload the same bundle again to complete it"
    ),
    N_(
        "The service is computing its whole-graph results (the rings and every ring's "
        "protector ranking). Retry in a few seconds."
    ),
    N_("control characters in the URL"),
    N_("no response"),
    N_("the request was not recorded"),
    N_("Not Found"),
    N_("Method Not Allowed"),
)

_FIELD = re.compile(r"\{(\w+)\}")


def _shape(message: str) -> re.Pattern[str]:
    """The English text ``message`` makes once its ``{values}`` are filled in."""
    parts = _FIELD.split(message)  # literal, name, literal, name, ...
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
        re.S,
    )


_EXACT: Final = frozenset(d for d in DETAILS if not _FIELD.search(d))
_SHAPES: Final = tuple((d, _shape(d)) for d in DETAILS if _FIELD.search(d))


def title(text: str, lang: str) -> str:
    """A problem title in ``lang`` (``id`` or ``en``)."""
    return gettext(text, lang) if text in TITLES else text


def detail(text: str, lang: str) -> str:
    """A problem detail in ``lang``: translated when it is one of the service's own."""
    if lang == "en" or not text:
        return text
    if text in _EXACT:
        return gettext(text, lang)
    for message, shape in _SHAPES:
        m = shape.fullmatch(text)
        if m is not None:
            return gettext(message, lang).format(**m.groupdict())
    return text
