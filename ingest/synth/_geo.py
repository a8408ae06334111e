"""East-Java geography used by the generator: regencies, districts, villages.

Regency codes are the real Dukcapil codes (the first four NIK digits); district
codes are local to this generator and only need to be two digits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    """A kecamatan and the villages (desa) the generator uses in it."""

    code: str
    name: str
    villages: tuple[str, ...]


@dataclass(frozen=True)
class Regency:
    """A kabupaten with its NIK code and telephone area code."""

    code: str
    name: str
    area: str
    districts: tuple[District, ...]


def _d(code: str, name: str, *villages: str) -> District:
    return District(code, name, villages)


REGENCIES: tuple[Regency, ...] = (
    Regency(
        "3504",
        "Tulungagung",
        "355",
        (
            _d("01", "Ngunut", "Ngunut", "Kaliwungu", "Sumberingin Kidul"),
            _d("02", "Kalidawir", "Betak", "Salakkembang"),
            _d("03", "Sumbergempol", "Sumberdadi", "Wonorejo"),
            _d("04", "Campurdarat", "Gamping", "Pelem"),
            _d("05", "Rejotangan", "Tanen", "Buntaran"),
        ),
    ),
    Regency(
        "3505",
        "Blitar",
        "342",
        (
            _d("01", "Sutojayan", "Kalipang", "Jingglong"),
            _d("02", "Kademangan", "Plosorejo", "Suruhwadang"),
            _d("03", "Srengat", "Karanggayam", "Togogan"),
            _d("04", "Wlingi", "Tangkil", "Beru"),
            _d("05", "Kanigoro", "Sawentar", "Gogodeso"),
        ),
    ),
    Regency(
        "3506",
        "Kediri",
        "354",
        (
            _d("01", "Pare", "Tulungrejo", "Pelem"),
            _d("02", "Kandangan", "Banaran", "Kemiri"),
            _d("03", "Wates", "Segaran", "Tawang"),
            _d("04", "Ngadiluwih", "Banjarejo", "Dukuh"),
        ),
    ),
    Regency(
        "3507",
        "Malang",
        "341",
        (
            _d("01", "Kepanjen", "Talangagung", "Panggungrejo"),
            _d("02", "Turen", "Talok", "Sanankerto"),
            _d("03", "Dampit", "Pamotan", "Sukodono"),
            _d("04", "Sumbermanjing Wetan", "Sitiarjo", "Tambakasri"),
            _d("05", "Donomulyo", "Tulungrejo", "Purwodadi"),
        ),
    ),
    Regency(
        "3503",
        "Trenggalek",
        "355",
        (
            _d("01", "Panggul", "Wonocoyo", "Ngrambingan"),
            _d("02", "Munjungan", "Bendoroto", "Masaran"),
            _d("03", "Watulimo", "Prigi", "Karanggandu"),
            _d("04", "Durenan", "Kamulan", "Semarum"),
        ),
    ),
    Regency(
        "3502",
        "Ponorogo",
        "352",
        (
            _d("01", "Slahung", "Broto", "Nglundo"),
            _d("02", "Jetis", "Mojomati", "Kutu Wetan"),
            _d("03", "Sawoo", "Tumpakpelem", "Grogol"),
            _d("04", "Balong", "Bulak", "Karangpatihan"),
        ),
    ),
)

BIRTH_PLACES_EXTRA = ("Surabaya", "Sidoarjo", "Jombang", "Nganjuk", "Madiun", "Pacitan")

DESTINATIONS = ("Malaysia", "Taiwan", "Hong Kong", "Arab Saudi", "Kamboja", "Singapura")

DEPARTURE_PLACES = (
    "Bandara Internasional Juanda, Sidoarjo",
    "Pelabuhan Tanjung Perak, Surabaya",
    "Terminal Purabaya, Sidoarjo",
    "Pelabuhan Batam Centre",
)
