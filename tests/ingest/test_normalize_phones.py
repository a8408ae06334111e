"""Phone numbers to E.164, and multi-valued cells."""

from __future__ import annotations

import doctest

import pytest

import graph.normalize
from graph.normalize import NormalizeError, normalize_phone, phones, split_multi


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("  0812 3456 7890 ", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("0062 812 3456 7890", "+6281234567890"),
        ("０８１２３４５６７８９０", "+6281234567890"),  # full-width digits, NFKC
        ("(0355) 321456", "+62355321456"),  # Tulungagung landline
        ("0355-321456", "+62355321456"),
        ("021-5551234", "+62215551234"),  # Jakarta landline
        ("0811 2345 678", "+628112345678"),  # 11-digit mobile
    ],
)
def test_indonesian_forms_become_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_bare_62_is_the_country_code_not_an_area_code() -> None:
    # phonenumbers alone reads this as the national number 62355321456.
    assert normalize_phone("62355321456") == "+62355321456"
    assert normalize_phone("62-21-5551234") == "+62215551234"


def test_foreign_number_keeps_its_country() -> None:
    assert normalize_phone("+65 6123 4567") == "+6561234567"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty phone number"),
        ("   ", "empty phone number"),
        ("abc", "bad phone 'abc': contains letters"),
        ("0812abc", "bad phone '0812abc': contains letters"),  # not a vanity keypad
        ("081234", "bad phone '081234': not a valid number"),  # too short
        ("1234", "bad phone '1234': not a valid number"),
        ("+62", "bad phone '+62': not a phone number"),
        ("--", "bad phone '--': not a phone number"),
    ],
)
def test_invalid_numbers_are_rejected_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(NormalizeError) as info:
        normalize_phone(raw)
    assert str(info.value) == reason


def test_normalize_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        normalize_phone("abc")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890 | +62 811 2345 678||", ["0812-3456-7890", "+62 811 2345 678"]),
        ("Budi|Budi Kecil| Pak Bud ", ["Budi", "Budi Kecil", "Pak Bud"]),
        ("single", ["single"]),
        ("", []),
        (" | |", []),
    ],
)
def test_split_multi_trims_and_drops_empties(raw: str, expected: list[str]) -> None:
    assert split_multi(raw) == expected


def test_docstring_examples() -> None:
    assert doctest.testmod(phones).failed == 0


def test_package_all_is_sorted_and_importable() -> None:
    names = graph.normalize.__all__
    assert names == sorted(names)
    assert all(hasattr(graph.normalize, name) for name in names)


def _spellings(seed: int, count: int) -> list[str]:
    """Numbers as people and CDR systems write them: prefixes, separators, lengths."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
        prefix = rng.choice(["0", "+62", "62", "0062", "+1", "", "+", "00", "+62 (0)", "(0"])
        text = prefix + body
        seps = rng.choice(["", " ", "-", ".", "/", "( )"])
        if seps:
            chars = list(text)
            for _ in range(rng.randint(1, 4)):
                chars.insert(rng.randint(0, len(chars)), rng.choice(seps))
            text = "".join(chars)
        out.append(text)
    return out


def test_separator_cache_gives_the_full_parse_answer_for_every_spelling() -> None:
    """The fast path (one parse per digit string) never answers differently from the
    full parse of the spelling as written: same number, or the same error."""

    def outcome(fn: object, *args: str) -> str:
        try:
            return fn(*args)  # type: ignore[operator, no-any-return]
        except NormalizeError as exc:
            return f"error: {exc}"

    for raw in _spellings(seed=7, count=4_000) + _mobile_spellings(seed=11, count=4_000):
        full = outcome(phones._normalize_text, raw, raw.strip(), "ID")
        assert outcome(normalize_phone, raw) == full, raw


def _mobile_spellings(seed: int, count: int) -> list[str]:
    """Indonesian mobile numbers of every length around the valid ones (08…, 9-13 digits
    and beyond), in the forms whose cache key is shared: 08…, +628…, 628…, 00628…."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = "8" + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 13)))
        prefix = rng.choice(["0", "+62", "62", "0062", "+62 ", "0"])
        text = prefix + body
        if rng.random() < 0.5:
            text = text[:4] + rng.choice(" -.") + text[4:]
        out.append(text)
    return out


def test_mobile_shortcut_agrees_with_the_library_on_random_numbers() -> None:
    """``+628…`` numbers of every length: the metadata shortcut calls a number valid
    exactly when the library's full parse does (and both kinds occur)."""
    import random

    import phonenumbers

    rng = random.Random(5)
    verdicts = {True: 0, False: 0}
    for _ in range(20_000):
        national = "8" + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 13)))
        number = phonenumbers.parse("+62" + national, "ID")
        full = phonenumbers.is_valid_number(number) and phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        ) == "+62" + national
        if phones._valid_id_mobile(national):
            assert full, national
        verdicts[phones._valid_id_mobile(national)] += 1
    assert verdicts[True] > 1_000 and verdicts[False] > 1_000
