"""Word lists: Javanese/Indonesian names, titles, banks, phone prefixes.

The lists are deliberately short so that common names repeat across unrelated
people: name similarity alone must never be enough to link two records. Every
string here is Windows-1252 encodable (``André`` is the one non-ASCII name).
"""

from __future__ import annotations

MALE_GIVEN = (
    "Agus", "Agus", "Ahmad", "Andi", "Arif", "Bambang", "Budi", "Budi", "Dedi", "Didik",
    "Dwi", "Eko", "Eko", "Fajar", "Hadi", "Hari", "Hendra", "Heru", "Imam", "Joko",
    "Kusnadi", "Mulyono", "Muhammad", "Muhammad", "Nur", "Puji", "Rudi", "Sugeng",
    "Slamet", "Slamet", "Sugiono", "Sunarto", "Supriyadi", "Suyanto", "Sutrisno",
    "Teguh", "Tri", "Wahyu", "Yudi", "Yusuf", "Bagus", "Rizky", "Dimas", "Gilang",
    "Wawan", "Sukirno", "Paimin", "Samsul", "Anang", "Lukman",
)
FEMALE_GIVEN = (
    "Siti", "Siti", "Sri", "Sri", "Dewi", "Endang", "Sulastri", "Rina", "Yuli", "Ani",
    "Nur", "Sumarni", "Suwarni", "Kartini", "Puji", "Ratna", "Fitri", "Indah", "Wulan",
    "Lilik", "Tutik", "Umi", "Eka", "Dian", "Novi", "Yuniati", "Sumiati", "Painem",
    "Tumini", "Partini", "Mariyam", "Khoirul", "Anik", "Erna",
)
MALE_FAMILY = (
    "Hartono", "Santoso", "Wibowo", "Prasetyo", "Susanto", "Setiawan", "Purnomo",
    "Kurniawan", "Nugroho", "Hidayat", "Saputra", "Wijaya", "Kusuma", "Pratama",
    "Utomo", "Gunawan", "Suryadi", "Haryanto", "Rahmat", "Firmansyah", "Efendi",
    "Mahmud", "Cahyono", "Widodo", "Sasongko", "Santoso", "Hidayat",
)
FEMALE_FAMILY = (
    "Rahayu", "Lestari", "Wulandari", "Handayani", "Utami", "Rahmawati", "Susanti",
    "Wahyuni", "Puspitasari", "Ningsih", "Kusumawati", "Anggraini", "Rahayu",
)
ALIASES = (
    "Pak De", "Mbah Jo", "Cak Man", "Gus Nur", "Bos Kecil", "Mas Bro", "Bu Lurah",
    "Kang Yan", "Pak Haji", "Mami", "Om Bule", "Bang Jek",
)
DEGREES = ("S.H.", "S.E.", "S.Pd.", "S.Sos.", "S.Kom.", "M.H.", "S.I.K.", "S.T.")
OCCUPATIONS = (
    "Petani", "Buruh Tani", "Wiraswasta", "Pedagang", "Mengurus Rumah Tangga",
    "Karyawan Swasta", "Sopir", "Guru", "Buruh Pabrik", "Nelayan", "Tidak Bekerja",
    "Pelajar/Mahasiswa", "Peternak",
)

# (bank, digits in an account number); e-wallets use the phone number instead.
BANKS = (
    ("BRI", 15), ("BRI", 15), ("BNI", 10), ("Bank Mandiri", 13), ("BCA", 10),
    ("Bank Jatim", 10), ("BSI", 10), ("BTN", 16),
)
EWALLETS = ("DANA", "OVO", "GoPay")

# Mobile prefixes and the operator whose CDR would hold the call.
PREFIXES: dict[str, str] = {
    "0812": "telkomsel", "0813": "telkomsel", "0821": "telkomsel", "0822": "telkomsel",
    "0852": "telkomsel", "0853": "telkomsel", "0856": "indosat", "0857": "indosat",
    "0858": "indosat", "0815": "indosat", "0817": "xl", "0818": "xl", "0819": "xl",
    "0877": "xl", "0878": "xl", "0838": "xl", "0831": "xl", "0895": "other",
    "0896": "other", "0898": "other", "0881": "other", "0882": "other",
}
PREFIX_LIST = tuple(PREFIXES)

ORG_HEADS = ("Bina", "Karya", "Mitra", "Sinar", "Cahaya", "Putra", "Surya", "Duta", "Graha")
ORG_MIDS = ("Mandiri", "Sejahtera", "Abadi", "Jaya", "Makmur", "Utama", "Perkasa", "Sentosa")
ORG_TAILS = ("Nusantara", "Indonesia", "Bersama", "Internasional", "Lestari", "Berkah")

TRANSFER_REFS = (
    "", "", "", "kiriman", "bayar", "titip", "utang", "arisan", "belanja", "sewa",
    "biaya sekolah", "pulsa", "modal", "bayar listrik",
)
