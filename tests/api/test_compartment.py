"""Propam's compartment attacked the way an insider with an ordinary account would try.

Flags live in the Propam store, never in the investigation graph
(:mod:`graph_api.web.flags`). So no count, truncation figure, id, label list or console
spelling over the graph can tell a flagged official from another: every answer an
ordinary role gets is the same, byte for byte, before and after Propam flags someone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Api, build, make_api, settings, wait_ready

from graph.errors import ConfigError
from graph.store import Neo4jStore, Store
from graph_api.web import flags
from graph_api.web.app import create_app
from graph_api.web.routes.cypher import run_console

P = "/api/v1"
REASON = "menerima setoran bulanan dari jaringan"
OFFICIALS = ("t:O1", "t:O2")

#: Console spellings an analyst would try to read or infer flags (issue 21 lists several).
SPELLINGS = [
    "MATCH (n) RETURN n",
    "MATCH (n) RETURN n.id",
    "MATCH ()-[r]->() RETURN r",
    "MATCH (n)-[r]->(o:Official) WHERE type(r)='FL'+'AGS' RETURN o.id, n['rea'+'son']",
    "MATCH (n) RETURN [k IN keys(n) | n[k]]",
    "MATCH (n) RETURN properties(n)",
    "MATCH (n) RETURN n {.*}",
    "MATCH (n) RETURN labels(n)",
    "MATCH (n) RETURN DISTINCT labels(n)",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
    "MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'Fl') RETURN n",
    "MATCH (n) WHERE toLower(head(labels(n))) = 'fl' + 'ag' RETURN n",
    "MATCH (n) WHERE n.status IN ['open', 'under_review', 'substantiated'] RETURN n",
    "MATCH (o:Official)<-[r]-() RETURN o.id, count(r) ORDER BY o.id",
    "MATCH (o:Official) RETURN o.id, COUNT { (o)<--() } AS c ORDER BY o.id",
    "MATCH (o:Official) RETURN o.id, size([(o)<-[r]-() | r]) AS c ORDER BY o.id",
    "MATCH (o:Official) RETURN o.id, COUNT { (o)--() } AS c ORDER BY o.id",
    "MATCH (n) WHERE n.id STARTS WITH 'prop' + 'am' RETURN n",
    "MATCH (n) RETURN n['re' + 'ason'], n['evi' + 'dence']",
    "MATCH (n) UNWIND keys(n) AS k RETURN DISTINCT k ORDER BY k",
    "MATCH ()-[r]->() RETURN DISTINCT type(r) ORDER BY type(r)",
    "MATCH (a)-[r]->(b) RETURN properties(r)",
    "MATCH (a)-[r]->(b) RETURN r {.*, t: type(r)}",
    "MATCH p = ()-[*1..2]->(:Official) RETURN p",
    "MATCH (n) RETURN n.x_history, n.history",
    "MATCH (n) WITH n, [k IN keys(n) WHERE k CONTAINS 'hist'] AS ks RETURN n.id, ks",
    "MATCH (n) WHERE n.created_by IS NOT NULL RETURN n",
    "MATCH (n) RETURN n.`reason`",
    "MATCH (n:Flag) RETURN n",
    "MATCH (n:`Flag`) RETURN n",
    "MATCH ()-[r:FLAGS]->() RETURN r",
    "MATCH (n) RETURN count(n)",
    "MATCH ()-[r]->() RETURN count(r)",
    "MATCH (n) WHERE NOT n:Person AND NOT n:Phone RETURN labels(n), count(*) ORDER BY labels(n)",
    "MATCH (n) WHERE size(labels(n)) = 1 RETURN head(labels(n)) AS l, count(*) ORDER BY l",
]


def _flag_everyone(api: Api) -> list[str]:
    made = []
    for oid in OFFICIALS:
        r = api.post(f"{P}/flags", "propam", json={"official_id": oid, "reason": REASON})
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    api.patch(f"{P}/flags/{made[0]}", "propam", json={"status": "under_review", "note": "n"})
    return made


def _reads(api: Api, role: str) -> dict[str, tuple[int, str]]:
    """Every read an ordinary role can make around the officials, as (status, body)."""
    urls = [f"{P}/entities/search?q={q}" for q in ("Joko", "Andi", "open", "flag", "propam")]
    urls += [f"{P}/rings/t:R1/protectors", f"{P}/rings/t:R1/expand?hops=3", f"{P}/rings"]
    for oid in OFFICIALS:
        for hops in (1, 2, 4):
            for cap in (1, 2, 1000):
                urls.append(f"{P}/entities/{oid}/neighbourhood?hops={hops}&cap={cap}")
        urls += [f"{P}/entities/{oid}", f"{P}/entities/{oid}/timeline",
                 f"{P}/officials/{oid}/links", f"{P}/paths?from={oid}&to=t:M1"]
    out = {}
    for u in urls:
        r = api.get(u, role)
        body = r.text
        if "json" in r.headers.get("content-type", ""):
            data: Any = r.json()
            if isinstance(data, dict):
                data.pop("as_of", None)  # the moment a ranking was asked for
                data.pop("request_id", None)  # a problem document's, new per request
            body = json.dumps(data, sort_keys=True)
        out[u] = (r.status_code, body)
    return out


@pytest.mark.parametrize("role", ["reskrim", "analyst"])
def test_counts_and_truncation_say_nothing_about_flags(api: Api, role: str) -> None:
    before = _reads(api, role)
    ids = _flag_everyone(api)
    after = _reads(api, role)
    changed = [u for u in before if before[u] != after[u]]
    print(f"{role}: {len(before)} reads compared, {len(changed)} changed after flagging")
    assert changed == []
    for _status, body in after.values():
        assert REASON not in body and not any(i in body for i in ids)
    # the graph holds nothing of Propam's, whatever it is asked
    counts = api.store.counts()
    assert not counts["nodes"].get("Flag") and not counts["relationships"].get("FLAGS")
    assert all(api.store.get_node(i) is None for i in ids)


@pytest.mark.neo4j
def test_console_reads_no_flag_in_any_spelling(neo_api: Api) -> None:
    api = neo_api
    assert len(SPELLINGS) >= 30
    store = api.store
    assert isinstance(store, Neo4jStore)

    def unguarded(q: str) -> str:
        return json.dumps(run_console(store, query=q, parameters={}, rows=1000, timeout=10),
                          sort_keys=True)

    def console(q: str) -> str:
        r = api.post(f"{P}/cypher", "analyst", json={"query": q})
        body = r.json()
        body.pop("request_id", None)  # a refusal's problem document: new per request
        return f"{r.status_code} {json.dumps(body, sort_keys=True)}"

    before_api = {q: console(q) for q in SPELLINGS}
    before_raw = {q: unguarded(q) for q in SPELLINGS}
    ids = _flag_everyone(api)
    leaks = []
    for q in SPELLINGS:
        guarded = console(q)
        raw = unguarded(q)  # the guard taken away: the store itself holds nothing
        for body in (guarded, raw):
            if REASON in body or any(i in body for i in ids) or '"Flag"' in body:
                leaks.append(q)
        if guarded != before_api[q] or raw != before_raw[q]:
            leaks.append(q)
    print(f"console: {len(SPELLINGS)} spellings, {len(set(leaks))} returned any flag data")
    assert leaks == []
    labels = unguarded("CALL db.labels() YIELD label RETURN label")
    assert "Flag" not in labels


def test_legacy_flags_move_out_of_the_graph(store: Store, tmp_path: Path) -> None:
    """A store written by an older version (flags in the graph) is mended at start."""
    build(store)
    fid = flags.PREFIX + "legacy1"
    history = [json.dumps({"status": "open", "by": "p", "at": "2024-01-01T00:00:00Z",
                           "note": None})]
    store.upsert(
        [{"id": fid, "labels": ["Flag"],
          "props": {"status": "open", "reason": REASON, "created_by": "p",
                    "created_at": "2024-01-01T00:00:00Z", "history": history}}],
        [{"id": f"{fid}:flags", "type": "FLAGS", "start": fid, "end": "t:O1", "props": {}}],
    )
    assert store.counts()["nodes"].get("Flag") == 1
    api = make_api(store, tmp_path / "state")
    with api.client:
        wait_ready(api.client)
        assert store.get_node(fid) is None
        assert not store.counts()["relationships"].get("FLAGS")
        got = api.get(f"{P}/flags/{fid}", "propam").json()
        assert got["official_id"] == "t:O1" and got["reason"] == REASON
        assert [h["status"] for h in got["history"]] == ["open"]
        assert api.get(f"{P}/flags/{fid}", "analyst").status_code == 404
        body = api.get(f"{P}/entities/t:O1/neighbourhood?hops=2&cap=1000", "reskrim").text
        assert fid not in body and REASON not in body


def test_propam_store_must_be_another_store(store: Store, tmp_path: Path) -> None:
    state = tmp_path / "state"
    same = settings(state, store=f"embedded:{state}", propam_store=f"embedded:{state}/")
    with pytest.raises(ConfigError, match="TELUSUR_PROPAM_STORE"):
        create_app(same, store=store)


@pytest.mark.neo4j
def test_a_propam_store_on_neo4j(neo4j_store: Neo4jStore, embedded_store: Store) -> None:
    """``TELUSUR_PROPAM_STORE`` may be a Neo4j server of its own (the investigation
    graph here is embedded): flags are written, read and moved on there."""
    build(embedded_store)
    book = flags.FlagBook(neo4j_store, embedded_store)
    made = book.create(official_id="t:O1", reason=REASON, evidence=None, by="propam1")
    moved = book.change_status(made["id"], status="under_review", by="propam1")
    assert [h["status"] for h in moved["history"]] == ["open", "under_review"]
    assert [f["id"] for f in book.list(official_id="t:O1")] == [made["id"]]
    assert embedded_store.get_node(made["id"]) is None
