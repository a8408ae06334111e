"""name_norm and name similarity."""

from __future__ import annotations

import doctest

import pytest

from graph.normalize import name_similarity, names, normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Budi Santoso", "budi santoso"),
        ("  BUDI   santoso ", "budi santoso"),
        # degrees glued by commas, with and without spaces
        ("Budi Santoso, S.H., M.H.", "budi santoso"),
        ("Budi Santoso,S.H.,M.H.", "budi santoso"),
        ("Sri Wahyuni, S.Pd.", "sri wahyuni"),
        ("Agus Salim S.Sos M.Si", "agus salim"),
        ("Eko Prasetyo, S.Kom., S.T., M.M.", "eko prasetyo"),
        ("Ahmad Fauzi, Lc.", "ahmad fauzi"),
        ("Budi Santoso S. H.", "budi santoso"),  # degree written with a space
        # religious and academic prefixes
        ("H. Budi Santoso", "budi santoso"),
        ("Hj. Siti Aminah", "siti aminah"),
        ("Hj.Siti Aminah", "siti aminah"),  # glued by the dot
        ("Drs. H. Budi Santoso, S.H., M.H.", "budi santoso"),
        ("Prof. Dr. Ir. Bambang Wijaya", "bambang wijaya"),
        ("Dra. Endang Lestari", "endang lestari"),
        # police and military ranks, at the start or the end
        ("AKP Dwi Cahyono", "dwi cahyono"),
        ("Bripka Joko Susilo", "joko susilo"),
        ("Kombes Pol. Drs. Hadi Purnomo", "hadi purnomo"),
        ("AKBP (Purn.) Ni Luh Putu Ayu", "ni luh putu ayu"),
        ("Brigjen Pol Rudi Hartono", "rudi hartono"),
        ("Kapten Inf Slamet", "inf slamet"),  # corps marks are not stripped
        ("Serma Suparman", "suparman"),
        ("Dwi Cahyono, AKP", "dwi cahyono"),
        # honorifics
        ("Bapak Slamet Riyadi", "slamet riyadi"),
        ("Bpk. Slamet", "slamet"),
        ("Pak Slamet", "slamet"),
        ("Ibu Sri", "sri"),
        ("Bu Sri, S.E.", "sri"),
        ("Sdr. Andi", "andi"),
        ("Sdri. Rina", "rina"),
        # punctuation, accents, apostrophes
        ("Désa Ngunut", "desa ngunut"),
        ("Ma'ruf Amin", "maruf amin"),
        ("Ma\u2019ruf Amin", "maruf amin"),
        ("Budi-Hartono", "budi hartono"),
        ("M. Yusuf", "m yusuf"),
        ("H.M. Soeharto", "m soeharto"),  # Haji stripped, the initial M. kept
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_titles_in_the_middle_are_kept() -> None:
    # "Haji" and ranks can be part of a real name; only the ends are stripped.
    assert normalize_name("Sudirman H. Santoso") == "sudirman h santoso"
    assert normalize_name("Joko AKP Susilo") == "joko akp susilo"


def test_trailing_initial_is_not_a_degree() -> None:
    # "H." after a name is an initial, not Haji; "S" alone is not S.H.
    assert normalize_name("Budi H.") == "budi h"
    assert normalize_name("Budi S") == "budi s"


def test_a_name_that_is_only_titles_is_not_emptied() -> None:
    assert normalize_name("Bapak") == "bapak"
    assert normalize_name("Pak Haji") == "haji"


def test_blank_name_is_empty() -> None:
    assert normalize_name("") == ""
    assert normalize_name("  ,  ") == ""


def test_similarity_ignores_word_order() -> None:
    assert name_similarity("budi santoso", "santoso budi") == 1.0


def test_similarity_of_identical_names_is_one() -> None:
    assert name_similarity("siti aminah", "siti aminah") == 1.0


def test_similarity_of_spelling_variant() -> None:
    # "budi" aligned with "budi" weighs 2 x 4 at similarity 1; "santoso"/"santosa" weigh
    # 2 x 7 at Indel similarity 1 - 2/14: (8 + 12) / 22.
    assert name_similarity("budi santoso", "budi santosa") == pytest.approx(20 / 22, abs=1e-4)


def test_similarity_does_not_reward_containment() -> None:
    # "budi" is in "budi santoso", but a partial match must not look like a
    # near-identity: the aligned pair weighs 8, the word left over 7: 8 / 15.
    assert name_similarity("budi", "budi santoso") == pytest.approx(8 / 15, abs=1e-4)


def test_similarity_with_an_empty_name_is_zero() -> None:
    assert name_similarity("", "budi") == 0.0
    assert name_similarity("", "") == 0.0


def test_docstring_examples() -> None:
    assert doctest.testmod(names).failed == 0
