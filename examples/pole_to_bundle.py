"""Turn Neo4j's POLE crime-investigation example into a Telusur case bundle.

Usage: ``python examples/pole_to_bundle.py OUT_DIR [--data ../shared/data/pole]``

Reads the neo4j-admin import CSVs (``crime-investigation.nodes.*.csv``,
``crime-investigation.relationships.*.csv``). All people, officers, phones and
calls in POLE are fictitious; crimes are Greater Manchester street-level data
(data.police.uk, August 2017, Open Government Licence v3). See
``examples/README.md`` for the mapping and the decisions behind it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bundle import read_csv, write_csv  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pole"
LONDON = ZoneInfo("Europe/London")
AGENCY_ID = "gmp"

#: Crime.last_outcome -> cases.csv status (raw value kept as x_last_outcome)
OUTCOME_STATUS: dict[str, str] = {
    "Under investigation": "sidik",
    "Investigation complete; no suspect identified": "sp3",
    "Unable to prosecute suspect": "sp3",
    "Further investigation is not in the public interest": "sp3",
    "Formal action is not in the public interest": "sp3",
    "Local resolution": "sp3",
    "Action to be taken by another organisation": "sp3",
    "Court case unable to proceed": "sp3",
    "Awaiting court outcome": "p21",
    "Defendant sent to Crown Court": "p21",
    "Defendant found not guilty": "bebas",
    **dict.fromkeys(
        (
            "Offender given a caution", "Offender sent to prison",
            "Offender given a drugs possession warning", "Offender given community sentence",
            "Offender given suspended prison sentence", "Offender given penalty notice",
            "Offender given conditional discharge", "Offender fined",
            "Offender otherwise dealt with", "Offender ordered to pay compensation",
            "Offender deprived of property",
        ),
        "vonis",
    ),
}

#: POLE person-to-person relationship file -> (relations.csv type, detail)
PERSON_LINKS: dict[str, tuple[str, str | None]] = {
    "KNOWS": ("associate", "knows"),
    "KNOWS_LW": ("associate", "lives with"),
    "KNOWS_SN": ("associate", "social network"),
    "KNOWS_PHONE": ("associate", "phone contact"),
    "FAMILY_REL": ("family", None),  # detail from rel_type: PARENT / SIBLING
}

#: Ofcom's drama range (020 7946 0000-0999): reserved for fiction, never a subscriber's
FICTION_PREFIX = "+442079460"
FICTION_SIZE = 1000


def _read(data: Path, kind: str, name: str) -> list[dict[str, str]]:
    return read_csv(data / f"crime-investigation.{kind}.{name}.csv")


def fiction_numbers(phones: list[dict[str, str]]) -> dict[str, str]:
    """POLE phone :ID -> a number of the drama range, in :ID order (deterministic)."""
    ids = sorted((p[":ID"] for p in phones), key=int)
    if len(ids) > FICTION_SIZE:
        raise SystemExit(f"{len(ids)} phones do not fit the {FICTION_SIZE} fictional numbers")
    return {pid: f"{FICTION_PREFIX}{i:03d}" for i, pid in enumerate(ids)}


def call_at(date: str, time: str) -> str:
    """``04/08/2017`` + ``00:32`` (UK local time) -> ISO 8601 with the UK offset of that day."""
    local = datetime.strptime(f"{date} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=LONDON)
    return local.isoformat(timespec="minutes")


def day(date: str) -> str:
    """A day without time (crimes) as UTC midnight, so its date survives the WIB default."""
    return datetime.strptime(date, "%d/%m/%Y").strftime("%Y-%m-%dT00:00:00Z")


def convert(data: Path, out: Path) -> dict[str, int]:
    persons = _read(data, "nodes", "Person")
    officers = _read(data, "nodes", "Officer")
    phones = _read(data, "nodes", "Phone")
    calls = _read(data, "nodes", "PhoneCall")
    crimes = _read(data, "nodes", "Crime")
    locations = {r[":ID"]: r for r in _read(data, "nodes", "Location")}
    number = fiction_numbers(phones)
    raw_phone = {p[":ID"]: p["phoneNo"] for p in phones}

    person_phones: dict[str, list[str]] = {}
    for r in _read(data, "relationships", "HAS_PHONE"):
        person_phones.setdefault(r[":START_ID"], []).append(r[":END_ID"])
    address: dict[str, str] = {}
    for r in _read(data, "relationships", "CURRENT_ADDRESS"):
        loc = locations.get(r[":END_ID"])
        if loc is not None:
            address[r[":START_ID"]] = f"{loc['address']}, {loc['postcode']}"

    people = []
    for p in persons:
        ph = person_phones.get(p[":ID"], [])
        people.append({
            "person_id": f"person:{p[':ID']}", "name": f"{p['name']} {p['surname']}".strip(),
            "phones": "|".join(number[i] for i in ph), "address": address.get(p[":ID"], ""),
            "x_nhs_no": p["nhs_no"], "x_age": p["age"],
            "x_pole_phones": "|".join(raw_phone[i] for i in ph),
        })
    for o in officers:
        people.append({
            "person_id": f"officer:{o[':ID']}", "name": f"{o['name']} {o['surname']}".strip(),
            "phones": "", "address": "", "x_nhs_no": "", "x_age": "", "x_pole_phones": "",
        })

    caller = {r[":START_ID"]: r[":END_ID"] for r in _read(data, "relationships", "CALLER")}
    called = {r[":START_ID"]: r[":END_ID"] for r in _read(data, "relationships", "CALLED")}
    call_rows = [
        {
            "from_phone": number.get(caller.get(c[":ID"], ""), ""),
            "to_phone": number.get(called.get(c[":ID"], ""), ""),
            "at": call_at(c["call_date"], c["call_time"]),
            "duration_s": c["call_duration"], "kind": c["call_type"].lower(),
            "x_pole_call": c[":ID"],
            "x_pole_from": raw_phone.get(caller.get(c[":ID"], ""), ""),
            "x_pole_to": raw_phone.get(called.get(c[":ID"], ""), ""),
        }
        for c in calls
    ]

    case_rows = [
        {
            "case_id": f"crime:{c[':ID']}", "title": c["type"], "report_number": c["id"],
            "opened_at": day(c["date"]),
            # an unknown outcome is written as is, so that the loader rejects it visibly
            "status": OUTCOME_STATUS.get(c["last_outcome"], c["last_outcome"]),
            "agency_id": AGENCY_ID, "x_last_outcome": c["last_outcome"],
            "x_charge": c["charge"], "x_note": c["note"],
        }
        for c in crimes
    ]

    relations = []
    for r in _read(data, "relationships", "INVESTIGATED_BY"):
        relations.append({"from_id": f"officer:{r[':END_ID']}", "to_id": f"crime:{r[':START_ID']}",
                          "type": "investigates", "detail": ""})
    for r in _read(data, "relationships", "PARTY_TO"):
        relations.append({"from_id": f"person:{r[':START_ID']}", "to_id": f"crime:{r[':END_ID']}",
                          "type": "suspect_in", "detail": ""})
    for name, (typ, detail) in PERSON_LINKS.items():
        for r in _read(data, "relationships", name):
            relations.append({
                "from_id": f"person:{r[':START_ID']}", "to_id": f"person:{r[':END_ID']}",
                "type": typ, "detail": detail or r.get("rel_type", "").lower(),
            })

    return {
        "agencies.csv": write_csv(out, "agencies.csv", ["agency_id", "name", "kind", "region"], [
            {"agency_id": AGENCY_ID, "name": "Greater Manchester Police", "kind": "police",
             "region": "Greater Manchester, UK"},
        ]),
        "people.csv": write_csv(
            out, "people.csv",
            ["person_id", "name", "phones", "address", "x_nhs_no", "x_age", "x_pole_phones"],
            people,
        ),
        "officials.csv": write_csv(
            out, "officials.csv", ["person_id", "agency_id", "id_number", "rank"],
            ({"person_id": f"officer:{o[':ID']}", "agency_id": AGENCY_ID,
              "id_number": o["badge_no"], "rank": o["rank"]} for o in officers),
        ),
        "cases.csv": write_csv(
            out, "cases.csv",
            ["case_id", "title", "report_number", "opened_at", "status", "agency_id",
             "x_last_outcome", "x_charge", "x_note"],
            case_rows,
        ),
        "calls.csv": write_csv(
            out, "calls.csv",
            ["from_phone", "to_phone", "at", "duration_s", "kind", "x_pole_call", "x_pole_from",
             "x_pole_to"],
            call_rows,
        ),
        "relations.csv": write_csv(
            out, "relations.csv", ["from_id", "to_id", "type", "detail"], relations
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="bundle folder to write")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="POLE import CSV folder")
    args = parser.parse_args(argv)
    if not (args.data / "crime-investigation.nodes.Person.csv").is_file():
        parser.error(f"no POLE import CSVs in {args.data}")
    for name, n in convert(args.data, args.out).items():
        print(f"{name:20} {n:>7} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
