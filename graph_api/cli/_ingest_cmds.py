"""``telusur ingest``: load a case bundle folder or a FollowTheMoney file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app

if TYPE_CHECKING:  # rich, the store and the loader are imported when a command runs
    from ingest.report import IngestReport


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A bundle folder or a FollowTheMoney .ijson/.jsonl")],
    bundle: Annotated[
        str | None, typer.Option(help="Bundle name (default: the folder name)")
    ] = None,
    store: StoreOpt = None,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Where to write rejected rows (default ./<bundle>.rejects.csv)"),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing and exit 1 if any row is rejected")
    ] = False,
    mapping: Annotated[
        list[Path] | None,
        typer.Option(
            "--mapping",
            help="A column-mapping YAML file for the folder's own layouts (repeatable); "
            "a mapping.yaml inside the folder applies too",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load evidence; rejected rows go to a rejects file with file, line and reason."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from graph.store import open_store
    from ingest import ingest_path

    mappings = list(mapping or [])
    console = Console(stderr=True)
    show = sys.stderr.isatty() and not as_json
    with open_store(store) as s:
        if show:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                tasks: dict[str, TaskID] = {}

                def progress(name: str, n: int) -> None:
                    if name not in tasks:
                        tasks[name] = bar.add_task(name, total=None)
                    bar.advance(tasks[name], n)

                report = ingest_path(
                    path,
                    s,
                    bundle=bundle,
                    rejects=rejects,
                    strict=strict,
                    progress=progress,
                    mappings=mappings,
                )
        else:
            report = ingest_path(
                path, s, bundle=bundle, rejects=rejects, strict=strict, mappings=mappings
            )
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        _print(report)
    if strict and report.rejected_total:
        raise typer.Exit(1)


def _print(report: IngestReport) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title=f"Ingest {report.bundle}")
    for col in ("file", "rows", "accepted", "rejected", "encoding", "delimiter"):
        table.add_column(
            col, justify="right" if col in ("rows", "accepted", "rejected") else "left"
        )
    for name, f in report.files.items():
        delim = {"\t": "tab"}.get(f.delimiter or "", f.delimiter or "")
        table.add_row(name, str(f.rows), str(f.accepted), str(f.rejected), f.encoding or "", delim)
    console.print(table)
    for src in report.inputs:
        if src["kind"] == "mapping":
            console.print(escape(f"mapping file: {src['file']}"))
            continue
        sheet = f" [{src['sheet']}]" if "sheet" in src else ""
        how = f", mapping {src['mapping']}" if "mapping" in src else ""
        unused = (
            f"; columns not used: {', '.join(src['unused_columns'])}"
            if src.get("unused_columns")
            else ""
        )
        console.print(
            f"read {src['file']}{sheet} as {src['kind']} ({src['rows']} rows{how}){unused}"
        )
    for skip in report.skipped:
        console.print(f"[yellow]skipped[/] {escape(skip['file'])}: {escape(skip['reason'])}")
    n, r = report.nodes, report.relationships
    if report.written:
        console.print(
            f"nodes: {n['created']} created, {n['updated']} updated, {n['unchanged']} unchanged; "
            f"relationships: {r['created']} created, {r['updated']} updated, "
            f"{r['unchanged']} unchanged; candidate matches: {report.candidates}"
        )
    else:
        console.print("[bold red]nothing written[/]: --strict and rows were rejected")
    if report.other_schemata:
        console.print(f"not imported (other schemata): {report.other_schemata}")
    if report.rejects_file:
        console.print(f"rejected rows: {report.rejected_total} -> {report.rejects_file}")
    console.print(f"time: {report.seconds:.1f} s")
