"""Named Cypher queries, loaded from ``queries/cypher/*.cypher`` and checked at load.

Every query in a file starts with a header block of ``//`` comments::

    // name: money_trail
    // params: starts, targets, min_amount, window_hours, max_hops, limit
    // mode: read
    // returns: rows of {path_nodes: [id], rels: [...]}
    // doc: Flows that follow transfer direction and time order ...
    //   (a ``//`` line indented by two or more spaces continues the value above)
    MATCH ...

The text runs until the next ``// name:`` line. At load, the ``$parameters`` used
in the text (comments left out) must equal the declared ``params``; any problem
raises :class:`graph.errors.QueryError` naming the query, the file and the line.

Relationship types are named by what they mean, never spelled: ``{{types:money}}``
becomes the types the model declares with that meaning, joined for a pattern
(``[t:{{types:money,communication}}]`` → ``[t:TRANSFERRED|CALLED]``);
``{{list:communication}}`` becomes a list literal (``['CALLED']``) for ``type(r) IN``;
``instrument/money`` names the instrument types of a channel (``HOLDS``). A meaning
with no type, or an unknown one, fails at load.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from graph.errors import QueryError

Mode = Literal["read", "write"]

_HEADER = re.compile(r"^//\s*(name|params|mode|returns|doc)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_REQUIRED = ("name", "params", "mode", "returns", "doc")
_TYPES = re.compile(r"\{\{(types|list):([a-z_/,]+)\}\}")


def _types_of(words: str) -> tuple[str, ...]:
    """The model's types for comma-separated meanings (``instrument/money``: a channel)."""
    from graph.model import MODEL

    out: list[str] = []
    for word in words.split(","):
        meaning, _, channel = word.partition("/")
        found = (
            MODEL.instruments(channel)  # type: ignore[arg-type]
            if channel
            else MODEL.meaning(meaning)  # type: ignore[arg-type]
        )
        if not found:
            raise ValueError(f"no relationship type means {word!r}")
        out += [t for t in found if t not in out]
    return tuple(out)


def expand_types(text: str) -> str:
    """``text`` with every ``{{types:…}}``/``{{list:…}}`` replaced from the model."""

    def one(m: re.Match[str]) -> str:
        types = _types_of(m.group(2))
        return "|".join(types) if m.group(1) == "types" else repr(list(types))

    return _TYPES.sub(one, text)


@dataclass(frozen=True)
class NamedQuery:
    """One query from a ``.cypher`` file, with its checked header."""

    name: str
    params: tuple[str, ...]
    mode: Mode
    returns: str
    doc: str
    text: str
    file: str
    line: int


def _fail(file: str, line: int, name: str | None, why: str) -> QueryError:
    who = f"query {name!r}" if name else "query"
    return QueryError(f"{who} in {file}, line {line}: {why}")


def _used_params(text: str) -> set[str]:
    code = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))
    return set(_PARAM.findall(_STRING.sub("''", code)))


def _finish(file: str, line: int, header: dict[str, str], body: list[str]) -> NamedQuery:
    name = header.get("name") or None
    for key in _REQUIRED:
        if key not in header or (key != "params" and not header[key]):
            raise _fail(file, line, name, f"header lacks '{key}:'")
    assert name is not None
    mode = header["mode"]
    if mode not in ("read", "write"):
        raise _fail(file, line, name, f"mode must be read or write, not {mode!r}")
    declared = tuple(p.strip() for p in header["params"].split(",") if p.strip())
    if len(set(declared)) != len(declared):
        raise _fail(file, line, name, "a parameter is declared twice")
    text = "\n".join(body).strip()
    if not text:
        raise _fail(file, line, name, "no query text after the header")
    try:
        text = expand_types(text)
    except ValueError as exc:
        raise _fail(file, line, name, str(exc)) from None
    used = _used_params(text)
    missing = sorted(used - set(declared))
    unused = sorted(set(declared) - used)
    if missing:
        raise _fail(file, line, name, f"uses undeclared parameters {missing}")
    if unused:
        raise _fail(file, line, name, f"declares parameters it does not use {unused}")
    return NamedQuery(
        name=name,
        params=declared,
        mode="read" if mode == "read" else "write",
        returns=header["returns"],
        doc=header["doc"],
        text=text,
        file=file,
        line=line,
    )


def parse_text(text: str, file: str) -> list[NamedQuery]:
    """Parse the queries of one file's text (``file`` names it in errors)."""
    out: list[NamedQuery] = []
    header: dict[str, str] = {}
    body: list[str] = []
    start = 0
    in_header = False
    last_key = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _HEADER.match(line.strip())
        if match and match.group(1) == "name":
            if start:
                out.append(_finish(file, start, header, body))
            header, body, start, in_header = {}, [], number, True
        if in_header and line.strip().startswith("//"):
            if match:
                key, value = match.groups()
                if key in header:
                    raise _fail(file, number, header.get("name"), f"'{key}:' given twice")
                header[key], last_key = value, key
            elif last_key and line.strip().startswith("//  ") and line.strip()[2:].strip():
                header[last_key] = f"{header[last_key]} {line.strip()[2:].strip()}".strip()
            else:
                raise _fail(file, number, header.get("name"), f"unknown header line {line!r}")
            continue
        in_header = False
        if not start:
            if line.strip() and not line.strip().startswith("//"):
                raise _fail(file, number, None, "text before the first '// name:' header")
            continue
        body.append(line)
    if start:
        out.append(_finish(file, start, header, body))
    return out


def load(files: Iterable[tuple[str, str]]) -> dict[str, NamedQuery]:
    """Queries by name from ``(file name, text)`` pairs; a name may appear once."""
    found: dict[str, NamedQuery] = {}
    for file, text in files:
        for q in parse_text(text, file):
            if q.name in found:
                other = found[q.name]
                where = f"{other.file}, line {other.line}"
                raise _fail(file, q.line, q.name, f"already defined in {where}")
            found[q.name] = q
    return found


@functools.cache
def _package_queries() -> dict[str, NamedQuery]:
    folder = resources.files("queries").joinpath("cypher")
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    )
    return load((f"queries/cypher/{name}", text) for name, text in files)


def get(name: str) -> NamedQuery:
    """The named query; :class:`QueryError` if there is none."""
    try:
        return _package_queries()[name]
    except KeyError:
        raise QueryError(f"no query named {name!r}") from None


def all_queries() -> tuple[NamedQuery, ...]:
    """Every packaged query, sorted by name."""
    queries = _package_queries()
    return tuple(queries[name] for name in sorted(queries))
