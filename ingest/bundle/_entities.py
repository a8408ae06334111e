"""Row handlers for the entity files: sources, agencies, organizations, people, officials,
accounts, rings. Each takes a chunk of rows and fills a :class:`Batch`."""

from __future__ import annotations

from graph.normalize import (
    NormalizeError,
    check_nik,
    normalize_name,
    normalize_phone,
    split_multi,
)
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
from ingest.bundle._resolve import Resolver, account_number, bank_key
from ingest.bundle.spec import BY_NAME, FileSpec


def _phones(row: dict[str, str]) -> list[str]:
    out = []
    for raw in split_multi(row.get("phones", "")):
        try:
            out.append(normalize_phone(raw))
        except NormalizeError as exc:
            raise RowError(f"bad phone in phones: {exc}") from exc
    return out


def _uses(ctx: LoadContext, batch: Batch, holder: str, phones: list[str], src: list[str]) -> None:
    for number in phones:
        batch.phone(number, src)
        batch.rel(f"uses:{holder}:{number}", "USES", holder, number, {"sources": src})


def sources(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["sources.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["source_id"]
        sid = ctx.sid(key)
        props = given(
            kind=enum(row, spec, "kind"),
            title=text(row, "title"),
            date=when(row, "date", date_only=True),
            reliability=_grade(row, "reliability", "ABCDEF", "F"),
            credibility=_grade(row, "credibility", "123456", "6"),
            keys=ctx.keys(key),
            **extras(row, spec),
        )
        batch.node(sid, ["Source"], props)
        ctx.register(key, Ref(sid, "source"))

    return each(rows, batch, reject, one)


def _grade(row: dict[str, str], column: str, allowed: str, default: str) -> str:
    raw = row.get(column, "").strip().upper()
    if not raw:
        return default
    if len(raw) != 1 or raw not in allowed:
        raise RowError(f"wrong value {column}={raw!r}: expected one of {', '.join(allowed)}")
    return raw


def agencies(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["agencies.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["agency_id"]
        kind, kind_raw = open_enum(row, spec, "kind")
        src = ctx.sources(row)
        aid = ctx.sid(key)
        batch.node(
            aid,
            ["Agency"],
            given(
                name=row["name"],
                kind=kind,
                kind_raw=kind_raw,
                region=text(row, "region"),
                sources=src,
                keys=ctx.keys(key),
                **extras(row, spec),
            ),
        )
        ctx.register(key, Ref(aid, "agency"))
        parent = text(row, "parent_id")
        if parent and parent not in ctx.agency_keys:
            raise RowError(f"unknown reference parent_id={parent!r}: not in this bundle")
        if parent:
            # The parent may come later in the file: link once the whole file is read.
            def link(later: Batch, parent: str = parent) -> None:
                ref = ctx.refs.get(parent)
                if ref is None or ref.kind != "agency":
                    raise RowError(f"parent_id={parent!r}: that agency row was rejected")
                later.rel(f"part_of:{aid}:{ref.id}", "PART_OF", aid, ref.id, {"sources": src})

            ctx.deferred.append((line, row, link))

    return each(rows, batch, reject, one)


def organizations(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["organizations.csv"]
    resolver = Resolver(ctx)
    resolver.prefetch(
        [i for _, row in rows for i in _org_identifiers(row)],
        [ctx.sid(row.get("org_id", "")) for _, row in rows],
    )

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["org_id"]
        kind, kind_raw = open_enum(row, spec, "kind")
        phones = _phones(row)
        src = ctx.sources(row)
        props = given(
            name=row["name"],
            name_norm=normalize_name(row["name"]),
            kind=kind,
            kind_raw=kind_raw,
            license_no=text(row, "license_no"),
            npwp=_digits(row.get("npwp", "")) or None,
            address=text(row, "address"),
            sources=src,
            keys=ctx.keys(key),
            **extras(row, spec),
        )
        idents = _org_identifiers(row)
        oid = resolver.choose(ctx.sid(key), idents)
        ctx.register(key, Ref(oid, "organization"))
        batch.node(oid, ["Organization"], resolver.only_new(oid, ctx.sid(key), props))
        _uses(ctx, batch, oid, phones, src)
        resolver.claim(oid, idents)

    return each(rows, batch, reject, one)


def _digits(raw: str) -> str:
    return "".join(c for c in raw if c.isdigit())


def _org_identifiers(row: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    if npwp := _digits(row.get("npwp", "")):
        out.append(("npwp", npwp))
    if lic := row.get("license_no", "").strip():
        out.append(("license", lic))
    return out


def people(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["people.csv"]
    resolver = Resolver(ctx)
    resolver.prefetch(
        [i for _, row in rows for i in _person_identifiers(ctx, row)],
        [ctx.sid(row.get("person_id", "")) for _, row in rows],
    )

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["person_id"]
        nik = check_nik(row["nik"]) if row.get("nik", "").strip() else None
        phones = _phones(row)
        src = ctx.sources(row)
        props = given(
            name=row["name"],
            name_norm=normalize_name(row["name"]),
            aliases=split_multi(row.get("aliases", "")) or None,
            passport=passport_number(row.get("passport", "")) or None,
            birth_date=when(row, "birth_date", date_only=True),
            birth_place=text(row, "birth_place"),
            gender=enum(row, spec, "gender"),
            address=text(row, "address"),
            sources=src,
            keys=ctx.keys(key),
            **extras(row, spec),
        )
        if nik is not None and nik.valid:
            props["nik"] = nik.value
        elif nik is not None:  # kept raw and flagged, never used to match
            props["nik_raw"] = nik.raw
            props["nik_invalid"] = nik.reason
        idents = _person_identifiers(ctx, row)
        pid = resolver.choose(ctx.sid(key), idents)
        ctx.register(key, Ref(pid, "person"))
        batch.node(pid, ["Person"], resolver.only_new(pid, ctx.sid(key), props))
        _uses(ctx, batch, pid, phones, src)
        resolver.claim(pid, idents)

    return each(rows, batch, reject, one)


def _person_identifiers(ctx: LoadContext, row: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    raw = row.get("nik", "").strip()
    if raw:
        nik = check_nik(raw)
        if nik.valid and nik.value:
            out.append(("nik", nik.value))
    if passport := passport_number(row.get("passport", "")):
        out.append(("passport", passport))
    for number in ctx.official_numbers.get(row.get("person_id", ""), []):
        out.append(("idnum", number))
    return out


def passport_number(raw: str) -> str:
    """A passport number as compared: upper case, letters and digits only
    (``b 1234567`` = ``B1234567``)."""
    return "".join(c for c in raw.upper() if c.isalnum())


def officials(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["officials.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        person = ctx.ref(row, "person_id", {"person"})
        agency = ctx.ref(row, "agency_id", {"agency"})
        src = ctx.sources(row)
        number = _digits(row.get("id_number", "")) or None
        batch.node(
            person.id,
            ["Person", "Official"],
            given(id_numbers=[number] if number else None, sources=src),
        )
        n = ctx.occurrence(f"post|{person.id}|{agency.id}|{row.get('since', '')}")
        rid = f"{ctx.bundle}:post:{row['person_id']}:{row['agency_id']}:{row.get('since', '')}:{n}"
        batch.rel(
            rid,
            "HOLDS_POST",
            person.id,
            agency.id,
            given(
                id_number=number,
                rank=text(row, "rank"),
                position=text(row, "position"),
                since=when(row, "since", date_only=True),
                until=when(row, "until", date_only=True),
                sources=src,
                **extras(row, spec),
            ),
        )

    return each(rows, batch, reject, one)


def accounts(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["accounts.csv"]
    resolver = Resolver(ctx)
    resolver.prefetch(
        [_account_identifier(row) for _, row in rows if row.get("number", "").strip()],
        [ctx.sid(row.get("account_id", "")) for _, row in rows],
    )

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["account_id"]
        holder = (
            ctx.ref(row, "holder_id", {"person", "organization"})
            if text(row, "holder_id")
            else None
        )
        src = ctx.sources(row)
        props = given(
            bank=row["bank"].strip(),
            number=account_number(row["number"]),
            kind=enum(row, spec, "kind"),
            holder_name=text(row, "holder_name"),
            sources=src,
            keys=ctx.keys(key),
            **extras(row, spec),
        )
        idents = [_account_identifier(row)]
        aid = resolver.choose(ctx.sid(key), idents)
        ctx.register(key, Ref(aid, "account"))
        batch.node(aid, ["Account"], resolver.only_new(aid, ctx.sid(key), props))
        if holder is not None:
            batch.rel(f"holds:{holder.id}:{aid}", "HOLDS", holder.id, aid, {"sources": src})
        resolver.claim(aid, idents)

    return each(rows, batch, reject, one)


def _account_identifier(row: dict[str, str]) -> tuple[str, str]:
    return ("account", f"{bank_key(row.get('bank', ''))}|{account_number(row.get('number', ''))}")


def rings(ctx: LoadContext, rows: Rows, batch: Batch, reject: Reject) -> int:
    spec = BY_NAME["rings.csv"]

    def one(line: int, row: dict[str, str], batch: Batch) -> None:
        required(row, spec)
        key = row["ring_id"]
        rid = ctx.sid(key)
        batch.node(
            rid,
            ["Ring"],
            given(
                name=text(row, "name"),
                sources=ctx.sources(row),
                keys=ctx.keys(key),
                **extras(row, spec),
            ),
        )
        ctx.register(key, Ref(rid, "ring"))

    return each(rows, batch, reject, one)


def spec_of(name: str) -> FileSpec:
    return BY_NAME[name]
