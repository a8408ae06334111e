"""While a bundle loads, what is alive stays out of the cyclic collector's full passes,
garbage cycles are still freed before the load ends, and afterwards the collector sees
the heap again, unless someone else had hidden it before.

``load_bundle`` freezes what is alive after every chunk (``graph.heap``), so the
full collections the rows' allocations trigger do not rescan the whole heap each time
(``docs/performance.md``, "Heap frozen while loading"). Each test watches an object in
a reference cycle (only the cyclic collector frees it) through a weak reference: a
collection that leaves it alive did not see it.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from ingest import ingest_path
from ingest.synth import generate


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _freed_by_a_collection(ref: weakref.ref[_Cycle]) -> bool:
    gc.collect()
    return ref() is None


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(out, seed=3, scale=0.1)  # about 10,000 rows: some 200 chunks of 50
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    gc.unfreeze()  # whatever an earlier test hid
    s = EmbeddedStore(tmp_path / "store")
    yield s
    s.close()
    gc.unfreeze()


def test_what_is_alive_during_the_load_is_hidden_from_collections(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    """A cycle alive at the end of one chunk and dropped in the next is not freed by a
    collection then: the collector no longer walks what the load keeps."""
    held: list[_Cycle] = []
    survived: list[bool] = []

    def progress(name: str, rows: int) -> None:
        if not held and not survived:
            held.append(_Cycle())
        elif held:
            ref = weakref.ref(held.pop())
            survived.append(not _freed_by_a_collection(ref))

    ingest_path(bundle, store, rejects=tmp_path / "r.csv", chunk=50, progress=progress)
    assert survived == [True]


def test_after_the_load_the_collector_sees_the_heap_again(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    kept = _Cycle()  # alive all through the load
    ref = weakref.ref(kept)
    ingest_path(bundle, store, rejects=tmp_path / "r.csv")
    del kept
    assert _freed_by_a_collection(ref)


def test_after_a_failed_load_too(bundle: Path, store: EmbeddedStore, tmp_path: Path) -> None:
    kept = _Cycle()
    ref = weakref.ref(kept)
    chunks: list[int] = []

    def stop(name: str, rows: int) -> None:
        chunks.append(rows)
        if len(chunks) == 3:  # the heap has been hidden by now
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        ingest_path(bundle, store, rejects=tmp_path / "r.csv", chunk=50, progress=stop)
    del kept
    assert _freed_by_a_collection(ref)


def test_a_heap_hidden_before_the_load_stays_hidden(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    """What another part of the process hid (the service's kept rankings, when the API
    runs an ingest) is not handed back to the collector by the load."""
    kept = _Cycle()
    ref = weakref.ref(kept)
    gc.freeze()
    ingest_path(bundle, store, rejects=tmp_path / "r.csv")
    del kept
    assert not _freed_by_a_collection(ref)


def test_garbage_hidden_while_alive_is_freed_during_the_load(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    """A cycle hidden while alive and dropped afterwards is freed by a full collection the
    load makes from time to time (every 64 chunks), before the load ends: such garbage
    (the driver's per-statement objects) does not pile up with the rows."""
    held: list[_Cycle] = []
    refs: list[weakref.ref[_Cycle]] = []
    alive_later: list[bool] = []

    def progress(name: str, rows: int) -> None:
        if not refs:
            held.append(_Cycle())
            refs.append(weakref.ref(held[0]))
        elif held:
            held.clear()  # hidden by now (a chunk was flushed since): garbage, hidden
        else:
            alive_later.append(refs[0]() is not None)

    ingest_path(bundle, store, rejects=tmp_path / "r.csv", chunk=50, progress=progress)
    assert len(alive_later) > 64 * 2, "enough chunks for a full collection after the drop"
    assert not alive_later[-1], "freed before the load ended"
