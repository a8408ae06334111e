"""Weak leads against innocent explanations: which of two weak signs ranks first.

Each test builds a small ring by hand (member Budi t:M with account t:AM and phone
+62811, member Sari t:M2 with account t:AM2 and phone +62812) and checks one rule of
docs/detection.md ("Weak against weak") with its near miss: standing claims against
observations in grading, extended family and neighbours as channels, associates' own
calls, rent paid as one arrangement (also to an official whose account is reached only
through an inferred payer), the unit's base rate without the ring's own cases, a
supervisor's share of one stopped case, a plain SP3 against an irregular one, a relay to
a raid's unmarked target or to the staff of a raided company, and the case review's
two weeks of pressure before an SP3.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from graph.rows import NodeRow, RelRow
from graph.store import EmbeddedStore, Store
from queries.protectors import rank_protectors

AS_OF = "2024-12-31T00:00:00Z"
MONTHS = ["2023-01-05", "2023-02-05", "2023-03-05", "2023-04-05", "2023-05-05"]


def node(nid: str, *labels: str, **props: Any) -> NodeRow:
    return {"id": nid, "labels": list(labels), "props": props}


class G:
    """A ring being written: two members with an account and a phone each."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = [
            node("t:S1", "Source", reliability="A", credibility="1"),
            node("t:S6", "Source", reliability="E", credibility="6"),
            node("t:R", "Ring", name="Ring"),
        ]
        self.rels: list[RelRow] = []
        for m, acc, ph in (("t:M", "t:AM", "+62811"), ("t:M2", "t:AM2", "+62812")):
            self.n(m, "Person", name=m)
            self.n(acc, "Account")
            self.n(ph, "Phone")
            self.r("MEMBER_OF", m, "t:R")
            self.r("HOLDS", m, acc)
            self.r("USES", m, ph)

    def n(self, nid: str, *labels: str, **props: Any) -> str:
        self.nodes.append(node(nid, *labels, **props))
        return nid

    def r(self, typ: str, start: str, end: str, source: str = "t:S1", **props: Any) -> None:
        self.rels.append(
            {
                "id": f"r{len(self.rels)}",
                "type": typ,
                "start": start,
                "end": end,
                "props": {"sources": [source], **props},
            }
        )

    def official(self, nid: str, phone: str | None = None, account: str | None = None) -> str:
        self.n(nid, "Person", "Official", name=nid)
        if phone:
            self.n(phone, "Phone")
            self.r("USES", nid, phone)
        if account:
            self.n(account, "Account")
            self.r("HOLDS", nid, account)
        return nid

    def pay(self, src: str, dst: str, at: str, amount: float, **props: Any) -> None:
        self.r("TRANSFERRED", src, dst, amount=amount, at=at, **props)

    def call(self, src: str, dst: str, at: str) -> None:
        self.r("CALLED", src, dst, at=at, kind="call")

    def rank(self, store: Store) -> dict[str, Any]:
        store.upsert(self.nodes, self.rels)
        report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
        return {p["id"]: p for p in report["protectors"]}


def kind(found: dict[str, Any], who: str, name: str) -> dict[str, Any]:
    p = found.get(who, {"indicators": []})
    return next((i for i in p["indicators"] if i["kind"] == name), {"score": 0.0, "facts": {}})


def score(found: dict[str, Any], who: str) -> float:
    return float(found.get(who, {"score": 0.0})["score"])


# -- grading: standing claims against observations -----------------------------------
def test_a_weakly_sourced_kinship_is_a_lead_to_verify(embedded_store: EmbeddedStore) -> None:
    """Monthly payments to a wife whose marriage only an anonymous post (E6, 0.245)
    records: the transfers are observed (A1), the kinship is a standing claim anyone can
    check in the family register, so the path weighs 0.5 + 0.5 x 0.245, not 0.245."""
    g = G()
    g.official("t:P")
    g.n("t:W", "Person", name="Wife")
    g.n("t:AW", "Account")
    g.r("HOLDS", "t:W", "t:AW")
    g.r("FAMILY", "t:P", "t:W", source="t:S6", detail="spouse")
    for d in MONTHS:
        g.pay("t:AM", "t:AW", f"{d}T09:00:00Z", 5e6)
    money = kind(g.rank(embedded_store), "t:P", "money")
    assert money["evidence"] and all(
        e["grade"] == pytest.approx(0.5 + 0.5 * 0.245, abs=1e-3) for e in money["evidence"]
    )


# -- who counts as the official's channel ----------------------------------------------
def _relative_paid(detail: str, kin: str = "FAMILY") -> G:
    g = G()
    g.official("t:P")
    g.n("t:K", "Person", name="Relative")
    g.n("t:AK", "Account")
    g.r("HOLDS", "t:K", "t:AK")
    g.r(kin, "t:P", "t:K", detail=detail)
    for d in MONTHS[:3]:
        g.pay("t:AM", "t:AK", f"{d}T09:00:00Z", 5e6)
    return g


def test_a_cousin_is_not_the_officials_purse_as_a_sibling_is(
    embedded_store: EmbeddedStore, tmp_path: Any
) -> None:
    sibling = kind(_relative_paid("sibling").rank(embedded_store), "t:P", "money")
    other = EmbeddedStore(tmp_path / "cousin")
    try:
        cousin = kind(_relative_paid("sepupu (cousin)").rank(other), "t:P", "money")
    finally:
        other.close()
    assert sibling["facts"]["count"] == cousin["facts"]["count"] == 3
    assert sibling["facts"]["regular"] and cousin["facts"]["regular"]
    # [via] family 0.9 against [via] extended 0.3, in the count and the amount
    assert sibling["score"] == pytest.approx(_money(0.9), abs=1e-3)
    assert cousin["score"] == pytest.approx(_money(0.3), abs=1e-3)


def _money(via: float) -> float:
    """Three regular monthly payments of 5 juta, each weighing ``via``."""
    c = 1 - math.exp(-3 * via / 3.0)
    a = 1 - math.exp(-3 * via * 5e6 / 5e7)
    return 1 - (1 - 0.6 * c) * (1 - 0.5 * a) * (1 - 0.5)


def test_a_neighbour_associate_is_no_channel(embedded_store: EmbeddedStore) -> None:
    got = kind(_relative_paid("tetangga", "ASSOCIATE").rank(embedded_store), "t:P", "money")
    # an associate (0.6) recorded as a neighbour counts [innocent] explained (0.2) of one
    assert got["score"] == pytest.approx(_money(0.6 * 0.2), abs=1e-3)


def test_an_associates_own_calls_with_members_are_his_own(embedded_store: EmbeddedStore) -> None:
    """A friend of the official who talks with members every week: his own life. The
    official's own calls still count; so would the friend's on a raid's eve (tipoff)."""
    g = G()
    g.official("t:P", phone="+62822")
    g.n("t:F", "Person", name="Friend")
    g.n("+62833", "Phone")
    g.r("USES", "t:F", "+62833")
    g.r("ASSOCIATE", "t:P", "t:F", detail="teman")
    for i in range(12):
        g.call("+62833", "+62811", f"2023-0{1 + i % 9}-1{i % 10}T09:00:00Z")
    g.call("+62822", "+62812", "2023-03-03T09:00:00Z")
    comms = kind(g.rank(embedded_store), "t:P", "comms")
    assert comms["facts"]["calls"] == 1
    assert all("t:F" not in e["nodes"] for e in comms["evidence"])


# -- rent paid like the other tenants pay --------------------------------------------
def _rent(g: G, payer_account: str, landlord_account: str, months: list[str]) -> None:
    for d in months:
        g.pay(payer_account, landlord_account, f"{d}T09:00:00Z", 2e6, reference="sewa kontrakan")
    for i in range(6):
        g.n(f"t:AT{i}", "Account")
        g.pay(f"t:AT{i}", landlord_account, "2023-01-05T09:00:00Z", 2e6, reference="kos")


def test_rent_every_month_is_one_arrangement(embedded_store: EmbeddedStore, tmp_path: Any) -> None:
    """Five months of rent like six other tenants pay count together as one rent-like
    payment (0.1 of a payment), not five of them."""
    g = G()
    g.official("t:P", account="t:AP")
    _rent(g, "t:AM", "t:AP", MONTHS)
    five = kind(g.rank(embedded_store), "t:P", "money")
    one_g = G()
    one_g.official("t:P", account="t:AP")
    _rent(one_g, "t:AM", "t:AP", MONTHS[:1])
    other = EmbeddedStore(tmp_path / "one")
    try:
        one = kind(one_g.rank(other), "t:P", "money")
    finally:
        other.close()
    assert five["facts"]["count"] == 5 and one["facts"]["count"] == 1
    assert five["facts"]["innocent"][0]["why"] == "ordinary"
    # the amount weighs with the payment's weight: five rents of 2 juta weigh as one
    assert five["score"] == pytest.approx(one["score"], rel=0.01)
    assert five["score"] < 0.05


def test_rent_from_an_inferred_payer_to_a_landlord_official(embedded_store: EmbeddedStore) -> None:
    """The tenant is not a recorded member but acts for the ring (paid by both members,
    part of it going on as his rent); the official's account is reached only through
    him. That it receives from six other tenants must still be known (counted for every
    account outside the ring's, not only those next to the ring's own)."""
    g = G()
    g.n("t:T", "Person", name="Tenant")
    g.n("t:AT", "Account")
    g.r("HOLDS", "t:T", "t:AT")
    for src in ("t:AM", "t:AM2"):
        for d in MONTHS[:3]:
            g.pay(src, "t:AT", f"{d[:-2]}03T08:00:00Z", 1.5e6)
    g.official("t:P", account="t:AP")
    _rent(g, "t:AT", "t:AP", MONTHS)
    money = kind(g.rank(embedded_store), "t:P", "money")
    assert money["facts"]["inferred_payers"] == ["t:T"]
    assert money["facts"]["innocent"][0]["receiver_others"] == 6
    assert money["score"] < 0.05


# -- cases: base rates without the ring's own cases; a supervisor's share ---------------
def _unit(g: G) -> None:
    g.n("t:AG", "Agency", name="Polres")
    for o in ("t:P", "t:Q1", "t:Q2", "t:Q3"):
        if o != "t:P":
            g.official(o)
        g.r("HOLDS_POST", o, "t:AG", since="2020-01-01")


def test_the_units_base_rate_leaves_out_the_rings_own_cases(
    embedded_store: EmbeddedStore,
) -> None:
    """Three colleagues each stopped two ring cases and have no other cases: their SP3s
    are what is being judged, not how the unit's cases usually end. Counted in, the unit
    rate would be 100 % SP3 and his own quick SP3 'routine'."""
    g = G()
    g.official("t:P")
    _unit(g)
    g.n("t:K", "Case", status="sp3", opened_at="2023-01-01", status_at="2023-02-15")
    g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.r("INVESTIGATES", "t:P", "t:K")
    for q in ("t:Q1", "t:Q2", "t:Q3"):
        for j in range(2):
            c = g.n(f"t:K{q[-1]}{j}", "Case", status="sp3", opened_at="2023-01-01")
            g.r("SUSPECT_IN", "t:M2", c, since="2023-01-10")
            g.r("INVESTIGATES", q, c)
    cases = kind(g.rank(embedded_store), "t:P", "cases")
    assert "base" not in cases["facts"]  # no other cases of the unit known
    assert cases["score"] == pytest.approx(0.3) and cases["facts"]["capped_alone"]


def test_a_supervisor_has_his_roles_share_of_one_stopped_case(
    embedded_store: EmbeddedStore,
) -> None:
    """The Kasat over two ring cases his investigators stopped quickly: two cases at 0.4
    each are less than two cases he ran himself, so still 'one case alone', at his role's
    share of the cap (0.3 x 0.4); the investigator of both is not capped."""
    g = G()
    g.official("t:Y")
    g.official("t:X")
    for j in range(2):
        c = g.n(f"t:K{j}", "Case", status="sp3", opened_at="2023-01-01", status_at="2023-02-15")
        g.r("SUSPECT_IN", "t:M", c, since="2023-01-10")
        g.r("SUPERVISES", "t:Y", c)
        g.r("INVESTIGATES", "t:X", c)
    got = g.rank(embedded_store)
    y, x = kind(got, "t:Y", "cases"), kind(got, "t:X", "cases")
    assert y["facts"]["net"] == pytest.approx(0.96) and y["facts"]["capped_alone"]
    assert y["score"] == pytest.approx(0.12)
    assert "alone" not in x["facts"]
    assert x["score"] == pytest.approx(1 - math.exp(-2.4 / 0.8), abs=1e-4)


def test_a_plain_sp3_alone_is_near_nothing(embedded_store: EmbeddedStore) -> None:
    """An SP3 eight months after naming the suspect: how investigations without enough
    evidence end. Alone: [innocent] case_alone (0.1), below an irregular one (0.3)."""
    g = G()
    g.official("t:P")
    g.n("t:K", "Case", status="sp3", opened_at="2023-01-01", status_at="2023-09-15")
    g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.r("INVESTIGATES", "t:P", "t:K")
    got = g.rank(embedded_store)
    assert kind(got, "t:P", "cases")["score"] == pytest.approx(0.1)
    assert score(got, "t:P") == pytest.approx(0.08)


# -- relay: the raid's target, unmarked ------------------------------------------------
RAID = "2023-06-10T04:00:00Z"


def _relay_to(g: G, target_phone: str) -> None:
    g.official("t:P", phone="+62822")
    g.n("+62899", "Phone")  # nobody is recorded for it
    for e, day in (("t:E1", "2023-06-10"), ("t:E2", "2023-08-10")):
        g.n(e, "Event", kind="raid", at=f"{day}T04:00:00Z", outcome="nothing_found")
        g.call("+62822", "+62899", f"{day}T01:00:00Z")
        g.call("+62899", target_phone, f"{day}T01:30:00Z")


def test_a_relay_to_the_raids_unmarked_target(embedded_store: EmbeddedStore) -> None:
    """The raids are about a ring case; their target is not marked a member. The third
    phone calls him half an hour after the official called it, before both failed raids."""
    g = G()
    g.n("t:K", "Case", status="lidik", opened_at="2023-01-01")
    g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.n("t:U", "Person", name="Unmarked")
    g.n("+62877", "Phone")
    g.r("USES", "t:U", "+62877")
    _relay_to(g, "+62877")
    for e in ("t:E1", "t:E2"):
        g.r("TARGET_OF", "t:U", e)
        g.r("ABOUT", e, "t:K")
    relay = kind(g.rank(embedded_store), "t:P", "relay")
    assert relay["facts"]["failed_raids"] == 2
    assert relay["score"] == pytest.approx(1 - math.exp(-2 / 1.5), abs=1e-3)
    assert {e["nodes"][-2] for e in relay["evidence"]} == {"t:U"}


def test_a_relay_to_the_staff_of_a_raided_company(store: Store) -> None:
    """The raids target the ring's shelter company; the third phone calls its clerk."""
    g = G()
    g.n("t:O", "Organization", name="PT Penampungan")
    g.r("DIRECTOR_OF", "t:M", "t:O")
    g.n("t:C", "Person", name="Clerk")
    g.n("+62866", "Phone")
    g.r("USES", "t:C", "+62866")
    g.r("EMPLOYEE_OF", "t:C", "t:O", detail="staf administrasi")
    _relay_to(g, "+62866")
    for e in ("t:E1", "t:E2"):
        g.r("TARGET_OF", "t:O", e)
    relay = kind(g.rank(store), "t:P", "relay")
    assert relay["facts"]["failed_raids"] == 2
    assert relay["score"] == pytest.approx(1 - math.exp(-2 / 1.5), abs=1e-3)


# -- interference: the case review's two weeks -----------------------------------------
def test_pressure_before_the_case_review_counts(embedded_store: EmbeddedStore) -> None:
    """Calls to the investigator 9 to 12 days before the SP3 letter: the case review that
    decided it came before the letter. Nothing in the six months before."""
    g = G()
    g.official("t:P", phone="+62822")
    g.official("t:I", phone="+62844")
    g.n("t:K", "Case", status="sp3", opened_at="2023-01-01", status_at="2023-05-20")
    g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.r("INVESTIGATES", "t:I", "t:K")
    for day in ("08", "09", "10", "11"):
        g.call("+62822", "+62844", f"2023-05-{day}T09:00:00Z")
    got = kind(g.rank(embedded_store), "t:P", "interference")
    assert got["facts"]["contacts"] == 4
    assert got["score"] == pytest.approx(1 - math.exp(-4 / 3.0), abs=1e-3)


def test_a_relay_to_someone_leaning_to_the_ring(embedded_store: EmbeddedStore) -> None:
    """The third phone calls a man who talks with both members now and then but mostly
    with others: some sign of acting for the ring, below [side] min. The warning through
    him before the second raid counts at that confidence, not as nothing and not as a
    member's (before the first raid the third phone called Budi himself)."""
    g = G()
    g.n("t:K", "Case", status="lidik", opened_at="2023-01-01")
    g.r("SUSPECT_IN", "t:M", "t:K", since="2023-01-10")
    g.n("t:L", "Person", name="Leaning")
    g.n("+62855", "Phone")
    g.r("USES", "t:L", "+62855")
    g.call("+62855", "+62811", "2023-03-01T09:00:00Z")
    g.call("+62855", "+62812", "2023-03-02T09:00:00Z")
    for i in range(20):
        g.n(f"+6280{i:02d}", "Phone")
        g.call("+62855", f"+6280{i:02d}", f"2023-04-{1 + i:02d}T09:00:00Z")
    _relay_to(g, "+62855")
    g.call("+62899", "+62811", "2023-06-10T01:40:00Z")  # and Budi himself, before E1
    for e in ("t:E1", "t:E2"):
        g.r("ABOUT", e, "t:K")
    store = embedded_store
    store.upsert(g.nodes, g.rels)
    report = rank_protectors(store, ring_id="t:R", as_of=AS_OF)
    assert "t:L" not in {x["id"] for x in report["side"]}
    relay = kind({p["id"]: p for p in report["protectors"]}, "t:P", "relay")
    assert relay["facts"]["failed_raids"] == 2
    # E1 through Budi (1.0), E2 through the leaning man (his confidence, below 0.3)
    assert 1 - math.exp(-1 / 1.5) < relay["score"] < 1 - math.exp(-1.3 / 1.5)


def test_the_evidence_names_the_weak_claim_to_verify(embedded_store: EmbeddedStore) -> None:
    """The marriage the payments rest on is known only from an anonymous post: the
    evidence says so, with the source's code, in both languages."""
    from queries.protectors.words import describe

    g = G()
    g.official("t:P")
    g.n("t:W", "Person", name="Wife")
    g.n("t:AW", "Account")
    g.r("HOLDS", "t:W", "t:AW")
    g.r("FAMILY", "t:P", "t:W", source="t:S6", detail="spouse")
    for d in MONTHS:
        g.pay("t:AM", "t:AW", f"{d}T09:00:00Z", 5e6)
    money = kind(g.rank(embedded_store), "t:P", "money")
    assert money["facts"]["weak_claims"] == ["FAMILY:E6"]
    assert describe("money", money["facts"], "en").endswith(
        "family (E6) only from weak sources: verify first"
    )
    assert describe("money", money["facts"], "id").endswith(
        "keluarga (E6) hanya dari sumber lemah: verifikasi dulu"
    )
    # well sourced everywhere: nothing to say
    assert (
        "weak_claims"
        not in kind(_relative_paid("sibling").rank(embedded_store), "t:P", "money")["facts"]
    )


def test_the_cases_words_list_outcomes_and_say_a_weak_claim_once() -> None:
    """The weak claims are said by the one sentence after the indicator's own words; the
    cases indicator lists its outcome counts and must not list other facts as outcomes
    (the browser walk found 'weak_claims' on the ring page)."""
    from queries.protectors.words import describe

    facts = {"stalled": 1, "weak_claims": ["SUSPECT_IN:F6"], "alone": 1.0, "capped_alone": True}
    for lang in ("id", "en"):
        said = describe("cases", facts, lang)
        assert "weak_claims" not in said and "SUSPECT_IN" not in said, said
        assert said.count("(F6)") == 1, said
