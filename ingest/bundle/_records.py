"""Row handlers for cases, events, relations, transfers and calls."""

from __future__ import annotations

import functools
import hashlib
import operator
import re
from collections.abc import Callable
from typing import Any

from graph.normalize import (
    EXTRA_KEY,
    NormalizeError,
    amount_to_float,
    normalize_phone,
    parse_amount,
    parse_currency,
)
from graph.rows import RelRow
from ingest.bundle._context import (
    Batch,
    LoadContext,
    Ref,
    Reject,
    RowError,
    Rows,
    each,
    enum,
    extras,
    given,
    open_enum,
    required,
    text,
    when,
)
from ingest.bundle.spec import BY_NAME, FAMILY_DETAILS, MEMBER_ROLES, RELATION_TYPES, FileSpec


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def cases(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["cases.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["case_id"]
        cid = ctx.sid(key)
        src = ctx.sources(row)
        agency = ctx.ref(row, "agency_id", {"agency"}) if text(row, "agency_id") else None
        batch.node(
            cid,
            ["Case"],
            given(
                title=text(row, "title"),
                report_number=text(row, "report_number"),
                status=enum(row, spec, "status"),
                opened_at=when(row, "opened_at"),
                status_at=when(row, "status_at"),
                sources=src,
                keys=ctx.keys(key),
                **extras(row, spec),
            ),
        )
        if agency is not None:
            batch.rel(
                f"handled_by:{cid}:{agency.id}", "HANDLED_BY", cid, agency.id, {"sources": src}
            )
        ctx.register(key, Ref(cid, "case"))

    return each(rows, batch, reject, one)


def events(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["events.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["event_id"]
        eid = ctx.sid(key)
        src = ctx.sources(row)
        kind, kind_raw = open_enum(row, spec, "kind")
        case = ctx.ref(row, "case_id", {"case"}) if text(row, "case_id") else None
        batch.node(
            eid,
            ["Event"],
            given(
                kind=kind,
                kind_raw=kind_raw,
                at=when(row, "at"),
                place=text(row, "place"),
                outcome=enum(row, spec, "outcome"),
                sources=src,
                keys=ctx.keys(key),
                **extras(row, spec),
            ),
        )
        if case is not None:
            batch.rel(f"about:{eid}:{case.id}", "ABOUT", eid, case.id, {"sources": src})
        ctx.register(key, Ref(eid, "event"))

    return each(rows, batch, reject, one)


def relations(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["relations.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        raw_type = row["type"].strip().lower()
        if raw_type not in RELATION_TYPES:
            raise RowError(
                f"unknown relation type {row['type']!r}: expected one of "
                + ", ".join(sorted(RELATION_TYPES))
            )
        typ, from_kinds, to_kinds = RELATION_TYPES[raw_type]
        start = (
            ctx.ref_or_stored(row, "from_id", from_kinds)
            if raw_type == "member_of"
            else ctx.ref(row, "from_id", from_kinds)
        )
        if raw_type in ("investigates", "supervises") and row["from_id"] not in ctx.official_keys:
            raise RowError(
                f"{raw_type} needs an official: from_id={row['from_id']!r} holds no post "
                "in officials.csv"
            )
        end = ctx.ref(row, "to_id", to_kinds)
        detail = text(row, "detail")
        props: dict[str, object] = {}
        if raw_type == "member_of":
            role = (detail or "other").lower()
            if role not in MEMBER_ROLES:
                raise RowError(
                    f"wrong member_of role {detail!r}: expected one of "
                    + ", ".join(sorted(MEMBER_ROLES))
                )
            props["role"] = role
        elif raw_type == "family" and detail is not None:
            if detail.lower() not in FAMILY_DETAILS:
                raise RowError(
                    f"wrong family detail {detail!r}: expected one of "
                    + ", ".join(sorted(FAMILY_DETAILS))
                )
            props["detail"] = detail.lower()
        elif raw_type == "owner_of" and detail is not None:
            try:
                props["share"] = amount_to_float(parse_amount(detail.rstrip("% ")))
            except NormalizeError as exc:
                raise RowError(f"bad owner_of share {detail!r}: {exc}") from exc
            props["detail"] = detail
        elif detail is not None:
            props["detail"] = detail
        props.update(
            given(
                since=when(row, "since", date_only=True),
                until=when(row, "until", date_only=True),
                sources=ctx.sources(row),
                **extras(row, spec),
            )
        )
        n = ctx.occurrence(f"rel|{typ}|{row['from_id']}|{row['to_id']}")
        rid = f"{ctx.bundle}:{raw_type}:{row['from_id']}:{row['to_id']}:{n}"
        batch.rel(rid, typ, start.id, end.id, props)

    return each(rows, batch, reject, one)


def _row_digest(row: dict[str, str]) -> str:
    return _digest(*(f"{k}={v}" for k, v in sorted(row.items())))


class _Digests:
    """:func:`_row_digest` for many rows with the same columns, at a fraction of the cost.

    The text hashed is the same (``k=v`` in column order, joined by ``\\x1f``): one
    ``%`` template per column order, filled with the row's values.
    """

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], tuple[str, Callable[[dict[str, str]], Any]]] = {}

    def __call__(self, row: dict[str, str]) -> str:
        shape = tuple(row)
        known = self._shapes.get(shape)
        if known is None:
            columns = sorted(shape)
            template = "\x1f".join(c.replace("%", "%%") + "=%s" for c in columns)
            if len(columns) == 1:
                name = columns[0]
                known = (template, lambda r: (r[name],))
            else:
                known = (template, operator.itemgetter(*columns))
            self._shapes[shape] = known
        template, values = known
        return hashlib.sha1((template % values(row)).encode()).hexdigest()[:16]


class _Occurrences:
    """Occurrence numbers of identical rows without an id, across chunks (on disk)."""

    def __init__(self, ctx: LoadContext, rows: Rows) -> None:
        self.ctx = ctx
        # One digest per row, computed once: by line, as ``next`` gets the row.
        digest = _Digests()
        self.digests = {line: digest(r) for line, r in rows}
        self.counts = ctx.seen.counts(list(self.digests.values()))

    def next(self, line: int) -> tuple[str, int]:
        d = self.digests[line]
        return d, self.counts.get(d, 0)

    def taken(self, digest: str) -> None:
        self.counts[digest] = self.counts.get(digest, 0) + 1

    def save(self) -> None:
        self.ctx.seen.set_counts(self.counts)


_ACCOUNT = frozenset({"account"})


@functools.lru_cache(maxsize=65_536)  # a bank export repeats the same few amounts
def _amount(raw: str) -> tuple[float, bool]:
    """(the value as stored, whether it is > 0); raises as :func:`parse_amount`."""
    value = parse_amount(raw)
    return amount_to_float(value), value > 0


@functools.lru_cache(maxsize=1_024)
def _currency(raw: str) -> str:
    return parse_currency(raw or None)


def _has_extras(rows: Rows, spec: FileSpec) -> bool:
    """Whether the file has columns beyond the spec's (then :func:`extras` per row).

    Every row of a file has the header's columns as keys (``read_rows`` pads short
    rows), plus ``EXTRA_KEY`` on a row that is rejected before its extras are read:
    the first row answers for the chunk.
    """
    return bool(rows) and not (rows[0][1].keys() - {EXTRA_KEY} <= spec.known)


def _accept(
    rows: Rows, reject: Reject, fn: Callable[[int, dict[str, str]], RelRow], into: list[RelRow]
) -> int:
    """Like :func:`each`, for handlers that raise before any side effect and return
    their one relationship: no per-row batch to fill and move."""
    accepted = 0
    for line, row in rows:
        try:
            into.append(fn(line, row))
        except RowError as exc:
            reject(line, row, str(exc))
            continue
        accepted += 1
    return accepted


def _derived_transfer_id(digest: str, n: int) -> str:
    """The key of a transfer without ``transfer_id``: the row's digest and occurrence."""
    return f"tx:{digest}:{n}"


#: Every key :func:`_derived_transfer_id` makes, and no other.
_DERIVED_TRANSFER_ID = re.compile(r"tx:[0-9a-f]{16}:[0-9]+")


def transfers(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["transfers.csv"]
    # Only rows without an id need a digest (their id is derived from it).
    occ = _Occurrences(ctx, [(n, r) for n, r in rows if not r.get("transfer_id", "").strip()])
    ids_given = [r.get("transfer_id", "").strip() for _, r in rows]
    earlier = ctx.seen.seen_ids([g for g in ids_given if g])
    this_chunk: set[str] = set()
    refs = ctx.refs
    extra_columns = _has_extras(rows, spec)

    def one(line: int, row: dict[str, str]) -> RelRow:
        # Every check comes before any side effect (see _accept); the order of the
        # checks decides which reason a bad row gets.
        required(row, spec)
        src_acc = ctx.ref(row, "from_account", _ACCOUNT)
        dst_acc = ctx.ref(row, "to_account", _ACCOUNT)
        try:
            amount, positive = _amount(row["amount"])
            currency = _currency(row.get("currency", ""))
        except NormalizeError as exc:
            raise RowError(f"bad amount: {exc}") from exc
        if not positive:
            raise RowError(f"amount must be > 0, got {row['amount']!r}")
        at = when(row, "at")
        assert at is not None  # required
        props: dict[str, Any] = {"amount": amount, "currency": currency, "at": at}
        channel = enum(row, spec, "channel")
        if channel is not None:
            props["channel"] = channel
        tid = text(row, "transfer_id")
        reference = text(row, "reference")
        if reference is not None:
            props["reference"] = reference
        props["sources"] = ctx.sources(row)
        if extra_columns:
            props.update(extras(row, spec))
        if tid is None:
            # No id in the export: derive one from the row and its occurrence, so a rerun
            # finds it again and two identical rows stay two transfers.
            digest, n = occ.next(line)
            rid = ctx.sid(_derived_transfer_id(digest, n))
            occ.taken(digest)
        else:
            if tid in earlier or tid in this_chunk:
                raise RowError(f"duplicate transfer_id {tid!r}: already used in this file")
            if tid in refs:
                raise RowError(f"duplicate id {tid!r}: already used by a {refs[tid].kind}")
            this_chunk.add(tid)
            rid = ctx.sid(tid)
            if _DERIVED_TRANSFER_ID.fullmatch(tid):
                # Could be the id of a row without one: from this chunk on, the store
                # looks for each transfer before writing it (merging the two, as ever).
                ctx.unique_rels = False
        return {
            "id": rid,
            "type": "TRANSFERRED",
            "start": src_acc.id,
            "end": dst_acc.id,
            "props": props,
        }

    accepted = _accept(rows, reject, one, batch.rels)
    occ.save()
    ctx.seen.add_ids(sorted(this_chunk))
    return accepted


def calls(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["calls.csv"]
    occ = _Occurrences(ctx, rows)
    prefix = f"{ctx.bundle}:call:"
    phone = batch.phone
    extra_columns = _has_extras(rows, spec)

    def one(line: int, row: dict[str, str]) -> RelRow:
        # Every check comes before any side effect (see _accept).
        required(row, spec)
        try:
            start = normalize_phone(row["from_phone"])
        except NormalizeError as exc:
            raise RowError(f"bad from_phone: {exc}") from exc
        try:
            end = normalize_phone(row["to_phone"])
        except NormalizeError as exc:
            raise RowError(f"bad to_phone: {exc}") from exc
        at = when(row, "at")
        assert at is not None
        props: dict[str, Any] = {"at": at}
        duration = row.get("duration_s", "").strip()
        if duration:
            if not duration.isdigit():
                raise RowError(f"bad duration_s {duration!r}: expected whole seconds")
            props["duration_s"] = int(duration)
        props["kind"] = enum(row, spec, "kind") or "call"
        imei = _imei(row)
        for column in ("cell_id", "lac"):
            if value := text(row, column):
                props[column] = value
        props["sources"] = src = ctx.sources(row)
        if extra_columns:
            props.update(extras(row, spec))
        phone(start, src)
        phone(end, src)
        if imei is not None:
            props["imei"] = imei
            _handset(ctx, batch, start, imei, src)
        digest, n = occ.next(line)
        occ.taken(digest)
        return {
            "id": f"{prefix}{digest}:{n}",
            "type": "CALLED",
            "start": start,
            "end": end,
            "props": props,
        }

    accepted = _accept(rows, reject, one, batch.rels)
    occ.save()
    return accepted


def _imei(row: dict[str, str]) -> str | None:
    """The ``imei`` column as 15 digits (spaces, dashes and slashes dropped), or None.

    No check-digit test: operators often write the last digit as 0.
    """
    raw = row.get("imei", "").strip()
    if not raw:
        return None
    digits = "".join(c for c in raw if c not in " -/.")
    if len(digits) != 15 or not digits.isdigit():
        raise RowError(f"bad imei {raw!r}: expected 15 digits")
    return digits


def _handset(ctx: LoadContext, batch: Batch, phone: str, imei: str, src: list[str]) -> None:
    """The ``Handset`` of ``imei`` and the number's link to it, once per run.

    The link's id carries the bundle's prefix like the calls', so a chunk of calls
    that brings new links is still written without seeking ids (``unique_rels``).
    """
    hid = f"imei:{imei}"
    if ctx.occurrence(hid) == 0:
        batch.node(hid, ["Handset"], {"imei": imei, "sources": src})
    if ctx.occurrence(f"used_in|{phone}|{imei}") == 0:
        batch.rel(ctx.sid(f"handset:{phone}:{imei}"), "USED_IN", phone, hid, {"sources": src})
