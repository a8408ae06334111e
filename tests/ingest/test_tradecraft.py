"""The tradecraft scenarios of ``telusur synth`` (issue 17): each kind has its shape in the files.

The bundle is read back with the independent parser of ``test_synth`` (own dialects,
amounts, dates and phones), so a test fails when the *files* lack the behaviour a
kind or class is named after, not when the generator disagrees with itself.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ingest.synth import SCENARIOS, generate, kinds
from tests.ingest.test_synth import Parsed, amount, parse, phone, when

#: sha256 over the classic bundle of seed 1, scale 0.3 (file names and bytes, sorted by
#: name), as main wrote it before the scenario sets came (commit d5875ba)
CLASSIC_SEED1_SCALE03 = "e42801fa653dffa13e0b28fd90622bc62606d2cfd0f149cb9db2a1e3626b46b3"
DOCUMENT_KINDS = {"passport_issue", "passport_recommendation", "domicile_letter"}


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class World:
    """The parsed bundle, indexed the way an analyst would look things up."""

    b: Parsed
    accounts_of: dict[str, set[str]]
    holder: dict[str, str]
    phones_of: dict[str, set[str]]
    people: dict[str, dict[str, str]]
    transfers: list[tuple[datetime, str, str, float, str]]
    calls: list[tuple[datetime, str, str]]

    def ring_of(self, pid: str) -> str:
        rings = self.b.truth["rings"]
        return str(next(r for r, t in rings.items() if pid in t["protectors"] + t["decoys"]))

    def side(self, ring: str) -> set[str]:
        t = self.b.truth
        return set(t["members"][ring]) | set(t["hidden_members"][ring])

    def side_accounts(self, ring: str) -> set[str]:
        holders = self.side(ring) | set(self.b.truth["ring_orgs"][ring])
        return {a for h in holders for a in self.accounts_of[h]}

    def side_phones(self, ring: str) -> set[str]:
        return {x for p in self.side(ring) for x in self.phones_of.get(p, set())}

    def family(self, pid: str, detail: str = "") -> set[str]:
        out = set()
        for r in self.b.good("relations.csv"):
            if r["type"] == "family" and (not detail or r["detail"] == detail):
                if r["from_id"] == pid:
                    out.add(r["to_id"])
                elif r["to_id"] == pid:
                    out.add(r["from_id"])
        return out

    def rels(self, kind: str) -> list[dict[str, str]]:
        return [r for r in self.b.good("relations.csv") if r["type"] == kind]

    def of_kind(self, kind: str, decoy: bool = False) -> list[str]:
        table = self.b.truth["decoy_kinds" if decoy else "protector_kinds"]
        return sorted(p for p, k in table.items() if k == kind)

    def failed_raids(self, ring: str) -> list[datetime]:
        targets = self.side(ring) | set(self.b.truth["ring_orgs"][ring])
        hit = {r["to_id"] for r in self.rels("target_of") if r["from_id"] in targets}
        return [
            when(e["at"])
            for e in self.b.good("events.csv")
            if e["event_id"] in hit
            and e["kind"] == "raid"
            and e["outcome"] in ("nothing_found", "escaped")
        ]

    def raids(self, ring: str) -> list[datetime]:
        targets = self.side(ring) | set(self.b.truth["ring_orgs"][ring])
        hit = {r["to_id"] for r in self.rels("target_of") if r["from_id"] in targets}
        return [
            when(e["at"])
            for e in self.b.good("events.csv")
            if e["event_id"] in hit and e["kind"] == "raid"
        ]


def index(b: Parsed) -> World:
    accounts_of: dict[str, set[str]] = defaultdict(set)
    holder = {}
    for r in b.good("accounts.csv"):
        accounts_of[r["holder_id"]].add(r["account_id"])
        holder[r["account_id"]] = r["holder_id"]
    phones_of = {
        r["person_id"]: {phone(x) for x in r["phones"].split("|") if x}
        for r in b.good("people.csv")
    }
    transfers = [
        (when(r["at"]), r["from_account"], r["to_account"], amount(r["amount"]), r["reference"])
        for r in b.good("transfers.csv")
    ]
    calls = [
        (when(r["at"]), phone(r["from_phone"]), phone(r["to_phone"])) for r in b.good("calls.csv")
    ]
    people = {r["person_id"]: r for r in b.good("people.csv")}
    return World(b, accounts_of, holder, phones_of, people, transfers, calls)


@pytest.fixture(scope="module", params=[2, 7])
def w(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    out = tmp_path_factory.mktemp("tradecraft") / "b"
    generate(out, seed=request.param, scale=0.5, scenarios="tradecraft")
    return index(parse(out))


def test_the_classic_bundle_is_byte_identical_to_before(tmp_path: Path) -> None:
    generate(tmp_path / "c", seed=1, scale=0.3)
    assert digest(tmp_path / "c") == CLASSIC_SEED1_SCALE03
    generate(tmp_path / "d", seed=1, scale=0.3, scenarios="classic")
    assert digest(tmp_path / "d") == CLASSIC_SEED1_SCALE03


def test_tradecraft_is_deterministic_per_seed(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, seed=seed, scale=0.2, scenarios="tradecraft")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_unknown_scenarios_are_refused(tmp_path: Path) -> None:
    assert SCENARIOS == ("classic", "tradecraft", "routine_sp3")
    with pytest.raises(ValueError, match="unknown scenarios"):
        generate(tmp_path, scenarios="hard")


def test_every_kind_and_class_is_planted_and_named_in_truth(w: World) -> None:
    t = w.b.truth
    protector_kinds, decoy_classes = kinds("tradecraft")
    assert set(t["protector_kinds"].values()) == set(protector_kinds)
    assert set(t["decoy_kinds"].values()) == set(decoy_classes)
    for new in ("pass_through", "relay", "interference", "documents", "small_payments"):
        assert new in protector_kinds
    for new in ("rent", "salary", "neighbour", "cousin", "routine_sp3", "money_from_official"):
        assert new in decoy_classes
    assert t["scenarios"] == "tradecraft"
    assert set(t["hidden_members"]) == set(t["rings"]) == set(t["members"])


def test_hidden_members_act_for_the_ring_without_member_of(w: World) -> None:
    members_of = {r["from_id"] for r in w.rels("member_of")}
    for ring, hidden in w.b.truth["hidden_members"].items():
        assert 1 <= len(hidden) <= 3
        recorded = w.b.truth["members"][ring]
        recorded_phones = {x for p in recorded for x in w.phones_of[p]}
        for pid in hidden:
            assert pid not in members_of
            mine = w.phones_of[pid]
            talked = {
                w_ for _, a, b in w.calls for w_ in (a, b) if (a in mine or b in mine)
            } & recorded_phones
            assert len(talked) >= 2, "talks with several recorded members"
            fin = {a for p in recorded for a in w.accounts_of[p]}
            assert any(s in fin and d in w.accounts_of[pid] for _, s, d, _, _ in w.transfers)


def test_a_pass_through_broker_forwards_most_of_each_ring_payment_within_days(
    w: World,
) -> None:
    for official in w.of_kind("pass_through"):
        ring = w.ring_of(official)
        planted = w.b.truth["planted"][official]
        relative = planted["relative"]
        assert relative in w.family(official)
        first, last = planted["via"][0], planted["via"][-1]
        assert w.holder[first] not in w.side(ring) | set(w.b.truth["ring_orgs"][ring])
        side = w.side_accounts(ring)
        ins = [(t, a) for t, s, d, a, _ in w.transfers if d == first and s in side]
        assert len(ins) >= 4
        forwarded = 0
        for t, a in ins:
            out = sum(
                x for u, s, _, x, _ in w.transfers if s == first and t < u <= t + timedelta(days=5)
            )
            forwarded += out >= 0.6 * a
        assert forwarded >= 0.7 * len(ins)
        into_relative = [
            x for _, s, d, x, _ in w.transfers if s == last and d in w.accounts_of[relative]
        ]
        assert len(into_relative) >= 4
        others = [
            1
            for _, s, d, _, _ in w.transfers
            if first in (s, d) and s not in side and d not in w.accounts_of[relative]
        ]
        assert len(others) >= 5, "the broker has ordinary business too"


def test_a_relay_phone_passes_contact_on_before_failed_raids(w: World) -> None:
    for official in w.of_kind("relay"):
        ring = w.ring_of(official)
        relay = w.b.truth["planted"][official]["relay_phone"]
        holder = w.b.truth["planted"][official]["relay"]
        members_of = {r["from_id"] for r in w.rels("member_of")}
        if holder:
            assert holder not in members_of and holder not in w.side(ring)
        else:
            assert all(relay not in phones for phones in w.phones_of.values())
        own = w.phones_of[official] | {
            x for k in w.family(official) for x in w.phones_of.get(k, set())
        }
        ring_phones = w.side_phones(ring)
        assert not [c for c in w.calls if w.phones_of[official] & {c[1], c[2]} & ring_phones]
        assert not [c for c in w.calls if (c[1] in w.phones_of[official] and c[2] in ring_phones)]
        relayed = 0
        for raid in w.failed_raids(ring):
            before = [
                t
                for t, a, b in w.calls
                if {a, b} & own and relay in (a, b) and raid - timedelta(hours=6) <= t < raid
            ]
            onward = [
                t
                for t, a, b in w.calls
                if a == relay
                and b in ring_phones
                and any(timedelta(0) < t - u <= timedelta(minutes=30) for u in before)
            ]
            relayed += bool(onward)
        assert relayed >= 1
        assert len(w.failed_raids(ring)) >= 2


def _case_change(w: World, case_id: str) -> tuple[datetime, str]:
    case = next(c for c in w.b.good("cases.csv") if c["case_id"] == case_id)
    if case["status"] == "sp3":
        return when(case["status_at"]), "sp3"
    release = next(
        e for e in w.b.good("events.csv") if e["case_id"] == case_id and e["kind"] == "release"
    )
    return when(release["at"]), "release"


def test_interference_calls_the_investigators_of_a_case_he_has_no_role_in(w: World) -> None:
    for official in w.of_kind("interference"):
        planted = w.b.truth["planted"][official]
        case = planted["case"]
        roles = [
            r
            for r in w.rels("investigates") + w.rels("supervises")
            if r["from_id"] == official and r["to_id"] == case
        ]
        assert not roles
        assigned = {r["from_id"] for r in w.rels("investigates") if r["to_id"] == case}
        assert assigned == set(planted["investigators"])
        at, _ = _case_change(w, case)
        mine = w.phones_of[official]
        theirs = {x for i in assigned for x in w.phones_of[i]}
        with_them = [t for t, a, b in w.calls if {a, b} & mine and {a, b} & theirs]
        burst = [t for t in with_them if at - timedelta(days=14) <= t < at]
        assert len(burst) >= 4
        assert len(burst) > len(with_them) - len(burst)


def _age_at(person: dict[str, str], at: datetime) -> float | None:
    if person["birth_date"]:
        born = date.fromisoformat(person["birth_date"])
    elif person["nik"]:
        nik = person["nik"]
        day, month, yy = int(nik[6:8]) % 40, int(nik[8:10]), int(nik[10:12])
        born = date(2000 + yy if yy < 30 else 1900 + yy, month, day)
    else:
        return None
    return (at.date() - born).days / 365.25


def test_a_document_official_processes_the_rings_recruits_minors_among_them(w: World) -> None:
    events = {e["event_id"]: e for e in w.b.good("events.csv")}
    led: dict[str, list[str]] = defaultdict(list)
    for r in w.rels("led"):
        if events.get(r["to_id"], {}).get("kind") in DOCUMENT_KINDS:
            led[r["from_id"]].append(r["to_id"])
    target = {r["to_id"]: r["from_id"] for r in w.rels("target_of")}
    agency = {r["person_id"]: r["agency_id"] for r in w.b.good("officials.csv") if not r["until"]}
    for official in w.of_kind("documents"):
        ring = w.ring_of(official)
        recruits = {r["to_id"] for r in w.rels("recruited") if r["from_id"] in w.side(ring)}
        mine = led[official]
        for_ring = [e for e in mine if target[e] in recruits]
        assert len(for_ring) >= 5
        minors = [
            e
            for e in for_ring
            if (age := _age_at(w.people[target[e]], when(events[e]["at"]))) is not None and age < 18
        ]
        assert len(minors) >= 2
        share = len(for_ring) / len(mine)
        peers = [p for p in led if p != official and agency.get(p) == agency[official]]
        assert peers, "peers in the same office do the same work"
        for peer in peers:
            theirs = led[peer]
            assert sum(target[e] in recruits for e in theirs) / len(theirs) < share


def test_small_payments_come_from_several_ring_accounts_to_one_relative(w: World) -> None:
    for official in w.of_kind("small_payments"):
        ring = w.ring_of(official)
        relative = w.b.truth["planted"][official]["relative"]
        assert relative in w.family(official)
        side = w.side_accounts(ring)
        small = [
            (s, x)
            for _, s, d, x, _ in w.transfers
            if s in side and d in w.accounts_of[relative] and x <= 1_500_000
        ]
        assert len(small) >= 12
        assert len({s for s, _ in small}) >= 3


def test_rent_is_paid_alike_by_other_tenants(w: World) -> None:
    for official in w.of_kind("rent", decoy=True):
        ring = w.ring_of(official)
        side = w.side_accounts(ring)
        mine = w.accounts_of[official] | {
            a for k in w.family(official, "spouse") for a in w.accounts_of[k]
        }
        rents = [(s, x) for _, s, d, x, ref in w.transfers if d in mine and "kontrakan" in ref]
        from_ring = [x for s, x in rents if s in side]
        assert len(from_ring) >= 8, "monthly rent"
        assert len({round(x, -3) for x in from_ring}) == 1, "constant (the odd 50 sen aside)"
        tenants = {s for s, _ in rents if s not in side}
        assert len(tenants) >= 3


def test_salary_is_paid_alike_to_all_staff_and_a_member_repays_a_loan(w: World) -> None:
    for official in w.of_kind("salary", decoy=True):
        ring = w.ring_of(official)
        staff_of = defaultdict(set)
        for r in w.rels("employee_of"):
            staff_of[r["to_id"]].add(r["from_id"])
        kin = w.family(official)
        bank = next(o for o, staff in staff_of.items() if staff & kin)
        assert len(staff_of[bank]) >= 5
        bank_accounts = w.accounts_of[bank]
        paid = {w.holder.get(d) for _, s, d, _, ref in w.transfers if s in bank_accounts}
        assert staff_of[bank] <= paid
        loans = [
            x
            for _, s, d, x, ref in w.transfers
            if s in w.side_accounts(ring) and d in bank_accounts and "angsuran" in ref
        ]
        assert len(loans) >= 12 and len({round(x, -3) for x in loans}) == 1


def test_a_neighbour_calls_once_about_twenty_hours_before_a_raid(w: World) -> None:
    for official in w.of_kind("neighbour", decoy=True):
        ring = w.ring_of(official)
        tetangga = {
            r["to_id"]
            for r in w.rels("associate")
            if r["from_id"] == official and r["detail"] == "tetangga"
        }
        address = w.people[official]["address"]
        same = {p for p in w.side(ring) if w.people[p]["address"] == address}
        neighbours = (tetangga | same) & w.side(ring)
        assert neighbours
        mine = w.phones_of[official]
        theirs = {x for p in neighbours for x in w.phones_of[p]}
        calls = [t for t, a, b in w.calls if {a, b} & mine and {a, b} & theirs]
        before = [
            (raid - t)
            for raid in w.raids(ring)
            for t in calls
            if timedelta(0) < raid - t <= timedelta(hours=48)
        ]
        assert len(before) == 1
        assert timedelta(hours=16) <= before[0] <= timedelta(hours=24)


def test_a_cousin_is_kin_and_nothing_else(w: World) -> None:
    for official in w.of_kind("cousin", decoy=True):
        ring = w.ring_of(official)
        assert w.family(official, "cousin") & w.side(ring)
        mine, theirs = w.phones_of[official], w.side_phones(ring)
        assert not [c for c in w.calls if {c[1], c[2]} & mine and {c[1], c[2]} & theirs]
        side = w.side_accounts(ring)
        own = w.accounts_of[official]
        assert not [x for x in w.transfers if {x[1], x[2]} & own and {x[1], x[2]} & side]


def test_routine_sp3_is_one_among_many_cases_of_his_own(w: World) -> None:
    status = {c["case_id"]: c["status"] for c in w.b.good("cases.csv")}
    for official in w.of_kind("routine_sp3", decoy=True):
        ring = w.ring_of(official)
        cases = {r["to_id"] for r in w.rels("investigates") if r["from_id"] == official}
        assert len(cases) >= 10
        sp3 = [c for c in cases if status[c] == "sp3"]
        assert len(sp3) == 1
        suspects = {r["from_id"] for r in w.rels("suspect_in") if r["to_id"] == sp3[0]}
        assert suspects & w.side(ring)


def test_money_goes_from_the_official_to_the_ring_not_back(w: World) -> None:
    for official in w.of_kind("money_from_official", decoy=True):
        ring = w.ring_of(official)
        own, side = w.accounts_of[official], w.side_accounts(ring)
        assert [x for x in w.transfers if x[1] in own and x[2] in side]
        assert not [x for x in w.transfers if x[1] in side and x[2] in own]


def test_an_honest_supervisor_has_a_recorded_role_and_a_case_that_went_to_court(
    w: World,
) -> None:
    status = {c["case_id"]: c["status"] for c in w.b.good("cases.csv")}
    for official in w.of_kind("honest_supervisor", decoy=True):
        case = w.b.truth["planted"][official]["case"]
        assert any(r["from_id"] == official and r["to_id"] == case for r in w.rels("supervises"))
        assert status[case] in ("p21", "vonis")


def test_some_planted_rows_cite_weakly_graded_sources(w: World) -> None:
    weak = {
        r["source_id"]
        for r in w.b.good("sources.csv")
        if r["reliability"] in ("D", "E") or r["credibility"] in ("4", "5")
    }
    side = set().union(*(w.side_accounts(r) for r in w.b.truth["rings"]))
    cited = [r for r in w.b.good("transfers.csv") if r["from_account"] in side]
    assert any(r["source_id"] in weak for r in cited)


def test_the_routine_sp3_set_gives_every_ring_its_routine_sp3(tmp_path: Path) -> None:
    generate(tmp_path / "r", seed=3, scale=0.2, scenarios="routine_sp3")
    truth = parse(tmp_path / "r").truth
    for ring in truth["rings"].values():
        assert "routine_sp3" in [truth["decoy_kinds"][d] for d in ring["decoys"]]


def test_the_synth_command_writes_a_tradecraft_bundle(tmp_path: Path) -> None:
    from tests.test_cli import run

    out = run("synth", str(tmp_path / "t"), "--scale", "0.1", "--scenarios", "tradecraft")
    assert out.returncode == 0, out.stderr
    assert parse(tmp_path / "t").truth["scenarios"] == "tradecraft"
    assert run("synth", str(tmp_path / "x"), "--scenarios", "hard").returncode != 0
