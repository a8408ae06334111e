"""sources.csv: where each row of the bundle came from, with Admiralty grades."""

from __future__ import annotations

from ._world import World

# (kind, title, reliability, credibility); empty grades mean "not graded".
_SOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("bap", "BAP saksi korban PMI non-prosedural", "B", "2"),
    ("bap", "BAP tersangka perkara TPPO", "B", "3"),
    ("bap", "BAP saksi keluarga korban", "", ""),
    ("bank_statement", "Rekening koran BRI (permintaan penyidik)", "A", "1"),
    ("bank_statement", "Rekening koran Bank Mandiri dan BNI", "A", "1"),
    ("bank_statement", "Rekening koran BCA, Bank Jatim, BSI, BTN", "A", "1"),
    ("bank_statement", "Mutasi dompet digital (DANA, OVO, GoPay)", "B", "2"),
    ("ppatk_report", "LHA PPATK atas jaringan penempatan PMI", "A", "2"),
    ("ppatk_report", "Hasil Analisis PPATK transaksi tunai", "A", ""),
    ("cdr", "CDR Telkomsel", "A", "1"),
    ("cdr", "CDR Indosat Ooredoo", "A", "1"),
    ("cdr", "CDR XL Axiata", "A", "1"),
    ("cdr", "CDR operator lain (Tri, Smartfren)", "B", "1"),
    ("case_register", "Register perkara Ditreskrimum Polda Jatim", "A", "1"),
    ("case_register", "Register perkara Polres se-Jawa Timur", "A", "2"),
    ("roster", "Daftar susunan personel Polda Jatim", "A", "1"),
    ("roster", "Daftar pejabat Imigrasi, Disnaker, BP3MI dan desa", "B", "1"),
    ("osint", "Media sosial dan berita daring", "D", "4"),
    ("osint", "Data AHU badan usaha dan SIP3MI", "B", "2"),
    ("informant", "Informan A (mantan calo)", "C", "3"),
    ("informant", "Informan B", "E", ""),
    ("seizure", "Barang bukti sitaan penggerebekan", "A", "1"),
)
_OPERATORS = ("telkomsel", "indosat", "xl", "other")


def build_sources(world: World) -> None:
    """Fill ``world.sources`` with the fixed source list under random ids."""
    rng = world.rng
    src = world.sources
    cdr_seen = 0
    for kind, title, reliability, credibility in _SOURCES:
        sid = world.ids.new("S", 4)
        year = rng.choice((2023, 2024))
        src.rows.append(
            [
                sid,
                kind,
                title,
                f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                reliability,
                credibility,
            ]
        )
        src.by_kind.setdefault(kind, []).append(sid)
        if kind == "cdr":
            src.cdr_by_operator[_OPERATORS[cdr_seen]] = sid
            cdr_seen += 1
