"""``telusur protectors``, ``telusur expand`` and ``telusur evaluate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.text import N_, gettext
from graph_api.cli._app import JsonOpt, StoreOpt, app

if TYPE_CHECKING:  # rich, the store and the queries are imported by the commands using them
    from rich.table import Table

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
    from rich.console import Console
    from rich.table import Table

    from graph_api.cli._common import lang_of, need
    from graph_api.cli._common import open_existing as open_store
    from queries.protectors import Rankings
    from queries.protectors.words import describe
    from viz.score import score_band

    with open_store(store) as s:
        need(s, ring_id, ("Ring",), N_("no ring {name}"), lang_of(lang))
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
            score_band(float(p["score"]), lang),
            "\n".join(lines),
        )
    Console().print(table)


@app.command("expand")
def expand_cmd(
    ring_id: Annotated[str, typer.Argument(help="The Ring's stored id, e.g. synth1:RING1.")],
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="Show the first N.")] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Likely further members of a ring, and the officials near it, with their ties."""
    from rich.console import Console

    import queries
    from graph.errors import NotFound
    from graph_api.cli._common import open_existing as open_store

    with open_store(store) as s:
        found = s.get_nodes([ring_id]).get(ring_id)
        if found is None or "Ring" not in found["labels"]:
            raise NotFound(gettext("no ring {name}", lang).format(name=repr(ring_id)))
        out = queries.ring_expand(s, ring_id=ring_id, limit=top)
    if as_json:
        report = {
            "ring": ring_id,
            "members": out["members"],
            **{
                key: [
                    {
                        "id": c["id"],
                        "name": c["name"],
                        "score": c["score"],
                        "evidence": c["evidence"],
                    }
                    for c in out[key]
                ]
                for key in ("candidates", "officials")
            },
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for title, heading, rows in (
        (N_("Likely further members of {ring}"), N_("candidate"), out["candidates"]),
        (N_("Officials near {ring}"), N_("official"), out["officials"]),
    ):
        table = _table(
            gettext(title, lang).format(ring=ring_id),
            lang,
            *("#", heading, N_("score"), N_("ties to members")),
        )
        for i, c in enumerate(rows, start=1):
            ties = [
                f"{e['name'] or e['member']}: "
                + ", ".join(f"{k} {n}" for k, n in e["counts"].items())
                + "".join(f" ({cur} {amt:,.0f})" for cur, amt in e["amounts"].items())
                for e in c["evidence"]
            ]
            table.add_row(
                str(i),
                f"{c['name'] or ''}\n{c['id']}",
                f"{c['score']:.3f}",
                "\n".join(ties) or gettext("through other people only", lang),
            )
        Console().print(table)


@app.command("evaluate")
def evaluate_cmd(
    bundle_dir: Annotated[
        Path | None,
        typer.Argument(help="A synthetic bundle with truth.json (or use --seeds)."),
    ] = None,
    seeds: Annotated[
        str | None,
        typer.Option("--seeds", help="Generate and evaluate these seeds instead, e.g. 1-20."),
    ] = None,
    scale: Annotated[float, typer.Option("--scale", help="Bundle size with --seeds.")] = 1.0,
    scenarios: Annotated[
        str,
        typer.Option("--scenarios", help="With --seeds: classic, tradecraft or routine_sp3."),
    ] = "classic",
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date to judge at.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Score the protector ranking and the baselines against truth.json: means, recall
    per protector kind, intrusion per decoy class."""
    from rich.console import Console
    from rich.table import Table

    from graph.errors import ConfigError
    from graph_api.evaluation import evaluate, evaluate_seeds, parse_seeds, tables
    from ingest.synth import SCENARIOS

    if (bundle_dir is None) == (seeds is None):
        raise ConfigError("give either BUNDLE_DIR or --seeds")
    if scenarios not in SCENARIOS:
        raise ConfigError(f"unknown scenarios {scenarios!r}: use one of {', '.join(SCENARIOS)}")
    if seeds is not None:
        try:
            numbers = parse_seeds(seeds)
        except ValueError as exc:
            raise ConfigError(f"--seeds {seeds!r}: give numbers and ranges, e.g. 1-20") from exc
        many = evaluate_seeds(
            numbers,
            scale=scale,
            scenarios=scenarios,
            as_of=as_of or "2025-01-01",
            progress=lambda seed, secs: typer.echo(f"seed {seed}: {secs:.0f} s", err=True),
        )
        if as_json:
            typer.echo(json.dumps(many, indent=2))
        else:
            typer.echo(tables(many["summary"], lang, many["per_seed"]), nl=False)
        return
    assert bundle_dir is not None
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
    typer.echo(tables(report["summary"], lang), nl=False)


PhoneArg = Annotated[str, typer.Argument(help="A phone number, in any written form.")]


@app.command("common-contacts")
def common_contacts_cmd(
    a: PhoneArg,
    b: PhoneArg,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Numbers in contact with both A and B (calls, SMS, chats; either way)."""
    from rich.console import Console

    import queries
    from graph_api.cli._common import open_existing as open_store

    with open_store(store) as s:
        rows = queries.common_contacts(s, a=a, b=b, limit=limit)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    title = gettext("Numbers in contact with both {a} and {b}", lang).format(a=a, b=b)
    table = _table(title, lang, N_("phone"), N_("with A"), N_("with B"), N_("first"), N_("last"))
    for c in rows:
        table.add_row(
            c["phone"],
            str(c["a_calls"]),
            str(c["b_calls"]),
            c["first_at"] or "",
            c["last_at"] or "",
        )
    Console().print(table)


@app.command("colocated")
def colocated_cmd(
    phone: PhoneArg,
    window: Annotated[
        int, typer.Option("--window", min=0, max=7 * 24 * 60, help="Minutes before or after.")
    ] = 15,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "id",
) -> None:
    """Other numbers served by the same cell as PHONE within a time window."""
    from rich.console import Console

    import queries
    from graph_api.cli._common import open_existing as open_store

    with open_store(store) as s:
        rows = queries.colocated(s, phone=phone, window_minutes=window, limit=limit)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    title = gettext("Numbers served by the same cell as {phone} within {n} minutes", lang)
    table = _table(
        title.format(phone=phone, n=window),
        lang,
        *(N_("phone"), N_("calls"), N_("cells"), N_("first"), N_("last")),
    )
    for c in rows:
        table.add_row(
            c["phone"], str(c["calls"]), ", ".join(c["cells"]), c["first_at"], c["last_at"]
        )
    Console().print(table)


def _table(title: str, lang: str, *columns: str) -> Table:
    """A table whose column headings are the translated ``columns``."""
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(gettext(c, lang))
    return table
