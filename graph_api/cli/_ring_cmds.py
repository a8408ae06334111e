"""``telusur ring create``: draw a ring around people and organizations already loaded."""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app

ring_app = typer.Typer(help="Rings drawn over data already loaded.", no_args_is_help=True)
app.add_typer(ring_app, name="ring")


@ring_app.command("create")
def create_cmd(
    name: Annotated[str, typer.Argument(help="The ring's name, e.g. 'Jaringan Tulungagung'")],
    member: Annotated[
        list[str],
        typer.Option(
            "--member",
            "-m",
            help="A stored person or organization id, optionally with a role: "
            "ID or ID=recruiter (repeat the option)",
        ),
    ],
    ring_id: Annotated[
        str | None, typer.Option("--id", help="The ring's id (default ring:<name as a slug>)")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who draws it (default: login name)")
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a ring (or add members to it) from stored ids; running it again is harmless.

    Ranking, expansion and the pages then treat it like a ring loaded from a bundle:
    telusur protectors RING_ID, telusur expand RING_ID.
    """
    from graph_api.cli._common import open_existing as open_store
    from ingest.rings import create_ring

    members = [_member(m) for m in member]
    with open_store(store) as s:
        made = create_ring(s, name, members, by=by or getpass.getuser(), ring_id=ring_id)
    if as_json:
        out = {"id": made.id, "name": made.name, "members": made.members, "added": made.added}
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{made.id}  {made.name}: {len(made.members)} members ({made.added} new)")
    for m in made.members:
        typer.echo(f"  {m['id']}  {m['role']}")


def _member(text: str) -> tuple[str, str]:
    mid, _, role = text.partition("=")
    return mid.strip(), (role.strip().lower() or "other")
