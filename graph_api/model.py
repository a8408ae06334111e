"""The graph model, declared once.

Everything else derives from this module: Neo4j constraints and indexes, the
embedded store's validation, ingest, API schemas and graph-page styles. It
follows ``shared/spec/graph-model.md``; names here are a public contract that
analysts write Cypher against, so they are only ever added, never renamed.

Every node carries ``id`` (unique), ``sources`` (source ids) and ``keys``
(``<bundle>:<row key>`` records it was built from). Every relationship carries
``id`` (unique per type, deterministic for rows without their own id) and
``sources``. Properties whose names start with ``x_`` are the bundle's unknown
columns, kept as extra properties (see the bundle spec).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

PropType = Literal["str", "int", "float", "bool", "list[str]", "datetime", "date"]

#: Properties every node has; managed by the store, not by callers.
NODE_BASE: Final = ("id", "sources", "keys")
#: Properties every relationship has.
REL_BASE: Final = ("id", "sources")
#: Prefix of extra properties kept from unknown bundle columns.
EXTRA_PREFIX: Final = "x_"
#: List properties that only ever grow on upsert (union, order of first appearance):
#: a second record of the same entity adds to them instead of replacing them.
GROWING_LISTS: Final = ("sources", "keys", "aliases", "id_numbers", "merge_log")
#: Label every node also carries in Neo4j so that a node can be found by id
#: alone (one uniqueness constraint, one index seek) whatever its labels.
ENTITY_LABEL: Final = "Entity"


@dataclass(frozen=True)
class Prop:
    """One property of a label or relationship type."""

    name: str
    type: PropType = "str"
    doc: str = ""
    #: A strong identifier: equal values mean the same entity (entity resolution).
    identifier: bool = False
    #: Indexed in Neo4j (range index) for lookups by value.
    indexed: bool = False


@dataclass(frozen=True)
class NodeSpec:
    """A node label with its properties."""

    label: str
    props: tuple[Prop, ...]
    doc: str
    #: Labels this one is always combined with (``Official`` is always a ``Person``).
    implies: tuple[str, ...] = ()
    #: Property shown as the node's caption in pages and tables.
    caption: str = "name"

    def prop(self, name: str) -> Prop | None:
        for p in self.props:
            if p.name == name:
                return p
        return None


@dataclass(frozen=True)
class RelSpec:
    """A relationship type: which labels it connects and its properties."""

    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    props: tuple[Prop, ...] = ()
    doc: str = ""
    #: Symmetric in meaning (stored once, read both ways).
    symmetric: bool = False

    def prop(self, name: str) -> Prop | None:
        for p in self.props:
            if p.name == name:
                return p
        return None


_P = Prop
_PERSON_PROPS = (
    _P("name", doc="name as written in the source"),
    _P("name_norm", doc="folded name without titles or ranks", indexed=True),
    _P("aliases", "list[str]"),
    _P("nik", doc="valid 16-digit NIK", identifier=True, indexed=True),
    _P("nik_raw", doc="NIK as written when it is not valid"),
    _P("nik_invalid", doc="why the written NIK is not valid"),
    _P("birth_date", "date", indexed=True),
    _P("birth_place", indexed=True),
    _P("gender", doc="m or f"),
    _P("address"),
    _P("id_numbers", "list[str]", doc="NRP/NIP of an official", identifier=True),
    _P("merged_into", doc="set on a record an analyst merged into another person (a stub)"),
    _P("merge_log", "list[str]", doc="confirmed merges into this person, as JSON lines"),
)

NODES: Final[tuple[NodeSpec, ...]] = (
    NodeSpec("Person", _PERSON_PROPS, "a natural person (people.csv)"),
    NodeSpec(
        "Official",
        _PERSON_PROPS,
        "a person who holds or held a post (officials.csv)",
        implies=("Person",),
    ),
    NodeSpec(
        "Agency",
        (_P("name"), _P("kind"), _P("kind_raw"), _P("region")),
        "a government body: Polda/Polres/Polsek, Imigrasi, Disnaker, BP3MI, a desa office",
    ),
    NodeSpec(
        "Organization",
        (
            _P("name"),
            _P("name_norm", indexed=True),
            _P("aliases", "list[str]", doc="other names, e.g. from merged records"),
            _P("kind"),
            _P("kind_raw"),
            _P("license_no", identifier=True, indexed=True),
            _P("npwp", identifier=True, indexed=True),
            _P("address"),
        ),
        "a private body: P3MI, LPK, travel agent, front company",
    ),
    NodeSpec(
        "Account",
        (
            _P("bank"),
            _P("number", identifier=True, indexed=True),
            _P("kind"),
            _P("holder_name"),
        ),
        "a bank or e-wallet account (bank + number identify it)",
        caption="number",
    ),
    NodeSpec("Phone", (_P("number", indexed=True),), "a phone number in E.164", caption="number"),
    NodeSpec(
        "Case",
        (
            _P("title"),
            _P("report_number", indexed=True),
            _P("status"),
            _P("opened_at", "datetime"),
            _P("status_at", "datetime"),
        ),
        "a police case file (Laporan Polisi)",
        caption="title",
    ),
    NodeSpec(
        "Event",
        (
            _P("kind"),
            _P("kind_raw"),
            _P("at", "datetime"),
            _P("place"),
            _P("outcome"),
        ),
        "an enforcement or trafficking event: raid, arrest, departure …",
        caption="kind",
    ),
    NodeSpec("Ring", (_P("name"),), "a trafficking network under investigation"),
    NodeSpec(
        "Source",
        (
            _P("kind"),
            _P("title"),
            _P("date", "date"),
            _P("reliability", doc="Admiralty A-F; F when unknown"),
            _P("credibility", doc="Admiralty 1-6; 6 when unknown"),
        ),
        "where information came from, with its Admiralty grade",
        caption="title",
    ),
    NodeSpec(
        "Flag",
        (
            _P("status", doc="open, under_review, substantiated, cleared"),
            _P("reason"),
            _P("evidence"),
            _P("created_by"),
            _P("created_at", "datetime"),
            _P("updated_at", "datetime"),
            _P("history", "list[str]", doc="every status change as JSON: status, by, at, note"),
        ),
        "an internal-affairs flag on an official (Propam only)",
        caption="status",
    ),
)

_PO = ("Person", "Organization")
_DETAIL = (_P("detail"), _P("since", "date"), _P("until", "date"))

RELATIONSHIPS: Final[tuple[RelSpec, ...]] = (
    RelSpec(
        "HOLDS_POST",
        ("Official",),
        ("Agency",),
        (
            _P("id_number", indexed=True),
            _P("rank"),
            _P("position"),
            _P("since", "date"),
            _P("until", "date"),
        ),
        "a post held at an agency",
    ),
    RelSpec("PART_OF", ("Agency",), ("Agency",), (), "agency hierarchy"),
    RelSpec("HOLDS", _PO, ("Account",), (), "account holder"),
    RelSpec(
        "TRANSFERRED",
        ("Account",),
        ("Account",),
        (
            _P("amount", "float"),
            _P("currency"),
            _P("at", "datetime"),
            _P("channel"),
            _P("reference"),
        ),
        "one money transfer",
    ),
    RelSpec("USES", _PO, ("Phone",), (), "uses a phone number"),
    RelSpec(
        "CALLED",
        ("Phone",),
        ("Phone",),
        (_P("at", "datetime"), _P("duration_s", "int"), _P("kind")),
        "one call, SMS or chat",
    ),
    RelSpec("HANDLED_BY", ("Case",), ("Agency",), (), "the agency handling a case"),
    RelSpec("ABOUT", ("Event",), ("Case",), (), "an event belongs to a case"),
    RelSpec("FAMILY", ("Person",), ("Person",), _DETAIL, "family tie", symmetric=True),
    RelSpec("ASSOCIATE", ("Person",), ("Person",), _DETAIL, "associate", symmetric=True),
    RelSpec("EMPLOYEE_OF", _PO, ("Organization",), _DETAIL, "employment"),
    RelSpec("DIRECTOR_OF", _PO, ("Organization",), _DETAIL, "director"),
    RelSpec("COMMISSIONER_OF", _PO, ("Organization",), _DETAIL, "commissioner (board)"),
    RelSpec("OWNER_OF", _PO, ("Organization",), (*_DETAIL, _P("share", "float")), "ownership"),
    RelSpec("MEMBER_OF", _PO, ("Ring",), (_P("role"), *_DETAIL), "ring membership"),
    RelSpec("RECRUITED", ("Person",), ("Person",), _DETAIL, "recruited a migrant worker"),
    *(
        RelSpec(t, ("Person",), ("Case",), _DETAIL, d)
        for t, d in (
            ("SUSPECT_IN", "suspect in a case"),
            ("VICTIM_IN", "victim in a case"),
            ("WITNESS_IN", "witness in a case"),
            ("INVESTIGATES", "investigator of a case"),
            ("SUPERVISES", "supervisor of a case"),
        )
    ),
    RelSpec("LED", _PO, ("Event",), _DETAIL, "led an event"),
    RelSpec("TARGET_OF", _PO, ("Event",), _DETAIL, "an event was aimed at them"),
    RelSpec(
        "POSSIBLY_SAME_AS",
        ("Person",),
        ("Person",),
        (
            _P("score", "float"),
            _P("reasons", "list[str]"),
            _P("status", doc="candidate, confirmed, rejected"),
            _P("decided_by"),
            _P("decided_at", "datetime"),
        ),
        "a candidate match awaiting an analyst's decision",
        symmetric=True,
    ),
    RelSpec("FLAGS", ("Flag",), ("Official",), (), "a Propam flag on an official"),
    RelSpec(
        "SAME_AS",
        ("Person",),
        ("Person",),
        (_P("decided_by"), _P("decided_at", "datetime")),
        "a confirmed merge: the record that was merged into the surviving one",
    ),
)


@dataclass(frozen=True)
class Model:
    """Lookup over the declaration."""

    nodes: dict[str, NodeSpec] = field(default_factory=dict)
    rels: dict[str, RelSpec] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.nodes)

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.rels)


MODEL: Final = Model(
    nodes={n.label: n for n in NODES},
    rels={r.type: r for r in RELATIONSHIPS},
)

#: Labels whose nodes are hidden from everyone but Propam.
PROPAM_ONLY_LABELS: Final = frozenset({"Flag"})
#: Relationship types hidden from everyone but Propam.
PROPAM_ONLY_TYPES: Final = frozenset({"FLAGS"})
