"""Evaluation: the metrics on a hand-made ranking, and one small seed end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_api.evaluation import evaluate
from ingest.synth import generate
from queries.evaluate import mean, metrics


def test_metrics_on_a_hand_made_ranking() -> None:
    # Protectors a, b (k = 2); decoy x at rank 2.
    m = metrics(["a", "x", "c", "b", "d"], {"a", "b"}, {"x"})
    assert m["precision_at_k"] == 0.5          # {a, x} ∩ {a, b}
    assert m["recall_at_2k"] == 1.0            # a and b within the first 4
    assert m["average_precision"] == pytest.approx((1 / 1 + 2 / 4) / 2, abs=1e-4)
    assert m["decoys_in_top_k"] == 1


def test_a_protector_missing_from_the_ranking_is_never_retrieved() -> None:
    m = metrics(["a", "c"], {"a", "b"}, set())
    assert m == {"precision_at_k": 0.5, "recall_at_2k": 0.5, "average_precision": 0.5,
                 "decoys_in_top_k": 0}
    assert mean([m, metrics(["b", "a"], {"a", "b"}, set())])["precision_at_k"] == 0.75


def test_small_seed_meets_the_thresholds_and_beats_baselines(tmp_path: Path) -> None:
    generate(tmp_path / "b", seed=2, scale=0.1)
    report = evaluate(tmp_path / "b", as_of="2025-01-01")
    ours = report["mean"]["telusur"]
    assert ours["precision_at_k"] >= 0.95
    assert ours["decoys_in_top_k"] == 0
    for name in ("degree", "betweenness", "distance", "money_received"):
        assert report["mean"][name]["average_precision"] < ours["average_precision"]
