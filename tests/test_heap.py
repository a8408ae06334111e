"""``graph_api.heap.Freezer``: what the API's warm-up and the loader use to keep their
long-lived objects out of the cyclic collector's way."""

from __future__ import annotations

import gc
import weakref

from graph_api.heap import Freezer


class _Cycle:
    """An object in a reference cycle (only the cycle collector frees it)."""

    def __init__(self) -> None:
        self.me = self


def test_settle_freezes_and_collects_frozen_cycles_at_the_next_full_collection() -> None:
    """After a unit of work what is alive is frozen (full collections then skip it); a
    cycle that became garbage while frozen survives ordinary collections, and is freed
    by the full collection of a later ``settle``."""
    heap = Freezer(full_every=2)  # settles 1 and 3 collect in full
    try:
        heap.settle()
        assert gc.get_freeze_count() > 0
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        heap.settle()  # the cycle is alive and now frozen
        del cycle
        gc.collect()
        assert gone() is not None, "frozen: not collected"
        keep = [[i] for i in range(2 * gc.get_freeze_count())]
        heap.settle()
        assert gone() is None, "the full collection freed the frozen cycle"
        assert gc.get_freeze_count() >= len(keep)
    finally:
        gc.unfreeze()

