"""``telusur ingest``: load a case bundle folder or a FollowTheMoney file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app
from graph_api.cli._common import LangOpt

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
    lang: LangOpt = "id",
) -> None:
    """Load evidence; rejected rows go to a rejects file with file, line and reason.

    Creates the embedded store if it is not there yet (the one command besides ``demo``
    and ``store init`` that does). Progress goes to stderr: on a terminal a bar per file
    and one for all rows with percentage and time left, else one line per step; the
    steps after the files (finishing writes, candidate matches) are announced too.
    Bahasa Indonesia by default, English with ``--lang en`` (progress, summary and the
    reasons files were skipped, in ``--json`` too; its keys do not change).
    """
    from graph.store import open_store
    from graph_api.cli._common import lang_of
    from ingest import ingest_path
    from ingest.report import reading_line

    language = lang_of(lang)

    mappings = list(mapping or [])
    with open_store(store) as s:
        if as_json:
            report = ingest_path(
                path, s, bundle=bundle, rejects=rejects, strict=strict, mappings=mappings
            )
        elif sys.stderr.isatty():
            report = _with_bars(path, s, bundle, rejects, strict, mappings, language)
        else:

            def announce(step: str, total: int | None) -> None:
                typer.echo(reading_line(step, total, language), err=True)

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
        typer.echo(json.dumps(report.to_json(language), indent=2, sort_keys=True))
    else:
        _print(report, language)
    if strict and report.rejected_total:
        raise typer.Exit(1)


def _with_bars(
    path: Path,
    store: Store,
    bundle: str | None,
    rejects: Path | None,
    strict: bool,
    mappings: list[Path],
    lang: str = "id",
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

    from graph.text import gettext
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
        everything = bar.add_task(gettext("all rows", lang), total=0)
        step: list[TaskID] = []
        rows = [0]  # every file's rows, as announced

        def announce(name: str, total: int | None) -> None:
            for done in step:  # the step before is over
                bar.update(done, total=1, completed=1)
            step.clear()
            if total is None:
                bar.update(everything, completed=rows[0])
                step.append(bar.add_task(gettext(name, lang), total=None))
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


def _print(report: IngestReport, lang: str = "id") -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from graph.text import gettext
    from ingest.report import COLUMNS, count_text

    console = Console()
    table = Table(title=escape(report.title(lang)))
    for col in COLUMNS:
        right = col in ("rows", "accepted", "rejected")
        table.add_column(gettext(col, lang), justify="right" if right else "left")
    for name, f in report.files.items():
        delim = {"\t": "tab"}.get(f.delimiter or "", f.delimiter or "")
        table.add_row(
            escape(name),
            count_text(f.rows, lang),
            count_text(f.accepted, lang),
            count_text(f.rejected, lang),
            f.encoding or "",
            escape(delim),
        )
    console.print(table)
    for line in report.lines(lang):
        console.print(escape(line))
