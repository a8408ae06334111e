"""``telusur ingest``: load a case bundle folder or a FollowTheMoney file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app

if TYPE_CHECKING:  # rich, the store and the loader are imported when a command runs
    from graph.store import Store
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
    """Load evidence; rejected rows go to a rejects file with file, line and reason.

    Creates the embedded store if it is not there yet (the one command besides ``demo``
    and ``store init`` that does). Progress goes to stderr: on a terminal a bar per file
    and one for all rows with percentage and time left, else one line per step; the
    steps after the files (finishing writes, candidate matches) are announced too.
    """
    from graph.store import open_store
    from ingest import ingest_path

    mappings = list(mapping or [])
    with open_store(store) as s:
        if as_json:
            report = ingest_path(
                path, s, bundle=bundle, rejects=rejects, strict=strict, mappings=mappings
            )
        elif sys.stderr.isatty():
            report = _with_bars(path, s, bundle, rejects, strict, mappings)
        else:

            def announce(step: str, total: int | None) -> None:
                rows = f" ({total:,} rows)".replace(",", ".") if total is not None else ""
                typer.echo(f"reading {step}{rows}" if rows else f"{step} ...", err=True)

            report = ingest_path(
                path,
                s,
                bundle=bundle,
                rejects=rejects,
                strict=strict,
                mappings=mappings,
                announce=announce,
            )
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        _print(report)
    if strict and report.rejected_total:
        raise typer.Exit(1)


def _with_bars(
    path: Path,
    store: Store,
    bundle: str | None,
    rejects: Path | None,
    strict: bool,
    mappings: list[Path],
) -> IngestReport:
    """Ingest with rich progress bars: one per file, one for every row, then the steps."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from ingest import ingest_path

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}
        everything = bar.add_task("all rows", total=0)
        step: list[TaskID] = []
        rows = [0]  # every file's rows, as announced

        def announce(name: str, total: int | None) -> None:
            for done in step:  # the step before is over
                bar.update(done, total=1, completed=1)
            step.clear()
            if total is None:
                bar.update(everything, completed=rows[0])
                step.append(bar.add_task(name, total=None))
            elif name in tasks:  # --strict: checked first, then written
                bar.reset(tasks[name], total=total)
            else:
                tasks[name] = bar.add_task(name, total=total)
                rows[0] += total
                bar.update(everything, total=rows[0])

        def progress(name: str, n: int) -> None:
            if name in tasks:
                bar.advance(tasks[name], n)
            bar.advance(everything, n)

        return ingest_path(
            path,
            store,
            bundle=bundle,
            rejects=rejects,
            strict=strict,
            progress=progress,
            mappings=mappings,
            announce=announce,
        )


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
