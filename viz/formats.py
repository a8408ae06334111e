"""Indonesian number, money and date formats for page text.

Amounts use ``.`` for thousands and ``,`` for decimals (``Rp 1.500.000,50``);
instants are stored in UTC and shown in WIB (UTC+7, East Java) as
``05/06/2023 14:30 WIB``; plain dates (``birth_date``, ``since``) are not shifted.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

WIB: Final = timezone(timedelta(hours=7), "WIB")


def group_digits(value: float) -> str:
    """``15000000`` → ``15.000.000``; ``1500.5`` → ``1.500,50``.

    >>> group_digits(15000000), group_digits(1500.5), group_digits(-42)
    ('15.000.000', '1.500,50', '-42')
    """
    if not math.isfinite(value):
        return str(value)
    cents = round(abs(value) * 100)
    whole, frac = divmod(cents, 100)
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += f",{frac:02d}"
    return ("-" if value < 0 and cents else "") + text


def decimal(value: float, places: int, lang: str) -> str:
    """``value`` with ``places`` decimals: a decimal comma in Bahasa Indonesia, a point
    in English (no grouping; for scores, hours and shares).

    >>> decimal(1.75, 1, "id"), decimal(1.75, 1, "en"), decimal(0.5, 2, "id")
    ('1,8', '1.8', '0,50')
    """
    text = f"{value:.{places}f}"
    return text if lang == "en" else text.replace(".", ",")


def money(amount: float, currency: str | None = "IDR") -> str:
    """``Rp 15.000.000`` for rupiah, ``USD 1.200,50`` for anything else.

    >>> money(15_000_000), money(1200.5, "USD")
    ('Rp 15.000.000', 'USD 1.200,50')
    """
    code = (currency or "IDR").upper()
    prefix = "Rp" if code in ("IDR", "RP") else code
    return f"{prefix} {group_digits(amount)}"


def parse_instant(value: str) -> datetime | None:
    """Parse a stored ISO 8601 instant; naive values are taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def wib_date(value: str) -> str:
    """The WIB calendar day of a stored instant, ``dd/mm/yyyy``.

    >>> wib_date("2023-06-04T20:00:00Z")
    '05/06/2023'
    """
    if len(value.strip()) == 10:
        return plain_date(value)
    parsed = parse_instant(value)
    return parsed.astimezone(WIB).strftime("%d/%m/%Y") if parsed else value


def wib_datetime(value: str) -> str:
    """A stored instant in WIB: ``05/06/2023 14:30 WIB``; unparseable text is kept.

    A source that gave only a day is stored as that day's midnight in WIB
    (``2023-06-04T17:00:00Z``): an instant at exactly 00:00:00 WIB is shown as the
    day alone, never with an invented ``00:00 WIB``.

    >>> wib_datetime("2023-06-05T07:30:00Z"), wib_datetime("2023-06-04T17:00:00Z")
    ('05/06/2023 14:30 WIB', '05/06/2023')
    """
    if len(value.strip()) == 10:
        return plain_date(value)
    parsed = parse_instant(value)
    if parsed is None:
        return value
    local = parsed.astimezone(WIB)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return local.strftime("%d/%m/%Y")
    return local.strftime("%d/%m/%Y %H:%M WIB")


def plain_date(value: str) -> str:
    """A calendar date ``2023-06-05`` as ``05/06/2023`` (no time zone shift).

    >>> plain_date("2023-06-05")
    '05/06/2023'
    """
    try:
        return date.fromisoformat(value.strip()[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value


def duration(seconds: int) -> str:
    """``75`` → ``1:15``; ``3725`` → ``1:02:05``.

    >>> duration(75), duration(3725)
    ('1:15', '1:02:05')
    """
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
