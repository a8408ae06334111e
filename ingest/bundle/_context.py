"""State shared while one bundle loads: references, identifiers, rejects, the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.model import EXTRA_PREFIX
from graph.normalize import EXTRA_KEY, NormalizeError, parse_to_iso
from graph.rows import NodeRow, RelRow
from graph.store.base import Store
from ingest.bundle._seen import SeenIndex
from ingest.bundle.spec import FileSpec


class RowError(Exception):
    """A row breaks a rule of the bundle format; the message is the reason."""


@dataclass(frozen=True)
class Ref:
    """What a bundle key became in the store."""

    id: str
    kind: str  # source, agency, organization, person, account, ring, case, event


@dataclass
class Batch:
    """Rows accepted from one chunk of a file, ready to write together."""

    nodes: list[NodeRow] = field(default_factory=list)
    rels: list[RelRow] = field(default_factory=list)
    #: phone number -> sources, in order of first appearance; the loader turns them
    #: into one ``Phone`` node per number per chunk (:meth:`LoadContext.phone_nodes`)
    phones: dict[str, list[str]] = field(default_factory=dict)

    def phone(self, number: str, sources: list[str]) -> None:
        """A ``Phone`` node this chunk needs, with these sources."""
        have = self.phones.get(number)
        if have is None:
            self.phones[number] = list(sources)
        else:
            for s in sources:
                if s not in have:
                    have.append(s)

    def absorb(self, other: Batch) -> None:
        """Move ``other``'s rows (one accepted input row) into this batch; ``other`` is
        left empty, to be used again."""
        self.nodes += other.nodes
        self.rels += other.rels
        for number, sources in other.phones.items():
            self.phone(number, sources)
        other.clear()

    def clear(self) -> None:
        self.nodes.clear()
        self.rels.clear()
        self.phones.clear()

    def node(self, nid: str, labels: list[str], props: dict[str, Any]) -> None:
        self.nodes.append({"id": nid, "labels": labels, "props": props})

    def rel(self, rid: str, typ: str, start: str, end: str, props: dict[str, Any]) -> None:
        self.rels.append({"id": rid, "type": typ, "start": start, "end": end, "props": props})


@dataclass
class LoadContext:
    """Everything a row handler may consult or record."""

    bundle: str
    store: Store
    refs: dict[str, Ref] = field(default_factory=dict)
    #: person key -> NRP/NIP numbers, pre-read from officials.csv for entity resolution
    official_numbers: dict[str, list[str]] = field(default_factory=dict)
    #: (identifier kind, value) -> stored id, for records resolved earlier in this run
    identified: dict[tuple[str, str], str] = field(default_factory=dict)
    occurrences: dict[str, int] = field(default_factory=dict)
    #: person keys that hold a post (officials.csv), pre-read
    official_keys: set[str] = field(default_factory=set)
    #: agency keys of the bundle, pre-read (parents may come later in the file)
    agency_keys: set[str] = field(default_factory=set)
    seen: SeenIndex = field(default_factory=SeenIndex)
    #: (phone, sources) already written in this run: a CDR names the same phones in
    #: thousands of rows, and writing the node once per source is enough
    phones_written: dict[str, set[str]] = field(default_factory=dict)
    #: sources found for numbers already written, in the order found; written at the
    #: end of the file (see ``phone_nodes``)
    phone_sources_later: dict[str, list[str]] = field(default_factory=dict)
    #: property names written so far per resolved entity (merged records fill gaps only)
    filled: dict[str, frozenset[str]] = field(default_factory=dict)
    #: one shared frozenset per distinct set of property names (entities of a file
    #: mostly have the same few): memory per entity is one dict slot, not one set
    _name_sets: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)
    #: the relationships the current file's handler makes have ids that no earlier
    #: batch of this run had, so a store may create them without looking for them
    #: (``BulkWriter.submit(fresh=)``; set by the loader per file, cleared by a handler
    #: that can no longer say so)
    unique_rels: bool = False
    #: links whose target may come later in the same file (agency parents)
    deferred: list[tuple[int, dict[str, str], Callable[[Batch], None]]] = field(
        default_factory=list
    )

    def fill(self, entity: str, props: Iterable[str]) -> None:
        """Record that this run wrote ``props`` (names) on ``entity``."""
        names = self.filled.get(entity, frozenset()).union(props)
        self.filled[entity] = self._name_sets.setdefault(names, names)

    def sid(self, key: str) -> str:
        return f"{self.bundle}:{key}"

    def register(self, key: str, ref: Ref) -> None:
        """Record what a bundle key became; a key used twice in a bundle is a broken row."""
        if key in self.refs:
            raise RowError(f"duplicate id {key!r}: already used by a {self.refs[key].kind}")
        self.refs[key] = ref

    def occurrence(self, key: str) -> int:
        """How many times ``key`` was seen before in this run (deterministic ids)."""
        n = self.occurrences.get(key, 0)
        self.occurrences[key] = n + 1
        return n

    def ref(self, row: dict[str, str], column: str, kinds: frozenset[str] | set[str]) -> Ref:
        key = row.get(column, "")
        ref = self.refs.get(key)
        if ref is None:
            raise RowError(f"unknown reference {column}={key!r}: not in this bundle")
        if ref.kind not in kinds:
            want = "/".join(sorted(kinds))
            raise RowError(f"{column}={key!r} is a {ref.kind}, expected {want}")
        return ref

    def ref_or_stored(self, row: dict[str, str], column: str, kinds: frozenset[str]) -> Ref:
        """:meth:`ref`, or else a person or organization stored earlier under that id
        (a ring drawn in this bundle around people loaded from other bundles)."""
        key = row.get(column, "")
        if key in self.refs or not key:
            return self.ref(row, column, kinds)
        node = self.store.get_node(key)
        labels = set(node["labels"]) if node is not None else set()
        kind = (
            "person" if "Person" in labels else "organization" if "Organization" in labels else ""
        )
        if kind not in kinds:
            raise RowError(
                f"unknown reference {column}={key!r}: not in this bundle, nor a stored "
                + " or ".join(sorted(kinds))
            )
        return Ref(key, kind)

    def sources(self, row: dict[str, str]) -> list[str]:
        raw = row.get("source_id", "")
        if not raw:
            return []
        return [self.ref(row, "source_id", {"source"}).id]

    def phone_nodes(self, phones: dict[str, list[str]]) -> list[NodeRow]:
        """The ``Phone`` nodes of a chunk that this run has not written yet.

        A number that a call file names thousands of times is written once: rows
        of one chunk that share it give one node with all their sources. A source
        found later for a number already written is kept for :meth:`later_phone_nodes`
        (the end of the file): rewriting the node in every chunk that brings a new
        source would make each chunk wait for the calls of the chunk before it (see
        ``graph/store/_neo4j_bulk.py``), and appending the sources at the end gives the same list.
        """
        out: list[NodeRow] = []
        for number, sources in phones.items():
            written = self.phones_written.get(number)
            if written is None:
                self.phones_written[number] = set(sources)
                out.append(_phone(number, sources))
                continue
            for src in sources:
                if src not in written:
                    written.add(src)
                    self.phone_sources_later.setdefault(number, []).append(src)
        return out

    def later_phone_nodes(self) -> list[NodeRow]:
        """The sources :meth:`phone_nodes` kept for numbers already written, as nodes."""
        out = [_phone(number, sources) for number, sources in self.phone_sources_later.items()]
        self.phone_sources_later.clear()
        return out

    def keys(self, key: str) -> list[str]:
        return [self.sid(key)]


def _phone(number: str, sources: list[str]) -> NodeRow:
    return {"id": number, "labels": ["Phone"], "props": {"number": number, "sources": sources}}


def required(row: dict[str, str], spec: FileSpec) -> None:
    """Reject a row that misses a required value or has more fields than the header."""
    if EXTRA_KEY in row:
        raise RowError("row has more fields than the header")
    for col in spec.required:
        if not row.get(col, "").strip():
            raise RowError(f"missing required value {col!r}")


def enum(row: dict[str, str], spec: FileSpec, column: str) -> str | None:
    """A closed enumeration value (lower-cased), or None when empty."""
    raw = row.get(column, "").strip()
    if not raw:
        return None
    value = raw.lower() if column not in ("reliability",) else raw.upper()
    allowed = spec.enums[column]
    if value not in allowed:
        raise RowError(
            f"wrong value {column}={raw!r}: expected one of {', '.join(sorted(allowed))}"
        )
    return value


def open_enum(row: dict[str, str], spec: FileSpec, column: str) -> tuple[str | None, str | None]:
    """(value, raw) of an open enumeration: unknown values become ``other``, raw kept."""
    raw = row.get(column, "").strip()
    if not raw:
        return None, None
    value = raw.lower()
    if value in spec.open_enums[column]:
        return value, None
    return "other", raw


def when(row: dict[str, str], column: str, *, date_only: bool = False) -> str | None:
    raw = row.get(column, "").strip()
    if not raw:
        return None
    try:
        return parse_to_iso(raw, date_only=date_only)
    except NormalizeError as exc:
        raise RowError(f"bad {column}: {exc}") from exc


def text(row: dict[str, str], column: str) -> str | None:
    value = row.get(column, "").strip()
    return value or None


def extras(row: dict[str, str], spec: FileSpec) -> dict[str, Any]:
    """Unknown columns, kept as ``x_<name>`` properties (empty cells left out)."""
    known = spec.known
    if row.keys() <= known:  # the usual row: nothing beyond the spec's columns
        return {}
    return {
        _prop_name(k): v for k, v in row.items() if k not in known and k != EXTRA_KEY and v != ""
    }


def _prop_name(column: str) -> str:
    """``x_<name>``, prefixed once: a column already called ``x_nhs_no`` stays ``x_nhs_no``."""
    out = "".join(c if c.isalnum() else "_" for c in column.strip().lower()).strip("_")
    return out if out.startswith(EXTRA_PREFIX) else EXTRA_PREFIX + (out or "column")


Rows = list[tuple[int, dict[str, str]]]
Reject = Callable[[int, dict[str, str], str], None]


def given(**kw: Any) -> dict[str, Any]:
    """The keyword arguments that have a value (``None`` means "not in the row")."""
    return {k: v for k, v in kw.items() if v is not None}


def each(
    rows: Rows, batch: Batch, reject: Reject, fn: Callable[[int, dict[str, str], Batch], None]
) -> int:
    """Apply ``fn`` to every row; a rejected row leaves nothing behind in ``batch``."""
    accepted = 0
    local = Batch()  # one row's rows, moved into ``batch`` only when it is accepted
    for line, row in rows:
        try:
            fn(line, row, local)
        except RowError as exc:
            local.clear()
            reject(line, row, str(exc))
            continue
        batch.absorb(local)
        accepted += 1
    return accepted
