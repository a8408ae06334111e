"""``telusur protectors`` and ``telusur evaluate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from graph.store import open_store
from graph.text import gettext
from graph_api.cli._app import JsonOpt, StoreOpt, app
from queries.protectors.words import describe

LangOpt = Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en.")]


@app.command()
def protectors(
    ring_id: Annotated[str, typer.Argument(help="The Ring's stored id, e.g. synth1:RING1.")],
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show the first N.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date to judge at.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Rank the officials most likely protecting a ring (beking), with evidence."""
    from queries.protectors import Rankings

    with open_store(store) as s:
        report = Rankings.one_shot().get(s, ring_id, top=top, as_of=as_of)
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    table = Table(title=gettext("Likely protectors of {ring}", lang).format(ring=ring_id))
    table.add_column("#", justify="right")
    table.add_column(gettext("official", lang))
    table.add_column(gettext("agency", lang))
    table.add_column(gettext("score", lang), justify="right")
    table.add_column(gettext("strongest evidence", lang))
    for i, p in enumerate(report["protectors"], start=1):
        lines = [describe(x["kind"], x["facts"], lang) for x in p["indicators"][:2]]
        table.add_row(
            str(i),
            f"{p['name'] or ''}\n{p['id']}",
            p["agency"] or "",
            f"{p['score']:.3f}",
            "\n".join(lines),
        )
    Console().print(table)


@app.command("evaluate")
def evaluate_cmd(
    bundle_dir: Annotated[Path, typer.Argument(help="A synthetic bundle with truth.json.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date to judge at.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score the protector ranking and the baselines against truth.json."""
    from graph_api.evaluation import evaluate

    report = evaluate(bundle_dir, as_of=as_of)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title="P@k / R@2k / AP / decoys in top k")
    table.add_column("ring")
    names = list(report["mean"])
    for n in names:
        table.add_column(n)
    rows: list[Any] = [*report["rings"], {"ring": "mean", "methods": report["mean"]}]
    for r in rows:
        table.add_row(
            str(r["ring"]),
            *(
                f"{m['precision_at_k']:.2f} / {m['recall_at_2k']:.2f} / "
                f"{m['average_precision']:.2f} / {m['decoys_in_top_k']}"
                for m in (r["methods"][n] for n in names)
            ),
        )
    Console().print(table)
