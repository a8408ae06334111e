"""The synthetic bundle's clock.

Every instant is an ``int``: whole minutes since 2022-01-01 00:00 WIB. Integers
sort and compare cheaply, and formatting goes through precomputed day strings,
which is what keeps the streaming writer fast at a million rows.
"""

from __future__ import annotations

from datetime import date, timedelta

START = date(2022, 1, 1)
END = date(2025, 1, 1)
HOUR = 60
DAY = 24 * HOUR
WEEK = 7 * DAY
DAYS = (END - START).days
END_MINUTE = DAYS * DAY
MONTHS = 36

_ISO_DAYS = [(START + timedelta(days=d)).isoformat() for d in range(DAYS)]
_DMY_DAYS = [(START + timedelta(days=d)).strftime("%d/%m/%Y") for d in range(DAYS)]
_HHMM = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def minute(year: int, month: int, day: int, hour: int = 0, mins: int = 0) -> int:
    """The clock value of a wall-clock time in WIB."""
    return (date(year, month, day) - START).days * DAY + hour * HOUR + mins


def clamp(t: int) -> int:
    """Keep ``t`` inside 2022–2024 (the bundle's stated period)."""
    return min(max(t, 0), END_MINUTE - 1)


def month_start(index: int) -> int:
    """Clock value of the first minute of month ``index`` (0 = January 2022)."""
    year, month = divmod(index, 12)
    return minute(2022 + year, month + 1, 1)


def month_of(t: int) -> int:
    """Month index (0–35) of a clock value."""
    d = START + timedelta(days=t // DAY)
    return (d.year - 2022) * 12 + d.month - 1


def iso_date(t: int) -> str:
    """``2023-06-05``."""
    return _ISO_DAYS[t // DAY]


def iso_minute(t: int) -> str:
    """``2023-06-05T14:30`` (no offset: the spec reads it as WIB)."""
    return f"{_ISO_DAYS[t // DAY]}T{_HHMM[t % DAY]}"


def dmy_minute(t: int) -> str:
    """``05/06/2023 14:30``, the day-first form of Indonesian bank exports."""
    return f"{_DMY_DAYS[t // DAY]} {_HHMM[t % DAY]}"


def dmy_date(t: int) -> str:
    """``05/06/2023``."""
    return _DMY_DAYS[t // DAY]
