"""Neo4j's full-text index over the extra columns (``x_*``, names the data brings):
made again when a load brings a new column, and answering exactly what reading every
node answers."""

from __future__ import annotations

import secrets

import pytest

from graph.store import Neo4jStore
from queries._common import run
from queries.search import _phrase

pytestmark = pytest.mark.neo4j


def person(pid: str, **extra: object) -> dict[str, object]:
    return {"id": pid, "labels": ["Person"], "props": {"name": pid, "sources": ["t:s"], **extra}}


def test_a_new_column_is_covered_once_the_index_is_made_again(neo4j_store: Neo4jStore) -> None:
    """(A database keeps every property name it was ever given, and the index with them
    across the tests' wipes: the columns here are new each run.)"""
    s = neo4j_store
    first, second = (f"x_kartu_{secrets.token_hex(4)}" for _ in range(2))
    s.upsert([person("t:p1", **{first: "K-1"})], [])
    keys, covered = s.extra_columns()
    assert first in keys and first not in covered
    s.index_new_columns()
    assert first in s.extra_columns()[1]
    s.upsert([person("t:p2", **{second: "K-2"})], [])  # written since: not covered yet
    assert second in s.extra_columns()[0] and second not in s.extra_columns()[1]
    s.index_new_columns()
    assert {first, second} <= set(s.extra_columns()[1])


def test_the_index_answers_what_reading_every_node_answers(neo4j_store: Neo4jStore) -> None:
    s = neo4j_store
    s.upsert(
        [
            person("t:p1", x_kartu="K-1", x_lain="Kode A 7"),
            person("t:p2", x_kartu="k-1"),  # another case: another value
            person("t:p3", x_daftar=["K-1", "Z"]),  # an element of a list is not a value
            person("t:p4", x_kartu='K "1" \\'),
            person("t:p5", x_nomor=7),  # a number is no text
        ],
        [],
    )
    s.index_new_columns()
    keys, covered = s.extra_columns()
    assert set(keys) <= set(covered)
    for values in (["K-1"], ["Kode A 7", "k-1"], ['K "1" \\'], ["7"], ["Kode"]):
        lucene = " OR ".join(_phrase(v) for v in values)
        indexed = run(s, "search_extras_indexed", lucene=lucene, values=values, keys=covered)
        read = run(s, "search_extras", values=values, keys=keys)
        assert sorted(r["id"] for r in indexed) == sorted(r["id"] for r in read), values
    found = run(s, "search_extras_indexed", lucene='"K-1"', values=["K-1"], keys=covered)
    assert [r["id"] for r in found] == ["t:p1"]
