"""Words of the investigator pages: Bahasa Indonesia first, English on request."""

from __future__ import annotations

from typing import Final

WORDS: Final[dict[str, tuple[str, str]]] = {
    # key: (Bahasa Indonesia, English)
    "app": ("Telusur", "Telusur"),
    "tagline": ("Penelusuran beking jaringan TPPO", "Tracing the backing of trafficking rings"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "user": ("Nama pengguna", "User name"),
    "password": ("Kata sandi", "Password"),
    "login_failed": ("Nama pengguna atau kata sandi salah.", "Wrong user name or password."),
    "too_many": ("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try later."),
    "slow_down": (
        "Terlalu banyak permintaan. Coba lagi sebentar lagi.",
        "Too many requests. Try again shortly.",
    ),
    "forbidden": (
        "Peran Anda tidak dapat membuka halaman ini.",
        "Your role cannot open this page.",
    ),
    "admin": ("Administrasi", "Administration"),
    "service": ("Layanan", "Service"),
    "store": ("Basis data", "Database"),
    "ready": ("siap", "ready"),
    "not_ready": ("belum siap", "not ready"),
    "warmup": ("Penyiapan hasil analisis", "Warm-up of the analysis results"),
    "admin_tasks": ("Tugas admin", "Admin tasks"),
    "admin_users": ("Pengguna", "Users"),
    "admin_ingest": ("Memuat bundel data", "Loading data bundles"),
    "admin_audit": ("Jejak audit", "Audit trail"),
    "admin_note": (
        "Admin mengelola layanan dan tidak membaca data penyelidikan.",
        "Admins run the service and do not read investigation data.",
    ),
    "search": ("Cari", "Search"),
    "search_hint": (
        "Nama, NIK, NRP/NIP, nomor telepon atau nomor rekening",
        "Name, NIK, NRP/NIP, phone number or account number",
    ),
    "no_results": ("Tidak ada hasil.", "No results."),
    "rings": ("Jaringan", "Rings"),
    "ring": ("Jaringan", "Ring"),
    "members": ("Anggota", "Members"),
    "propam": ("Propam", "Propam"),
    "properties": ("Data", "Properties"),
    "sources": ("Sumber", "Sources"),
    "grade": ("Nilai", "Grade"),
    "timeline": ("Kronologi", "Timeline"),
    "graph": ("Graf", "Graph"),
    "open_graph": ("Buka graf di tab baru", "Open the graph in a new tab"),
    "protectors": ("Dugaan pembeking", "Suspected protectors"),
    "rank": ("Peringkat", "Rank"),
    "official": ("Pejabat", "Official"),
    "agency": ("Instansi", "Agency"),
    "score": ("Skor", "Score"),
    "evidence": ("Bukti terkuat", "Strongest evidence"),
    "indicators": ("Indikator", "Indicators"),
    "no_protectors": ("Tidak ada pejabat dengan indikasi.", "No official shows any indicator."),
    "flags": ("Tanda Propam", "Propam flags"),
    "new_flag": ("Tanda baru", "New flag"),
    "official_id": ("ID pejabat", "Official id"),
    "reason": ("Alasan", "Reason"),
    "status": ("Status", "Status"),
    "created": ("Dibuat", "Created"),
    "by": ("oleh", "by"),
    "save": ("Simpan", "Save"),
    "change_status": ("Ubah status", "Change status"),
    "links": ("Keterkaitan pejabat", "Official's links"),
    "money_trail": ("Aliran dana ke pejabat", "Money trail to officials"),
    "not_found": ("Tidak ditemukan.", "Not found."),
    "store_down": (
        "Basis data tidak dapat dijangkau. Coba lagi sebentar lagi.",
        "The database cannot be reached. Try again shortly.",
    ),
    "error": ("Terjadi kesalahan.", "Something went wrong."),
    "when": ("Waktu", "When"),
    "what": ("Kejadian", "What"),
    "detail": ("Rincian", "Detail"),
    "language": ("English", "Bahasa Indonesia"),
    "first_click": (
        "Mulai dari daftar jaringan, lalu buka jaringan untuk melihat dugaan pembekingnya.",
        "Start from the ring list, then open a ring to see its suspected protectors.",
    ),
    "open": ("terbuka", "open"),
    "under_review": ("sedang diperiksa", "under review"),
    "substantiated": ("terbukti", "substantiated"),
    "cleared": ("tidak terbukti", "cleared"),
}


def translator(lang: str) -> dict[str, str]:
    """``key -> text`` in ``lang`` (``id`` or ``en``)."""
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in WORDS.items()}
