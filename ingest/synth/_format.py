"""How values are *written*: the messy forms real exports use.

Values are kept canonical inside the generator (rupiah as ``int``, phones as
E.164 digits without ``+``) and only take a written form here, so the truth the
tests check never depends on a formatting choice.
"""

from __future__ import annotations

AMOUNT_STYLES = 5
PHONE_STYLES = 6


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def amount(n: int, style: int, cents: int = 0) -> str:
    """Rupiah amount ``n`` in one of the Indonesian written forms.

    A lone dot group such as ``25.000`` is never produced: a reader could take
    it for twenty-five, so small amounts always carry ``Rp``, a decimal comma
    or no separator at all.
    """
    if cents:
        return f"{_dotted(n)},{cents:02d}"
    if style == 0:
        return f"Rp {_dotted(n)},-"
    if style == 1 and n >= 1_000_000:
        return _dotted(n)
    if style == 2:
        return f"{_dotted(n)},00"
    if style == 3:
        return f"Rp{_dotted(n)}"
    return str(n)


def phone(canon: str, style: int) -> str:
    """A phone held as ``62…`` digits, written the way people write it."""
    if canon.startswith("628"):
        national = "0" + canon[2:]
        if style == 0:
            return national
        if style == 1:
            return f"{national[:4]}-{national[4:8]}-{national[8:]}"
        if style == 2:
            rest = canon[2:]
            return f"+62 {rest[:3]} {rest[3:7]} {rest[7:]}"
        if style == 3:
            return canon
        if style == 4:
            return "+" + canon
        return f"{national[:4]} {national[4:8]} {national[8:]}"
    # Landlines: a 3-digit area code after the trunk 0, e.g. (0355) 321456.
    area, local = canon[2:5], canon[5:]
    if style % 2:
        return f"(0{area}) {local}"
    return f"0{area}-{local}"
