"""The Neo4j store's statement rows: sent exactly as a plain list, formatted cheaply."""

from __future__ import annotations

from typing import Any

from graph.store._neo4j_write import MAX_COLUMNS, Columns, Rows


def _rows(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"b:tx:{i}", "set": {"amount": 1.5 * i, "at": "2022-01-01T00:00:00Z"},
         "lists": {"sources": ["b:S1"]} if i % 2 else {}, "start": "b:A1", "end": "b:A2"}
        for i in range(n)
    ]


def test_rows_reach_the_database_exactly_as_given(neo4j_store: Any, monkeypatch: Any) -> None:
    """Every column of a statement is a ``Rows`` list: what the store writes over several
    statements reads back row for row, with the gaps (a property a row does not give)
    and the lists where they were."""
    monkeypatch.setattr(neo4j_store, "chunk", 4)  # three statements for ten rows
    accounts = [{"id": f"b:A{i}", "labels": ["Account"],
                 "props": {"bank": "BRI", "number": f"77{i}", "sources": ["b:S1"]}}
                for i in (1, 2)]
    transfers = [
        {"id": f"b:tx:{i}", "type": "TRANSFERRED", "start": "b:A1", "end": "b:A2",
         "props": {"amount": 1.5 * i, "at": f"2022-01-0{i % 9 + 1}T00:00:00Z",
                   **({"sources": ["b:S1", f"b:T{i}"]} if i % 2 else {"reference": f"R{i}"})}}
        for i in range(10)
    ]
    result = neo4j_store.upsert(accounts, transfers)
    assert result.nodes["created"] == 2 and result.relationships["created"] == 10
    stored = neo4j_store.get_rels([("TRANSFERRED", t["id"]) for t in transfers])
    for t in transfers:
        got = stored[("TRANSFERRED", t["id"])]
        assert (got["start"], got["end"]) == ("b:A1", "b:A2")
        assert got["props"] == {"sources": [], **t["props"]}, t["id"]  # sources: always a list


def test_repr_shows_the_first_row_only() -> None:
    rows = _rows(5_000)
    text = repr({"rows": Rows(rows)})
    assert repr(rows[0]) in text and "4999 more rows" in text and len(text) < 300
    assert repr(Rows(rows[:1])) == repr(rows[:1])
    assert repr(Rows()) == "[]"


def test_statement_rows_are_emptied_once_written(neo4j_store: Any, monkeypatch: Any) -> None:
    """The driver keeps parameters in a reference cycle until a full collection: the
    store empties each statement's columns after it ran (the written graph is unchanged)."""
    import neo4j

    sent: list[list[Any]] = []
    run = neo4j.ManagedTransaction.run

    def spy(self: Any, query: Any, parameters: Any = None, **kw: Any) -> Any:
        if parameters:  # the columns of a merge statement
            sent.extend(v for v in parameters.values() if isinstance(v, list))
        return run(self, query, parameters, **kw)

    monkeypatch.setattr(neo4j.ManagedTransaction, "run", spy)
    nodes = [{"id": f"p{i}", "labels": ["Phone"], "props": {"number": f"+6281{i}"}}
             for i in range(3)]
    rels = [{"id": "c1", "type": "CALLED", "start": "p0", "end": "p1", "props": {"at": "x"}}]
    result = neo4j_store.upsert(nodes, rels)
    assert result.nodes["created"] == 3 and result.relationships["created"] == 1
    assert len(sent) == 2 + 4  # Phone: id, number; CALLED: id, start, end, at
    assert all(isinstance(column, Rows) and column == [] for column in sent)
    assert neo4j_store.get_node("p2")["props"]["number"] == "+62812"


def test_relationship_columns_chunk_every_field_alike() -> None:
    rows = [
        {"id": f"t{i}", "type": "TRANSFERRED", "start": "a", "end": "b",
         "props": {"amount": float(i), "sources": ["s1", "s1", "s2"]} if i % 2
         else {"reference": "R", "channel": None}}
        for i in range(7)
    ]
    columns = Columns.of(rows, ends=True)
    assert list(columns.scalars) == ["amount", "reference"]  # channel: given by no row
    assert list(columns.lists) == ["sources"]
    parts = columns.chunks(3)
    assert [len(p["id"]) for p in parts] == [3, 3, 1]
    assert all(isinstance(c, Rows) for p in parts for c in p.values())
    assert set(parts[0]) == {"id", "start", "end", "s0", "s1", "l0"}
    assert [i for p in parts for i in p["id"]] == [f"t{i}" for i in range(7)]
    assert parts[0]["s0"] == [None, 1.0, None] and parts[0]["s1"] == ["R", None, "R"]
    assert parts[0]["l0"] == [None, ["s1", "s2"], None]


def test_node_columns_have_no_ends() -> None:
    nodes = [
        {"id": "p1", "labels": ["Person"], "props": {"name": "A", "keys": ["k", "k"]}},
        {"id": "p2", "labels": ["Person"], "props": {"nik": "3504", "aliases": ["B"]}},
    ]
    [params] = Columns.of(nodes).chunks(10)
    assert list(params) == ["id", "s0", "s1", "l0", "l1"]  # name, nik; aliases, keys
    assert params["s0"] == ["A", None] and params["l1"] == [["k"], None]


def test_rare_properties_travel_as_one_map_per_row() -> None:
    nodes = [
        {"id": f"p{i}", "labels": ["Person"],
         "props": {"name": f"N{i}", f"x_k{i}": i, "sources": ["s"]}}
        for i in range(2_000)
    ]
    columns = Columns.of(nodes)
    assert list(columns.scalars) == ["name"] and list(columns.lists) == ["sources"]
    assert columns.rest is not None and columns.rest[7] == {"x_k7": 7}
    [params] = columns.chunks(5_000)
    assert list(params) == ["id", "s0", "l0", "rest"]
    few = Columns.of(nodes[:MAX_COLUMNS - 1])  # name + 23 extras: all columns
    assert len(few.scalars) == MAX_COLUMNS and few.rest is None
