"""The embedded store's tables: the record (``nodes``, ``rels``) and what is derived from it.

The record is what was written; the derived tables let a question be answered
from an index instead of from every row:

- ``rels_start`` / ``rels_end``: a node's relationships by end and type;
- ``node_labels``: the nodes of a label;
- ``node_values``: ``(label, prop, value) -> id`` for the properties the model
  marks ``indexed`` or ``identifier`` (a list property: one row per element), the
  embedded twin of Neo4j's range indexes (``graph/store/schema.py``); and, under the
  label ``""`` and the property ``x_`` (:data:`EXTRA`), the text values of every
  node's extra columns (``x_*``, which no model names), so that search finds a value of
  an extra id column without reading every node;
- ``rels_<type>_<prop>``: relationships by a property the model marks ``indexed``
  (an expression index on the JSON, e.g. a call's ``cell_id``);
- ``name_words``: every word of a node's names (``name_norm``, and ``name`` and
  ``aliases`` folded with :func:`graph.normalize.names.normalize_name`), for search;
- ``counts``: nodes per label and relationships per type.

The derived tables change in the transaction that changes the record (the store
computes what each batch adds and removes), so a reader sees them agree. A store
written before they existed gets them the first time it is opened
(:func:`upgrade`, in one transaction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from graph.model import EXTRA_PREFIX, MODEL

#: bumped when a derived table changes; ``meta.schema`` holds the store's
SCHEMA_VERSION = 3

RECORD = """
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, labels TEXT NOT NULL, props TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rels (
    type TEXT NOT NULL, id TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
    props TEXT NOT NULL, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
DERIVED = """
CREATE INDEX IF NOT EXISTS rels_start ON rels (start, type);
CREATE INDEX IF NOT EXISTS rels_end ON rels ("end", type);
CREATE TABLE IF NOT EXISTS node_labels (
    label TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (label, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_values (
    label TEXT NOT NULL, prop TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (label, prop, value, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_words (
    word TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (word, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counts (
    kind TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, name)) WITHOUT ROWID;
"""
#: relationship type -> its properties the model marks ``indexed``
REL_INDEXED: Mapping[str, tuple[str, ...]] = {
    typ: names
    for typ, spec in MODEL.rels.items()
    if (names := tuple(p.name for p in spec.props if p.indexed))
}
# Names come from the model (letters, digits, underscores), never from a user.
DERIVED += "".join(
    f"CREATE INDEX IF NOT EXISTS rels_{typ}_{prop} ON rels (json_extract(props, '$.{prop}')) "
    f"WHERE type = '{typ}';\n"
    for typ, props in sorted(REL_INDEXED.items())
    for prop in props
)
DERIVED_TABLES = ("node_labels", "node_values", "name_words", "counts")

#: label -> the properties kept in ``node_values`` (the model's indexed and identifiers)
INDEXED: Mapping[str, tuple[str, ...]] = {
    label: tuple(p.name for p in spec.props if p.indexed or p.identifier)
    for label, spec in MODEL.nodes.items()
}

#: the ``(label, prop)`` under which ``node_values`` keeps the extra columns' values
EXTRA: tuple[str, str] = ("", EXTRA_PREFIX)

ValueRow = tuple[str, str, str, str]
WordRow = tuple[str, str]


def name_fields(props: Mapping[str, Any]) -> list[str]:
    """A node's names, folded: ``name_norm``, then ``name`` and each alias normalised."""
    from graph.normalize.names import normalize_name  # not needed by reads that skip names

    out: list[str] = []
    if isinstance(props.get("name_norm"), str) and props["name_norm"]:
        out.append(props["name_norm"])
    raw = [props.get("name")] + list(props.get("aliases") or [])
    for value in raw:
        if isinstance(value, str) and (folded := normalize_name(value)):
            out.append(folded)
    return out


def value_rows(nid: str, labels: Iterable[str], props: Mapping[str, Any]) -> set[ValueRow]:
    """The ``node_values`` rows of one node."""
    out: set[ValueRow] = set()
    for label in labels:
        for prop in INDEXED.get(label, ()):
            value = props.get(prop)
            for v in value if isinstance(value, list) else (value,):
                if isinstance(v, str):
                    out.add((label, prop, v, nid))
    for name, value in props.items():
        if name.startswith(EXTRA_PREFIX) and isinstance(value, str):
            out.add((*EXTRA, value, nid))
    return out


def word_rows(nid: str, props: Mapping[str, Any]) -> set[WordRow]:
    """The ``name_words`` rows of one node."""
    return {(w, nid) for f in name_fields(props) for w in f.split()}


def schema_version(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return int(row[0]) if row else 0


def upgrade(db: sqlite3.Connection) -> None:
    """Create the derived tables and fill them from the record, when the store is older
    than :data:`SCHEMA_VERSION` (one transaction; the caller holds the open lock)."""
    db.executescript(RECORD)
    if schema_version(db) >= SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if schema_version(db) < SCHEMA_VERSION:  # another process may have just done it
            for table in DERIVED_TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in DERIVED.split(";"):  # executescript would commit first
                if statement.strip():
                    db.execute(statement)
            _fill(db)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _fill(db: sqlite3.Connection) -> None:
    labels: list[tuple[str, str]] = []
    values: list[ValueRow] = []
    words: list[WordRow] = []
    for nid, raw_labels, raw_props in _chunked(db, "SELECT id, labels, props FROM nodes"):
        node_labels = json.loads(raw_labels)
        props = json.loads(raw_props)
        labels += [(label, nid) for label in node_labels]
        values += value_rows(nid, node_labels, props)
        words += word_rows(nid, props)
    db.executemany("INSERT INTO node_labels (label, id) VALUES (?, ?)", labels)
    db.executemany("INSERT INTO node_values (label, prop, value, id) VALUES (?, ?, ?, ?)", values)
    db.executemany("INSERT INTO name_words (word, id) VALUES (?, ?)", words)
    db.execute(
        "INSERT INTO counts (kind, name, n) "
        "SELECT 'label', label, count(*) FROM node_labels GROUP BY label"
    )
    db.execute(
        "INSERT INTO counts (kind, name, n) SELECT 'type', type, count(*) FROM rels GROUP BY type"
    )


def _chunked(db: sqlite3.Connection, sql: str) -> Iterator[tuple[str, str, str]]:
    cur = db.execute(sql)
    while rows := cur.fetchmany(10_000):
        yield from rows


def add_counts(db: sqlite3.Connection, kind: str, delta: Mapping[str, int]) -> None:
    """Add ``delta`` (name -> change) to the ``counts`` of ``kind`` ('label' or 'type')."""
    db.executemany(
        "INSERT INTO counts (kind, name, n) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, name) DO UPDATE SET n = n + excluded.n",
        [(kind, name, n) for name, n in sorted(delta.items()) if n],
    )
