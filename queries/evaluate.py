"""Evaluate the protector ranking against a synthetic bundle's ``truth.json``.

``evaluate(bundle_dir)`` ingests the bundle into a temporary embedded store (or
uses ``store_uri``, which must already hold it), ranks the officials of every
ring with :func:`queries.protectors.rank_protectors` and with the baselines of
:mod:`queries.baselines` on the same candidates (every official in the ring's
neighbourhood), and reports, per ring and on average: precision@k (k = the
number of protectors planted for the ring), recall@2k, average precision and
the number of decoys in the top k.

Run over many seeds (generating the bundles)::

    python -m queries.evaluate --seeds 1-20 --scale 1 --as-of 2025-01-01
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

from graph_api.store import EmbeddedStore, Store, open_store
from queries._common import LABELS, parse_ts
from queries.baselines import BASELINES
from queries.protectors import neighbourhood, rank_protectors, weights

METHOD = "telusur"


class Metrics(TypedDict):
    precision_at_k: float
    recall_at_2k: float
    average_precision: float
    decoys_in_top_k: int


class RingEval(TypedDict):
    ring: str
    k: int
    candidates: int
    methods: dict[str, Metrics]


class EvalReport(TypedDict):
    bundle: str
    rings: list[RingEval]
    mean: dict[str, Metrics]


def metrics(ranking: list[str], protectors: set[str], decoys: set[str]) -> Metrics:
    """The four metrics of one ranking (best first) against the planted truth.

    A protector missing from the ranking counts as never retrieved.

    Examples
    --------
    >>> m = metrics(["a", "x", "b", "d"], {"a", "b"}, {"x"})
    >>> m["precision_at_k"], m["recall_at_2k"], m["average_precision"], m["decoys_in_top_k"]
    (0.5, 1.0, 0.8333, 1)
    """
    k = len(protectors)
    if k == 0:
        return {
            "precision_at_k": 0.0,
            "recall_at_2k": 0.0,
            "average_precision": 0.0,
            "decoys_in_top_k": 0,
        }
    hits, ap = 0, 0.0
    for i, who in enumerate(ranking, start=1):
        if who in protectors:
            hits += 1
            ap += hits / i
    return {
        "precision_at_k": round(len(set(ranking[:k]) & protectors) / k, 4),
        "recall_at_2k": round(len(set(ranking[: 2 * k]) & protectors) / k, 4),
        "average_precision": round(ap / k, 4),
        "decoys_in_top_k": len(set(ranking[:k]) & decoys),
    }


def mean(items: list[Metrics]) -> Metrics:
    n = max(1, len(items))
    return {
        "precision_at_k": round(sum(m["precision_at_k"] for m in items) / n, 4),
        "recall_at_2k": round(sum(m["recall_at_2k"] for m in items) / n, 4),
        "average_precision": round(sum(m["average_precision"] for m in items) / n, 4),
        "decoys_in_top_k": sum(m["decoys_in_top_k"] for m in items),
    }


def _order(scores: dict[str, float]) -> list[str]:
    return [o for o, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))]


def evaluate_store(
    store: Store, truth: dict[str, object], *, bundle: str, as_of: str | None = None
) -> EvalReport:
    """Evaluate on a store that already holds the bundle ingested as ``bundle``."""
    rings = truth["rings"]
    assert isinstance(rings, dict)
    when = as_of or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    report: EvalReport = {"bundle": bundle, "rings": [], "mean": {}}
    for rkey in sorted(rings):
        ring_id = f"{bundle}:{rkey}"
        t = rings[rkey]
        h = neighbourhood(store, ring_id, cap=int(weights()["output"]["cap"]))
        members = set(h.graph.get("members", []))
        officials = sorted(
            n for n in h.nodes if "Official" in h.nodes[n][LABELS] and n not in members
        )
        by_key = {
            str(key).split(":", 1)[1]: o for o in officials for key in h.nodes[o].get("keys") or [o]
        }
        protectors = {by_key.get(p, f"missing:{p}") for p in t["protectors"]}
        decoys = {by_key.get(d, f"missing:{d}") for d in t["decoys"]}
        ranked = rank_protectors(store, ring_id=ring_id, as_of=when)
        ours = [p["id"] for p in ranked["protectors"]]
        ours += sorted(set(officials) - set(ours))
        methods: dict[str, Metrics] = {METHOD: metrics(ours, protectors, decoys)}
        for name, fn in BASELINES.items():
            methods[name] = metrics(_order(fn(h, ring_id, officials)), protectors, decoys)
        report["rings"].append(
            {
                "ring": ring_id,
                "k": len(protectors),
                "candidates": len(officials),
                "methods": methods,
            }
        )
    names = [METHOD, *BASELINES]
    report["mean"] = {n: mean([r["methods"][n] for r in report["rings"]]) for n in names}
    return report


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

    ap = argparse.ArgumentParser(prog="python -m queries.evaluate")
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
