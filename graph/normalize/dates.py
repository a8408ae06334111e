"""Dates and timestamps: ISO 8601 or Indonesian day-first, to UTC.

Accepted shapes (``D``/``M`` may be one or two digits, ``YYYY`` four):

- year first, always year-month-day: ``2023-06-05``, ``2023/06/05``, ``2023.06.05``;
- day first, never month first: ``05/06/2023``, ``05-06-2023``, ``05.06.2023``
  (one separator used throughout);
- optionally followed (after ``T`` or spaces) by a time ``HH:MM`` or
  ``HH:MM:SS`` (``.`` also accepted between the parts, as in ``14.30``),
  optional fractional seconds;
- optionally followed by an offset: ``Z``, ``UTC``, ``+07:00``, ``+0700``, ``+07``,
  or the Indonesian zone names ``WIB`` (+07), ``WITA`` (+08), ``WIT`` (+09).

A time without offset is WIB (Asia/Jakarta). A date without time, read as a
timestamp, is 00:00 WIB. Two-digit years are rejected: ``05/06/23`` could be
1923 or 2023, and a guessed year moves an event across a case's timeline.

Examples
--------
>>> parse_to_iso("05/06/2023 14:30")
'2023-06-05T07:30:00Z'
>>> parse_to_iso("2023-06-05T23:30+00:00", date_only=True)
'2023-06-06'
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from graph.normalize.errors import NormalizeError

__all__ = ["parse_date", "parse_datetime", "parse_to_iso", "to_iso_utc"]

WIB = ZoneInfo("Asia/Jakarta")

_TIME = (
    r"(?:(?:T|\s+)(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
    r"(?:[:.](?P<s>\d{2})(?:[.,](?P<frac>\d{1,6}))?)?)?"
)
_ZONE = r"\s*(?P<tz>Z|UTC|GMT|WIB|WITA|WIT|[+-]\d{2}(?::?\d{2})?)?"
_YEAR_FIRST = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME + _ZONE,
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d+)" + _TIME + _ZONE,
    re.IGNORECASE,
)
_NAMED_ZONES = {"Z": 0, "UTC": 0, "GMT": 0, "WIB": 7, "WITA": 8, "WIT": 9}


def parse_datetime(raw: str) -> datetime:
    """Parse a timestamp field to an aware UTC datetime.

    Parameters
    ----------
    raw : str
        The cell as written.

    Returns
    -------
    datetime.datetime
        Aware, in UTC. A value without offset is taken as WIB; a date alone as
        00:00 WIB (so ``2023-06-05`` is ``2023-06-04T17:00:00Z``).

    Raises
    ------
    NormalizeError
        If the value is empty, not a recognised shape, has a two-digit year or
        is not a real date/time (``31/02/2023``, ``13/25/2023``, ``24:00``).
    """
    local = _local(raw)
    try:
        return local.astimezone(UTC)
    except OverflowError as exc:
        raise NormalizeError(f"bad date '{raw.strip()}': out of range") from exc


def parse_date(raw: str) -> date:
    """Parse a date-only field (birth date, ``since``/``until``).

    A value carrying a time is accepted and reduced to its calendar date in
    WIB, the zone the case files are written in: ``2023-06-05T23:30Z`` is
    06:30 WIB on 6 June, so the date is ``2023-06-06``.

    Raises
    ------
    NormalizeError
        As :func:`parse_datetime`.
    """
    local = _local(raw)
    # A bare date is a calendar day in WIB already; converting it would only
    # risk overflow at the ends of the range.
    if local.tzinfo is WIB:
        return local.date()
    return local.astimezone(WIB).date()


def to_iso_utc(dt: datetime) -> str:
    """Format as ``2023-06-05T07:30:00Z``.

    Sub-second precision is dropped so that every stored timestamp has the
    same width and sorts correctly as a string. A naive datetime is read as
    WIB, the same rule as for raw values without offset.
    """
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=WIB)
    utc = aware.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"


def parse_to_iso(raw: str, *, date_only: bool = False) -> str:
    """Parse and format in one step: ``YYYY-MM-DD`` if ``date_only``, else ``…Z`` UTC."""
    if date_only:
        return parse_date(raw).isoformat()
    match = _FAST.fullmatch(raw)
    if match is not None:
        day = _fast_day(match[1])
        clock = _fast_clock(match[4])
        if day is not None and clock is not None:
            return day[clock[0]] + clock[1]
    return to_iso_utc(parse_datetime(raw))


# The fast path of parse_to_iso: the shapes a CDR or bank export repeats a million
# times (a date, optionally " HH:MM[:SS]" or "THH:MM[:SS]", no offset: WIB). The
# day and the clock are parsed once each (few distinct values) and joined; anything
# else, and anything out of range, takes the general path above, which also words
# every refusal. Asia/Jakarta has been UTC+07 without DST since 1964, so for the
# years below WIB is a fixed 7 hours; tests compare both paths over random values.
_FAST = re.compile(
    r"([0-9]{4}([-/.])[0-9]{1,2}\2[0-9]{1,2}|[0-9]{1,2}([-/.])[0-9]{1,2}\3[0-9]{4})"
    r"(?:[T ]([0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?))?"
)
_FAST_YEARS = range(1965, 9999)
_WIB_MINUTES = 7 * 60


@functools.lru_cache(maxsize=65_536)
def _fast_day(text: str) -> tuple[str, str] | None:
    """(this day, the day before) as ``YYYY-MM-DD``; None if not a real day in range."""
    first, second, third = text.replace("/", "-").replace(".", "-").split("-")
    y, m, d = (first, second, third) if len(first) == 4 else (third, second, first)
    year = int(y)
    if year not in _FAST_YEARS:
        return None
    try:
        day = date(year, int(m), int(d))
    except ValueError:
        return None
    return day.isoformat(), (day - timedelta(days=1)).isoformat()


@functools.lru_cache(maxsize=131_072)
def _fast_clock(text: str | None) -> tuple[int, str] | None:
    """(1 if the UTC time falls on the day before else 0, ``THH:MM:SSZ`` in UTC)."""
    if text is None:
        return 1, "T17:00:00Z"  # a date alone is 00:00 WIB
    parts = text.replace(".", ":").split(":")
    hour, minute = int(parts[0]), int(parts[1])
    second = int(parts[2]) if len(parts) == 3 else 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    utc = hour * 60 + minute - _WIB_MINUTES
    before = 1 if utc < 0 else 0
    utc %= 24 * 60
    return before, f"T{utc // 60:02d}:{utc % 60:02d}:{second:02d}Z"


def _local(raw: str) -> datetime:
    """The value as an aware datetime in the zone it was written in (WIB if none)."""
    match, text = _match(raw)
    zone = _zone(match["tz"], text)
    try:
        return datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["h"] or 0),
            int(match["mi"] or 0),
            int(match["s"] or 0),
            int((match["frac"] or "0").ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError as exc:
        # Say why 13/25/2023 fails: the reader may have meant month-first.
        day_first = match.re is _DAY_FIRST and int(match["m"]) > 12
        hint = " (dates are read day-first)" if day_first else ""
        raise NormalizeError(f"bad date '{text}': {exc}{hint}") from exc


def _match(raw: str) -> tuple[re.Match[str], str]:
    text = raw.strip()
    if not text:
        raise NormalizeError("empty date")
    match = _YEAR_FIRST.fullmatch(text) or _DAY_FIRST.fullmatch(text)
    if match is None:
        raise NormalizeError(
            f"bad date '{text}': expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM[:SS]"
        )
    if len(match["y"]) != 4:
        raise NormalizeError(f"bad date '{text}': year must have 4 digits (2-digit is ambiguous)")
    return match, text


def _zone(tz: str | None, text: str) -> tzinfo:
    if tz is None:
        return WIB
    named = _NAMED_ZONES.get(tz.upper())
    if named is not None:
        return timezone(timedelta(hours=named))
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        raise NormalizeError(f"bad date '{text}': offset {tz} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
