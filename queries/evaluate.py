"""Evaluate the protector ranking against a synthetic bundle's ``truth.json``.

``evaluate_store(store, truth)`` ranks the officials of every ring with
:func:`queries.protectors.rank_protectors` and with the baselines of
:mod:`queries.baselines` on the same candidates (every official in the ring's
neighbourhood), and reports, per ring and on average: precision@k (k = the number of
protectors planted for the ring), recall@2k, average precision and the number of
decoys in the top k.

Loading a bundle first and running over many seeds (generating the bundles) is the
service's: :mod:`graph_api.evaluation` (``python -m graph_api.evaluation``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

from graph.store import Store
from queries._common import LABELS
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

