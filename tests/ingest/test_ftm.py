"""FollowTheMoney JSON lines into both stores: the donations file and small hand-made files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore, Store
from ingest.ftm import load_ftm
from ingest.report import RejectsWriter

ORG_SCHEMATA = {"Organization", "Company", "LegalEntity"}


def _entities(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _donations(shared_data: Path) -> Path:
    path = shared_data / "ftm_donations" / "donations.ijson"
    if not path.is_file():
        pytest.skip(f"FtM donations file not found at {path}")
    return path


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def test_donations_counts_match_the_file(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _donations(shared_data)
    entities = _entities(path)
    schemata = Counter(e["schema"] for e in entities)
    payments = [e for e in entities if e["schema"] == "Payment"]
    # every payer/beneficiary here is a person or organization: one synthetic account each
    parties = {e["properties"][p][0] for e in payments for p in ("payer", "beneficiary")}

    rejects = RejectsWriter(tmp_path / "rejects.csv")
    report = load_ftm(path, store, bundle="don", rejects=rejects)
    rejects.close()

    assert len(payments) == 290
    assert report.files["donations.ijson"].rows == len(entities) == 474
    assert report.files["donations.ijson"].rejected == 0
    assert report.other_schemata == {"Address": schemata["Address"]}
    assert report.files["donations.ijson"].accepted == len(entities) - schemata["Address"]
    counts = store.counts()
    assert _nonzero(counts["nodes"]) == {
        "Person": schemata["Person"],
        "Organization": sum(schemata[s] for s in ORG_SCHEMATA),
        "Account": len(parties),
    }
    assert _nonzero(counts["relationships"]) == {
        "TRANSFERRED": len(payments),
        "HOLDS": len(parties),
    }

    again = load_ftm(path, store, bundle="don", rejects=None)
    assert again.nodes["created"] == again.nodes["updated"] == 0
    assert again.relationships["created"] == again.relationships["updated"] == 0
    assert again.nodes["unchanged"] == sum(report.nodes.values())
    assert again.relationships["unchanged"] == sum(counts["relationships"].values())
    assert store.counts() == counts


def test_donations_transfer_properties(embedded_store: EmbeddedStore, shared_data: Path) -> None:
    path = _donations(shared_data)
    first_payment = next(e for e in _entities(path) if e["schema"] == "Payment")
    load_ftm(path, embedded_store, bundle="don", rejects=None)
    rel = embedded_store.get_rels([("TRANSFERRED", "don:" + first_payment["id"])])
    props = next(iter(rel.values()))["props"]
    assert props["amount"] == float(first_payment["properties"]["amountEur"][0])
    assert props["currency"] == "EUR"
    assert props["at"] == first_payment["properties"]["date"][0] + "T00:00:00Z"
    payer = embedded_store.get_node("don:" + first_payment["properties"]["payer"][0])
    assert payer is not None and payer["props"]["address"]  # copied from its Address entity
    holder = embedded_store.get_node("don:acct:" + first_payment["properties"]["payer"][0])
    assert holder is not None and holder["props"]["holder_name"] == payer["props"]["name"]


def test_same_counts_on_both_stores(
    embedded_store: EmbeddedStore, neo4j_store: Store, shared_data: Path
) -> None:
    path = _donations(shared_data)
    load_ftm(path, embedded_store, bundle="don", rejects=None)
    load_ftm(path, neo4j_store, bundle="don", rejects=None)
    assert embedded_store.counts() == neo4j_store.counts()


def _write(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def _e(eid: str, schema: str, **props: Any) -> dict[str, Any]:
    return {"id": eid, "schema": schema,
            "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def test_links_people_posts_and_rejects(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "small.ftm.json", [
        _e("fam", "Family", person="p1", relative="p2", relationship="Wife"),  # before its ends
        _e("p1", "Person", name=["Budi Santoso", "Pak Budi"], idNumber="3201011505800001",
           phone="0812-3456-7890", birthDate="1980"),
        _e("p2", "Person", name="Sri Wahyuni", gender="female"),
        _e("pt", "Company", name="PT Maju", taxNumber="01.234.567.8-901.000"),
        _e("pb", "PublicBody", name="Polres Malang"),
        _e("pos", "Position", name="Kapolres Malang", organization="pb"),
        _e("occ", "Occupancy", holder="p1", post="pos", startDate="2020-01-02"),
        _e("own", "Ownership", owner="p2", asset="pt", percentage="60"),
        _e("emp", "Employment", employee="p2", employer="pb", role="staf"),
        _e("acc", "BankAccount", bankName="BRI", accountNumber="0123-456"),
        _e("pay", "Payment", payer="pt", beneficiary="acc", amount="1500000", currency="IDR",
           date="2023-06-05"),
        _e("bad", "Payment", payer="pt", beneficiary="nobody", amount="5"),
        _e("zero", "Payment", payer="pt", beneficiary="acc", amount="0"),
        _e("note", "Note", description="seen at the harbour"),
        "{not json",
        _e("mem", "Membership", member="p1", organization="pt"),
    ])
    rejects = RejectsWriter(tmp_path / "rejects.csv")
    report = load_ftm(path, store, bundle="t", rejects=rejects, chunk=2)
    rejects.close()
    fr = report.files["small.ftm.json"]
    assert (fr.rows, fr.accepted, fr.rejected) == (16, 12, 3)
    assert report.other_schemata == {"Note": 1}
    reasons = {line: reason for line, reason in _reject_lines(rejects.path)}
    assert set(reasons) == {12, 13, 15}
    assert "unknown beneficiary 'nobody'" in reasons[12]
    assert "> 0" in reasons[13] and "malformed JSON" in reasons[15]

    p1 = store.get_node("t:p1")
    assert p1 is not None and sorted(p1["labels"]) == ["Official", "Person"]
    assert p1["props"]["nik"] == "3201011505800001"
    assert p1["props"]["aliases"] == ["Pak Budi"] and p1["props"]["x_birth_date"] == "1980"
    counts = _nonzero(store.counts()["relationships"])
    assert counts == {
        "FAMILY": 1, "HOLDS_POST": 2, "PART_OF": 1, "OWNER_OF": 1, "USES": 1,
        "TRANSFERRED": 1, "HOLDS": 1, "EMPLOYEE_OF": 1,
    }
    fam = store.get_rels([("FAMILY", "t:fam")])[("FAMILY", "t:fam")]
    assert fam["props"]["detail"] == "spouse" and fam["props"]["x_relationship"] == "Wife"
    pay = store.get_rels([("TRANSFERRED", "t:pay")])[("TRANSFERRED", "t:pay")]
    assert (pay["start"], pay["end"]) == ("t:acct:pt", "t:acc")
    assert pay["props"]["at"] == "2023-06-05T00:00:00Z"
    pt = store.get_node("t:pt")
    assert pt is not None and pt["props"]["npwp"] == "012345678901000"
    # strict mode validates without writing
    before = store.counts()
    dry = load_ftm(path, store, bundle="u", rejects=None, write=False)
    assert dry.files["small.ftm.json"].rejected == 3 and store.counts() == before


def _reject_lines(path: Path) -> list[tuple[int, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return [(int(r["line"]), r["reason"]) for r in csv.DictReader(fh)]
