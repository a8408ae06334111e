"""``telusur stats`` and ``telusur store check``."""

from __future__ import annotations

import json

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app

store_app = typer.Typer(help="Inspect the store.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@app.command()
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count nodes per label and relationships per type."""
    from rich.console import Console
    from rich.table import Table

    from graph_api.cli._common import open_existing as open_store

    with open_store(store) as s:
        counts = s.counts()
    if as_json:
        typer.echo(json.dumps(counts, indent=2, sort_keys=True))
        return
    console = Console()
    for title, key in (("Node / Simpul", "nodes"), ("Relationship / Relasi", "relationships")):
        table = Table(title=title)
        table.add_column("label" if key == "nodes" else "type")
        table.add_column("count", justify="right")
        for name, n in counts[key].items():  # type: ignore[literal-required]
            table.add_row(name, f"{n:,}".replace(",", "."))
        console.print(table)


@store_app.command("init")
def init(store: StoreOpt = None) -> None:
    """Create an empty embedded store (other commands than ingest and demo refuse a
    missing one)."""
    from graph.store import open_store

    with open_store(store) as s:
        info = s.check()
    typer.echo(f"ready: {info.get('path') or info.get('uri') or store}")


@store_app.command("check")
def check(store: StoreOpt = None) -> None:
    """Open the store and say what it is."""
    from graph_api.cli._common import open_existing as open_store

    with open_store(store) as s:
        info = s.check()
    for k, v in info.items():
        typer.echo(f"{k}: {v}")
    typer.echo("ok")
