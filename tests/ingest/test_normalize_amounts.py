"""Amounts in Indonesian, plain and English notation; currency codes."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from graph.normalize import (
    NormalizeError,
    amount_to_float,
    amounts,
    parse_amount,
    parse_currency,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1500000", "1500000"),
        ("1500000.50", "1500000.50"),
        ("1.500.000", "1500000"),
        ("1.500.000,50", "1500000.50"),
        ("1.500.000,5", "1500000.5"),
        ("Rp 1.500.000,-", "1500000"),
        ("Rp1.500.000", "1500000"),
        ("Rp. 2.000.000", "2000000"),
        ("rp 750.000", "750000"),
        ("IDR 1.500.000,00", "1500000.00"),
        ("1500000 IDR", "1500000"),
        ("1.500.000,- ", "1500000"),
        ("1,500,000.00", "1500000.00"),
        ("1,500,000", "1500000"),
        ("12.345.678.901", "12345678901"),
        ("0", "0"),
        ("0,00", "0.00"),
        ("007", "7"),
    ],
)
def test_accepted_notations(raw: str, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)
    assert str(parse_amount(raw)) == expected  # written decimals are kept


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.500", "1500"),  # single dot + 3 digits: Indonesian thousands
        ("25.000", "25000"),
        ("1.5", "1.5"),  # any other single dot: decimal point
        ("1.50", "1.50"),
        ("0.500", "0.500"),  # a 0 group is never a thousands group
        ("1500.000", "1500.000"),  # a 4-digit group is not a thousands group either
        ("1,5", "1.5"),  # single comma + 1-2 digits: decimal comma
        ("1500,50", "1500.50"),
        ("1,5000", "1.5000"),
    ],
)
def test_single_separator_ambiguity_rules(raw: str, expected: str) -> None:
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-1.500", "-1500"),
        ("-Rp 1.500", "-1500"),
        ("Rp -1.500", "-1500"),
        ("(1.500.000)", "-1500000"),  # accounting brackets
        ("+1.500", "1500"),
    ],
)
def test_signs_are_parsed_not_judged(raw: str, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty amount"),
        ("   ", "empty amount"),
        ("abc", "bad amount 'abc': not a number"),
        ("Rp", "bad amount 'Rp': not a number"),
        ("1,5 jt", "bad amount '1,5 jt': not a number"),
        ("USD 100", "bad amount 'USD 100': not a number"),
        ("1 500 000", "bad amount '1 500 000': not a number"),
        ("1.500.000,", "bad amount '1.500.000,': not a number"),
        (".5", "bad amount '.5': not a number"),
        ("1.50.0", "bad amount '1.50.0': '.' must separate groups of 3 digits"),
        ("1.5000.000", "bad amount '1.5000.000': '.' must separate groups of 3 digits"),
        ("1,50,000", "bad amount '1,50,000': ',' must separate groups of 3 digits"),
        ("15.00.000,00", "bad amount '15.00.000,00': '.' must separate groups of 3 digits"),
        ("1.500,000,50", "bad amount '1.500,000,50': ',' used twice"),
        ("1,500.000.5", "bad amount '1,500.000.5': '.' used twice"),
        ("1.500,5.0", "bad amount '1.500,5.0': '.' used twice"),
        (
            "1,500",
            "bad amount '1,500': ambiguous, ',' before 3 digits may be thousands or decimals",
        ),
        ("Rp 1.500 IDR", "bad amount 'Rp 1.500 IDR': currency written twice"),
        ("--5", "bad amount '--5': more than one sign"),
        ("-(5)", "bad amount '-(5)': not a number"),
        ("(-5)", "bad amount '(-5)': more than one sign"),
    ],
)
def test_rejected_amounts(raw: str, reason: str) -> None:
    with pytest.raises(NormalizeError) as info:
        parse_amount(raw)
    assert str(info.value) == reason


def test_amount_to_float() -> None:
    assert amount_to_float(Decimal("1500000.50")) == 1500000.5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, "IDR"), ("", "IDR"), ("  ", "IDR"), ("idr", "IDR"), (" usd ", "USD"), ("Rp", "IDR"),
     ("SGD", "SGD"), ("MYR", "MYR")],
)  # fmt: skip
def test_parse_currency(raw: str | None, expected: str) -> None:
    assert parse_currency(raw) == expected


@pytest.mark.parametrize("raw", ["US$", "RUPIAH", "12A", "ID", "rp 1"])
def test_bad_currency(raw: str) -> None:
    with pytest.raises(NormalizeError) as info:
        parse_currency(raw)
    assert str(info.value) == f"bad currency '{raw}': expected a 3-letter code such as IDR"


def test_docstring_examples() -> None:
    assert doctest.testmod(amounts).failed == 0
