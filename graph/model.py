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
#: What a relationship type *is*; every list of types a query, the protector ranking,
#: the cache or a page needs is derived from these (:meth:`Model.types`).
Meaning = Literal[
    "money",  # value moving from one holder or instrument to another (amount, time)
    "communication",  # a call, SMS or chat between two instruments (time)
    "instrument",  # who holds an account or uses a phone (see ``channel``)
    "kinship",  # family
    "association",  # a known associate
    "employment",  # works for an organisation
    "control",  # directs, sits on the board of, owns an organisation
    "membership",  # a member of a ring
    "recruitment",  # recruited a migrant worker
    "suspect",  # suspect in a case
    "victim",  # victim in a case (never counted as the ring's side)
    "witness",  # witness in a case
    "case_duty",  # investigates or supervises a case
    "case_agency",  # the agency handling a case
    "event_case",  # the case an event belongs to
    "event_leader",  # led an event (a raid, a passport issue, a departure ...)
    "event_target",  # an event was aimed at them
    "post",  # an official's post at an agency
    "hierarchy",  # an agency inside another
    "identity",  # candidate or confirmed "same person"
    "handset",  # a phone number used in a handset (two numbers in one handset: one user)
    "propam",  # internal affairs only (kept in the Propam store)
]
#: The meanings that carry something between two instruments, and so the kind of
#: instrument relationship (``RelSpec.channel``) that ties a holder to them.
Channel = Literal["money", "communication"]

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
class Names:
    """What investigators read for a label or type: Bahasa Indonesia and English."""

    id: str
    en: str


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
    #: Display names (pages, graph pages, reports).
    names: Names = Names("", "")

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
    #: What the type is (see :data:`Meaning`).
    meaning: Meaning = "association"
    #: For ``instrument`` types: what the instrument carries (accounts money, phones
    #: communication).
    channel: Channel | None = None
    #: The property holding the moment of a timed relationship (a transfer's or a
    #: call's ``at``); None for untimed ones.
    timed_by: str | None = None
    #: The property holding the amount, and the one holding its currency.
    amount: str | None = None
    currency: str | None = None
    #: Display names (pages, graph pages, reports).
    names: Names = Names("", "")
    #: Edge colour group on graph pages (:data:`viz.styles.GROUP_COLORS`).
    style: str = "identity"

    def prop(self, name: str) -> Prop | None:
        for p in self.props:
            if p.name == name:
                return p
        return None


_P = Prop
_N = Names
_PERSON_PROPS = (
    _P("name", doc="name as written in the source"),
    _P("name_norm", doc="folded name without titles or ranks", indexed=True),
    _P("aliases", "list[str]"),
    _P("nik", doc="valid 16-digit NIK", identifier=True, indexed=True),
    _P("nik_raw", doc="NIK as written when it is not valid"),
    _P("nik_invalid", doc="why the written NIK is not valid"),
    _P("passport", doc="upper case, letters and digits only", identifier=True, indexed=True),
    _P("birth_date", "date", indexed=True),
    _P("birth_place", indexed=True),
    _P("gender", doc="m or f"),
    _P("address"),
    _P("id_numbers", "list[str]", doc="NRP/NIP of an official", identifier=True),
    _P("merged_into", doc="set on a record an analyst merged into another person (a stub)"),
    _P("merge_log", "list[str]", doc="confirmed merges into this person, as JSON lines"),
)

NODES: Final[tuple[NodeSpec, ...]] = (
    NodeSpec("Person", _PERSON_PROPS, "a natural person (people.csv)", names=_N("Orang", "Person")),
    NodeSpec(
        "Official",
        _PERSON_PROPS,
        "a person who holds or held a post (officials.csv)",
        implies=("Person",),
        names=_N("Pejabat", "Official"),
    ),
    NodeSpec(
        "Agency",
        (_P("name"), _P("kind"), _P("kind_raw"), _P("region")),
        "a government body: Polda/Polres/Polsek, Imigrasi, Disnaker, BP3MI, a desa office",
        names=_N("Instansi", "Agency"),
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
            _P("merged_into", doc="set on a record an analyst merged into another (a stub)"),
            _P("merge_log", "list[str]", doc="confirmed merges into this one, as JSON lines"),
        ),
        "a private body: P3MI, LPK, travel agent, front company",
        names=_N("Organisasi", "Organization"),
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
        names=_N("Rekening", "Account"),
    ),
    NodeSpec(
        "Phone",
        (_P("number", indexed=True),),
        "a phone number in E.164",
        caption="number",
        names=_N("Telepon", "Phone"),
    ),
    NodeSpec(
        "Handset",
        (_P("imei", doc="the handset's 15-digit IMEI", identifier=True, indexed=True),),
        "a handset (mobile device) known by its IMEI from call records",
        caption="imei",
        names=_N("Perangkat", "Handset"),
    ),
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
        names=_N("Perkara", "Case"),
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
        names=_N("Peristiwa", "Event"),
    ),
    NodeSpec(
        "Ring",
        (
            _P("name"),
            _P("created_by", doc="who drew the ring over loaded data (telusur ring create)"),
            _P("created_at", "datetime"),
        ),
        "a trafficking network under investigation",
        names=_N("Jaringan", "Ring"),
    ),
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
        names=_N("Sumber", "Source"),
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
        names=_N("Tanda", "Flag"),
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
        meaning="post",
        names=_N("menjabat di", "holds post at"),
        style="post",
    ),
    RelSpec(
        "PART_OF", ("Agency",), ("Agency",), (), "agency hierarchy",
        meaning="hierarchy", names=_N("bagian dari", "part of"), style="post",
    ),
    RelSpec(
        "HOLDS", _PO, ("Account",), (), "account holder",
        meaning="instrument", channel="money", names=_N("pemilik rekening", "holds"),
        style="money",
    ),
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
        meaning="money",
        timed_by="at",
        amount="amount",
        currency="currency",
        names=_N("transfer", "transferred"),
        style="money",
    ),
    RelSpec(
        "USES", _PO, ("Phone",), (), "uses a phone number",
        meaning="instrument", channel="communication", names=_N("memakai", "uses"),
        style="phone",
    ),
    RelSpec(
        "CALLED",
        ("Phone",),
        ("Phone",),
        (
            _P("at", "datetime"),
            _P("duration_s", "int"),
            _P("kind"),
            _P("imei", doc="the caller's handset at the call"),
            _P("cell_id", doc="the caller's serving cell at the call", indexed=True),
            _P("lac", doc="location area code of that cell"),
        ),
        "one call, SMS or chat",
        meaning="communication",
        timed_by="at",
        names=_N("menelepon", "called"),
        style="phone",
    ),
    RelSpec(
        "USED_IN", ("Phone",), ("Handset",), (), "a phone number used in a handset (IMEI)",
        meaning="handset", names=_N("dipakai di perangkat", "used in handset"), style="phone",
    ),
    RelSpec(
        "HANDLED_BY", ("Case",), ("Agency",), (), "the agency handling a case",
        meaning="case_agency", names=_N("ditangani oleh", "handled by"), style="case",
    ),
    RelSpec(
        "ABOUT", ("Event",), ("Case",), (), "an event belongs to a case",
        meaning="event_case", names=_N("terkait perkara", "about"), style="case",
    ),
    RelSpec(
        "FAMILY", ("Person",), ("Person",), _DETAIL, "family tie", symmetric=True,
        meaning="kinship", names=_N("keluarga", "family"), style="family",
    ),
    RelSpec(
        "ASSOCIATE", ("Person",), ("Person",), _DETAIL, "associate", symmetric=True,
        meaning="association", names=_N("rekan", "associate"), style="family",
    ),
    RelSpec(
        "EMPLOYEE_OF", _PO, ("Organization",), _DETAIL, "employment",
        meaning="employment", names=_N("karyawan", "employee of"), style="organization",
    ),
    RelSpec(
        "DIRECTOR_OF", _PO, ("Organization",), _DETAIL, "director",
        meaning="control", names=_N("direktur", "director of"), style="organization",
    ),
    RelSpec(
        "COMMISSIONER_OF", _PO, ("Organization",), _DETAIL, "commissioner (board)",
        meaning="control", names=_N("komisaris", "commissioner of"), style="organization",
    ),
    RelSpec(
        "OWNER_OF", _PO, ("Organization",), (*_DETAIL, _P("share", "float")), "ownership",
        meaning="control", names=_N("pemilik", "owner of"), style="organization",
    ),
    RelSpec(
        "MEMBER_OF", _PO, ("Ring",),
        (_P("role"), *_DETAIL, _P("added_by"), _P("added_at", "datetime")),
        "ring membership (added_by/added_at when an investigator named the member)",
        meaning="membership", names=_N("anggota", "member of"), style="organization",
    ),
    RelSpec(
        "RECRUITED", ("Person",), ("Person",), _DETAIL, "recruited a migrant worker",
        meaning="recruitment", names=_N("merekrut", "recruited"), style="family",
    ),
    RelSpec(
        "SUSPECT_IN", ("Person",), ("Case",), _DETAIL, "suspect in a case",
        meaning="suspect", names=_N("tersangka", "suspect in"), style="case",
    ),
    RelSpec(
        "VICTIM_IN", ("Person",), ("Case",), _DETAIL, "victim in a case",
        meaning="victim", names=_N("korban", "victim in"), style="case",
    ),
    RelSpec(
        "WITNESS_IN", ("Person",), ("Case",), _DETAIL, "witness in a case",
        meaning="witness", names=_N("saksi", "witness in"), style="case",
    ),
    *(
        RelSpec(
            t, ("Person",), ("Case",), _DETAIL, d,
            meaning="case_duty", names=_N(n_id, n_en), style="case",
        )
        for t, d, n_id, n_en in (
            ("INVESTIGATES", "investigator of a case", "penyidik", "investigates"),
            ("SUPERVISES", "supervisor of a case", "pengawas", "supervises"),
        )
    ),
    RelSpec(
        "LED", _PO, ("Event",), _DETAIL, "led an event",
        meaning="event_leader", names=_N("memimpin", "led"), style="case",
    ),
    RelSpec(
        "TARGET_OF", _PO, ("Event",), _DETAIL, "an event was aimed at them",
        meaning="event_target", names=_N("sasaran", "target of"), style="case",
    ),
    RelSpec(
        "POSSIBLY_SAME_AS",
        _PO,  # two people, or two organisations (never one of each)
        _PO,
        (
            _P("score", "float"),
            _P("reasons", "list[str]"),
            _P("status", doc="candidate, confirmed, rejected"),
            _P("decided_by"),
            _P("decided_at", "datetime"),
        ),
        "a candidate match awaiting an analyst's decision",
        symmetric=True,
        meaning="identity",
        names=_N("mungkin sama dengan", "possibly same as"),
    ),
    RelSpec(
        "FLAGS", ("Flag",), ("Official",), (), "a Propam flag on an official",
        meaning="propam", names=_N("menandai", "flags"),
    ),
    RelSpec(
        "SAME_AS",
        _PO,
        _PO,
        (_P("decided_by"), _P("decided_at", "datetime")),
        "a confirmed merge: the record that was merged into the surviving one",
        meaning="identity",
        names=_N("sama dengan", "same as"),
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

    def meaning(self, *meanings: Meaning) -> tuple[str, ...]:
        """The types that have one of ``meanings``, in declaration order."""
        return tuple(t for t, r in self.rels.items() if r.meaning in meanings)

    def instruments(self, channel: Channel) -> tuple[str, ...]:
        """The types tying a holder to an instrument of ``channel`` (``HOLDS`` for
        money, ``USES`` for communication)."""
        return tuple(
            t for t, r in self.rels.items() if r.meaning == "instrument" and r.channel == channel
        )

    @property
    def timed(self) -> tuple[str, ...]:
        """The types whose relationships happen at a moment (``timed_by``)."""
        return tuple(t for t, r in self.rels.items() if r.timed_by)

    @property
    def propam_only(self) -> tuple[str, ...]:
        return self.meaning("propam")


MODEL: Final = Model(
    nodes={n.label: n for n in NODES},
    rels={r.type: r for r in RELATIONSHIPS},
)

#: Labels whose nodes are hidden from everyone but Propam.
PROPAM_ONLY_LABELS: Final = frozenset({"Flag"})
#: Relationship types hidden from everyone but Propam.
PROPAM_ONLY_TYPES: Final = frozenset(MODEL.meaning("propam"))
