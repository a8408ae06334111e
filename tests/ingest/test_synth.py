"""Tests for the synthetic bundle generator (``ingest.synth``).

The bundle is parsed here independently of the generator (own dialects, own
amount, date and phone parsing), so a test fails when the *files* are wrong,
not merely when the generator disagrees with itself.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import ingest.synth
from ingest.synth import DECOY_KINDS, PROTECTOR_KINDS, generate

SPEC: dict[str, tuple[str, ...]] = {
    "sources.csv": ("source_id", "kind", "title", "date", "reliability", "credibility"),
    "people.csv": (
        "person_id",
        "name",
        "aliases",
        "nik",
        "birth_date",
        "birth_place",
        "gender",
        "phones",
        "address",
        "source_id",
    ),
    "agencies.csv": ("agency_id", "name", "kind", "parent_id", "region", "source_id"),
    "officials.csv": (
        "person_id",
        "agency_id",
        "id_number",
        "rank",
        "position",
        "since",
        "until",
        "source_id",
    ),
    "organizations.csv": (
        "org_id",
        "name",
        "kind",
        "license_no",
        "npwp",
        "address",
        "phones",
        "source_id",
    ),
    "accounts.csv": (
        "account_id",
        "bank",
        "number",
        "holder_id",
        "holder_name",
        "kind",
        "source_id",
    ),
    "transfers.csv": (
        "transfer_id",
        "from_account",
        "to_account",
        "amount",
        "currency",
        "at",
        "channel",
        "reference",
        "source_id",
    ),
    "calls.csv": ("from_phone", "to_phone", "at", "duration_s", "kind", "source_id"),
    "cases.csv": (
        "case_id",
        "title",
        "report_number",
        "opened_at",
        "status",
        "status_at",
        "agency_id",
        "source_id",
    ),
    "events.csv": ("event_id", "kind", "at", "place", "case_id", "outcome", "source_id"),
    "rings.csv": ("ring_id", "name", "source_id"),
    "relations.csv": ("from_id", "to_id", "type", "detail", "since", "until", "source_id"),
}
EXTRA = {"people.csv": ("pekerjaan",), "accounts.csv": ("cabang",)}
#: spec columns added later (issue 19), written after the extra ones
LATER = {"people.csv": ("passport",), "calls.csv": ("imei", "cell_id", "lac")}
DIALECT = {
    "transfers.csv": ("cp1252", ";"),
    "accounts.csv": ("cp1252", ";"),
    "people.csv": ("utf-8-sig", ","),
    "calls.csv": ("utf-8", "\t"),
}
REQUIRED = {
    "sources.csv": ("source_id", "kind"),
    "people.csv": ("person_id", "name"),
    "agencies.csv": ("agency_id", "name", "kind"),
    "officials.csv": ("person_id", "agency_id"),
    "organizations.csv": ("org_id", "name"),
    "accounts.csv": ("account_id", "bank", "number"),
    "transfers.csv": ("from_account", "to_account", "amount", "at"),
    "calls.csv": ("from_phone", "to_phone", "at"),
    "cases.csv": ("case_id", "status"),
    "events.csv": ("event_id", "kind", "at"),
    "rings.csv": ("ring_id",),
    "relations.csv": ("from_id", "to_id", "type"),
}
ENUMS = {
    ("cases.csv", "status"): {"lidik", "sidik", "p21", "sp3", "vonis", "bebas"},
    ("relations.csv", "type"): {
        "family",
        "associate",
        "employee_of",
        "director_of",
        "commissioner_of",
        "owner_of",
        "member_of",
        "recruited",
        "suspect_in",
        "victim_in",
        "witness_in",
        "investigates",
        "supervises",
        "led",
        "target_of",
    },
    ("transfers.csv", "channel"): {
        "",
        "transfer",
        "cash_deposit",
        "cash_withdrawal",
        "ewallet",
        "other",
    },
    ("calls.csv", "kind"): {"", "call", "sms", "chat"},
    ("events.csv", "outcome"): {"", "found", "nothing_found", "escaped", "other"},
    ("people.csv", "gender"): {"", "m", "f"},
    ("sources.csv", "reliability"): {"", *"ABCDEF"},
    ("sources.csv", "credibility"): {"", *"123456"},
}
DATES = {
    "transfers.csv": ("at",),
    "calls.csv": ("at",),
    "events.csv": ("at",),
    "cases.csv": ("opened_at", "status_at"),
    "relations.csv": ("since", "until"),
    "officials.csv": ("since", "until"),
}
REFS = {
    ("transfers.csv", "from_account"): "accounts",
    ("transfers.csv", "to_account"): "accounts",
    ("officials.csv", "person_id"): "people",
    ("officials.csv", "agency_id"): "agencies",
    ("accounts.csv", "holder_id"): "holders",
    ("events.csv", "case_id"): "cases",
    ("cases.csv", "agency_id"): "agencies",
    ("agencies.csv", "parent_id"): "agencies",
    ("relations.csv", "from_id"): "all",
    ("relations.csv", "to_id"): "all",
}
KEYS = {
    "people.csv": "person_id",
    "agencies.csv": "agency_id",
    "organizations.csv": "org_id",
    "accounts.csv": "account_id",
    "cases.csv": "case_id",
    "events.csv": "event_id",
    "rings.csv": "ring_id",
    "sources.csv": "source_id",
}


def amount(text: str) -> float:
    s = text.replace("Rp", "").strip().removesuffix(",-")
    if "," in s:
        whole, cents = s.split(",")
        return float(whole.replace(".", "") + "." + cents)
    return float(s.replace(".", ""))


def when(text: str) -> datetime:
    for form in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            pass
    return datetime.fromisoformat(text).replace(tzinfo=None)


def phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "62" + digits[1:] if digits.startswith("0") else digits


@dataclass
class Parsed:
    folder: Path
    rows: dict[str, list[dict[str, str]]]
    headers: dict[str, list[str]]
    truth: dict[str, Any]
    ids: dict[str, set[str]] = field(default_factory=dict)

    def good(self, name: str) -> list[dict[str, str]]:
        bad = {b["line"] for b in self.truth["bad_rows"] if b["file"] == name}
        return [r for i, r in enumerate(self.rows[name]) if i + 2 not in bad]


def parse(folder: Path) -> Parsed:
    rows: dict[str, list[dict[str, str]]] = {}
    headers: dict[str, list[str]] = {}
    for name in SPEC:
        encoding, delimiter = DIALECT.get(name, ("utf-8", ","))
        raw = (folder / name).read_bytes()
        text = raw.decode(encoding)
        reader = csv.reader(text.splitlines(), delimiter=delimiter)
        headers[name] = next(reader)
        rows[name] = [dict(zip(headers[name], r, strict=True)) for r in reader]
        assert len(rows[name]) == len(text.splitlines()) - 1, f"{name}: line break in a field"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    parsed = Parsed(folder, rows, headers, truth)
    for name, key in KEYS.items():
        parsed.ids[name.removesuffix(".csv")] = {r[key] for r in rows[name]}
    parsed.ids["holders"] = parsed.ids["people"] | parsed.ids["organizations"]
    parsed.ids["all"] = set().union(*(parsed.ids[n.removesuffix(".csv")] for n in KEYS))
    return parsed


def problem(p: Parsed, name: str, row: dict[str, str]) -> str | None:
    """The column that makes ``row`` invalid under the spec, or None."""
    for col in REQUIRED[name]:
        if not row[col].strip():
            return col
    for (file, col), allowed in ENUMS.items():
        if file == name and row[col] not in allowed:
            return col
    for col in DATES.get(name, ()):
        if row[col]:
            try:
                when(row[col])
            except ValueError:
                return col
    if name == "transfers.csv" and amount(row["amount"]) <= 0:
        return "amount"
    for (file, col), space in REFS.items():
        if file == name and row[col] and row[col] not in p.ids[space]:
            return col
    if row.get("source_id") and row["source_id"] not in p.ids["sources"]:
        return "source_id"
    return None


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    out = tmp_path_factory.mktemp("synth") / "b1"
    summary = generate(out, seed=1)
    assert summary.rows["transfers.csv"] == len(parse(out).rows["transfers.csv"])
    return parse(out)


@dataclass
class Index:
    """Who holds which account and phone, who belongs to which ring."""

    accounts_of: dict[str, set[str]]
    phones_of: dict[str, set[str]]
    member_accounts: dict[str, set[str]]
    member_phones: dict[str, set[str]]
    family: dict[str, list[tuple[str, str]]]
    transfers: list[tuple[datetime, str, str, float]]
    calls: list[tuple[datetime, str, str]]


@pytest.fixture(scope="module")
def index(bundle: Parsed) -> Index:
    return build_index(bundle)


def build_index(bundle: Parsed) -> Index:
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for r in bundle.good("accounts.csv"):
        accounts_of[r["holder_id"]].add(r["account_id"])
    phones_of = {
        r["person_id"]: {phone(x) for x in r["phones"].split("|") if x}
        for r in bundle.good("people.csv")
    }
    family: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in bundle.good("relations.csv"):
        if r["type"] == "family":
            family[r["from_id"]].append((r["to_id"], r["detail"]))
            family[r["to_id"]].append((r["from_id"], r["detail"]))
    m_acc, m_ph = {}, {}
    for ring, members in bundle.truth["members"].items():
        m_acc[ring] = {a for m in members for a in accounts_of[m]}
        m_ph[ring] = {x for m in members for x in phones_of[m]}
    transfers = [
        (when(r["at"]), r["from_account"], r["to_account"], amount(r["amount"]))
        for r in bundle.good("transfers.csv")
    ]
    calls = [
        (when(r["at"]), phone(r["from_phone"]), phone(r["to_phone"]))
        for r in bundle.good("calls.csv")
    ]
    return Index(accounts_of, phones_of, m_acc, m_ph, family, transfers, calls)


def ring_of(bundle: Parsed, pid: str) -> str:
    return str(
        next(
            r
            for r, t in bundle.truth["rings"].items()
            if pid in t["protectors"] or pid in t["decoys"]
        )
    )


def paid(ix: Index, ring: str, accounts: set[str]) -> list[tuple[datetime, str, str, float]]:
    return [t for t in ix.transfers if t[1] in ix.member_accounts[ring] and t[2] in accounts]


def contacts(ix: Index, ring: str, phones: set[str]) -> list[tuple[datetime, str, str]]:
    mp = ix.member_phones[ring]
    return [
        c for c in ix.calls if (c[1] in phones and c[2] in mp) or (c[2] in phones and c[1] in mp)
    ]


def failed_raids(bundle: Parsed, ring: str) -> list[datetime]:
    targets = set(bundle.truth["members"][ring]) | set(bundle.truth["ring_orgs"][ring])
    hit = {
        r["to_id"]
        for r in bundle.good("relations.csv")
        if r["type"] == "target_of" and r["from_id"] in targets
    }
    return [
        when(e["at"])
        for e in bundle.good("events.csv")
        if e["event_id"] in hit
        and e["kind"] == "raid"
        and e["outcome"] in ("nothing_found", "escaped")
    ]


def rel(bundle: Parsed, kind: str, frm: str = "", to: str = "") -> list[dict[str, str]]:
    return [
        r
        for r in bundle.good("relations.csv")
        if r["type"] == kind and (not frm or r["from_id"] == frm) and (not to or r["to_id"] == to)
    ]


def test_exports_are_sorted() -> None:
    assert ingest.synth.__all__ == sorted(ingest.synth.__all__)


def test_headers_match_the_spec(bundle: Parsed) -> None:
    for name, columns in SPEC.items():
        expected = columns + EXTRA.get(name, ()) + LATER.get(name, ())
        assert bundle.headers[name] == list(expected), name


def test_encodings_and_delimiters(bundle: Parsed) -> None:
    folder = bundle.folder
    assert (folder / "people.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    accounts = (folder / "accounts.csv").read_bytes()
    assert "ANDRÉ".encode("cp1252") in accounts
    with pytest.raises(UnicodeDecodeError):
        accounts.decode("utf-8")
    transfers = (folder / "transfers.csv").read_bytes()
    assert transfers.startswith(b"transfer_id;from_account;")
    with pytest.raises(UnicodeDecodeError):
        transfers.decode("utf-8")
    assert (folder / "calls.csv").read_text(encoding="utf-8").startswith("from_phone\tto_phone")
    amounts = [r["amount"] for r in bundle.rows["transfers.csv"]]
    assert any(a.startswith("Rp ") and a.endswith(",-") for a in amounts)
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+,\d\d", a) for a in amounts)
    assert all(
        re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r["at"]) for r in bundle.good("transfers.csv")
    )
    phones = [r["from_phone"] for r in bundle.rows["calls.csv"]]
    assert any("-" in x for x in phones) and any(x.startswith("+62 ") for x in phones)
    assert any(x.startswith("62") for x in phones)
    assert any(a["kind"] == "satgas" for a in bundle.rows["agencies.csv"])
    names = [r["name"] for r in bundle.good("people.csv")]
    assert any(n.startswith("H. ") for n in names) and any(", S." in n for n in names)
    assert any(n.split()[0] in ("AKP", "Ipda", "Iptu", "Bripka", "Aipda") for n in names)


def test_only_the_planted_rows_are_invalid(bundle: Parsed) -> None:
    seen = set()
    for name in SPEC:
        for i, row in enumerate(bundle.rows[name]):
            reason = problem(bundle, name, row)
            if reason:
                seen.add((name, i + 2, reason))
    planted = {(b["file"], b["line"], b["reason_contains"]) for b in bundle.truth["bad_rows"]}
    assert seen == planted
    assert 5 <= len(planted) <= 10
    assert {f for f, _, _ in planted} >= {"people.csv", "transfers.csv", "relations.csv"}


def test_keys_unique_and_niks_valid(bundle: Parsed) -> None:
    keys = [r[key] for name, key in KEYS.items() for r in bundle.rows[name]]
    keys += [r["transfer_id"] for r in bundle.rows["transfers.csv"] if r["transfer_id"]]
    assert len(keys) == len(set(keys))
    assert any(not r["transfer_id"] for r in bundle.rows["transfers.csv"])
    for r in bundle.good("people.csv"):
        nik = r["nik"]
        if nik:
            day = int(nik[6:8]) - (40 if r["gender"] == "f" else 0)
            assert re.fullmatch(r"35\d{14}", nik) and 1 <= day <= 31, nik
            if r["birth_date"]:
                assert r["birth_date"][8:10] == f"{day:02d}"
    for r in bundle.good("officials.csv"):
        assert r["id_number"] == "" or len(r["id_number"]) in (8, 18)
    for name in ("transfers.csv", "calls.csv", "events.csv"):
        assert all(2022 <= when(r["at"]).year <= 2024 for r in bundle.good(name))


def test_truth_people_are_officials(bundle: Parsed) -> None:
    officials = {r["person_id"] for r in bundle.good("officials.csv")}
    truth = bundle.truth
    everyone = [p for t in truth["rings"].values() for p in t["protectors"] + t["decoys"]]
    assert len(everyone) == len(set(everyone))
    assert set(everyone) <= officials
    assert set(truth["protector_kinds"]) | set(truth["decoy_kinds"]) == set(everyone)
    assert set(truth["protector_kinds"].values()) == set(PROTECTOR_KINDS)
    assert set(truth["decoy_kinds"].values()) == set(DECOY_KINDS)
    assert set(truth["rings"]) == {r["ring_id"] for r in bundle.rows["rings.csv"]}
    for t in truth["rings"].values():
        assert 2 <= len(t["protectors"]) <= 4 and 2 <= len(t["decoys"]) <= 4
    for ring, members in truth["members"].items():
        assert {r["from_id"] for r in rel(bundle, "member_of", to=ring)} == set(members)


def test_protector_signals(bundle: Parsed, index: Index) -> None:
    for pid, kind in bundle.truth["protector_kinds"].items():
        ring = ring_of(bundle, pid)
        own = index.accounts_of[pid]
        kin = [(q, d) for q, d in index.family[pid]]
        kin_accounts = {
            a for q, d in kin if d in ("spouse", "sibling") for a in index.accounts_of[q]
        }
        if kind == "direct_payments":
            assert len(paid(index, ring, own)) >= 6, pid
        elif kind == "family_payments":
            assert not paid(index, ring, own) and len(paid(index, ring, kin_accounts)) >= 6, pid
        elif kind == "layered_payments":
            orgs = {a for o in bundle.truth["ring_orgs"][ring] for a in index.accounts_of[o]}
            hops = [t for t in index.transfers if t[1] in orgs and t[2] in own | kin_accounts]
            assert len(hops) >= 3, pid
            for at, front, _, value in hops:
                assert any(
                    t[2] == front
                    and t[1] in index.member_accounts[ring]
                    and timedelta(0) < at - t[0] <= timedelta(days=5)
                    and t[3] >= value
                    for t in index.transfers
                ), pid
        elif kind == "tipoff":
            phones = index.phones_of[pid] | {x for q, _ in kin for x in index.phones_of[q]}
            calls = [c[0] for c in contacts(index, ring, phones)]
            warned = [
                r
                for r in failed_raids(bundle, ring)
                if any(timedelta(hours=1) <= r - c <= timedelta(hours=12) for c in calls)
            ]
            assert len(warned) >= 2, pid
        elif kind == "case_staller":
            _assert_stalled(bundle, index, ring, pid)
        elif kind == "board_spouse":
            spouses = [q for q, d in kin if d == "spouse"]
            boards = {
                r["to_id"]
                for q in spouses
                for t in ("commissioner_of", "director_of")
                for r in rel(bundle, t, frm=q)
            }
            assert boards & set(bundle.truth["ring_orgs"][ring]), pid
            org_acc = {a for o in bundle.truth["ring_orgs"][ring] for a in index.accounts_of[o]}
            money = [t for t in index.transfers if t[1] in org_acc and t[2] in kin_accounts]
            assert money or contacts(index, ring, index.phones_of[pid]), pid
        elif kind == "village_head":
            village = next(
                a["name"].removeprefix("Pemerintah Desa ")
                for a in bundle.good("agencies.csv")
                for o in bundle.good("officials.csv")
                if o["person_id"] == pid and o["agency_id"] == a["agency_id"]
            )
            address = {r["person_id"]: r["address"] for r in bundle.good("people.csv")}
            payments = paid(index, ring, own)
            assert len(payments) >= 2, pid
            for at, src, _, _ in payments:
                assert any(
                    src in index.accounts_of[r["from_id"]]
                    and f"Desa {village}," in address[r["to_id"]]
                    and timedelta(0) <= at - when(r["since"]) <= timedelta(days=8)
                    for r in rel(bundle, "recruited")
                ), pid
        else:
            pytest.fail(f"no check for the planted protector kind {kind!r} ({pid})")


def _assert_stalled(bundle: Parsed, index: Index, ring: str, pid: str) -> None:
    members = set(bundle.truth["members"][ring])
    cases = {r["case_id"]: r for r in bundle.good("cases.csv")}
    suspects: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for r in rel(bundle, "suspect_in"):
        suspects[r["to_id"]].append((r["from_id"], when(r["since"])))
    stalled = []
    for r in rel(bundle, "investigates", frm=pid):
        case, named = cases[r["to_id"]], suspects[r["to_id"]]
        if not {s for s, _ in named} & members:
            continue
        first = min(d for _, d in named)
        if case["status"] == "sp3" and when(case["status_at"]) - first <= timedelta(weeks=9):
            stalled.append(named)
        elif case["status"] in ("lidik", "sidik") and when(case["opened_at"]) < datetime(
            2024, 1, 1
        ):
            stalled.append(named)
    assert stalled, pid
    people = {s for named in stalled for s, _ in named}
    phones = {x for s in people for x in index.phones_of[s]}
    accounts = {a for s in people for a in index.accounts_of[s]}
    calls = [
        c for c in index.calls if {c[1], c[2]} & phones and {c[1], c[2]} & index.phones_of[pid]
    ]
    money = [t for t in index.transfers if t[1] in accounts and t[2] in index.accounts_of[pid]]
    assert calls or money, pid


def test_decoy_signals(bundle: Parsed, index: Index) -> None:
    for pid, kind in bundle.truth["decoy_kinds"].items():
        ring = ring_of(bundle, pid)
        calls = contacts(index, ring, index.phones_of[pid])
        money = paid(index, ring, index.accounts_of[pid])
        raids = failed_raids(bundle, ring)
        led = {r["to_id"] for r in rel(bundle, "led", frm=pid)}
        outcomes = {e["outcome"] for e in bundle.good("events.csv") if e["event_id"] in led}
        tipped = [
            c for c in calls for r in raids if timedelta(0) <= r - c[0] <= timedelta(hours=12)
        ]
        assert not tipped, (pid, kind)
        if kind == "honest_investigator":
            assert "found" in outcomes and len(calls) >= 5 and not money, pid
            arrested = {
                r["from_id"]: when(e["at"])
                for e in bundle.good("events.csv")
                if e["event_id"] in led and e["kind"] == "arrest"
                for r in rel(bundle, "target_of", to=e["event_id"])
            }
            for at, a, b in calls:
                who = [m for m, t in arrested.items() if {a, b} & index.phones_of[m]]
                assert who and all(at > arrested[m] for m in who), pid
        elif kind == "good_faith_raid_leader":
            assert outcomes == {"nothing_found"} and not calls and not money, pid
        elif kind == "one_off_payment":
            assert len(money) == 1 and not calls, pid
        elif kind == "victim_cousin":
            cousins = [q for q, d in index.family[pid] if d == "cousin"]
            victims = {r["to_id"] for r in rel(bundle, "recruited")}
            assert set(cousins) & victims, pid
            mine = [
                c
                for c in index.calls
                if {c[1], c[2]} & index.phones_of[pid]
                and {c[1], c[2]} & index.phones_of[cousins[0]]
            ]
            assert len(mine) >= 2 and not money, pid
        elif kind == "busy_pr_officer":
            total = [c for c in index.calls if {c[1], c[2]} & index.phones_of[pid]]
            assert len(total) >= 100 and calls and not money, pid
        elif kind == "coincidental_contact":
            assert len(calls) == 1 and not money, pid
        else:
            pytest.fail(f"no check for the planted decoy kind {kind!r} ({pid})")


def test_no_unplanted_official_touches_a_ring(bundle: Parsed, index: Index) -> None:
    truth = set(bundle.truth["protector_kinds"]) | set(bundle.truth["decoy_kinds"])
    others = {r["person_id"] for r in bundle.good("officials.csv")} - truth
    their_accounts = {a for pid in others for a in index.accounts_of[pid]}
    their_phones = {x for pid in others for x in index.phones_of[pid]}
    ring_accounts = set().union(*index.member_accounts.values())
    ring_phones = set().union(*index.member_phones.values())
    assert not [t for t in index.transfers if t[1] in ring_accounts and t[2] in their_accounts]
    assert not [
        c
        for c in index.calls
        if (c[1] in ring_phones and c[2] in their_phones)
        or (c[2] in ring_phones and c[1] in their_phones)
    ]


def test_deterministic_and_seed_dependent(bundle: Parsed, tmp_path: Path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate(again, seed=1)
    generate(other, seed=2)
    for name in [*SPEC, "truth.json"]:
        assert (again / name).read_bytes() == (bundle.folder / name).read_bytes(), name
    assert (other / "people.csv").read_bytes() != (again / "people.csv").read_bytes()
    assert json.loads((other / "truth.json").read_text()) != bundle.truth


def test_scale_grows_rows_linearly(bundle: Parsed, tmp_path: Path) -> None:
    small = sum(len(bundle.rows[n]) for n in ("transfers.csv", "calls.csv"))
    assert 20_000 <= small <= 40_000
    summary = generate(tmp_path / "x2", seed=1, scale=2.0)
    big = summary.rows["transfers.csv"] + summary.rows["calls.csv"]
    assert 1.7 <= big / small <= 2.3
    assert summary.rings == 4
    with pytest.raises(ValueError):
        generate(tmp_path / "x0", scale=0)
