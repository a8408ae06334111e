"""``telusur resolve``: decide candidate matches (list, confirm, reject, decisions).

A decision reads the pair and then writes (a merge moves every relationship of the
dropped record), so it takes the store's ingest turn (:meth:`Store.ingesting`): it
waits for a running ingest, and an ingest waits for it.
"""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer

from graph_api.cli._app import JsonOpt, StoreOpt, app

resolve_app = typer.Typer(help="Decide candidate matches (POSSIBLY_SAME_AS).", no_args_is_help=True)
app.add_typer(resolve_app, name="resolve")
ByOpt = Annotated[str | None, typer.Option("--by", help="Who decides (default: login name)")]


def _by(by: str | None) -> str:
    return by or getpass.getuser()


@resolve_app.command("list")
def list_cmd(
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    status: Annotated[str, typer.Option(help="candidate, rejected or all")] = "candidate",
) -> None:
    """Candidate pairs, best score first."""
    from rich.console import Console
    from rich.table import Table

    from graph_api.cli._common import open_existing as open_store
    from ingest.resolve import candidates

    with open_store(store) as s:
        found = candidates(s, status=None if status == "all" else status)
    if as_json:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Kandidat sama orang / candidate matches ({len(found)})")
    # the candidate id on one line, never cut (`resolve confirm` needs it whole); the
    # other columns give way, and fold rather than cut when the terminal is narrow
    widest = max((len(c["id"]) for c in found), default=9)
    table.add_column("candidate", no_wrap=True, min_width=widest)
    for col in ("a", "b", "score", "reasons", "status"):
        table.add_column(col, overflow="fold")
    for c in found:
        table.add_row(
            c["id"],
            f"{c['a_name']}\n{c['a']}",
            f"{c['b_name']}\n{c['b']}",
            f"{c['score']:.2f}",
            ", ".join(c["reasons"]),
            c["status"],
        )
    Console(emoji=False).print(table)  # "cand:a:P1|…" holds ":a:", an emoji code


@resolve_app.command("confirm")
def confirm_cmd(
    candidate: Annotated[str, typer.Argument(help="Candidate id from `resolve list`")],
    keep: Annotated[str | None, typer.Option(help="Stored id of the record to keep")] = None,
    by: ByOpt = None,
    store: StoreOpt = None,
) -> None:
    """Merge the two records for good (relationships, keys and sources move over)."""
    from graph_api.cli._common import open_existing as open_store
    from ingest.resolve import confirm

    with open_store(store) as s, s.ingesting():
        done = confirm(s, candidate, by=_by(by), keep=keep)
    typer.echo(f"merged {done['merged']} into {done['kept']} (by {done['by']} at {done['at']})")


@resolve_app.command("reject")
def reject_cmd(
    candidate: Annotated[str, typer.Argument(help="Candidate id from `resolve list`")],
    by: ByOpt = None,
    store: StoreOpt = None,
) -> None:
    """Record that the two records are different people."""
    from graph_api.cli._common import open_existing as open_store
    from ingest.resolve import reject

    with open_store(store) as s, s.ingesting():
        done = reject(s, candidate, by=_by(by))
    typer.echo(f"rejected {done['id']} (by {done['decided_by']} at {done['decided_at']})")


@resolve_app.command("decisions")
def decisions_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every confirmed merge and rejected pair, with who and when."""
    from graph_api.cli._common import open_existing as open_store
    from ingest.resolve import decisions

    with open_store(store) as s:
        found = decisions(s)
    if as_json:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for d in found:
        what = (
            f"{d['merged']} -> {d['kept']}"
            if d["decision"] == "confirmed"
            else f"{d['a']} != {d['b']}"
        )
        typer.echo(f"{d['at']}  {d['decision']:<9}  {what}  by {d['by']}")
