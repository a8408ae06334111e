"""``POST /rings``: reskrim and analysts draw a ring around loaded people (issue 17,
item 6); others are refused; ids the user may not see are not found, exactly as absent
ones, and nothing is written for a refused request."""

from __future__ import annotations

from typing import Any

from api_helpers import P_V1, Api
from test_roles import _flag

P = "/api/v1"
BODY = {
    "name": "Jaringan Baru",
    "members": [{"id": "t:M1", "role": "leader"}, {"id": "t:M2"}],
}


def _rings(api: Api) -> int:
    return int(api.store.counts()["nodes"]["Ring"])


def test_reskrim_draws_a_ring_and_it_ranks(api: Api) -> None:
    r = api.post(f"{P}/rings", "reskrim", json=BODY)
    assert r.status_code == 201, r.text
    assert r.json() == {
        "id": "ring:jaringan-baru",
        "name": "Jaringan Baru",
        "members": [{"id": "t:M1", "role": "leader"}, {"id": "t:M2", "role": "other"}],
        "added": 2,
    }
    again = api.post(f"{P}/rings", "analyst", json=BODY)
    assert again.status_code == 201 and again.json()["added"] == 0
    ring = api.get(f"{P}/rings/ring:jaringan-baru", "reskrim").json()
    assert ring["members"] == 2 and ring["member_ids"] == ["t:M1", "t:M2"]
    ranked = api.get(f"{P}/rings/ring:jaringan-baru/protectors", "reskrim")
    assert ranked.status_code == 200
    assert ranked.json()["protectors"][0]["id"] == "t:O1"  # the planted protector of t:R1


def test_other_roles_are_refused_and_nothing_is_written(api: Api) -> None:
    before = _rings(api)
    for role, status in (("propam", 403), ("admin", 403), (None, 401)):
        assert api.post(f"{P}/rings", role, json=BODY).status_code == status, role
    assert _rings(api) == before


def _problem(r: Any, asked: str) -> str:
    doc = r.json()
    doc.pop("request_id", None)
    return str(doc).replace(asked, "ID")


def test_ids_the_user_may_not_see_are_answered_as_absent_ones(api: Api) -> None:
    """A victim's phone (masked for reskrim) and a Propam flag's id: the same 404 as an
    id that does not exist, and no ring is written."""
    before = _rings(api)
    flag = _flag(api)

    def post(member: str) -> Any:
        body = {"name": "Coba", "members": [{"id": "t:M1"}, {"id": member}]}
        return api.post(f"{P}/rings", "reskrim", json=body)

    absent = post("t:NOBODY")
    assert absent.status_code == 404
    for hidden in (P_V1, flag):
        r = post(hidden)
        assert r.status_code == 404, r.text
        assert _problem(r, hidden) == _problem(absent, "t:NOBODY")
    assert _rings(api) == before


def test_bad_input_is_a_clear_400(api: Api) -> None:
    before = _rings(api)
    wrong_kind = api.post(
        f"{P}/rings", "analyst", json={"name": "X", "members": [{"id": "t:K1"}]}
    )
    assert wrong_kind.status_code == 400 and "people or organizations" in wrong_kind.text
    bad_role = api.post(
        f"{P}/rings", "analyst", json={"name": "X", "members": [{"id": "t:M1", "role": "boss"}]}
    )
    assert bad_role.status_code == 400 and "unknown role" in bad_role.text
    none = api.post(f"{P}/rings", "analyst", json={"name": "X", "members": []})
    assert none.status_code == 422
    assert _rings(api) == before
