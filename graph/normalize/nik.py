"""NIK (Nomor Induk Kependudukan), the 16-digit national identity number.

Layout: ``PPKKCC DDMMYY SSSS`` -- province, regency/city and district codes;
birth date with 40 added to the day for women; a serial.

A NIK is only used for entity resolution when it passes every check here; a
malformed one is kept raw and flagged, so :func:`check_nik` reports instead of
raising.

Examples
--------
>>> check = check_nik("3504.0101.1290.0001", today=date(2024, 1, 1))
>>> check.value, check.birth_date, check.gender, check.region
('3504010112900001', datetime.date(1990, 12, 1), 'm', '350401')
>>> check_nik("3504017212990001", today=date(2024, 1, 1)).reason
"bad NIK '3504017212990001': birth date 721299 (DDMMYY, day+40 for women) is not a real date"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["NikCheck", "check_nik"]

# Province codes in use (Kemendagri); 91-97 are the Papua provinces after the
# 2022 split. Anything else is a typo or an invented number.
PROVINCE_CODES = frozenset(
    [*range(11, 20), 21, *range(31, 37), *range(51, 54), *range(61, 66), *range(71, 77),
     81, 82, *range(91, 98)]
)  # fmt: skip

_SEPARATORS = re.compile(r"[\s.\-]")
_FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikCheck:
    """Outcome of checking one NIK.

    Attributes
    ----------
    raw : str
        The value exactly as given.
    value : str or None
        The 16 digits if valid, else ``None``.
    valid : bool
        Whether every check passed.
    reason : str or None
        Why it is invalid, for the rejects/flags report; ``None`` when valid.
    birth_date : datetime.date or None
        Birth date encoded in the NIK (when valid).
    gender : {"m", "f"} or None
        ``"f"`` when 40 was added to the day.
    region : str or None
        The 6-digit region code (province, regency/city, district).
    """

    raw: str
    value: str | None
    valid: bool
    reason: str | None
    birth_date: date | None
    gender: Literal["m", "f"] | None
    region: str | None


def check_nik(raw: str, *, today: date | None = None) -> NikCheck:
    """Check a NIK and decode its region, birth date and gender.

    Parameters
    ----------
    raw : str
        The NIK as written; spaces, dots and dashes are ignored, and so is a
        leading apostrophe (Excel's "this is text" marker, which keeps the 16
        digits from being rounded to a float).
    today : datetime.date, optional
        Reference date for resolving the two-digit birth year; defaults to the
        current date. Pass it explicitly in tests.

    Returns
    -------
    NikCheck
        Never raises: an invalid NIK comes back with ``valid=False`` and a reason.

    Notes
    -----
    The century is the later one that does not put the birth in the future:
    with ``today`` in 2024, ``YY=23`` is 2023 and ``YY=25`` is 1925.
    """
    digits = _SEPARATORS.sub("", raw.strip().removeprefix("'"))

    def bad(why: str) -> NikCheck:
        return NikCheck(raw, None, False, f"bad NIK '{raw}': {why}", None, None, None)

    if not digits:
        return bad("empty")
    if not (digits.isascii() and digits.isdigit()):
        return bad("not all digits")
    if len(digits) != 16:
        return bad(f"{len(digits)} digits, expected 16")
    if int(digits[0:2]) not in PROVINCE_CODES:
        return bad(f"unknown province code {digits[0:2]}")
    if digits[2:4] == "00":
        return bad("regency/city code 00")
    if digits[12:16] == "0000":
        return bad("serial 0000")
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    gender: Literal["m", "f"] = "f" if day > _FEMALE_DAY_OFFSET else "m"
    if gender == "f":
        day -= _FEMALE_DAY_OFFSET
    birth = _resolve_birth_date(day, month, yy, today or date.today())
    if birth is None:
        return bad(f"birth date {digits[6:12]} (DDMMYY, day+40 for women) is not a real date")
    return NikCheck(raw, digits, True, None, birth, gender, digits[0:6])


def _resolve_birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """The latest real date ``day/month/(19|20)yy`` that is not after ``today``."""
    for year in (2000 + yy, 1900 + yy):
        try:
            birth = date(year, month, day)
        except ValueError:
            continue
        if birth <= today:
            return birth
    return None
