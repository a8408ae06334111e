"""NIK checks: layout, region, birth date with the +40 rule, century, serial."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from graph.normalize import NikCheck, check_nik, nik

TODAY = date(2024, 1, 1)


def test_valid_male_nik_is_decoded() -> None:
    # 350401 = Jawa Timur / Kab. Trenggalek / district 01; 011290 = 1 Dec 1990.
    assert check_nik("3504010112900001", today=TODAY) == NikCheck(
        raw="3504010112900001",
        value="3504010112900001",
        valid=True,
        reason=None,
        birth_date=date(1990, 12, 1),
        gender="m",
        region="350401",
    )


def test_women_have_forty_added_to_the_day() -> None:
    check = check_nik("3504014112900001", today=TODAY)
    assert check.valid
    assert check.birth_date == date(1990, 12, 1)
    assert check.gender == "f"


def test_last_female_day() -> None:
    check = check_nik("3504017112900001", today=TODAY)  # 71 - 40 = 31 December
    assert (check.birth_date, check.gender) == (date(1990, 12, 31), "f")


@pytest.mark.parametrize(
    "raw",
    ["3504 0101 1290 0001", "3504.0101.1290.0001", "3504-01-011290-0001", " 3504010112900001 "],
)
def test_spaces_dots_and_dashes_are_ignored(raw: str) -> None:
    check = check_nik(raw, today=TODAY)
    assert check.valid
    assert check.value == "3504010112900001"
    assert check.raw == raw


def test_excel_text_apostrophe_is_ignored() -> None:
    assert check_nik("'3504010112900001", today=TODAY).value == "3504010112900001"


@pytest.mark.parametrize(
    ("raw", "today", "born"),
    [
        ("3504010101230001", TODAY, date(2023, 1, 1)),  # 2023 is not in the future
        ("3504010101250001", TODAY, date(1925, 1, 1)),  # 2025 would be
        ("3504010101240001", date(2024, 1, 1), date(2024, 1, 1)),  # born today
        ("3504010101240001", date(2023, 12, 31), date(1924, 1, 1)),
        ("3504010101000001", TODAY, date(2000, 1, 1)),
        ("3504012902000001", TODAY, date(2000, 2, 29)),  # 2000 is a leap year
    ],
)
def test_century_is_the_latest_not_in_the_future(raw: str, today: date, born: date) -> None:
    assert check_nik(raw, today=today).birth_date == born


def test_new_papua_province_codes_are_known() -> None:
    assert check_nik("9201010112900001", today=TODAY).valid  # Papua Barat
    assert check_nik("9701010112900001", today=TODAY).valid  # 2022 split: 93-97


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("350401011290000", "15 digits, expected 16"),
        ("35040101129000012", "17 digits, expected 16"),
        ("35040101129O0001", "not all digits"),  # letter O
        ("3.50401E+15", "not all digits"),  # Excel turned it into a float
        ("2004010112900001", "unknown province code 20"),
        ("1004010112900001", "unknown province code 10"),
        ("3704010112900001", "unknown province code 37"),
        ("9804010112900001", "unknown province code 98"),
        ("3500010112900001", "regency/city code 00"),
        ("3504010112900000", "serial 0000"),
    ],
)
def test_invalid_layout(raw: str, why: str) -> None:
    check = check_nik(raw, today=TODAY)
    assert check == NikCheck(raw, None, False, f"bad NIK '{raw}': {why}", None, None, None)


@pytest.mark.parametrize(
    "raw",
    [
        "3504010012900001",  # day 00
        "3504013212900001",  # day 32
        "3504014012900001",  # day 40: neither a man's day nor a woman's (41..71)
        "3504017212900001",  # day 72 = 32 + 40
        "3504010100900001",  # month 00
        "3504010113900001",  # month 13
        "3504013102900001",  # 31 February
        "3504012902010001",  # 29 February 2001 / 1901
    ],
)
def test_impossible_birth_date(raw: str) -> None:
    check = check_nik(raw, today=TODAY)
    assert not check.valid
    assert check.value is None
    assert check.birth_date is None
    assert check.reason == (
        f"bad NIK '{raw}': birth date {raw[6:12]} (DDMMYY, day+40 for women) is not a real date"
    )


def test_never_raises_on_garbage() -> None:
    for raw in ["", "   ", "abc", "-", "'", "٣٥٠٤٠١٠١١٢٩٠٠٠٠١"]:
        assert check_nik(raw, today=TODAY).valid is False


def test_today_defaults_to_the_current_date() -> None:
    assert check_nik("3504010112900001").birth_date == date(1990, 12, 1)


def test_docstring_examples() -> None:
    assert doctest.testmod(nik).failed == 0
