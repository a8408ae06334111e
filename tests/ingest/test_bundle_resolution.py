"""Bundle keys and entity resolution across bundles (``shared/spec/bundle-format.md``).

"Ingesting two bundles never mixes their keys: the stored id is
``<bundle name>:<key>`` unless entity resolution proves two records are the same
entity." Strong identifiers (valid NIK, NRP/NIP, bank + account number, NPWP,
licence number) merge; a phone is a node shared by whoever uses it; anything
weaker (similar name, same birth date) is a ``POSSIBLY_SAME_AS`` candidate, never
a merge. Every test loads tiny bundles written into ``tmp_path`` and runs on both
stores.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph.store import Store
from ingest import ingest_path
from ingest.report import IngestReport

Files = Mapping[str, str | bytes]

NIK_BUDI = "3504010112900001"  # valid: Tulungagung, man born 1 Dec 1990
NIK_OTHER = "3573010112900003"  # valid: Kota Malang, same birth date
NIK_SITI = "3504015505850002"  # valid: woman born 15 May 1985


def write_bundle(folder: Path, files: Files) -> Path:
    """Write ``{file name: text or bytes}`` into ``folder`` (text as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def load(tmp_path: Path, store: Store, files: Files, *, bundle: str) -> IngestReport:
    folder = write_bundle(tmp_path / "bundles" / bundle, files)
    return ingest_path(folder, store, bundle=bundle, rejects=tmp_path / f"{bundle}.rejects.csv")


def rejects(tmp_path: Path, bundle: str) -> list[dict[str, str]]:
    path = tmp_path / f"{bundle}.rejects.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def props(store: Store, node_id: str) -> dict[str, Any]:
    node = store.get_node(node_id)
    assert node is not None, f"no node {node_id!r}"
    return node["props"]


def out_ids(store: Store, node_id: str, typ: str) -> list[str]:
    return sorted(n["node"]["id"] for n in store.neighbours(node_id, types=[typ], direction="out"))


def count(store: Store, label: str) -> int:
    return store.counts()["nodes"][label]


def unchanged(report: IngestReport) -> bool:
    return (report.nodes["created"], report.nodes["updated"],
            report.relationships["created"], report.relationships["updated"]) == (0, 0, 0, 0)


# -- keys -------------------------------------------------------------------------------------


def test_two_bundles_never_mix_keys(tmp_path: Path, store: Store) -> None:
    """The same key ``P1`` in bundles a and b is two people: ``a:P1`` and ``b:P1``."""
    a = {
        "people.csv": lines("person_id,name,birth_date", "P1,Budi Santoso,1985-05-15"),
        "rings.csv": lines("ring_id,name", "R1,Jaringan Blitar"),
        "relations.csv": lines("from_id,to_id,type,detail", "P1,R1,member_of,leader"),
    }
    b = {
        "people.csv": lines("person_id,name,birth_date", "P1,Siti Aminah,1990-01-02"),
        "rings.csv": lines("ring_id,name", "R1,Jaringan Batam"),
        "relations.csv": lines("from_id,to_id,type,detail", "P1,R1,member_of,recruiter"),
    }
    load(tmp_path, store, a, bundle="a")
    load(tmp_path, store, b, bundle="b")
    assert count(store, "Person") == 2 and count(store, "Ring") == 2
    assert (props(store, "a:P1")["name"], props(store, "a:P1")["keys"]) == (
        "Budi Santoso", ["a:P1"],
    )
    assert (props(store, "b:P1")["name"], props(store, "b:P1")["keys"]) == (
        "Siti Aminah", ["b:P1"],
    )
    assert out_ids(store, "a:P1", "MEMBER_OF") == ["a:R1"]
    assert out_ids(store, "b:P1", "MEMBER_OF") == ["b:R1"]


def test_bundle_name_defaults_to_the_folder_name(tmp_path: Path, store: Store) -> None:
    folder = write_bundle(tmp_path / "polres-blitar-2023", {
        "people.csv": lines("person_id,name", "P1,Budi")
    })
    report = ingest_path(folder, store, rejects=tmp_path / "r.csv")
    assert report.bundle == "polres-blitar-2023"
    assert props(store, "polres-blitar-2023:P1")["keys"] == ["polres-blitar-2023:P1"]


# -- NIK ----------------------------------------------------------------------------------------


def test_malformed_nik_kept_raw_flagged_and_never_matched(tmp_path: Path, store: Store) -> None:
    """A malformed NIK is kept as a raw property and flagged, not used for matching."""
    bad = "3504-0101-1290"  # 12 digits
    a = {"people.csv": lines("person_id,name,nik", f"P1,Budi,{bad}", f"P2,Agus Salim,{bad}")}
    b = {"people.csv": lines("person_id,name,nik", f"P1,Siti Aminah,{bad}")}
    ra = load(tmp_path, store, a, bundle="a")
    load(tmp_path, store, b, bundle="b")
    assert ra.rejected_total == 0  # flagged, not rejected
    assert count(store, "Person") == 3
    for pid in ("a:P1", "a:P2", "b:P1"):
        p = props(store, pid)
        assert p["nik_raw"] == bad
        assert isinstance(p["nik_invalid"], str) and p["nik_invalid"]
        assert "nik" not in p
        assert p["keys"] == [pid]


def test_valid_nik_merges_across_bundles(tmp_path: Path, store: Store) -> None:
    """A valid NIK is a strong identifier: one person, both keys, both sources."""
    a = {
        "sources.csv": lines("source_id,kind", "S1,bap"),
        "people.csv": lines("person_id,name,nik,source_id", f"P1,Budi Santoso,{NIK_BUDI},S1"),
    }
    b = {
        "sources.csv": lines("source_id,kind", "S1,case_register"),
        "people.csv": lines(
            "person_id,name,nik,source_id", "P7,BUDI SANTOSO,3504.0101.1290.0001,S1"
        ),
        "rings.csv": lines("ring_id", "R1"),
        "relations.csv": lines("from_id,to_id,type,detail", "P7,R1,member_of,financier"),
    }
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.rejected_total == 0
    assert count(store, "Person") == 1
    assert store.get_node("b:P7") is None
    p = props(store, "a:P1")
    assert p["nik"] == NIK_BUDI
    assert sorted(p["keys"]) == ["a:P1", "b:P7"]
    assert sorted(p["sources"]) == ["a:S1", "b:S1"]
    # b's relations follow the merged person
    assert out_ids(store, "a:P1", "MEMBER_OF") == ["b:R1"]


def test_valid_nik_merges_within_a_bundle(tmp_path: Path, store: Store) -> None:
    a = {"people.csv": lines(
        "person_id,name,nik", f"P1,Budi Santoso,{NIK_BUDI}", f"P2,Budi S.,{NIK_BUDI}",
        f"P3,Siti Aminah,{NIK_SITI}",
    )}
    report = load(tmp_path, store, a, bundle="a")
    assert report.rejected_total == 0
    assert count(store, "Person") == 2
    assert sorted(props(store, "a:P1")["keys"]) == ["a:P1", "a:P2"]


def test_rejected_row_leaves_no_identifier_behind(tmp_path: Path, store: Store) -> None:
    a = {
        "people.csv": lines(
            "person_id,name,nik,birth_date",
            f"P1,Budi Santoso,{NIK_BUDI},31/02/1990",  # rejected: no such date
            f"P2,Budi Santoso,{NIK_BUDI},01/12/1990",
        ),
        "accounts.csv": lines(
            "account_id,bank,number,kind",
            "AC1,BRI,0123 4567 8901,crypto",  # rejected: wrong enum
            "AC2,BRI,012345678901,bank",
        ),
    }
    report = load(tmp_path, store, a, bundle="a")
    assert report.rejected_total == 2
    assert store.get_node("a:P1") is None and store.get_node("a:AC1") is None
    assert props(store, "a:P2")["keys"] == ["a:P2"]
    assert props(store, "a:AC2")["keys"] == ["a:AC2"]


# -- officials ----------------------------------------------------------------------------------


def test_nrp_shared_across_bundles_merges_the_official(tmp_path: Path, store: Store) -> None:
    """NRP/NIP is a strong identifier: one person, the posts of both bundles."""
    a = {
        "agencies.csv": lines("agency_id,name,kind", "A1,Polsek Ngunut,police"),
        "people.csv": lines("person_id,name", "P1,Agus Salim"),
        "officials.csv": lines(
            "person_id,agency_id,id_number,rank,since", "P1,A1,85010123,Ipda,2015-01-01"
        ),
    }
    b = {
        "agencies.csv": lines("agency_id,name,kind", "X1,Polres Tulungagung,police"),
        "people.csv": lines("person_id,name", "K5,AKP Agus Salim S.H."),
        "officials.csv": lines(
            "person_id,agency_id,id_number,rank,since", "K5,X1,85010123,AKP,2020-03-01"
        ),
    }
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.rejected_total == 0
    assert count(store, "Person") == 1 and count(store, "Official") == 1
    assert store.get_node("b:K5") is None
    assert sorted(props(store, "a:P1")["keys"]) == ["a:P1", "b:K5"]
    assert out_ids(store, "a:P1", "HOLDS_POST") == ["a:A1", "b:X1"]


def test_different_nrp_does_not_merge(tmp_path: Path, store: Store) -> None:
    a = {
        "agencies.csv": lines("agency_id,name,kind", "A1,Polsek Ngunut,police"),
        "people.csv": lines("person_id,name", "P1,Agus Salim"),
        "officials.csv": lines("person_id,agency_id,id_number", "P1,A1,85010123"),
    }
    b = {**a, "officials.csv": lines("person_id,agency_id,id_number", "P1,A1,85010999")}
    load(tmp_path, store, a, bundle="a")
    load(tmp_path, store, b, bundle="b")
    assert count(store, "Official") == 2


# -- accounts and organizations -------------------------------------------------------------


def test_bank_and_number_identify_an_account_across_bundles(tmp_path: Path, store: Store) -> None:
    """``BRI`` = ``Bank BRI``; spaces in the number do not matter; another bank is another
    account."""
    a = {
        "people.csv": lines("person_id,name", "P1,Budi Santoso"),
        "accounts.csv": lines(
            "account_id,bank,number,holder_id", "AC1,BRI,0123 4567 8901,P1"
        ),
    }
    b = {
        "organizations.csv": lines("org_id,name", "O1,PT Maju Jaya"),
        "accounts.csv": lines(
            "account_id,bank,number,holder_id",
            "REK1,Bank BRI,012345678901,O1",
            "REK2,BCA,012345678901,",
        ),
        "transfers.csv": lines(
            "from_account,to_account,amount,at", "REK1,REK2,5.000.000,2023-06-01"
        ),
    }
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.rejected_total == 0
    assert count(store, "Account") == 2
    assert store.get_node("b:REK1") is None
    assert sorted(props(store, "a:AC1")["keys"]) == ["a:AC1", "b:REK1"]
    holders = store.neighbours("a:AC1", types=["HOLDS"], direction="in")
    assert sorted(n["node"]["id"] for n in holders) == ["a:P1", "b:O1"]
    assert out_ids(store, "a:AC1", "TRANSFERRED") == ["b:REK2"]


def test_npwp_and_licence_merge_organizations_across_bundles(
    tmp_path: Path, store: Store
) -> None:
    a = {"organizations.csv": lines(
        "org_id,name,kind,license_no,npwp",
        "O1,PT Maju Jaya,p3mi,P3MI-0042,01.234.567.8-901.000",
        "O2,LPK Harapan,lpk,LPK-7,",
    )}
    b = {"organizations.csv": lines(
        "org_id,name,kind,license_no,npwp",
        "X1,PT. MAJU JAYA,p3mi,,012345678901000",
        "X2,Harapan Training Centre,lpk,LPK-7,",
        "X3,PT Maju Jaya,company,,",  # same name only: a separate organization
    )}
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.rejected_total == 0
    assert count(store, "Organization") == 3
    assert sorted(props(store, "a:O1")["keys"]) == ["a:O1", "b:X1"]
    assert sorted(props(store, "a:O2")["keys"]) == ["a:O2", "b:X2"]
    assert props(store, "b:X3")["keys"] == ["b:X3"]


# -- phones -------------------------------------------------------------------------------------


def test_shared_phone_links_but_never_merges(tmp_path: Path, store: Store) -> None:
    """A phone number is a Phone node of its own, shared by whoever uses it."""
    a = {"people.csv": lines("person_id,name,phones", "P1,Budi Santoso,0812-3456-7890")}
    b = {"people.csv": lines("person_id,name,phones", "P1,Siti Aminah,+62 812 3456 7890")}
    load(tmp_path, store, a, bundle="a")
    load(tmp_path, store, b, bundle="b")
    assert count(store, "Person") == 2 and count(store, "Phone") == 1
    users = store.neighbours("+6281234567890", types=["USES"], direction="in")
    assert sorted(n["node"]["id"] for n in users) == ["a:P1", "b:P1"]


# -- candidates ---------------------------------------------------------------------------------


def _candidates(store: Store, node_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(n["node"]["id"], n["rel"]["props"])
            for n in store.neighbours(node_id, types=["POSSIBLY_SAME_AS"])]


def test_similar_name_and_same_birth_date_is_a_candidate_not_a_merge(
    tmp_path: Path, store: Store
) -> None:
    a = {"people.csv": lines(
        "person_id,name,birth_date", "P1,Budi Santoso,1985-05-15", "P2,Siti Aminah,1985-05-15"
    )}
    b = {"people.csv": lines("person_id,name,birth_date", "P4,Budi Santosa,15/05/1985")}
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.candidates == 1
    assert count(store, "Person") == 3  # never a silent merge
    [(other, rel)] = _candidates(store, "b:P4")
    assert other == "a:P1"
    assert isinstance(rel["score"], float) and 0.85 <= rel["score"] < 1.0
    assert isinstance(rel["reasons"], list) and rel["reasons"]
    assert any("birth date" in r for r in rel["reasons"])
    assert _candidates(store, "a:P2") == []  # same date, different name
    # a candidate is stored once and a rerun leaves it alone
    again = load(tmp_path, store, b, bundle="b")
    assert unchanged(again)
    assert store.counts()["relationships"]["POSSIBLY_SAME_AS"] == 1


def test_two_valid_different_niks_are_never_candidates(tmp_path: Path, store: Store) -> None:
    a = {"people.csv": lines(
        "person_id,name,nik,birth_date", f"P1,Budi Santoso,{NIK_BUDI},1990-12-01"
    )}
    b = {"people.csv": lines(
        "person_id,name,nik,birth_date", f"P1,Budi Santoso,{NIK_OTHER},01/12/1990"
    )}
    load(tmp_path, store, a, bundle="a")
    rb = load(tmp_path, store, b, bundle="b")
    assert rb.candidates == 0
    assert count(store, "Person") == 2
    assert store.counts()["relationships"]["POSSIBLY_SAME_AS"] == 0


# -- re-ingest ----------------------------------------------------------------------------------

A_MERGED = {
    "sources.csv": lines("source_id,kind", "S1,bap"),
    "people.csv": lines(
        "person_id,name,nik,birth_date,phones,source_id",
        f"P1,Budi Santoso,{NIK_BUDI},01/12/1990,0812-3456-7890,S1",
    ),
    "accounts.csv": lines("account_id,bank,number,holder_id", "AC1,BRI,0123 4567 8901,P1"),
}
B_MERGED = {
    "sources.csv": lines("source_id,kind", "S1,ppatk_report"),
    "people.csv": lines(
        "person_id,name,nik,birth_date,phones,source_id",
        f"P7,BUDI SANTOSO BIN ALI,{NIK_BUDI},1990-12-01,+62 812 3456 7890,S1",
        "P8,Budi Santoso Bin Aly,,1990-12-01,,S1",
    ),
    "accounts.csv": lines(
        "account_id,bank,number,holder_id", "REK1,Bank BRI,012345678901,P7",
        "REK2,BCA,777000,P8",
    ),
    "transfers.csv": lines("from_account,to_account,amount,at", "REK1,REK2,1.000.000,2023-06-01"),
}


def test_reingesting_merged_bundles_changes_nothing(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store, A_MERGED, bundle="a")
    first = load(tmp_path, store, B_MERGED, bundle="b")
    assert first.candidates == 1
    before = store.counts()
    again = load(tmp_path, store, B_MERGED, bundle="b")
    assert unchanged(again), (again.nodes, again.relationships)
    assert store.counts() == before


def test_reingesting_an_earlier_bundle_after_a_merge_changes_nothing(
    tmp_path: Path, store: Store
) -> None:
    load(tmp_path, store, A_MERGED, bundle="a")
    load(tmp_path, store, B_MERGED, bundle="b")
    state = props(store, "a:P1")
    again = load(tmp_path, store, A_MERGED, bundle="a")
    assert props(store, "a:P1") == state
    assert unchanged(again), (again.nodes, again.relationships)
