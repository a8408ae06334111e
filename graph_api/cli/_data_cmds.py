"""``telusur synth`` and ``telusur render``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from graph.errors import ConfigError
from graph_api.cli._app import StoreOpt, app

LangOpt = Annotated[str, typer.Option("--lang", help="Page language: id (default) or en")]


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the bundle into")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bundle)")] = 1,
    scale: Annotated[float, typer.Option(help="Size: 1.0 is a few thousand people")] = 1.0,
    scenarios: Annotated[
        str,
        typer.Option(
            "--scenarios",
            help="What is planted: classic, tradecraft (issue 17) or routine_sp3",
        ),
    ] = "classic",
) -> None:
    """Write a synthetic East-Java case bundle with truth.json (planted protectors, decoys)."""
    from ingest.synth import SCENARIOS, generate

    if scenarios not in SCENARIOS:
        raise ConfigError(f"unknown scenarios {scenarios!r}: use one of {', '.join(SCENARIOS)}")
    summary = generate(out, seed=seed, scale=scale, scenarios=scenarios)
    total = sum(summary.rows.values())
    typer.echo(
        f"wrote {out}: {total} rows in {len(summary.rows)} files, {summary.rings} rings, "
        f"{summary.protectors} planted protectors, {summary.decoys} decoys (truth.json)"
    )


def _lang(value: str) -> Literal["id", "en"]:
    if value not in ("id", "en"):
        raise ConfigError(f"unknown language {value!r}: use id or en")
    return "id" if value == "id" else "en"


@app.command()
def render(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    entity_id: Annotated[
        str | None, typer.Argument(help="Stored id of the entity (bundle:key)")
    ] = None,
    ring: Annotated[
        str | None, typer.Option("--ring", help="Draw a ring's protector evidence instead")
    ] = None,
    hops: Annotated[int, typer.Option(help="Neighbourhood depth (1-4)")] = 1,
    store: StoreOpt = None,
    lang: LangOpt = "id",
) -> None:
    """Write a self-contained graph page (works offline) for an entity or a ring."""
    from graph_api.cli._common import open_existing as open_store
    from viz import write_page
    from viz.views import entity_page, ring_page

    if (entity_id is None) == (ring is None):
        raise ConfigError("give either ENTITY_ID or --ring RING_ID")
    notes: list[str] = []
    with open_store(store) as s:
        if ring is not None:
            html = ring_page(s, ring, lang=_lang(lang), notes=notes)
        else:
            assert entity_id is not None
            html = entity_page(s, entity_id, hops=hops, lang=_lang(lang), notes=notes)
    import getpass

    from viz.render import sign_print

    html = sign_print(html, getpass.getuser())  # the printed page names who made it
    write_page(out, html)
    typer.echo(f"wrote {out} ({len(html.encode()) // 1024} KB)")
    for note in notes:  # what the page left out, as its header says
        typer.echo(note)
