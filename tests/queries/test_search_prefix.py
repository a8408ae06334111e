"""A partial phone number, account number or id finds what starts with it, alike in both
stores (the hand-built graph of ``conftest.py``)."""

from __future__ import annotations

import queries
from graph.store import Store

from .conftest import P_F1, P_M1, P_M2, P_O1, P_O2, P_X1


def _found(g: Store, q: str, limit: int = 20) -> list[tuple[str, str, float]]:
    return [(h["id"], h["matched"], h["score"]) for h in queries.search(g, q=q, limit=limit)]


def test_the_start_of_a_phone_number_finds_the_phones_and_their_users(g: Store) -> None:
    for written in ("0812 3456", "+62812-3456", "6281234", "8123456"):
        hits = _found(g, written)
        phones = [h for h in hits if h[1] == "phone_prefix"]
        assert phones == [(P_M1, "phone_prefix", 90.0), (P_M2, "phone_prefix", 90.0)], written
        users = [h[0] for h in hits if h[1] == "phone_user_prefix"]
        assert "t:M1" in users and "t:M2" in users, written
    assert {h[0] for h in _found(g, "0813") if h[1] == "phone_prefix"} == {P_O1, P_O2, P_F1, P_X1}


def test_an_exact_identifier_still_comes_first(g: Store) -> None:
    hits = _found(g, "0812-3456-7890")
    assert hits[:2] == [(P_M1, "phone", 100.0), ("t:M1", "phone_user", 100.0)]


def test_the_start_of_an_account_number_or_an_id(g: Store) -> None:
    assert _found(g, "1234") == [("t:A_M1", "account_prefix", 90.0)]
    ids = _found(g, "t:A_")
    assert [h[0] for h in ids] == ["t:A_M1", "t:A_M2", "t:A_MID", "t:A_O1", "t:A_X1"]
    assert {h[1] for h in ids} == {"id_prefix"}
    assert len(_found(g, "t:A_", limit=2)) == 2


def test_too_short_a_start_finds_nothing_by_prefix(g: Store) -> None:
    assert not [h for h in _found(g, "081") if h[1].endswith("_prefix")]
    assert not [h for h in _found(g, "Budi") if h[1].endswith("_prefix")]
