"""Money amounts in Indonesian or plain/English notation, and currency codes.

Reading rules (the separators are the only hard part):

1. Only digits: an integer (``1500000``).
2. Both ``.`` and ``,``: the one that comes last is the decimal separator and
   appears once; the other separates groups of three (``1.500.000,50``,
   ``1,500,000.00``).
3. Only ``.``: several dots separate thousands (``1.500.000``). A single dot
   followed by exactly three digits, after a 1-3 digit group not starting with
   0, is Indonesian thousands (``1.500`` is 1500): the bundle contract is
   Indonesian notation, and a rupiah amount with three decimals does not occur.
   Any other single dot is a decimal point (``1500000.50``, ``0.500``).
4. Only ``,``: several commas are English thousands (``1,500,000``). A single
   comma is a decimal comma (``1500,5``, ``1.500,50`` style), *except* when it
   is followed by exactly three digits after a 1-3 digit group (``1,500``):
   that is English 1500 or Indonesian 1.5, and guessing wrong is a factor of
   1000 on money, so it is rejected as ambiguous.

Thousands groups must be well formed (``1.50.0`` is rejected). A currency
marker ``Rp``/``Rp.``/``IDR`` before or after the number, the "no cents" tail
``,-``, a sign, and accounting brackets ``(1.500)`` for negatives are accepted.

Examples
--------
>>> parse_amount("Rp 1.500.000,-")
Decimal('1500000')
>>> parse_amount("1,500,000.00")
Decimal('1500000.00')
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from graph.normalize.errors import NormalizeError

__all__ = ["amount_to_float", "parse_amount", "parse_currency"]

DEFAULT_CURRENCY = "IDR"

_CURRENCY = r"(?:rp\.?|idr)"
_AMOUNT = re.compile(
    rf"(?P<sign1>[-+]?)\s*(?P<cur1>{_CURRENCY})?\s*(?P<sign2>[-+]?)\s*"
    rf"(?P<num>\d(?:[\d.,]*\d)?)(?P<nocents>[.,]-)?\s*(?P<cur2>{_CURRENCY})?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]{3}")


def parse_amount(raw: str) -> Decimal:
    """Parse an amount cell to a :class:`~decimal.Decimal`.

    Parameters
    ----------
    raw : str
        ``1500000``, ``1500000.50``, ``1.500.000``, ``1.500.000,50``,
        ``Rp 1.500.000,-``, ``Rp1.500.000``, ``IDR 1.500.000,00``, ``1,500,000.00``…

    Returns
    -------
    decimal.Decimal
        The exact value, keeping the written decimals. Zero and negative values
        are returned as such; whether they are allowed is the caller's rule.

    Raises
    ------
    NormalizeError
        For an empty, malformed or ambiguous value (see the module docstring).
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise NormalizeError("empty amount")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise NormalizeError(f"bad amount '{raw}': not a number")
    if match["cur1"] and match["cur2"]:
        raise NormalizeError(f"bad amount '{raw}': currency written twice")
    signs = match["sign1"] + match["sign2"]
    if len(signs) > 1 or (signs and negative):
        raise NormalizeError(f"bad amount '{raw}': more than one sign")
    negative = negative or signs == "-"
    value = Decimal(_plain_number(match["num"], raw))
    return -value if negative else value


def amount_to_float(value: Decimal) -> float:
    """Convert for stores without a decimal type (Neo4j); whole rupiah below 2**53 stay exact."""
    return float(value)


def parse_currency(raw: str | None) -> str:
    """Return an upper-case 3-letter currency code; blank or missing means ``IDR``.

    ``Rp`` is accepted as IDR, since that is how rupiah are written. The code is
    not checked against ISO 4217: a well-formed unknown code is kept, not guessed.

    Raises
    ------
    NormalizeError
        If the value is not three letters.
    """
    text = (raw or "").strip().upper()
    if not text:
        return DEFAULT_CURRENCY
    if text in {"RP", "RP."}:
        return DEFAULT_CURRENCY
    if not _CODE.fullmatch(text):
        raise NormalizeError(f"bad currency '{raw}': expected a 3-letter code such as IDR")
    return text


def _plain_number(num: str, raw: str) -> str:
    """Rewrite the digits-and-separators part as ``1234.56`` (see module rules)."""
    has_dot, has_comma = "." in num, "," in num
    if not has_dot and not has_comma:
        return num
    if has_dot and has_comma:
        decimal_sep = "." if num.rindex(".") > num.rindex(",") else ","
        group_sep = "," if decimal_sep == "." else "."
        whole, fraction = num.rsplit(decimal_sep, 1)
        if decimal_sep in whole:
            raise NormalizeError(f"bad amount '{raw}': '{decimal_sep}' used twice")
        if group_sep in fraction:
            raise NormalizeError(f"bad amount '{raw}': '{group_sep}' after the decimals")
        return _ungroup(whole, group_sep, raw) + "." + fraction
    sep = "." if has_dot else ","
    if num.count(sep) > 1:
        return _ungroup(num, sep, raw)
    whole, fraction = num.split(sep)
    if _is_grouped(num, sep):
        if sep == ".":
            return whole + fraction
        raise NormalizeError(
            f"bad amount '{raw}': ambiguous, ',' before 3 digits may be thousands or decimals"
        )
    return whole + "." + fraction


def _is_grouped(num: str, sep: str) -> bool:
    """True for well-formed thousands groups: ``1.500``, ``12.500.000``; not ``0.500``."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", num) is not None


def _ungroup(num: str, sep: str, raw: str) -> str:
    if not _is_grouped(num, sep):
        raise NormalizeError(f"bad amount '{raw}': '{sep}' must separate groups of 3 digits")
    return num.replace(sep, "")
