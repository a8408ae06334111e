"""The protectors answer written from entries checked once, when the report was ranked
(:class:`graph_api.web.kept.KeptReport`): byte for byte what FastAPI's own check and
serialization give, and only for views made of the kept entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api_helpers import Api, build, make_api, node, rel, wait_ready
from pydantic import TypeAdapter

from graph.store import Store
from graph_api.web.kept import KeptReport
from graph_api.web.schemas import ProtectorReport
from queries.protectors import Rankings

REPORT = TypeAdapter(ProtectorReport)
P = "/api/v1"


def _fastapi(view: dict[str, Any]) -> bytes:
    """What FastAPI sends for ``view`` on a route declaring ``ProtectorReport``: the
    value checked, then written by pydantic (its ``dump_json`` fast path)."""
    return REPORT.dump_json(REPORT.validate_python(view), by_alias=True)


def _build(store: Store) -> None:
    """The tiny graph, where Iptu Andi (t:O2) also takes ring money: two entries, so
    that ``top=1`` cuts the report."""
    build(store)
    store.upsert(
        [node("t:A_O2", "Account", bank="BNI", number="444")],
        [
            rel("t:h3", "HOLDS", "t:O2", "t:A_O2"),
            rel(
                "t:tr2",
                "TRANSFERRED",
                "t:A_M1",
                "t:A_O2",
                amount=3_000_000.0,
                currency="IDR",
                at="2023-05-02T10:00:00Z",
            ),
        ],
    )


def _ranked(store: Store, **kw: Any) -> tuple[dict[str, Any], KeptReport]:
    rankings = Rankings(annotate=KeptReport.of)
    report, found = rankings.lookup(store, "t:R1", **kw)
    assert isinstance(found.extra, KeptReport)
    return dict(report), found.extra


def test_the_kept_answer_is_what_fastapi_would_send(embedded_store: Store) -> None:
    _build(embedded_store)
    assert len(_ranked(embedded_store)[1].raw) >= 2
    for kw in ({}, {"top": 1}, {"top": 5}, {"as_of": "2022-06-01T00:00:00Z"}):
        view, kept = _ranked(embedded_store, **kw)
        assert len(view["protectors"]) == (1 if kw.get("top") == 1 else len(kept.raw)), kw
        answer = kept.answer(view)
        assert answer is not None, kw
        assert answer.media_type == "application/json"
        assert answer.body == _fastapi(view), kw


def test_a_view_of_other_entries_is_left_to_fastapi(embedded_store: Store) -> None:
    _build(embedded_store)
    view, kept = _ranked(embedded_store)
    # equal entries that are not the kept ones (e.g. cleaned for a role): not answered
    copied = {**view, "protectors": [dict(p) for p in view["protectors"]]}
    assert kept.answer(copied) is None
    # entries in another order are not the first of the kept ones either
    assert kept.answer({**view, "protectors": list(reversed(kept.raw))}) is None
    # a rest that holds the entries' key once more (an extra field): no place to put them
    assert kept.answer({**view, "note": {"protectors": []}}) is None
    # a report whose entries fail the published shape is never answered from them
    broken = {**view, "protectors": [{"id": "t:O1"}]}
    bad = KeptReport.of(broken)
    assert bad.entries is None
    assert bad.answer(broken) is None


def test_every_role_gets_the_answer_its_rules_allow(store: Store, tmp_path: Path) -> None:
    """Through the service: each role's answer is the published shape of what its view
    shows (the kept answer for the roles whose rules change nothing, FastAPI's check for
    the others), and the kept answer is the one FastAPI would have written."""
    _build(store)
    api: Api = make_api(store, tmp_path / "state")
    with api.client:
        wait_ready(api.client)
        bodies = {}
        for role in ("reskrim", "analyst", "propam"):
            r = api.get(f"{P}/rings/t:R1/protectors?as_of=2022-06-01T00:00:00Z", role)
            assert r.status_code == 200, r.text
            assert r.headers["content-type"] == "application/json"
            assert r.content == _fastapi(json.loads(r.content)), role
            bodies[role] = r.json()
        assert [p["id"] for p in bodies["reskrim"]["protectors"]][:1] == ["t:O1"]
