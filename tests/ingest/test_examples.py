"""The example converters (FinCEN Files, POLE) produce bundles that load as the sources say.

Counts are taken from the source CSVs here, independently of the converters.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from graph.normalize import normalize_name
from graph.store import EmbeddedStore, Store
from ingest import ingest_path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def _folder(shared_data: Path, name: str, probe: str) -> Path:
    folder = shared_data / name
    if not (folder / probe).is_file():
        pytest.skip(f"{probe} not found in {folder}")
    return folder


# -- FinCEN --------------------------------------------------------------------------


def test_fincen_bundle_loads(store: Store, shared_data: Path, tmp_path: Path) -> None:
    data = _folder(shared_data, "fincen", "download_transactions_map.csv")
    _module("fincen_to_bundle").main([str(tmp_path / "fincen"), "--data", str(data)])
    tx = _rows(data / "download_transactions_map.csv")
    banks = {r[f"{side}_bank_id"] for r in tx for side in ("originator", "beneficiary")}
    undated = [r for r in tx if not r["begin_date"].strip() and not r["end_date"].strip()]

    report = ingest_path(tmp_path / "fincen", store, bundle="fincen",
                         rejects=tmp_path / "fincen.rejects.csv")

    # a row with neither a begin nor an end date has no `at`: rejected, with the reason
    assert report.files["transfers.csv"].rejected == len(undated) == 6
    assert report.rejected_total == len(undated)
    reasons = {r["reason"] for r in _rows(tmp_path / "fincen.rejects.csv")}
    assert reasons == {"missing required value 'at'"}
    counts = store.counts()
    assert _nonzero(counts["nodes"]) == {
        "Organization": len(banks), "Account": len(banks),
        "Source": len({r["icij_sar_id"] for r in tx}),
    }
    # ICIJ keeps one id per bank and place: the records of one name without legal forms
    # are linked as a star of candidate matches (docs/resolution.md), one link fewer
    # than records per name
    names = {r[f"{side}_bank_id"]: r[f"{side}_bank"] for r in reversed(tx)
             for side in ("originator", "beneficiary")}  # fmt: skip
    same_name = Counter(normalize_name(n) for n in names.values())
    assert _nonzero(counts["relationships"]) == {
        "HOLDS": len(banks), "TRANSFERRED": len(tx) - len(undated),
        "POSSIBLY_SAME_AS": sum(n - 1 for n in same_name.values()),
    }
    first = tx[0]
    rel = store.get_rels([("TRANSFERRED", f"fincen:tx:{first['id']}")])
    props = next(iter(rel.values()))["props"]
    assert props["amount"] == pytest.approx(float(first["amount_transactions"]))
    assert props["currency"] == "USD" and props["at"] == "2015-03-25T00:00:00Z"


def test_fincen_amounts_survive_the_bundle(
    embedded_store: EmbeddedStore, shared_data: Path, tmp_path: Path
) -> None:
    data = _folder(shared_data, "fincen", "download_transactions_map.csv")
    _module("fincen_to_bundle").main([str(tmp_path / "b"), "--data", str(data)])
    ingest_path(tmp_path / "b", embedded_store, bundle="f", rejects=tmp_path / "r.csv")
    tx = [r for r in _rows(data / "download_transactions_map.csv") if r["begin_date"].strip()]
    stored = embedded_store.get_rels([("TRANSFERRED", f"f:tx:{r['id']}") for r in tx])
    for r in tx:
        got = stored[("TRANSFERRED", f"f:tx:{r['id']}")]["props"]["amount"]
        assert got == pytest.approx(float(r["amount_transactions"]), rel=1e-12), r["id"]


# -- POLE ----------------------------------------------------------------------------


def _pole_expected(data: Path) -> tuple[dict[str, int], dict[str, int]]:
    def n(kind: str, name: str) -> list[dict[str, str]]:
        return _rows(data / f"crime-investigation.{kind}.{name}.csv")

    persons, officers, crimes = n("nodes", "Person"), n("nodes", "Officer"), n("nodes", "Crime")
    calls = n("nodes", "PhoneCall")
    used = {r[":END_ID"] for name in ("HAS_PHONE", "CALLER", "CALLED")
            for r in n("relationships", name)}
    knows = sum(len(n("relationships", k)) for k in ("KNOWS", "KNOWS_LW", "KNOWS_SN",
                                                      "KNOWS_PHONE"))
    nodes = {
        "Person": len(persons) + len(officers), "Official": len(officers), "Agency": 1,
        "Phone": len(used), "Case": len(crimes),
    }
    rels = {
        "HOLDS_POST": len(officers), "USES": len(n("relationships", "HAS_PHONE")),
        "CALLED": len(calls), "HANDLED_BY": len(crimes),
        "FAMILY": len(n("relationships", "FAMILY_REL")), "ASSOCIATE": knows,
        "SUSPECT_IN": len(n("relationships", "PARTY_TO")),
        "INVESTIGATES": len(n("relationships", "INVESTIGATED_BY")),
    }
    return nodes, rels


def _load_pole(store: Store, shared_data: Path, tmp_path: Path) -> None:
    data = _folder(shared_data, "pole", "crime-investigation.nodes.Person.csv")
    _module("pole_to_bundle").main([str(tmp_path / "pole"), "--data", str(data)])
    report = ingest_path(tmp_path / "pole", store, bundle="pole",
                         rejects=tmp_path / "pole.rejects.csv")
    assert report.rejected_total == 0, report.rejects_file
    nodes, rels = _pole_expected(data)
    counts = store.counts()
    assert _nonzero(counts["nodes"]) == nodes
    assert _nonzero(counts["relationships"]) == rels


def test_pole_bundle_loads_embedded(
    embedded_store: EmbeddedStore, shared_data: Path, tmp_path: Path
) -> None:
    _load_pole(embedded_store, shared_data, tmp_path)
    crimes = _rows(shared_data / "pole" / "crime-investigation.nodes.Crime.csv")
    statuses = Counter(
        embedded_store.get_nodes([f"pole:crime:{c[':ID']}" for c in crimes[:500]])[
            f"pole:crime:{c[':ID']}"]["props"]["status"]
        for c in crimes[:500]
    )
    assert set(statuses) <= {"sidik", "sp3", "p21", "vonis", "bebas"}
    officer = _rows(shared_data / "pole" / "crime-investigation.nodes.Officer.csv")[0]
    node = embedded_store.get_node(f"pole:officer:{officer[':ID']}")
    assert node is not None and "Official" in node["labels"]
    assert node["props"]["id_numbers"] == [officer["badge_no"].replace("-", "")]


@pytest.mark.slow
def test_pole_bundle_loads_neo4j(neo4j_store: Store, shared_data: Path, tmp_path: Path) -> None:
    _load_pole(neo4j_store, shared_data, tmp_path)


def test_pole_outcomes_all_mapped(shared_data: Path) -> None:
    pole = _module("pole_to_bundle")
    data = _folder(shared_data, "pole", "crime-investigation.nodes.Crime.csv")
    outcomes = {c["last_outcome"] for c in _rows(data / "crime-investigation.nodes.Crime.csv")}
    assert outcomes <= set(pole.OUTCOME_STATUS)


def test_pole_phones_are_fictional_and_valid() -> None:
    from graph.normalize import normalize_phone

    pole = _module("pole_to_bundle")
    numbers = pole.fiction_numbers([{":ID": str(i)} for i in range(1000)])
    assert len(set(numbers.values())) == 1000
    assert all(normalize_phone(n) == n for n in numbers.values())
    assert min(numbers.values()) == "+442079460000" and max(numbers.values()) == "+442079460999"
