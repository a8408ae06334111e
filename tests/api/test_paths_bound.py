"""``/api/v1/paths`` says when its query stopped at its bound (nothing cut in silence)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graph.rows import NodeRow, RelRow
from graph.store.embedded import EmbeddedStore

sys.path.insert(0, str(Path(__file__).parent))
from api_helpers import make_api, wait_ready  # noqa: E402


def _known_through(store: EmbeddedStore, middles: int) -> None:
    """t:A and t:B each know ``middles`` people: as many shortest paths between them."""
    nodes: list[NodeRow] = [
        {"id": f"t:{k}", "labels": ["Person"], "props": {"name": k}} for k in ("A", "B")
    ]
    rels: list[RelRow] = []
    for i in range(middles):
        nodes.append({"id": f"t:M{i:04d}", "labels": ["Person"], "props": {"name": f"M{i}"}})
        for end in ("A", "B"):
            rels.append(
                {
                    "id": f"t:k{end}{i:04d}",
                    "type": "ASSOCIATE",
                    "start": f"t:{end}",
                    "end": f"t:M{i:04d}",
                    "props": {},
                }
            )
    store.upsert(nodes, rels)


@pytest.mark.parametrize(("middles", "said"), [(1000, True), (999, False)])
def test_paths_say_when_the_query_stopped_at_its_bound(
    tmp_path: Path, middles: int, said: bool
) -> None:
    store = EmbeddedStore(tmp_path / "s")
    _known_through(store, middles)
    api = make_api(store, tmp_path / "state")
    with api.client:
        wait_ready(api.client)
        r = api.get("/api/v1/paths?from=t:A&to=t:B&limit=10", "analyst")
    store.close()
    assert r.status_code == 200, r.text
    assert r.json()["count"] == middles and len(r.json()["data"]) == 10
    assert r.headers.get("x-telusur-truncated") == (
        "Truncated: the query stopped at its limit of 1,000 results; there may be more."
        if said
        else None
    )
