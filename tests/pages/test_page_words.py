"""The pages speak Bahasa Indonesia unless English is asked for, from the one catalogue
(``graph/locale``; ``tests/test_messages.py`` checks the catalogue itself)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from api_helpers import build, make_api
from page_helpers import Pages, signed_in

from graph.store import EmbeddedStore


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    tmp = tmp_path_factory.mktemp("words")
    store = EmbeddedStore(tmp / "store")
    build(store)
    api = make_api(store, tmp / "state")
    with api.client:
        flag = api.post("/api/v1/flags", "propam", json={"official_id": "t:O1", "reason": "r"})
        assert flag.status_code == 201, flag.text
        yield signed_in(api.client)
    store.close()


def _evidence(html: str) -> list[str]:
    return re.findall(r"<li>([^<]*)</li>", "".join(re.findall(r'<ul class="ev">(.*?)</ul>', html)))


def test_the_sign_in_page_in_either_language(pages: Pages) -> None:
    id_ = pages.request("GET", "/masuk", None).text
    en = pages.request("GET", "/masuk?lang=en", None).text
    assert '<html lang="id">' in id_ and "Nama pengguna" in id_ and "Kata sandi" in id_
    assert '<html lang="en">' in en and "User name" in en and "Password" in en
    # the switch names the other language in that language
    assert re.search(r'id="lang-switch"[^>]*>English<', id_)
    assert re.search(r'id="lang-switch"[^>]*>Bahasa Indonesia<', en)


def test_the_ring_page_gives_evidence_in_either_language(pages: Pages) -> None:
    id_ = pages.request("GET", "/jaringan/t:R1", "reskrim").text
    en = pages.request("GET", "/jaringan/t:R1?lang=en", "reskrim").text
    assert "Dugaan beking" in id_ and "Suspected protectors" in en
    assert "menerima 1 transfer (Rp 5.000.000) dari rekening anggota jaringan" in _evidence(id_)
    assert "received 1 transfer (Rp 5.000.000) from ring accounts" in _evidence(en)
    assert any(
        line.startswith("1 call before 1 failed raid, the closest 8 h before")
        for line in _evidence(en)
    )


def test_timeline_kinds_and_flag_statuses_in_either_language(pages: Pages) -> None:
    id_ = pages.request("GET", "/entitas/t:M1", "reskrim").text
    en = pages.request("GET", "/entitas/t:M1?lang=en", "reskrim").text
    assert "<td>Perkara dibuka</td>" in id_ and "<td>Panggilan</td>" in id_
    assert "<td>Case opened</td>" in en and "<td>Call</td>" in en
    flags_id = pages.request("GET", "/propam?lang=id", "propam").text
    flags_en = pages.request("GET", "/propam?lang=en", "propam").text
    assert '<td class="flag-status">terbuka</td>' in flags_id
    assert '<td class="flag-status">open</td>' in flags_en


def test_the_graph_page_in_either_language(pages: Pages) -> None:
    id_ = pages.request("GET", "/graf/jaringan/t:R1?lang=id", "reskrim").text
    en = pages.request("GET", "/graf/jaringan/t:R1?lang=en", "reskrim").text
    assert "Dugaan beking jaringan" in id_ and "Keterangan" in id_
    assert "Suspected protectors of ring" in en and "Legend" in en
