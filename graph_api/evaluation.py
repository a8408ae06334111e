"""Evaluation runs: load a synthetic bundle, then score the ranking against its truth.

``evaluate(bundle_dir)`` ingests the bundle into a temporary embedded store (or uses
``store_uri``, which must already hold it) and calls
:func:`queries.evaluate.evaluate_store`. It lives in the service layer because it
needs both ``ingest`` and ``queries`` (which never import each other).

Run over many seeds (generating the bundles)::

    python -m graph_api.evaluation --seeds 1-20 --scale 1 --as-of 2025-01-01
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from graph.store import EmbeddedStore, open_store
from queries._common import parse_ts
from queries.baselines import BASELINES
from queries.evaluate import METHOD, EvalReport, Metrics, evaluate_store, mean


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


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def _row(label: str, m: dict[str, Metrics]) -> str:
    cells = [
        f"{m[n]['precision_at_k']:.3f} / {m[n]['recall_at_2k']:.3f} / "
        f"{m[n]['average_precision']:.3f} / {m[n]['decoys_in_top_k']}"
        for n in m
    ]
    return f"| {label} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> None:
    """Generate bundles for the seeds, evaluate each, print a Markdown table."""
    from ingest.synth import generate

    ap = argparse.ArgumentParser(prog="python -m graph_api.evaluation")
    ap.add_argument("--seeds", default="1-20")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--as-of", default="2025-01-01")
    ap.add_argument("--json", dest="as_json", action="store_true")
    args = ap.parse_args(argv)
    per_seed: dict[int, EvalReport] = {}
    for seed in _seeds(args.seeds):
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="telusur-synth-") as tmp:
            generate(Path(tmp), seed=seed, scale=args.scale)
            per_seed[seed] = evaluate(Path(tmp), as_of=args.as_of)
        if not args.as_json:
            print(f"seed {seed}: {time.monotonic() - started:.0f} s", flush=True)
    if args.as_json:
        print(json.dumps(per_seed, indent=1))
        return
    names = [METHOD, *BASELINES]
    print("\nP@k / R@2k / AP / decoys in top k\n")
    print("| seed | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for seed, rep in per_seed.items():
        print(_row(str(seed), rep["mean"]))
    splits = {"mean, all": list(per_seed)}
    if len(per_seed) > 10:
        seeds = sorted(per_seed)
        splits["mean, tuning " + f"{seeds[0]}-{seeds[9]}"] = seeds[:10]
        splits[f"mean, held out {seeds[10]}-{seeds[-1]}"] = seeds[10:]
    for label, seeds in splits.items():
        rings = [r for s in seeds for r in per_seed[s]["rings"]]
        print(
            _row(
                f"**{label}** ({len(rings)} rings)",
                {n: mean([r["methods"][n] for r in rings]) for n in names},
            )
        )




if __name__ == "__main__":
    main()
