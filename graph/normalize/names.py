"""Person and organisation names: a comparable ``name_norm`` and a similarity with reasons.

Every word list and rule (titles, ranks, legal forms, old spellings, synonyms, the
weights of a comparison) is read from ``names.toml`` beside this module.

Examples
--------
>>> normalize_name("Drs. H. Budi Santoso, S.H., M.H.")
'budi santoso'
>>> normalize_name("AKBP (Purn.) Ni Luh Putu Ayu")
'ni luh putu ayu'
>>> normalize_name("PT Bank Mandiri (Persero) Tbk")
'bank mandiri'
>>> name_similarity("budi santoso", "santoso budi")
1.0
>>> compare_names("Djoko Tjahjono", "Joko Cahyono")
NameMatch(score=1.0, notes=('spelling variant',))
>>> compare_names("Noordin M. Top", "Noordin Mohammed Top")
NameMatch(score=0.9563, notes=('initial',))
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from rapidfuzz import fuzz

__all__ = [
    "CONFIG",
    "NameMatch",
    "check_table",
    "compare_names",
    "name_forms",
    "name_similarity",
    "name_variants",
    "normalize_name",
]


# -- the table ----------------------------------------------------------------------------

_KEYS: Final = {
    "titles": {"honorifics", "prefix", "suffix", "ranks"},
    "legal_forms": {"prefix", "suffix"},
    "names": {"patronymic", "alias"},
    "spelling": None,  # a list of {from, to}
    "spelling_marks": {"old"},
    "synonyms": None,  # free keys
    "compare": {"initial", "patronymic_dropped", "word_floor", "subset"},
    "candidates": {"threshold", "blocks", "rare_name", "organizations", "abbreviations"},
}


def _load() -> dict[str, Any]:
    text = resources.files("graph.normalize").joinpath("names.toml").read_text("utf-8")
    return check_table(tomllib.loads(text))


def check_table(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` if it has every section and key of ``names.toml`` and no other, else raise.

    Raises
    ------
    ValueError
        Naming the section and the unknown or missing keys: a misspelt key must not
        load silently.
    """
    unknown = set(data) - set(_KEYS)
    for section, keys in _KEYS.items():
        if section not in data:
            raise ValueError(f"names.toml: section [{section}] is missing")
        if keys is not None:
            extra = set(data[section]) - keys
            missing = keys - set(data[section])
            if extra or missing:
                raise ValueError(
                    f"names.toml [{section}]: unknown {sorted(extra)}, missing {sorted(missing)}"
                )
    if unknown:
        raise ValueError(f"names.toml: unknown sections {sorted(unknown)}")
    for rule in data["spelling"]:
        if set(rule) != {"from", "to"}:
            raise ValueError(f"names.toml [[spelling]]: needs exactly 'from' and 'to': {rule}")
    return data


#: The parsed ``names.toml`` (read once, checked for unknown and missing keys).
CONFIG: Final[dict[str, Any]] = _load()

_T = CONFIG["titles"]
_HONORIFICS = frozenset(_T["honorifics"])
# Titles that only ever come before a name. Kept apart from the degrees because
# several are also initials ("H." is Haji before a name, an initial after it).
_PREFIX_TITLES = _HONORIFICS | frozenset(_T["prefix"])
_SUFFIX_TITLES = frozenset(_T["suffix"])
_RANKS = frozenset(_T["ranks"])
_LEGAL_PREFIX = frozenset(CONFIG["legal_forms"]["prefix"])
_LEGAL_SUFFIX = frozenset(CONFIG["legal_forms"]["suffix"])

_LEADING = _PREFIX_TITLES | _RANKS | _LEGAL_PREFIX
_TRAILING = _SUFFIX_TITLES | _RANKS | _LEGAL_SUFFIX
_DOTTED_TRAILING = _SUFFIX_TITLES | _LEGAL_SUFFIX
_TITLE_WORDS = _LEADING | _TRAILING

_PATRONYMIC = frozenset(CONFIG["names"]["patronymic"])
_SPELLING: Final = tuple((r["from"], r["to"]) for r in CONFIG["spelling"])
_OLD_MARKS: Final = tuple(CONFIG["spelling_marks"]["old"])
_INITIAL: Final[float] = float(CONFIG["compare"]["initial"])
_PATRONYMIC_DROPPED: Final[float] = float(CONFIG["compare"]["patronymic_dropped"])
_WORD_FLOOR: Final[float] = float(CONFIG["compare"]["word_floor"])
_SUBSET: Final[float] = float(CONFIG["compare"]["subset"])

_TOKEN_SPLIT = re.compile(r"[\s,;]+")
_KEY_DROP = re.compile(r"[.()\[\]]")
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_NOT_WORD = re.compile(r"[^\w]|_")
_SPACES = re.compile(r"\s+")
_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")
_ALIAS = re.compile(
    r"\s*@\s*|(?:^|\s+)(?:"
    + "|".join(re.escape(w) for w in CONFIG["names"]["alias"] if w != "@")
    + r")\.?\s+|(?:^|\s+)a\.k\.a\.?\s+",
    re.IGNORECASE,
)
_BARE_J = re.compile(r"(?<![dtsn])j")
_DOUBLED = re.compile(r"(.)\1+")


# -- name_norm ----------------------------------------------------------------------------


def normalize_name(raw: str) -> str:
    """Return ``name_norm``: the name folded for comparison.

    Parameters
    ----------
    raw : str
        The name as written in the source, titles and all.

    Returns
    -------
    str
        NFKC, lower case, accents folded, titles/ranks/honorifics and legal forms
        (``PT``, ``Tbk``, ``AG`` …) stripped from both ends, punctuation removed,
        single spaces. ``""`` for a blank input.

    Notes
    -----
    Titles are stripped only at the start or end, as whole tokens (commas count
    as separators, so ``"Budi Santoso, S.H., M.H."`` works), never from the
    middle: ``"Haji"`` or ``"Kapten"`` can be part of a real name. Prefix titles
    glued to the name by a dot (``"Hj.Siti"``) are split off first.
    A name that is nothing but titles is kept rather than emptied, because an
    empty ``name_norm`` would match nothing and hide the record.
    Apostrophes are deleted (``Ma'ruf`` and ``Maruf`` are one spelling); other
    punctuation becomes a space. Old spellings are *not* folded here: ``name_norm``
    is what search and blocking compare exactly; :func:`compare_names` folds them.
    """
    text = _fold(raw)
    tokens = _split_glued_prefixes([t for t in _TOKEN_SPLIT.split(text) if t])
    tokens = _strip_titles(tokens)
    joined = " ".join(tokens)
    joined = _APOSTROPHES.sub("", joined)
    joined = _NOT_WORD.sub(" ", joined)
    return _SPACES.sub(" ", joined).strip()


# -- forms and comparison -----------------------------------------------------------------


@dataclass(frozen=True)
class NameMatch:
    """How alike two names are: ``score`` in [0, 1] and what made them alike."""

    score: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Form:
    words: tuple[str, ...]  # spelling-folded words, comparable
    plain: tuple[str, ...]  # the same words before spelling folding
    weight: float  # 1.0, or less for a form with the bin/binti part left out
    notes: tuple[str, ...]


def name_forms(raw: str) -> list[tuple[str, ...]]:
    """The comparable word lists of a name cell: one per alternative name.

    ``"Mohamed Saifuddin (alias Faiz)"`` gives ``[("muhammad", "saifudin"), ("faiz",)]``;
    a ``bin``/``binti`` name also gives the form without the father's name.

    >>> name_forms("Djoko Tjahjono")
    [('joko', 'cahyono')]
    >>> name_forms("Amrozi bin Nurhasyim")
    [('amrozi', 'nurhasyim'), ('amrozi',)]
    """
    return [f.words for f in _forms(raw)]


def name_variants(raw: str) -> list[str]:
    """Every name a cell holds, as ``name_norm`` would be: aliases, without bin/binti.

    >>> name_variants("Slamet Riyadi bin Karto (alias Memet)")
    ['slamet riyadi karto', 'slamet riyadi', 'memet']
    """
    return list(dict.fromkeys(" ".join(f.plain) for f in _forms(raw) if f.plain))


def compare_names(
    a: str, b: str, *, a_aliases: tuple[str, ...] = (), b_aliases: tuple[str, ...] = ()
) -> NameMatch:
    """Compare two names as written (titles, old spellings, initials, aliases and all).

    Parameters
    ----------
    a, b : str
        Names as written, or ``name_norm`` values (folding is idempotent).
    a_aliases, b_aliases : tuple of str
        Other names of each record; the best pair of names counts.

    Returns
    -------
    NameMatch
        ``score``: the best weighted word alignment over every pair of forms (see
        Notes), rounded to 4 places; ``notes``: why it is not a plain match
        (``"spelling variant"``, ``"initial"``, ``"alias"``, ``"without bin/binti"``,
        ``"titles left out"``, ``"legal form left out"``).

    Notes
    -----
    Words are aligned one to one, in any order (rosters write "Santoso Budi" as often
    as "Budi Santoso"), to maximise the sum of ``similarity × length`` over aligned
    pairs (a pair weighs twice its longer word); a word left without partner counts
    its length with similarity 0, so ``"budi"`` vs ``"budi santoso"`` is 8/15, not a
    near-identity: a one-word name as common as
    Budi must not become a candidate for thousands of people. Two words are alike
    by :func:`rapidfuzz.fuzz.ratio` after spelling folding (``j``/``y`` as one
    letter), 1.0 when equal, ``[compare] initial`` when one is the other's initial,
    0 below ``[compare] word_floor``. A name of two words or more found whole in a
    longer one scores at least ``[compare] subset``.
    """
    forms_a = [f for n in (a, *a_aliases) for f in _forms(n, alias=n is not a)]
    forms_b = [f for n in (b, *b_aliases) for f in _forms(n, alias=n is not b)]
    best = NameMatch(0.0)
    for fa, fb in itertools.product(forms_a, forms_b):
        score, notes = _align(fa.words, fb.words, fa.plain, fb.plain)
        score *= min(fa.weight, fb.weight)
        if score > best.score:
            best = NameMatch(round(score, 4), tuple(sorted({*notes, *fa.notes, *fb.notes})))
    left_out = {n for name in (a, b) if (n := _left_out(name))}
    if best.score and left_out:
        best = NameMatch(best.score, tuple(sorted({*best.notes, *left_out})))
    return best


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names from 0 (unrelated) to 1 (same name): ``compare_names().score``.

    ``0.0`` if either name is empty.
    """
    if not a.strip() or not b.strip():
        return 0.0
    return compare_names(a, b).score


@functools.lru_cache(maxsize=65_536)
def _forms(raw: str, alias: bool = False) -> tuple[_Form, ...]:
    texts = [_BRACKETS.sub(" ", raw)] + [m.group(1) for m in _BRACKETS.finditer(raw)]
    out: list[_Form] = []
    for i, text in enumerate(texts):
        for j, part in enumerate(p for p in _ALIAS.split(text) if p.strip()):
            words = normalize_name(part).split()
            if not words or (i > 0 and all(w in _TITLE_WORDS for w in words)):
                continue  # "(Purn.)", "(Persero)": a title in brackets, not a name
            notes = ("alias",) if alias or i > 0 or j > 0 else ()
            cut = next((k for k, w in enumerate(words) if k > 0 and w in _PATRONYMIC), None)
            plain = tuple(w for w in words if w not in _PATRONYMIC) or tuple(words)
            out.append(_Form(_fold_words(plain), plain, 1.0, notes))
            if cut is not None:
                head = tuple(words[:cut])
                out.append(
                    _Form(_fold_words(head), head, _PATRONYMIC_DROPPED,
                          (*notes, "without bin/binti"))
                )  # fmt: skip
    return tuple(out)


def _fold_words(words: tuple[str, ...]) -> tuple[str, ...]:
    old = any(m in w for w in words for m in _OLD_MARKS)
    return tuple(_fold_word(w, old) for w in words)


@functools.lru_cache(maxsize=65_536)
def _fold_word(word: str, old: bool) -> str:
    if old:
        word = _BARE_J.sub("y", word)
    for src, dst in _SPELLING:
        word = word.replace(src, dst)
    word = _DOUBLED.sub(r"\1", word)
    if len(word) > 2 and word.endswith("y"):
        word = word[:-1] + "i"
    return _SYNONYMS.get(word, word)


def _synonyms() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, spellings in CONFIG["synonyms"].items():
        canon = _fold_word.__wrapped__(key, False)
        for s in spellings:
            out[_fold_word.__wrapped__(s, False)] = canon
    return out


_SYNONYMS: dict[str, str] = {}
_SYNONYMS.update(_synonyms())


def _word_similarity(a: str, b: str) -> tuple[float, str | None]:
    if a == b:
        return 1.0, None
    if len(a) == 1 and b.startswith(a) or len(b) == 1 and a.startswith(b):
        return _INITIAL, "initial"
    if len(a) == 1 or len(b) == 1:
        return 0.0, None
    ratio = max(fuzz.ratio(a, b), fuzz.ratio(a.replace("j", "y"), b.replace("j", "y"))) / 100
    return (ratio, None) if ratio >= _WORD_FLOOR else (0.0, None)


def _align(
    a: tuple[str, ...], b: tuple[str, ...], plain_a: tuple[str, ...], plain_b: tuple[str, ...]
) -> tuple[float, set[str]]:
    """Best one-to-one alignment of words, weighted by length; and its notes."""
    if not a or not b:
        return 0.0, set()
    swap = len(a) > len(b)
    short, long_ = (b, a) if swap else (a, b)
    p_short, p_long = (plain_b, plain_a) if swap else (plain_a, plain_b)
    sims = [[_word_similarity(s, t) for t in long_] for s in short]
    orders: Iterable[tuple[int, ...]] = (
        itertools.permutations(range(len(long_)), len(short))
        if len(long_) <= 7
        else [_greedy(sims)]  # beyond seven words permutations would be too many
    )
    best, best_order = -1.0, tuple[int, ...]()
    for order in orders:
        got = 0.0
        for i, j in enumerate(order):
            got += sims[i][j][0] * 2 * max(len(short[i]), len(long_[j]))
        if got > best:
            best, best_order = got, order
    # A pair's weight is the longer word (twice: it stands for both words), so an
    # initial counts as fully as the name it stands for; unaligned words count as is.
    aligned: set[int] = set(best_order)
    denom = sum(2 * max(len(short[i]), len(long_[j])) for i, j in enumerate(best_order))
    denom += sum(len(long_[j]) for j in range(len(long_)) if j not in aligned)
    notes: set[str] = set()
    for i, j in enumerate(best_order):
        sim, note = sims[i][j]
        if note:
            notes.add(note)
        elif sim == 1.0 and p_short[i] != p_long[j]:
            notes.add("spelling variant")  # equal only once folded ("Tjahjono", "Cahyono")
    score = best / denom if denom else 0.0
    exact = all(sims[i][j][0] == 1.0 for i, j in enumerate(best_order))
    if len(short) >= 2 and len(long_) > len(short) and exact and score < _SUBSET:
        return _SUBSET, notes | {"words left out"}  # "Noordin Top" ~ "Noordin Mohammed Top"
    return score, notes


def _greedy(sims: list[list[tuple[float, str | None]]]) -> tuple[int, ...]:
    taken: set[int] = set()
    order: list[int] = []
    for row in sims:
        j = max((j for j in range(len(row)) if j not in taken), key=lambda j: row[j][0])
        taken.add(j)
        order.append(j)
    return tuple(order)


def _left_out(raw: str) -> str | None:
    """What :func:`normalize_name` strips from ``raw``: a note for the comparison."""
    words = [t for t in _TOKEN_SPLIT.split(_fold(raw)) if t]
    if not words:
        return None
    ends = {_key(words[0]), _key(words[-1]), _key(words[0].split(".")[0])}
    if ends & (_LEGAL_PREFIX | _LEGAL_SUFFIX):
        return "legal form left out"
    if (
        _key(words[0]) in _LEADING
        or _key(words[-1]) in _TRAILING
        or ("." in words[0] and _key(words[0].split(".")[0]) in _PREFIX_TITLES)
    ):
        return "titles left out"
    return None


# -- helpers ------------------------------------------------------------------------------


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
        if all("." in p for p in parts) and "".join(map(_key, parts)) in _DOTTED_TRAILING:
            return width
    return 0
