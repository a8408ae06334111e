"""``graph.heap.Freezer``: what the API's warm-up and the loader use to keep their
long-lived objects out of the cyclic collector's way.

Objects in a reference cycle (only the cyclic collector frees them) are watched through
weak references: a collection that leaves a dropped cycle alive did not see it.
"""

from __future__ import annotations

import gc
import weakref

from graph.heap import Freezer


class _Cycle:
    """An object in a reference cycle (only the cycle collector frees it)."""

    def __init__(self) -> None:
        self.me = self


def _freed_by_a_collection(ref: weakref.ref[_Cycle]) -> bool:
    gc.collect()
    return ref() is None


def test_settle_hides_what_is_alive_and_a_later_full_settle_frees_its_garbage() -> None:
    """After a unit of work what is alive is hidden (collections skip it); a cycle that
    became garbage while hidden survives ordinary collections, and is freed by the full
    collection of a later ``settle``, which hides what is still alive again."""
    heap = Freezer(full_every=2)  # settles 1 and 3 collect in full
    try:
        heap.settle()
        early = _Cycle()
        early_ref = weakref.ref(early)
        heap.settle()  # the cycle is alive and now hidden
        del early
        assert not _freed_by_a_collection(early_ref), "hidden: not collected"
        later = _Cycle()
        later_ref = weakref.ref(later)
        heap.settle()  # full: frees the hidden garbage, hides what is alive
        assert early_ref() is None, "the full collection freed the hidden cycle"
        del later
        assert not _freed_by_a_collection(later_ref), "alive at the full settle: hidden again"
    finally:
        gc.unfreeze()
