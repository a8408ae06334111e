"""The call-record routes (``/phones/common-contacts``, ``/phones/colocated``): answers
through the role's filter, phones in any written form, a victim's phone masked in the
answer and not found as a question (docs/security.md, "Victims")."""

from __future__ import annotations

from urllib.parse import quote

from api_helpers import P_M1, P_O1, P_V1, Api, rel
from test_victims import P_V2, vapi  # noqa: F401  (the fixture)

P = "/api/v1"


def _more_calls(api: Api) -> None:
    cell = {"cell_id": "101", "lac": "7"}
    api.store.upsert(
        [],
        [
            rel("t:c8", "CALLED", P_O1, P_V2, at="2023-06-10T09:00:00Z", **cell),
            rel("t:c9", "CALLED", P_V2, P_M1, at="2023-06-10T09:05:00Z", **cell),
        ],
    )


def test_common_contacts_any_written_form(vapi: Api) -> None:  # noqa: F811
    r = vapi.get(f"{P}/phones/common-contacts?a=0813-0000-0001&b=0813-9999-9999", "analyst")
    assert r.status_code == 200, r.text
    assert [(c["phone"], c["a_calls"], c["b_calls"]) for c in r.json()["data"]] == [(P_M1, 1, 1)]
    missing = vapi.get(f"{P}/phones/common-contacts?a=0813-0000-0001&b=0899", "analyst")
    assert missing.status_code == 404


def test_a_victims_phone_is_neither_asked_nor_shown(vapi: Api) -> None:  # noqa: F811
    _more_calls(vapi)
    for form in (P_V1, "0813-9999-9999", "6281399999999"):
        url = f"{P}/phones/common-contacts?a={quote(form, safe='')}&b=0813-0000-0001"
        assert vapi.get(url, "reskrim").status_code == 404, form
        assert vapi.get(url, "analyst").status_code == 200, form
    both = vapi.get(f"{P}/phones/common-contacts?a=0812-3456-7890&b=0813-0000-0001", "reskrim")
    assert both.status_code == 200 and both.json()["count"] == 1
    assert "87800000002" not in both.text and "masked-phone:" in both.text
    near = vapi.get(f"{P}/phones/colocated?phone=0813-0000-0001&window_minutes=10", "reskrim")
    assert near.status_code == 200 and near.json()["count"] == 1
    assert "87800000002" not in near.text and "masked-phone:" in near.text
    shown = vapi.get(f"{P}/phones/colocated?phone=0813-0000-0001&window_minutes=10", "analyst")
    assert shown.json()["data"][0]["phone"] == P_V2
