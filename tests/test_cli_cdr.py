"""``telusur common-contacts`` and ``telusur colocated`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from graph.store import EmbeddedStore
from tests.queries.test_cdr import B, C, D, _build
from tests.test_cli import run


def test_common_contacts_and_colocated_json(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    _build(store)
    store.close()
    where = f"embedded:{tmp_path / 's'}"
    out = run("common-contacts", "0812-0000-0001", "081200000005", "--json", "--store", where)
    assert out.returncode == 0, out.stderr
    assert [c["phone"] for c in json.loads(out.stdout)] == [B, D]
    out = run("colocated", "+6281200000001", "--window", "15", "--json", "--store", where)
    assert out.returncode == 0, out.stderr
    assert [(c["phone"], c["cells"]) for c in json.loads(out.stdout)] == [(C, ["7/101"])]
    table = run("colocated", "+6281200000001", "--store", where, "--lang", "id")
    assert "dilayani sel yang sama" in table.stdout and C in table.stdout
