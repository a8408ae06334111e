from __future__ import annotations

from viz_helpers import case_subgraph, rel

from viz.aggregate import bundle
from viz.tooltips import MAX_LINES, edge_label, edge_tooltip


def _by_type(rtype: str) -> list:  # type: ignore[type-arg]
    return [b for b in bundle(case_subgraph()["relationships"]) if b.type == rtype]


def test_calls_between_two_phones_become_one_edge_either_direction() -> None:
    (calls,) = _by_type("CALLED")
    assert len(calls.rels) == 30 and not calls.directed
    assert edge_label(calls, "id") == "30 panggilan"
    assert edge_label(calls, "en") == "30 calls"


def test_transfers_are_summed_per_direction() -> None:
    (money,) = _by_type("TRANSFERRED")
    assert (money.start, money.end, money.directed) == ("acc-2", "acc-1", True)
    assert edge_label(money, "id") == "Rp 45.000.000 (3×)"
    back = bundle([*money.rels, rel("t9", "TRANSFERRED", "acc-1", "acc-2", amount=1.0)])
    assert len(back) == 2


def test_tooltip_lists_details_then_how_many_more() -> None:
    (calls,) = _by_type("CALLED")
    tip = edge_tooltip(calls, names={"ph-1": "A", "ph-2": "B"}, lang="id").splitlines()
    assert tip[0] == "menelepon: B ↔ A"  # ends as in the first call
    assert tip[2].startswith("01/05/2023 08:00 WIB · B → A · 1:00")
    assert len([t for t in tip if "WIB" in t]) == MAX_LINES
    assert tip[-1] == "… 10 lainnya"
    (money,) = _by_type("TRANSFERRED")
    tip = edge_tooltip(money, names={}, lang="en", sources_info={"src-c": "BAP Malang (B2)"})
    assert "05/06/2023 03:00 WIB · Rp 15.000.000" in tip
    assert tip.endswith("Sources: BAP Malang (B2)")  # the source by its title, not its id
