"""``telusur protectors`` and ``telusur evaluate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from graph_api.cli._app import JsonOpt, StoreOpt, app
from graph_api.store import open_store

LangOpt = Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en.")]


def rupiah(amount: float) -> str:
    """``Rp 180.000.000``."""
    return "Rp " + f"{round(amount):,}".replace(",", ".")


def _money(f: dict[str, Any], lang: str) -> str:
    n, amt = f.get("count", 0), rupiah(float(f.get("amount", 0)))
    routes = set(f.get("routes", []))
    rel = ", ".join(r.split(":")[-1] for r in f.get("relations", []))
    if lang == "en":
        s = f"received {n} transfer(s) ({amt}) from ring accounts"
        if "layered_payment" in routes:
            s += ", layered through a company"
        elif "org_payment" in routes:
            s += ", from a ring company"
        if rel:
            s += f", via relative ({rel})"
        if f.get("regular"):
            s += f", regular over {f.get('months')} months"
        if f.get("per_recruit"):
            s += f", {f['per_recruit']} right after a recruitment"
        return s
    s = f"menerima {n} transfer ({amt}) dari rekening anggota jaringan"
    if "layered_payment" in routes:
        s += ", berlapis lewat perusahaan"
    elif "org_payment" in routes:
        s += ", dari perusahaan jaringan"
    if rel:
        s += f", lewat kerabat ({rel})"
    if f.get("regular"):
        s += f", rutin selama {f.get('months')} bulan"
    if f.get("per_recruit"):
        s += f", {f['per_recruit']} tepat setelah perekrutan korban"
    return s


def describe(kind: str, f: dict[str, Any], lang: str = "id") -> str:
    """One indicator's facts in plain words (Bahasa Indonesia or English)."""
    en = lang == "en"
    if kind == "money":
        return _money(f, lang)
    if kind == "tipoff":
        h = f.get("min_hours_before")
        return (f"{f.get('calls')} call(s) before {f.get('raids')} failed raid(s), "
                f"the closest {h} h before" if en else
                f"{f.get('calls')} panggilan menjelang {f.get('raids')} penggerebekan yang gagal, "
                f"paling dekat {h} jam sebelumnya")
    if kind == "organizations":
        roles = ", ".join(r.lower().replace("_of", "") for r in f.get("roles", []))
        who = ("through a relative" if en else "lewat kerabat") if f.get("via_relative") else (
            "himself" if en else "sendiri")
        return (f"holds a role ({roles}) in a ring company, {who}" if en else
                f"memegang jabatan ({roles}) di perusahaan jaringan, {who}")
    if kind == "cases":
        parts = {k: v for k, v in f.items() if k != "net"}
        listing = ", ".join(f"{v} {k}" for k, v in sorted(parts.items()))
        return (f"handled cases against members: {listing}" if en else
                f"menangani perkara anggota jaringan: {listing}")
    if kind == "ties":
        return (f"{f.get('ties')} family/associate tie(s) with members" if en else
                f"{f.get('ties')} hubungan keluarga/rekan dengan anggota")
    if kind == "comms":
        return (f"{f.get('calls')} call(s) with {f.get('members')} member(s) "
                f"({f.get('other_calls')} other calls)" if en else
                f"{f.get('calls')} panggilan dengan {f.get('members')} anggota "
                f"({f.get('other_calls')} panggilan lain)")
    return (f"bridges the ring and officials (relative betweenness "
            f"{f.get('relative_betweenness')})" if en else
            f"menjembatani jaringan dan pejabat (betweenness relatif "
            f"{f.get('relative_betweenness')})")


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
    from queries.protectors import rank_protectors

    with open_store(store) as s:
        report = rank_protectors(s, ring_id=ring_id, top=top, as_of=as_of)
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    en = lang == "en"
    table = Table(title=(f"Likely protectors of {ring_id}" if en else
                         f"Dugaan beking jaringan {ring_id}"))
    table.add_column("#", justify="right")
    table.add_column("official" if en else "pejabat")
    table.add_column("agency" if en else "satuan")
    table.add_column("score" if en else "skor", justify="right")
    table.add_column("strongest evidence" if en else "bukti terkuat")
    for i, p in enumerate(report["protectors"], start=1):
        lines = [describe(x["kind"], x["facts"], lang) for x in p["indicators"][:2]]
        table.add_row(str(i), f"{p['name'] or ''}\n{p['id']}", p["agency"] or "",
                      f"{p['score']:.3f}", "\n".join(lines))
    Console().print(table)


@app.command("evaluate")
def evaluate_cmd(
    bundle_dir: Annotated[Path, typer.Argument(help="A synthetic bundle with truth.json.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date to judge at.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score the protector ranking and the baselines against truth.json."""
    from queries.evaluate import evaluate

    report = evaluate(bundle_dir, as_of=as_of)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title="P@k / R@2k / AP / decoys in top k")
    table.add_column("ring")
    names = list(report["mean"])
    for n in names:
        table.add_column(n)
    for r in [*report["rings"], {"ring": "mean", "methods": report["mean"]}]:
        table.add_row(str(r["ring"]), *(
            f"{m['precision_at_k']:.2f} / {m['recall_at_2k']:.2f} / "
            f"{m['average_precision']:.2f} / {m['decoys_in_top_k']}"
            for m in (r["methods"][n] for n in names)))  # type: ignore[index]
    Console().print(table)
