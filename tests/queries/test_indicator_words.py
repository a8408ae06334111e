"""Evidence sentences in Bahasa Indonesia carry no English codes: relation details,
case outcomes and hours are worded (issue 18, one presentation)."""

from __future__ import annotations

from queries.protectors.words import describe


def test_relation_details_are_words() -> None:
    facts = {"count": 2, "amount": 1_000_000.0, "relations": ["family:spouse", "family:in_law"]}
    said = describe("money", facts, "id")
    assert "suami/istri" in said and "spouse" not in said and "in_law" not in said
    assert "spouse, in-law" in describe("money", facts, "en")


def test_case_outcomes_are_words() -> None:
    facts = {"stalled": 1, "sp3_quick": 2, "p21": 1, "net": 1.5}
    said = describe("cases", facts, "id")
    assert "1 mandek" in said and "2 SP3 cepat" in said and "1 P21" in said
    assert "stalled" not in said and "sp3_quick" not in said
    assert "1 stalled" in describe("cases", facts, "en")


def test_hours_have_a_decimal_comma_in_bahasa() -> None:
    facts = {"calls": 2, "raids": 1, "min_hours_before": 8.5}
    assert "8,5 jam" in describe("tipoff", facts, "id")
    assert "8.5 h" in describe("tipoff", facts, "en")
    assert "8 jam" in describe("tipoff", {**facts, "min_hours_before": 8.0}, "id")


def test_board_roles_by_the_models_names() -> None:
    facts = {"roles": ["DIRECTOR_OF", "OWNER_OF"], "via_relative": True}
    said = describe("organizations", facts, "id")
    assert "(direktur, pemilik)" in said and "director" not in said
    assert "(director, owner)" in describe("organizations", facts, "en")
