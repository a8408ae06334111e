"""``open_store`` settings read from the environment."""

from __future__ import annotations

import pytest

from graph.errors import ConfigError
from graph.store import EmbeddedStore, Neo4jStore, open_store


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_writer_count_is_refused_before_connecting(value: str) -> None:
    with pytest.raises(ConfigError, match="TELUSUR_NEO4J_WRITERS"):
        open_store("bolt://127.0.0.1:1", env={"TELUSUR_NEO4J_WRITERS": value})


@pytest.mark.parametrize(("value", "writers"), [(None, 2), ("1", 1), (" 3 ", 3)])
def test_neo4j_writer_count(neo4j_uri: str, value: str | None, writers: int) -> None:
    env = {} if value is None else {"TELUSUR_NEO4J_WRITERS": value}
    store = open_store(neo4j_uri, env=env)
    try:
        assert isinstance(store, Neo4jStore)
        assert store.writers == writers
    finally:
        store.close()


def test_the_writer_count_is_no_concern_of_the_embedded_store(tmp_path: object) -> None:
    store = open_store(f"embedded:{tmp_path}/s", env={"TELUSUR_NEO4J_WRITERS": "two"})
    try:
        assert isinstance(store, EmbeddedStore)
    finally:
        store.close()
