"""The tradecraft indicators: pass-through money, relay contact, case interference,
document facilitation and structuring, each with the near miss that must stay low.

One hand-built graph holds every scene (each official has his own): ring t:R with
members Budi (t:M: account t:AM, phone +62811) and Sari (t:M2: account t:AM2), the
company t:ORG (account t:AO) Budi directs. Every relationship cites t:S1 graded A/1
(grade 1.0), so each strength below is worked out by hand from protectors.toml.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Store
from queries._common import parse_ts
from queries.protectors import neighbourhood, rank_graph, rank_protectors
from queries.protectors._report import filter_time
from queries.protectors.words import describe

AS_OF = "2024-12-31T00:00:00Z"
PASSPORT = "passport_issue"


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


class G:
    """A graph being written: nodes and relationships, ids made up as they come."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = []
        self.rels: list[RelRow] = []

    def n(self, nid: str, *labels: str, **props: Any) -> str:
        self.nodes.append(node(nid, *labels, **props))
        return nid

    def r(self, typ: str, start: str, end: str, **props: Any) -> None:
        rid = f"r{len(self.rels)}"
        self.rels.append(
            {
                "id": rid,
                "type": typ,
                "start": start,
                "end": end,
                "props": {"sources": ["t:S1"], **props},
            }
        )

    def pay(self, src: str, dst: str, day: str, amount: float) -> None:
        self.r("TRANSFERRED", src, dst, amount=amount, at=f"{day}T10:00:00Z")

    def call(self, src: str, dst: str, at: str) -> None:
        self.r("CALLED", src, dst, at=at, kind="call")

    def official(self, nid: str, phone: str | None = None, account: str | None = None) -> str:
        self.n(nid, "Person", "Official", name=nid)
        if phone:
            self.n(phone, "Phone", number=phone)
            self.r("USES", nid, phone)
        if account:
            self.n(account, "Account", number=account)
            self.r("HOLDS", nid, account)
        return nid

    def wife(self, official: str, nid: str, account: str) -> str:
        self.n(nid, "Person", name=nid)
        self.n(account, "Account", number=account)
        self.r("HOLDS", nid, account)
        self.r("FAMILY", official, nid, detail="spouse")
        return account


def base() -> G:
    g = G()
    g.n("t:S1", "Source", kind="bap", reliability="A", credibility="1")
    g.n("t:R", "Ring", name="Jaringan Timur")
    for m, acc in (("t:M", "t:AM"), ("t:M2", "t:AM2")):
        g.n(m, "Person", name=m)
        g.n(acc, "Account", number=acc)
        g.r("MEMBER_OF", m, "t:R")
        g.r("HOLDS", m, acc)
    g.n("+62811", "Phone", number="+62811")
    g.r("USES", "t:M", "+62811")
    g.n("t:ORG", "Organization", name="PT Maju")
    g.n("t:AO", "Account", number="t:AO")
    g.r("DIRECTOR_OF", "t:M", "t:ORG")
    g.r("HOLDS", "t:ORG", "t:AO")
    return g


MONTHS = ["2024-01-10", "2024-02-10", "2024-03-10"]


def after(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def pass_through_scene(g: G) -> None:
    # t:P: a broker (t:B) passes 80 % of each monthly ring payment to his wife in 2 days
    g.official("t:P")
    aw = g.wife("t:P", "t:W", "t:AW")
    g.n("t:B", "Person", name="Broker")
    g.n("t:AB", "Account", number="t:AB")
    g.r("HOLDS", "t:B", "t:AB")
    for d in MONTHS:
        g.pay("t:AM", "t:AB", d, 10_000_000.0)
        g.pay("t:AB", aw, after(d, 2), 8_000_000.0)
    # t:P2: the same through two brokers (t:B -> t:C -> wife), in 1 + 1 days
    g.official("t:P2")
    aw2 = g.wife("t:P2", "t:W2", "t:AW2")
    g.n("t:AC", "Account", number="t:AC")
    for d in MONTHS:
        g.pay("t:AM2", "t:AC", after(d, 5), 10_000_000.0)
    g.n("t:AC2", "Account", number="t:AC2")
    for d in MONTHS:
        g.pay("t:AC", "t:AC2", after(d, 6), 9_000_000.0)
        g.pay("t:AC2", aw2, after(d, 7), 9_000_000.0)
    # t:Q: a shop (its owner's account) paid by the ring pays his wife as it pays 19
    # others alike
    g.official("t:Q")
    aq = g.wife("t:Q", "t:WQ", "t:AWQ")
    g.n("t:SHOP", "Person", name="Pak Jaya, Toko Jaya")
    g.n("t:AS", "Account", number="t:AS")
    g.r("HOLDS", "t:SHOP", "t:AS")
    for d in MONTHS:
        g.pay("t:AM", "t:AS", after(d, 1), 10_000_000.0)
        g.pay("t:AS", aq, after(d, 3), 8_000_000.0)
        for i in range(19):
            g.n(f"t:X{d}{i}", "Account", number=f"x{d}{i}")
            g.pay("t:AS", f"t:X{d}{i}", after(d, 3), 8_000_000.0)
    # t:P4: one company in between: money's layered payment, not counted twice
    g.official("t:P4", account="t:AP4")
    g.n("t:CV", "Organization", name="CV Antara")
    g.n("t:ACV", "Account", number="t:ACV")
    g.r("HOLDS", "t:CV", "t:ACV")
    g.pay("t:AO", "t:ACV", "2024-04-01", 10_000_000.0)
    g.pay("t:ACV", "t:AP4", "2024-04-02", 9_000_000.0)
    # t:P5: a broker who passes 80 % on in two top-ups of 40 %, a day apart
    g.official("t:P5")
    aw5 = g.wife("t:P5", "t:W5", "t:AW5")
    g.n("t:AE", "Account", number="t:AE", kind="ewallet")
    for d in MONTHS:
        g.pay("t:AM2", "t:AE", after(d, 10), 10_000_000.0)
        g.pay("t:AE", aw5, after(d, 11), 4_000_000.0)
        g.pay("t:AE", aw5, after(d, 12), 4_000_000.0)
    # t:P6: a broker's company passes 60 % on in a day: below money's layering share
    g.official("t:P6")
    aw6 = g.wife("t:P6", "t:W6", "t:AW6")
    g.n("t:CV6", "Organization", name="UD Berkah")
    g.n("t:ACV6", "Account", number="t:ACV6")
    g.r("HOLDS", "t:CV6", "t:ACV6")
    for d in MONTHS:
        g.pay("t:AM", "t:ACV6", after(d, 14), 10_000_000.0)
        g.pay("t:ACV6", aw6, after(d, 15), 6_000_000.0)
    # t:L: a broker who passes it on too late (20 days)
    g.official("t:L")
    al = g.wife("t:L", "t:WL", "t:AWL")
    g.n("t:AD", "Account", number="t:AD")
    for d in MONTHS:
        g.pay("t:AM", "t:AD", after(d, 4), 10_000_000.0)
        g.pay("t:AD", al, after(d, 24), 8_000_000.0)


RAIDS = {  # raid -> (at, outcome)
    "t:E1": ("2024-04-10T04:00:00Z", "nothing_found"),
    "t:E2": ("2024-05-10T04:00:00Z", "escaped"),
    "t:E3": ("2024-06-10T04:00:00Z", "found"),
    "t:E4": ("2024-07-10T04:00:00Z", "found"),
    "t:E5": ("2024-08-10T04:00:00Z", "found"),
}


def hours_before(raid: str, hours: int) -> str:
    at = datetime.fromisoformat(RAIDS[raid][0]) - timedelta(hours=hours)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def relay_scene(g: G) -> None:
    for e, (at, outcome) in RAIDS.items():
        g.n(e, "Event", kind="raid", at=at, outcome=outcome)
        g.r("TARGET_OF", "t:M", e)
    # t:T: his phone calls a number nobody is recorded for, which calls Budi an hour
    # later, before both failed raids and no successful one
    g.official("t:T", phone="+62822")
    g.n("+62899", "Phone", number="+62899")
    for e in ("t:E1", "t:E2"):
        g.call("+62822", "+62899", hours_before(e, 3))
        g.call("+62899", "+62811", hours_before(e, 2))
    # t:H: the same chain through a shop's phone that talks with 600 others
    g.official("t:H", phone="+62888")
    g.n("+62897", "Phone", number="+62897")
    for e in ("t:E1", "t:E2"):
        g.call("+62888", "+62897", hours_before(e, 3))
        g.call("+62897", "+62811", hours_before(e, 2))
    for i in range(600):
        g.n(f"+6281{i:05d}", "Phone", number=f"+6281{i:05d}")
        g.call(f"+6281{i:05d}", "+62897", f"{after('2024-01-01', i % 300)}T12:00:00Z")
    # t:N: the same pattern before one failed raid and three successful ones
    g.official("t:N", phone="+62833")
    g.n("+62898", "Phone", number="+62898")
    for e in ("t:E1", "t:E3", "t:E4", "t:E5"):
        g.call("+62833", "+62898", hours_before(e, 4))
        g.call("+62898", "+62811", hours_before(e, 3))


SP3_AT = "2024-06-30T00:00:00Z"


def interference_scene(g: G) -> None:
    g.n(
        "t:C1",
        "Case",
        title="TPPO Budi",
        status="sp3",
        status_at=SP3_AT,
        opened_at="2024-01-01T00:00:00Z",
    )
    g.r("SUSPECT_IN", "t:M", "t:C1", since="2024-01-05")
    g.official("t:I", phone="+62844")
    g.r("INVESTIGATES", "t:I", "t:C1")
    # t:K: five calls to the investigator in the week before the SP3, none before
    g.official("t:K", phone="+62855")
    for d in range(24, 29):
        g.call("+62855", "+62844", f"2024-06-{d}T09:00:00Z")
    # t:K2: calls him every week all year (the usual contact of a colleague)
    g.official("t:K2", phone="+62866")
    for w in range(26):
        g.call("+62866", "+62844", f"{after('2024-01-01', 7 * w)}T09:00:00Z")
    # t:K3: two calls in that week, and the ring pays his wife a week after the SP3
    g.official("t:K3", phone="+62877")
    for d in (27, 28):
        g.call("+62877", "+62844", f"2024-06-{d}T09:00:00Z")
    aw = g.wife("t:K3", "t:WK3", "t:AWK3")
    g.pay("t:AM2", aw, "2024-07-07", 20_000_000.0)


def unmarked_scene(g: G) -> None:
    """A case against a suspect nobody marked as a member, whose victim the ring recruited
    (t:V1, of documents_scene): t:K4 calls its investigator four times before the SP3."""
    g.n("t:Z", "Person", name="Zainal")
    g.n(
        "t:C2",
        "Case",
        title="TPPO Zainal",
        status="sp3",
        status_at="2024-09-30T00:00:00Z",
        opened_at="2024-03-01T00:00:00Z",
    )
    g.r("SUSPECT_IN", "t:Z", "t:C2", since="2024-03-05")
    g.r("VICTIM_IN", "t:V1", "t:C2")
    g.official("t:I2", phone="+62845")
    g.r("INVESTIGATES", "t:I2", "t:C2")
    g.official("t:K4", phone="+62856")
    for d in range(24, 28):
        g.call("+62856", "+62845", f"2024-09-{d}T09:00:00Z")


def documents_scene(g: G) -> None:
    g.n("t:IMI", "Agency", name="Kantor Imigrasi Blitar", kind="immigration")
    g.n("t:IMI2", "Agency", name="Kantor Imigrasi Kediri", kind="immigration")
    births = {
        "t:V1": {"birth_date": "2008-03-01"},
        "t:V2": {"nik": "3504015508100001"},
        "t:V3": {"birth_date": "1995-01-01"},
        "t:V4": {"birth_date": "1996-01-01"},
        "t:V5": {"birth_date": "1994-01-01"},
        "t:V6": {"birth_date": "1993-01-01"},
        "t:V7": {"birth_date": "1992-01-01"},
    }
    for v, props in births.items():
        g.n(v, "Person", name=v, **props)
        g.r("RECRUITED", "t:M", v, since="2023-04-01")
    count = 0

    def passports(leader: str, targets: list[str], others: int) -> None:
        nonlocal count
        for t in [*targets, *([None] * others)]:
            count += 1
            e = g.n(
                f"t:EV{count}",
                "Event",
                kind="other",
                kind_raw=PASSPORT,
                at=f"2023-05-{1 + count % 28:02d}T09:00:00Z",
            )
            g.r("LED", leader, e)
            if t:
                g.r("TARGET_OF", t, e)

    # t:D: 4 of his 10 passports for the ring's recruits (two of them minors); his two
    # colleagues at the office issued 10 each, none for the ring
    for o in ("t:D", "t:Q1", "t:Q2"):
        g.official(o)
        g.r("HOLDS_POST", o, "t:IMI", position="petugas paspor")
    passports("t:D", ["t:V1", "t:V2", "t:V3", "t:V4"], 6)
    passports("t:Q1", [], 10)
    passports("t:Q2", [], 10)
    # t:U: 1 of his 10 for the ring (an adult), like each of his two colleagues
    for o in ("t:U", "t:U1", "t:U2"):
        g.official(o)
        g.r("HOLDS_POST", o, "t:IMI2", position="petugas paspor")
    passports("t:U", ["t:V5"], 9)
    passports("t:U1", ["t:V6"], 9)
    passports("t:U2", ["t:V7"], 9)


def structuring_scene(g: G) -> None:
    # t:F: his wife receives 6 payments of Rp 2 juta from three ring accounts
    g.official("t:F")
    aw = g.wife("t:F", "t:WF", "t:AWF")
    for i, src in enumerate(["t:AM", "t:AM2", "t:AO"] * 2):
        g.pay(src, aw, f"2024-09-{10 + i:02d}", 2_000_000.0)
    # t:F1: the same six payments from one account
    g.official("t:F1")
    aw1 = g.wife("t:F1", "t:WF1", "t:AWF1")
    for i in range(6):
        g.pay("t:AM2", aw1, f"2024-10-{10 + i:02d}", 2_000_000.0)


def everything() -> G:
    g = base()
    for scene in (
        pass_through_scene,
        relay_scene,
        interference_scene,
        documents_scene,
        structuring_scene,
        unmarked_scene,
    ):
        scene(g)
    return g


def ranked(store: Store) -> dict[str, Any]:
    g = everything()
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    return {p["id"]: p for p in report["protectors"]}


@pytest.fixture(scope="module")
def got(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store = EmbeddedStore(tmp_path_factory.mktemp("tradecraft") / "store")
    try:
        return ranked(store)
    finally:
        store.close()


def indicator(got: dict[str, Any], official: str, kind: str) -> dict[str, Any] | None:
    return next(
        (i for i in got.get(official, {"indicators": []})["indicators"] if i["kind"] == kind), None
    )


def strength(got: dict[str, Any], official: str, kind: str) -> float:
    found = indicator(got, official, kind)
    return found["score"] if found else 0.0


# -- pass-through ------------------------------------------------------------------------
def test_a_broker_passing_ring_money_to_a_wife(got: dict[str, Any]) -> None:
    """3 payments, each via the wife (0.9), exclusive: n = 2.7; 80 % in 2 of 7 days."""
    n = 2.7
    want = (1 - math.exp(-n / 2.0)) * 0.8 * (1 - 2 / 14)
    assert strength(got, "t:P", "pass_through") == pytest.approx(want, abs=1e-4)
    ind = indicator(got, "t:P", "pass_through")
    assert ind is not None
    assert ind["facts"] == {
        "count": 3,
        "intermediaries": 1,
        "two_hops": 0,
        "share": 0.8,
        "mean_lag_days": 2.0,
        "exclusivity": 1.0,
        "amount": 24_000_000.0,
    }
    ev = ind["evidence"][0]
    assert ev["nodes"] == ["t:M", "t:AM", "t:AB", "t:B", "t:AW", "t:W", "t:P"]
    assert [r["type"] for r in ev["rels"]] == [
        "HOLDS",
        "TRANSFERRED",
        "TRANSFERRED",
        "HOLDS",
        "HOLDS",
        "FAMILY",
    ]
    # the plain money indicator does not see it (a person, not a company, in between)
    assert strength(got, "t:P", "money") == 0.0


def test_two_brokers_in_a_row(got: dict[str, Any]) -> None:
    """ring -> t:AC -> t:AC2 -> wife: 90 % in 2 days, both exclusive."""
    want = (1 - math.exp(-2.7 / 2.0)) * 0.9 * (1 - 2 / 14)
    assert strength(got, "t:P2", "pass_through") == pytest.approx(want, abs=1e-4)
    ind = indicator(got, "t:P2", "pass_through")
    assert ind is not None and ind["facts"]["two_hops"] == 3
    assert ind["evidence"][0]["nodes"][:4] == ["t:M2", "t:AM2", "t:AC", "t:AC2"]


def test_a_shop_paying_many_people_is_weak(got: dict[str, Any]) -> None:
    """The shop sends the wife 1/20 of what it pays out: exclusivity 0.05."""
    n = 3 * 0.9 * 0.05
    want = (1 - math.exp(-n / 2.0)) * 0.8 * (1 - 2 / 14)
    assert strength(got, "t:Q", "pass_through") == pytest.approx(want, abs=1e-4)
    assert strength(got, "t:Q", "pass_through") < 0.05


def test_money_passed_on_weeks_later_is_not_passed_through(got: dict[str, Any]) -> None:
    assert strength(got, "t:L", "pass_through") == 0.0


def test_passed_on_in_parts(got: dict[str, Any]) -> None:
    """Two top-ups of 40 % a day apart are one forward of 80 %, its lag to the last."""
    want = (1 - math.exp(-2.7 / 2.0)) * 0.8 * (1 - 2 / 14)
    assert strength(got, "t:P5", "pass_through") == pytest.approx(want, abs=1e-4)
    ind = indicator(got, "t:P5", "pass_through")
    assert ind is not None and ind["facts"]["amount"] == 24_000_000.0
    assert [r["type"] for r in ind["evidence"][0]["rels"]].count("TRANSFERRED") == 3


def test_a_company_passing_on_less_than_money_layers_is_passed_through(
    got: dict[str, Any],
) -> None:
    want = (1 - math.exp(-2.7 / 2.0)) * 0.6 * (1 - 1 / 14)
    assert strength(got, "t:P6", "pass_through") == pytest.approx(want, abs=1e-4)
    assert strength(got, "t:P6", "money") == 0.0


def test_one_company_in_between_is_left_to_money(got: dict[str, Any]) -> None:
    assert strength(got, "t:P4", "pass_through") == 0.0
    money = indicator(got, "t:P4", "money")
    assert money is not None and money["facts"]["routes"] == ["layered_payment"]


# -- relay -------------------------------------------------------------------------------
def test_a_relay_before_failed_raids_only(got: dict[str, Any]) -> None:
    """Two failed raids, none of the successful: (1 - e^(-2/1.5)) * 1."""
    assert strength(got, "t:T", "relay") == pytest.approx(1 - math.exp(-2 / 1.5), abs=1e-4)
    ind = indicator(got, "t:T", "relay")
    assert ind is not None
    assert ind["facts"] == {
        "failed_raids": 2,
        "found_raids": 0,
        "relays": 1,
        "raids_failed_total": 2,
        "raids_found_total": 3,
    }
    assert ind["evidence"][0]["nodes"] == ["t:T", "+62822", "+62899", "+62811", "t:M", "t:E1"]
    assert strength(got, "t:T", "tipoff") == 0.0  # he never called a member


def test_a_relay_that_talks_with_everyone_counts_less(got: dict[str, Any]) -> None:
    """The shop's phone has 604 contacts: each chain counts 200/604."""
    w = 2 * 200 / 604
    assert strength(got, "t:H", "relay") == pytest.approx(1 - math.exp(-w / 1.5), abs=1e-4)


def test_the_same_pattern_before_successful_raids_is_routine(got: dict[str, Any]) -> None:
    """One failed raid, three successful ones with the same chain: a quarter of it."""
    want = (1 - math.exp(-1 / 1.5)) * 1 / 4
    assert strength(got, "t:N", "relay") == pytest.approx(want, abs=1e-4)
    assert strength(got, "t:N", "relay") < 0.5 * strength(got, "t:T", "relay")


# -- interference -------------------------------------------------------------------------
def test_calls_to_the_investigator_just_before_an_sp3(got: dict[str, Any]) -> None:
    """Five contacts in the week before the SP3, none before: 1 - e^(-5/3)."""
    assert strength(got, "t:K", "interference") == pytest.approx(1 - math.exp(-5 / 3), abs=1e-4)
    ind = indicator(got, "t:K", "interference")
    assert ind is not None
    assert ind["facts"] == {"cases": 1, "contacts": 5, "changes": ["sp3"], "paid": False}
    assert ind["evidence"][0]["nodes"] == ["t:K", "+62855", "+62844", "t:I", "t:C1"]
    # the investigator himself is left to the cases indicator
    assert strength(got, "t:I", "interference") == 0.0


def test_a_case_against_an_unmarked_suspect_of_the_rings_recruit(got: dict[str, Any]) -> None:
    """The extraction reaches the case through its victim the ring recruited."""
    assert strength(got, "t:K4", "interference") == pytest.approx(1 - math.exp(-4 / 3), abs=1e-4)


def test_usual_weekly_contact_with_the_investigator_is_no_burst(got: dict[str, Any]) -> None:
    assert strength(got, "t:K2", "interference") < 0.05


def test_money_around_the_sp3_strengthens_a_burst(got: dict[str, Any]) -> None:
    want = (1 - math.exp(-2 / 3)) * 1.5
    assert strength(got, "t:K3", "interference") == pytest.approx(want, abs=1e-4)
    ind = indicator(got, "t:K3", "interference")
    assert ind is not None and ind["facts"]["paid"] is True


# -- documents ---------------------------------------------------------------------------
def test_passports_for_the_rings_minors_beyond_his_peers(got: dict[str, Any]) -> None:
    """4 ring passports of his 10, peers 0 of 20: c = 1 - e^(-4/3); two minors (by birth
    date, and by a woman's NIK 3504015508100001: 15 Aug 2010): m = 1 - e^(-2/1.5)."""
    c, m = 1 - math.exp(-4 / 3), 1 - math.exp(-2 / 1.5)
    want = 1 - (1 - 0.6 * c) * (1 - 0.6 * m)
    assert strength(got, "t:D", "documents") == pytest.approx(want, abs=1e-4)
    ind = indicator(got, "t:D", "documents")
    assert ind is not None
    assert ind["facts"] == {
        "events": 4,
        "minors": 2,
        "peers": 2,
        "contact": False,
        "kinds": {PASSPORT: {"ring": 4, "led": 10, "peer_share": 0.0, "minors": 2}},
    }
    assert ind["evidence"][0]["what"] == "document_minor"


def test_routine_passport_work_like_his_peers_is_nothing(got: dict[str, Any]) -> None:
    assert strength(got, "t:U", "documents") == 0.0
    assert strength(got, "t:U1", "documents") == 0.0


def test_peers_are_counted_not_added_to_the_graph(tmp_path: Any) -> None:
    store = EmbeddedStore(tmp_path / "s")
    try:
        g = everything()
        store.upsert(g.nodes, g.rels)
        h = neighbourhood(store, "t:R")
    finally:
        store.close()
    assert "t:Q1" not in h and h.graph["led"]["t:Q1"] == {PASSPORT: 10}
    assert h.graph["led"]["t:D"] == {PASSPORT: 10}
    assert h.graph["peers"]["t:D"] == ["t:Q1", "t:Q2"]


def test_a_leader_over_the_cap_has_no_known_workload(tmp_path: Any) -> None:
    """Without his own count (his events were over the cap) his share is unknown: his
    ring events count no_peers (0.5) each, not as if they were all his work."""
    store = EmbeddedStore(tmp_path / "s")
    try:
        g = everything()
        store.upsert(g.nodes, g.rels)
        h = neighbourhood(store, "t:R")
    finally:
        store.close()
    del h.graph["led"]["t:D"]
    filter_time(h, parse_ts(AS_OF))
    d = next(p for p in rank_graph(h, "t:R", as_of=parse_ts(AS_OF)) if p["id"] == "t:D")
    c, c0, m = 1 - math.exp(-2 / 3), 1 - math.exp(-4 / 3), 1 - math.exp(-2 / 1.5)
    want = 1 - (1 - 0.6 * c) * (1 - 0.6 * m) * (1 - 0.4 * 0 * c0)
    assert strength({"t:D": d}, "t:D", "documents") == pytest.approx(want, abs=1e-4)


# -- structuring --------------------------------------------------------------------------
def test_small_payments_from_three_ring_accounts_to_a_wife(got: dict[str, Any]) -> None:
    want = (1 - math.exp(-2 / 2.0)) * (1 - math.exp(-6 * 0.9 / 6.0))
    assert strength(got, "t:F", "structuring") == pytest.approx(want, abs=1e-4)
    assert strength(got, "t:F1", "structuring") == 0.0  # one payer alone


# -- words and both stores ----------------------------------------------------------------
def test_the_evidence_in_words(got: dict[str, Any]) -> None:
    for official, kind in (
        ("t:P", "pass_through"),
        ("t:T", "relay"),
        ("t:K3", "interference"),
        ("t:D", "documents"),
        ("t:F", "structuring"),
    ):
        ind = indicator(got, official, kind)
        assert ind is not None
        en, id_ = describe(kind, ind["facts"], "en"), describe(kind, ind["facts"])
        assert en and id_ and en != id_
    ind = indicator(got, "t:D", "documents")
    assert ind is not None
    assert describe("documents", ind["facts"], "en") == (
        "led 4 events for the ring's recruits, 2 of them minors, "
        "passport_issue: 4/10 of his against 0% at his office"
    )


@pytest.mark.neo4j
def test_the_same_on_both_stores(got: dict[str, Any], neo4j_store: Store) -> None:
    assert json.dumps(ranked(neo4j_store), sort_keys=True) == json.dumps(got, sort_keys=True)
