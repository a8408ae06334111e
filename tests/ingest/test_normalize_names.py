"""name_norm and name similarity."""

from __future__ import annotations

import copy
import doctest

import pytest

from graph.normalize import name_similarity, names, normalize_name
from graph.normalize.names import check_table, compare_names, name_forms


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


# -- legal forms, spellings, initials, aliases (issue 19) ------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PT Bank Mandiri (Persero) Tbk", "bank mandiri"),
        ("PT Bank Mandiri Persero Tbk", "bank mandiri"),
        ("Bank Mandiri, PT", "bank mandiri"),
        ("CV Maju Jaya", "maju jaya"),
        ("Yayasan Harapan Bangsa", "harapan bangsa"),
        ("Bayerische Motorenwerke (BMW) AG", "bayerische motorenwerke bmw"),
        ("Bank of America N.A.", "bank of america"),
        ("DBS Bank Ltd", "dbs bank"),
        ("PT", "pt"),  # nothing but a legal form: kept, not emptied
    ],
)
def test_legal_forms_are_stripped_like_titles(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Soedjatmoko", "Sujatmoko"),  # oe/u, dj/j
        ("Djoko Tjahjono", "Joko Cahyono"),  # dj/j, tj/c, old j/y
        ("Abu Bakar Bashir", "Abu Bakar Baasyir"),  # sh/sy, doubled vowel
        ("Abu Bakar Ba'asyir", "Abu Bakar Bashir"),
        ("Sjahrir", "Syahrir"),  # sj/sy
        ("Achmad Hasan", "Ahmad Hasan"),  # ch/kh, then the synonym
        ("Mohammed Saifuddin", "Muhammad Saifudin"),
        ("Jusuf Kalla", "Yusuf Kalla"),  # j and y compared as one letter
        ("Njoto", "Nyoto"),  # nj/ny
        ("Hendy Santoso", "Hendi Santoso"),  # final y/i
    ],
)
def test_spelling_variants_are_one_name(a: str, b: str) -> None:
    match = compare_names(a, b)
    assert match.score == 1.0
    assert "spelling variant" in match.notes


def test_an_initial_stands_for_its_name() -> None:
    match = compare_names("Noordin M. Top", "Noordin Mohammed Top")
    assert match.score > 0.85 and match.notes == ("initial",)
    assert compare_names("Noordin K. Top", "Noordin Mohammed Top").score < 0.85


def test_an_alias_in_the_name_cell_is_another_name() -> None:
    for cell in ("Mohamed Saifuddin (alias Faiz)", "Mohamed Saifuddin alias Faiz",
                 "Mohamed Saifuddin als. Faiz", "Mohamed Saifuddin @ Faiz"):  # fmt: skip
        match = compare_names(cell, "Faiz")
        assert match.score == 1.0 and "alias" in match.notes, cell
    assert name_forms("Suramto (Deni)") == [("suramto",), ("deni",)]
    assert name_forms("AKBP (Purn.) Ni Luh") == [("ni", "luh")]  # a title in brackets


def test_bin_binti_part_may_be_left_out() -> None:
    assert name_forms("Amrozi bin Nurhasyim") == [("amrozi", "nurhasyim"), ("amrozi",)]
    match = compare_names("Usman bin Sef", "Usman")
    assert match.score == 0.95 and "without bin/binti" in match.notes
    assert compare_names("Siti binti Ali", "Siti Ali").score == 1.0


def test_a_name_left_out_of_a_longer_one_scores_the_subset_floor() -> None:
    match = compare_names("Noordin Top", "Noordin Mohammed Top")
    assert match.score == 0.86 and "words left out" in match.notes
    assert compare_names("Budi", "Budi Santoso").score < 0.86  # one word is not enough


def test_unlike_words_give_no_credit() -> None:
    # "aceng"/"enceng" (0.73) are two men's names, below the word floor of 0.75
    assert compare_names("Aceng Kurnia", "Enceng Kurnia").score < 0.85
    assert compare_names("Budi Santoso", "Agus Santoso").score == pytest.approx(14 / 22, abs=1e-4)


def test_titles_and_legal_forms_are_noted() -> None:
    assert "titles left out" in compare_names("H. Ahmad Dahlan", "Ahmad Dahlan").notes
    assert "legal form left out" in compare_names("PT Bank Mandiri", "Bank Mandiri").notes


def test_the_table_rejects_unknown_and_missing_keys() -> None:
    data = copy.deepcopy(names.CONFIG)
    data["titles"]["prefixes"] = ["x"]  # misspelt
    with pytest.raises(ValueError, match=r"\[titles\]: unknown \['prefixes'\]"):
        check_table(data)
    data = copy.deepcopy(names.CONFIG)
    del data["compare"]["initial"]
    with pytest.raises(ValueError, match=r"missing \['initial'\]"):
        check_table(data)
    assert check_table(copy.deepcopy(names.CONFIG)) == names.CONFIG
