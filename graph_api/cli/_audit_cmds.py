"""``telusur audit verify|head|show|archive-unkeyed``: the keyed audit trails.

Verifying needs the service's key (``TELUSUR_AUDIT_KEY``): the files do not hold it.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph.errors import InputError
from graph_api.cli._app import JsonOpt, StoreOpt, app
from graph_api.cli._web_cmds import StateOpt, _state

if TYPE_CHECKING:  # the web package is imported by the commands that use it, not by --help
    from graph_api.web.audit import AuditLog, Head, Verdict

audit_app = typer.Typer(
    help="Read and verify the audit trails (main, and Propam's). Verifying needs "
    "TELUSUR_AUDIT_KEY.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")

#: each trail's file in the state folder (``Settings.audit_db``, ``propam_audit_db``)
FILES = {"main": "audit.sqlite", "propam": "audit-propam.sqlite"}


class Which(StrEnum):
    all = "all"
    main = "main"
    propam = "propam"


TrailOpt = Annotated[
    Which, typer.Option("--trail", help="main (admins' trail), propam (Propam's own) or all")
]


def _key() -> bytes:
    from graph_api.web.settings import weak_secret

    key = os.environ.get("TELUSUR_AUDIT_KEY", "")
    why = weak_secret(key, "TELUSUR_AUDIT_KEY")
    if why is not None:
        raise InputError(f"{why}: the trail is checked with the service's audit key")
    return key.encode()


def _trails(which: Which) -> tuple[str, ...]:
    from graph_api.web.audit import TRAILS

    return TRAILS if which is Which.all else (which.value,)


def _open(folder: Path, trail: str, key: bytes | None) -> AuditLog | None:
    from graph_api.web.audit import AuditLog

    path = folder / FILES[trail]
    return AuditLog(path, key=key, trail=trail) if path.exists() else None


def _heads(given: list[str] | None, head_file: Path | None) -> list[Head]:
    from graph_api.web.audit import Head

    lines = list(given or [])
    if head_file is not None:
        try:
            text = head_file.read_text()
        except OSError as exc:
            raise InputError(f"cannot read {head_file}: {exc.strerror}") from None
        lines += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [Head.parse(line) for line in lines]


def _say(v: Verdict) -> str:
    if v.ok:
        return f"ok {v.trail}: {v.entries} entries; head: {v.head_line}"
    if not v.keyed:
        return f"UNKEYED {v.trail}: {v.entries} entries. {v.reason}"
    where = f" at entry {v.first_bad}" if v.first_bad is not None else ""
    return f"BROKEN {v.trail}{where}: {v.reason}"


def verify_trails(
    folder: Path, *, trails: tuple[str, ...], key: bytes, heads: list[Head]
) -> list[Verdict]:
    """One verdict per trail (a missing file is a failed verdict when the other trail
    exists); :class:`InputError` when the folder holds no trail at all."""
    from graph_api.web.audit import TRAILS, Verdict

    if not any((folder / FILES[t]).exists() for t in TRAILS):
        raise InputError(f"no audit trail in {folder}")
    out = []
    for trail in trails:
        log = _open(folder, trail, key)
        if log is None:
            out.append(Verdict(False, 0, None, f"no file {folder / FILES[trail]}", trail=trail))
            continue
        try:
            out.append(log.verify([h for h in heads if h.trail == trail]))
        finally:
            log.close()
    return out


@audit_app.command("verify")
def audit_verify(
    store: StoreOpt = None,
    state: StateOpt = None,
    trail: TrailOpt = Which.all,
    head: Annotated[
        list[str] | None,
        typer.Option("--head", help="A line printed by `telusur audit head` earlier (repeatable)"),
    ] = None,
    head_file: Annotated[
        Path | None,
        typer.Option(help="A file of such lines (every one of them must still hold)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check each trail's keyed chain (and the exported heads); exit 1 naming the first
    bad entry, or saying the trail is an old unkeyed chain."""
    folder = Path(_state(store, state))
    verdicts = verify_trails(
        folder, trails=_trails(trail), key=_key(), heads=_heads(head, head_file)
    )
    if as_json:
        typer.echo(json.dumps({v.trail: v.to_json() for v in verdicts}, indent=2))
    else:
        for v in verdicts:
            typer.echo(_say(v))
    if not all(v.ok for v in verdicts):
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(store: StoreOpt = None, state: StateOpt = None, trail: TrailOpt = Which.all) -> None:
    """Print each trail's newest entry (sequence number, time, MAC) as one line to copy
    somewhere the service cannot write, e.g. `telusur audit head | ssh vault 'cat >>
    heads'`; `telusur audit verify --head-file heads` later finds a trail cut short or
    rewritten. Refused (exit 1) when a trail does not verify."""
    folder = Path(_state(store, state))
    verdicts = verify_trails(folder, trails=_trails(trail), key=_key(), heads=[])
    for v in verdicts:
        typer.echo(v.head_line if v.ok else _say(v), err=not v.ok)
    if not all(v.ok for v in verdicts):
        raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    store: StoreOpt = None,
    state: StateOpt = None,
    trail: TrailOpt = Which.main,
    after: Annotated[int, typer.Option(help="Show entries after this seq")] = 0,
    limit: Annotated[int, typer.Option(help="How many")] = 50,
) -> None:
    """Print audit entries as JSON lines (the MAC as ``hash``)."""
    if trail is Which.all:
        raise InputError("show one trail: --trail main or --trail propam")
    folder = Path(_state(store, state))
    log = _open(folder, trail.value, None)
    if log is None:
        raise InputError(f"no audit trail at {folder / FILES[trail.value]}")
    try:
        for e in log.entries(after=after, limit=limit):
            typer.echo(json.dumps(e, ensure_ascii=False, sort_keys=True))
    finally:
        log.close()


@audit_app.command("archive-unkeyed")
def audit_archive_unkeyed(store: StoreOpt = None, state: StateOpt = None) -> None:
    """Set an old unkeyed audit.sqlite aside (audit-unkeyed-<time>.sqlite) and begin a
    keyed trail whose first entry records the old chain's length and last hash. Stop
    the service first."""
    from graph_api.web.audit import archive_unkeyed

    path = Path(_state(store, state)) / FILES["main"]
    if not path.exists():
        raise InputError(f"no audit trail at {path}")
    entry = archive_unkeyed(path, key=_key())
    typer.echo(
        f"archived {entry['archived_entries']} unkeyed entries as {entry['archived_file']} "
        f"(last hash {entry['archived_head']}); the keyed trail begins with entry "
        f"{entry['seq']}"
    )
