"""The entity page's timeline names a transfer's currency: USD as USD, never Rp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import build, make_api
from page_helpers import Pages, signed_in

from graph.model import MODEL
from graph.store import EmbeddedStore

(TRANSFERRED,) = MODEL.meaning("money")


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Pages]:
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    store.upsert(
        [],
        [
            {"id": "t:usd1", "type": TRANSFERRED, "start": "t:A_M1", "end": "t:A_O1",
             "props": {"amount": 2500.75, "currency": "USD", "at": "2023-07-01T03:00:00Z"}},
        ],
    )
    api = make_api(store, tmp_path / "state")
    with api.client:
        yield signed_in(api.client)
    store.close()


def test_a_usd_transfer_reads_usd_on_the_entity_page(pages: Pages) -> None:
    html = pages.request("GET", "/entitas/t:M1", "analyst").text
    assert "USD 2.500,75" in html
    assert "Rp 2.501" not in html and "Rp 2.500" not in html
