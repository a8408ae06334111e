"""``telusur report`` (the PDF dossier) and ``telusur export`` (tables and graphs).

Local administration tools: they read the store directly, as every command does, so
whoever runs them sees everything the store holds. The service's routes give the same
files cleaned for the reader's role (``graph_api/web/routes/exports.py``).
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from graph.text import N_
from graph_api.cli._app import StoreOpt, app
from graph_api.cli._common import LangOpt

export_app = typer.Typer(
    help="Tables as XLSX/CSV, graphs as GraphML/GEXF/FollowTheMoney.", no_args_is_help=True
)
app.add_typer(export_app, name="export")

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]


@app.command()
def report(
    out: OutOpt,
    ring: Annotated[str | None, typer.Option("--ring", help="A Ring's stored id.")] = None,
    official: Annotated[
        str | None,
        typer.Option(
            "--official",
            help="An official's stored id: Propam's dossier of him (on the service only "
            "the propam role may get it; this command is a local administration tool).",
        ),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date to judge at.")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Printed by (default: login name).")
    ] = None,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write the PDF dossier of a ring (or, for Propam, of an official): suspected
    protectors with their evidence and source grades, the graph, members, cases, a
    timeline; marked RAHASIA, with printed by/at and page numbers."""
    from datetime import UTC, datetime

    import queries
    from graph.errors import ConfigError
    from graph.text import ngettext
    from graph_api.cli._common import lang_of, need
    from graph_api.cli._common import open_existing as open_store
    from ingest.report import count_text
    from queries.protectors import Rankings
    from viz.dossier import dossier_html, gather_official, gather_ring, pdf_bytes

    if (ring is None) == (official is None):
        raise ConfigError("give one of --ring ID or --official ID")
    language = lang_of(lang)
    rankings = Rankings.one_shot()
    with open_store(store) as s:
        if ring is not None:
            need(s, ring, ("Ring",), N_("no ring {name}"), language)
            data = gather_ring(s, ring_id=ring, report=rankings.get(s, ring, as_of=as_of))
        else:
            assert official is not None
            need(s, official, ("Official",), N_("no official {name}"), language)
            reports = [rankings.get(s, r["id"], as_of=as_of) for r in queries.rings(s)]
            data = gather_official(s, official_id=official, reports=reports)
    html = dossier_html(
        data, lang=language, printed_by=by or getpass.getuser(), printed_at=datetime.now(UTC)
    )
    out.write_bytes(pdf_bytes(html))
    size = out.stat().st_size
    typer.echo(
        ngettext("{file} ({n} byte)", "{file} ({n} bytes)", size, language).format(
            file=out, n=count_text(size, language)
        )
    )


@export_app.command("table")
def table_cmd(
    name: Annotated[
        str, typer.Argument(help="protectors, timeline, transfers, search or candidates")
    ],
    out: OutOpt,
    id: Annotated[
        str, typer.Option("--id", help="The ring (protectors, candidates) or entity id.")
    ] = "",
    q: Annotated[str, typer.Option("--q", help="The search text (search).")] = "",
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    max_rows: Annotated[
        int | None, typer.Option("--max-rows", min=1, help="Most rows written (default: all).")
    ] = None,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write a table as an Excel workbook or CSV. Rows left out (past --max-rows, or
    past the query's own limit) are said in the file's last row and on stderr."""
    from graph.errors import ConfigError
    from graph.text import ngettext
    from graph_api.cli._common import lang_of, need
    from graph_api.cli._common import open_existing as open_store
    from ingest.report import count_text
    from queries.protectors import Rankings
    from viz.exports import TABLES, csv_bytes, table, table_result, xlsx_bytes

    language = lang_of(lang)
    if name not in TABLES:
        raise ConfigError(f"no table {name!r}: use one of {', '.join(TABLES)}")
    if fmt not in ("xlsx", "csv"):
        raise ConfigError(f"--format {fmt!r}: use xlsx or csv")
    with open_store(store) as s:
        if name in ("protectors", "candidates"):
            need(s, id, ("Ring",), N_("no ring {name}"), language)
        elif name != "search":
            need(s, id, (), N_("no entity {name}"), language)
        if name == "protectors":
            result = Rankings.one_shot().get(s, id)
        else:
            result = table_result(s, name, id=id, q=q)
    t = table(name, result, language, cap=max_rows)
    out.write_bytes(xlsx_bytes(t, language) if fmt == "xlsx" else csv_bytes(t, language))
    typer.echo(
        ngettext("{file}: {n} row", "{file}: {n} rows", len(t.rows), language).format(
            file=out, n=count_text(len(t.rows), language)
        )
    )
    if (note := t.note(language)) is not None:
        typer.echo(note, err=True)


@export_app.command("graph")
def graph_cmd(
    id: Annotated[str, typer.Argument(help="A ring's or any entity's stored id.")],
    out: OutOpt,
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf or ftm")] = "graphml",
    hops: Annotated[int, typer.Option("--hops", min=1, max=3, help="For an entity.")] = 1,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write a ring's or an entity's subgraph as GraphML, GEXF (Gephi) or
    FollowTheMoney JSON lines (Aleph)."""
    from graph.errors import ConfigError
    from graph.text import gettext, ngettext
    from graph_api.cli._common import lang_of, need
    from graph_api.cli._common import open_existing as open_store
    from ingest.report import count_text
    from queries.protectors import Rankings
    from viz.exports import GRAPH_FORMATS, graph_bytes, graph_note, subgraph_of

    language = lang_of(lang)
    if fmt not in GRAPH_FORMATS:
        raise ConfigError(f"--format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
    with open_store(store) as s:
        node = need(s, id, (), N_("no entity {name}"), language)
        report = Rankings.one_shot().get(s, id) if "Ring" in node["labels"] else None
        sub = subgraph_of(s, id=id, hops=hops, report=report)
    note = graph_note(sub["truncated"], language)
    out.write_bytes(graph_bytes(sub, fmt, language, note))
    n, m = len(sub["nodes"]), len(sub["relationships"])
    typer.echo(
        gettext("{file}: {nodes}, {relationships}", language).format(
            file=out,
            nodes=ngettext("{n} node", "{n} nodes", n, language).format(n=count_text(n, language)),
            relationships=ngettext("{n} relationship", "{n} relationships", m, language).format(
                n=count_text(m, language)
            ),
        )
    )
    if note is not None:
        typer.echo(note, err=True)
