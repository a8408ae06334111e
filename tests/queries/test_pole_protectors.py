"""On real data (Neo4j's POLE example, ``../shared/data/pole``): an officer whose only
link to a ring is routine case handling stays below the lowest band (0.3).

Officer Lilian Dubbin investigated one case against Amanda Robertson that ended
"unable to prosecute" (SP3); she closes most of her cases that way, like the force
as a whole. With a ring of two POLE persons she scored 0.571 before base rates.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.store import EmbeddedStore
from ingest import ingest_path
from queries.protectors import rank_protectors

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOWEST_BAND = 0.3
#: rings of two POLE persons: suspects in cases, with a person they know
RINGS = {
    "robertson": ("pole:person:630", "pole:person:1283"),  # Amanda Robertson, Jessica Kelly
    "williamson": ("pole:person:1279", "pole:person:874"),  # Phillip Williamson, Alan Ward
    "morales": ("pole:person:1286", "pole:person:867"),  # Brian Morales, Diana Murray
}
AS_OF = "2018-01-01T00:00:00Z"


def _converter() -> Any:
    sys.path.insert(0, str(EXAMPLES))
    try:
        path = EXAMPLES / "pole_to_bundle.py"
        spec = importlib.util.spec_from_file_location("pole_to_bundle", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture(scope="module")
def pole(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    data = shared_data / "pole"
    if not (data / "crime-investigation.nodes.Person.csv").is_file():
        pytest.skip(f"the POLE CSVs are not in {data}")
    tmp = tmp_path_factory.mktemp("pole")
    _converter().main([str(tmp / "bundle"), "--data", str(data)])
    store = EmbeddedStore(tmp / "store")
    ingest_path(tmp / "bundle", store, bundle="pole", rejects=tmp / "rejects.csv")
    rings = [{"id": f"t:ring:{name}", "labels": ["Ring"], "props": {"name": name}}
             for name in RINGS]
    members = [
        {"id": f"m:{name}:{p}", "type": "MEMBER_OF", "start": p, "end": f"t:ring:{name}",
         "props": {}}
        for name, people in RINGS.items() for p in people
    ]
    store.upsert(rings, members)
    return store


def table(store: EmbeddedStore) -> list[tuple[str, str, str, float, str]]:
    """(ring, official, name, score, kinds) of every official scored above 0."""
    rows = []
    for name in RINGS:
        report = rank_protectors(store, ring_id=f"t:ring:{name}", as_of=AS_OF)
        for p in report["protectors"]:
            kinds = ",".join(f"{i['kind']}={i['score']}" for i in p["indicators"])
            rows.append((name, p["id"], str(p["name"]), p["score"], kinds))
    return rows


def test_routine_case_handling_stays_below_the_lowest_band(pole: EmbeddedStore) -> None:
    rows = table(pole)
    for ring, oid, name, score, kinds in rows:
        print(f"{ring:10} {oid:22} {name:22} {score:.3f} {kinds}")
    dubbin = [r for r in rows if r[2] == "Lilian Dubbin"]
    assert dubbin, "Lilian Dubbin handles a case against Amanda Robertson"
    case_only = [r for r in rows if set(k.split("=")[0] for k in r[4].split(",")) <= {
        "cases", "bridging"}]
    assert case_only, "officials whose only link is a case"
    assert all(score < LOWEST_BAND for _, _, _, score, _ in case_only), case_only
