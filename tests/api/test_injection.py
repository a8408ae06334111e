"""Injection payloads in every string parameter: never a server error, never a write.

Ids, names of labels/types, dates and cursors answer 4xx. The two free-text
filters (``search?q=`` and ``flags?official_id=``) take the payload as literal
text and answer 200 with whatever matches it as text (usually nothing)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from api_helpers import Api

P = "/api/v1"
PAYLOADS = [
    "' OR 1=1 //",
    '" }) MATCH (n) DETACH DELETE n //',
    "x'}) CREATE (:Ring {id:'pwned'}) //",
    "/* */ CALL { CREATE (:Ring {id:'pwned'}) } RETURN 1",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "CALL dbms.killQueries([])",
    "t:M1\u0000",
    "t:M1\u202e",
    "ｔ：Ｍ１",
    "\u0421REATE (n)",
    "${jndi:ldap://x/a}",
    "../../etc/passwd",
    "A" * 5000,
]
ID_URLS = [
    "/entities/{x}",
    "/entities/{x}/neighbourhood",
    "/entities/{x}/timeline",
    "/rings/{x}",
    "/rings/{x}/protectors",
    "/rings/{x}/tipoffs",
    "/rings/{x}/case-interference",
    "/rings/{x}/expand",
    "/officials/{x}/links",
    "/flags/{x}",
]
QUERY_URLS = [
    "/entities/search?q={x}",
    "/paths?from={x}&to=t:M1",
    "/paths?from=t:M1&to={x}",
    "/money-trail?from={x}",
    "/money-trail?from=t:M1&to={x}",
    "/entities/t:M1/neighbourhood?labels={x}",
    "/entities/t:M1/neighbourhood?types={x}",
    "/rings/t:R1/protectors?as_of={x}",
    "/flags?official_id={x}",
    "/audit?cursor={x}",
    "/entities/search?q=Budi&cursor={x}",
]


def test_injection_in_every_string_parameter(api: Api) -> None:
    before = api.store.counts()
    bad: list[str] = []
    for payload in PAYLOADS:
        enc = quote(payload, safe="")
        for tpl in ID_URLS + QUERY_URLS:
            url = P + tpl.format(x=enc)
            role = "admin" if tpl.startswith("/audit") else "propam"
            r = api.get(url, role)
            text = tpl.startswith(("/entities/search?q=", "/flags?official_id="))
            as_text = text and r.status_code == 200 and "data" in r.json()
            if not (400 <= r.status_code < 500 or as_text):
                bad.append(f"{url[:90]}: {r.status_code}")
            elif r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json"
                assert "Traceback" not in r.text
        for body in ({"official_id": payload, "reason": payload, "evidence": payload},):
            r = api.post(f"{P}/flags", "propam", json=body)
            if not 400 <= r.status_code < 500:
                bad.append(f"POST /flags {payload[:30]!r}: {r.status_code}")
        r = api.patch(f"{P}/flags/{enc}", "propam", json={"status": "cleared", "note": payload})
        if not 400 <= r.status_code < 500:
            bad.append(f"PATCH /flags {payload[:30]!r}: {r.status_code}")
        r = api.post(f"{P}/cypher", "analyst", json={"query": payload, "parameters": {}})
        if not 400 <= r.status_code < 500 and r.status_code != 501:
            bad.append(f"POST /cypher {payload[:30]!r}: {r.status_code}")
    assert not bad, "\n".join(bad)
    assert api.store.counts() == before


@pytest.mark.parametrize("name", ["../evil", "a b", "A" * 5000, "x\u0000", "Ünï"])
def test_ingest_bundle_name_is_checked(api: Api, name: str) -> None:
    before = api.store.counts()
    r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", b"PK")}, data={"bundle": name})
    assert 400 <= r.status_code < 500
    assert api.store.counts() == before
