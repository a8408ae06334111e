"""The case dossier: a ring's (or, for Propam, an official's) findings as a PDF.

Three steps, so that the service can clean the material for the reader's role in
between (:meth:`graph_api.web.deps.Ctx.show`), exactly as its JSON routes do:

1. :func:`gather_ring` / :func:`gather_official` read the store into plain data
   (nodes as ``{id, labels, props}``, the protector report as
   :func:`queries.protectors.rank_protectors` gives it: the same score the ring
   table shows);
2. :func:`dossier_html` writes the dossier as HTML (``dossier.html.jinja``), every
   word through :func:`graph.text.gettext`: Bahasa Indonesia by default, English on
   request; the graph as an SVG picture (:func:`viz.static_graph.svg_graph`);
3. :func:`pdf_bytes` turns it into a PDF with WeasyPrint (no browser), with the
   classification marking, who printed it and when (WIB), and "Halaman i dari N"
   on every page (CSS ``@page`` rules of the template).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import datetime
from importlib.resources import files
from typing import Any

import jinja2

import queries
from graph.model import MODEL
from graph.store import Store
from graph.text import N_, gettext
from queries.protectors import ProtectorReport
from queries.protectors.words import describe
from viz.fields import value_text
from viz.formats import WIB, money, wib_datetime
from viz.names import display_name
from viz.score import band_word, score_text
from viz.static_graph import svg_graph

__all__ = [
    "CLASSIFICATION",
    "dossier_html",
    "gather_official",
    "gather_ring",
    "pdf_bytes",
    "printed_at_text",
]

#: the marking on every page (the dossier holds suspicions about named officials)
CLASSIFICATION = N_("SECRET")
#: protectors described with their evidence in the dossier
TOP = 10
#: evidence items listed per indicator
EVIDENCE_PER_KIND = 3
#: protectors whose evidence nodes are drawn in the graph picture
DRAWN = 5

_MEMBERSHIP = list(MODEL.meaning("membership"))
_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _nodes(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    found = store.get_nodes(sorted(set(ids)))
    return {k: dict(v) for k, v in found.items()}


def _evidence_ids(report: Mapping[str, Any], top: int) -> set[str]:
    ids: set[str] = set()
    for p in report["protectors"][:top]:
        ids.add(p["id"])
        for ind in p["indicators"]:
            for ev in ind.get("evidence", [])[:EVIDENCE_PER_KIND]:
                ids.update(ev["nodes"])
                ids.update(s for r in ev["rels"] for s in r.get("sources", []))
    return ids


def gather_ring(store: Store, *, ring_id: str, report: ProtectorReport) -> dict[str, Any]:
    """Everything a ring's dossier shows, as plain data (not yet cleaned for a role).

    ``report`` is the ring's protector report (the service passes its cached one)."""
    members = store.neighbours(ring_id, types=_MEMBERSHIP, direction="in")
    member_ids = [m["node"]["id"] for m in members]
    cases = queries.case_interference(store, ring_id=ring_id, as_of=report["as_of"])
    tipoffs = queries.tipoffs(store, ring_id=ring_id)
    case_items = list(cases["interfered"]) + list(cases["counterweight"])
    drawn = {ring_id, *member_ids}
    for p in report["protectors"][:DRAWN]:
        drawn.add(p["id"])
        for ind in p["indicators"]:
            for ev in ind.get("evidence", [])[:EVIDENCE_PER_KIND]:
                drawn.update(ev["nodes"])
    sub = queries.subgraph(store, ids=sorted(drawn))
    named = {ring_id, *member_ids, *_evidence_ids(report, TOP)}
    named.update(c["case_id"] for c in case_items)
    named.update(o["official_id"] for c in case_items for o in c["officials"])
    named.update(x["id"] for x in report.get("side", []))
    named.update(t["event_id"] for t in tipoffs)
    named.update(t["official_id"] for t in tipoffs)
    return {
        "kind": "ring",
        "subject": ring_id,
        "as_of": report["as_of"],
        "report": dict(report),
        "members": [
            {
                "id": m["node"]["id"],
                "role": m["rel"]["props"].get("role"),
                "since": m["rel"]["props"].get("since"),
            }
            for m in members
        ],
        "cases": {"interfered": cases["interfered"], "counterweight": cases["counterweight"]},
        "tipoffs": list(tipoffs),
        "graph": {"nodes": list(sub["nodes"]), "relationships": list(sub["relationships"])},
        "nodes": _nodes(store, named),
    }


def gather_official(
    store: Store, *, official_id: str, reports: Iterable[ProtectorReport]
) -> dict[str, Any]:
    """An official's dossier (Propam's): his place in each ring's ranking where he has
    one, with its evidence, his posts and his neighbourhood's picture."""
    mine = []
    for report in reports:
        for p in report["protectors"]:
            if p["id"] == official_id:
                mine.append({**dict(report), "protectors": [p], "side": []})
    posts = store.neighbours(official_id, types=list(MODEL.meaning("post")), direction="out")
    near = queries.neighbourhood(store, id=official_id, hops=1)
    sub: Mapping[str, Any] = near or {"nodes": [], "relationships": []}
    named: set[str] = {official_id, *(str(r["ring"]) for r in mine)}
    for r in mine:
        named |= _evidence_ids(r, 1)
    named.update(p["node"]["id"] for p in posts)
    as_of = mine[0]["as_of"] if mine else datetime.now(WIB).isoformat()
    return {
        "kind": "official",
        "subject": official_id,
        "as_of": as_of,
        "rankings": mine,
        "posts": [
            {
                "id": p["node"]["id"],
                **{
                    k: v
                    for k, v in p["rel"]["props"].items()
                    if k in ("position", "since", "until")
                },
            }
            for p in posts
        ],
        "graph": {"nodes": list(sub["nodes"])[:120], "relationships": list(sub["relationships"])},
        "nodes": _nodes(store, named),
    }


def printed_at_text(when: datetime) -> str:
    """``07/12/2026 20:45 WIB``: the moment of printing as the dossier states it."""
    return when.astimezone(WIB).strftime("%d/%m/%Y %H:%M WIB")


class _Namer:
    def __init__(self, nodes: Mapping[str, Mapping[str, Any]], lang: str) -> None:
        self.nodes, self.lang = nodes, lang

    def __call__(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        return display_name(node, self.lang) if node else node_id

    def grade(self, source_id: str) -> str:
        p = (self.nodes.get(source_id) or {}).get("props") or {}
        return f"{p.get('reliability', 'F')}{p.get('credibility', '6')}"


def _protectors(report: Mapping[str, Any], name: _Namer, lang: str) -> list[dict[str, Any]]:
    rows = []
    for p in report["protectors"][:TOP]:
        kinds = []
        for ind in p["indicators"]:
            items = []
            for ev in ind.get("evidence", [])[:EVIDENCE_PER_KIND]:
                sources = sorted({s for r in ev["rels"] for s in r.get("sources", [])})
                at = sorted(str(r["props"]["at"]) for r in ev["rels"] if r["props"].get("at"))
                amounts = [r["props"]["amount"] for r in ev["rels"] if r["props"].get("amount")]
                items.append(
                    {
                        "path": " → ".join(name(n) for n in ev["nodes"]),
                        "at": wib_datetime(at[0]) if at else "",
                        "amount": money(float(amounts[0])) if amounts else "",
                        "grades": ", ".join(f"{name(s)} ({name.grade(s)})" for s in sources),
                    }
                )
            kinds.append(
                {
                    "sentence": describe(ind["kind"], ind["facts"], lang),
                    "score": score_text(float(ind["score"]), lang),
                    "items": items,
                    "more": max(0, int(ind.get("evidence_total", 0)) - len(items)),
                }
            )
        rows.append(
            {
                "name": p.get("name") or name(p["id"]),
                "agency": p.get("agency") or "",
                "score": score_text(float(p["score"]), lang),
                "band": band_word(str(p.get("band") or ""), lang),
                "kinds": kinds,
            }
        )
    return rows


def _events(data: Mapping[str, Any], name: _Namer, lang: str) -> list[dict[str, str]]:
    """Key events: members joining, cases opened and their last status, raids with an
    official's call before them, payments in the top protectors' evidence."""
    ev: list[tuple[str, str, str]] = []
    for m in data.get("members", []):
        if m.get("since"):
            ev.append((str(m["since"]), gettext("Joined the ring", lang), name(m["id"])))
    for c in data.get("cases", {}).get("interfered", []) + data.get("cases", {}).get(
        "counterweight", []
    ):
        if c.get("opened_at"):
            ev.append((str(c["opened_at"]), gettext("Case opened", lang), name(c["case_id"])))
        if c.get("status_at"):
            status = value_text("status", str(c.get("status") or ""), lang)
            ev.append((str(c["status_at"]), status, name(c["case_id"])))
    for t in data.get("tipoffs", []):
        what = gettext("Raid after a call from an official", lang)
        ev.append((str(t["event_at"]), what, f"{name(t['official_id'])} → {name(t['member_id'])}"))
    seen: set[str] = set()
    for p in data.get("report", {}).get("protectors", [])[:DRAWN]:
        for ind in p["indicators"]:
            for e in ind.get("evidence", [])[:EVIDENCE_PER_KIND]:
                for r in e["rels"]:
                    if r["props"].get("amount") and r["props"].get("at") and r["id"] not in seen:
                        seen.add(r["id"])
                        what = gettext("Payment", lang) + " " + money(float(r["props"]["amount"]))
                        ev.append((str(r["props"]["at"]), what, f"→ {name(p['id'])}"))
    ev.sort()
    return [{"at": wib_datetime(at), "what": what, "who": who} for at, what, who in ev]


def _cases(data: Mapping[str, Any], name: _Namer, lang: str) -> list[dict[str, str]]:
    rows = []
    for key, stopped in (("interfered", True), ("counterweight", False)):
        for c in data.get("cases", {}).get(key, []):
            node = name.nodes.get(c["case_id"]) or {}
            lp = (node.get("props") or {}).get("report_number") or ""
            rows.append(
                {
                    "title": str(c.get("title") or name(c["case_id"])),
                    "lp": str(lp),
                    "status": value_text("status", str(c.get("status") or ""), lang),
                    "opened": wib_datetime(str(c.get("opened_at") or "")),
                    "stopped": gettext("stopped or stalled", lang) if stopped else "",
                    "officials": ", ".join(name(o["official_id"]) for o in c["officials"]),
                }
            )
    return rows


def dossier_html(
    data: Mapping[str, Any], *, lang: str, printed_by: str, printed_at: datetime
) -> str:
    """The dossier of ``data`` (from :func:`gather_ring` or :func:`gather_official`,
    cleaned for the reader) as an HTML document for :func:`pdf_bytes`."""
    name = _Namer(data["nodes"], lang)
    report = data.get("report") or {"protectors": [], "side": []}
    scores = {p["id"]: float(p["score"]) for p in report["protectors"][:DRAWN]}
    for r in data.get("rankings", []):
        scores.update({p["id"]: float(p["score"]) for p in r["protectors"]})
    svg = svg_graph(
        data["graph"]["nodes"], data["graph"]["relationships"], lang=lang, scores=scores
    )
    rankings = [
        {"ring": name(r["ring"]), "rows": _protectors(r, name, lang)}
        for r in data.get("rankings", [])
    ]
    template = _ENV.from_string(files("viz").joinpath("dossier.html.jinja").read_text("utf-8"))
    return template.render(
        lang=lang,
        _=lambda m: gettext(m, lang),
        marking=gettext(CLASSIFICATION, lang),
        kind=data["kind"],
        title=name(data["subject"]),
        as_of=wib_datetime(str(data["as_of"])),
        printed_by=printed_by,
        printed_at=printed_at_text(printed_at),
        protectors=_protectors(report, name, lang),
        rankings=rankings,
        members=[
            {
                "name": name(m["id"]),
                "role": value_text("role", str(m["role"]), lang) if m.get("role") else "",
            }
            for m in data.get("members", [])
        ],
        side=[
            {
                "name": x.get("name") or name(x["id"]),
                "confidence": score_text(float(x["confidence"]), lang),
            }
            for x in report.get("side", [])
        ],
        posts=[
            {"agency": name(p["id"]), "position": str(p.get("position") or "")}
            for p in data.get("posts", [])
        ],
        cases=_cases(data, name, lang),
        events=_events(data, name, lang),
        graph_src="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
    )


def pdf_bytes(html: str) -> bytes:
    """The PDF of a dossier's HTML (WeasyPrint; fonts from the system: DejaVu Sans)."""
    from weasyprint import HTML  # imported here: a second to load, only a dossier needs it

    out: bytes = HTML(string=html, base_url=None).write_pdf()
    return out
