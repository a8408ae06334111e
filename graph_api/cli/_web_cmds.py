"""``telusur serve`` and ``telusur users ...`` (``telusur audit ...``: ``_audit_cmds``)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from graph.errors import InputError
from graph_api.cli._app import JsonOpt, StoreOpt, app

if TYPE_CHECKING:  # the web package (FastAPI) is imported by the commands that use it
    from graph_api.web.users import UserStore

#: ``graph_api.web.security.ROLES`` for the help text, without importing the web package
#: for ``--help`` (``tests/test_cli_startup.py`` checks that the two agree)
ROLES_HELP = "reskrim|propam|analyst|admin"

users_app = typer.Typer(help="Manage API users (argon2 password hashes).", no_args_is_help=True)
app.add_typer(users_app, name="users")

StateOpt = Annotated[
    str | None,
    typer.Option(
        "--state-dir",
        envvar="TELUSUR_STATE_DIR",
        show_envvar=True,
        help="Folder of users.sqlite and the audit trails (default: next to the store)",
    ),
]


def _state(store: str | None, state: str | None) -> str:
    from pathlib import Path

    from graph.store import store_uri
    from graph_api.web.settings import state_dir

    env = dict(os.environ)
    if state:
        env["TELUSUR_STATE_DIR"] = state
    return str(state_dir(store_uri(store, env), env) if not state else Path(state))


def _users(store: str | None, state: str | None) -> UserStore:
    from pathlib import Path

    from graph_api.web.users import UserStore

    return UserStore(Path(_state(store, state)) / "users.sqlite")


def _password() -> str:
    pw = os.environ.get("TELUSUR_PASSWORD")
    if pw:
        return pw
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    pw = sys.stdin.readline().rstrip("\r\n")
    if not pw:
        raise InputError("give the password on standard input or in TELUSUR_PASSWORD")
    return pw


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes. 1 suits a small machine: rankings are cached per "
            "process and the store (Neo4j) needs the cores too; with more, the rate limits, "
            "the audit trail and flag changes are shared through the state folder.",
        ),
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            help="Also log every request line to standard output (the audit trail records "
            "every request anyway; the access log would copy entity ids into plain logs)"
        ),
    ] = False,
) -> None:
    """Run the HTTP API (OpenAPI at /api/docs). Needs TELUSUR_SECRET and TELUSUR_AUDIT_KEY
    (32+ random characters each, different)."""
    import uvicorn

    from graph_api.web import Settings, create_app

    settings = Settings.from_env(store=store)  # refuses a weak secret before anything starts
    typer.echo(
        f"telusur: serving {settings.store} on http://{host}:{port}/api/docs "
        f"({workers} worker{'s' if workers > 1 else ''})",
        err=True,
    )
    options = {
        "log_config": _log_config(),
        "host": host,
        "port": port,
        "proxy_headers": False,
        "server_header": False,
        "date_header": True,
        "timeout_keep_alive": 5,
        "limit_concurrency": 256,
        "log_level": "info",
        "access_log": access_log,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    # Each worker process builds its own app from the environment: pass on what was
    # resolved here (the store; in development mode the generated secret, so that a
    # token signed by one worker is accepted by the others).
    # TELUSUR_WORKERS makes them share the rate limits (a file in the state folder); the
    # audit trail (SQLite, one writer at a time) and the flag lock are shared anyway.
    os.environ["TELUSUR_STORE"] = settings.store
    os.environ["TELUSUR_WORKERS"] = str(workers)
    os.environ.setdefault("TELUSUR_STATE_DIR", str(settings.state_dir))
    if settings.dev:
        os.environ["TELUSUR_SECRET"] = settings.secret
        os.environ["TELUSUR_AUDIT_KEY"] = settings.audit_key  # one chain for all workers
    uvicorn.run(
        "graph_api.web.app:app_from_env",
        factory=True,
        workers=workers,
        **options,  # type: ignore[arg-type]
    )


def _log_config() -> dict[str, object]:
    """uvicorn's logging, plus the service's own messages (``telusur.*``: ready after the
    warm-up, store opened or unavailable) on the same handler, at INFO."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, object] = copy.deepcopy(LOGGING_CONFIG)
    loggers = config["loggers"]
    assert isinstance(loggers, dict)
    loggers["telusur"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (a-z 0-9 . _ -)")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    store: StoreOpt = None,
    state: StateOpt = None,
) -> None:
    """Add a user; the password comes from standard input or TELUSUR_PASSWORD (12+
    characters, not guessable: no common password, run, keyboard row or the user name)."""
    users = _users(store, state)
    try:
        user = users.add(name, role=role, password=_password())
    finally:
        users.close()
    typer.echo(f"added {user.name} ({user.role})")


@users_app.command("list")
def users_list(store: StoreOpt = None, state: StateOpt = None, as_json: JsonOpt = False) -> None:
    """List users with their roles."""
    users = _users(store, state)
    try:
        found = users.list()
    finally:
        users.close()
    if as_json:
        typer.echo(json.dumps([u.__dict__ for u in found], indent=2))
        return
    for u in found:
        typer.echo(f"{u.name}\t{u.role}\t{'disabled' if u.disabled else 'active'}\t{u.created_at}")


@users_app.command("disable")
def users_disable(name: str, store: StoreOpt = None, state: StateOpt = None) -> None:
    """Disable a user; their tokens stop working at once."""
    users = _users(store, state)
    try:
        users.disable(name)
    finally:
        users.close()
    typer.echo(f"disabled {name}")


@users_app.command("delete")
def users_delete(name: str, store: StoreOpt = None, state: StateOpt = None) -> None:
    """Delete a user; their tokens stop working, also if the name is added again."""
    users = _users(store, state)
    try:
        users.delete(name)
    finally:
        users.close()
    typer.echo(f"deleted {name}")


@users_app.command("passwd")
def users_passwd(name: str, store: StoreOpt = None, state: StateOpt = None) -> None:
    """Set a new password (standard input or TELUSUR_PASSWORD); old tokens stop working."""
    users = _users(store, state)
    try:
        users.set_password(name, _password())
    finally:
        users.close()
    typer.echo(f"password changed for {name}")
