"""Protector ranking: one hand-worked graph per indicator, decoys, grading, parity.

Ring t:R has members Budi (t:M, with phone and account) and the company t:ORG
he directs. Every relationship cites source t:S1 graded A/1 (grade 1.0) unless a
test says otherwise, so the strengths below can be worked out by hand from
``queries/protectors.toml``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Store
from ingest import ingest_path
from ingest.synth import generate
from queries import tipoffs
from queries.protectors import neighbourhood, neighbourhoods, rank_protectors

AS_OF = "2024-12-31T00:00:00Z"


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


def rel(rid: str, typ: str, start: str, end: str, src: str = "t:S1", **props: Any) -> RelRow:
    return {"id": rid, "type": typ, "start": start, "end": end,
            "props": {"sources": [src], **props}}


def official(nid: str, name: str) -> NodeRow:
    return node(nid, "Person", "Official", name=name)


def base() -> tuple[list[NodeRow], list[RelRow]]:
    nodes = [
        node("t:S1", "Source", kind="bap", reliability="A", credibility="1"),
        node("t:S5", "Source", kind="informant", reliability="E", credibility="5"),
        node("t:R", "Ring", name="Jaringan Timur"),
        node("t:M", "Person", name="Budi"),
        node("t:ORG", "Organization", name="PT Maju"),
        node("t:AM", "Account", number="1"),
        node("+62811", "Phone", number="+62811"),
        node("t:AG", "Agency", name="Polres Blitar"),
    ]
    rels = [
        rel("m", "MEMBER_OF", "t:M", "t:R"),
        rel("hm", "HOLDS", "t:M", "t:AM"),
        rel("um", "USES", "t:M", "+62811"),
        rel("dm", "DIRECTOR_OF", "t:M", "t:ORG"),
    ]
    return nodes, rels


def with_account(nid: str, name: str, acc: str) -> tuple[list[NodeRow], list[RelRow]]:
    return ([official(nid, name), node(acc, "Account", number=acc)],
            [rel(f"h{acc}", "HOLDS", nid, acc)])


def transfers(prefix: str, dst: str, dates: list[str], amount: float, src: str = "t:S1"
              ) -> list[RelRow]:
    return [rel(f"{prefix}{i}", "TRANSFERRED", "t:AM", dst, src=src, amount=amount,
                at=f"{d}T10:00:00Z") for i, d in enumerate(dates)]


def load(store: Store, nodes: list[NodeRow], rels: list[RelRow]) -> dict[str, Any]:
    store.upsert(nodes, rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    return {p["id"]: p for p in report["protectors"]} | {"_order": [
        p["id"] for p in report["protectors"]]}


def strength(p: dict[str, Any], kind: str) -> float:
    return next((i["score"] for i in p["indicators"] if i["kind"] == kind), 0.0)


MONTHLY = ["2023-01-10", "2023-02-10", "2023-03-12"]


def money_expected(n: float, amount: float, regular: bool) -> float:
    c = 1 - math.exp(-n / 3.0)
    a = 1 - math.exp(-amount / 50_000_000.0)
    return 1 - (1 - 0.6 * c) * (1 - 0.5 * a) * (1 - 0.5 * float(regular))


def test_monthly_payments_beat_a_one_off_payment(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    for who, acc in (("t:P", "t:AP"), ("t:D", "t:AD")):
        n, r = with_account(who, who, acc)
        nodes += n
        rels += r
    rels += transfers("tp", "t:AP", MONTHLY, 10_000_000.0)
    rels += transfers("td", "t:AD", ["2023-05-01"], 5_000_000.0)
    got = load(embedded_store, nodes, rels)
    assert strength(got["t:P"], "money") == pytest.approx(money_expected(3, 30e6, True), abs=1e-4)
    assert strength(got["t:D"], "money") == pytest.approx(money_expected(1, 5e6, False), abs=1e-4)
    assert got["t:P"]["score"] == pytest.approx(0.9 * money_expected(3, 30e6, True), abs=1e-4)
    assert got["_order"] == ["t:P", "t:D"]
    ev = got["t:P"]["indicators"][0]["evidence"][0]
    assert ev["nodes"] == ["t:M", "t:AM", "t:AP", "t:P"]
    assert [r["type"] for r in ev["rels"]] == ["HOLDS", "TRANSFERRED", "HOLDS"]
    assert ev["rels"][1]["props"]["amount"] == 10_000_000.0


def test_payments_to_a_wife_count_for_the_official(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    nodes += [official("t:P", "Joko"), node("t:W", "Person", name="Rina"),
              node("t:AW", "Account", number="AW")]
    rels += [rel("hw", "HOLDS", "t:W", "t:AW"), rel("f", "FAMILY", "t:P", "t:W", detail="spouse")]
    rels += transfers("tw", "t:AW", MONTHLY, 10_000_000.0)
    got = load(embedded_store, nodes, rels)
    ind = got["t:P"]["indicators"][0]
    assert ind["kind"] == "money" and ind["facts"]["relations"] == ["family:spouse"]
    # Via a spouse each payment counts 0.9.
    assert ind["score"] == pytest.approx(money_expected(2.7, 27e6, True), abs=1e-4)
    assert ind["evidence"][0]["nodes"][-2:] == ["t:W", "t:P"]


def test_layered_payment_through_a_company(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    n, r = with_account("t:P", "Joko", "t:AP")
    nodes += [*n, node("t:CV", "Organization", name="CV Antara"), node("t:AC", "Account")]
    rels += [*r, rel("hc", "HOLDS", "t:CV", "t:AC")]
    rels += transfers("in", "t:AC", ["2023-01-10"], 10_000_000.0)
    rels += [rel("out", "TRANSFERRED", "t:AC", "t:AP", amount=9_500_000.0,
                 at="2023-01-12T10:00:00Z"),
             rel("late", "TRANSFERRED", "t:AC", "t:AP", amount=9_500_000.0,
                 at="2023-03-12T10:00:00Z")]
    got = load(embedded_store, nodes, rels)
    ind = got["t:P"]["indicators"][0]
    assert ind["facts"]["routes"] == ["layered_payment"] and ind["facts"]["count"] == 1
    assert [r["id"] for r in ind["evidence"][0]["rels"]] == ["hm", "in0", "hc", "out", "ht:AP"]


def test_tipoff_before_failed_raid_beats_calls_after_arrest(embedded_store: EmbeddedStore
                                                            ) -> None:
    nodes, rels = base()
    nodes += [official("t:T", "Tipper"), official("t:H", "Honest"),
              node("+62822", "Phone"), node("+62833", "Phone"),
              node("t:E", "Event", kind="raid", outcome="nothing_found",
                   at="2023-06-10T04:00:00Z"),
              node("t:K", "Case", status="p21", opened_at="2023-01-01")]
    rels += [rel("ut", "USES", "t:T", "+62822"), rel("uh", "USES", "t:H", "+62833"),
             rel("tg", "TARGET_OF", "t:M", "t:E"),
             rel("c1", "CALLED", "+62822", "+62811", at="2023-06-10T01:00:00Z"),
             rel("s", "SUSPECT_IN", "t:M", "t:K", since="2023-02-01"),
             rel("i", "INVESTIGATES", "t:H", "t:K"),
             *(rel(f"ch{i}", "CALLED", "+62833", "+62811", at=f"2023-03-{10 + i}T10:00:00Z")
               for i in range(10))]
    got = load(embedded_store, nodes, rels)
    # one call before the raid: a single call in a window counts [innocent] single_call
    assert strength(got["t:T"], "tipoff") == pytest.approx(1 - math.exp(-0.5), abs=1e-4)
    assert "t:H" not in got  # duty calls after the arrest, a case taken to P21
    # The same call the tipoffs query reports.
    assert [t["call_id"] for t in tipoffs(embedded_store, ring_id="t:R")] == ["c1"]


def test_sp3_case_counts_and_p21_counterweighs(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    nodes += [official("t:X", "Staller"), official("t:Y", "Kasat"),
              node("t:K1", "Case", status="sp3", opened_at="2023-01-01",
                   status_at="2023-02-15"),
              node("t:K2", "Case", status="p21", opened_at="2023-01-01")]
    rels += [rel("s1", "SUSPECT_IN", "t:M", "t:K1", since="2023-01-10"),
             rel("s2", "SUSPECT_IN", "t:M", "t:K2", since="2023-01-10"),
             rel("i1", "INVESTIGATES", "t:X", "t:K1"),
             rel("v1", "SUPERVISES", "t:Y", "t:K1"), rel("v2", "SUPERVISES", "t:Y", "t:K2")]
    got = load(embedded_store, nodes, rels)
    # SP3 36 days after naming the suspect: a quick SP3, weight 1.2 (1 - e^(-1.2/0.8));
    # but one case alone is capped (nothing else links him): a quick SP3 departs from
    # procedure, so at [innocent] irregular_alone (0.3), not case_alone (0.1)
    x = got["t:X"]["indicators"][0]
    assert x["facts"]["net"] == pytest.approx(1.2) and 1 - math.exp(-1.2 / 0.8) > 0.3
    assert strength(got["t:X"], "cases") == pytest.approx(0.3) and x["facts"]["capped_alone"]
    # Supervised one quick SP3 and one P21: net 0.4 * 1.2 - 0.4 * 1.0 = 0.08.
    assert strength(got["t:Y"], "cases") == pytest.approx(1 - math.exp(-0.08 / 0.8), abs=1e-4)
    assert got["_order"] == ["t:X", "t:Y"]
    assert got["t:X"]["indicators"][0]["facts"]["sp3_quick"] == 1


def test_board_seat_of_a_wife_and_family_tie(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    nodes += [official("t:B", "Board"), node("t:W", "Person", name="Wife"),
              official("t:C", "Cousin")]
    rels += [rel("f", "FAMILY", "t:B", "t:W", detail="spouse"),
             rel("cm", "COMMISSIONER_OF", "t:W", "t:ORG"),
             rel("fc", "FAMILY", "t:C", "t:M", detail="cousin")]
    got = load(embedded_store, nodes, rels)
    assert strength(got["t:B"], "organizations") == pytest.approx(0.85 * 0.9, abs=1e-4)
    # a cousin with nothing else: kinship alone is capped below the lowest band
    cousin = next(i for i in got["t:C"]["indicators"] if i["kind"] == "ties")
    assert cousin["score"] == pytest.approx(0.1, abs=1e-4) and cousin["facts"]["capped_alone"]


def test_cousin_of_a_victim_is_not_a_protector(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    nodes += [official("t:C", "Cousin"), node("t:V", "Person", name="Victim"),
              node("+62844", "Phone"), node("+62855", "Phone")]
    rels += [rel("r", "RECRUITED", "t:M", "t:V", since="2023-01-01"),
             rel("fc", "FAMILY", "t:C", "t:V", detail="cousin"),
             rel("uv", "USES", "t:V", "+62844"), rel("uc", "USES", "t:C", "+62855"),
             *(rel(f"cv{i}", "CALLED", "+62844", "+62811", at=f"2023-01-0{i + 1}T10:00:00Z")
               for i in range(5)),
             *(rel(f"cc{i}", "CALLED", "+62855", "+62844", at=f"2023-02-0{i + 1}T10:00:00Z")
               for i in range(5))]
    got = load(embedded_store, nodes, rels)
    assert "t:C" not in got


def test_source_grade_discounts_evidence(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    for who, acc in (("t:A", "t:AA"), ("t:E", "t:AE")):
        n, r = with_account(who, who, acc)
        nodes += n
        rels += r
    rels += transfers("ta", "t:AA", MONTHLY, 10_000_000.0)
    rels += transfers("te", "t:AE", MONTHLY, 10_000_000.0, src="t:S5")
    got = load(embedded_store, nodes, rels)
    grade = 0.35 * 0.3  # E/5
    assert got["t:E"]["indicators"][0]["evidence"][0]["grade"] == pytest.approx(grade)
    assert strength(got["t:E"], "money") == pytest.approx(
        money_expected(3 * grade, 30e6 * grade, True), abs=1e-4)
    assert got["_order"] == ["t:A", "t:E"]


def test_two_kinds_outweigh_one_strong_kind(embedded_store: EmbeddedStore) -> None:
    nodes, rels = base()
    for who, acc in (("t:A", "t:AA"), ("t:B", "t:AB")):
        n, r = with_account(who, who, acc)
        nodes += n
        rels += r
    nodes += [node("t:W", "Person", name="Wife")]
    rels += transfers("ta", "t:AA", [*MONTHLY, "2023-04-11", "2023-05-10"], 10_000_000.0)
    rels += transfers("tb", "t:AB", ["2023-01-10", "2023-02-10"], 10_000_000.0)
    rels += [rel("f", "FAMILY", "t:B", "t:W", detail="spouse"),
             rel("cm", "COMMISSIONER_OF", "t:W", "t:ORG")]
    got = load(embedded_store, nodes, rels)
    assert strength(got["t:A"], "money") > strength(got["t:B"], "money")
    assert got["_order"] == ["t:B", "t:A"]
    assert got["t:B"]["kinds"] == 2


def test_an_official_between_the_ring_and_another_official_bridges(
    embedded_store: EmbeddedStore,
) -> None:
    """Budi calls O1's phone; O1 is O2's brother. O1 lies on the only informal path
    from the ring to O2 (relative betweenness 1.0: the highest); O2 on none (his
    brother's call counts for him as call volume only)."""
    nodes, rels = base()
    nodes += [official("t:O1", "Satu"), official("t:O2", "Dua"), node("+62822", "Phone")]
    rels += [rel("u1", "USES", "t:O1", "+62822"), rel("b", "FAMILY", "t:O1", "t:O2"),
             rel("c1", "CALLED", "+62822", "+62811", at="2023-03-10T10:00:00Z")]
    got = load(embedded_store, nodes, rels)
    bridging = next(i for i in got["t:O1"]["indicators"] if i["kind"] == "bridging")
    assert bridging["score"] == 1.0 and bridging["weight"] == 0.15
    assert bridging["facts"] == {"relative_betweenness": 1.0} and bridging["evidence"] == []
    assert [i["kind"] for i in got["t:O2"]["indicators"]] == ["comms"]


def test_rejects_bad_top(embedded_store: EmbeddedStore) -> None:
    from graph.errors import QueryError

    with pytest.raises(QueryError):
        rank_protectors(embedded_store, ring_id="t:R", top=0)
    assert rank_protectors(embedded_store, ring_id="t:nope", as_of=AS_OF)["protectors"] == []


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth3")
    generate(out, seed=3, scale=0.05)
    return out


def _rank_all(store: Store, bundle: Path) -> str:
    truth = json.loads((bundle / "truth.json").read_text())
    return json.dumps([rank_protectors(store, ring_id=f"s3:{r}", as_of=AS_OF)
                       for r in sorted(truth["rings"])], sort_keys=True)


def test_deterministic_on_a_synthetic_bundle(small_bundle: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "st")
    ingest_path(small_bundle, store, bundle="s3", rejects=tmp_path / "rej.csv")
    first = _rank_all(store, small_bundle)
    assert first == _rank_all(store, small_bundle)
    assert '"protectors": []' not in first
    store.close()


@pytest.mark.neo4j
def test_parity_embedded_and_neo4j(small_bundle: Path, tmp_path: Path,
                                   neo4j_store: Store) -> None:
    store = EmbeddedStore(tmp_path / "st")
    ingest_path(small_bundle, store, bundle="s3", rejects=tmp_path / "rej.csv")
    ingest_path(small_bundle, neo4j_store, bundle="s3", rejects=tmp_path / "rej2.csv")
    assert _rank_all(store, small_bundle) == _rank_all(neo4j_store, small_bundle)
    store.close()


def _graph(h: Any) -> tuple[Any, ...]:
    """Everything of an extracted graph, in insertion order (the indicators iterate it)."""
    return (list(h.nodes(data=True)), list(h.edges(keys=True, data=True)), dict(h.graph))


def test_rings_extracted_together_are_each_ring_alone(
    store: Store, small_bundle: Path, tmp_path: Path
) -> None:
    """The neighbourhoods of several rings, extracted in one go (one transaction on
    Neo4j), are exactly the ones extracted ring by ring; ids that are no ring give the
    same (near) empty graph either way."""
    ingest_path(small_bundle, store, bundle="s3", rejects=tmp_path / "rej.csv")
    truth = json.loads((small_bundle / "truth.json").read_text())
    member = next(iter(next(iter(truth["members"].values()))))
    ids = [f"s3:{r}" for r in sorted(truth["rings"])] + ["s3:NO-SUCH-RING", f"s3:{member}"]
    together = neighbourhoods(store, [*ids, ids[0]])  # asked twice: ranked once
    assert list(together) == ids
    for ring in ids:
        assert _graph(together[ring]) == _graph(neighbourhood(store, ring)), ring
    assert len(together[ids[0]]) > 20 and together[ids[0]].graph["members"]
    assert len(together["s3:NO-SUCH-RING"]) == 0


