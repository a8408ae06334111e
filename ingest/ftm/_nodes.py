"""Pass 1: FtM thing entities (Person, Organization, BankAccount, Position …) to nodes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.normalize import NormalizeError, check_nik, normalize_name, normalize_phone
from ingest.ftm._context import Batch, EntityError, FtmContext, Known
from ingest.ftm._values import FtmEntity, extras, first, ftm_date, values

ORGANIZATION_KINDS = {"Company": "company", "Organization": None, "LegalEntity": None}


def _address(ctx: FtmContext, entity: FtmEntity, nid: str, labels: list[str]) -> str | None:
    """The ``address`` text, else the text of the ``addressEntity`` (patched later if unseen)."""
    text = first(entity, "address")
    if text:
        return text
    ref = first(entity, "addressEntity")
    if ref is None:
        return None
    if ref in ctx.addresses:
        return ctx.addresses[ref]
    ctx.pending_addresses.append((nid, labels, ref))
    return None


def _phones(entity: FtmEntity) -> tuple[list[str], list[str]]:
    """(E.164 numbers, raw values that are not valid numbers); the region is the country."""
    country = (first(entity, "country") or "").upper()
    region = country if len(country) == 2 and country.isalpha() else "ID"
    good, bad = [], []
    for raw in values(entity, "phone"):
        try:
            good.append(normalize_phone(raw, region))
        except NormalizeError:
            bad.append(raw)
    return good, bad


def _uses(batch: Batch, holder: str, labels: tuple[str, ...], phones: list[str]) -> None:
    for number in phones:
        batch.node(number, ["Phone"], {"number": number, "sources": []})
        batch.rel(
            f"uses:{holder}:{number}",
            "USES",
            (holder, labels),
            (number, ("Phone",)),
            {"sources": []},
        )


def _base(ctx: FtmContext, entity: FtmEntity, used: set[str]) -> dict[str, Any]:
    return {"sources": [], "keys": [ctx.sid(entity["id"])], **extras(entity, used)}


def person(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> Known:
    nid = ctx.sid(entity["id"])
    names = values(entity, "name")
    if not names:
        parts = [first(entity, p) for p in ("firstName", "middleName", "lastName")]
        names = [" ".join(p for p in parts if p)] if any(parts) else []
    name = names[0] if names else None
    used = {"name", "alias", "birthDate", "idNumber", "phone", "address", "addressEntity", "gender"}
    props = _base(ctx, entity, used)
    aliases = names[1:] + values(entity, "alias")
    birth_raw = first(entity, "birthDate")
    birth = ftm_date(birth_raw) if birth_raw else None
    if birth_raw and birth is None:
        props["x_birth_date"] = birth_raw  # partial (``1970``) or unreadable: kept as written
    for raw in values(entity, "idNumber"):
        nik = check_nik(raw)
        if nik.valid and nik.value and "nik" not in props:
            props["nik"] = nik.value
        else:  # a passport or foreign ID number is not a NIK: kept, never matched on
            props.setdefault("x_id_number", []).append(raw)
    gender = (first(entity, "gender") or "").lower()
    phones, bad_phones = _phones(entity)
    labels = ["Person"]
    props.update(
        name=name,
        name_norm=normalize_name(name) if name else None,
        aliases=aliases or None,
        birth_date=birth,
        gender={"male": "m", "female": "f"}.get(gender),
        address=_address(ctx, entity, nid, labels),
        x_phone_invalid=bad_phones or None,
    )
    if gender and gender not in ("male", "female"):
        props["x_gender"] = gender
    batch.node(nid, labels, props)
    _uses(batch, nid, ("Person",), phones)
    return Known(nid, ("Person",), name, entity["schema"])


def organization(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> Known:
    nid = ctx.sid(entity["id"])
    name = first(entity, "name")
    used = {"name", "registrationNumber", "taxNumber", "phone", "address", "addressEntity"}
    props = _base(ctx, entity, used)
    kind = ORGANIZATION_KINDS.get(entity["schema"])
    tax = first(entity, "taxNumber")
    digits = "".join(c for c in tax or "" if c.isdigit())
    if tax and len(digits) not in (15, 16):  # not shaped like an NPWP: kept, never matched on
        props["x_tax_number"] = tax
    phones, bad_phones = _phones(entity)
    labels = ["Organization"]
    props.update(
        name=name,
        name_norm=normalize_name(name) if name else None,
        kind=kind or "other",
        kind_raw=None if kind else entity["schema"],
        license_no=first(entity, "registrationNumber"),
        npwp=digits if len(digits) in (15, 16) else None,
        address=_address(ctx, entity, nid, labels),
        x_phone_invalid=bad_phones or None,
    )
    batch.node(nid, labels, props)
    _uses(batch, nid, ("Organization",), phones)
    return Known(nid, ("Organization",), name, entity["schema"])


def public_body(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> Known:
    """A PublicBody is a government body: an ``Agency`` of kind ``other`` (raw kept)."""
    nid = ctx.sid(entity["id"])
    name = first(entity, "name")
    props = _base(ctx, entity, {"name"})
    props.update(name=name, kind="other", kind_raw=entity["schema"])
    batch.node(nid, ["Agency"], props)
    return Known(nid, ("Agency",), name, entity["schema"])


def position(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> Known:
    """A Position (a seat: "Kapolres X") becomes an ``Agency`` its occupants hold a post at."""
    nid = ctx.sid(entity["id"])
    name = first(entity, "name")
    props = _base(ctx, entity, {"name", "organization"})
    org = first(entity, "organization")
    if org:
        ctx.position_orgs[entity["id"]] = org
        props["x_organization"] = ctx.sid(org)
    props.update(name=name, kind="other", kind_raw=entity["schema"])
    batch.node(nid, ["Agency"], props)
    return Known(nid, ("Agency",), name, entity["schema"])


def bank_account(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> Known:
    nid = ctx.sid(entity["id"])
    number = first(entity, "accountNumber", "iban")
    props = _base(ctx, entity, {"bankName", "accountNumber", "iban"})
    if number and first(entity, "accountNumber") and first(entity, "iban"):
        props["x_iban"] = first(entity, "iban")
    props.update(
        bank=first(entity, "bankName"),
        number="".join(c for c in number if c.isalnum()) if number else None,
        kind="bank",
    )
    batch.node(nid, ["Account"], props)
    return Known(nid, ("Account",), number, entity["schema"])


def address_text(entity: FtmEntity) -> str | None:
    full = first(entity, "full")
    if full:
        return full
    parts = [first(entity, p) for p in ("street", "postalCode", "city", "region", "country")]
    return ", ".join(p for p in parts if p) or None


NodeMapper = Callable[[FtmContext, FtmEntity, Batch], Known]
NODE_SCHEMATA: dict[str, NodeMapper] = {
    "Person": person,
    "Organization": organization,
    "Company": organization,
    "LegalEntity": organization,
    "PublicBody": public_body,
    "Position": position,
    "BankAccount": bank_account,
}


def map_node(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    """Map one thing entity into ``batch`` and remember what it became."""
    mapper = NODE_SCHEMATA[entity["schema"]]
    known = mapper(ctx, entity, batch)
    seen = ctx.known.get(entity["id"])
    if seen is not None and seen.labels != known.labels:
        raise EntityError(f"id {entity['id']!r} already used by a {seen.schema}")
    ctx.known.setdefault(entity["id"], known)
