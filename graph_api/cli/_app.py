"""The typer application and options shared by every command."""

from __future__ import annotations

from typing import Annotated

import typer

from graph_api import __version__

app = typer.Typer(
    name="telusur",
    help="Telusur: trace the officials who protect human-trafficking rings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's own help layout: rich's costs a third of a second at every ``--help``
    rich_markup_mode=None,
)

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="embedded:PATH (default embedded:./telusur-data), bolt://, neo4j://, neo4j+s://",
        envvar="TELUSUR_STORE",
        show_envvar=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"telusur {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Telusur: trace the officials who protect human-trafficking rings.

    Add --debug to any command to see a full traceback on errors.
    """
