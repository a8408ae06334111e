"""A conservative guard for the read-only Cypher console.

The query is tokenised (comments dropped, string literals reduced to one token)
and refused when any of this holds: a write or admin keyword anywhere (even as
a property or variable name: false refusals are cheap, a write is not), ``CALL``
of anything but an allow-listed read procedure (so no ``CALL {}`` and no
``CALL ... IN TRANSACTIONS``), a namespaced function outside the temporal ones
(``apoc.cypher.runWrite(...)`` needs no ``CALL``), more than one statement,
characters outside printable ASCII outside string literals (no look-alike
letters, no NUL), or, for every role but Propam, a Propam-only label, type or
property. The query then runs in a READ transaction, where the server itself
refuses any write that got through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.model import MODEL, PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES

MAX_QUERY = 10_000

WRITE_WORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "DROP",
        "LOAD",
        "FOREACH",
        "INSERT",
        "USE",
        "SHOW",
        "GRANT",
        "DENY",
        "REVOKE",
        "TERMINATE",
        "ALTER",
        "START",
        "STOP",
        "RENAME",
        "ENABLE",
        "DISABLE",
        "IMPORT",
        "PERIODIC",
        "TRANSACTIONS",
        "DATABASE",
        "DATABASES",
        "USER",
        "USERS",
        "ROLE",
        "ROLES",
        "PRIVILEGES",
        "DEALLOCATE",
        "REALLOCATE",
    }
)
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
    }
)
FUNCTION_NAMESPACES = frozenset(
    {
        "date",
        "datetime",
        "time",
        "localtime",
        "localdatetime",
        "duration",
        "point",
    }
)


def _propam_words() -> frozenset[str]:
    only = set(PROPAM_ONLY_LABELS) | set(PROPAM_ONLY_TYPES)
    shared = {
        p.name for s in MODEL.nodes.values() if s.label not in PROPAM_ONLY_LABELS for p in s.props
    } | {p.name for r in MODEL.rels.values() for p in r.props}
    for label in PROPAM_ONLY_LABELS:
        only |= {p.name for p in MODEL.nodes[label].props if p.name not in shared}
    return frozenset(w.upper() for w in only | {"x_history"})


PROPAM_WORDS = _propam_words()

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<line>//[^\n]*)
      | (?P<block>/\*.*?\*/)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<tick>`(?:[^`]|``)*`)
      | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
      | (?P<op>[-+*/%^=<>!~|:;,.(){}\[\]&?])
    """,
    re.VERBOSE | re.DOTALL,
)


class Refused(Exception):
    """The query may not run; the message says why (shown to the user)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(query: str) -> list[Token]:
    """Comment-free tokens; :class:`Refused` on anything the lexer does not know."""
    out: list[Token] = []
    pos = 0
    while pos < len(query):
        if query.startswith("/*", pos) and "*/" not in query[pos + 2 :]:
            raise Refused("unterminated comment")
        m = _TOKEN.match(query, pos)
        if m is None:
            ch = query[pos]
            raise Refused(f"character {ch!r} at offset {pos} is not allowed outside a string")
        kind = m.lastgroup or ""
        if kind == "str" and "\x00" in m.group():
            raise Refused("NUL characters are not allowed")
        if kind == "tick":
            name = m.group()[1:-1].replace("``", "`")
            if not name.isascii() or not name.isprintable():
                raise Refused("quoted names must be printable ASCII")
            out.append(Token("word", name))
        elif kind not in ("ws", "line", "block"):
            out.append(Token(kind, m.group()))
        pos = m.end()
    return out


def check(query: str, *, propam: bool = False) -> None:
    """Raise :class:`Refused` unless ``query`` is one plainly read-only statement."""
    if len(query) > MAX_QUERY:
        raise Refused(f"queries are limited to {MAX_QUERY} characters")
    toks = tokens(query)
    if not toks:
        raise Refused("empty query")
    words = [t for t in toks if t.kind == "word"]
    for i, t in enumerate(toks):
        if t.kind == "op" and t.text == ";" and any(x.kind != "op" for x in toks[i + 1 :]):
            raise Refused("one statement at a time")
    for w in words:
        up = w.text.upper()
        if up in WRITE_WORDS:
            raise Refused(f"{up} is not allowed: the console is read-only")
        if not propam and (up in PROPAM_WORDS or w.text in PROPAM_ONLY_LABELS):
            raise Refused("the query names data your role cannot see")
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "CALL":
            name = _dotted(toks, i + 1)
            if name not in READ_PROCEDURES:
                raise Refused("CALL is limited to " + ", ".join(sorted(READ_PROCEDURES)))
        if (
            t.kind == "word"
            and i + 1 < len(toks)
            and toks[i + 1].text == "."
            and (i == 0 or toks[i - 1].text != ".")
        ):
            name = _dotted(toks, i)
            end = i + 2 * name.count(".") + 1
            if (
                end < len(toks)
                and toks[end].text == "("
                and name.split(".")[0].lower() not in FUNCTION_NAMESPACES
                and (i == 0 or toks[i - 1].text.upper() != "CALL")
            ):
                raise Refused(f"function {name} is not allowed")


def _dotted(toks: list[Token], i: int) -> str:
    parts: list[str] = []
    while i < len(toks) and toks[i].kind == "word":
        parts.append(toks[i].text)
        if i + 1 < len(toks) and toks[i + 1].text == ".":
            i += 2
        else:
            break
    return ".".join(parts)
