"""Pass 2: FtM interval entities (Payment, Ownership, Family …) to relationships.

Every endpoint must be an entity read in pass 1; a link to anything else is
rejected with the reason, never completed with an empty node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.ftm._context import Batch, EntityError, FtmContext, Known
from ingest.ftm._values import (
    FtmEntity,
    extras,
    first,
    ftm_amount,
    ftm_date,
    ftm_datetime,
    ftm_percentage,
)

PARTY = {"Person", "Organization", "Agency", "Account"}
HOLDER = {"Person", "Organization"}
OFFICIAL = ("Person", "Official")

#: FtM Family ``relationship`` (the relative as seen from the person) -> spec detail
FAMILY_DETAILS: dict[str, str] = {
    **dict.fromkeys(("spouse", "husband", "wife", "partner"), "spouse"),
    **dict.fromkeys(("sibling", "brother", "sister"), "sibling"),
    **dict.fromkeys(("parent", "father", "mother"), "parent"),
    **dict.fromkeys(("child", "son", "daughter"), "child"),
    **dict.fromkeys(
        (
            "in_law",
            "in-law",
            "brother-in-law",
            "sister-in-law",
            "father-in-law",
            "mother-in-law",
            "son-in-law",
            "daughter-in-law",
        ),
        "in_law",
    ),
    "cousin": "cousin",
}


def _rid(ctx: FtmContext, entity: FtmEntity) -> str:
    return ctx.sid(entity["id"])


def _span(entity: FtmEntity) -> dict[str, Any]:
    """since/until from startDate/endDate; a partial date stays in ``x_`` as written."""
    out: dict[str, Any] = {"sources": []}
    for ftm, prop in (("startDate", "since"), ("endDate", "until")):
        raw = first(entity, ftm)
        if raw is None:
            continue
        value = ftm_date(raw)
        out[prop] = value
        if value is None:
            out["x_" + prop] = raw
    return out


def _end(known: Known) -> tuple[str, tuple[str, ...]]:
    return known.id, known.labels


def _post(
    ctx: FtmContext,
    entity: FtmEntity,
    batch: Batch,
    person: Known,
    agency: Known,
    position: str | None,
    used: set[str],
) -> None:
    """A person's link to a government body is a post: ``Official`` + ``HOLDS_POST``."""
    if "Person" not in person.labels:
        raise EntityError(f"a {person.schema} cannot hold a post at {agency.schema} {agency.id!r}")
    batch.node(person.id, list(OFFICIAL), {"sources": []})
    props = {**_span(entity), **extras(entity, used | {"startDate", "endDate"})}
    props.update(position=position, x_ftm_schema=entity["schema"])
    batch.rel(_rid(ctx, entity), "HOLDS_POST", (person.id, OFFICIAL), _end(agency), props)


def _org_link(
    ctx: FtmContext,
    entity: FtmEntity,
    batch: Batch,
    typ: str,
    src: str,
    dst: str,
    detail: str | None,
    used: set[str],
    extra: dict[str, Any] | None = None,
) -> None:
    start = ctx.ref(first(entity, src), src, HOLDER | {"Agency"})
    end = ctx.ref(first(entity, dst), dst, {"Organization", "Agency"})
    if "Agency" in end.labels:
        _post(ctx, entity, batch, start, end, detail, used | {src, dst})
        return
    props = {**_span(entity), **extras(entity, used | {src, dst, "startDate", "endDate"})}
    props.update(extra or {}, detail=detail)
    batch.rel(_rid(ctx, entity), typ, _end(start), _end(end), props)


def directorship(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    role = first(entity, "role")
    _org_link(
        ctx,
        entity,
        batch,
        "DIRECTOR_OF",
        "director",
        "organization",
        role or ("director" if _is_agency(ctx, entity, "organization") else None),
        {"role"},
    )


def employment(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    _org_link(
        ctx, entity, batch, "EMPLOYEE_OF", "employee", "employer", first(entity, "role"), {"role"}
    )


def membership(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    """FtM has no Ring: membership of an organization is kept as EMPLOYEE_OF "member"."""
    role = first(entity, "role")
    if _is_agency(ctx, entity, "organization"):
        detail = role or "member"
    else:
        detail = f"member: {role}" if role else "member"
    _org_link(
        ctx,
        entity,
        batch,
        "EMPLOYEE_OF",
        "member",
        "organization",
        detail,
        {"role"},
        {"x_ftm_schema": "Membership"},
    )


def _is_agency(ctx: FtmContext, entity: FtmEntity, prop: str) -> bool:
    known = ctx.known.get(first(entity, prop) or "")
    return known is not None and "Agency" in known.labels


def ownership(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    owner = ctx.ref(first(entity, "owner"), "owner", HOLDER)
    asset = ctx.ref(first(entity, "asset"), "asset", {"Organization", "Account"})
    used = {"owner", "asset", "percentage", "role", "startDate", "endDate"}
    props = {**_span(entity), **extras(entity, used)}
    if "Account" in asset.labels:  # owning an account is holding it
        batch.rel(
            _rid(ctx, entity),
            "HOLDS",
            _end(owner),
            _end(asset),
            {"sources": [], **extras(entity, {"owner", "asset"})},
        )
        return
    raw_share = first(entity, "percentage")
    share = ftm_percentage(raw_share) if raw_share else None
    if raw_share and share is None:
        props["x_percentage"] = raw_share
    props.update(share=share, detail=first(entity, "role") or raw_share)
    batch.rel(_rid(ctx, entity), "OWNER_OF", _end(owner), _end(asset), props)


def family(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    start = ctx.ref(first(entity, "person"), "person", {"Person"})
    end = ctx.ref(first(entity, "relative"), "relative", {"Person"})
    raw = first(entity, "relationship")
    props = {
        **_span(entity),
        **extras(entity, {"person", "relative", "relationship", "startDate", "endDate"}),
    }
    if raw is not None:
        key = raw.strip().lower().replace(" ", "-")
        props["detail"] = FAMILY_DETAILS.get(key, "other")
        if props["detail"] != key:
            props["x_relationship"] = raw
    batch.rel(_rid(ctx, entity), "FAMILY", _end(start), _end(end), props)


def associate(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    start = ctx.ref(first(entity, "person"), "person", {"Person"})
    end = ctx.ref(first(entity, "associate"), "associate", {"Person"})
    props = {
        **_span(entity),
        **extras(entity, {"person", "associate", "relationship", "startDate", "endDate"}),
    }
    props["detail"] = first(entity, "relationship")
    batch.rel(_rid(ctx, entity), "ASSOCIATE", _end(start), _end(end), props)


def occupancy(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    holder = ctx.ref(first(entity, "holder"), "holder", {"Person"})
    post = ctx.ref(first(entity, "post"), "post", {"Agency"})
    _post(ctx, entity, batch, holder, post, post.name, {"holder", "post"})


def _account_of(ctx: FtmContext, party: Known, batch: Batch) -> tuple[str, tuple[str, ...]]:
    """The party itself when it is an account, else its synthetic account (made once)."""
    if "Account" in party.labels:
        return _end(party)
    aid = f"{ctx.bundle}:acct:{party.id.removeprefix(ctx.bundle + ':')}"
    props: dict[str, Any] = {
        "kind": "other",
        "holder_name": party.name,
        "sources": [],
        "keys": [aid],
    }
    if "Agency" in party.labels:  # HOLDS starts at a person or organization only
        props["x_holder_id"] = party.id
    batch.node(aid, ["Account"], props)
    if "Agency" not in party.labels:
        batch.rel(
            f"holds:{party.id}:{aid}", "HOLDS", _end(party), (aid, ("Account",)), {"sources": []}
        )
    return aid, ("Account",)


AMOUNTS = (("amount", None), ("amountEur", "EUR"), ("amountUsd", "USD"))


def payment(ctx: FtmContext, entity: FtmEntity, batch: Batch) -> None:
    payer = ctx.ref(first(entity, "payer"), "payer", PARTY)
    beneficiary = ctx.ref(first(entity, "beneficiary"), "beneficiary", PARTY)
    amount, currency, used = None, None, {"payer", "beneficiary", "date", "purpose"}
    for prop, code in AMOUNTS:
        raw = first(entity, prop)
        if raw is None:
            continue
        value = ftm_amount(raw)
        if value is None or value <= 0:
            raise EntityError(f"bad {prop} {raw!r}: expected a number > 0")
        amount = float(value)
        currency = code or (first(entity, "currency") or "").upper() or None
        used |= {prop, "currency"} if code is None else {prop}
        break
    if amount is None:
        raise EntityError("payment without an amount")
    raw_date = first(entity, "date", "startDate")
    at = ftm_datetime(raw_date) if raw_date else None
    reference = None
    for prop in ("purpose", "summary", "description"):
        if (reference := first(entity, prop)) is not None:
            used.add(prop)
            break
    props = {**extras(entity, used), "sources": []}
    if raw_date and at is None:
        props["x_date"] = raw_date
    props.update(amount=amount, currency=currency, at=at, reference=reference)
    start = _account_of(ctx, payer, batch)
    end = _account_of(ctx, beneficiary, batch)
    batch.rel(_rid(ctx, entity), "TRANSFERRED", start, end, props)


LinkMapper = Callable[[FtmContext, FtmEntity, Batch], None]
LINK_SCHEMATA: dict[str, LinkMapper] = {
    "Payment": payment,
    "Ownership": ownership,
    "Directorship": directorship,
    "Membership": membership,
    "Employment": employment,
    "Family": family,
    "Associate": associate,
    "Occupancy": occupancy,
}


def position_links(ctx: FtmContext, batch: Batch) -> None:
    """``PART_OF`` from a Position's agency to its organization when that is an Agency."""
    for pos, org in sorted(ctx.position_orgs.items()):
        target = ctx.known.get(org)
        if target is None or "Agency" not in target.labels:
            continue
        start = ctx.known[pos]
        batch.rel(
            f"part_of:{start.id}:{target.id}", "PART_OF", _end(start), _end(target), {"sources": []}
        )
