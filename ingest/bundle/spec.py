"""The bundle format (``shared/spec/bundle-format.md``) as data: files, columns, enumerations.

The loader reads every rule from here, so a rule changes in one place.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of a bundle."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    #: column -> allowed values (closed enumerations: anything else is rejected)
    enums: dict[str, frozenset[str]] = field(default_factory=dict)
    #: column -> allowed values of an *open* enumeration (unknown -> "other", raw kept)
    open_enums: dict[str, frozenset[str]] = field(default_factory=dict)
    #: the column holding the row's own key, if any
    key: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @functools.cached_property
    def known(self) -> frozenset[str]:
        """The columns the spec names (any other column is kept as ``x_<name>``)."""
        return frozenset(self.columns)


def _e(*values: str) -> frozenset[str]:
    return frozenset(values)


SOURCE_KINDS = _e(
    "bap",
    "bank_statement",
    "ppatk_report",
    "cdr",
    "case_register",
    "roster",
    "osint",
    "informant",
    "seizure",
    "other",
)
AGENCY_KINDS = _e(
    "police",
    "immigration",
    "manpower",
    "migrant_protection",
    "village",
    "prosecutor",
    "court",
    "military",
    "other",
)
ORG_KINDS = _e("p3mi", "company", "lpk", "travel", "shelter", "shell", "ngo", "other")
EVENT_KINDS = _e("raid", "arrest", "release", "departure", "rescue", "meeting", "other")
CASE_STATUSES = _e("lidik", "sidik", "p21", "sp3", "vonis", "bebas")
RELIABILITY = _e("A", "B", "C", "D", "E", "F")
CREDIBILITY = _e("1", "2", "3", "4", "5", "6")
MEMBER_ROLES = _e(
    "leader", "recruiter", "sponsor", "transporter", "financier", "forger", "shelter", "other"
)
FAMILY_DETAILS = _e("spouse", "sibling", "parent", "child", "in_law", "cousin", "other")

FILES: Final[tuple[FileSpec, ...]] = (
    FileSpec(
        "sources.csv",
        ("source_id", "kind"),
        ("title", "date", "reliability", "credibility"),
        enums={"kind": SOURCE_KINDS},
        key="source_id",
    ),
    FileSpec(
        "agencies.csv",
        ("agency_id", "name", "kind"),
        ("parent_id", "region", "source_id"),
        open_enums={"kind": AGENCY_KINDS},
        key="agency_id",
    ),
    FileSpec(
        "organizations.csv",
        ("org_id", "name"),
        ("kind", "license_no", "npwp", "address", "phones", "source_id"),
        open_enums={"kind": ORG_KINDS},
        key="org_id",
    ),
    FileSpec(
        "people.csv",
        ("person_id", "name"),
        (
            "aliases",
            "nik",
            "passport",
            "birth_date",
            "birth_place",
            "gender",
            "phones",
            "address",
            "source_id",
        ),
        enums={"gender": _e("m", "f")},
        key="person_id",
    ),
    FileSpec(
        "officials.csv",
        ("person_id", "agency_id"),
        ("id_number", "rank", "position", "since", "until", "source_id"),
    ),
    FileSpec(
        "accounts.csv",
        ("account_id", "bank", "number"),
        ("holder_id", "holder_name", "kind", "source_id"),
        enums={"kind": _e("bank", "ewallet", "other")},
        key="account_id",
    ),
    FileSpec("rings.csv", ("ring_id",), ("name", "source_id"), key="ring_id"),
    FileSpec(
        "cases.csv",
        ("case_id", "status"),
        ("title", "report_number", "opened_at", "status_at", "agency_id", "source_id"),
        enums={"status": CASE_STATUSES},
        key="case_id",
    ),
    FileSpec(
        "events.csv",
        ("event_id", "kind", "at"),
        ("place", "case_id", "outcome", "source_id"),
        enums={"outcome": _e("found", "nothing_found", "escaped", "other")},
        open_enums={"kind": EVENT_KINDS},
        key="event_id",
    ),
    FileSpec(
        "relations.csv",
        ("from_id", "to_id", "type"),
        ("detail", "since", "until", "source_id"),
    ),
    FileSpec(
        "transfers.csv",
        ("from_account", "to_account", "amount", "at"),
        ("transfer_id", "currency", "channel", "reference", "source_id"),
        enums={"channel": _e("transfer", "cash_deposit", "cash_withdrawal", "ewallet", "other")},
    ),
    FileSpec(
        "calls.csv",
        ("from_phone", "to_phone", "at"),
        ("duration_s", "kind", "imei", "cell_id", "lac", "source_id"),
        enums={"kind": _e("call", "sms", "chat")},
    ),
)
#: Files in the order the loader reads them (references point backwards).
BY_NAME: Final = {f.name: f for f in FILES}

#: relations.csv type -> (graph type, allowed from kinds, allowed to kinds)
RELATION_TYPES: Final[dict[str, tuple[str, frozenset[str], frozenset[str]]]] = {
    "family": ("FAMILY", _e("person"), _e("person")),
    "associate": ("ASSOCIATE", _e("person"), _e("person")),
    "employee_of": ("EMPLOYEE_OF", _e("person"), _e("organization")),
    "director_of": ("DIRECTOR_OF", _e("person", "organization"), _e("organization")),
    "commissioner_of": ("COMMISSIONER_OF", _e("person", "organization"), _e("organization")),
    "owner_of": ("OWNER_OF", _e("person", "organization"), _e("organization")),
    "member_of": ("MEMBER_OF", _e("person", "organization"), _e("ring")),
    "recruited": ("RECRUITED", _e("person"), _e("person")),
    "suspect_in": ("SUSPECT_IN", _e("person"), _e("case")),
    "victim_in": ("VICTIM_IN", _e("person"), _e("case")),
    "witness_in": ("WITNESS_IN", _e("person"), _e("case")),
    "investigates": ("INVESTIGATES", _e("person"), _e("case")),
    "supervises": ("SUPERVISES", _e("person"), _e("case")),
    "led": ("LED", _e("person", "organization"), _e("event")),
    "target_of": ("TARGET_OF", _e("person", "organization"), _e("event")),
}
