"""``telusur mapping suggest FILE``: a first column mapping, read off a file's header.

The header row is found under any title rows; each column name (Indonesian or
English, compared lower-cased without punctuation) is matched against the names
exports use. A statement (debit/credit, or an amount with a direction column, and a
counterpart account) becomes a ``transfers`` statement layout, an A-number/B-number
record a ``calls`` cdr layout, anything else the bundle file with the most columns
recognised. What cannot be read off the file (the statement's own bank) is left as
``TODO`` for the user to fill in: the result is a draft to edit, checked by
:func:`ingest.bundle._mapping.read_mapping` like any other mapping once saved.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.errors import InputError
from graph.normalize import NormalizeError, header, read_rows, sniff_file
from ingest.bundle import _excel
from ingest.bundle.spec import BY_NAME

#: role -> the column names that mean it (normalised: lower case, words only)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "tanggal",
        "tgl",
        "tanggal transaksi",
        "tgl transaksi",
        "date",
        "transaction date",
        "posting date",
        "trx date",
        "tanggal waktu",
        "datetime",
        "timestamp",
        "waktu transaksi",
        "tanggal jam",
    ),
    "time": ("jam", "waktu", "time", "pukul", "jam transaksi"),
    "debit": ("debet", "debit", "mutasi debet", "mutasi debit", "withdrawal", "db", "keluar"),
    "credit": ("kredit", "credit", "mutasi kredit", "deposit", "cr", "masuk"),
    "amount": ("nominal", "jumlah", "amount", "nilai", "total", "jumlah transaksi"),
    "direction": (
        "tipe",
        "jenis transaksi",
        "arah",
        "type",
        "direction",
        "d k",
        "db cr",
        "call direction",
        "mo mt",
        "tipe transaksi",
    ),
    "counterpart_number": (
        "rekening lawan",
        "no rekening lawan",
        "nomor rekening lawan",
        "rekening tujuan",
        "no rek tujuan",
        "nomor rekening tujuan",
        "counterpart account",
        "beneficiary account",
        "nomor tujuan",
        "nomor",
        "no rekening",
        "account number",
        "nomor akun",
    ),
    "counterpart_bank": (
        "bank lawan",
        "bank tujuan",
        "counterpart bank",
        "beneficiary bank",
        "bank",
    ),
    "counterpart_name": (
        "nama lawan",
        "nama penerima",
        "nama pengirim",
        "beneficiary name",
        "counterpart name",
        "nama",
        "name",
    ),
    "reference": (
        "keterangan",
        "deskripsi",
        "uraian",
        "catatan",
        "description",
        "remarks",
        "note",
        "berita",
        "reference",
        "referensi",
    ),
    "currency": ("mata uang", "currency", "valuta", "ccy"),
    "a_number": (
        "nomor a",
        "a number",
        "anumber",
        "msisdn a",
        "calling number",
        "nomor pemanggil",
        "caller",
        "msisdn",
        "a party",
    ),
    "b_number": (
        "nomor b",
        "b number",
        "bnumber",
        "msisdn b",
        "called number",
        "nomor dihubungi",
        "callee",
        "lawan bicara",
        "b party",
        "nomor lawan",
    ),
    "kind": (
        "jenis",
        "jenis layanan",
        "layanan",
        "service",
        "call type",
        "event type",
        "tipe layanan",
    ),
    "duration_s": (
        "durasi",
        "durasi detik",
        "duration",
        "lama",
        "duration s",
        "lama detik",
        "duration sec",
    ),
    "imei": ("imei",),
    "lac": ("lac", "location area code"),
    "cell_id": ("ci", "cell id", "cellid", "cell", "bts id", "cgi"),
    # people, organisations and the rest: renames only
    "name": ("nama", "nama lengkap", "name", "full name"),
    "nik": ("nik", "no ktp", "nomor ktp", "nomor induk kependudukan"),
    "passport": ("paspor", "no paspor", "nomor paspor", "passport", "passport no"),
    "birth_date": ("tanggal lahir", "tgl lahir", "date of birth", "dob", "birth date"),
    "birth_place": ("tempat lahir", "place of birth", "birth place"),
    "gender": ("jenis kelamin", "gender", "sex", "l p"),
    "address": ("alamat", "address", "domisili"),
    "phones": ("telepon", "no hp", "nomor hp", "no telepon", "phone", "telp", "hp"),
    "aliases": ("alias", "nama alias", "aliases", "aka"),
}
_OUT_WORDS = {
    "keluar",
    "debit",
    "debet",
    "db",
    "d",
    "mo",
    "out",
    "outgoing",
    "kirim",
    "sent",
    "transfer keluar",
    "panggilan keluar",
}
_IN_WORDS = {
    "masuk",
    "kredit",
    "credit",
    "cr",
    "k",
    "mt",
    "in",
    "incoming",
    "terima",
    "received",
    "transfer masuk",
    "panggilan masuk",
}
_KIND_WORDS = {
    "voice": "call",
    "suara": "call",
    "call": "call",
    "panggilan": "call",
    "telepon": "call",
    "sms": "sms",
    "pesan": "sms",
    "chat": "chat",
    "data": "chat",
}
_SAMPLE_ROWS = 500


def _norm(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


@dataclass
class _Table:
    titles: list[str]
    header: list[str]
    rows: list[list[str]]
    sheet: str | None


def _read(path: Path) -> _Table:
    if _excel.is_workbook(path):
        sheet = _excel.sheet_names(path)[0]
        rows = list(itertools.islice(_excel.sheet_rows(path, sheet), _SAMPLE_ROWS))
    else:
        sheet = None
        try:
            sniff = sniff_file(path)
            rows = [(1, header(path, sniff))] + [
                (n, list(r.values()))
                for n, r in itertools.islice(read_rows(path, sniff), _SAMPLE_ROWS)
            ]
        except NormalizeError as exc:
            raise InputError(f"{path.name}: {exc}") from exc
    at = _excel.find_header(rows, ())
    if at is None:
        raise InputError(f"{path.name}: no header row found (no row with two or more cells)")
    titles = [" ".join(c for c in cells if c) for _, cells in rows[:at]]
    return _Table(titles, rows[at][1], [cells for _, cells in rows[at + 1 :]], sheet)


def _roles(head: Sequence[str]) -> dict[str, str]:
    """role -> column, each column given to the first role whose names hold it (the
    roles in SYNONYMS order), each role to its best (exact) column."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for role, names in SYNONYMS.items():
        for name in names:
            hit = next((h for h in head if h not in taken and _norm(h) == name), None)
            if hit is not None:
                out[role] = hit
                taken.add(hit)
                break
    return out


def _values(table: _Table, column: str) -> list[str]:
    i = table.header.index(column)
    seen = dict.fromkeys(r[i].strip() for r in table.rows if i < len(r) and r[i].strip())
    return list(seen)


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number_in_titles(titles: list[str], words: tuple[str, ...]) -> str | None:
    for t in titles:
        if any(w in t.lower() for w in words):
            m = re.search(r"[0-9][0-9 .\-]{5,}[0-9]", t)
            if m:
                return m.group(0)
    return None


def suggest(path: Path) -> str:
    """A draft mapping (YAML text with comments) for the file at ``path``."""
    t = _read(path)
    roles = _roles(t.header)
    match = path.name
    lines = [
        "# Draft mapping made by `telusur mapping suggest`: check every line, fill in",
        "# the TODOs, then `telusur ingest FOLDER --mapping THIS_FILE`.",
        f"# Header found: {' | '.join(h for h in t.header if h)}",
        "version: 1",
        "files:",
        f"  - match: {_q(match)}",
    ]
    if t.sheet is not None:
        lines.append(f"    sheet: {_q(t.sheet)}")
    used: set[str] = set()

    def at_column() -> None:
        date, time = roles.get("date"), roles.get("time")
        if date and time:
            lines.append(f"      at: [{_q(date)}, {_q(time)}]")
        elif date or time:
            lines.append(f"      at: {_q(date or time or '')}")
        else:
            lines.append("      # TODO at: the date (and time) column(s)")
        used.update(c for c in (date, time) if c)

    def directions(column: str, default_out: str, default_in: str) -> list[str]:
        vals = _values(t, column)
        out = [v for v in vals if v.lower() in _OUT_WORDS]
        inc = [v for v in vals if v.lower() in _IN_WORDS]
        rest = [v for v in vals if v not in out and v not in inc]
        todo = "  # TODO: not seen in the file, check"
        text = [
            f"      outgoing: [{', '.join(map(_q, out or [default_out]))}]" + ("" if out else todo),
            f"      incoming: [{', '.join(map(_q, inc or [default_in]))}]" + ("" if inc else todo),
        ]
        if rest:
            text.append(f"      # TODO other values seen: {', '.join(rest[:10])}")
        return text

    if "a_number" in roles and "b_number" in roles:
        lines += [
            "    kind: calls",
            "    cdr:",
            f"      a_number: {_q(roles['a_number'])}",
            f"      b_number: {_q(roles['b_number'])}",
        ]
        used.update((roles["a_number"], roles["b_number"]))
        if "direction" in roles:
            lines.append(f"      direction: {_q(roles['direction'])}")
            lines += directions(roles["direction"], "MO", "MT")
            used.add(roles["direction"])
        else:
            lines += [
                "      direction: TODO  # the column saying outgoing (MO) or incoming (MT)",
                "      outgoing: [MO]",
                "      incoming: [MT]",
            ]
        lines.append("    columns:")
        at_column()
        for role in ("kind", "duration_s", "imei", "lac", "cell_id"):
            if role in roles:
                lines.append(f"      {role}: {_q(roles[role])}")
                used.add(roles[role])
        if "kind" in roles:
            pairs = {
                v: _KIND_WORDS[v.lower()]
                for v in _values(t, roles["kind"])
                if v.lower() in _KIND_WORDS
            }
            if pairs:
                inner = ", ".join(f"{_q(k)}: {v}" for k, v in pairs.items())
                lines += ["    values:", f"      kind: {{{inner}}}"]
    elif "counterpart_number" in roles and (
        "debit" in roles or "credit" in roles or "amount" in roles
    ):
        number = _number_in_titles(t.titles, ("rekening", "account", "akun", "no.")) or "TODO"
        lines += [
            "    kind: transfers",
            "    statement:",
            "      account:  # the statement's own",
            "        bank: TODO",
            f"        number: {_q(number)}",
            "        holder_name: TODO",
            "        kind: bank  # or ewallet",
        ]
        if "debit" in roles or "credit" in roles:
            for role in ("debit", "credit"):
                if role in roles:
                    lines.append(f"      {role}: {_q(roles[role])}")
                    used.add(roles[role])
        else:
            lines.append(f"      amount: {_q(roles['amount'])}")
            used.add(roles["amount"])
            if "direction" in roles:
                lines.append(f"      direction: {_q(roles['direction'])}")
                lines += directions(roles["direction"], "Keluar", "Masuk")
                used.add(roles["direction"])
            else:
                lines += [
                    "      direction: TODO  # the column saying in or out",
                    "      outgoing: [Keluar]",
                    "      incoming: [Masuk]",
                ]
        lines.append("      counterpart:")
        for role, key in (
            ("counterpart_number", "number"),
            ("counterpart_bank", "bank"),
            ("counterpart_name", "holder_name"),
        ):
            if role in roles:
                lines.append(f"        {key}: {_q(roles[role])}")
                used.add(roles[role])
        lines.append("    columns:")
        at_column()
        for role in ("reference", "currency"):
            if role in roles:
                lines.append(f"      {role}: {_q(roles[role])}")
                used.add(roles[role])
        if "currency" not in roles:
            lines += ["    constants:", "      currency: IDR"]
    else:
        kind, renames = _best_kind(t.header)
        lines += [f"    kind: {kind.removesuffix('.csv')}", "    columns:"]
        for target, column in renames.items():
            lines.append(f"      {target}: {_q(column)}")
            used.add(column)
        if not renames:
            lines.append("      # TODO bundle column: file column")
    lines = [
        line
        for i, line in enumerate(lines)  # a section left with comments only is dropped
        if line != "    columns:"
        or (
            i + 1 < len(lines)
            and lines[i + 1].startswith("      ")
            and not lines[i + 1].lstrip().startswith("#")
        )
    ]
    rest = [h for h in t.header if h and h not in used]
    if rest:
        lines.append(f"# columns not mapped (not loaded): {', '.join(rest)}")
    return "\n".join(lines) + "\n"


def _best_kind(head: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The bundle file whose columns the header names most (by synonym or as is)."""
    best: tuple[int, str, dict[str, str]] = (-1, "people.csv", {})
    for name, spec in BY_NAME.items():
        renames: dict[str, str] = {}
        for col in spec.columns:
            names = (_norm(col), *SYNONYMS.get(col, ()))
            hit = next((h for h in head if h not in renames.values() and _norm(h) in names), None)
            if hit is not None:
                renames[col] = hit
        score = len(renames) + 2 * sum(1 for c in spec.required if c in renames)
        if score > best[0]:
            best = (score, name, renames)
    return best[1], best[2]
