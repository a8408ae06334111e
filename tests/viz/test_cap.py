from __future__ import annotations

from viz_helpers import drawn

from viz import render_subgraph
from viz.cap import cap_nodes
from viz.sample import synthetic_subgraph


def test_cap_keeps_focus_and_grows_from_it() -> None:
    # star a-b-c-d around a, plus a chain e-f far away
    adj = {"a": {"b", "c", "d"}, "b": {"a"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": {"e"}}
    kept, cut = cap_nodes("abcdef", adj, max_nodes=3, focus=["e"])
    assert kept == ["a", "e", "f"]
    assert cut == {"a": 3}


def test_big_page_is_capped_with_more_nodes_and_precomputed_layout() -> None:
    sub = synthetic_subgraph(600)
    focus = sub["nodes"][-1]["id"]
    nodes, edges, options = drawn(render_subgraph(sub, title="x", max_nodes=250, focus=[focus]))
    real = [n for n in nodes if n["entity"] != "more"]
    more = [n for n in nodes if n["entity"] == "more"]
    assert len(real) == 250 and focus in {n["id"] for n in real}
    assert more and all(n["label"].endswith(" lainnya") for n in more)
    assert all(int(n["label"].split()[0]) > 0 for n in more)
    assert len(nodes) > 300 and not options["physics"]["enabled"]
    assert all(isinstance(n["x"], float) and n["physics"] is False for n in nodes)
    assert {e["from"] for e in edges} | {e["to"] for e in edges} <= {n["id"] for n in nodes}


def test_small_page_uses_physics_and_no_positions() -> None:
    nodes, _, options = drawn(render_subgraph(synthetic_subgraph(100), title="x"))
    assert options["physics"]["enabled"] and "x" not in nodes[0]
