"""Find entities by exact identifier, else by name.

Order of the result: exact-identifier hits first (score 100.0), by how they
matched (``phone``, ``nik``, ``passport``, ``id_number``, ``account``, ``imei``,
``npwp``, ``license_no``, ``id``, ``phone_user``, ``extra``) then by id; then name
hits by score (descending) then id. The name score is computed in Python for both
stores, so they rank alike.

Identifiers. Every strong identifier the model declares (:attr:`graph.model.Prop.identifier`:
NIK, passport, NRP/NIP, account number, NPWP, licence number, a handset's IMEI) is
matched exactly, as typed or without spaces, dots, dashes, slashes and brackets
(and that in upper case, as passports are kept). A text with a digit in it is also
looked for in the bundles' extra columns (``x_<name>`` properties, e.g. an
``x_nhs_no``): ``extra``, the whole value exactly. It goes through an index of the
columns' values (the embedded store's ``node_values``; on Neo4j the full-text index
``extra_values``, made again when a load brings a new column, and for a column written
since, by reading every node), and is skipped for texts without a digit (names).

Partial numbers and ids. A text of at least :data:`MIN_PREFIX` characters also finds
what starts with it, after the exact hits (score 90.0): phones whose number starts
with it read as a phone number (``0812`` as ``+62812``: ``phone_prefix``) and who
uses them (``phone_user_prefix``), accounts whose number starts with it
(``account_prefix``) and nodes whose id does (``id_prefix``, ``jatim:P12``); at most
``limit`` of each, the lowest ids first. Neo4j seeks its range indexes; the embedded
store reads the ids of every phone and account (and every node id, for a text with a
``:`` in it).

Name matching. The query and every name field (``name_norm``, and ``name`` and
each alias folded with :func:`graph.normalize.normalize_name`) are split into
tokens. A node is a name hit when some query token is within the allowed number
of edits of some name token (optimal string alignment distance: 0 edits for
tokens of up to 3 characters, 1 up to 6, else 2), which is what the Lucene fuzzy
query ``token~N`` sent to Neo4j's ``name_search`` index matches. Its score is
the best :func:`rapidfuzz.fuzz.WRatio` of the folded query against a folded
name field, rounded to one decimal. Neo4j fetches at most
``max(200, 10 * limit)`` full-text candidates first: with more candidates than
that (a very common name), the two stores may differ.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from graph.errors import QueryError
from graph.model import MODEL
from graph.normalize import NormalizeError, normalize_name, normalize_phone
from graph.store import Store
from graph.store.embedded import name_fields
from queries._common import LABELS, backend, caption, node_from_neo4j, reading, run
from queries._types import SearchHit

if TYPE_CHECKING:
    from graph.store import Neo4jStore

__all__ = ["search"]

_MATCH_ORDER = (
    "phone",
    "nik",
    "passport",
    "id_number",
    "account",
    "imei",
    "npwp",
    "license_no",
    "id",
    "phone_user",
    "extra",
    "phone_prefix",
    "phone_user_prefix",
    "account_prefix",
    "id_prefix",
)
#: the fewest characters a partial number or id is looked up by (fewer finds too much)
MIN_PREFIX = 4
#: the score of a hit on a partial number or id (below an exact one, above most names)
PREFIX_SCORE = 90.0
#: how a hit on each identifier property of the model is reported (``matched``)
MATCHED_BY: dict[str, str] = {
    "nik": "nik",
    "passport": "passport",
    "id_numbers": "id_number",
    "number": "account",
    "imei": "imei",
    "npwp": "npwp",
    "license_no": "license_no",
}
#: label -> its identifier properties, from the model
_IDENTIFIER_PROPS: dict[str, tuple[str, ...]] = {
    label: tuple(p.name for p in spec.props if p.identifier)
    for label, spec in MODEL.nodes.items()
    if any(p.identifier for p in spec.props)
}
_NAME_LABELS = frozenset({"Person", "Organization", "Agency"})
_SEPARATORS = re.compile(r"[\s.\-/()]+")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_MAX_Q = 200

_POSTS = MODEL.meaning("post")
_PHONES = MODEL.instruments("communication")


def _edits(token: str) -> int:
    return 0 if len(token) <= 3 else 1 if len(token) <= 6 else 2


def _lucene(tokens: list[str]) -> str:
    parts = []
    for t in tokens:
        esc = _LUCENE_SPECIAL.sub(r"\\\1", t)
        n = _edits(t)
        parts.append(f"{esc}~{n}" if n else esc)
    return " OR ".join(parts)


def _fields(props: dict[str, Any]) -> list[str]:
    """The folded names a node is matched on (the embedded store indexes their words)."""
    return name_fields(props)


def _score(qnorm: str, tokens: list[str], props: dict[str, Any]) -> float | None:
    """The name score, or ``None`` when no token matches (see the module docstring)."""
    fields = _fields(props)
    words = {w for f in fields for w in f.split()}
    if not any(OSA.distance(t, w) <= _edits(t) for t in tokens for w in words):
        return None
    return round(max(float(fuzz.WRatio(qnorm, f)) for f in fields), 1)


def _identifier_values(q: str) -> tuple[list[str], str | None]:
    compact = _SEPARATORS.sub("", q)
    values = list(dict.fromkeys(v for v in (q, compact, compact.upper()) if v))
    phone = None
    if sum(ch.isdigit() for ch in q) >= 6:
        try:
            phone = normalize_phone(q)
        except NormalizeError:
            phone = None
    return values, phone


def _prefixes(q: str) -> tuple[list[str], list[str]]:
    """(phone number prefixes in E.164, account number and id prefixes) of ``q``."""
    compact = _SEPARATORS.sub("", q)
    digits = compact.removeprefix("+")
    numbers: list[str] = []
    if digits.isdigit() and len(digits) >= MIN_PREFIX:  # as Indonesians write numbers
        if compact.startswith("+") or digits.startswith("62"):
            numbers.append("+" + digits)
        elif digits.startswith(("0", "8")):
            numbers.append("+62" + digits.removeprefix("0"))
    ids = [v for v in dict.fromkeys((q, compact)) if len(v) >= MIN_PREFIX]
    return numbers, ids


def _embedded_prefixes(
    g: Any, numbers: list[str], ids: list[str], limit: int
) -> list[tuple[str, str]]:
    """Prefix hits of the embedded store (see the module docstring)."""
    found: list[tuple[str, str]] = []

    def starting(label: str, prop: str, prefixes: list[str]) -> list[str]:
        if not prefixes:
            return []
        ids: list[str] = g.ids_by_prefix(label, prop, prefixes)  # an index range
        return ids[:limit]

    phones = starting("Phone", "number", numbers)
    found += [(nid, "phone_prefix") for nid in phones]
    users = sorted(
        {u for nid in phones for u, _, key in g.in_edges(nid, keys=True) if key[0] in _PHONES}
    )
    found += [(u, "phone_user_prefix") for u in users[:limit]]
    digits = [v for v in ids if v.isdigit()]
    found += [(nid, "account_prefix") for nid in starting("Account", "number", digits)]
    with_colon = [v for v in ids if ":" in v]
    if with_colon:
        matching = g.ids_starting(with_colon)
        found += [(nid, "id_prefix") for nid in matching[:limit]]
    return found


def _embedded_identifiers(g: Any, values: list[str], phone: str | None) -> list[tuple[str, str]]:
    """Identifier hits through the store's value index (the extra columns' values too,
    asked only for a text with a digit in it, as on Neo4j)."""
    found: list[tuple[str, str]] = []
    wanted = set(values)
    for nid in values:
        if nid in g:
            found.append((nid, "id"))
    for label, props in sorted(_IDENTIFIER_PROPS.items()):
        for prop in props:
            found += [(nid, MATCHED_BY[prop]) for _, nid in g.ids_by_value(label, prop, wanted)]
    for typ in sorted(_POSTS):
        for start, _, _, _ in g.rels_by_value(typ, "id_number", wanted):
            if "Official" in g.nodes[start][LABELS]:
                found.append((start, "id_number"))
    if _looks_like_an_identifier(values):
        found += [(nid, "extra") for nid in g.ids_by_extra_value(wanted)]
    if phone is not None:
        for _, nid in g.ids_by_value("Phone", "number", [phone]):
            found.append((nid, "phone"))
            for user, _, key in g.in_edges(nid, keys=True):
                if key[0] in _PHONES:
                    found.append((user, "phone_user"))
    return found


def _embedded_named(g: Any, tokens: list[str]) -> list[tuple[str, list[str], dict[str, Any]]]:
    """The name-labelled nodes with a name word within reach of a query token: the
    store's words are matched here, then only their nodes are read."""
    vocabulary = g.name_words()
    words = {
        w
        for t in tokens
        for w, _, _ in process.extract(
            t, vocabulary, scorer=OSA.distance, score_cutoff=_edits(t), limit=None
        )
    }
    ids = g.ids_by_name_words(words)
    g.prefetch(ids)
    out = []
    for nid in ids:
        attrs = g.nodes[nid]
        if attrs[LABELS] & _NAME_LABELS:
            out.append(
                (nid, sorted(attrs[LABELS]), {k: v for k, v in attrs.items() if k != LABELS})
            )
    return out


def _neo4j_extras(store: Store, values: list[str]) -> list[dict[str, Any]]:
    """The nodes with an extra column holding one of ``values``: through the full-text
    index for the columns it covers, by reading every node for any it does not yet."""
    keys, covered = cast("Neo4jStore", store).extra_columns()
    indexed = sorted(set(keys) & set(covered))
    rest = sorted(set(keys) - set(covered))
    rows = []
    if indexed:
        lucene = " OR ".join(_phrase(v) for v in values)
        rows += run(store, "search_extras_indexed", lucene=lucene, values=values, keys=indexed)
    if rest:
        rows += run(store, "search_extras", values=values, keys=rest)
    return rows


def _phrase(value: str) -> str:
    """``value`` as one quoted Lucene phrase (inside quotes only ``\\`` and ``"`` are special)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _looks_like_an_identifier(values: list[str]) -> bool:
    """Whether the extra columns are worth reading for ``values`` (a digit in them)."""
    return any(ch.isdigit() for v in values for ch in v)


def _hit(nid: str, labels: list[str], props: dict[str, Any], score: float, how: str) -> SearchHit:
    return {
        "id": nid,
        "labels": labels,
        "name": caption(labels, props),
        "score": score,
        "matched": how,
    }


def search(store: Store, *, q: str, limit: int = 20) -> list[SearchHit]:
    """Find entities by an exact identifier, else by a fuzzy name.

    Parameters
    ----------
    store : Store
        The embedded store or Neo4j.
    q : str
        What the user typed: a node id, NIK, passport, NRP/NIP, phone number in
        any written form (``0812-3456-7890``), account number, NPWP, licence
        number, IMEI, a value of an extra id column, or a name.
    limit : int
        At most this many hits (1 to 200).

    Returns
    -------
    list of SearchHit
        ``{id, labels, name, score, matched}`` in the order of the module docstring.

    Raises
    ------
    QueryError
        If ``q`` is longer than 200 characters or ``limit`` is out of range.
    """
    if not 1 <= limit <= 200:
        raise QueryError(f"limit must be from 1 to 200, not {limit!r}")
    q = q.strip()
    if len(q) > _MAX_Q:
        raise QueryError(f"search text longer than {_MAX_Q} characters")
    if not q:
        return []
    values, phone = _identifier_values(q)
    numbers, prefixes = _prefixes(q)
    qnorm = normalize_name(q)
    tokens = qnorm.split()
    rows: dict[str, tuple[list[str], dict[str, Any]]] = {}
    exact: dict[str, str] = {}
    named: list[tuple[str, list[str], dict[str, Any]]] = []
    if backend(store) == "neo4j":
        for r in run(store, "search_identifiers", values=values, phone=phone):
            node = node_from_neo4j(r)
            rows[node["id"]] = (node["labels"], node["props"])
            _keep_best(exact, node["id"], r["matched"])
        if numbers or prefixes:
            for r in run(store, "search_prefixes", numbers=numbers, ids=prefixes, limit=limit):
                node = node_from_neo4j(r)
                rows[node["id"]] = (node["labels"], node["props"])
                _keep_best(exact, node["id"], r["matched"])
        if _looks_like_an_identifier(values):
            for r in _neo4j_extras(store, values):
                node = node_from_neo4j(r)
                rows[node["id"]] = (node["labels"], node["props"])
                _keep_best(exact, node["id"], "extra")
        if tokens:
            for r in run(
                store, "search_names", lucene=_lucene(tokens), candidates=max(200, 10 * limit)
            ):
                node = node_from_neo4j(r)
                named.append((node["id"], node["labels"], node["props"]))
    else:
        with reading(store) as g:
            found = _embedded_identifiers(g, values, phone)
            if numbers or prefixes:
                found += _embedded_prefixes(g, numbers, prefixes, limit)
            for nid, how in found:
                attrs = g.nodes[nid]
                rows[nid] = (sorted(attrs[LABELS]), {k: v for k, v in attrs.items() if k != LABELS})
                _keep_best(exact, nid, how)
            if tokens:
                named = _embedded_named(g, tokens)
    hits = [
        _hit(nid, rows[nid][0], rows[nid][1], PREFIX_SCORE if how in _PREFIXED else 100.0, how)
        for nid, how in sorted(exact.items(), key=lambda kv: (_MATCH_ORDER.index(kv[1]), kv[0]))
    ]
    scored = []
    for nid, labels, props in named:
        if nid in exact or not set(labels) & _NAME_LABELS:
            continue
        score = _score(qnorm, tokens, props)
        if score is not None:
            scored.append(_hit(nid, labels, props, score, "name"))
    scored.sort(key=lambda h: (-h["score"], h["id"]))
    return (hits + scored)[:limit]


_PREFIXED = frozenset(m for m in _MATCH_ORDER if m.endswith("_prefix"))


def _keep_best(exact: dict[str, str], nid: str, how: str) -> None:
    old = exact.get(nid)
    if old is None or _MATCH_ORDER.index(how) < _MATCH_ORDER.index(old):
        exact[nid] = how
