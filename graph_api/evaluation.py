"""Evaluation runs: load a synthetic bundle, then score the ranking against its truth.

``evaluate(bundle_dir)`` ingests the bundle into a temporary embedded store (or uses
``store_uri``, which must already hold it) and calls
:func:`queries.evaluate.evaluate_store`. It lives in the service layer because it
needs both ``ingest`` and ``queries`` (which never import each other).

Run over many seeds (generating the bundles), as ``telusur evaluate --seeds`` does::

    python -m graph_api.evaluation --seeds 1-20 --scale 1 --as-of 2025-01-01
    python -m graph_api.evaluation --scenarios tradecraft --seeds 1-20 --scale 0.5

Besides the mean metrics per method, :func:`tables` writes recall per protector kind
and intrusion per decoy class (:func:`queries.evaluate.summarise`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from graph.store import EmbeddedStore, open_store
from graph.text import gettext
from queries._common import parse_ts
from queries.evaluate import EvalReport, Metrics, Share, Summary, evaluate_store, summarise


def evaluate(
    bundle_dir: Path,
    *,
    store_uri: str | None = None,
    bundle: str = "synth",
    as_of: str | None = None,
) -> EvalReport:
    """Ingest ``bundle_dir`` (unless ``store_uri`` already holds it) and evaluate.

    Parameters
    ----------
    bundle_dir : Path
        A synthetic bundle folder with ``truth.json``.
    store_uri : str, optional
        A store that already holds the bundle, ingested under the name ``bundle``;
        default: a fresh temporary embedded store.
    as_of : str, optional
        Passed to :func:`rank_protectors`; default now.
    """
    from ingest import ingest_path

    bundle_dir = Path(bundle_dir)
    truth = json.loads((bundle_dir / "truth.json").read_text(encoding="utf-8"))
    if as_of is not None:
        as_of = parse_ts(as_of).strftime("%Y-%m-%dT%H:%M:%SZ")
    if store_uri is not None:
        with open_store(store_uri) as store:
            return evaluate_store(store, truth, bundle=bundle, as_of=as_of)
    with tempfile.TemporaryDirectory(prefix="telusur-eval-") as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        try:
            ingest_path(bundle_dir, store, bundle=bundle, rejects=Path(tmp) / "rejects.csv")
            return evaluate_store(store, truth, bundle=bundle, as_of=as_of)
        finally:
            store.close()


class SeedsReport(TypedDict):
    """:func:`evaluate_seeds`: the summary over every ring of every seed, and per seed."""

    scenarios: str
    scale: float
    seeds: list[int]
    summary: Summary
    per_seed: dict[str, Summary]


def parse_seeds(text: str) -> list[int]:
    """``"1-5,8"`` → ``[1, 2, 3, 4, 5, 8]``.

    Raises
    ------
    ValueError
        When a part is not a number or a range of numbers.
    """
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    if not out:
        raise ValueError(f"no seeds in {text!r}")
    return out


def evaluate_seeds(
    seeds: list[int],
    *,
    scale: float = 1.0,
    scenarios: str = "classic",
    as_of: str | None = "2025-01-01",
    progress: Callable[[int, float], None] | None = None,
) -> SeedsReport:
    """Generate a bundle per seed (``scenarios`` at ``scale``), evaluate each, summarise.

    ``progress(seed, seconds)`` is called after each seed.
    """
    from ingest.synth import generate

    per_seed: dict[int, EvalReport] = {}
    for seed in seeds:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="telusur-synth-") as tmp:
            generate(Path(tmp), seed=seed, scale=scale, scenarios=scenarios)
            per_seed[seed] = evaluate(Path(tmp), bundle=f"synth{seed}", as_of=as_of)
        if progress is not None:
            progress(seed, time.monotonic() - started)
    rings = [r for rep in per_seed.values() for r in rep["rings"]]
    return {
        "scenarios": scenarios,
        "scale": scale,
        "seeds": list(seeds),
        "summary": summarise(rings),
        "per_seed": {str(s): rep["summary"] for s, rep in per_seed.items()},
    }


def _markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def _metrics_cell(m: Metrics) -> str:
    return (
        f"{m['precision_at_k']:.3f} / {m['recall_at_2k']:.3f} / "
        f"{m['average_precision']:.3f} / {m['decoys_in_top_k']}"
    )


def _share_rows(table: dict[str, dict[str, Share]], names: list[str]) -> list[list[str]]:
    kinds = sorted({k for n in names for k in table[n]})
    rows = []
    for kind in kinds:
        first = table[names[0]].get(kind)
        planted = str(first["planted"]) if first else "0"
        reached = str(first["candidates"]) if first else "0"
        rows.append(
            [kind, planted, reached]
            + [f"{table[n][kind]['share']:.2f}" if kind in table[n] else "-" for n in names]
        )
    return rows


def tables(summary: Summary, lang: str = "id", per_seed: dict[str, Summary] | None = None) -> str:
    """The summary as text: means per method, recall per kind, intrusion per class.

    With ``per_seed``, a first table gives each seed's means.
    """
    names = list(summary["mean"])
    out: list[str] = []
    metric_words = gettext("P@k / R@2k / AP / decoys in top k", lang)
    if per_seed:
        out += [gettext("Per seed", lang) + f" ({metric_words})", ""]
        out += _markdown(
            ["seed", *names],
            [[s, *(_metrics_cell(rep["mean"][n]) for n in names)] for s, rep in per_seed.items()],
        )
        out.append("")
    title = gettext("Mean over {n} rings", lang).format(n=summary["rings"])
    out += [title, ""]
    out += _markdown(
        [
            gettext("method", lang),
            "P@k",
            "R@2k",
            "AP",
            gettext("decoys in top k", lang),
            gettext("decoys per 10 rings", lang),
        ],
        [
            [
                n,
                f"{m['precision_at_k']:.3f}",
                f"{m['recall_at_2k']:.3f}",
                f"{m['average_precision']:.3f}",
                str(m["decoys_in_top_k"]),
                f"{summary['decoys_per_10_rings'][n]:.2f}",
            ]
            for n, m in summary["mean"].items()
        ],
    )
    out += ["", gettext("Recall per protector kind (share in the ring's top k)", lang), ""]
    counts = [gettext("planted", lang), gettext("candidates", lang)]
    kind_head = [gettext("protector kind", lang), *counts, *names]
    out += _markdown(kind_head, _share_rows(summary["kinds"], names))
    out += ["", gettext("Intrusion per decoy class (share in the ring's top k)", lang), ""]
    class_head = [gettext("decoy class", lang), *counts, *names]
    out += _markdown(class_head, _share_rows(summary["classes"], names))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Generate bundles for the seeds, evaluate each, print the tables (or JSON)."""
    from ingest.synth import SCENARIOS

    ap = argparse.ArgumentParser(prog="python -m graph_api.evaluation")
    ap.add_argument("--seeds", default="1-20")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--scenarios", choices=SCENARIOS, default="classic")
    ap.add_argument("--as-of", default="2025-01-01")
    ap.add_argument("--lang", choices=("id", "en"), default="en")
    ap.add_argument("--json", dest="as_json", action="store_true")
    args = ap.parse_args(argv)

    def progress(seed: int, seconds: float) -> None:
        if not args.as_json:
            print(f"seed {seed}: {seconds:.0f} s", flush=True)

    report = evaluate_seeds(
        parse_seeds(args.seeds),
        scale=args.scale,
        scenarios=args.scenarios,
        as_of=args.as_of,
        progress=progress,
    )
    if args.as_json:
        print(json.dumps(report, indent=1))
        return
    print()
    print(tables(report["summary"], args.lang, report["per_seed"]), end="")


if __name__ == "__main__":
    main()
