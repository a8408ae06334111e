"""Property names and coded values as investigators read them (Bahasa Indonesia, English).

The model (:mod:`graph.model`) names its properties for analysts writing Cypher
(``birth_date``, ``name_norm``); the pages, tooltips and reports show
:func:`field_name` instead (``Tanggal lahir``), and coded values through
:func:`value_text` (a case status ``p21`` is ``P21 (berkas lengkap)``, a gender
``m`` is ``laki-laki``). Every word is a message of the one catalogue
(:mod:`graph.text`); ``tests/viz/test_fields.py`` checks that every property of the
model has a name here.
"""

from __future__ import annotations

from typing import Final

from graph.model import EXTRA_PREFIX
from graph.text import N_, gettext

__all__ = ["FIELDS", "HIDDEN", "VALUES", "field_name", "value_text"]

#: properties kept for matching and bookkeeping, never shown as a row of their own
HIDDEN: Final = frozenset({"sources", "keys", "name_norm", "merge_log", "history"})

#: every property of the model, as a page names it
FIELDS: Final[dict[str, str]] = {
    "added_at": N_("Added at"),
    "added_by": N_("Added by"),
    "address": N_("Address"),
    "aliases": N_("Other names"),
    "amount": N_("Amount"),
    "at": N_("Time"),
    "bank": N_("Bank"),
    "birth_date": N_("Date of birth"),
    "birth_place": N_("Place of birth"),
    "cell_id": N_("Cell"),
    "channel": N_("Channel"),
    "created_at": N_("Created at"),
    "created_by": N_("Created by"),
    "credibility": N_("Credibility"),
    "currency": N_("Currency"),
    "date": N_("Date"),
    "decided_at": N_("Decided at"),
    "decided_by": N_("Decided by"),
    "detail": N_("Detail"),
    "duration_s": N_("Duration"),
    "evidence": N_("Evidence"),
    "gender": N_("Sex"),
    "history": N_("History"),
    "holder_name": N_("Account holder"),
    "id_number": N_("NRP/NIP"),
    "id_numbers": N_("NRP/NIP"),
    "imei": N_("IMEI"),
    "kind": N_("Kind"),
    "kind_raw": N_("Kind as written"),
    "lac": N_("Location area"),
    "license_no": N_("Licence number"),
    "merge_log": N_("Merges"),
    "merged_into": N_("Merged into"),
    "name": N_("Name"),
    "name_norm": N_("Name (folded)"),
    "nik": N_("NIK"),
    "nik_invalid": N_("Why the NIK is invalid"),
    "nik_raw": N_("NIK as written"),
    "npwp": N_("NPWP"),
    "number": N_("Number"),
    "opened_at": N_("Opened at"),
    "outcome": N_("Outcome"),
    "passport": N_("Passport"),
    "place": N_("Place"),
    "position": N_("Position"),
    "rank": N_("Police rank"),
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "reference": N_("Reference"),
    "region": N_("Region"),
    "reliability": N_("Reliability"),
    "report_number": N_("Police report (LP) number"),
    "role": N_("Role"),
    "score": N_("Score"),
    "share": N_("Share"),
    "since": N_("Since"),
    "status": N_("Status"),
    "status_at": N_("Status since"),
    "title": N_("Title"),
    "until": N_("Until"),
    "updated_at": N_("Updated at"),
}

_OTHER = N_("other")

#: coded values of a property (bundle format: sources, agencies, organizations,
#: accounts, transfers, calls, cases, events, relations), as a page shows them
VALUES: Final[dict[str, dict[str, str]]] = {
    "gender": {"m": N_("male"), "f": N_("female")},
    "status": {
        "lidik": N_("lidik (inquiry)"),
        "sidik": N_("sidik (investigation)"),
        "p21": N_("P21 (case file complete)"),
        "sp3": N_("SP3 (investigation stopped)"),
        "vonis": N_("verdict"),
        "bebas": N_("acquitted"),
        "stalled": N_("stalled (open too long)"),
        "candidate": N_("candidate"),
        "confirmed": N_("confirmed"),
        "rejected": N_("rejected"),
        "open": N_("open"),
        "under_review": N_("under review"),
        "substantiated": N_("substantiated"),
        "cleared": N_("cleared"),
    },
    "kind": {
        # calls
        "call": N_("phone call"),
        "sms": N_("SMS"),
        "chat": N_("chat"),
        # events
        "raid": N_("raid"),
        "arrest": N_("arrest"),
        "release": N_("release"),
        "departure": N_("departure"),
        "rescue": N_("rescue"),
        "meeting": N_("meeting"),
        # accounts
        "bank": N_("bank account"),
        "ewallet": N_("e-wallet"),
        # agencies
        "police": N_("police"),
        "immigration": N_("immigration"),
        "manpower": N_("manpower office"),
        "migrant_protection": N_("migrant worker protection"),
        "village": N_("village office"),
        "prosecutor": N_("prosecutor"),
        "court": N_("court"),
        "military": N_("military"),
        # organizations
        "p3mi": N_("P3MI (placement agency)"),
        "company": N_("company"),
        "lpk": N_("LPK (training centre)"),
        "travel": N_("travel agent"),
        "shelter": N_("shelter"),
        "shell": N_("shell company"),
        "ngo": N_("NGO"),
        # sources
        "bap": N_("BAP (examination record)"),
        "bank_statement": N_("bank statement"),
        "ppatk_report": N_("PPATK report"),
        "cdr": N_("call records (CDR)"),
        "case_register": N_("case register"),
        "roster": N_("staff roster"),
        "osint": N_("open sources (OSINT)"),
        "informant": N_("informant"),
        "seizure": N_("seizure"),
        "other": _OTHER,
    },
    "channel": {
        "transfer": N_("bank transfer"),
        "cash_deposit": N_("cash deposit"),
        "cash_withdrawal": N_("cash withdrawal"),
        "ewallet": N_("e-wallet"),
        "other": _OTHER,
    },
    "outcome": {
        "found": N_("found"),
        "nothing_found": N_("nothing found"),
        "escaped": N_("escaped"),
        "other": _OTHER,
    },
    "detail": {
        "spouse": N_("spouse"),
        "sibling": N_("sibling"),
        "parent": N_("parent"),
        "child": N_("child"),
        "in_law": N_("in-law"),
        "cousin": N_("cousin"),
        "other": _OTHER,
    },
    "role": {
        "leader": N_("leader"),
        "recruiter": N_("recruiter"),
        "sponsor": N_("sponsor"),
        "transporter": N_("transporter"),
        "financier": N_("financier"),
        "forger": N_("forger"),
        "shelter": N_("shelter keeper"),
        "other": _OTHER,
    },
}


def field_name(name: str, lang: str) -> str:
    """A property's name in ``lang``; an extra column ``x_pekerjaan`` as ``pekerjaan``.

    >>> field_name("birth_date", "en"), field_name("x_nama_ibu", "id")
    ('Date of birth', 'Nama ibu')
    """
    if name in FIELDS:
        return gettext(FIELDS[name], lang)
    if name.startswith(EXTRA_PREFIX):
        text = name[len(EXTRA_PREFIX) :].replace("_", " ")
        return text[:1].upper() + text[1:]
    return name.replace("_", " ")


def value_text(name: str, value: str, lang: str) -> str:
    """A coded value of property ``name`` in ``lang``; any other text as it is.

    >>> value_text("status", "p21", "en"), value_text("detail", "sepupu", "en")
    ('P21 (case file complete)', 'sepupu')
    """
    known = VALUES.get(name, {})
    key = value.strip().lower()
    return gettext(known[key], lang) if key in known else value
