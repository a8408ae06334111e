"""Evaluation: the metrics on a hand-made ranking, the summary per kind and class, small
seeds end to end (classic, tradecraft, the command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_api.evaluation import evaluate, evaluate_seeds, parse_seeds, tables
from ingest.synth import generate, kinds
from queries.evaluate import Metrics, RingEval, mean, metrics, summarise
from tests.test_cli import run


def test_metrics_on_a_hand_made_ranking() -> None:
    # Protectors a, b (k = 2); decoy x at rank 2.
    m = metrics(["a", "x", "c", "b", "d"], {"a", "b"}, {"x"})
    assert m["precision_at_k"] == 0.5  # {a, x} ∩ {a, b}
    assert m["recall_at_2k"] == 1.0  # a and b within the first 4
    assert m["average_precision"] == pytest.approx((1 / 1 + 2 / 4) / 2, abs=1e-4)
    assert m["decoys_in_top_k"] == 1


def test_a_protector_missing_from_the_ranking_is_never_retrieved() -> None:
    m = metrics(["a", "c"], {"a", "b"}, set())
    assert m == {
        "precision_at_k": 0.5,
        "recall_at_2k": 0.5,
        "average_precision": 0.5,
        "decoys_in_top_k": 0,
    }
    assert mean([m, metrics(["b", "a"], {"a", "b"}, set())])["precision_at_k"] == 0.75


def test_small_seed_meets_the_thresholds_and_beats_baselines(tmp_path: Path) -> None:
    generate(tmp_path / "b", seed=2, scale=0.1)
    report = evaluate(tmp_path / "b", as_of="2025-01-01")
    ours = report["mean"]["telusur"]
    assert ours["precision_at_k"] >= 0.95
    assert ours["decoys_in_top_k"] == 0
    for name in ("degree", "betweenness", "distance", "money_received"):
        assert report["mean"][name]["average_precision"] < ours["average_precision"]


def _ring(
    kinds: dict[str, list[int]], classes: dict[str, list[int]], pk: float, d: int
) -> RingEval:
    m: Metrics = {
        "precision_at_k": pk,
        "recall_at_2k": pk,
        "average_precision": pk,
        "decoys_in_top_k": d,
    }
    return {
        "ring": "b:R",
        "k": 2,
        "candidates": 9,
        "methods": {"telusur": m, "degree": m},
        "kinds": {"telusur": kinds, "degree": {}},
        "classes": {"telusur": classes, "degree": {}},
    }


def test_summary_adds_up_kinds_and_classes_over_rings() -> None:
    rings = [
        _ring({"relay": [1, 1, 1], "documents": [1, 0, 0]}, {"rent": [1, 1, 1]}, 0.5, 1),
        _ring({"relay": [2, 1, 2]}, {"rent": [1, 0, 1], "cousin": [2, 0, 1]}, 1.0, 0),
    ]
    s = summarise(rings)
    assert s["rings"] == 2
    assert s["mean"]["telusur"]["precision_at_k"] == 0.75
    assert s["decoys_per_10_rings"]["telusur"] == 5.0  # 1 decoy in 2 rings
    relay = {"planted": 3, "candidates": 3, "in_top_k": 2, "share": 0.6667}
    assert s["kinds"]["telusur"]["relay"] == relay
    assert s["kinds"]["telusur"]["documents"]["share"] == 0.0
    assert s["kinds"]["telusur"]["documents"]["candidates"] == 0
    rent = {"planted": 2, "candidates": 2, "in_top_k": 1, "share": 0.5}
    assert s["classes"]["telusur"]["rent"] == rent
    assert s["classes"]["telusur"]["cousin"]["in_top_k"] == 0
    assert s["classes"]["telusur"]["cousin"]["candidates"] == 1
    assert s["kinds"]["degree"] == {}


def test_tables_show_recall_per_kind_and_intrusion_per_class() -> None:
    s = summarise([_ring({"relay": [1, 1, 1]}, {"rent": [2, 1, 2]}, 1.0, 1)])
    text = tables(s, "en")
    assert "| relay | 1 | 1 | 1.00 | - |" in text
    assert "| rent | 2 | 2 | 0.50 | - |" in text
    assert "Recall per protector kind" in text and "Intrusion per decoy class" in text
    assert "| telusur | 1.000 | 1.000 | 1.000 | 1 | 10.00 |" in text
    assert "Intrusi per kelas pengecoh" in tables(s, "id")


def test_seeds_parse_as_ranges_and_lists() -> None:
    assert parse_seeds("1-3,7") == [1, 2, 3, 7]
    with pytest.raises(ValueError):
        parse_seeds("one")


def test_tradecraft_seed_reports_every_kind_and_class() -> None:
    report = evaluate_seeds([1], scale=0.1, scenarios="tradecraft")
    s = report["summary"]
    protector_kinds, decoy_classes = kinds("tradecraft")
    assert s["rings"] == 3 and report["seeds"] == [1] and report["scenarios"] == "tradecraft"
    for method in ("telusur", "degree", "money_received"):
        assert set(s["kinds"][method]) == set(protector_kinds)
        assert set(s["classes"][method]) == set(decoy_classes)
    assert sum(v["planted"] for v in s["kinds"]["telusur"].values()) >= len(protector_kinds)
    text = tables(s, "en", report["per_seed"])
    for kind in (*protector_kinds, *decoy_classes):
        assert f"| {kind} |" in text


def test_the_evaluate_command_runs_seeds_of_a_scenario_set() -> None:
    out = run("evaluate", "--seeds", "1", "--scale", "0.1", "--scenarios", "routine_sp3", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["scenarios"] == "routine_sp3"
    assert report["summary"]["classes"]["telusur"]["routine_sp3"]["planted"] == 3
    text = run("evaluate", "--seeds", "1", "--scale", "0.1", "--lang", "en")
    assert text.returncode == 0, text.stderr
    assert "Intrusion per decoy class" in text.stdout and "seed 1:" in text.stderr
    assert run("evaluate", "--seeds", "1", "--scenarios", "hard").returncode != 0
