"""Flags: created by Propam with an id, moved forwards only, every change kept."""

from __future__ import annotations

from api_helpers import P_V1, V1_ADDRESS, V1_NIK, Api

P = "/api/v1"


def test_flag_lifecycle(api: Api) -> None:
    r = api.post(
        f"{P}/flags",
        "propam",
        json={"official_id": "t:O1", "reason": "tip-off calls", "evidence": "CDR 2023"},
    )
    assert r.status_code == 201
    flag = r.json()
    assert flag["id"].startswith("propam:flag-") and flag["status"] == "open"
    assert flag["official_id"] == "t:O1" and flag["created_by"] == "propam1"
    fid = flag["id"]
    assert api.patch(f"{P}/flags/{fid}", "propam", json={"status": "cleared"}).status_code == 400
    r = api.patch(f"{P}/flags/{fid}", "propam", json={"status": "under_review", "note": "kompol"})
    assert r.status_code == 200 and r.json()["status"] == "under_review"
    r = api.patch(f"{P}/flags/{fid}", "propam", json={"status": "substantiated"})
    got = api.get(f"{P}/flags/{fid}", "propam").json()
    assert [h["status"] for h in got["history"]] == ["open", "under_review", "substantiated"]
    assert all(h["by"] == "propam1" and h["at"] for h in got["history"])
    assert got["history"][1]["note"] == "kompol"
    assert api.patch(f"{P}/flags/{fid}", "propam", json={"status": "cleared"}).status_code == 400
    listed = api.get(f"{P}/flags?status=substantiated", "propam").json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == fid
    assert api.get(f"{P}/flags?status=open", "propam").json()["count"] == 0


def test_flag_needs_an_official(api: Api) -> None:
    for oid in ("t:M1", "t:nope"):
        r = api.post(f"{P}/flags", "propam", json={"official_id": oid, "reason": "x"})
        assert r.status_code == 404
    assert (
        api.post(
            f"{P}/flags", "propam", json={"official_id": "t:O1", "reason": "x", "extra": 1}
        ).status_code
        == 422
    )
    assert api.get(f"{P}/flags/t:O1", "propam").status_code == 404


def test_victims_masked_for_reskrim_only(api: Api) -> None:
    urls = [
        f"{P}/entities/t:V1",
        f"{P}/entities/t:V1/neighbourhood?hops=2",
        f"{P}/entities/t:M1/neighbourhood",
        f"{P}/entities/t:M1/timeline",
        f"{P}/entities/search?q=Ani",
        f"{P}/paths?from=t:V1&to=t:M1",
    ]
    for url in urls:
        body = api.get(url, "reskrim").text
        assert V1_NIK not in body and V1_ADDRESS not in body and P_V1 not in body, url
    v1 = api.get(f"{P}/entities/t:V1", "reskrim").json()
    assert v1["props"]["nik"] == "***" and v1["props"]["address"] == "***"
    assert v1["props"]["name"] == "Ani Lestari"  # a name is not masked
    nb = api.get(f"{P}/entities/t:V1/neighbourhood", "reskrim").json()
    phones = [n for n in nb["nodes"] if "Phone" in n["labels"]]
    assert phones and phones[0]["id"].startswith("masked-phone:")
    assert phones[0]["props"]["number"] == "***"
    # a suspect's identifiers are not masked
    assert api.get(f"{P}/entities/t:M1", "reskrim").json()["props"]["nik"] == "3501010101800001"
    for role in ("propam", "analyst"):
        assert V1_NIK in api.get(f"{P}/entities/t:V1", role).text
        assert P_V1 in api.get(f"{P}/entities/t:V1/neighbourhood", role).text
