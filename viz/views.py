"""The graph pages investigators open: built from named queries, drawn by :mod:`viz.render`.

Each view returns the HTML of one self-contained page. ``official_links_page``
shows internal-affairs material: callers must only offer it to Propam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import queries
from graph.errors import NotFound
from graph.model import MODEL
from graph.rows import RelRow, Subgraph
from graph.store.base import Store
from graph.text import gettext, ngettext
from queries.protectors import ProtectorReport
from viz.fields import value_text
from viz.formats import group_digits
from viz.i18n import Lang
from viz.render import render_subgraph

#: What a caller may do to a subgraph before it is drawn (the web pages drop what a
#: role may not see and mask victims' identifying fields).
Cleaner = Callable[[Subgraph], Subgraph]

_MEMBERSHIP = MODEL.meaning("membership")
_HOLDS = MODEL.instruments("money")

#: the most nodes a ring, money-trail or official-links page draws at first
MAX_NODES: Final = 300
#: money trails a money-trail page follows at first, and at most (the query's bound)
TRAILS: Final = 50
MOST_TRAILS: Final = 1000
#: paths per kind an official-links page keeps at first, and at most (the query's bound)
LINK_PATHS: Final = 200
MOST_LINK_PATHS: Final = 1000


def _same(sub: Subgraph) -> Subgraph:
    return sub


def sources_info(
    store: Store, items: Iterable[Mapping[str, Any]], lang: str = "id"
) -> dict[str, str]:
    """Source id -> how a tooltip names it: its title (else its kind, in words) and its
    Admiralty grade, ``Rekening koran BRI (B2)``; else its id and grade."""
    ids = sorted({s for n in items for s in n["props"].get("sources", [])})
    found = store.get_nodes(ids)
    out = {}
    for i, n in found.items():
        p = n["props"]
        grade = f"{p.get('reliability', 'F')}{p.get('credibility', '6')}"
        title = p.get("title") or (value_text("kind", str(p["kind"]), lang) if p.get("kind") else i)
        out[i] = f"{title} ({grade})"
    return out


def _title(store: Store, node_id: str) -> str:
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no entity {node_id!r}")
    p = node["props"]
    return str(p.get("name") or p.get("number") or p.get("title") or node_id)


def entity_page(
    store: Store,
    entity_id: str,
    *,
    hops: int = 1,
    lang: Lang = "id",
    notes: list[str] | None = None,
) -> str:
    """An entity's neighbourhood; ``notes`` receives what the page leaves out."""
    title = _title(store, entity_id)
    sub = queries.neighbourhood(store, id=entity_id, hops=hops)
    if sub is None:
        raise NotFound(f"no entity {entity_id!r}")
    heading = gettext("Neighbourhood of {name}", lang).format(name=title)
    return render_subgraph(
        {"nodes": sub["nodes"], "relationships": sub["relationships"]},
        title=heading,
        lang=lang,
        focus=[entity_id],
        sources_info=sources_info(store, [*sub["nodes"], *sub["relationships"]], lang),
        left_out=sub.get("truncated") or {},
        notes=notes,
    )


def _evidence_ids(evidence: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids and (type, id) relationship keys named in one evidence item."""
    nodes: list[str] = []
    rels: list[tuple[str, str]] = []
    if isinstance(evidence, dict):
        for key in ("nodes", "node_ids", "path_nodes"):
            for n in evidence.get(key, []) or []:
                nodes.append(n if isinstance(n, str) else str(n.get("id")))
        for key in ("relationships", "rels"):
            for r in evidence.get(key, []) or []:
                if isinstance(r, dict) and "id" in r and "type" in r:
                    rels.append((str(r["type"]), str(r["id"])))
                    for end in ("start", "end"):
                        if r.get(end):
                            nodes.append(str(r[end]))
    return nodes, rels


def ring_page(
    store: Store,
    ring_id: str,
    *,
    report: ProtectorReport | None = None,
    top: int = 5,
    lang: Lang = "id",
    clean: Cleaner = _same,
    notes: list[str] | None = None,
    max_nodes: int = MAX_NODES,
    expand: str | None = None,
) -> str:
    """A ring, its top suspected protectors and their evidence paths, coloured by kind.

    ``report`` is the ring's protector report as the caller's
    :class:`queries.protectors.Rankings` keeps it (the service's); by default it is
    ranked here once. ``max_nodes``, ``expand``: as :func:`viz.render.render_subgraph`
    (the most nodes drawn; the address of the same page with a larger cap)."""
    from queries.protectors import Rankings
    from queries.protectors import kind as indicator

    title = _title(store, ring_id)
    if report is None:
        report = Rankings.one_shot().get(store, ring_id, top=top)
    node_ids: list[str] = [ring_id]
    rel_keys: list[tuple[str, str]] = []
    kinds: dict[str, str] = {}
    scores: dict[str, float] = {}
    for p in report["protectors"]:
        node_ids.append(p["id"])
        scores[p["id"]] = float(p["score"])
        for ind in p["indicators"]:
            # the indicator's colour group (None: drawn, but not coloured as evidence)
            kind = indicator(str(ind["kind"])).colour
            for ev in ind.get("evidence", []):
                ns, rs = _evidence_ids(ev)
                node_ids += ns
                rel_keys += rs
                for _, rid in rs:
                    if kind is not None:
                        kinds.setdefault(rid, kind)
    members = [n["node"]["id"] for n in store.neighbours(ring_id, types=list(_MEMBERSHIP))]
    node_ids += members
    sub = clean(_subgraph(store, node_ids, rel_keys + [(t, "*") for t in _MEMBERSHIP], ring_id))
    heading = gettext("Suspected protectors of ring {name}", lang).format(name=title)
    return render_subgraph(
        sub,
        title=heading,
        lang=lang,
        scores=scores,
        indicator_kinds=kinds,
        focus=[ring_id, *scores],
        sources_info=sources_info(store, [*sub["nodes"], *sub["relationships"]], lang),
        notes=notes,
        max_nodes=max_nodes,
        expand=expand,
    )


def _subgraph(
    store: Store, node_ids: list[str], rel_keys: list[tuple[str, str]], ring_id: str
) -> Subgraph:
    wanted = list(dict.fromkeys(node_ids))
    nodes = store.get_nodes(wanted)
    rels: dict[tuple[str, str], RelRow] = {}
    for typ, rid in rel_keys:
        if rid == "*":
            for n in store.neighbours(ring_id, types=[typ]):
                rels[(typ, n["rel"]["id"])] = n["rel"]
    for key, rel in store.get_rels([k for k in rel_keys if k[1] != "*"]).items():
        rels[key] = rel
    extra = sorted({e for r in rels.values() for e in (r["start"], r["end"])} - set(nodes))
    nodes.update(store.get_nodes(extra))
    return {
        "nodes": [nodes[i] for i in sorted(nodes)],
        "relationships": [rels[k] for k in sorted(rels)],
    }


def money_trail_page(
    store: Store,
    source: str,
    *,
    target: str | None = None,
    to_officials: bool = False,
    lang: Lang = "id",
    clean: Cleaner = _same,
    notes: list[str] | None = None,
    max_nodes: int = MAX_NODES,
    expand: str | None = None,
    limit: int = TRAILS,
    more: str | None = None,
) -> str:
    """Money trails from an account or holder, following direction and time order;
    ``notes``, ``max_nodes``, ``expand``: as :func:`viz.render.render_subgraph`.

    At most ``limit`` trails (1 to :data:`MOST_TRAILS`); when there are more, the
    header says so ("Menampilkan 50 jejak pertama; ada lebih banyak"; at the query's
    bound: "mungkin ada") and its link and every "+N lainnya" node open ``more`` (the
    same page with a larger ``limit``), else ``expand``."""
    if not 1 <= limit <= MOST_TRAILS:
        raise ValueError(f"limit must be 1 to {MOST_TRAILS}")
    trails = queries.money_trail(
        store,
        source=source,
        target=target,
        to_officials=to_officials,
        limit=min(limit + 1, MOST_TRAILS),
    )
    limited = []
    if len(trails) > limit:
        trails = trails[:limit]
        said = ngettext(
            "Showing the first {n} trail; there are more",
            "Showing the first {n} trails; there are more",
            limit,
            lang,
        )
        limited.append(said.format(n=group_digits(limit)))
    elif len(trails) == limit == MOST_TRAILS:
        said = gettext("Showing the first {n} trails; there may be more", lang)
        limited.append(said.format(n=group_digits(limit)))
    node_ids = [source] + [n for t in trails for n in t["path_nodes"]]
    node_ids += [h for t in trails for hs in t["holders"] for h in hs]
    rel_keys = [(r["type"], r["id"]) for t in trails for r in t["rels"]]
    holds: list[tuple[str, str]] = []
    for t in trails:
        for acc, hs in zip(t["path_nodes"], t["holders"], strict=False):
            for h in hs:
                holds.extend(
                    (n["rel"]["type"], n["rel"]["id"])
                    for n in store.neighbours(acc, types=list(_HOLDS), direction="in")
                    if n["node"]["id"] == h
                )
    sub = clean(_subgraph(store, node_ids, rel_keys + holds, source))
    title = _title(store, source)
    heading = gettext("Money trail from {name}", lang).format(name=title)
    return render_subgraph(
        sub,
        title=heading,
        lang=lang,
        focus=[source],
        indicator_kinds={k[1]: "money" for k in rel_keys},
        sources_info=sources_info(store, [*sub["nodes"], *sub["relationships"]], lang),
        notes=notes,
        max_nodes=max_nodes,
        expand=(more or expand) if limited else expand,
        limited=limited,
    )


def money_route(report: ProtectorReport, official_id: str) -> list[tuple[str, str]]:
    """The ``(type, id)`` of every relationship in the money evidence the ranking found
    for ``official_id`` (its ``money`` colour group), in the report's order."""
    from queries.protectors import kind as indicator

    keys: list[tuple[str, str]] = []
    for p in report["protectors"]:
        if p["id"] != official_id:
            continue
        for ind in p["indicators"]:
            if indicator(str(ind["kind"])).colour != "money":
                continue
            for ev in ind.get("evidence", []):
                keys += _evidence_ids(ev)[1]
    return list(dict.fromkeys(keys))


def official_links_page(
    store: Store,
    official_id: str,
    *,
    lang: Lang = "id",
    clean: Cleaner = _same,
    money: list[tuple[str, str]] | None = None,
    back: tuple[str, str] | None = None,
    notes: list[str] | None = None,
    max_nodes: int = MAX_NODES,
    expand: str | None = None,
    cap: int = LINK_PATHS,
    more: str | None = None,
) -> str:
    """An official's paths to ring members, suspects and their organizations (Propam
    only), with the ranking's money route (``money``: relationship keys, see
    :func:`money_route`) and a link back (``back``: address, text); ``notes``,
    ``max_nodes``, ``expand``: as :func:`viz.render.render_subgraph`.

    At most ``cap`` paths per kind (1 to :data:`MOST_LINK_PATHS`); a kind with more
    is said in the header ("uang: 200 dari 340 jalur ditampilkan") and its link and
    every "+N lainnya" node open ``more`` (the same page with a larger ``cap``), else
    ``expand``."""
    links = queries.official_links(store, id=official_id, cap=cap)
    if links is None:
        raise NotFound(f"no official {official_id!r}")
    limited = [
        gettext("{kind}: {n} of {total} paths shown", lang).format(
            kind=gettext(kind, lang),
            n=group_digits(len(paths)),
            total=group_digits(links["counts"][kind]),
        )
        for kind, paths in links["paths"].items()
        if links["counts"][kind] > len(paths)
    ]
    node_ids = [official_id]
    rel_keys: list[tuple[str, str]] = list(money or [])
    kinds: dict[str, str] = {rid: "money" for _, rid in money or []}
    for kind, paths in links["paths"].items():
        for path in paths:
            node_ids += path["nodes"]
            for r in path["relationships"]:
                rel_keys.append((r["type"], r["id"]))
                # the path kinds of official_links are colour groups (tests/viz/test_styles)
                kinds.setdefault(r["id"], kind)
    sub = clean(_subgraph(store, node_ids, rel_keys, official_id))
    title = _title(store, official_id)
    heading = gettext("Links of {name}", lang).format(name=title)
    return render_subgraph(
        sub,
        title=heading,
        lang=lang,
        focus=[official_id],
        indicator_kinds=kinds,
        sources_info=sources_info(store, [*sub["nodes"], *sub["relationships"]], lang),
        back=back,
        notes=notes,
        max_nodes=max_nodes,
        expand=(more or expand) if limited else expand,
        limited=limited,
    )
