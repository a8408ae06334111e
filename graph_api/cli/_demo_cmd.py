"""``telusur demo``: a synthetic scenario, a user per role, the web page, in one command."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Annotated

import typer

from graph_api.cli._app import app

DEMO_ROLES = ("reskrim", "propam", "analyst", "admin")


def prepare_demo(folder: Path, *, seed: int, scale: float) -> dict[str, str]:
    """Fresh embedded store with a synthetic bundle and one user per role; their passwords."""
    from graph.store import EmbeddedStore
    from graph_api.web.users import UserStore
    from ingest import ingest_path
    from ingest.synth import generate

    store_dir, bundle = folder / "store", folder / "jatim"
    for old in (store_dir, bundle):
        if old.exists():
            shutil.rmtree(old)
    generate(bundle, seed=seed, scale=scale)
    with EmbeddedStore(store_dir) as store:
        report = ingest_path(bundle, store, rejects=folder / "jatim.rejects.csv")
    typer.echo(
        f"ingested {bundle}: {sum(f.accepted for f in report.files.values())} rows accepted, "
        f"{report.rejected_total} rejected (deliberately bad rows, see {report.rejects_file})"
    )
    users = UserStore(store_dir / "users.sqlite")
    passwords = {}
    try:
        for role in DEMO_ROLES:
            password = secrets.token_urlsafe(12)
            users.add(role, role=role, password=password)
            passwords[role] = password
    finally:
        users.close()
    return passwords


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo data lives")] = Path(
        "./telusur-demo"
    ),
    seed: Annotated[int, typer.Option(help="Scenario seed")] = 1,
    scale: Annotated[float, typer.Option(help="Scenario size")] = 1.0,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    serve: Annotated[bool, typer.Option(help="Start the web service")] = True,
) -> None:
    """Synthetic East-Java scenario in a fresh embedded store, a user per role, the web page."""
    passwords = prepare_demo(folder, seed=seed, scale=scale)
    url = f"http://{host}:{port}/"
    typer.echo("\nDemo users (user name = role):")
    for role, password in passwords.items():
        typer.echo(f"  {role:<8} {password}")
    where = f"embedded:{folder / 'store'}"
    # without --no-serve the page is at an address; with it nothing listens yet
    first = (
        f"open {url} and sign in as 'reskrim'"
        if serve
        else f"start the web service (telusur serve --store {where}), sign in as 'reskrim'"
    )
    api = f"API: {url}api/docs   " if serve else ""
    typer.echo(
        f"\nWhere to click first / Mulai dari sini:\n"
        f"  1. {first}\n"
        f"  2. Jaringan (rings) -> open a ring -> the protector table ranks its suspected\n"
        f"     backing (beking) with the evidence in plain words; the graph shows the paths\n"
        f"  3. sign in as 'propam' to flag an official (Propam page); reskrim never sees flags\n"
        f"  {api}store: {where}\n"
    )
    if not serve:
        return
    import uvicorn

    from graph_api.web import Settings, create_app

    settings = Settings(
        secret=secrets.token_urlsafe(48),
        audit_key=secrets.token_urlsafe(48),  # the demo's trail dies with it
        store=f"embedded:{folder / 'store'}",
        state_dir=folder / "store",
    )
    uvicorn.run(
        create_app(settings), host=host, port=port, log_level="warning", server_header=False
    )
