"""The loader hides its heap from the cyclic collector while it loads, and gives it back.

``load_bundle`` freezes what is alive after every chunk (``gc.freeze``), so the full
collections the rows' allocations trigger do not rescan the whole heap each time; at
the end, or when the load fails, the heap is given back (``gc.unfreeze``) unless
someone else had frozen it before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_api.store import EmbeddedStore
from ingest import ingest_path
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

