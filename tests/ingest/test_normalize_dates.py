"""Dates and timestamps: ISO or day-first, WIB by default, out as UTC."""

from __future__ import annotations

import doctest
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from graph.normalize import (
    NormalizeError,
    dates,
    parse_date,
    parse_datetime,
    parse_to_iso,
    to_iso_utc,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # ISO, no offset: WIB, so 7 hours are taken off
        ("2023-06-05T14:30", "2023-06-05T07:30:00Z"),
        ("2023-06-05 14:30:15", "2023-06-05T07:30:15Z"),
        ("2023-06-05T14:30:15.123456", "2023-06-05T07:30:15Z"),  # seconds precision
        ("2023-06-05T03:00", "2023-06-04T20:00:00Z"),  # crosses midnight backwards
        # ISO with offsets
        ("2023-06-05T14:30Z", "2023-06-05T14:30:00Z"),
        ("2023-06-05T14:30:00+07:00", "2023-06-05T07:30:00Z"),
        ("2023-06-05T14:30+0700", "2023-06-05T07:30:00Z"),
        ("2023-06-05T14:30+07", "2023-06-05T07:30:00Z"),
        ("2023-06-05T14:30-03:00", "2023-06-05T17:30:00Z"),
        ("2023-06-05 14:30 UTC", "2023-06-05T14:30:00Z"),
        # Indonesian zone names
        ("05/06/2023 14:30 WIB", "2023-06-05T07:30:00Z"),
        ("05/06/2023 14.30 WITA", "2023-06-05T06:30:00Z"),
        ("05/06/2023 14:30 WIT", "2023-06-05T05:30:00Z"),
        # day first
        ("5/6/2023 14:30", "2023-06-05T07:30:00Z"),
        ("05-06-2023 14:30:15", "2023-06-05T07:30:15Z"),
        ("05.06.2023 14.30", "2023-06-05T07:30:00Z"),
        ("05/06/2023T14:30", "2023-06-05T07:30:00Z"),
        # a date alone is 00:00 WIB
        ("2023-06-05", "2023-06-04T17:00:00Z"),
        ("05/06/2023", "2023-06-04T17:00:00Z"),
        ("06/05/2023", "2023-05-05T17:00:00Z"),  # 6 May, never 5 June
    ],
)
def test_timestamps(raw: str, expected: str) -> None:
    assert parse_to_iso(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-06-05", "2023-06-05"),
        ("2023/06/05", "2023-06-05"),
        ("2023.6.5", "2023-06-05"),
        ("05/06/2023", "2023-06-05"),
        ("05-06-2023", "2023-06-05"),
        ("05.06.2023", "2023-06-05"),
        ("5/6/2023", "2023-06-05"),
        ("06/05/2023", "2023-05-06"),  # day-first: 6 May
        ("12/01/2023", "2023-01-12"),
        ("29/02/2024", "2024-02-29"),
        (" 05/06/2023 ", "2023-06-05"),
        # a time is accepted and the WIB calendar date kept
        ("05/06/2023 23:59", "2023-06-05"),
        ("2023-06-05T16:59:59Z", "2023-06-05"),  # 23:59:59 WIB
        ("2023-06-05T17:00Z", "2023-06-06"),  # 00:00 WIB the next day
        ("2023-06-05T23:30+00:00", "2023-06-06"),
    ],
)
def test_date_only(raw: str, expected: str) -> None:
    assert parse_to_iso(raw, date_only=True) == expected
    assert parse_date(raw).isoformat() == expected


def test_parse_datetime_is_aware_utc() -> None:
    value = parse_datetime("05/06/2023 14:30")
    assert value == datetime(2023, 6, 5, 7, 30, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_parse_date_returns_a_plain_date() -> None:
    assert parse_date("05/06/2023") == date(2023, 6, 5)


def test_parse_date_handles_the_ends_of_the_range() -> None:
    # 0001-01-01 00:00 WIB is before year 1 in UTC: fine as a date, not as a timestamp.
    assert parse_date("0001-01-01") == date(1, 1, 1)
    assert parse_date("9999-12-31") == date(9999, 12, 31)
    with pytest.raises(NormalizeError, match="out of range"):
        parse_datetime("0001-01-01")


def test_to_iso_utc() -> None:
    wib = timezone(timedelta(hours=7))
    assert to_iso_utc(datetime(2023, 6, 5, 7, 30, tzinfo=UTC)) == "2023-06-05T07:30:00Z"
    assert to_iso_utc(datetime(2023, 6, 5, 14, 30, tzinfo=wib)) == "2023-06-05T07:30:00Z"
    assert to_iso_utc(datetime(2023, 6, 5, 14, 30)) == "2023-06-05T07:30:00Z"  # naive = WIB
    assert to_iso_utc(datetime(2023, 6, 5, 7, 30, 5, 999999, tzinfo=UTC)) == (
        "2023-06-05T07:30:05Z"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty date"),
        ("  ", "empty date"),
        ("31/02/2023", "bad date '31/02/2023': day is out of range for month"),
        ("29/02/2023", "bad date '29/02/2023': day is out of range for month"),
        ("2023-02-30", "bad date '2023-02-30': day is out of range for month"),
        ("00/06/2023", "bad date '00/06/2023': day is out of range for month"),
        (
            "13/25/2023",
            "bad date '13/25/2023': month must be in 1..12 (dates are read day-first)",
        ),
        (
            "06/13/2023",
            "bad date '06/13/2023': month must be in 1..12 (dates are read day-first)",
        ),
        ("2023-13-01", "bad date '2023-13-01': month must be in 1..12"),
        ("2023-06-05T24:00", "bad date '2023-06-05T24:00': hour must be in 0..23"),
        ("2023-06-05T14:60", "bad date '2023-06-05T14:60': minute must be in 0..59"),
        ("05/06/23", "bad date '05/06/23': year must have 4 digits (2-digit is ambiguous)"),
        ("5-6-23 14:30", "bad date '5-6-23 14:30': year must have 4 digits (2-digit is ambiguous)"),
        ("05/06/02023", "bad date '05/06/02023': year must have 4 digits (2-digit is ambiguous)"),
        (
            "2023-06-05T01:00+15:00",
            "bad date '2023-06-05T01:00+15:00': offset +15:00 out of range",
        ),
    ],
)
def test_rejected_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(NormalizeError) as info:
        parse_datetime(raw)
    assert str(info.value) == reason


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "05/06-2023",  # separators must agree
        "2023-06",
        "5 Juni 2023",  # month names are not part of the contract
        "2023-06-05 14",
        "2023-06-05T14:30 CET",
        "45082",  # an Excel serial day number
        "2023-06-05T14:30:15:00",
    ],
)
def test_unrecognised_shapes(raw: str) -> None:
    with pytest.raises(NormalizeError) as info:
        parse_to_iso(raw)
    assert str(info.value) == (
        f"bad date '{raw}': expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM[:SS]"
    )


def test_date_only_fields_reject_like_timestamps() -> None:
    with pytest.raises(NormalizeError, match="day is out of range"):
        parse_to_iso("31/04/2023", date_only=True)


def test_docstring_examples() -> None:
    assert doctest.testmod(dates).failed == 0


def _general(raw: str) -> str:
    """parse_to_iso without its fast path: the answer, or the refusal's text."""
    try:
        return to_iso_utc(parse_datetime(raw))
    except NormalizeError as exc:
        return f"error: {exc}"


def _fast(raw: str) -> str:
    try:
        return parse_to_iso(raw)
    except NormalizeError as exc:
        return f"error: {exc}"


def _spellings(rng: random.Random) -> str:
    year = rng.choice([rng.randint(1960, 2040), rng.randint(1, 9999), 1964, 1965, 9998, 9999])
    month, day = rng.randint(0, 13), rng.randint(0, 32)
    if rng.random() < 0.7:  # mostly real days, including 29 Feb
        month, day = rng.randint(1, 12), rng.choice([rng.randint(1, 28), 29, 30, 31])
    sep = rng.choice("-/.")
    m = f"{month:02d}" if rng.random() < 0.8 else str(month)
    d = f"{day:02d}" if rng.random() < 0.8 else str(day)
    y = f"{year:04d}"
    text = f"{y}{sep}{m}{sep}{d}" if rng.random() < 0.5 else f"{d}{sep}{m}{sep}{y}"
    if rng.random() < 0.9:
        hour = rng.choice([rng.randint(0, 23), 0, 6, 7, 23, 24, rng.randint(0, 99)])
        minute = rng.choice([rng.randint(0, 59), 0, 59, 60])
        h = f"{hour:02d}" if rng.random() < 0.8 else str(hour)
        clock = f"{h}{rng.choice(':.')}{minute:02d}"
        if rng.random() < 0.4:
            clock += f"{rng.choice(':.')}{rng.choice([rng.randint(0, 59), 59, 60]):02d}"
        if rng.random() < 0.05:
            clock += ".5"  # fractions: general path
        text += rng.choice(["T", " ", " ", "  ", "t"]) + clock
        if rng.random() < 0.05:
            text += rng.choice(["Z", " WIB", "+07:00", " WITA"])  # offsets: general path
    return text


def test_fast_path_gives_the_general_answer() -> None:
    """parse_to_iso's fast path (no offset, years 1965-9998) against the general parse:
    the same answer, or the same refusal, for 20,000 random spellings."""
    rng = random.Random(3)
    values = [_spellings(rng) for _ in range(20_000)]
    values += ["2023-06-05T00:00", "2023-06-05T06:59", "2023-06-05T07:00", "2024-03-01 03:00",
               "01/01/1965 00:00", "31/12/1964 23:59", "01/01/9998", "31/12/9998 23:59:59",
               "01/03/2024 06:59:59", "01/01/2023 24:00", "2023-06-05T14:30:60", " 2023-06-05"]
    fast_taken = 0
    for raw in values:
        assert _fast(raw) == _general(raw), raw
        match = dates._FAST.fullmatch(raw)
        if match and dates._fast_day(match[1]) and dates._fast_clock(match[4]):
            fast_taken += 1
    assert fast_taken > 3_000  # the comparison did exercise the fast path
