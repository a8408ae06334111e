"""The transfer and call handlers' fast paths give what the plain code gives.

Row digests come from one ``%`` template per column order instead of sorting each
row; the handlers write into the batch directly, so every check must come before
any side effect: a rejected row leaves no phone, relationship or claimed id behind.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from ingest.bundle import _records
from ingest.bundle._context import Batch, LoadContext, Ref


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[LoadContext]:
    store = EmbeddedStore(tmp_path / "s")
    context = LoadContext(bundle="b", store=store)
    context.refs.update({
        "A1": Ref("b:A1", "account"), "A2": Ref("b:A2", "account"),
        "S1": Ref("b:S1", "source"), "P1": Ref("b:P1", "person"),
    })
    yield context
    context.seen.close()
    store.close()


def test_template_digests_equal_sorted_digests() -> None:
    rng = random.Random(5)
    alphabet = string.ascii_letters + string.digits + "%_ =;\x1f\u00e9"
    shapes = [["from_phone", "to_phone", "at", "duration_s", "kind", "source_id"],
              ["only"], ["a%s", "%", "b%%d", "x"], ["z", "a", "m", "__extra__"]]
    digest = _records._Digests()
    for _ in range(3_000):
        columns = rng.choice(shapes)
        row = {c: "".join(rng.choices(alphabet, k=rng.randint(0, 12))) for c in columns}
        assert digest(row) == _records._row_digest(row)


def _rejects() -> tuple[list[tuple[int, str]], _records.Reject]:
    out: list[tuple[int, str]] = []
    return out, lambda line, row, reason: out.append((line, reason))


def test_a_rejected_call_leaves_no_phone_behind(ctx: LoadContext) -> None:
    base = {"from_phone": "0812-1111-2222", "to_phone": "0813 3333 4444",
            "at": "2023-06-05T14:30", "duration_s": "12", "kind": "call", "source_id": "S1"}
    rows = [
        (2, base),
        (3, {**base, "to_phone": "0857 5555 6666", "source_id": "NOPE"}),  # last check
        (4, {**base, "to_phone": "0858 7777 8888", "duration_s": "1.5"}),
        (5, {**base, "from_phone": "0859 1212 3434", "kind": "fax"}),
        (6, base),  # the same call again: a second occurrence
    ]
    batch = Batch()
    rejected, reject = _rejects()
    assert _records.calls(ctx, rows, batch, reject) == 2
    assert [line for line, _ in rejected] == [3, 4, 5]
    assert sorted(batch.phones) == ["+6281211112222", "+6281333334444"]
    assert batch.phones["+6281211112222"] == ["b:S1"]
    digest = _records._row_digest(base)
    assert [r["id"] for r in batch.rels] == [f"b:call:{digest}:0", f"b:call:{digest}:1"]
    assert batch.rels[0]["props"] == {"at": "2023-06-05T07:30:00Z", "duration_s": 12,
                                      "kind": "call", "sources": ["b:S1"]}


def test_a_rejected_transfer_claims_no_id(ctx: LoadContext) -> None:
    base = {"transfer_id": "T1", "from_account": "A1", "to_account": "A2",
            "amount": "Rp 1.500.000,-", "currency": "", "at": "05/06/2023 14:30",
            "channel": "", "reference": "", "source_id": "S1"}
    rows = [
        (2, {**base, "source_id": "NOPE"}),  # rejected at its last check: T1 stays free
        (3, base),
        (4, base),  # a repeated id
        (5, {**base, "transfer_id": "T2", "amount": "0"}),
        (6, {**base, "transfer_id": "T3", "to_account": "P1"}),
        (7, {**base, "transfer_id": "", "channel": "Ewallet", "reference": "arisan"}),
        (8, {**base, "transfer_id": "", "channel": "Ewallet", "reference": "arisan"}),
        (9, {**base, "transfer_id": "P1"}),  # an id another record has
    ]
    batch = Batch()
    rejected, reject = _rejects()
    assert _records.transfers(ctx, rows, batch, reject) == 3
    assert rejected == [
        (2, "unknown reference source_id='NOPE': not in this bundle"),
        (4, "duplicate transfer_id 'T1': already used in this file"),
        (5, "amount must be > 0, got '0'"),
        (6, "to_account='P1' is a person, expected account"),
        (9, "duplicate id 'P1': already used by a person"),
    ]
    digest = _records._row_digest(rows[5][1])
    assert [r["id"] for r in batch.rels] == ["b:T1", f"b:tx:{digest}:0", f"b:tx:{digest}:1"]
    assert batch.rels[0]["props"] == {"amount": 1_500_000.0, "currency": "IDR",
                                      "at": "2023-06-05T07:30:00Z", "sources": ["b:S1"]}
    assert list(batch.rels[1]["props"]) == ["amount", "currency", "at", "channel",
                                            "reference", "sources"]
