"""What the reading commands share: opening a store that must exist, checking an id's
kind, the ``--lang`` option and the formats of dates and amounts.

The store rule: ``telusur ingest``, ``telusur demo`` and ``telusur store init`` create
an embedded store that is not there yet (so does ``telusur serve``: its upload route
fills it); every other command refuses one that is
missing (one line, exit 2) rather than answer from a new, empty store, so a mistyped
``--store embedded:PATH`` is said at once. A Neo4j store is never created by Telusur.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from graph.text import gettext

if TYPE_CHECKING:  # the store is imported by the command that opens it
    from graph.rows import NodeRow
    from graph.store import Store
    from graph.text import Lang

LangOpt = Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en.")]


def open_existing(uri: str | None) -> Store:
    """The store named by ``uri`` (or ``TELUSUR_STORE``); an embedded one must exist.

    Raises
    ------
    StoreUnavailable
        When the embedded store's folder or database file is missing.
    """
    from pathlib import Path

    from graph.errors import StoreUnavailable
    from graph.store import open_store, store_uri
    from graph.store.embedded import DB_NAME

    where = store_uri(uri)
    if where.startswith("embedded:") and where != "embedded:":
        path = Path(where.removeprefix("embedded:"))
        if not (path / DB_NAME).is_file():
            raise StoreUnavailable(
                f"no embedded store at {path}: create it with `telusur ingest FOLDER "
                f"--store {where}` or `telusur store init --store {where}`"
            )
    return open_store(where)


def lang_of(lang: str) -> Lang:
    """``id`` or ``en``, else a one-line usage error (exit 2)."""
    from graph.errors import ConfigError

    if lang == "id":
        return "id"
    if lang == "en":
        return "en"
    raise ConfigError(f"--lang {lang!r}: use id or en")


def need(store: Store, node_id: str, labels: tuple[str, ...], message: str, lang: Lang) -> NodeRow:
    """The node ``node_id`` if it carries one of ``labels`` (any label when empty).

    Raises
    ------
    NotFound
        ``message`` (a message of the catalogue with ``{name}``) in ``lang``: the id
        is unknown or names another kind of entity (one line, exit 1).
    """
    from graph.errors import NotFound

    found = store.get_node(node_id)
    if found is None or (labels and not set(labels) & set(found["labels"])):
        raise NotFound(gettext(message, lang).format(name=repr(node_id)))
    return found


def when(value: str | None, lang: Lang) -> str:
    """A stored instant as ``dd/mm/yyyy HH:MM WIB`` (a plain date without time)."""
    from viz.formats import wib_datetime

    return wib_datetime(value) if value else ""


def amount(value: float | None, currency: str | None, lang: Lang) -> str:
    """``Rp 1.500.000`` in Bahasa Indonesia, ``IDR 1,500,000`` in English."""
    from viz.formats import money

    if value is None:
        return ""
    if lang == "id":
        return money(value, currency)
    return f"{(currency or 'IDR').upper()} {value:,.0f}"


def name_of(node: NodeRow | None, node_id: str) -> str:
    """A node's name (or number, title) and its id below it."""
    props = node["props"] if node else {}
    shown = props.get("name") or props.get("title") or props.get("number")
    return f"{shown}\n{node_id}" if shown else node_id
