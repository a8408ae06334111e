"""The loader hides its heap from the cyclic collector while it loads, and gives it back.

``load_bundle`` freezes what is alive after every chunk (``gc.freeze``), so the full
collections the rows' allocations trigger do not rescan the whole heap each time; at
the end, or when the load fails, the heap is given back (``gc.unfreeze``) unless
someone else had frozen it before.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_api.store import EmbeddedStore
from ingest import ingest_path
from ingest.bundle import loader
from ingest.synth import generate


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(out, seed=3, scale=0.1)
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    gc.unfreeze()
    s = EmbeddedStore(tmp_path / "store")
    yield s
    s.close()
    gc.unfreeze()


def test_the_heap_is_frozen_while_loading_and_given_back(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    seen: list[int] = []
    ingest_path(bundle, store, rejects=tmp_path / "r.csv",
                progress=lambda name, rows: seen.append(gc.get_freeze_count()))
    assert seen and max(seen) > 0
    assert gc.get_freeze_count() == 0


def test_a_failed_load_gives_the_heap_back(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    def stop(name: str, rows: int) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        ingest_path(bundle, store, rejects=tmp_path / "r.csv", progress=stop)
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_before_stays_frozen(
    bundle: Path, store: EmbeddedStore, tmp_path: Path
) -> None:
    gc.freeze()
    before = gc.get_freeze_count()
    ingest_path(bundle, store, rejects=tmp_path / "r.csv")
    assert gc.get_freeze_count() >= before > 0



class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_frozen_while_alive_is_collected_during_the_load(
    bundle: Path, store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cycle frozen while alive and dropped afterwards is freed by the periodic full
    collection, before the load ends: such garbage does not pile up with the rows."""
    monkeypatch.setattr(loader.HEAP, "full_every", 2)
    held: list[_Cycle] = []
    refs: list[weakref.ref[_Cycle]] = []
    alive_later: list[bool] = []

    def progress(name: str, rows: int) -> None:
        if not refs:
            held.append(_Cycle())
            refs.append(weakref.ref(held[0]))
        elif held:
            held.clear()  # frozen by now (a chunk was flushed since): garbage, frozen
        else:
            alive_later.append(refs[0]() is not None)

    ingest_path(bundle, store, rejects=tmp_path / "r.csv", chunk=50, progress=progress)
    assert len(alive_later) >= 6, "enough chunks after the cycle was dropped"
    assert not alive_later[-1], "collected before the load ended"
