"""Long-lived objects kept out of the cyclic collector's way (``gc.freeze``).

Python starts a full collection by itself whenever enough objects survived the
young ones, and a full collection walks every tracked object. A process that holds
millions of long-lived objects (the API's kept rankings, an ingest's references and
caches) then spends about 100 ms per full collection finding nothing to free: in the
API every request in flight waited for it, in the loader it was a third of the time
on transfers and calls. Freezing what is alive moves it out of the collector's view;
reference counting still frees frozen objects, only cycles that became garbage while
frozen wait, until the next full collection here.

Every use of the collector by Telusur is here: :class:`Freezer` (the loader, the API's
warm-up).
"""

from __future__ import annotations

import gc
import itertools


class Freezer:
    """:meth:`settle` after a unit of work (a warm-up, a chunk of rows): freeze what
    is alive; the first time and every ``full_every``-th time after, thaw and collect
    in full first, so that frozen garbage cycles never pile up with the work done.

    No count of the frozen set (``gc.get_freeze_count`` walks all of it: 23 ms for
    3M objects, a third more time for the loader when asked per chunk).
    """

    def __init__(self, full_every: int) -> None:
        if full_every < 1:
            raise ValueError("full_every must be at least 1")
        self.full_every = full_every
        self._calls = itertools.count()

    def settle(self) -> None:
        if next(self._calls) % self.full_every == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

