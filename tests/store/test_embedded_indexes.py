"""The embedded store answers from SQLite's indexes: what each index holds after writes,
one snapshot per read block, and an older store brought up to date when opened."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore
from graph.store.embedded import DB_NAME


def person(pid: str, name: str, **props: Any) -> NodeRow:
    return {"id": pid, "labels": ["Person"], "props": {"name": name, **props}}


def rel(rid: str, typ: str, start: str, end: str, **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end, "props": props}


def counted(store: EmbeddedStore) -> tuple[dict[str, int], dict[str, int]]:
    """Labels and types counted from every row (the whole graph), zeros left out."""
    g = store.graph
    labels = Counter(label for _, ls in g.nodes(data="_labels") for label in ls)
    types = Counter(k[0] for _, _, k in g.edges(keys=True))
    return dict(labels), dict(types)


def kept(store: EmbeddedStore) -> tuple[dict[str, int], dict[str, int]]:
    """The counts the store keeps, zeros left out."""
    c = store.counts()
    return (
        {k: n for k, n in c["nodes"].items() if n},
        {k: n for k, n in c["relationships"].items() if n},
    )


def small(store: EmbeddedStore) -> None:
    store.upsert(
        [
            person("b:p1", "Siti Nurhaliza", nik="3504011205900001", x_nhs_no="NHS-778-12"),
            person("b:p2", "Bambang Susilo", aliases=["Bambang Kecil"]),
            {"id": "b:a1", "labels": ["Account"], "props": {"bank": "BRI", "number": "001"}},
            {"id": "b:ph", "labels": ["Phone"], "props": {"number": "+6281234567890"}},
            {"id": "b:ag", "labels": ["Agency"], "props": {"name": "Polres Tulungagung"}},
        ],
        [
            rel("f1", "FAMILY", "b:p1", "b:p2", detail="spouse"),
            rel("h1", "HOLDS", "b:p1", "b:a1"),
            rel("c1", "CALLED", "b:ph", "b:ph", at="2023-01-01T00:00:00Z", cell_id="C7"),
        ],
    )


def test_kept_counts_follow_every_kind_of_write(embedded_store: EmbeddedStore) -> None:
    s = embedded_store
    small(s)
    assert kept(s) == counted(s)
    s.upsert([{"id": "b:p2", "labels": ["Person", "Official"], "props": {}}])  # a label more
    s.upsert([], [rel("f1", "FAMILY", "b:p1", "b:p2", detail="sibling")])  # an update
    s.upsert([], [rel("f2", "FAMILY", "b:p2", "b:p1")], delete_rels=[("FAMILY", "f1")])
    assert kept(s) == counted(s)
    assert kept(s)[0]["Official"] == 1 and kept(s)[1]["FAMILY"] == 1
    assert s.delete_nodes(["b:p1"], labels=["Person"]) == 1
    assert kept(s) == counted(s)
    assert kept(s)[0]["Person"] == 1 and "HOLDS" not in kept(s)[1]
    s.wipe()
    assert kept(s) == counted(s) == ({}, {})


def test_lookups_by_value_follow_updates_and_deletes(embedded_store: EmbeddedStore) -> None:
    s = embedded_store
    small(s)
    assert s.find_by_property("Person", "nik", ["3504011205900001", "x"]) == {
        "3504011205900001": ["b:p1"]
    }
    s.upsert([person("b:p1", "Siti Nurhaliza", nik="3504011205900002")])
    assert s.find_by_property("Person", "nik", ["3504011205900001"]) == {}
    assert s.find_by_property("Person", "nik", ["3504011205900002"]) == {
        "3504011205900002": ["b:p1"]
    }
    # a property the model does not index is still found (every node of the label)
    assert s.find_by_property("Account", "bank", ["BRI"]) == {"BRI": ["b:a1"]}
    s.delete_nodes(["b:p1"], labels=["Person"])
    assert s.find_by_property("Person", "nik", ["3504011205900002"]) == {}


def test_name_words_follow_names_and_aliases(embedded_store: EmbeddedStore) -> None:
    s = embedded_store
    small(s)
    with s.reading() as g:
        assert g.ids_by_name_words(["kecil"]) == ["b:p2"]
        assert {"siti", "nurhaliza", "bambang", "susilo", "polres"} <= set(g.name_words())
    s.upsert([person("b:p1", "Siti Aminah")])
    with s.reading() as g:
        assert g.ids_by_name_words(["nurhaliza"]) == []
        assert g.ids_by_name_words(["aminah", "kecil"]) == ["b:p1", "b:p2"]


def test_the_view_reads_like_the_graph(embedded_store: EmbeddedStore) -> None:
    s = embedded_store
    small(s)
    whole = s.graph
    with s.reading() as g:
        for n in ("b:p1", "b:p2", "b:ph"):
            assert g.nodes[n] == whole.nodes[n]
            assert sorted(g.out_edges(n, keys=True)) == sorted(whole.out_edges(n, keys=True))
            assert sorted(g.in_edges(n, keys=True)) == sorted(whole.in_edges(n, keys=True))
            assert g.out_degree(n) == whole.out_degree(n)
            assert g.in_degree(n) == whole.in_degree(n)
        assert (
            g.edges["b:p1", "b:a1", ("HOLDS", "h1")] == whole.edges["b:p1", "b:a1", ("HOLDS", "h1")]
        )
        assert "b:nope" not in g
        assert g.ids_with_label("Person") == ["b:p1", "b:p2"]
        assert [r[2] for r in g.rels_by_value("CALLED", "cell_id", ["C7"])] == [("CALLED", "c1")]
        assert list(g.rels_by_value("CALLED", "cell_id", ["C8"])) == []
        assert g.ids_by_prefix("Phone", "number", ["+62812", "+9"]) == ["b:ph"]
        assert g.ids_by_prefix("Account", "number", ["00"]) == ["b:a1"]  # indexed
        assert g.ids_by_prefix("Account", "bank", ["BR"]) == ["b:a1"]  # not indexed
        assert g.ids_by_prefix("Phone", "number", ["+62813"]) == []
        assert g.ids_starting(["b:p", "b:ag"]) == ["b:ag", "b:p1", "b:p2", "b:ph"]


def test_a_read_block_is_one_snapshot(embedded_store: EmbeddedStore) -> None:
    """Another process's batch committed during a block is not seen in it (nor half of
    it), and is seen by the next block."""
    s = embedded_store
    small(s)
    with contextlib.closing(EmbeddedStore(s.path)) as other:
        with s.reading() as g:
            assert "b:p3" not in g and g.in_degree("b:p1") == 0
            other.upsert([person("b:p3", "Dewi")], [rel("f3", "FAMILY", "b:p3", "b:p1")])
            assert "b:p3" not in g and g.in_degree("b:p1") == 0
            assert g.ids_with_label("Person") == ["b:p1", "b:p2"]
        with s.reading() as g:
            assert "b:p3" in g and g.in_degree("b:p1") == 1
    assert s.counts()["nodes"]["Person"] == 3


def test_an_older_store_gets_its_indexes_when_opened(tmp_path: Path) -> None:
    where = tmp_path / "store"
    with contextlib.closing(EmbeddedStore(where)) as s:
        small(s)
        before = kept(s)
    db = sqlite3.connect(where / DB_NAME)  # what a store written before the indexes holds
    for table in ("node_labels", "node_values", "name_words", "counts"):
        db.execute(f"DROP TABLE {table}")
    db.execute("DELETE FROM meta WHERE key = 'schema'")
    db.commit()
    db.close()
    with contextlib.closing(EmbeddedStore(where)) as s:
        assert kept(s) == before == counted(s)
        assert s.find_by_property("Person", "nik", ["3504011205900001"]) == {
            "3504011205900001": ["b:p1"]
        }
        with s.reading() as g:
            assert g.ids_by_name_words(["kecil"]) == ["b:p2"]
            assert g.ids_by_extra_value(["NHS-778-12"]) == ["b:p1"]


def test_extra_column_values_follow_every_write(embedded_store: EmbeddedStore) -> None:
    """An extra column's text is found by value (no model names it), after a change only
    by its new value, and not after its node is deleted; other types and names are not."""
    s = embedded_store
    small(s)
    s.upsert([person("b:p2", "Bambang Susilo", x_nhs_no="NHS-1", x_rank=3, nik="NHS-9")], [])

    def found(*values: str) -> list[str]:
        with s.reading() as g:
            return g.ids_by_extra_value(values)

    assert found("NHS-778-12", "NHS-1") == ["b:p1", "b:p2"]
    assert found("3", "NHS-9") == []  # a number, and a model property, are not extras
    s.upsert([person("b:p1", "Siti Nurhaliza", x_nhs_no="NHS-2")], [])
    assert found("NHS-778-12") == [] and found("NHS-2") == ["b:p1"]
    s.delete_nodes(["b:p1"], labels=["Person"])
    assert found("NHS-2") == []
    assert found("NHS-1") == ["b:p2"]


def busy(store: EmbeddedStore) -> None:
    """:func:`small` and a phone with 30 calls (8 to itself) among other relationships."""
    small(store)
    store.upsert(
        [
            {"id": "b:hub", "labels": ["Phone"], "props": {"number": "+6281100000000"}},
            {"id": "b:q", "labels": ["Phone"], "props": {"number": "+6281100000001"}},
        ],
        [rel("u1", "USES", "b:p1", "b:hub"), rel("u2", "USES", "b:p2", "b:q")]
        + [rel(f"h{i}", "CALLED", "b:hub", "b:q", at=f"2023-01-{i + 1:02d}") for i in range(12)]
        + [rel(f"k{i}", "CALLED", "b:q", "b:hub", at=f"2023-02-{i + 1:02d}") for i in range(10)]
        + [rel(f"s{i}", "CALLED", "b:hub", "b:hub", at=f"2023-03-{i + 1:02d}") for i in range(8)],
    )


def test_typed_reads_answer_like_the_filtered_adjacency(embedded_store: EmbeddedStore) -> None:
    """Typed degrees and relationships, per direction, are those of ``out_edges`` then
    ``in_edges`` filtered by type (a self-loop once each way); absent nodes and nodes
    without such relationships are left out."""
    s = embedded_store
    busy(s)
    ids = ["b:p1", "b:p2", "b:ph", "b:hub", "b:q", "b:a1", "b:nope"]
    cases = [(("CALLED",), "both"), (("CALLED", "USES"), "in"), (("FAMILY", "HOLDS"), "out")]
    with s.reading() as whole:
        for types, direction in cases:
            expected: dict[str, list[Any]] = {}
            for n in ids[:-1]:
                edges = []
                if direction in ("out", "both"):
                    edges += whole.out_edges(n, keys=True, data=True)
                if direction in ("in", "both"):
                    edges += whole.in_edges(n, keys=True, data=True)
                if kept_edges := [e for e in edges if e[2][0] in types]:
                    expected[n] = kept_edges
            with contextlib.closing(EmbeddedStore(s.path)) as fresh, fresh.reading() as g:
                assert g.typed_degrees(ids, types, direction) == {
                    n: len(e) for n, e in expected.items()
                }
                assert g.typed_edges(ids, types, direction) == expected
    with s.reading() as g:
        assert g.typed_degrees(["b:hub"], ["CALLED"], "both") == {"b:hub": 38}
        assert g.typed_degrees(["b:hub"], [], "both") == {}


def test_typed_reads_decode_only_the_asked_types(embedded_store: EmbeddedStore) -> None:
    s = embedded_store
    busy(s)
    with s.reading() as g:
        g.typed_degrees(["b:hub", "b:q"], ["CALLED"], "both")
        assert not g._edges  # counted on the index: nothing read
        rows = g.typed_edges(["b:hub", "b:p1"], ["USES"], "both")
        assert {k for r in rows.values() for _, _, k, _ in r} == {("USES", "u1")}
        assert {k[0] for k in g._edges} == {"USES"}


def test_the_ranking_reads_no_relationship_of_a_node_over_the_cap(
    embedded_store: EmbeddedStore,
) -> None:
    """The extraction's embedded source counts a hub's calls on the index and reads only
    the relationships of the nodes within the cap."""
    from queries.protectors._extract import _EmbeddedSource

    s = embedded_store
    busy(s)
    source = _EmbeddedSource(s)
    group = ("expand", ("CALLED",), "both", 25)
    with s.reading() as g:
        got = source.answer(group, ["b:hub", "b:ph", "b:nope", "b:p1"])
        assert got["b:hub"] == (38, [])
        assert got["b:p1"] == (0, [])
        assert "b:nope" not in got
        assert [(r[0], r[5]) for r in got["b:ph"][1]] == [("c1", "b:ph"), ("c1", "b:ph")]
        assert {k for k in g._edges} == {("CALLED", "c1")}
        got = source.answer(("expand", ("CALLED",), "out", 25), ["b:q"])
        assert got["b:q"][0] == 10
        assert [r[5] for r in got["b:q"][1]] == ["b:hub"] * 10
        assert got["b:q"][1][0][6] == frozenset({"Phone"})
        assert source.answer(("degrees", ("CALLED",), "in", 0), ["b:hub", "b:p1"]) == {
            "b:hub": 18,
            "b:p1": 0,
        }


def open_files(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    n = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            if Path(os.readlink(fd)) == path:
                n += 1
    return n


def test_a_reading_thread_takes_its_connection_with_it(embedded_store: EmbeddedStore) -> None:
    """A service's worker threads come and go (anyio ends one idle for 10 s): each reads
    through a connection of its own, which must close when the thread ends, or a
    long-running service gathers open files and their caches without bound."""
    small(embedded_store)
    db = (embedded_store.path / DB_NAME).resolve()
    with embedded_store.reading() as g:
        assert "b:p1" in g
    before = open_files(db)

    def read() -> None:
        with embedded_store.reading() as g:
            assert "b:p1" in g

    for _ in range(30):
        t = threading.Thread(target=read)
        t.start()
        t.join()
    assert open_files(db) <= before + 1
    # the store still reads, from this thread and from new ones, and closes cleanly
    with embedded_store.reading() as g:
        assert "b:p2" in g
    t = threading.Thread(target=read)
    t.start()
    t.join()
    embedded_store.close()
    assert open_files(db) == 0
