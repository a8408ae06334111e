"""Excel workbooks for tests, samples and benchmarks: a small ``.xlsx`` writer and the
three sample exports of ``examples/mappings`` with their equivalent CSV bundle.

The writer needs no third-party package: a workbook is a zip of XML parts; rows are
streamed into the sheet part, so a 200,000-row sheet costs no more memory than one
row. Cells: ``str`` (inline strings), ``int``/``float``, ``datetime.date``,
``datetime.datetime`` and ``datetime.time`` (real Excel date cells, as an export
writes them), ``None`` (an empty cell). The zip entries carry a fixed date, so the
same rows give the same bytes (the shipped samples do not change on regeneration).

The samples (``write_samples``) are what units hand over, in miniature:

- ``mutasi_bri.xlsx``: a BRI account statement ("mutasi rekening") with title rows
  above the header, a date cell and a text time, separate debit and credit columns,
  the counterpart's account and bank;
- ``dana_riwayat.xlsx``: an e-wallet history with text timestamps, one amount column
  (``Rp 150.000``) and a Masuk/Keluar column;
- ``cdr_telkomsel.xlsx``: an operator's call detail record of one number (A-number),
  B-number, MO/MT direction, Voice/SMS, duration, IMEI, LAC and cell id.

``equivalent_bundle`` writes the CSV bundle the three mappings turn them into.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

Cell = str | int | float | dt.date | dt.time | None

_EPOCH = dt.datetime(1899, 12, 30)
_FIXED = (2024, 1, 1, 0, 0, 0)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# style index -> number format: 1 date (14), 2 date and time (22), 3 time (21)
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass
class Sheet:
    """One sheet: optional title rows, a header row, then the rows."""

    name: str
    rows: Iterable[Sequence[Cell]]
    header: Sequence[str] = ()
    title: Sequence[str] = field(default_factory=tuple)


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - _EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, dt.time):
        secs = value.hour * 3600 + value.minute * 60 + value.second
        return f'<c r="{ref}" s="3"><v>{secs / 86400!r}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _entry(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _FIXED)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` as an ``.xlsx`` workbook at ``path``."""
    with zipfile.ZipFile(path, "w") as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr(
            _entry(zf, "[Content_Types].xml"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
        )
        zf.writestr(
            _entry(zf, "_rels/.rels"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
            f' Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_list = "".join(
            f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, 1)
        )
        zf.writestr(
            _entry(zf, "xl/workbook.xml"),
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" '
            f'xmlns:r="{_REL}"><sheets>{sheet_list}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        n = len(sheets) + 1
        zf.writestr(
            _entry(zf, "xl/_rels/workbook.xml.rels"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            f'http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            f'<Relationship Id="rId{n}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        zf.writestr(_entry(zf, "xl/styles.xml"), _STYLES)
        for i, sheet in enumerate(sheets, 1):
            with zf.open(_entry(zf, f"xl/worksheets/sheet{i}.xml"), "w") as fh:
                fh.write(
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet xmlns="{_NS}"><sheetData>'.encode()
                )
                r = 0
                rows: list[Iterable[Sequence[Cell]]] = [[[t] for t in sheet.title]]
                if sheet.title:
                    rows.append([[]])
                if sheet.header:
                    rows.append([list(sheet.header)])
                rows.append(sheet.rows)
                for part in rows:
                    for row in part:
                        r += 1
                        cells = "".join(_cell(f"{_col(j)}{r}", v) for j, v in enumerate(row))
                        fh.write(f'<row r="{r}">{cells}</row>'.encode())
                fh.write(b"</sheetData></worksheet>")
    return path


# -- the samples ----------------------------------------------------------------------

OWN_BRI = ("BRI", "0123-01-000456-50-7", "SITI AMINAH")
OWN_DANA = ("DANA", "081234560001", "SITI AMINAH")
TARGET_MSISDN = "6281234560001"
_NAMES = [
    "BUDI SANTOSO",
    "PT SINAR JAYA ABADI",
    "SUHARTO",
    "RINA WULANDARI",
    "AGUS SALIM",
    "CV MITRA KERJA",
    "DEWI LESTARI",
    "HENDRA GUNAWAN",
]
_PREFIXES = ["812", "813", "821", "852", "857", "878"]
_BANKS = ["BRI", "BCA", "MANDIRI", "BNI"]


def _account_key(bank: str, number: str) -> str:
    """The bundle key a mapping gives an account: ``<bank>:<digits of the number>``."""
    return f"{bank.strip().upper()}:{''.join(c for c in number if c.isalnum())}"


@dataclass
class Samples:
    """What ``write_samples`` wrote: file names and the rows they hold."""

    accounts: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    transfers: list[dict[str, str]] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)


def _add_account(s: Samples, bank: str, number: str, name: str, kind: str) -> str:
    key = _account_key(bank, number)
    s.accounts.setdefault(key, (bank, number, name, kind))
    return key


def write_samples(folder: Path, *, seed: int = 19, rows: int = 40) -> Samples:
    """Write the three sample workbooks into ``folder``; return the rows they hold."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    s = Samples()
    start = dt.datetime(2023, 3, 1, 8, 0)
    partners = [(rng.choice(_BANKS), f"{rng.randrange(10**9, 10**10)}", n) for n in _NAMES]

    # BRI statement: Tanggal (date cell), Jam (text), Keterangan, Rekening Lawan,
    # Bank Lawan, Nama Lawan, Debet, Kredit, Saldo
    own = _add_account(s, *OWN_BRI, "bank")
    bri: list[list[Cell]] = []
    balance = 25_000_000
    at = start
    for i in range(rows):
        at += dt.timedelta(hours=rng.randrange(3, 40), minutes=rng.randrange(60))
        bank, number, name = rng.choice(partners)
        other = _add_account(s, bank, number, name, "bank")
        amount = rng.randrange(1, 200) * 50_000
        out = rng.random() < 0.5
        balance += -amount if out else amount
        note = f"TRSF {'KE' if out else 'DARI'} {name} {i:04d}"
        bri.append(
            [
                at.date(),
                at.strftime("%H:%M"),
                note,
                number,
                bank,
                name,
                amount if out else None,
                None if out else amount,
                balance,
            ]
        )
        s.transfers.append(
            {
                "from_account": own if out else other,
                "to_account": other if out else own,
                "amount": str(amount),
                "at": f"{at.date().isoformat()} {at.strftime('%H:%M')}",
                "reference": note,
                "currency": "IDR",
                "channel": "transfer",
            }
        )
    write_xlsx(
        folder / "mutasi_bri.xlsx",
        [
            Sheet(
                "Mutasi",
                bri,
                header=[
                    "Tanggal",
                    "Jam",
                    "Keterangan",
                    "Rekening Lawan",
                    "Bank Lawan",
                    "Nama Lawan",
                    "Debet",
                    "Kredit",
                    "Saldo",
                ],
                title=["MUTASI REKENING", f"No. Rekening : {OWN_BRI[1]}", f"Nama : {OWN_BRI[2]}"],
            )
        ],
    )

    # DANA history: Waktu (text dd/mm/yyyy hh:mm), Tipe, Nominal (text), Nomor, Nama, Catatan
    own = _add_account(s, *OWN_DANA, "ewallet")
    dana: list[list[Cell]] = []
    for i in range(rows):
        at += dt.timedelta(hours=rng.randrange(1, 20), minutes=rng.randrange(60))
        name = rng.choice(_NAMES)
        number = f"08{rng.randrange(10**9, 10**10)}"
        other = _add_account(s, "DANA", number, name, "ewallet")
        amount = rng.randrange(1, 60) * 25_000
        out = rng.random() < 0.6
        when = at.strftime("%d/%m/%Y %H:%M")
        shown = f"Rp {amount:,}".replace(",", ".")
        note = f"Kirim uang {i:04d}" if out else f"Terima uang {i:04d}"
        dana.append([when, "Keluar" if out else "Masuk", shown, number, name, note])
        s.transfers.append(
            {
                "from_account": own if out else other,
                "to_account": other if out else own,
                "amount": shown,
                "at": when,
                "reference": note,
                "currency": "IDR",
                "channel": "ewallet",
            }
        )
    write_xlsx(
        folder / "dana_riwayat.xlsx",
        [
            Sheet(
                "Riwayat Transaksi",
                dana,
                header=["Waktu", "Tipe", "Nominal", "Nomor", "Nama", "Catatan"],
                title=[f"Riwayat Transaksi DANA {OWN_DANA[1]}"],
            )
        ],
    )

    # CDR: No, Tanggal (date cell), Waktu (time cell), Nomor A, Nomor B, Arah, Jenis,
    # Durasi, IMEI, LAC, CI
    cdr: list[list[Cell]] = []
    contacts = [f"62{rng.choice(_PREFIXES)}{rng.randrange(10**7, 10**8)}" for _ in range(8)]
    imeis = ["356938035643809", "490154203237518"]
    for i in range(rows):
        at += dt.timedelta(minutes=rng.randrange(5, 600))
        b = rng.choice(contacts)
        mo = rng.random() < 0.55
        voice = rng.random() < 0.7
        duration = rng.randrange(5, 900) if voice else 0
        imei, lac, ci = (
            rng.choice(imeis),
            str(rng.choice([10211, 10212])),
            str(rng.randrange(20000, 20010)),
        )
        moment = dt.time(at.hour, at.minute, at.second)
        cdr.append(
            [
                i + 1,
                at.date(),
                moment,
                TARGET_MSISDN,
                b,
                "MO" if mo else "MT",
                "Voice" if voice else "SMS",
                duration,
                imei,
                lac,
                ci,
            ]
        )
        row = {
            "from_phone": TARGET_MSISDN if mo else b,
            "to_phone": b if mo else TARGET_MSISDN,
            "at": f"{at.date().isoformat()} {moment.isoformat()}",
            "kind": "call" if voice else "sms",
            "duration_s": str(duration),
            "imei": imei if mo else "",
            "lac": lac if mo else "",
            "cell_id": ci if mo else "",
        }
        s.calls.append(row)
    write_xlsx(
        folder / "cdr_telkomsel.xlsx",
        [
            Sheet(
                "CDR",
                cdr,
                header=[
                    "No",
                    "Tanggal",
                    "Waktu",
                    "Nomor A",
                    "Nomor B",
                    "Arah",
                    "Jenis",
                    "Durasi (detik)",
                    "IMEI",
                    "LAC",
                    "CI",
                ],
                title=[
                    "DATA CDR",
                    f"MSISDN : {TARGET_MSISDN}",
                    "Periode : 01/03/2023 - 31/05/2023",
                ],
            )
        ],
    )
    return s


def equivalent_bundle(folder: Path, samples: Samples) -> Path:
    """Write the CSV bundle the shipped mappings make of the samples."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "accounts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["account_id", "bank", "number", "holder_name", "kind"])
        for key, (bank, number, name, kind) in samples.accounts.items():
            w.writerow([key, bank, number, name, kind])
    for name, rows in (("transfers.csv", samples.transfers), ("calls.csv", samples.calls)):
        columns = sorted({c for r in rows for c in r})
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            dw = csv.DictWriter(fh, columns)
            dw.writeheader()
            dw.writerows(rows)
    return folder


if __name__ == "__main__":  # regenerate the shipped samples: python -m ingest.synth._workbooks
    import sys

    write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/mappings"))
