"""``telusur mapping``: column mappings for a unit's own export layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph_api.cli._app import app

mapping_app = typer.Typer(
    help="Column mappings: turn a unit's own exports (bank statements, CDRs) into bundle files.",
    no_args_is_help=True,
)
app.add_typer(mapping_app, name="mapping")


@mapping_app.command("suggest")
def suggest(
    path: Annotated[Path, typer.Argument(help="An export: .xlsx, .xls or .csv")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the draft here (default: print it)")
    ] = None,
) -> None:
    """Propose a mapping from the file's header (Indonesian and English names), to edit."""
    from graph.errors import InputError
    from ingest.bundle._suggest import suggest as draft

    if not path.is_file():
        raise InputError(f"no such file: {path}")
    text = draft(path)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(
            f"draft mapping written to {out}: edit it, then telusur ingest FOLDER --mapping {out}",
            err=True,
        )


@mapping_app.command("check")
def check(
    path: Annotated[Path, typer.Argument(help="A mapping YAML file")],
) -> None:
    """Check a mapping file: errors name the line and the key."""
    from ingest.bundle._mapping import read_mapping

    layouts = read_mapping(path)
    for lay in layouts:
        sheet = f" sheet {lay.sheet!r}" if lay.sheet else ""
        typer.echo(f"{lay.where}: {lay.match}{sheet} -> {lay.kind}")
