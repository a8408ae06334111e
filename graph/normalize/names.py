"""Person and organisation names: a comparable ``name_norm`` and a similarity score.

Examples
--------
>>> normalize_name("Drs. H. Budi Santoso, S.H., M.H.")
'budi santoso'
>>> normalize_name("AKBP (Purn.) Ni Luh Putu Ayu")
'ni luh putu ayu'
>>> name_similarity("budi santoso", "santoso budi")
1.0
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

__all__ = ["name_similarity", "normalize_name"]

# Titles are matched on a *key*: the token folded to lower case with dots and
# brackets removed, so "S.H.", "SH", "S.H" and "(Purn.)" all match.

_HONORIFICS = frozenset({"bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari"})

# Titles that only ever come before a name. Kept apart from the degrees because
# several are also initials ("H." is Haji before a name, an initial after it).
_PREFIX_TITLES = _HONORIFICS | frozenset(
    {"h", "hj", "kh", "drs", "dra", "dr", "ir", "prof", "pol", "purn"}
)

# Academic degrees, written after the name.
_SUFFIX_TITLES = frozenset(
    {
        "sh", "se", "ssos", "spd", "skom", "st", "ssi", "sag", "shi", "sip", "skm", "sked",
        "spsi", "amd", "msi", "mh", "mm", "mpd", "mkom", "mt", "mag", "msc", "mba", "phd",
        "lc",
    }
)  # fmt: skip

# Police (Polri) and military (TNI) ranks, low to high; they are written before
# the name, but rosters sometimes put them after it ("Budi Santoso, AKP").
_RANKS = frozenset(
    {
        # Polri
        "bharada", "bharatu", "bharaka", "abripda", "abriptu", "abrip", "bripda", "briptu",
        "brigpol", "brigadir", "bripka", "aipda", "aiptu", "ipda", "iptu", "akp", "kompol",
        "akbp", "kombes", "kombespol", "brigjen", "brigjenpol", "irjen", "irjenpol",
        "komjen", "komjenpol", "jenderal", "jendral",
        # TNI
        "prada", "pratu", "praka", "kopda", "koptu", "kopka", "serda", "sertu", "serka",
        "serma", "pelda", "peltu", "letda", "lettu", "kapten", "mayor", "letkol", "kolonel",
        "mayjen", "letjen", "laksma", "laksda", "laksdya", "marsma", "marsda",
        "marsdya", "laksamana", "marsekal",
    }
)  # fmt: skip

_LEADING = _PREFIX_TITLES | _RANKS
_TRAILING = _SUFFIX_TITLES | _RANKS

_TOKEN_SPLIT = re.compile(r"[\s,;]+")
_KEY_DROP = re.compile(r"[.()\[\]]")
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_NOT_WORD = re.compile(r"[^\w]|_")
_SPACES = re.compile(r"\s+")


def normalize_name(raw: str) -> str:
    """Return ``name_norm``: the name folded for comparison.

    Parameters
    ----------
    raw : str
        The name as written in the source, titles and all.

    Returns
    -------
    str
        NFKC, lower case, accents folded, titles/ranks/honorifics stripped from
        both ends, punctuation removed, single spaces. ``""`` for a blank input.

    Notes
    -----
    Titles are stripped only at the start or end, as whole tokens (commas count
    as separators, so ``"Budi Santoso, S.H., M.H."`` works), never from the
    middle: ``"Haji"`` or ``"Kapten"`` can be part of a real name. Prefix titles
    glued to the name by a dot (``"Hj.Siti"``) are split off first.
    A name that is nothing but titles is kept rather than emptied, because an
    empty ``name_norm`` would match nothing and hide the record.
    Apostrophes are deleted (``Ma'ruf`` and ``Maruf`` are one spelling); other
    punctuation becomes a space.
    """
    text = _fold(raw)
    tokens = _split_glued_prefixes([t for t in _TOKEN_SPLIT.split(text) if t])
    tokens = _strip_titles(tokens)
    joined = " ".join(tokens)
    joined = _APOSTROPHES.sub("", joined)
    joined = _NOT_WORD.sub(" ", joined)
    return _SPACES.sub(" ", joined).strip()


def name_similarity(a_norm: str, b_norm: str) -> float:
    """Similarity of two ``name_norm`` values, from 0 (unrelated) to 1 (same tokens).

    Parameters
    ----------
    a_norm, b_norm : str
        Outputs of :func:`normalize_name`.

    Returns
    -------
    float
        ``rapidfuzz.fuzz.token_sort_ratio / 100``; 0.0 if either name is empty.

    Notes
    -----
    ``token_sort_ratio`` ignores word order (rosters write "Santoso Budi" as
    often as "Budi Santoso") but, unlike ``WRatio``, does not reward one name
    being contained in another: with ``WRatio`` "budi" vs "budi santoso" scores
    0.9, and a one-word name as common as Budi would become a candidate match
    for thousands of people. Candidates are for an investigator to confirm, so
    a score that says "only partly the same name" is the honest one.
    """
    if not a_norm or not b_norm:
        return 0.0
    return float(fuzz.token_sort_ratio(a_norm, b_norm)) / 100.0


def _fold(raw: str) -> str:
    """NFKC, case fold, then drop combining accents (``"Désa"`` → ``"desa"``)."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _key(token: str) -> str:
    return _KEY_DROP.sub("", token)


def _split_glued_prefixes(tokens: list[str]) -> list[str]:
    """Split ``"drs.h.budi"`` into ``["drs.", "h.", "budi"]`` at the start of a name."""
    out: list[str] = []
    rest = list(tokens)
    while rest:
        head, dot, tail = rest[0].partition(".")
        if dot and tail and _key(head) in _PREFIX_TITLES:
            out.append(head + dot)
            rest[0] = tail
            continue
        break
    return out + rest


def _strip_titles(tokens: list[str]) -> list[str]:
    start, end = 0, len(tokens)
    while end - start > 1 and _key(tokens[start]) in _LEADING:
        start += 1
    while end - start > 1:
        width = _trailing_title_width(tokens[start:end])
        if width == 0:
            break
        end -= width
    return tokens[start:end]


def _trailing_title_width(tokens: list[str]) -> int:
    """How many tokens at the end form one title: 1 for ``"S.H."``, 2 for ``"S. H."``.

    Spaced degrees are only recognised when every part carries a dot, so that a
    final initial without dot (``"Budi S"``) is never mistaken for a degree.
    """
    if _key(tokens[-1]) in _TRAILING:
        return 1
    for width in (2, 3):
        if len(tokens) <= width:
            break
        parts = tokens[-width:]
        if all("." in p for p in parts) and "".join(map(_key, parts)) in _SUFFIX_TITLES:
            return width
    return 0
