"""The service's holders of stores: what they keep across a shutdown."""

from __future__ import annotations

from pathlib import Path

from api_helpers import build, make_api, wait_ready

from graph.store import Store

P = "/api/v1"


def test_a_store_handed_in_is_kept_when_the_app_is_served_again(
    store: Store, tmp_path: Path
) -> None:
    """Served, stopped and served again, the app still answers from the store it was
    given (not from an empty store at ``settings.store``)."""
    build(store)
    api = make_api(store, tmp_path / "state")
    for _ in range(2):
        with api.client:
            wait_ready(api.client)
            rings = api.get(f"{P}/rings", "reskrim").json()
            assert rings["count"] == 1 and rings["data"][0]["id"] == "t:R1"
    assert api.client.app.state.services.stores.get() is store
