"""Words of the problem answers: Bahasa Indonesia first, English on request.

Every ``application/problem+json`` answer is worded in Bahasa Indonesia unless the
request asks for English (``?lang=en``, or an ``Accept-Language`` that prefers English:
:func:`graph_api.web.problems.language`), as ``/readyz`` and the investigator pages are.
The service's own titles and details are written in English in the code (where tests
and logs read them) and translated here when the answer is made: titles all, details
by exact text or by one of the patterns below. A detail that quotes something else (a
message of Neo4j or of the query layer, a field name) is kept as it came.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

#: title in English -> Bahasa Indonesia
TITLES: Final[dict[str, str]] = {
    "not found": "tidak ditemukan",
    "unauthorized": "tidak berwenang",
    "forbidden": "tidak diizinkan",
    "too many requests": "terlalu banyak permintaan",
    "internal error": "kesalahan internal",
    "store unavailable": "penyimpanan tidak tersedia",
    "audit unavailable": "jejak audit tidak tersedia",
    "unusable input": "masukan tidak dapat dipakai",
    "bad query": "kueri tidak valid",
    "does not fit the graph model": "tidak sesuai dengan model graf",
    "server misconfigured": "konfigurasi server salah",
    "invalid request": "permintaan tidak valid",
    "method not allowed": "metode tidak diizinkan",
    "payload too large": "unggahan terlalu besar",
    "query too expensive": "kueri terlalu berat",
    "query refused": "kueri ditolak",
    "not implemented": "tidak tersedia",
    "service not ready": "layanan belum siap",
    "bad request": "permintaan tidak sah",
    "error": "kesalahan",
}

#: detail in English -> Bahasa Indonesia
DETAILS: Final[dict[str, str]] = {
    "no such resource": "sumber daya ini tidak ada",
    "no such file": "berkas ini tidak ada",
    "slow down": "kirim permintaan lebih pelan",
    "response withheld": "jawaban ditahan",
    "see errors": "lihat daftar errors",
    "the error was logged": "kesalahan sudah dicatat",
    "the graph store cannot be reached; retry shortly":
        "penyimpanan graf tidak dapat dihubungi; coba lagi sebentar lagi",
    "a bearer token is required (POST /api/v1/auth/token)":
        "diperlukan token bearer (POST /api/v1/auth/token)",
    "the token is invalid or expired": "token tidak sah atau sudah kedaluwarsa",
    "too many sign-in attempts": "terlalu banyak percobaan masuk",
    "wrong user name or password": "nama pengguna atau kata sandi salah",
    "the console is read-only": "konsol ini hanya untuk membaca",
    "exceeded the memory limit": "melampaui batas memori",
    "the Cypher console needs a Neo4j store; this service runs on the embedded store":
        "konsol Cypher memerlukan penyimpanan Neo4j; layanan ini memakai penyimpanan tertanam",
    "bundle names are a-z 0-9 _ - (max 40)": "nama bundel: a-z 0-9 _ - (paling banyak 40)",
    "the upload is not a zip file": "unggahan bukan berkas zip",
    "encrypted zips are refused": "zip terenkripsi ditolak",
    "the zip holds more data than it declares":
        "zip berisi lebih banyak data daripada yang dinyatakan",
    "control characters in the URL": "URL berisi karakter kendali",
    "no response": "tidak ada jawaban",
    "the request was not recorded": "permintaan tidak tercatat di jejak audit",
    "Not Found": "tidak ditemukan",
    "Method Not Allowed": "metode tidak diizinkan",
}

#: things named in details ("no such entity", "no ring 'x'")
THINGS: Final[dict[str, str]] = {
    "entity": "entitas",
    "ring": "jaringan",
    "flag": "tanda",
    "official": "pejabat",
    "user": "pengguna",
    "resource": "sumber daya",
    "file": "berkas",
    "case": "kasus",
}

_Sub = Callable[[re.Match[str]], str]


def _thing(m: re.Match[str]) -> str:
    return THINGS.get(m[1], m[1])


#: details with values in them: pattern -> Bahasa Indonesia
PATTERNS: Final[list[tuple[re.Pattern[str], _Sub]]] = [
    (re.compile(r"no such (\w+)"), lambda m: f"{_thing(m)} ini tidak ada"),
    (re.compile(r"no (\w+) ('.*')", re.S), lambda m: f"tidak ada {_thing(m)} {m[2]}"),
    (re.compile(r"the (\w+) role cannot use this"),
     lambda m: f"peran {m[1]} tidak boleh memakai ini"),
    (re.compile(r"the limit is (\d+) bytes"), lambda m: f"batasnya {m[1]} bita"),
    (re.compile(r"at most (\d+) parameters"), lambda m: f"paling banyak {m[1]} parameter"),
    (re.compile(r"stopped after the (\S+) s limit"),
     lambda m: f"dihentikan setelah batas {m[1]} detik"),
    (re.compile(r"the zip has more than (\d+) members"),
     lambda m: f"zip berisi lebih dari {m[1]} anggota"),
    (re.compile(r"the zip would unpack to more than (\d+) bytes"),
     lambda m: f"isi zip akan lebih dari {m[1]} bita"),
]


def title(text: str, lang: str) -> str:
    """A problem title in ``lang`` (``id`` or ``en``)."""
    return text if lang == "en" else TITLES.get(text, text)


def detail(text: str, lang: str) -> str:
    """A problem detail in ``lang``: translated when it is one of the service's own."""
    if lang == "en" or not text:
        return text
    if text in DETAILS:
        return DETAILS[text]
    for pattern, sub in PATTERNS:
        m = pattern.fullmatch(text)
        if m is not None:
            return sub(m)
    return text
