"""The general rules and the per-file rules of the bundle format, one test (at least) per rule.

Every test writes a tiny bundle of real CSV files into ``tmp_path`` and loads it
with :func:`ingest.ingest_path`, then reads the graph back through the store.
Behaviour that must be the same on both stores uses the ``store`` fixture; pure
parsing rules run on the embedded store only. The rules are the ones written in
``shared/spec/bundle-format.md`` (quoted in each docstring), not the loader's own
tables, so a rule the loader forgets makes a test fail.

Entity resolution and candidates: ``test_bundle_resolution.py``; the command
line: ``test_ingest_cli.py``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from graph.errors import InputError
from graph.store import Store
from ingest import ingest_path
from ingest.report import IngestReport

Files = Mapping[str, str | bytes]

# -- helpers ------------------------------------------------------------------


def write_bundle(folder: Path, files: Files) -> Path:
    """Write ``{file name: text or bytes}`` into ``folder`` (text as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def load(
    tmp_path: Path, store: Store, files: Files, *, bundle: str = "a", strict: bool = False
) -> IngestReport:
    """Write ``files`` as bundle ``bundle`` and ingest it; rejects to ``<bundle>.rejects.csv``."""
    folder = write_bundle(tmp_path / "bundles" / bundle, files)
    return ingest_path(
        folder, store, bundle=bundle, rejects=tmp_path / f"{bundle}.rejects.csv", strict=strict
    )


def rejects(tmp_path: Path, bundle: str = "a") -> list[dict[str, str]]:
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


def out_rels(store: Store, node_id: str, typ: str) -> list[tuple[str, dict[str, Any]]]:
    """(other end id, relationship props) of ``typ`` relationships leaving ``node_id``."""
    return [
        (n["node"]["id"], n["rel"]["props"])
        for n in store.neighbours(node_id, types=[typ], direction="out")
    ]


def total(store: Store) -> tuple[int, int]:
    """(nodes, relationships) in the store; ``Official`` nodes are ``Person`` nodes too."""
    counts = store.counts()
    nodes = sum(n for label, n in counts["nodes"].items() if label != "Official")
    return nodes, sum(counts["relationships"].values())


def with_row(files: Files, name: str, values: Mapping[str, str]) -> dict[str, str | bytes]:
    """``files`` with one more row in ``name``, columns placed by that file's header."""
    text = files[name]
    assert isinstance(text, str)
    head = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values.get(c, "") for c in head])
    unknown = set(values) - set(head)
    assert not unknown, f"{name} has no column {unknown}"
    return {**files, name: text + out.getvalue()}


# One valid bundle with every file: a Polsek investigator (P1) calls a ring leader
# (P2) 35 minutes before a raid on the case of a victim (P3) that finds nothing.
FULL: dict[str, str | bytes] = {
    "sources.csv": lines(
        "source_id,kind,title,date,reliability,credibility",
        "S1,bap,BAP saksi Siti,2023-06-10,B,2",
        "S2,bank_statement,Rekening koran BRI,,,",
    ),
    "agencies.csv": lines(
        "agency_id,name,kind,parent_id,region,source_id",
        "A2,Polsek Ngunut,police,A1,Jawa Timur,S1",
        "A1,Polres Tulungagung,police,,Jawa Timur,S1",
    ),
    "organizations.csv": lines(
        "org_id,name,kind,license_no,npwp,address,phones,source_id",
        "O1,PT Maju Jaya,p3mi,P3MI-0042,01.234.567.8-901.000,Malang,0341 551234,S1",
    ),
    "people.csv": lines(
        "person_id,name,aliases,nik,birth_date,birth_place,gender,phones,address,source_id",
        "P1,Agus Salim,Pak Agus,3504010112900001,01/12/1990,Tulungagung,m,0812-3456-7890,,S1",
        "P2,Budi Santoso,Bos|Kumis,,1985-05-15,Blitar,m,0813 9876 5432,,S1",
        "P3,Siti Aminah,,3504015505850002,15-05-1985,Blitar,f,,,S1",
    ),
    "officials.csv": lines(
        "person_id,agency_id,id_number,rank,position,since,until,source_id",
        "P1,A2,85010123,Iptu,Kanit Reskrim,2019-01-01,,S1",
    ),
    "accounts.csv": lines(
        "account_id,bank,number,holder_id,holder_name,kind,source_id",
        "AC1,BRI,0123 4567 8901,P2,BUDI SANTOSO,bank,S2",
        "AC2,Bank Mandiri,1400012345678,O1,PT MAJU JAYA,bank,S2",
    ),
    "rings.csv": lines("ring_id,name,source_id", "R1,Jaringan Blitar,S1"),
    "cases.csv": lines(
        "case_id,title,report_number,opened_at,status,status_at,agency_id,source_id",
        "C1,TPPO Blitar,LP/B/123/VI/2023,05/06/2023,sp3,2023-09-01,A2,S1",
    ),
    "events.csv": lines(
        "event_id,kind,at,place,case_id,outcome,source_id",
        "E1,raid,5/6/2023 14:30,Ngunut,C1,nothing_found,S1",
    ),
    "relations.csv": lines(
        "from_id,to_id,type,detail,since,until,source_id",
        "P2,R1,member_of,leader,,,S1",
        "P3,C1,victim_in,,,,S1",
        "P1,C1,investigates,,,,S1",
    ),
    "transfers.csv": lines(
        "transfer_id,from_account,to_account,amount,currency,at,channel,reference,source_id",
        'T1,AC2,AC1,"Rp 1.500.000,-",,2023-06-01 10:00,transfer,fee,S2',
    ),
    "calls.csv": lines(
        "from_phone,to_phone,at,duration_s,kind,source_id",
        "0812-3456-7890,0813 9876 5432,2023-06-05 13:55,42,call,S1",
    ),
}
FULL_ROWS = {
    name: len(text.splitlines()) - 1 for name, text in FULL.items() if isinstance(text, str)
}

# The required columns as the spec's table marks them (``*``), and a valid extra row per file.
REQUIRED: dict[str, tuple[str, ...]] = {
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
GOOD_ROW: dict[str, dict[str, str]] = {
    "sources.csv": {"source_id": "S9", "kind": "osint"},
    "people.csv": {"person_id": "P9", "name": "Joko Widodo"},
    "agencies.csv": {"agency_id": "A9", "name": "Polda Jatim", "kind": "police"},
    "officials.csv": {"person_id": "P2", "agency_id": "A1"},
    "organizations.csv": {"org_id": "O9", "name": "CV Lain"},
    "accounts.csv": {"account_id": "AC9", "bank": "BCA", "number": "555001"},
    "transfers.csv": {
        "from_account": "AC1", "to_account": "AC2", "amount": "1000", "at": "2023-06-02",
    },
    "calls.csv": {
        "from_phone": "0812-3456-7890", "to_phone": "0813 9876 5432", "at": "2023-06-06 10:00",
    },
    "cases.csv": {"case_id": "C9", "status": "lidik"},
    "events.csv": {"event_id": "E9", "kind": "arrest", "at": "2023-07-01"},
    "rings.csv": {"ring_id": "R9", "name": "Jaringan Lain"},
    "relations.csv": {"from_id": "P2", "to_id": "P3", "type": "associate"},
}


def reachable(store: Store, seeds: list[str]) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Every node and relationship reachable from ``seeds``."""
    nodes: dict[str, Any] = {}
    rels: dict[tuple[str, str], Any] = {}
    todo = list(seeds)
    while todo:
        nid = todo.pop()
        if nid in nodes:
            continue
        node = store.get_node(nid)
        assert node is not None, nid
        nodes[nid] = node
        for n in store.neighbours(nid):
            rels[(n["rel"]["type"], n["rel"]["id"])] = n["rel"]
            todo.append(n["node"]["id"])
    return nodes, rels


# -- the whole bundle -----------------------------------------------------------


def test_full_bundle_loads_every_row(tmp_path: Path, store: Store) -> None:
    """Sanity for the other tests: the reference bundle is valid and nothing is rejected."""
    report = load(tmp_path, store, FULL)
    assert rejects(tmp_path) == []
    assert report.rejects_file is None
    assert {name: (f.rows, f.accepted, f.rejected) for name, f in report.files.items()} == {
        name: (n, n, 0) for name, n in FULL_ROWS.items()
    }
    assert report.written
    assert report.nodes["created"] == total(store)[0]
    counts = store.counts()
    assert {k: v for k, v in counts["nodes"].items() if v} == {
        "Source": 2, "Agency": 2, "Organization": 1, "Person": 3, "Official": 1, "Account": 2,
        "Phone": 3, "Ring": 1, "Case": 1, "Event": 1,
    }


# -- encodings and delimiters -----------------------------------------------------

ENCODED = [
    pytest.param("utf-8", ",", "Désa Rahayu".encode(), b"", id="utf-8-comma"),
    pytest.param("utf-8-sig", ",", "Désa Rahayu".encode(), codecs.BOM_UTF8, id="utf-8-bom"),
    pytest.param("cp1252", ";", "Désa Rahayu".encode("cp1252"), b"", id="cp1252-semicolon"),
    pytest.param("utf-8", "\t", "Désa Rahayu".encode(), b"", id="utf-8-tab"),
    pytest.param("utf-8", ";", "Désa Rahayu".encode(), b"", id="utf-8-semicolon"),
]


@pytest.mark.parametrize(("encoding", "delimiter", "name", "bom"), ENCODED)
def test_encoding_and_delimiter_are_detected_and_reported(
    tmp_path: Path, embedded_store: Store, encoding: str, delimiter: str, name: bytes, bom: bytes
) -> None:
    """Encoding: UTF-8 with or without BOM, Windows-1252 with ``;``: detect and report."""
    d = delimiter.encode()
    data = bom + b"person_id" + d + b"name" + d + b"address\r\n"
    data += b"P1" + d + name + d + b'"Jl. Mawar 5, Ngunut"\r\n'
    report = load(tmp_path, embedded_store, {"people.csv": data})
    assert report.files["people.csv"].encoding == encoding
    assert report.files["people.csv"].delimiter == delimiter
    p = props(embedded_store, "a:P1")
    assert p["name"] == "Désa Rahayu"  # no mojibake, no BOM glued to a column name
    assert p["address"] == "Jl. Mawar 5, Ngunut"


# -- header -------------------------------------------------------------------------


def test_column_names_case_insensitive_trimmed_any_order_unknown_kept(
    tmp_path: Path, store: Store
) -> None:
    """Column names are case-insensitive and trimmed; order is free; unknown -> ``x_<name>``."""
    files = {
        "people.csv": lines(
            " Catatan , NAME , Person_ID ,Gender",
            "saksi kunci,Budi Santoso,P1,M",
        ),
        "calls.csv": lines(
            "AT,Operator,To_Phone,FROM_PHONE",
            "2023-06-05 10:00,Telkomsel,0355 321456,0812-3456-7890",
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["people.csv"].accepted == 1
    p = props(store, "a:P1")
    assert p["name"] == "Budi Santoso"
    assert p["gender"] == "m"
    assert p["x_catatan"] == "saksi kunci"
    [(to, call)] = out_rels(store, "+6281234567890", "CALLED")
    assert (to, call["at"], call["x_operator"]) == ("+62355321456", "2023-06-05T03:00:00Z",
                                                    "Telkomsel")


def test_transfer_extra_columns_kept_and_overflow_row_rejected(
    tmp_path: Path, store: Store
) -> None:
    """Unknown transfer columns become ``x_<name>``; a row with more fields than the
    header is rejected whether it comes first or not, in a file with or without extras."""
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "from_account,to_account,amount,at,Berita",
            "AC1,AC2,100000,2023-06-05,cicilan,extra",
            "AC1,AC2,200000,2023-06-06,uang jalan",
            "AC2,AC1,300000,2023-06-07,",
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["transfers.csv"].rejected == 1
    got = [(r["amount"], r.get("x_berita")) for _, r in out_rels(store, "a:AC1", "TRANSFERRED")]
    back = [(r["amount"], r.get("x_berita")) for _, r in out_rels(store, "a:AC2", "TRANSFERRED")]
    assert got == [(200000.0, "uang jalan")] and back == [(300000.0, None)]
    plain = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "from_account,to_account,amount,at",
            "AC1,AC2,100000,2023-06-05,extra",
            "AC1,AC2,400000,2023-06-08",
        ),
    }
    report = load(tmp_path / "plain", store, plain)
    assert report.files["transfers.csv"].rejected == 1


def test_file_without_header_is_refused(tmp_path: Path, embedded_store: Store) -> None:
    """Header row required: a file that starts with data names no required column."""
    with pytest.raises(InputError, match="missing required column"):
        load(tmp_path, embedded_store, {"people.csv": lines("P1,Budi Santoso", "P2,Siti")})
    assert total(embedded_store) == (0, 0)


def test_empty_file_is_refused(tmp_path: Path, embedded_store: Store) -> None:
    with pytest.raises(InputError, match="header"):
        load(tmp_path, embedded_store, {"people.csv": ""})


def test_missing_required_column_refuses_the_bundle_before_writing(
    tmp_path: Path, embedded_store: Store
) -> None:
    """A file without a required column stops the load, and no other file is written first."""
    files = {**FULL, "transfers.csv": lines("from_account,to_account,at", "AC1,AC2,2023-06-01")}
    with pytest.raises(InputError, match=r"transfers\.csv.*amount"):
        load(tmp_path, embedded_store, files)
    assert total(embedded_store) == (0, 0)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("x" * 200_000, id="field-limit"),  # beyond csv's 128 KiB per cell
        pytest.param('"an open quote\n', id="quote-left-open"),
    ],
)
def test_an_unreadable_file_refuses_the_bundle_before_writing(
    tmp_path: Path, store: Store, bad: str
) -> None:
    """calls.csv (loaded last) cannot be read to its end: the load stops, nothing of the
    files before it is written, and the message names the file, not its path."""
    files = {**FULL, "calls.csv": str(FULL["calls.csv"]) + f"0812,0813,2023-06-01,{bad}\n"}
    with pytest.raises(InputError) as info:
        load(tmp_path, store, files)
    assert total(store) == (0, 0)
    assert re.match(r"calls\.csv: malformed CSV at line 3: ", str(info.value)), info.value


def test_file_names_are_matched_without_case(tmp_path: Path, embedded_store: Store) -> None:
    report = load(tmp_path, embedded_store, {"People.CSV": lines("person_id,name", "P1,Budi")})
    assert report.files["people.csv"].accepted == 1


# -- multi-valued cells ------------------------------------------------------------


def test_multi_valued_aliases_and_phones(tmp_path: Path, store: Store) -> None:
    """Multi-valued cells (aliases, phones) use ``|`` as separator."""
    files = {
        "people.csv": lines(
            "person_id,name,aliases,phones",
            "P1,Budi Santoso, Pak Kumis | Bos Budi ,0812-3456-7890|(0355) 321456",
        )
    }
    load(tmp_path, store, files)
    assert props(store, "a:P1")["aliases"] == ["Pak Kumis", "Bos Budi"]
    assert sorted(i for i, _ in out_rels(store, "a:P1", "USES")) == [
        "+62355321456", "+6281234567890",
    ]


# -- dates ----------------------------------------------------------------------------

TIMESTAMPS = {
    "E1": ("2023-06-05T14:30", "2023-06-05T07:30:00Z"),
    "E2": ("2023-06-05T14:30+07:00", "2023-06-05T07:30:00Z"),
    "E3": ("2023-06-05T07:30Z", "2023-06-05T07:30:00Z"),
    "E4": ("2023-06-05T09:30+09:00", "2023-06-05T00:30:00Z"),
    "E5": ("5/6/2023 14:30", "2023-06-05T07:30:00Z"),
    "E6": ("05-06-2023 14:30", "2023-06-05T07:30:00Z"),
    "E7": ("05/06/2023", "2023-06-04T17:00:00Z"),  # a date alone is 00:00 WIB
    "E8": ("2023-06-05", "2023-06-04T17:00:00Z"),
    "E9": ("12/01/2023 08:00", "2023-01-12T01:00:00Z"),  # 12 January, not 1 December
}


def test_timestamps_iso_and_day_first_in_wib(tmp_path: Path, store: Store) -> None:
    """ISO 8601 with or without offset, or day-first; no offset means WIB (+07:00)."""
    rows = [f"{eid},meeting,{raw}" for eid, (raw, _) in TIMESTAMPS.items()]
    report = load(tmp_path, store, {"events.csv": lines("event_id,kind,at", *rows)})
    assert report.files["events.csv"].rejected == 0, rejects(tmp_path)
    got = {eid: props(store, f"a:{eid}")["at"] for eid in TIMESTAMPS}
    assert got == {eid: want for eid, (_, want) in TIMESTAMPS.items()}


def test_dates_day_first_never_month_first(tmp_path: Path, store: Store) -> None:
    """``05/06/2023`` is 5 June; a month-first ``06/25/2023`` is rejected, not guessed."""
    files = {
        "people.csv": lines(
            "person_id,name,birth_date",
            "P1,Budi,05/06/1990",
            "P2,Siti,05-06-1990",
            "P3,Agus,1990-06-05",
            "P4,Dewi,06/25/1990",
        ),
    }
    report = load(tmp_path, store, files)
    assert [props(store, f"a:{p}")["birth_date"] for p in ("P1", "P2", "P3")] == [
        "1990-06-05"
    ] * 3
    assert store.get_node("a:P4") is None
    assert report.files["people.csv"].rejected == 1
    [bad] = rejects(tmp_path)
    assert (bad["file"], bad["line"]) == ("people.csv", "5")
    assert "birth_date" in bad["reason"]


def test_bad_date_rejected_with_line_and_reason(tmp_path: Path, store: Store) -> None:
    files = {
        "events.csv": lines(
            "event_id,kind,at",
            "E1,raid,2023-06-05",
            "E2,raid,31/02/2023",
            "E3,raid,kemarin sore",
            "E4,raid,05/06/23",  # two-digit year: ambiguous
            "E5,raid,2023-06-06",
        )
    }
    report = load(tmp_path, store, files)
    assert (report.files["events.csv"].accepted, report.files["events.csv"].rejected) == (2, 3)
    assert [(r["line"], "bad at" in r["reason"]) for r in rejects(tmp_path)] == [
        ("3", True), ("4", True), ("5", True),
    ]
    assert store.get_node("a:E5") is not None


# -- amounts -----------------------------------------------------------------------------

AMOUNTS = {
    "T1": ("1500000", 1500000.0),
    "T2": ("1500000.50", 1500000.5),
    "T3": ("1.500.000", 1500000.0),
    "T4": ("1.500.000,50", 1500000.5),
    "T5": ("Rp 1.500.000,-", 1500000.0),
    "T6": ("Rp1.500.000", 1500000.0),
    "T7": ("250", 250.0),
}
ACCOUNTS = lines(
    "account_id,bank,number", "AC1,BRI,0123 4567 8901", "AC2,Bank Mandiri,1400012345678"
)


def test_amounts_plain_and_indonesian_notation(tmp_path: Path, store: Store) -> None:
    """Amounts: ``1500000``, ``1500000.50``, ``1.500.000``, ``1.500.000,50``, ``Rp 1.500.000,-``."""
    rows = [f'{t},AC1,AC2,"{raw}",2023-06-0{i + 1}' for i, (t, (raw, _)) in
            enumerate(AMOUNTS.items())]
    report = load(
        tmp_path, store,
        {"accounts.csv": ACCOUNTS,
         "transfers.csv": lines("transfer_id,from_account,to_account,amount,at", *rows)},
    )
    assert report.files["transfers.csv"].rejected == 0, rejects(tmp_path)
    got = store.get_rels([("TRANSFERRED", f"a:{t}") for t in AMOUNTS])
    assert {k[1]: r["props"]["amount"] for k, r in got.items()} == {
        f"a:{t}": want for t, (_, want) in AMOUNTS.items()
    }
    assert {r["props"]["currency"] for r in got.values()} == {"IDR"}  # the default


def test_currency_kept_when_given(tmp_path: Path, store: Store) -> None:
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "transfer_id,from_account,to_account,amount,currency,at",
            "T1,AC1,AC2,250.00,usd,2023-06-01",
            "T2,AC1,AC2,1000,IDR,2023-06-01",
        ),
    }
    load(tmp_path, store, files)
    got = store.get_rels([("TRANSFERRED", "a:T1"), ("TRANSFERRED", "a:T2")])
    assert [got[("TRANSFERRED", t)]["props"]["currency"] for t in ("a:T1", "a:T2")] == [
        "USD", "IDR",
    ]


def test_amount_must_be_positive_and_a_number(tmp_path: Path, store: Store) -> None:
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "transfer_id,from_account,to_account,amount,at",
            "T1,AC1,AC2,0,2023-06-01",
            "T2,AC1,AC2,-1.000,2023-06-01",
            "T3,AC1,AC2,sejuta,2023-06-01",
            "T4,AC1,AC2,1.000,2023-06-01",
        ),
    }
    report = load(tmp_path, store, files)
    assert (report.files["transfers.csv"].accepted, report.files["transfers.csv"].rejected) == (
        1, 3,
    )
    assert [r["line"] for r in rejects(tmp_path)] == ["2", "3", "4"]
    assert "> 0" in rejects(tmp_path)[0]["reason"]
    assert list(store.get_rels([("TRANSFERRED", "a:T4")])) == [("TRANSFERRED", "a:T4")]
    assert store.counts()["relationships"]["TRANSFERRED"] == 1


# -- phones ----------------------------------------------------------------------------------


def test_every_phone_form_is_one_phone_node_shared_by_its_users(
    tmp_path: Path, store: Store
) -> None:
    """Phones in any common form -> E.164; a phone is a node shared by whoever uses it."""
    files = {
        "people.csv": lines(
            "person_id,name,phones",
            "P1,Budi,0812-3456-7890",
            "P2,Siti,+62 812 3456 7890",
            "P3,Agus,6281234567890|(0355) 321456",
        ),
        "organizations.csv": lines("org_id,name,phones", "O1,PT Maju Jaya,0062 812 3456 7890"),
        "calls.csv": lines(
            "from_phone,to_phone,at", "0812.3456.7890,0355-321456,2023-06-05 10:00"
        ),
    }
    load(tmp_path, store, files)
    phone = store.get_node("+6281234567890")
    assert phone is not None and "Phone" in phone["labels"]
    assert phone["props"]["number"] == "+6281234567890"
    assert props(store, "+62355321456")["number"] == "+62355321456"
    users = store.neighbours("+6281234567890", types=["USES"], direction="in")
    assert sorted(n["node"]["id"] for n in users) == ["a:O1", "a:P1", "a:P2", "a:P3"]
    assert store.counts()["nodes"]["Phone"] == 2
    assert [i for i, _ in out_rels(store, "+6281234567890", "CALLED")] == ["+62355321456"]


def test_bad_phone_rejected(tmp_path: Path, store: Store) -> None:
    files = {
        "people.csv": lines("person_id,name,phones", "P1,Budi,0812-ABC", "P2,Siti,0812-3456-7890")
    }
    report = load(tmp_path, store, files)
    assert report.files["people.csv"].rejected == 1
    assert rejects(tmp_path)[0]["line"] == "2"
    assert store.get_node("a:P1") is None


# -- sources -----------------------------------------------------------------------------------


def test_every_node_and_relationship_from_a_row_keeps_its_source(
    tmp_path: Path, store: Store
) -> None:
    """``source_id``: every node and relationship created from a row lists the source."""
    load(tmp_path, store, FULL)
    nodes, rels = reachable(store, ["a:P1", "a:S1", "a:S2"])
    assert (len(nodes), len(rels)) == total(store)  # the walk saw the whole graph
    missing = [nid for nid, n in nodes.items() if "Source" not in n["labels"]
               and not n["props"].get("sources")]
    assert missing == []
    assert [key for key, r in rels.items() if not r["props"].get("sources")] == []
    # and they point at the stored ids of the sources, not the bundle keys
    assert props(store, "a:AC1")["sources"] == ["a:S2"]
    assert props(store, "a:P2")["sources"] == ["a:S1"]
    assert props(store, "+6281398765432")["sources"] == ["a:S1"]  # from the people row
    assert out_rels(store, "a:AC2", "TRANSFERRED")[0][1]["sources"] == ["a:S2"]


def test_unknown_source_id_rejected(tmp_path: Path, store: Store) -> None:
    files = {
        "sources.csv": lines("source_id,kind", "S1,bap"),
        "people.csv": lines(
            "person_id,name,source_id", "P1,Budi,S1", "P2,Siti,S7", "P3,Agus,"
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["people.csv"].rejected == 1
    [bad] = rejects(tmp_path)
    assert (bad["line"], "source_id" in bad["reason"]) == ("3", True)
    assert store.get_node("a:P2") is None
    assert props(store, "a:P3").get("sources", []) == []


def test_source_grades_default_to_f6_and_are_checked(tmp_path: Path, store: Store) -> None:
    """reliability A-F, credibility 1-6; missing means F/6."""
    files = {
        "sources.csv": lines(
            "source_id,kind,title,date,reliability,credibility",
            "S1,bap,BAP,05/06/2023,B,2",
            "S2,informant,Info,,,",
            "S3,osint,Berita,,G,1",
            "S4,osint,Berita,,A,7",
        )
    }
    report = load(tmp_path, store, files)
    s1, s2 = props(store, "a:S1"), props(store, "a:S2")
    assert (s1["kind"], s1["reliability"], s1["credibility"], s1["date"]) == (
        "bap", "B", "2", "2023-06-05",
    )
    assert (s2["reliability"], s2["credibility"]) == ("F", "6")
    assert report.files["sources.csv"].rejected == 2
    assert [r["line"] for r in rejects(tmp_path)] == ["4", "5"]


# -- rejects --------------------------------------------------------------------------------


def test_rejected_rows_are_reported_with_file_physical_line_and_reason(
    tmp_path: Path, store: Store
) -> None:
    """Rejected, not dropped: file, line number and reason in the rejects report, counted."""
    files = {
        "people.csv": lines(
            "person_id,name,gender,address",
            'P1,Budi,m,"Jl. Mawar 5',
            'RT 02 / RW 03, Ngunut"',  # the quoted address spans lines 2-3
            "P2,,f,",  # line 4: missing name
            "P3,Siti,perempuan,",  # line 5: wrong enum
            "P4,Agus,m,",
        ),
        "relations.csv": lines(
            "from_id,to_id,type", "P1,P4,associate", "P1,P99,associate"
        ),
    }
    report = load(tmp_path, store, files)
    got = [(r["file"], r["line"], r["reason"]) for r in rejects(tmp_path)]
    assert [(f, line) for f, line, _ in got] == [
        ("people.csv", "4"), ("people.csv", "5"), ("relations.csv", "3"),
    ]
    assert "name" in got[0][2]
    assert "gender" in got[1][2] and "perempuan" in got[1][2]
    assert "P99" in got[2][2]
    assert "P2" in rejects(tmp_path)[0]["raw"]
    people = report.files["people.csv"]
    assert (people.rows, people.accepted, people.rejected) == (4, 2, 2)
    assert report.rejected_total == 3
    assert report.rejects_file == str(tmp_path / "a.rejects.csv")
    # the rest of the file still loads
    assert props(store, "a:P1")["address"] == "Jl. Mawar 5\nRT 02 / RW 03, Ngunut"
    assert props(store, "a:P4")["name"] == "Agus"
    assert [i for i, _ in out_rels(store, "a:P1", "ASSOCIATE")] == ["a:P4"]


def test_row_with_more_fields_than_header_rejected(tmp_path: Path, store: Store) -> None:
    files = {"people.csv": lines("person_id,name", "P1,Budi,extra", "P2,Siti")}
    report = load(tmp_path, store, files)
    assert report.files["people.csv"].rejected == 1
    assert store.get_node("a:P1") is None and store.get_node("a:P2") is not None


def test_duplicate_key_in_a_bundle_rejected(tmp_path: Path, store: Store) -> None:
    """IDs are unique within the bundle across all files."""
    files = {
        "people.csv": lines("person_id,name", "X1,Budi"),
        "rings.csv": lines("ring_id,name", "X1,Jaringan"),
    }
    report = load(tmp_path, store, files)
    assert report.files["rings.csv"].rejected == 1
    assert "X1" in rejects(tmp_path)[0]["reason"]
    assert "Person" in store.get_node("a:X1")["labels"]  # type: ignore[index]
    assert store.counts()["nodes"]["Ring"] == 0


def test_small_chunks_change_nothing(tmp_path: Path, store: Store) -> None:
    """Files are streamed in chunks: line numbers, later parents and merges survive a cut."""
    files = {
        "agencies.csv": lines(
            "agency_id,name,kind,parent_id", "A2,Polsek Ngunut,police,A1", "A1,Polres,police,"
        ),
        "people.csv": lines(
            "person_id,name,nik",
            "P1,Budi Santoso,3504010112900001",
            'P2,"Siti',
            'Aminah",',
            "P3,,",
            "P4,Budi S.,3504010112900001",
        ),
    }
    folder = write_bundle(tmp_path / "bundles" / "a", files)
    report = ingest_path(folder, store, bundle="a", rejects=tmp_path / "a.rejects.csv", chunk=1)
    assert [(r["file"], r["line"]) for r in rejects(tmp_path)] == [("people.csv", "5")]
    assert report.files["people.csv"].accepted == 3
    assert [i for i, _ in out_rels(store, "a:A2", "PART_OF")] == ["a:A1"]
    assert sorted(props(store, "a:P1")["keys"]) == ["a:P1", "a:P4"]
    assert props(store, "a:P2")["name"] == "Siti\nAminah"


@pytest.mark.parametrize(
    ("file", "column"), [(f, c) for f, cols in REQUIRED.items() for c in cols]
)
def test_missing_required_value_rejects_the_row(
    tmp_path: Path, embedded_store: Store, file: str, column: str
) -> None:
    good = with_row(FULL, file, GOOD_ROW[file])
    report = load(tmp_path, embedded_store, good, bundle="ok")
    assert report.rejected_total == 0, rejects(tmp_path, "ok")  # the extra row is valid
    embedded_store.wipe()

    bad = with_row(FULL, file, {**GOOD_ROW[file], column: ""})
    report = load(tmp_path, embedded_store, bad)
    assert report.rejected_total == 1
    assert report.files[file].accepted == FULL_ROWS[file]
    [row] = rejects(tmp_path)
    assert (row["file"], row["line"]) == (file, str(FULL_ROWS[file] + 2))
    assert column in row["reason"]


CLOSED_ENUMS = [
    ("sources.csv", "kind", "rumour"),
    ("sources.csv", "reliability", "G"),
    ("sources.csv", "credibility", "7"),
    ("people.csv", "gender", "x"),
    ("accounts.csv", "kind", "crypto"),
    ("cases.csv", "status", "ditutup"),
    ("events.csv", "outcome", "unknown"),
    ("transfers.csv", "channel", "cheque"),
    ("calls.csv", "kind", "video"),
]


@pytest.mark.parametrize(("file", "column", "value"), CLOSED_ENUMS)
def test_closed_enumeration_rejects_unknown_value(
    tmp_path: Path, embedded_store: Store, file: str, column: str, value: str
) -> None:
    """Enumerations are lower-case; unknown values of a closed one are rejected."""
    report = load(tmp_path, embedded_store, with_row(FULL, file, {**GOOD_ROW[file], column: value}))
    assert report.files[file].rejected == 1
    [row] = rejects(tmp_path)
    assert row["line"] == str(FULL_ROWS[file] + 2)
    assert column in row["reason"] and value in row["reason"]


OPEN_ENUMS = [
    ("agencies.csv", "a:A9", "Kantor Desa Adat"),
    ("organizations.csv", "a:O9", "yayasan"),
    ("events.csv", "a:E9", "sweeping"),
]


def test_open_enumerations_keep_unknown_values_as_other(tmp_path: Path, store: Store) -> None:
    """``agencies.kind``, ``organizations.kind``, ``events.kind`` are open: ``other`` + raw."""
    files: Files = FULL
    for file, _, raw in OPEN_ENUMS:
        files = with_row(files, file, {**GOOD_ROW[file], "kind": raw})
    report = load(tmp_path, store, files)
    assert report.rejected_total == 0, rejects(tmp_path)
    for _, nid, raw in OPEN_ENUMS:
        p = props(store, nid)
        assert (p["kind"], p["kind_raw"]) == ("other", raw)
    assert props(store, "a:A1")["kind"] == "police" and "kind_raw" not in props(store, "a:A1")


def test_enumerations_accept_every_listed_value(tmp_path: Path, embedded_store: Store) -> None:
    """Each value the spec lists loads (case statuses, source kinds, event outcomes...)."""
    sources = [f"S{i},{k}" for i, k in enumerate(
        ["bap", "bank_statement", "ppatk_report", "cdr", "case_register", "roster", "osint",
         "informant", "seizure", "other"])]
    cases = [f"C{i},{s}" for i, s in enumerate(["lidik", "sidik", "p21", "sp3", "vonis", "bebas"])]
    events = [f"E{i},{k},2023-06-05,{o}" for i, (k, o) in enumerate(
        [("raid", "found"), ("arrest", "nothing_found"), ("release", "escaped"),
         ("departure", "other"), ("rescue", ""), ("meeting", ""), ("other", "")])]
    agencies = [f"A{i},Kantor {i},{k}" for i, k in enumerate(
        ["police", "immigration", "manpower", "migrant_protection", "village", "prosecutor",
         "court", "military", "other"])]
    orgs = [f"O{i},PT {i},{k}" for i, k in enumerate(
        ["p3mi", "company", "lpk", "travel", "shelter", "shell", "ngo", "other"])]
    files = {
        "sources.csv": lines("source_id,kind", *sources),
        "cases.csv": lines("case_id,status", *cases),
        "events.csv": lines("event_id,kind,at,outcome", *events),
        "agencies.csv": lines("agency_id,name,kind", *agencies),
        "organizations.csv": lines("org_id,name,kind", *orgs),
        "people.csv": lines("person_id,name,gender", "P1,Budi,m", "P2,Siti,f"),
        "accounts.csv": lines(
            "account_id,bank,number,kind", "AC1,BRI,1,bank", "AC2,OVO,2,ewallet", "AC3,X,3,other"
        ),
        "transfers.csv": lines("from_account,to_account,amount,at,channel", *[
            f"AC1,AC2,{i + 1}000,2023-06-05,{c}" for i, c in enumerate(
                ["transfer", "cash_deposit", "cash_withdrawal", "ewallet", "other"])]),
        "calls.csv": lines("from_phone,to_phone,at,kind", *[
            f"0812-3456-7890,0355 321456,2023-06-05,{k}" for k in ("call", "sms", "chat")]),
    }
    report = load(tmp_path, embedded_store, files)
    assert rejects(tmp_path) == []
    assert report.rejected_total == 0
    assert props(embedded_store, "a:O4")["kind"] == "shelter"
    assert "kind_raw" not in props(embedded_store, "a:E6")


# -- people / officials / agencies ---------------------------------------------------------


def test_person_properties(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store, FULL)
    p = props(store, "a:P1")
    assert p["name"] == "Agus Salim"
    assert p["nik"] == "3504010112900001"
    assert (p["birth_date"], p["birth_place"], p["gender"]) == ("1990-12-01", "Tulungagung", "m")
    assert p["aliases"] == ["Pak Agus"]
    assert p["keys"] == ["a:P1"]


def test_official_gets_label_and_holds_post(tmp_path: Path, store: Store) -> None:
    """officials.csv: one row per post, so a career is several rows (two HOLDS_POST)."""
    files = {
        "agencies.csv": lines(
            "agency_id,name,kind", "A1,Polres Tulungagung,police", "A2,Polsek Ngunut,police"
        ),
        "people.csv": lines("person_id,name", "P1,Agus Salim", "P2,Budi Santoso"),
        "officials.csv": lines(
            "person_id,agency_id,id_number,rank,position,since,until",
            "P1,A2,85010123,Ipda,Kanit Reskrim,01/01/2015,31/12/2018",
            "P1,A1,85010123,AKP,Kasat Reskrim,2019-01-01,",
        ),
    }
    load(tmp_path, store, files)
    node = store.get_node("a:P1")
    assert node is not None and {"Person", "Official"} <= set(node["labels"])
    assert "Official" not in store.get_node("a:P2")["labels"]  # type: ignore[index]
    posts = dict(out_rels(store, "a:P1", "HOLDS_POST"))
    assert set(posts) == {"a:A1", "a:A2"}
    first = posts["a:A2"]
    assert (first["rank"], first["position"], first["since"], first["until"]) == (
        "Ipda", "Kanit Reskrim", "2015-01-01", "2018-12-31",
    )
    assert first["id_number"] == "85010123"
    assert (posts["a:A1"]["rank"], posts["a:A1"].get("until")) == ("AKP", None)


def test_official_must_reference_person_and_agency(tmp_path: Path, store: Store) -> None:
    files = {
        "agencies.csv": lines("agency_id,name,kind", "A1,Polres,police"),
        "people.csv": lines("person_id,name", "P1,Agus"),
        "officials.csv": lines(
            "person_id,agency_id", "P9,A1", "P1,A9", "A1,P1", "P1,A1"
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["officials.csv"].rejected == 3
    assert [r["line"] for r in rejects(tmp_path)] == ["2", "3", "4"]
    assert store.counts()["relationships"]["HOLDS_POST"] == 1


def test_agency_parent_makes_part_of_even_when_parent_comes_later(
    tmp_path: Path, store: Store
) -> None:
    """``parent_id`` gives the hierarchy (Polsek -> Polres -> Polda)."""
    files = {
        "agencies.csv": lines(
            "agency_id,name,kind,parent_id",
            "A3,Polsek Ngunut,police,A2",
            "A2,Polres Tulungagung,police,A1",
            "A1,Polda Jawa Timur,police,",
        )
    }
    report = load(tmp_path, store, files)
    assert report.rejected_total == 0
    assert [i for i, _ in out_rels(store, "a:A3", "PART_OF")] == ["a:A2"]
    assert [i for i, _ in out_rels(store, "a:A2", "PART_OF")] == ["a:A1"]
    assert out_rels(store, "a:A1", "PART_OF") == []


def test_agency_with_unknown_parent_rejected_and_not_written(
    tmp_path: Path, store: Store
) -> None:
    files = {
        "agencies.csv": lines(
            "agency_id,name,kind,parent_id", "A1,Polres,police,", "A2,Polsek,police,A9"
        )
    }
    report = load(tmp_path, store, files)
    assert report.files["agencies.csv"].rejected == 1
    assert [r["line"] for r in rejects(tmp_path)] == ["3"]
    assert "parent_id" in rejects(tmp_path)[0]["reason"]
    # a rejected row leaves nothing behind (accepted=1 says so; the graph must agree)
    assert store.get_node("a:A2") is None
    assert report.nodes["created"] == 1


# -- organizations / accounts / transfers / calls ------------------------------------------------


def test_organization_properties(tmp_path: Path, store: Store) -> None:
    load(tmp_path, store, FULL)
    o = props(store, "a:O1")
    assert (o["name"], o["kind"], o["license_no"], o["address"]) == (
        "PT Maju Jaya", "p3mi", "P3MI-0042", "Malang",
    )
    assert "".join(c for c in o["npwp"] if c.isdigit()) == "012345678901000"
    assert [i for i, _ in out_rels(store, "a:O1", "USES")] == ["+62341551234"]


def test_account_holder_is_person_or_organization(tmp_path: Path, store: Store) -> None:
    """``holder_id`` points to a person or organization -> HOLDS."""
    load(tmp_path, store, FULL)
    assert [i for i, _ in out_rels(store, "a:P2", "HOLDS")] == ["a:AC1"]
    assert [i for i, _ in out_rels(store, "a:O1", "HOLDS")] == ["a:AC2"]
    ac1 = props(store, "a:AC1")
    assert (ac1["bank"], ac1["holder_name"], ac1["kind"]) == ("BRI", "BUDI SANTOSO", "bank")
    assert ac1["number"].replace(" ", "") == "012345678901"


def test_account_holder_must_be_person_or_organization_in_bundle(
    tmp_path: Path, store: Store
) -> None:
    files = with_row(FULL, "accounts.csv", {**GOOD_ROW["accounts.csv"], "holder_id": "R1"})
    files = with_row(files, "accounts.csv", {"account_id": "AC8", "bank": "BCA",
                                             "number": "777", "holder_id": "P77"})
    report = load(tmp_path, store, files)
    assert report.files["accounts.csv"].rejected == 2
    assert store.get_node("a:AC9") is None and store.get_node("a:AC8") is None


def test_transfers_with_and_without_id(tmp_path: Path, store: Store) -> None:
    """One TRANSFERRED per transfer; without ``transfer_id`` the id is derived, so a rerun
    creates nothing new."""
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "transfer_id,from_account,to_account,amount,at,channel,reference",
            "T1,AC1,AC2,1.000.000,2023-06-01 10:00,transfer,fee Juni",
            ",AC1,AC2,2.000.000,2023-06-02 10:00,cash_deposit,",
            ",AC2,AC1,500.000,2023-06-03 10:00,,",
        ),
    }
    first = load(tmp_path, store, files)
    assert first.relationships["created"] == 3
    got = out_rels(store, "a:AC1", "TRANSFERRED")
    assert sorted(p["amount"] for _, p in got) == [1_000_000.0, 2_000_000.0]
    t1 = store.get_rels([("TRANSFERRED", "a:T1")])[("TRANSFERRED", "a:T1")]
    assert (t1["start"], t1["end"]) == ("a:AC1", "a:AC2")
    assert (t1["props"]["at"], t1["props"]["channel"], t1["props"]["reference"]) == (
        "2023-06-01T03:00:00Z", "transfer", "fee Juni",
    )
    again = load(tmp_path, store, files)
    assert again.relationships["created"] == 0 and again.relationships["updated"] == 0
    assert store.counts()["relationships"]["TRANSFERRED"] == 3


def test_duplicate_transfer_id_rejected(tmp_path: Path, store: Store) -> None:
    """IDs are unique within the bundle; a second row with the same id must not overwrite."""
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "transfer_id,from_account,to_account,amount,at",
            "T1,AC1,AC2,1000,2023-06-01",
            "T1,AC2,AC1,5000,2023-06-02",
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["transfers.csv"].rejected == 1
    assert [r["line"] for r in rejects(tmp_path)] == ["3"]
    t1 = store.get_rels([("TRANSFERRED", "a:T1")])[("TRANSFERRED", "a:T1")]
    assert (t1["start"], t1["end"], t1["props"]["amount"]) == ("a:AC1", "a:AC2", 1000.0)


def test_transfer_id_colliding_with_another_key_rejected(tmp_path: Path, store: Store) -> None:
    """``*_id`` keys are unique within the bundle across all files."""
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "transfer_id,from_account,to_account,amount,at", "AC1,AC1,AC2,1000,2023-06-01"
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["transfers.csv"].rejected == 1


def test_identical_rows_without_id_are_two_transfers_and_two_calls(
    tmp_path: Path, store: Store
) -> None:
    """One TRANSFERRED per transfer, one CALLED per call (graph model), reruns still idempotent."""
    files = {
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "from_account,to_account,amount,at,channel",
            "AC1,AC2,500.000,2023-06-01 10:00,cash_deposit",
            "AC1,AC2,500.000,2023-06-01 10:00,cash_deposit",
        ),
        "calls.csv": lines(
            "from_phone,to_phone,at,kind",
            "0812-3456-7890,0813 9876 5432,05/06/2023 14:10,sms",
            "0812-3456-7890,0813 9876 5432,05/06/2023 14:10,sms",
        ),
    }
    report = load(tmp_path, store, files)
    assert report.rejected_total == 0
    rels = store.counts()["relationships"]
    assert (rels["TRANSFERRED"], rels["CALLED"]) == (2, 2)
    again = load(tmp_path, store, files)
    assert again.relationships["created"] == 0


def test_transfer_accounts_must_be_accounts_of_the_bundle(tmp_path: Path, store: Store) -> None:
    files = {
        "people.csv": lines("person_id,name", "P1,Budi"),
        "accounts.csv": ACCOUNTS,
        "transfers.csv": lines(
            "from_account,to_account,amount,at",
            "AC1,AC9,1000,2023-06-01",
            "P1,AC2,1000,2023-06-01",
            "AC1,AC2,1000,2023-06-01",
        ),
    }
    report = load(tmp_path, store, files)
    assert report.files["transfers.csv"].rejected == 2
    assert total(store)[1] == 1


def test_calls_link_phone_nodes(tmp_path: Path, store: Store) -> None:
    """calls.csv -> CALLED between Phone nodes, with at/duration/kind; phones need no owner."""
    files = {
        "calls.csv": lines(
            "from_phone,to_phone,at,duration_s,kind",
            "0812-3456-7890,+62 813 9876 5432,2023-06-05 13:55,42,call",
            "0813 9876 5432,0812 3456 7890,05/06/2023 14:10,,sms",
            "0813 9876 5432,bukan nomor,05/06/2023 14:10,,sms",
            "0813 9876 5432,0812 3456 7890,05/06/2023 14:10,lama,call",
        )
    }
    report = load(tmp_path, store, files)
    assert report.files["calls.csv"].rejected == 2
    [(to, call)] = out_rels(store, "+6281234567890", "CALLED")
    assert to == "+6281398765432"
    assert (call["at"], call["duration_s"], call["kind"]) == ("2023-06-05T06:55:00Z", 42, "call")
    [(back, sms)] = out_rels(store, "+6281398765432", "CALLED")
    assert (back, sms["kind"], sms["at"]) == ("+6281234567890", "sms", "2023-06-05T07:10:00Z")
    nodes = store.counts()["nodes"]
    assert (nodes["Phone"], nodes["Person"]) == (2, 0)  # phones need not belong to anyone


# -- cases / events / rings ---------------------------------------------------------------------


def test_case_event_and_ring(tmp_path: Path, store: Store) -> None:
    """cases -> HANDLED_BY the agency; events -> ABOUT the case; rings are nodes."""
    load(tmp_path, store, FULL)
    c = props(store, "a:C1")
    assert (c["title"], c["report_number"], c["status"]) == (
        "TPPO Blitar", "LP/B/123/VI/2023", "sp3",
    )
    assert (c["opened_at"], c["status_at"]) == ("2023-06-04T17:00:00Z", "2023-08-31T17:00:00Z")
    assert [i for i, _ in out_rels(store, "a:C1", "HANDLED_BY")] == ["a:A2"]
    e = props(store, "a:E1")
    assert (e["kind"], e["at"], e["place"], e["outcome"]) == (
        "raid", "2023-06-05T07:30:00Z", "Ngunut", "nothing_found",
    )
    assert [i for i, _ in out_rels(store, "a:E1", "ABOUT")] == ["a:C1"]
    assert props(store, "a:R1")["name"] == "Jaringan Blitar"


def test_case_and_event_references_checked(tmp_path: Path, store: Store) -> None:
    files = {
        "agencies.csv": lines("agency_id,name,kind", "A1,Polres,police"),
        "cases.csv": lines("case_id,status,agency_id", "C1,lidik,A1", "C2,lidik,A9", "C3,sidik,C1"),
        "events.csv": lines("event_id,kind,at,case_id", "E1,raid,2023-06-05,C9",
                            "E2,raid,2023-06-05,C1"),
    }
    report = load(tmp_path, store, files)
    assert (report.files["cases.csv"].rejected, report.files["events.csv"].rejected) == (2, 1)
    assert store.get_node("a:C2") is None and store.get_node("a:E1") is None
    assert [i for i, _ in out_rels(store, "a:E2", "ABOUT")] == ["a:C1"]


# -- relations ------------------------------------------------------------------------------------

RELATION_BUNDLE: dict[str, str | bytes] = {
    "people.csv": lines(
        "person_id,name", "P1,Agus Salim", "P2,Budi Santoso", "P3,Siti Aminah", "P4,Dewi"
    ),
    "agencies.csv": lines("agency_id,name,kind", "A1,Polsek Ngunut,police"),
    "officials.csv": lines("person_id,agency_id", "P1,A1"),
    "organizations.csv": lines("org_id,name", "O1,PT Maju Jaya", "O2,CV Cangkang"),
    "rings.csv": lines("ring_id,name", "R1,Jaringan Blitar"),
    "cases.csv": lines("case_id,status", "C1,sp3"),
    "events.csv": lines("event_id,kind,at", "E1,raid,2023-06-05 14:30"),
}
# (type, from, to, detail) -> (graph type, expected props beyond sources)
RELATIONS: list[tuple[tuple[str, str, str, str], tuple[str, dict[str, Any]]]] = [
    (("family", "P2", "P3", "spouse"), ("FAMILY", {"detail": "spouse"})),
    (("associate", "P1", "P2", "teman sekolah"), ("ASSOCIATE", {"detail": "teman sekolah"})),
    (("employee_of", "P2", "O1", "Direktur Operasional"),
     ("EMPLOYEE_OF", {"detail": "Direktur Operasional"})),
    (("director_of", "P2", "O1", ""), ("DIRECTOR_OF", {})),
    (("commissioner_of", "O1", "O2", ""), ("COMMISSIONER_OF", {})),
    (("owner_of", "P2", "O2", "60%"), ("OWNER_OF", {"share": 60.0})),
    (("owner_of", "O1", "O2", "12,5"), ("OWNER_OF", {"share": 12.5})),
    (("member_of", "P2", "R1", "recruiter"), ("MEMBER_OF", {"role": "recruiter"})),
    (("member_of", "O1", "R1", "shelter"), ("MEMBER_OF", {"role": "shelter"})),
    (("recruited", "P2", "P4", ""), ("RECRUITED", {})),
    (("suspect_in", "P2", "C1", ""), ("SUSPECT_IN", {})),
    (("victim_in", "P4", "C1", ""), ("VICTIM_IN", {})),
    (("witness_in", "P3", "C1", ""), ("WITNESS_IN", {})),
    (("investigates", "P1", "C1", ""), ("INVESTIGATES", {})),
    (("supervises", "P1", "C1", ""), ("SUPERVISES", {})),
    (("led", "P1", "E1", ""), ("LED", {})),
    (("target_of", "O1", "E1", ""), ("TARGET_OF", {})),
    (("target_of", "P2", "E1", ""), ("TARGET_OF", {})),
]


def test_every_relation_type_maps_to_graph_type_and_direction(
    tmp_path: Path, store: Store
) -> None:
    """Each type of the spec's table -> the graph-model type, from -> to, with its detail."""
    rows = [f'{f},{t},{typ},"{d}",2020-01-01,05/06/2023' for (typ, f, t, d), _ in RELATIONS]
    files = {**RELATION_BUNDLE,
             "relations.csv": lines("from_id,to_id,type,detail,since,until", *rows)}
    report = load(tmp_path, store, files)
    assert rejects(tmp_path) == [] and report.rejected_total == 0
    for (typ, f, t, _), (graph_type, want) in RELATIONS:
        got = [(i, p) for i, p in out_rels(store, f"a:{f}", graph_type) if i == f"a:{t}"]
        assert len(got) == 1, (typ, f, t, got)
        rel = got[0][1]
        assert {k: rel.get(k) for k in want} == want, typ
        assert (rel["since"], rel["until"]) == ("2020-01-01", "2023-06-05"), typ
    want = Counter(graph_type for _, (graph_type, _) in RELATIONS)
    counts = store.counts()["relationships"]
    assert {t: counts[t] for t in want} == dict(want)  # one relationship per row, no more


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("P2,P3,friend_of,", "friend_of"),  # unknown type
        ("P2,P99,associate,", "P99"),  # endpoint not in the bundle
        ("b:P2,P3,associate,", "b:P2"),  # another bundle's stored id is not a key of this one
        ("P2,P3,member_of,leader", "ring"),  # member_of person -> person
        ("P2,R1,employee_of,", "organization"),
        ("P2,E1,suspect_in,", "case"),
        ("P2,O1,family,sibling", "person"),
        ("C1,E1,led,", "from_id"),
        ("A1,O1,owner_of,", "from_id"),
        ("P2,P3,family,tetangga", "tetangga"),  # family detail enum
        ("P2,R1,member_of,bos", "bos"),  # member_of role enum
        ("P2,O1,owner_of,banyak", "banyak"),  # share must be a number
    ],
)
def test_bad_relation_rejected_and_no_node_invented(
    tmp_path: Path, embedded_store: Store, row: str, reason: str
) -> None:
    files = {**RELATION_BUNDLE,
             "relations.csv": lines("from_id,to_id,type,detail", "P1,P2,associate,", row)}
    report = load(tmp_path, embedded_store, files)
    assert report.files["relations.csv"].rejected == 1
    [bad] = rejects(tmp_path)
    assert (bad["file"], bad["line"]) == ("relations.csv", "3")
    assert reason in bad["reason"]
    nodes, rels = total(embedded_store)
    assert rels == 2  # HOLDS_POST and the good associate row
    assert nodes == 10  # nothing invented for a missing endpoint


def test_investigates_needs_an_official(tmp_path: Path, embedded_store: Store) -> None:
    files = {**RELATION_BUNDLE, "relations.csv": lines(
        "from_id,to_id,type", "P1,C1,investigates", "P2,C1,investigates", "P3,C1,supervises"
    )}
    report = load(tmp_path, embedded_store, files)
    assert report.files["relations.csv"].rejected == 2


# -- strict ---------------------------------------------------------------------------------------


def test_strict_with_one_bad_row_writes_nothing(tmp_path: Path, store: Store) -> None:
    """``--strict``: one rejected row and nothing at all is written."""
    files = with_row(FULL, "calls.csv", {**GOOD_ROW["calls.csv"], "at": "besok"})
    report = load(tmp_path, store, files, strict=True)
    assert not report.written
    assert report.rejected_total == 1
    assert total(store) == (0, 0)
    assert [r["file"] for r in rejects(tmp_path)] == ["calls.csv"]


def test_strict_with_a_bad_agency_parent_writes_nothing(tmp_path: Path, store: Store) -> None:
    files = with_row(FULL, "agencies.csv", {**GOOD_ROW["agencies.csv"], "parent_id": "A77"})
    report = load(tmp_path, store, files, strict=True)
    assert not report.written and report.rejected_total == 1
    assert total(store) == (0, 0)


def test_strict_without_bad_rows_writes(tmp_path: Path, store: Store) -> None:
    report = load(tmp_path, store, FULL, strict=True)
    assert report.written and report.rejected_total == 0
    assert report.nodes["created"] == total(store)[0] > 0
    assert props(store, "a:P2")["name"] == "Budi Santoso"
    assert not (tmp_path / "a.rejects.csv").exists()


# -- re-ingest ----------------------------------------------------------------------------------


def test_reingesting_the_same_bundle_changes_nothing(tmp_path: Path, store: Store) -> None:
    """Every id is deterministic: a second run creates and updates nothing."""
    first = load(tmp_path, store, FULL)
    before = store.counts()
    again = load(tmp_path, store, FULL)
    assert (again.nodes["created"], again.nodes["updated"]) == (0, 0)
    assert (again.relationships["created"], again.relationships["updated"]) == (0, 0)
    assert again.nodes["unchanged"] > 0 and again.relationships["unchanged"] > 0
    assert store.counts() == before
    assert first.nodes["created"] == total(store)[0]
