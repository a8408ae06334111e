"""Phone numbers: any common Indonesian spelling to E.164.

Examples
--------
>>> normalize_phone("0812-3456-7890")
'+6281234567890'
>>> normalize_phone("(0355) 321456")
'+62355321456'
>>> split_multi(" 0812 | | +62 811 ")
['0812', '+62 811']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import phonenumbers

from graph.normalize.errors import NormalizeError

__all__ = ["normalize_phone", "split_multi"]

MULTI_SEPARATOR = "|"

_NON_DIGITS = re.compile(r"\D")


def split_multi(raw: str) -> list[str]:
    """Split a ``|``-separated multi-valued cell (aliases, phones).

    Parameters
    ----------
    raw : str
        The cell as read from the CSV file.

    Returns
    -------
    list of str
        The values, each trimmed, in their original order; empty values are dropped.
    """
    return [part.strip() for part in raw.split(MULTI_SEPARATOR) if part.strip()]


#: Spellings that differ from their digits only by separators: ``0812-3456-7890``,
#: ``0812 3456 7890``, ``(0812) 3456.7890`` and ``081234567890`` are one number.
_SEPARATED = re.compile(r"\+?[0-9 ()./-]+")


@functools.lru_cache(maxsize=262_144)  # CDRs repeat the same numbers: parse each once
def normalize_phone(raw: str, region: str = "ID") -> str:
    """Normalise one phone number to E.164 (``+6281234567890``).

    Parameters
    ----------
    raw : str
        A single number as written: ``0812-3456-7890``, ``+62 812 3456 7890``,
        ``6281234567890``, ``0062 812 3456 7890``, ``(0355) 321456``, ``0812.3456.7890``.
    region : str
        ISO 3166 region used for numbers written without a country code.

    Returns
    -------
    str
        The number in E.164 form.

    Raises
    ------
    NormalizeError
        If the value is empty, contains letters, or is not a valid number.

    Notes
    -----
    Two spellings are rewritten before ``phonenumbers`` sees them, because it
    reads both as national numbers of ``region``:

    - a bare ``62…`` (no ``+``, no trunk ``0``) is Indonesia's country code
      without its plus, as exported by WhatsApp and most CDR systems; the
      ``+62…`` reading is used whenever it is a valid number;
    - a leading ``00`` is the international call prefix written instead of ``+``.

    Letters are rejected rather than read as a vanity keypad (``phonenumbers``
    would turn ``0812abc`` into ``0812222``): in case files a letter means a
    note or a typo, not a vanity number.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if _SEPARATED.fullmatch(text) and "(0)" not in text:
        # One parse per number, whatever its separators (a CDR spells one number
        # many ways); "+62 (0)812…" is left to the full parse below.
        digits = _NON_DIGITS.sub("", text)
        if digits:
            try:
                return _normalize_digits(_digit_key(text, digits, region), region)
            except NormalizeError as exc:
                raise NormalizeError(str(exc).replace("{raw}", raw)) from None
    return _normalize_text(raw, text, region)


def _digit_key(text: str, digits: str, region: str) -> str:
    """The digit string to parse: a trunk-``0`` mobile number as its ``+62`` form.

    ``0812 3456 7890``, ``62 812 3456 7890``, ``0062 812 3456 7890`` and
    ``+62 812 3456 7890`` are one number and one parse. Rewritten are: a leading
    ``00`` (the full parse reads it as ``+``); Indonesian mobile numbers with the
    trunk ``0`` (``08``, 9-13 digits: ``phonenumbers`` strips it from every one of
    them); a bare ``628…`` that is a valid mobile number (the full parse prefers the
    ``+62`` reading whenever it is valid). A test checks random spellings of every
    length against the full parse; other national forms keep their own key.
    """
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):  # the international prefix: the full parse reads it as "+"
        return "+" + digits[2:]
    if region == "ID":
        if digits.startswith("08") and 9 <= len(digits) <= 13:
            return "+62" + digits[1:]
        if digits.startswith("628") and _valid_id_mobile(digits[2:]):
            return "+" + digits  # a bare 62 that is a valid number is read as +62
    return digits


@functools.lru_cache(maxsize=262_144)
def _normalize_digits(text: str, region: str) -> str:
    """``text`` is digits with an optional leading ``+``; errors name ``{raw}``."""
    if text.startswith("+628") and _valid_id_mobile(text[3:]):
        return text
    return _normalize_text("{raw}", text, region)


def _matches(desc: phonenumbers.PhoneNumberDesc | None) -> Callable[[str], bool]:
    """A test of a national number against one description of the library's metadata,
    as the library applies it (a possible length, then the whole pattern)."""
    if desc is None or desc.national_number_pattern is None:
        return lambda national: False
    pattern = re.compile(desc.national_number_pattern)
    lengths = frozenset(desc.possible_length or ())
    return lambda national: (not lengths or len(national) in lengths) and bool(
        pattern.fullmatch(national)
    )


_ID = phonenumbers.PhoneMetadata.metadata_for_region("ID")
_ID_GENERAL = _matches(_ID.general_desc if _ID else None)
_ID_MOBILE = _matches(_ID.mobile if _ID else None)


def _valid_id_mobile(national: str) -> bool:
    """``+62`` + ``national`` is a valid Indonesian mobile number, by the library's own
    metadata: a number that fits the general and the mobile description is valid and
    its E.164 form is itself. A new number costs a regular expression instead of a full
    parse (about 100 µs: a call file names hundreds of thousands of numbers); anything
    else still goes through the full parse (a test compares both on random numbers)."""
    return _ID_GENERAL(national) and _ID_MOBILE(national)


def _normalize_text(raw: str, text: str, region: str) -> str:
    if not text:
        raise NormalizeError("empty phone number")
    if any(ch.isalpha() for ch in text):
        raise NormalizeError(f"bad phone '{raw}': contains letters")
    digits = _NON_DIGITS.sub("", text)
    if not text.startswith("+"):
        if digits.startswith("00"):
            text = "+" + digits[2:]
        elif digits.startswith("62") and region == "ID":
            as_international = _parse_valid("+" + digits, region)
            if as_international is not None:
                return as_international
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise NormalizeError(f"bad phone '{raw}': not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise NormalizeError(f"bad phone '{raw}': not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_valid(text: str, region: str) -> str | None:
    """Return ``text`` in E.164 if it parses to a valid number, else ``None``."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
