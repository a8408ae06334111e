"""Backing through people the records do not name, and contact that explains itself.

The rules of docs/detection.md ("Held-out seeds: people nobody listed"), each on a small
ring built by hand (members Budi t:M and Sari t:M2, as in test_protectors_leads) with
its near miss:

- who acts for the ring without a ``member_of`` row (calls with both members, a suspect
  in their case) is followed by the extraction: a relay who warns only him, a relative
  paid only from his accounts, an official who calls his phone before raids;
- a broker the side inference counts as the ring's (paid by both members) still passes
  the members' money on: the chain starts at the surest payer;
- an intermediary's rent to the official is his own standing obligation;
- calls alone, and a bridge through nothing but kinship, are capped;
- a neighbour who acts for the ring himself is not the official's channel (a wife is).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from graph.store import EmbeddedStore, Store
from queries.protectors import rank_protectors
from queries.protectors.words import describe
from tests.queries.test_protectors_leads import AS_OF, G, kind, score


def _acting(g: G, who: str, phone: str) -> None:
    """``who`` acts for the ring unrecorded: calls with both members, a suspect beside
    Budi in the ring's case t:K."""
    g.n(who, "Person", name=who)
    g.n(phone, "Phone")
    g.r("USES", who, phone)
    for i, member_phone in enumerate(("+62811", "+62812", "+62811", "+62812")):
        g.call(phone, member_phone, f"2023-02-{10 + i:02d}T09:00:00Z")
    if not any(n["id"] == "t:K" for n in g.nodes):
        g.n("t:K", "Case", status="lidik", opened_at="2023-01-01")
        g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.r("SUSPECT_IN", who, "t:K", since="2023-01-10")


def _official_and_wife(g: G) -> None:
    """Official t:P and his wife t:W, who holds account t:AW."""
    g.official("t:P")
    g.n("t:W", "Person", name="Wife")
    g.n("t:AW", "Account")
    g.r("HOLDS", "t:W", "t:AW")
    g.r("FAMILY", "t:P", "t:W", detail="spouse")


def _raids(g: G) -> list[str]:
    """Two raids about the ring's case that found nothing (aimed at Budi)."""
    days = []
    for e, day in (("t:E1", "2023-06-10"), ("t:E2", "2023-08-10")):
        g.n(e, "Event", kind="raid", at=f"{day}T04:00:00Z", outcome="nothing_found")
        g.r("ABOUT", e, "t:K")
        g.r("TARGET_OF", "t:M", e)
        days.append(day)
    return days


# -- the extraction reaches who acts for the ring unrecorded -------------------------
def test_a_relay_who_warns_only_an_unrecorded_recruiter(store: Store) -> None:
    """The third phone never talks with a member's phone: it calls U, who acts for the
    ring without a member_of row and is not the raids' target, half an hour after the
    official called it, before both failed raids. Found only when the extraction follows
    U's phone as the ring's."""
    g = G()
    _acting(g, "t:U", "+62877")
    g.official("t:P", phone="+62822")
    g.n("+62899", "Phone")  # nobody is recorded for it
    for day in _raids(g):
        g.call("+62822", "+62899", f"{day}T01:00:00Z")
        g.call("+62899", "+62877", f"{day}T01:30:00Z")
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    assert "t:U" in {x["id"] for x in report["side"]}
    relay = kind({p["id"]: p for p in report["protectors"]}, "t:P", "relay")
    assert relay["facts"]["failed_raids"] == 2
    assert {e["nodes"][-2] for e in relay["evidence"]} == {"t:U"}


def test_a_relative_paid_only_by_unrecorded_hands(store: Store) -> None:
    """Many small payments to the official's wife, all from the accounts of two people
    who act for the ring without a member_of row (no member ever pays her)."""
    g = G()
    _official_and_wife(g)
    for who, phone, acc in (("t:U", "+62877", "t:AU"), ("t:U2", "+62878", "t:AU2")):
        _acting(g, who, phone)
        g.n(acc, "Account")
        g.r("HOLDS", who, acc)
    for i in range(12):
        g.pay(("t:AU", "t:AU2")[i % 2], "t:AW", f"2023-{1 + i:02d}-15T09:00:00Z", 7e5)
    found = g.rank(store)
    assert kind(found, "t:P", "structuring")["score"] > 0.2
    assert kind(found, "t:P", "money")["facts"]["inferred_payers"] == ["t:U", "t:U2"]


def test_an_official_who_calls_the_recruiters_phone_before_raids(store: Store) -> None:
    """The official calls U's phone itself before both failed raids (U acts for the ring,
    unrecorded, and is not the target). His phone talked with a phone the extraction
    follows as the ring's before a raid: who uses it is read too."""
    g = G()
    _acting(g, "t:U", "+62877")
    g.official("t:P", phone="+62822")
    for day in _raids(g):
        g.call("+62822", "+62877", f"{day}T01:00:00Z")
    found = g.rank(store)
    assert kind(found, "t:P", "tipoff")["facts"]["raids"] == 2


# -- a broker counted as the ring's side still passes the members' money on ----------
def test_a_broker_paid_by_both_members_passes_their_money_on(
    embedded_store: EmbeddedStore,
) -> None:
    """Both members pay broker B (so the side inference takes B for the ring's, at its
    confidence); B passes 80 % on to X within two days, X passes it all to the official's
    wife the next day. Each chain starts at the member who paid (sure 1.0), not at B (his
    confidence), and the forward to the wife is counted once."""
    g = G()
    _official_and_wife(g)
    for who, acc in (("t:B", "t:AB"), ("t:X", "t:AX")):
        g.n(who, "Person", name=who)
        g.n(acc, "Account")
        g.r("HOLDS", who, acc)
    for i, month in enumerate(("01", "03", "05", "07", "09", "11")):
        g.pay(("t:AM", "t:AM2")[i % 2], "t:AB", f"2023-{month}-01T09:00:00Z", 1e7)
        g.pay("t:AB", "t:AX", f"2023-{month}-02T09:00:00Z", 8e6)
        g.pay("t:AX", "t:AW", f"2023-{month}-03T09:00:00Z", 8e6)
    store = embedded_store
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    assert "t:B" in {x["id"] for x in report["side"]}
    got = kind({p["id"]: p for p in report["protectors"]}, "t:P", "pass_through")
    assert got["facts"]["count"] == 6 and got["facts"]["two_hops"] == 6
    assert {e["nodes"][0] for e in got["evidence"]} == {"t:M", "t:M2"}
    # n = 6 x grade 1 x spouse 0.9 x exclusivity 1; 80 % kept, two days
    n = 6 * 0.9
    assert got["score"] == pytest.approx((1 - math.exp(-n / 2)) * 0.8 * (1 - 2 / 14), abs=1e-3)


# -- a broker with a business of his own ----------------------------------------------
def _trader(to_wife: str) -> G:
    """Trader D runs a business: he pays twelve suppliers Rp 5 juta every week of 2023.
    Budi pays him Rp 10 juta four times. ``to_wife`` "after": two days after each, D
    pays the official's wife Rp 8 juta; "weekly": D pays her Rp 8 juta every week."""
    g = G()
    _official_and_wife(g)
    g.n("t:D", "Person", name="Trader")
    g.n("t:AD", "Account")
    g.r("HOLDS", "t:D", "t:AD")
    start = datetime(2023, 1, 2, 9, tzinfo=UTC)
    for i in range(12):
        g.n(f"t:AS{i}", "Account")
    for week in range(52):
        day = start + timedelta(days=7 * week)
        for i in range(12):
            g.pay("t:AD", f"t:AS{i}", f"{day + timedelta(hours=i):%Y-%m-%dT%H:%M:%SZ}", 5e6)
        if to_wife == "weekly":
            g.pay("t:AD", "t:AW", f"{day + timedelta(days=3):%Y-%m-%dT%H:%M:%SZ}", 8e6)
    for month in (2, 5, 8, 11):
        g.pay("t:AM", "t:AD", f"2023-{month:02d}-15T09:00:00Z", 1e7)
        if to_wife == "after":
            g.pay("t:AD", "t:AW", f"2023-{month:02d}-17T09:00:00Z", 8e6)
    return g


def test_a_broker_with_a_business_of_his_own_still_passes_on(store: Store) -> None:
    """The wife gets 1 % of what D sends, but every rupiah of it in the two days after
    Budi paid him, where chance would put 8 %: D pays her because the ring paid him
    (the share alone gave 0.01, and a score of 0.04)."""
    got = kind(_trader("after").rank(store), "t:P", "pass_through")
    assert got["facts"]["count"] == 4
    # a supplier's weekly payment that falls on a window's last moment counts in it
    assert got["facts"]["exclusivity"] > 0.8
    n = 4 * 0.9 * got["facts"]["exclusivity"]  # grade 1 x spouse 0.9 x exclusivity
    assert got["score"] == pytest.approx((1 - math.exp(-n / 2)) * 0.8 * (1 - 2 / 14), abs=1e-3)
    assert got["score"] > 0.5


def test_a_trader_paying_the_wife_every_week_is_not_specific(store: Store) -> None:
    """Near miss: D pays her every week whatever comes in; a payment follows each of
    Budi's within the window as chance would have it, so only her share of what D
    sends (8 / 68) counts."""
    got = kind(_trader("weekly").rank(store), "t:P", "pass_through")
    assert got["facts"]["count"] == 4
    assert got["facts"]["exclusivity"] == pytest.approx(8 / 68, abs=1e-3)
    assert got["score"] < 0.15


# -- an intermediary's rent is his own obligation -------------------------------------
def _tenant(rent_reference: str) -> G:
    """T is paid by Budi now and then and pays the official Rp 1,9 juta every month, some
    of it two days after Budi paid him."""
    g = G()
    g.official("t:P", account="t:AP")
    g.n("t:T", "Person", name="Tenant")
    g.n("t:AT", "Account")
    g.r("HOLDS", "t:T", "t:AT")
    for month in range(1, 13):
        g.pay("t:AT", "t:AP", f"2023-{month:02d}-05T09:00:00Z", 1.9e6, reference=rent_reference)
    for month in (2, 5, 8, 11):
        g.pay("t:AM", "t:AT", f"2023-{month:02d}-03T09:00:00Z", 3e6, reference="fee")
    return g


def test_a_tenants_monthly_rent_is_not_passed_on_money(embedded_store: EmbeddedStore) -> None:
    g = _tenant("sewa kontrakan")
    assert kind(g.rank(embedded_store), "t:P", "pass_through")["score"] == 0.0


def test_the_same_payments_without_an_ordinary_purpose_pass_on(store: Store) -> None:
    """Near miss: the same series with no reference naming a purpose is passed on."""
    got = kind(_tenant("titip").rank(store), "t:P", "pass_through")
    assert got["facts"]["count"] == 4


def test_the_words_say_what_was_left_out() -> None:
    facts = {
        "count": 1,
        "intermediaries": 1,
        "share": 0.8,
        "mean_lag_days": 2,
        "exclusivity": 1.0,
        "amount": 5e6,
        "routine": 3,
    }
    assert "3 payments left out: a standing obligation" in describe("pass_through", facts, "en")
    assert "3 pembayaran tidak dihitung: kewajiban tetap perantara" in describe(
        "pass_through", facts, "id"
    )
    said = describe("ties", {"ties": 1, "apart": 1}, "id")
    assert "1 tetangga atau kerabat jauh bertindak sendiri untuk jaringan" in said
    said = describe("money", {"count": 2, "amount": 1e6, "apart": 2}, "en")
    assert "2 neighbours or distant relatives act for the ring themselves" in said


# -- calls alone, and a bridge through kinship alone -----------------------------------
def _caller(g: G, phone: str, calls: int, others: int) -> None:
    for i in range(calls):
        g.call(
            phone, ("+62811", "+62812")[i % 2], f"2023-{1 + i % 12:02d}-0{1 + i // 12}T09:00:00Z"
        )
    for i in range(others):
        g.n(f"+6285{i:03d}", "Phone")
        g.call(phone, f"+6285{i:03d}", f"2023-03-{1 + i % 28:02d}T10:00:00Z")


def test_calls_alone_are_contact(embedded_store: EmbeddedStore) -> None:
    """A press officer's 12 calls with the members among 100 others, nothing else."""
    g = G()
    g.official("t:P", phone="+62822")
    _caller(g, "+62822", 12, 100)
    found = g.rank(embedded_store)
    comms = kind(found, "t:P", "comms")
    assert comms["score"] == pytest.approx(0.2) and comms["facts"]["capped_alone"]
    assert score(found, "t:P") == pytest.approx(0.1)
    assert describe("comms", comms["facts"], "id").endswith(
        "hanya panggilan telepon: dibatasi, tidak ada kaitan lain dengan jaringan"
    )


def test_calls_beside_money_are_not_capped(embedded_store: EmbeddedStore) -> None:
    g = G()
    g.official("t:P", phone="+62822", account="t:AP")
    _caller(g, "+62822", 12, 100)
    for month in ("01", "02", "03"):
        g.pay("t:AM", "t:AP", f"2023-{month}-20T09:00:00Z", 5e6)
    comms = kind(g.rank(embedded_store), "t:P", "comms")
    assert comms["score"] > 0.3 and "capped_alone" not in comms["facts"]


def _cousins(paid: bool) -> G:
    """Official O1 is Budi's cousin and O2's brother: the only informal path from the ring
    to O2 runs through him."""
    g = G()
    g.official("t:O1", account="t:AO1")
    g.official("t:O2")
    g.r("FAMILY", "t:O1", "t:M", detail="cousin")
    g.r("FAMILY", "t:O1", "t:O2", detail="sibling")
    if paid:
        for month in ("01", "02", "03"):
            g.pay("t:AM", "t:AO1", f"2023-{month}-20T09:00:00Z", 5e6)
    return g


def test_a_bridge_through_kinship_alone_is_that_tie_again(embedded_store: EmbeddedStore) -> None:
    found = _cousins(paid=False).rank(embedded_store)
    bridging = kind(found, "t:O1", "bridging")
    assert bridging["score"] == pytest.approx(0.2) and bridging["facts"]["capped_alone"]
    assert kind(found, "t:O1", "ties")["facts"]["capped_alone"]
    assert score(found, "t:O1") == pytest.approx(1 - (1 - 0.06) * (1 - 0.03), abs=1e-4)


def test_a_bridge_beside_money_is_not_capped(embedded_store: EmbeddedStore) -> None:
    bridging = kind(_cousins(paid=True).rank(embedded_store), "t:O1", "bridging")
    assert bridging["score"] == 1.0 and "capped_alone" not in bridging["facts"]


# -- a neighbour who acts for the ring is not the official's channel ------------------
def _neighbour_and_wife(g: G) -> None:
    g.official("t:P")
    for who, acc, phone, rel, detail in (
        ("t:N", "t:AN", "+62877", "ASSOCIATE", "tetangga"),
        ("t:W", "t:AW", "+62878", "FAMILY", "spouse"),
    ):
        _acting(g, who, phone)
        g.n(acc, "Account")
        g.r("HOLDS", who, acc)
        g.r(rel, "t:P", who, detail=detail)
        for month in range(1, 7):
            g.pay("t:AM", acc, f"2023-{month:02d}-25T09:00:00Z", 3e6, reference="uang jalan")


def test_a_neighbour_acting_for_the_ring_is_on_its_side(embedded_store: EmbeddedStore) -> None:
    """His neighbour calls both members, is a suspect beside Budi and is paid travel money:
    the ring's own man, on its side, and his pay is not the official's. The official's
    wife does the same: she stays his side, never the ring's, and her pay is his."""
    g = G()
    _neighbour_and_wife(g)
    store = embedded_store
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    side = {x["id"] for x in report["side"]}
    assert "t:N" in side and "t:W" not in side
    money = kind({p["id"]: p for p in report["protectors"]}, "t:P", "money")
    assert money["facts"]["count"] == 6 and money["facts"]["relations"] == ["family:spouse"]
    assert money["facts"]["apart"] == 1


def test_a_cousin_with_some_sign_of_acting_for_the_ring_is_not_his_purse(
    embedded_store: EmbeddedStore,
) -> None:
    """His cousin talks with both members now and then, among many other calls (a sign of
    acting for the ring, below [side] min), and Budi pays him fuel money eight times: the
    cousin's dealings with the ring are his own, not a payment to the official."""
    g = G()
    g.official("t:P")
    g.n("t:C", "Person", name="Cousin")
    g.n("t:AC", "Account")
    g.n("+62877", "Phone")
    g.r("HOLDS", "t:C", "t:AC")
    g.r("USES", "t:C", "+62877")
    g.r("FAMILY", "t:P", "t:C", detail="cousin")
    _caller(g, "+62877", 2, 30)
    for month in range(1, 9):
        g.pay("t:AM", "t:AC", f"2023-{month:02d}-25T09:00:00Z", 3e6, reference="bensin")
    store = embedded_store
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    assert "t:C" not in {x["id"] for x in report["side"]}
    assert score({p["id"]: p for p in report["protectors"]}, "t:P") == 0.0


def test_a_cousin_with_no_sign_of_acting_is_still_a_weak_channel(
    embedded_store: EmbeddedStore,
) -> None:
    """Near miss: the same payments to a cousin who never talks with the ring."""
    g = G()
    g.official("t:P")
    g.n("t:C", "Person", name="Cousin")
    g.n("t:AC", "Account")
    g.r("HOLDS", "t:C", "t:AC")
    g.r("FAMILY", "t:P", "t:C", detail="cousin")
    for month in range(1, 9):
        g.pay("t:AM", "t:AC", f"2023-{month:02d}-25T09:00:00Z", 3e6, reference="bensin")
    assert kind(g.rank(embedded_store), "t:P", "money")["facts"]["count"] == 8
