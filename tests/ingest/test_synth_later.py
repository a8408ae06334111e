"""The synthetic generator's later columns (passport; imei, cell_id, lac) come from a
random stream of their own: a seed gives every other column exactly as without them,
and the bundle exercises handsets, cells and passports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.model import MODEL
from graph.store import Store
from ingest import ingest_path
from ingest.synth import _writer, generate


def _read(folder: Path, name: str) -> list[list[str]]:
    encoding, delimiter, _ = _writer.DIALECTS.get(name, ("utf-8", ",", "\n"))
    with (folder / name).open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def test_later_columns_do_not_shift_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "with", seed=3, scale=0.2)
    later = {name: len(cols) for name, cols in _writer.LATER.items()}
    monkeypatch.setattr(_writer, "LATER", {})
    generate(tmp_path / "without", seed=3, scale=0.2)
    for name in _writer.COLUMNS:
        new, old = _read(tmp_path / "with", name), _read(tmp_path / "without", name)
        assert [r[: len(r) - later.get(name, 0)] for r in new] == old, name
    assert (tmp_path / "with/truth.json").read_bytes() == (
        tmp_path / "without/truth.json"
    ).read_bytes()


def test_the_bundle_exercises_passports_handsets_and_cells(
    tmp_path: Path, embedded_store: Store
) -> None:
    generate(tmp_path / "b", seed=1, scale=0.2)
    people = _read(tmp_path / "b", "people.csv")
    calls = _read(tmp_path / "b", "calls.csv")
    assert people[0][-1] == "passport" and calls[0][-3:] == ["imei", "cell_id", "lac"]
    assert sum(bool(r[-1]) for r in people[1:]) > len(people) / 20
    ingest_path(tmp_path / "b", embedded_store, bundle="s", rejects=tmp_path / "r.csv")
    counts = embedded_store.counts()
    (used_in,) = MODEL.meaning("handset")
    assert counts["nodes"]["Handset"] > 10
    # some handsets hold two numbers (a second SIM card)
    assert counts["relationships"][used_in] > counts["nodes"]["Handset"]
