"""Exports to the tools units already use: tables as XLSX and CSV, subgraphs as
GraphML and GEXF (Gephi, yEd), and FollowTheMoney entities (Aleph) as JSON lines.

Every function here takes results the service has already cleaned for the reader's
role (:meth:`graph_api.web.deps.Ctx.show`): an export shows what the JSON route
shows, nothing more. Tables are built by :func:`table` from a named query's rows;
column titles are messages (Bahasa Indonesia by default), values stay plain (ids as
stored, amounts as numbers, instants in WIB) so that another tool can read them.

i2 Analyst's Notebook exchange (ANX) is not produced: see ``docs/exports.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

import queries
from graph.errors import InputError, NotFound
from graph.model import MODEL
from graph.store import Store
from graph.text import N_, gettext, ngettext
from viz.formats import group_digits, wib_datetime
from viz.names import display_name
from viz.styles import primary_label

__all__ = [
    "GRAPH_FORMATS",
    "QUERY_LIMITS",
    "TABLES",
    "Table",
    "csv_bytes",
    "ftm_entities",
    "ftm_id",
    "ftm_lines",
    "gexf_bytes",
    "graph_bytes",
    "graph_note",
    "graphml_bytes",
    "nx_graph",
    "subgraph_of",
    "table",
    "table_result",
    "xlsx_bytes",
]

Cell = str | float | int | None
#: results each table's query gives at most (its own limit): a result that long may
#: have stopped short, and the file says so (:meth:`Table.note`)
TIMELINE_ROWS = 10_000
TRAILS = 1000
SEARCH_ROWS = 200
CANDIDATES = 1000
QUERY_LIMITS = {
    "timeline": TIMELINE_ROWS,
    "transfers": TRAILS,
    "search": SEARCH_ROWS,
    "candidates": CANDIDATES,
}
#: protectors of a ring whose evidence nodes a ring's graph export holds
RING_PROTECTORS = 10
#: relationships an entity's graph export holds per node (the neighbourhood's cap)
GRAPH_CAP = 25


@dataclass(frozen=True)
class Table:
    """A table to export: its name (the sheet's), column titles and rows.

    Nothing is cut in silence: ``left_out`` rows past a row cap were not written, and
    ``at_least`` says the query itself stopped at its limit (``limit`` results), so
    that more may exist than were counted. :meth:`note` words it; the CSV and XLSX
    end with it as a last row, the CLI prints it and the API sends it as a header.
    """

    name: str
    headers: list[str]
    rows: list[list[Cell]]
    left_out: int = 0
    at_least: bool = False
    limit: int = 0

    def note(self, lang: str) -> str | None:
        """What the file leaves out, one sentence in ``lang``; ``None`` when complete."""
        if self.left_out and not self.at_least:
            return ngettext(
                "Truncated: {n} more row not included (at most {max} rows are exported).",
                "Truncated: {n} more rows not included (at most {max} rows are exported).",
                self.left_out,
                lang,
            ).format(n=group_digits(self.left_out), max=group_digits(len(self.rows)))
        if self.left_out:
            return ngettext(
                "Truncated: {n} or more further row not included "
                "(at most {max} rows are exported).",
                "Truncated: {n} or more further rows not included "
                "(at most {max} rows are exported).",
                self.left_out,
                lang,
            ).format(n=group_digits(self.left_out), max=group_digits(len(self.rows)))
        if self.at_least:
            return gettext(
                "Truncated: the query stopped at its limit of {max} results; there may be more.",
                lang,
            ).format(max=group_digits(self.limit))
        return None

    def cells(self, lang: str) -> list[list[Cell]]:
        """The rows as written: the rows, then the note (if any) as a last row."""
        note = self.note(lang)
        if note is None:
            return self.rows
        return [*self.rows, [note] + [None] * (len(self.headers) - 1)]


def _when(value: Any) -> str:
    return wib_datetime(str(value)) if value else ""


def _protector_rows(report: Mapping[str, Any], lang: str) -> list[list[Cell]]:
    from queries.protectors.words import describe

    return [
        [
            i,
            p["id"],
            p.get("name") or "",
            p.get("agency") or "",
            round(float(p["score"]), 4),
            str(p.get("band") or ""),
            "; ".join(describe(x["kind"], x["facts"], lang) for x in p["indicators"]),
        ]
        for i, p in enumerate(report["protectors"], start=1)
    ]


def _timeline_rows(items: Sequence[Mapping[str, Any]], lang: str) -> list[list[Cell]]:
    return [
        [
            _when(t.get("at")),
            t.get("kind"),
            t.get("direction"),
            t.get("via"),
            t.get("other"),
            t.get("amount"),
            t.get("currency"),
            t.get("detail"),
        ]
        for t in items
    ]


def _transfer_rows(trails: Sequence[Mapping[str, Any]], lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for n, trail in enumerate(trails, start=1):
        for hop, r in enumerate(trail["rels"], start=1):
            rows.append(
                [
                    n,
                    hop,
                    r["start"],
                    r["end"],
                    r.get("amount"),
                    r.get("currency"),
                    _when(r.get("at")),
                    r["id"],
                ]
            )
    return rows


def _search_rows(hits: Sequence[Mapping[str, Any]], lang: str) -> list[list[Cell]]:
    return [
        [h["id"], ", ".join(h.get("labels") or ()), h.get("name"), h.get("score"), h.get("matched")]
        for h in hits
    ]


def _candidate_rows(found: Mapping[str, Any], lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for group, what in (("candidates", N_("possible member")), ("officials", N_("official"))):
        for c in found.get(group, []):
            ties = "; ".join(
                f"{e.get('name') or e['member']}: "
                + ", ".join(f"{k} {v}" for k, v in sorted(e.get("counts", {}).items()))
                for e in c.get("evidence", [])
            )
            rows.append(
                [
                    gettext(what, lang),
                    c["id"],
                    c.get("name"),
                    ", ".join(c.get("labels") or ()),
                    round(float(c["score"]), 4),
                    ties,
                ]
            )
    return rows


#: table name -> (column titles, rows of the query's result)
TABLES: dict[str, tuple[tuple[str, ...], Callable[[Any, str], list[list[Cell]]]]] = {
    "protectors": (
        (N_("Rank"), N_("Id"), N_("Name"), N_("Agency"), N_("Score"), N_("Band"), N_("Evidence")),
        _protector_rows,
    ),
    "timeline": (
        (
            N_("When"),
            N_("Kind"),
            N_("Direction"),
            N_("Through"),
            N_("Other party"),
            N_("Amount"),
            N_("Currency"),
            N_("Detail"),
        ),
        _timeline_rows,
    ),
    "transfers": (
        (
            N_("Trail"),
            N_("Step"),
            N_("From account"),
            N_("To account"),
            N_("Amount"),
            N_("Currency"),
            N_("When"),
            N_("Id"),
        ),
        _transfer_rows,
    ),
    "search": ((N_("Id"), N_("Labels"), N_("Name"), N_("Match"), N_("Matched on")), _search_rows),
    "candidates": (
        (N_("Kind"), N_("Id"), N_("Name"), N_("Labels"), N_("Score"), N_("Ties")),
        _candidate_rows,
    ),
}


def _stopped(name: str, result: Any) -> bool:
    """Whether the query behind table ``name`` gave as many results as its limit."""
    limit = QUERY_LIMITS.get(name)
    if limit is None:
        return False  # protectors: the whole ranking
    if name == "candidates":
        return any(len(result.get(k, [])) >= limit for k in ("candidates", "officials"))
    return len(result) >= limit


def table(name: str, result: Any, lang: str, *, cap: int | None = None) -> Table:
    """The export table ``name`` (a key of :data:`TABLES`) of a query's ``result``:
    a protector report, timeline items, money trails, search hits or an expansion.

    ``cap``: the most rows written (``None``: every row); the rows past it are counted
    in ``left_out``. A result as long as its query's limit is marked ``at_least``."""
    if cap is not None and cap < 1:
        raise ValueError("cap must be at least 1")
    headers, rows_of = TABLES[name]
    rows = rows_of(result, lang)
    left_out = max(len(rows) - cap, 0) if cap is not None else 0
    return Table(
        name,
        [gettext(h, lang) for h in headers],
        rows[: len(rows) - left_out],
        left_out=left_out,
        at_least=_stopped(name, result),
        limit=QUERY_LIMITS.get(name, 0),
    )


#: a leading character a spreadsheet would read as a formula
_FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d .]*$)")


def _safe(value: Cell) -> Cell:
    """A cell as written: text that a spreadsheet would run as a formula gets a
    leading apostrophe (a phone number such as ``+62812...`` is left alone)."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_bytes(t: Table, lang: str = "id") -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark (so that Excel reads it as
    UTF-8), comma-separated, a header row first, what is left out (in ``lang``) last."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(t.headers)
    for row in t.cells(lang):
        w.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(t: Table, lang: str = "id") -> bytes:
    """The table as an Excel workbook of one sheet (numbers stay numbers; text is
    always written as text, never as a formula); what is left out (in ``lang``) is
    its last row."""
    from openpyxl import Workbook  # a few hundred ms to import: only an export needs it

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t.name[:31]
    ws.append(t.headers)
    for row in t.cells(lang):
        ws.append([None if v is None else v for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=..." stays text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- graphs

GRAPH_FORMATS = ("graphml", "gexf", "ftm")


def _attr(value: Any) -> str | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def nx_graph(sub: Mapping[str, Any], lang: str) -> nx.MultiDiGraph:
    """A subgraph (``{nodes, relationships}``) as a networkx multigraph: node ``label``
    its display name, ``kind`` its label, ``labels`` all of them, then its
    properties; edge ``id``, ``rel_type``, ``label`` (the type's name) and properties
    (not ``type``: GEXF keeps that word for directed/undirected).
    Numbers become floats, lists ``; ``-joined text (GraphML and GEXF hold scalars)."""
    g = nx.MultiDiGraph()
    for n in sub["nodes"]:
        attrs: dict[str, Any] = {
            "label": display_name(n, lang),
            "kind": primary_label(n.get("labels") or ()),
            "labels": "; ".join(n.get("labels") or ()),
        }
        for k, v in (n.get("props") or {}).items():
            a = _attr(v)
            if a is not None and k not in attrs:
                attrs[f"p_{k}"] = a
        g.add_node(n["id"], **attrs)
    for r in sub["relationships"]:
        if r["start"] not in g or r["end"] not in g:
            continue
        spec = MODEL.rels.get(r["type"])
        attrs = {
            "id": r["id"],
            "rel_type": r["type"],
            "label": (spec.names.en if lang == "en" else spec.names.id) if spec else r["type"],
        }
        for k, v in (r.get("props") or {}).items():
            a = _attr(v)
            if a is not None:
                attrs[f"p_{k}"] = a
        g.add_edge(r["start"], r["end"], key=r["id"], **attrs)
    # one type per attribute name: a name that is a number somewhere and text
    # elsewhere is text everywhere (GraphML declares one type per key)
    for items in (g.nodes(data=True), g.edges(keys=True, data=True)):
        types: dict[str, set[type]] = {}
        for *_, data in items:
            for k, v in data.items():
                types.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in types.items() if len(ts) > 1}
        for *_, data in items:
            for k in mixed & set(data):
                data[k] = str(data[k])
    return g


def graph_note(truncated: Mapping[str, int], lang: str) -> str | None:
    """What a graph export leaves out: the relationships of busy nodes past
    :data:`GRAPH_CAP` (``truncated``: node id -> how many), one sentence; ``None``
    when nothing is."""
    left = sum(n for n in truncated.values() if n > 0)
    if not left:
        return None
    return ngettext(
        "Truncated: {n} relationship of busy nodes not included (at most {max} per node).",
        "Truncated: {n} relationships of busy nodes not included (at most {max} per node).",
        left,
        lang,
    ).format(n=group_digits(left), max=GRAPH_CAP)


def graphml_bytes(sub: Mapping[str, Any], lang: str, note: str | None = None) -> bytes:
    """The subgraph as GraphML (networkx's writer); ``note`` (what it leaves out) as
    the graph's ``note`` attribute."""
    g = nx_graph(sub, lang)
    if note:
        g.graph["note"] = note
    buf = io.BytesIO()
    nx.write_graphml(g, buf)
    return buf.getvalue()


def gexf_bytes(sub: Mapping[str, Any], lang: str, note: str | None = None) -> bytes:
    """The subgraph as GEXF 1.2 (networkx's writer), for Gephi; ``note`` (what it
    leaves out) as the file's ``<meta><description>``."""
    buf = io.BytesIO()
    nx.write_gexf(nx_graph(sub, lang), buf)
    out = buf.getvalue()
    if note:
        from xml.sax.saxutils import escape as xml_escape

        described = f"</creator>\n    <description>{xml_escape(note)}</description>"
        out = out.replace(b"</creator>", described.encode(), 1)
    return out


# ---------------------------------------------------------------- FollowTheMoney


def ftm_id(stored: str) -> str:
    """A stored id as a FollowTheMoney entity id (letters, digits, ``-``): ASCII letters
    and digits kept, every other byte of its UTF-8 written as ``-`` and two hex digits,
    so that distinct ids stay distinct (``jatim:P1`` -> ``jatim-3aP1``); one that would
    start with ``-`` gets ``x-`` before it (an encoding never holds ``--`` otherwise).

    >>> ftm_id("jatim:P1"), ftm_id(":x")
    ('jatim-3aP1', 'x--3ax')
    """
    body = "".join(
        chr(b) if chr(b).isascii() and chr(b).isalnum() else f"-{b:02x}" for b in stored.encode()
    )
    return body if body[:1].isalnum() else "x-" + body


_GENDER = {"m": "male", "f": "female"}


def _node_entity(n: Mapping[str, Any], phones: Mapping[str, list[str]]) -> dict[str, Any] | None:
    labels = set(n.get("labels") or ())
    p = n.get("props") or {}
    props: dict[str, list[str]] = {}

    def put(key: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        # a value masked for the reader (graph_api.web.masking.MASK, "***") is left out
        kept = [str(v) for v in values if v not in (None, "") and str(v).strip("*")]
        if kept:
            props.setdefault(key, []).extend(kept)

    if "Person" in labels or "Official" in labels:
        schema = "Person"
        put("name", p.get("name"))
        put("alias", p.get("aliases"))
        put("birthDate", p.get("birth_date"))
        put("birthPlace", p.get("birth_place"))
        put("idNumber", p.get("nik"))
        put("passportNumber", p.get("passport"))
        put("gender", _GENDER.get(str(p.get("gender") or "")))
        put("address", p.get("address"))
        put("phone", phones.get(n["id"], []))
    elif "Agency" in labels:
        schema = "PublicBody"
        put("name", p.get("name"))
    elif "Organization" in labels or "Ring" in labels:
        schema = "Company" if p.get("kind") == "company" else "Organization"
        put("name", p.get("name"))
        put("registrationNumber", p.get("license_no"))
        put("taxNumber", p.get("npwp"))
        put("address", p.get("address"))
        put("phone", phones.get(n["id"], []))
    elif "Account" in labels:
        schema = "BankAccount"
        put("bankName", p.get("bank"))
        put("accountNumber", p.get("number"))
    else:
        return None  # phones (a property of their users), cases, events, sources ...
    put("name", [] if "name" in props else p.get("holder_name") or p.get("number"))
    return {"id": ftm_id(n["id"]), "schema": schema, "properties": props}


def ftm_entities(sub: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The subgraph as FollowTheMoney entities (``{id, schema, properties}``).

    Mapping (the reverse of ``ingest/ftm``): people and officials -> Person (with
    the numbers of the phones they use), agencies -> PublicBody, organizations and
    rings -> Organization/Company, accounts -> BankAccount; money -> Payment (payer
    and beneficiary: the accounts' holders, else a LegalEntity named as the account's
    holder), calls -> Call, holding an account -> Ownership, kin -> Family,
    associates -> Associate, membership -> Membership, employment and posts ->
    Employment, control -> Directorship (Ownership with a share). Phones, cases,
    events and sources have no FtM schema here and are left out.
    """
    nodes = {n["id"]: n for n in sub["nodes"]}
    rels = [r for r in sub["relationships"] if r["start"] in nodes and r["end"] in nodes]
    meaning = {t: s.meaning for t, s in MODEL.rels.items()}
    channel = {t: getattr(s, "channel", None) for t, s in MODEL.rels.items()}
    phones: dict[str, list[str]] = {}
    holder: dict[str, str] = {}
    for r in rels:
        if meaning.get(r["type"]) == "instrument":
            end = nodes[r["end"]]
            if channel.get(r["type"]) == "communication":
                number = (end.get("props") or {}).get("number")
                if number:
                    phones.setdefault(r["start"], []).append(str(number))
            else:
                holder.setdefault(r["end"], r["start"])
    out: list[dict[str, Any]] = []
    written: set[str] = set()
    for n in sub["nodes"]:
        e = _node_entity(n, phones)
        if e is not None:
            out.append(e)
            written.add(n["id"])
    by_number = {
        str((n.get("props") or {}).get("number")): n["id"]
        for n in sub["nodes"]
        if "Phone" in (n.get("labels") or ())
    }
    users = {num: phones_owner for phones_owner, nums in phones.items() for num in nums}

    def party(account_id: str) -> str:
        """The LegalEntity paying or paid through ``account_id``."""
        if account_id in holder and holder[account_id] in written:
            return ftm_id(holder[account_id])
        if "Account" not in (nodes[account_id].get("labels") or ()):
            return ftm_id(account_id)  # a holder paying in cash
        stand_in = ftm_id(account_id) + "-holder"
        if stand_in not in written:
            p = nodes[account_id].get("props") or {}
            name = p.get("holder_name") or p.get("number") or account_id
            out.append(
                {"id": stand_in, "schema": "LegalEntity", "properties": {"name": [str(name)]}}
            )
            written.add(stand_in)
        return stand_in

    for r in rels:
        e = _rel_entity(
            r,
            meaning.get(r["type"], ""),
            channel.get(r["type"]),
            nodes,
            written,
            party,
            by_number,
            users,
        )
        if e is not None:
            out.append(e)
    return out


def _rel_entity(
    r: Mapping[str, Any],
    meaning: str,
    channel: str | None,
    nodes: Mapping[str, Mapping[str, Any]],
    written: set[str],
    party: Callable[[str], str],
    by_number: Mapping[str, str],
    users: Mapping[str, str],
) -> dict[str, Any] | None:
    p = r.get("props") or {}
    s, e = r["start"], r["end"]
    props: dict[str, list[str]] = {}

    def put(key: str, value: Any) -> None:
        if value not in (None, ""):
            props.setdefault(key, []).append(str(value))

    def entity(schema: str) -> dict[str, Any]:
        return {"id": ftm_id(r["id"]), "schema": schema, "properties": props}

    def labels(node_id: str) -> set[str]:
        return set(nodes[node_id].get("labels") or ())

    both = s in written and e in written
    if meaning == "money":
        put("payer", party(s))
        put("beneficiary", party(e))
        if "Account" in labels(s):
            put("payerAccount", ftm_id(s))
        if "Account" in labels(e):
            put("beneficiaryAccount", ftm_id(e))
        put("amount", p.get("amount"))
        put("currency", p.get("currency"))
        put("date", str(p["at"])[:19] if p.get("at") else None)
        put("purpose", p.get("reference"))
        return entity("Payment")
    if meaning == "communication":
        caller = nodes[s].get("props", {}).get("number")
        receiver = nodes[e].get("props", {}).get("number")
        put("callerNumber", caller)
        put("receiverNumber", receiver)
        if caller in users:
            put("caller", ftm_id(users[str(caller)]))
        if receiver in users:
            put("receiver", ftm_id(users[str(receiver)]))
        put("date", str(p["at"])[:19] if p.get("at") else None)
        put("duration", p.get("duration_s"))
        return entity("Call")
    if not both:
        return None
    if meaning == "instrument" and channel != "communication":
        put("owner", ftm_id(s))
        put("asset", ftm_id(e))
        return entity("Ownership")
    if meaning == "kinship" and {"Person"} & labels(s) and {"Person"} & labels(e):
        put("person", ftm_id(s))
        put("relative", ftm_id(e))
        put("relationship", p.get("detail"))
        return entity("Family")
    if meaning == "association" and "Person" in labels(s) and "Person" in labels(e):
        put("person", ftm_id(s))
        put("associate", ftm_id(e))
        put("relationship", p.get("detail"))
        return entity("Associate")
    if meaning == "membership":
        put("member", ftm_id(s))
        put("organization", ftm_id(e))
        put("role", p.get("role"))
        return entity("Membership")
    if meaning in ("employment", "post") and "Person" in labels(s):
        put("employee", ftm_id(s))
        put("employer", ftm_id(e))
        put("role", p.get("position") or p.get("detail"))
        put("startDate", p.get("since"))
        put("endDate", p.get("until"))
        return entity("Employment")
    if meaning == "control":
        if p.get("share") is not None:
            put("owner", ftm_id(s))
            put("asset", ftm_id(e))
            put("percentage", p.get("share"))
            return entity("Ownership")
        put("director", ftm_id(s))
        put("organization", ftm_id(e))
        put("role", p.get("detail"))
        return entity("Directorship")
    return None


def ftm_lines(sub: Mapping[str, Any]) -> bytes:
    """:func:`ftm_entities` as JSON lines (``ftm`` and Aleph read them)."""
    return b"".join(
        json.dumps(e, ensure_ascii=False, sort_keys=True).encode() + b"\n"
        for e in ftm_entities(sub)
    )


def graph_bytes(sub: Mapping[str, Any], fmt: str, lang: str, note: str | None = None) -> bytes:
    """The subgraph in ``fmt`` (one of :data:`GRAPH_FORMATS`); ``note``, what it leaves
    out, inside the GraphML and GEXF (JSON lines of entities have no place for it: the
    CLI and the API say it beside the file)."""
    if fmt == "graphml":
        return graphml_bytes(sub, lang, note)
    if fmt == "gexf":
        return gexf_bytes(sub, lang, note)
    return ftm_lines(sub)


def table_result(store: Store, name: str, *, id: str = "", q: str = "") -> Any:
    """The query result behind table ``name`` (not ``protectors``, which the caller
    takes from its ranking cache): ``timeline``, ``transfers`` (money trails out of
    ``id``), ``search`` (``q``) or ``candidates`` (the expansion of ring ``id``)."""
    if name == "timeline":
        return queries.timeline(store, id=id, limit=TIMELINE_ROWS)
    if name == "transfers":
        return queries.money_trail(store, source=id, limit=TRAILS)
    if name == "search":
        return queries.search(store, q=q, limit=SEARCH_ROWS)
    if name == "candidates":
        return queries.ring_expand(store, ring_id=id, limit=CANDIDATES)
    raise InputError(f"no table {name!r}: use one of {', '.join(TABLES)}")


def subgraph_of(
    store: Store, *, id: str, hops: int = 1, report: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What a graph export holds: for a ring, the ring, its members and (with its
    protector ``report``) the top protectors with the nodes of their evidence; for
    any other entity, its neighbourhood of ``hops`` hops (at most :data:`GRAPH_CAP`
    relationships per node; ``truncated``: node id -> how many more it has)."""
    node = store.get_node(id)
    if node is None:
        raise NotFound(f"no entity {id!r}")
    if "Ring" in node["labels"]:
        members = store.neighbours(id, types=list(MODEL.meaning("membership")), direction="in")
        ids = {id, *(m["node"]["id"] for m in members)}
        for p in (report or {}).get("protectors", [])[:RING_PROTECTORS]:
            ids.add(p["id"])
            for ind in p["indicators"]:
                for ev in ind.get("evidence", [])[:3]:
                    ids.update(ev["nodes"])
        found: Mapping[str, Any] | None = queries.subgraph(store, ids=sorted(ids))
    else:
        found = queries.neighbourhood(store, id=id, hops=hops, cap=GRAPH_CAP)
    sub = found or {"nodes": [], "relationships": []}
    return {
        "nodes": list(sub["nodes"]),
        "relationships": list(sub["relationships"]),
        "truncated": dict(sub.get("truncated") or {}),
    }
