"""The named queries on the command line: ``search``, ``entity``, ``paths``, ``money``,
``timeline`` and ``links``.

Each command opens a store that must exist (:func:`open_existing`), checks that the ids
it was given name the kind of entity it needs (else one line and exit 1), calls one
named query and prints its result as JSON (``--json``: the query's own shape) or as a
table with headings in Bahasa Indonesia (``--lang en`` for English). That shared part is
:func:`_answer`; a command brings its options, what it asks the store (``ask``) and its
table (``draw``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from graph.text import N_, gettext
from graph_api.cli._app import JsonOpt, StoreOpt, app
from graph_api.cli._common import LangOpt, amount, lang_of, name_of, need, open_existing, when

if TYPE_CHECKING:  # rich and the store are imported by the commands using them
    from rich.table import Table

    from graph.rows import NodeRow
    from graph.store import Store
    from graph.text import Lang
    from queries._types import Entity, OfficialLinks, Path, SearchHit, TimelineItem, Trail

R = TypeVar("R")
IdArg = Annotated[str, typer.Argument(help="A stored id, e.g. jatim:P234457.")]

#: how a search hit was found (``SearchHit.matched``), as investigators read it
MATCHED = {
    "id": N_("id"),
    "nik": "NIK",
    "id_number": N_("ID number"),
    "phone": N_("phone"),
    "phone_user": N_("phone user"),
    "account": N_("account"),
    "name": N_("name"),
}
#: timeline items (``TimelineItem.kind``) and directions
ITEMS = {
    "transfer": N_("transfer"),
    "call": N_("call"),
    "case_opened": N_("case opened"),
    "case_status": N_("case status"),
    "event": N_("event"),
    "post_since": N_("post since"),
    "post_until": N_("post until"),
}
DIRECTIONS = {"out": N_("out"), "in": N_("in")}
#: who can be followed by the money trail: an account or a holder of accounts
MONEY_ENDS = ("Account", "Person", "Organization")


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _table(title: str, lang: Lang, *columns: str) -> Table:
    """A table whose column headings are the translated ``columns``."""
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(gettext(c, lang), overflow="fold")  # ids whole, never cut
    return table


def _print(table: Table) -> None:
    from rich.console import Console

    # ids such as "a:b:c" hold emoji codes, types such as "[CALLED]" look like markup
    Console(emoji=False, markup=False).print(table)


def _labels(labels: list[str], lang: Lang) -> str:
    from viz.i18n import label_name

    return ", ".join(label_name(x, lang) for x in labels)


def _names(store: Store, ids: set[str]) -> dict[str, NodeRow]:
    return store.get_nodes(sorted(ids)) if ids else {}


def _short(node: NodeRow | None, node_id: str) -> str:
    """One line: the node's name (or number, title), else its id."""
    props = node["props"] if node else {}
    return str(props.get("name") or props.get("title") or props.get("number") or node_id)


def _note(text: str) -> None:
    """A line about what was left out, on stderr: never a silent cap."""
    typer.echo(text, err=True)


@dataclass
class Found(Generic[R]):
    """What a query command found: ``result`` is what ``--json`` prints (the query's own
    shape); ``nodes`` the nodes its table names, by id."""

    result: R
    nodes: dict[str, NodeRow] = field(default_factory=dict)
    #: what ``--limit`` left out: a line on stderr, with the table or the JSON
    left_out: str | None = None
    #: lines on stderr after the table (what the table cannot show)
    after: list[str] = field(default_factory=list)


def _answer(
    store: str | None,
    lang: str,
    as_json: bool,
    ask: Callable[[Store, Lang], Found[R]],
    draw: Callable[[Found[R], Lang], Table],
) -> None:
    """The part every query command shares: open the store (it must exist), ``ask`` (an
    unknown id raises ``NotFound``: one line, exit 1), say what was left out, then print
    the result as JSON (``--json``) or as the table ``draw`` makes."""
    lg = lang_of(lang)
    with open_existing(store) as s:
        found = ask(s, lg)
    if found.left_out:
        _note(found.left_out)
    if as_json:
        _echo_json(found.result)
        return
    _print(draw(found, lg))
    for line in found.after:
        _note(line)


def _first(
    rows: list[R], limit: int, note: str, lang: Lang, *, bound: int = 0, at_bound: str = ""
) -> tuple[list[R], str | None]:
    """The first ``limit`` of ``rows`` (the query was asked for one more) and, when there
    were more, the line saying so (``note``: a message with ``{n}``). At the query's own
    ``bound`` it cannot be asked for one more: ``limit`` rows there may hide more
    (``at_bound``)."""
    if len(rows) > limit:
        return rows[:limit], gettext(note, lang).format(n=limit)
    if at_bound and len(rows) == limit == bound:
        from ingest.report import count_text

        return rows, gettext(at_bound, lang).format(n=count_text(limit, lang))
    return rows, None


@app.command("search")
def search_cmd(
    q: Annotated[str, typer.Argument(help="A name, NIK, NRP/NIP, phone, account number or id.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Find entities by an exact identifier, else by a forgiving name match."""

    def ask(s: Store, lg: Lang) -> Found[list[SearchHit]]:
        import queries

        hits = queries.search(s, q=q, limit=min(limit + 1, 200))
        hits, left_out = _first(hits, limit, N_("first {n} results shown; more with --limit"), lg)
        return Found(hits, left_out=left_out)

    def draw(found: Found[list[SearchHit]], lg: Lang) -> Table:
        hits = found.result
        title = gettext("Search results for {q}", lg).format(q=repr(q))
        table = _table(title, lg, "#", N_("name"), N_("kind"), N_("matched by"), N_("score"))
        # each id on one line, never cut: the next command needs it whole
        table.columns[1].min_width = max((len(h["id"]) for h in hits), default=0)
        for i, h in enumerate(hits, start=1):
            how = MATCHED.get(h["matched"], h["matched"])
            table.add_row(
                str(i),
                f"{h['name'] or ''}\n{h['id']}".strip(),
                _labels(h["labels"], lg),
                gettext(how, lg),
                f"{h['score']:g}",
            )
        return table

    _answer(store, lang, as_json, ask, draw)


@app.command("entity")
def entity_cmd(
    entity_id: IdArg,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """One entity: its properties, record keys and graded sources."""

    def ask(s: Store, lg: Lang) -> Found[Entity]:
        import queries
        from graph.errors import NotFound

        found = queries.entity(s, id=entity_id)
        if found is None:
            raise NotFound(gettext("no entity {name}", lg).format(name=repr(entity_id)))
        return Found(found)

    def draw(found: Found[Entity], lg: Lang) -> Table:
        e = found.result
        title = f"{e['props'].get('name') or entity_id} ({_labels(e['labels'], lg)})"
        table = _table(title, lg, N_("property"), N_("value"))
        table.add_row("id", e["id"])
        for key, value in sorted(e["props"].items()):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            table.add_row(key, shown)
        if e["keys"]:
            table.add_row(gettext("record keys", lg), "\n".join(e["keys"]))
        for src in e["sources"]:
            grade = f"{src['reliability'] or '?'}{src['credibility'] or '?'}"
            shown = f"{src['title'] or src['id']} ({src['kind'] or '-'}, {grade})"
            table.add_row(gettext("source", lg), shown)
        return table

    _answer(store, lang, as_json, ask, draw)


@app.command("paths")
def paths_cmd(
    source: Annotated[str, typer.Argument(help="Stored id where the paths start.")],
    target: Annotated[str, typer.Argument(help="Stored id where the paths end.")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=4)] = 4,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 10,
    types: Annotated[
        list[str] | None,
        typer.Option("--type", help="Only these relationship types (repeatable), e.g. CALLED."),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """All shortest paths (either direction, at most 4 hops) between two entities."""

    def ask(s: Store, lg: Lang) -> Found[list[Path]]:
        import queries

        ends = {i: need(s, i, (), N_("no entity {name}"), lg) for i in (source, target)}
        found, left_out = _first(
            queries.paths(
                s,
                source=source,
                target=target,
                types=types,
                max_hops=max_hops,
                limit=min(limit + 1, 1000),
            ),
            limit,
            N_("first {n} paths shown; more with --limit"),
            lg,
        )
        return Found(
            found,
            nodes={**ends, **_names(s, {n for p in found for n in p["nodes"]})},
            left_out=left_out,
            after=[] if found else [gettext("no path of at most {n} hops", lg).format(n=max_hops)],
        )

    def draw(found: Found[list[Path]], lg: Lang) -> Table:
        from viz.i18n import type_name

        nodes = found.nodes
        title = gettext("Shortest paths from {a} to {b}", lg).format(
            a=_short(nodes[source], source), b=_short(nodes[target], target)
        )
        table = _table(title, lg, "#", N_("hops"), N_("path"))
        for i, p in enumerate(found.result, start=1):
            steps = [_short(nodes.get(p["nodes"][0]), p["nodes"][0])]
            for here, nxt, r in zip(p["nodes"], p["nodes"][1:], p["relationships"], strict=False):
                shown = type_name(r["type"], lg)
                arrow = f"-[{shown}]->" if r["start"] == here else f"<-[{shown}]-"
                steps.append(f"{arrow} {_short(nodes.get(nxt), nxt)}")
            table.add_row(str(i), str(len(p["relationships"])), "\n".join(steps))
        return table

    _answer(store, lang, as_json, ask, draw)


@app.command("money")
def money_cmd(
    source: Annotated[str, typer.Argument(help="An account, or a person or organization.")],
    target: Annotated[
        str | None, typer.Option("--to", help="Only trails ending at this account or holder.")
    ] = None,
    to_officials: Annotated[
        bool, typer.Option("--to-officials", help="Only trails ending at an official's account.")
    ] = False,
    min_amount: Annotated[float, typer.Option("--min-amount", min=0)] = 0.0,
    window_hours: Annotated[
        float, typer.Option("--window-hours", min=0.01, help="Hours between transfers, at most.")
    ] = 720,
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=4)] = 4,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """The money trail: chains of transfers from an account (or its holder) onwards."""

    def ask(s: Store, lg: Lang) -> Found[list[Trail]]:
        import queries

        wrong = N_("no account or account holder {name}")
        start = need(s, source, MONEY_ENDS, wrong, lg)
        if target is not None:
            need(s, target, MONEY_ENDS, wrong, lg)
        found, left_out = _first(
            queries.money_trail(
                s,
                source=source,
                target=target,
                to_officials=to_officials,
                min_amount=min_amount,
                window_hours=window_hours,
                max_hops=max_hops,
                limit=min(limit + 1, 1000),
            ),
            limit,
            N_("first {n} trails shown; more with --limit"),
            lg,
            bound=1000,
            at_bound=N_("Showing the first {n} trails; there may be more"),
        )
        ids = {n for t in found for n in t["path_nodes"]} | {
            h for t in found for hs in t["holders"] for h in hs
        }
        return Found(found, nodes={source: start, **_names(s, ids)}, left_out=left_out)

    def draw(found: Found[list[Trail]], lg: Lang) -> Table:
        nodes = found.nodes
        title = gettext("Money trails from {name}", lg).format(name=_short(nodes[source], source))
        table = _table(title, lg, "#", N_("accounts and holders"), N_("transfers"))
        for i, t in enumerate(found.result, start=1):
            accounts = []
            for acc, holders in zip(t["path_nodes"], t["holders"], strict=True):
                node = nodes.get(acc)
                bank = node["props"].get("bank") if node else None
                label = " ".join(str(x) for x in (bank, _short(node, acc)) if x)
                who = ", ".join(_short(nodes.get(h), h) for h in holders)
                accounts.append(f"{label} ({who})" if who else label)
            moves = [
                f"{when(h['at'], lg)}  {amount(h['amount'], h['currency'], lg)}" for h in t["rels"]
            ]
            table.add_row(str(i), "\n".join(accounts), "\n".join(moves))
        return table

    _answer(store, lang, as_json, ask, draw)


@app.command("timeline")
def timeline_cmd(
    entity_id: IdArg,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="At most N items, the earliest.")
    ] = 500,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Everything dated about one entity (calls, transfers, cases, events, posts)."""

    def ask(s: Store, lg: Lang) -> Found[list[TimelineItem]]:
        import queries

        node = need(s, entity_id, (), N_("no entity {name}"), lg)
        items = queries.timeline(s, id=entity_id, limit=min(limit + 1, 10_000))
        items, left_out = _first(items, limit, N_("first {n} items shown; more with --limit"), lg)
        others = _names(s, {i["other"] for i in items})
        return Found(items, nodes={**others, entity_id: node}, left_out=left_out)

    def draw(found: Found[list[TimelineItem]], lg: Lang) -> Table:
        items, nodes = found.result, found.nodes
        title = gettext("Timeline of {name}", lg).format(name=_short(nodes[entity_id], entity_id))
        headings = (N_("when"), N_("item"), N_("other side"), N_("amount"), N_("detail"))
        table = _table(title, lg, *headings)
        # the other side's id on one line, never cut: the next command needs it whole
        table.columns[2].min_width = min(max((len(i["other"]) for i in items), default=0), 30)
        table.columns[0].max_width = 10  # the date above its time
        for i in items:
            item = gettext(ITEMS.get(i["kind"], i["kind"]), lg)
            if i["direction"] in DIRECTIONS:
                item += f" ({gettext(DIRECTIONS[i['direction']], lg)})"
            table.add_row(
                when(i["at"], lg),
                item,
                name_of(nodes.get(i["other"]), i["other"]),
                amount(i["amount"], i["currency"], lg),
                i["detail"] or "",
            )
        return table

    _answer(store, lang, as_json, ask, draw)


@app.command("links")
def links_cmd(
    official_id: Annotated[str, typer.Argument(help="An official's stored id.")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=3)] = 3,
    cap: Annotated[int, typer.Option("--cap", min=1, max=1000, help="Paths kept per kind.")] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """An official's links to ring members, suspects and ring organizations, by kind."""
    from viz.i18n import KINDS, kind_name

    def kind_of(kind: str, lg: Lang) -> str:
        return kind_name(kind, lg) if kind in KINDS else kind

    def ask(s: Store, lg: Lang) -> Found[OfficialLinks]:
        import queries

        official = need(s, official_id, ("Official",), N_("no official {name}"), lg)
        found = queries.official_links(s, id=official_id, max_hops=max_hops, cap=cap)
        assert found is not None  # an Official (checked above)
        ids = {n for ps in found["paths"].values() for p in ps for n in p["nodes"]}
        note = N_("{kind}: {n} of {total} paths shown; more with --cap")
        kept = {kind: len(paths) for kind, paths in found["paths"].items()}
        return Found(
            found,
            nodes={**_names(s, ids), official_id: official},
            after=[
                gettext(note, lg).format(kind=kind_of(kind, lg), n=kept.get(kind, 0), total=total)
                for kind, total in found["counts"].items()
                if total > kept.get(kind, 0)
            ],
        )

    def draw(found: Found[OfficialLinks], lg: Lang) -> Table:
        from viz.i18n import type_name

        nodes = found.nodes
        me = _short(nodes[official_id], official_id)
        title = gettext("Links of {name} to rings", lg).format(name=me)
        table = _table(title, lg, N_("kind"), N_("target"), N_("path"))
        for kind, paths in found.result["paths"].items():
            for p in paths:
                steps = [me]
                for nxt, t, n in zip(p["nodes"][1:], p["types"], p["parallel"], strict=True):
                    times = f" x{n}" if n > 1 else ""
                    steps.append(f"-[{type_name(t, lg)}{times}]- {_short(nodes.get(nxt), nxt)}")
                target = name_of(nodes.get(p["target"]), p["target"])
                table.add_row(kind_of(kind, lg), target, "\n".join(steps))
        return table

    _answer(store, lang, as_json, ask, draw)
