"""Stores: where the graph lives. ``open_store`` picks one from a URI.

``embedded:PATH`` (the default, ``embedded:./telusur-data``) is a SQLite file
read through its indexes (``graph/store/embedded.py``); ``bolt://``, ``neo4j://``
(routing: clusters, Aura) and ``neo4j+s://``/``bolt+s://`` (TLS) are a Neo4j
server. Credentials come from the URI or ``NEO4J_USER``/``NEO4J_PASSWORD``; the
database from ``NEO4J_DATABASE`` (default ``neo4j``); ``TELUSUR_NEO4J_WRITERS``
sets how many transactions a bulk writer (``Store.bulk``, the loader's) may have
open at once (default 2, 1 writes one batch at a time).

The Neo4j driver is imported when a Neo4j store is opened or :class:`Neo4jStore` is
first asked for (``from graph.store import Neo4jStore``), not with this package: a
command on the embedded store does not load it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from graph.errors import ConfigError
from graph.store.base import BulkWriter, Counts, Neighbour, Store, UpsertResult
from graph.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from graph.store.neo4j_store import Neo4jStore

DEFAULT_STORE = "embedded:./telusur-data"
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def store_uri(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The store URI: ``--store``, else ``TELUSUR_STORE``, else the embedded default."""
    env = os.environ if env is None else env
    return explicit or env.get("TELUSUR_STORE") or DEFAULT_STORE


def open_store(uri: str | None = None, env: Mapping[str, str] | None = None) -> Store:
    """Open the store named by ``uri`` (see the module docstring)."""
    env = os.environ if env is None else env
    uri = store_uri(uri, env)
    if uri.startswith("embedded:"):
        path = uri[len("embedded:") :]
        if not path:
            raise ConfigError("embedded store needs a path, e.g. embedded:./telusur-data")
        return EmbeddedStore(path)
    parts = urlsplit(uri)
    if parts.scheme not in NEO4J_SCHEMES:
        raise ConfigError(
            f"unknown store {uri!r}: use embedded:PATH, bolt://, neo4j:// or neo4j+s://"
        )
    user = unquote(parts.username) if parts.username else env.get("NEO4J_USER")
    password = unquote(parts.password) if parts.password else env.get("NEO4J_PASSWORD")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    clean = urlunsplit((parts.scheme, netloc, "", parts.query, ""))
    database = parts.path.strip("/") or env.get("NEO4J_DATABASE") or "neo4j"
    auth = (user or "neo4j", password) if password else None
    writers = env.get("TELUSUR_NEO4J_WRITERS", "").strip()
    if writers and not (writers.isdigit() and int(writers) >= 1):
        raise ConfigError(f"TELUSUR_NEO4J_WRITERS must be a number of at least 1, not {writers!r}")
    from graph.store.neo4j_store import DEFAULT_WRITERS, Neo4jStore

    return Neo4jStore(
        clean, auth=auth, database=database, writers=int(writers) if writers else DEFAULT_WRITERS
    )


def __getattr__(name: str) -> Any:
    """``Neo4jStore`` imported (with the driver) when first asked for."""
    if name == "Neo4jStore":
        from graph.store.neo4j_store import Neo4jStore

        return Neo4jStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_STORE",
    "BulkWriter",
    "Counts",
    "EmbeddedStore",
    "Neighbour",
    "Neo4jStore",
    "Store",
    "UpsertResult",
    "open_store",
    "store_uri",
]
