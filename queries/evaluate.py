"""Evaluate the protector ranking against a synthetic bundle's ``truth.json``.

``evaluate_store(store, truth)`` ranks the officials of every ring with
:func:`queries.protectors.rank_protectors` and with the baselines of
:mod:`queries.baselines` on the same candidates (every official in the ring's
neighbourhood), and reports, per ring and on average: precision@k (k = the number of
protectors planted for the ring), recall@2k, average precision and the number of
decoys in the top k; over all rings, decoys in the top k per 10 rings, recall per
protector kind (the share of the protectors of that kind found in their ring's top k)
and intrusion per decoy class (the share of the decoys of that class in their ring's
top k), for the ranking and each baseline (:func:`summarise`).

Loading a bundle first and running over many seeds (generating the bundles) is the
service's: :mod:`graph_api.evaluation` (``python -m graph_api.evaluation``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, TypedDict

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


class Share(TypedDict):
    """Of ``planted`` officials of one kind or class, ``in_top_k`` were in their ring's top k;
    ``candidates`` were in the ring's neighbourhood at all (the rest no method can rank)."""

    planted: int
    candidates: int
    in_top_k: int
    share: float


class RingEval(TypedDict):
    ring: str
    k: int
    candidates: int
    methods: dict[str, Metrics]
    #: method → protector kind → [planted, in top k, among the candidates]
    kinds: dict[str, dict[str, list[int]]]
    #: method → decoy class → [planted, in top k, among the candidates]
    classes: dict[str, dict[str, list[int]]]


class Summary(TypedDict):
    rings: int
    mean: dict[str, Metrics]
    #: decoys in the top k per 10 rings, per method
    decoys_per_10_rings: dict[str, float]
    #: method → protector kind → recall (share in top k)
    kinds: dict[str, dict[str, Share]]
    #: method → decoy class → intrusion (share in top k)
    classes: dict[str, dict[str, Share]]


class EvalReport(TypedDict):
    bundle: str
    rings: list[RingEval]
    mean: dict[str, Metrics]
    summary: Summary


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


def _in_top(ranking: list[str], k: int, planted: dict[str, str]) -> dict[str, list[int]]:
    """Kind → [planted, in the first k of ``ranking``, in ``ranking`` at all] for
    ``planted`` (id → kind)."""
    top, ranked = set(ranking[:k]), set(ranking)
    out: dict[str, list[int]] = {}
    for who, kind in sorted(planted.items()):
        count = out.setdefault(kind, [0, 0, 0])
        count[0] += 1
        count[1] += who in top
        count[2] += who in ranked
    return out


def _shares(
    rings: list[RingEval], field: Literal["kinds", "classes"], method: str
) -> dict[str, Share]:
    total: dict[str, list[int]] = {}
    for r in rings:
        for kind, counts in r[field].get(method, {}).items():
            total.setdefault(kind, [0, 0, 0])
            for i, value in enumerate(counts[:3]):
                total[kind][i] += value
    return {
        kind: {
            "planted": n,
            "candidates": c,
            "in_top_k": h,
            "share": round(h / n, 4) if n else 0.0,
        }
        for kind, (n, h, c) in sorted(total.items())
    }


def summarise(rings: list[RingEval]) -> Summary:
    """Means, decoys per 10 rings, recall per kind and intrusion per class over ``rings``.

    Examples
    --------
    >>> r = {"ring": "b:R1", "k": 1, "candidates": 3,
    ...      "methods": {"m": metrics(["a", "x"], {"a"}, {"x"})},
    ...      "kinds": {"m": {"relay": [1, 1, 1]}}, "classes": {"m": {"rent": [1, 0, 1]}}}
    >>> s = summarise([r, r])
    >>> s["kinds"]["m"]["relay"]["share"], s["classes"]["m"]["rent"]["share"]
    (1.0, 0.0)
    """
    names = list(rings[0]["methods"]) if rings else []
    means = {n: mean([r["methods"][n] for r in rings]) for n in names}
    n_rings = max(1, len(rings))
    return {
        "rings": len(rings),
        "mean": means,
        "decoys_per_10_rings": {
            n: round(10 * means[n]["decoys_in_top_k"] / n_rings, 2) for n in names
        },
        "kinds": {n: _shares(rings, "kinds", n) for n in names},
        "classes": {n: _shares(rings, "classes", n) for n in names},
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
    protector_kinds = truth.get("protector_kinds") or {}
    decoy_kinds = truth.get("decoy_kinds") or {}
    assert isinstance(protector_kinds, dict) and isinstance(decoy_kinds, dict)
    rings_out: list[RingEval] = []
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
        p_kind = {
            by_key.get(p, f"missing:{p}"): protector_kinds.get(p, "") for p in t["protectors"]
        }
        d_kind = {by_key.get(d, f"missing:{d}"): decoy_kinds.get(d, "") for d in t["decoys"]}
        protectors, decoys = set(p_kind), set(d_kind)
        ranked = rank_protectors(store, ring_id=ring_id, as_of=when)
        ours = [p["id"] for p in ranked["protectors"]]
        ours += sorted(set(officials) - set(ours))
        rankings = {METHOD: ours}
        for name, fn in BASELINES.items():
            rankings[name] = _order(fn(h, ring_id, officials))
        k = len(protectors)
        rings_out.append(
            {
                "ring": ring_id,
                "k": k,
                "candidates": len(officials),
                "methods": {n: metrics(r, protectors, decoys) for n, r in rankings.items()},
                "kinds": {n: _in_top(r, k, p_kind) for n, r in rankings.items()},
                "classes": {n: _in_top(r, k, d_kind) for n, r in rankings.items()},
            }
        )
    summary = summarise(rings_out)
    return {"bundle": bundle, "rings": rings_out, "mean": summary["mean"], "summary": summary}
