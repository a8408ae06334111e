"""The named queries on the command line: ``--json`` gives the query's own result, the
tables speak Bahasa Indonesia by default (English with ``--lang en``), and nothing is
cut in silence (a note on stderr says what ``--limit``/``--cap`` left out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import queries
from graph.store import EmbeddedStore
from tests.ingest.test_ingest_cli import PEOPLE, SOURCES, write_bundle
from tests.queries.conftest import build
from tests.test_cli_errors import cli
from viz.i18n import type_name

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EmbeddedStore:
    monkeypatch.setenv("COLUMNS", "200")  # rich lays tables out for this width
    store = EmbeddedStore(tmp_path / "s")
    build(store)
    return store


def where(store: EmbeddedStore) -> str:
    return f"embedded:{store.path}"


def test_help_lists_every_query_command(capsys: Capture) -> None:
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    named = {"search", "entity", "paths", "money", "timeline", "links", "protectors", "expand"}
    assert named <= listed


def test_search_json_is_the_query_result_and_the_table_is_indonesian(
    capsys: Capture, built: EmbeddedStore
) -> None:
    code, out, err = cli(capsys, "search", "Budi", "--json", "--store", where(built))
    assert (code, err) == (0, "")
    assert json.loads(out) == queries.search(built, q="Budi", limit=21)
    code, out, _ = cli(capsys, "search", "Budi", "--store", where(built))
    assert "Hasil pencarian 'Budi'" in out and "Orang" in out and "nama" in out
    assert "t:M1" in out and "Budi Santoso" in out
    code, out, _ = cli(capsys, "search", "Budi", "--store", where(built), "--lang", "en")
    assert "Search results for 'Budi'" in out and "Person" in out


def test_search_says_when_more_hits_were_left_out(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, err = cli(
        capsys, "search", "Siti", "--json", "--limit", "1", "--store", where(built)
    )
    assert code == 0 and len(json.loads(out)) == 1
    assert err.splitlines() == [
        "hanya 1 hasil pertama yang ditampilkan; lebih banyak dengan --limit"
    ]


def test_entity_json_and_its_sources_with_grades(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, _ = cli(capsys, "entity", "t:M1", "--json", "--store", where(built))
    assert code == 0 and json.loads(out) == queries.entity(built, id="t:M1")
    code, out, _ = cli(capsys, "entity", "t:M1", "--store", where(built))
    assert "Budi Santoso (Orang)" in out and "3501010101800001" in out
    assert "sumber" in out and "BAP Budi (bap, B2)" in out


def test_paths_json_and_the_path_in_names(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, _ = cli(capsys, "paths", "t:O1", "t:M1", "--json", "--store", where(built))
    assert code == 0
    assert json.loads(out) == queries.paths(built, source="t:O1", target="t:M1", limit=11)
    code, out, _ = cli(capsys, "paths", "t:O1", "t:M1", "--store", where(built))
    title = "Jalur terpendek dari AKP Joko Widodo ke Budi Santoso"
    assert title in " ".join(out.split())  # rich wraps a title to the table's width
    assert f"-[{type_name('INVESTIGATES', 'id')}]-> LP/1" in out
    assert f"<-[{type_name('SUSPECT_IN', 'id')}]- Budi Santoso" in out


def test_paths_too_far_apart_says_so(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, err = cli(
        capsys, "paths", "t:O1", "t:M1", "--max-hops", "1", "--store", where(built), "--lang", "en"
    )
    assert code == 0 and err.splitlines() == ["no path of at most 1 hops"]


def test_money_json_and_accounts_as_bank_and_holder(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, _ = cli(capsys, "money", "t:M1", "--json", "--store", where(built))
    assert code == 0 and json.loads(out) == queries.money_trail(built, source="t:M1", limit=51)
    code, out, _ = cli(capsys, "money", "t:M1", "--to-officials", "--store", where(built))
    assert "Aliran dana dari Budi Santoso" in out
    assert "BRI 1234567890 (Budi Santoso)" in out and "BRI 333 (AKP Joko Widodo)" in out
    assert "05/03/2023 07:00 WIB  Rp 500.000" in out
    code, out, _ = cli(capsys, "money", "t:M1", "--store", where(built), "--lang", "en")
    assert "Money trails from Budi Santoso" in out and "IDR 10,000,000" in out


def test_timeline_json_dates_in_wib_and_the_cap_said(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, err = cli(capsys, "timeline", "t:O1", "--json", "--store", where(built))
    assert (code, err) == (0, "")
    assert json.loads(out) == queries.timeline(built, id="t:O1")
    code, out, err = cli(capsys, "timeline", "t:O1", "--limit", "2", "--store", where(built))
    assert err.splitlines() == [
        "hanya 2 butir pertama yang ditampilkan; lebih banyak dengan --limit"
    ]
    assert "Kronologi AKP Joko Widodo" in out and "01/01/2020" in out  # a date, no time
    assert "menjabat sejak" in out and "Polres Tulungagung" in out and "00:00" not in out


def test_links_json_and_what_the_cap_left_out(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, err = cli(capsys, "links", "t:O1", "--json", "--store", where(built))
    assert (code, err) == (0, "")
    assert json.loads(out) == queries.official_links(built, id="t:O1", cap=20)
    full = queries.official_links(built, id="t:O1", cap=1000)
    assert full is not None and full["counts"]["case"] == 4
    code, out, err = cli(capsys, "links", "t:O1", "--cap", "1", "--store", where(built))
    assert "Keterkaitan AKP Joko Widodo dengan jaringan" in out
    assert "perkara: 1 dari 4 jalur ditampilkan; lebih banyak dengan --cap" in err.splitlines()


def test_protectors_of_a_ring_still_rank(capsys: Capture, built: EmbeddedStore) -> None:
    code, out, _ = cli(capsys, "protectors", "t:R1", "--json", "--store", where(built))
    assert code == 0 and json.loads(out)["ring"] == "t:R1"


def test_resolve_list_shows_whole_candidate_ids_on_a_narrow_terminal(
    capsys: Capture, built: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_a, long_b = "polres-tulungagung:P000123", "polres-tulungagung:P000456"
    built.upsert(
        [
            {"id": long_a, "labels": ["Person"], "props": {"name": "Agus Salim"}},
            {"id": long_b, "labels": ["Person"], "props": {"name": "Agus Salim"}},
        ],
        [
            {
                "id": f"cand:{long_a}|{long_b}",
                "type": "POSSIBLY_SAME_AS",
                "start": long_a,
                "end": long_b,
                "props": {"score": 0.9, "reasons": ["same name"], "status": "candidate"},
            }
        ],
    )
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = cli(capsys, "resolve", "list", "--store", where(built))
    assert code == 0
    assert f"cand:{long_a}|{long_b}" in out  # on one line, as `resolve confirm` needs it


def test_ingest_announces_each_file_with_its_rows_and_the_final_steps(
    capsys: Capture, tmp_path: Path
) -> None:
    folder = write_bundle(tmp_path / "b", {"sources.csv": SOURCES, "people.csv": PEOPLE})
    args = ("ingest", str(folder), "--rejects", str(tmp_path / "r.csv"), "--lang", "en")
    code, _, err = cli(capsys, *args, "--store", f"embedded:{tmp_path / 'st'}")
    assert code == 0
    assert err.splitlines() == [  # Bahasa Indonesia by default: tests/ingest/test_report_lang
        "reading sources.csv (1 row)",
        "reading people.csv (2 rows)",
        "finishing writes ...",
        "candidate matches ...",
    ]
    code, out, err = cli(capsys, *args, "--json", "--store", f"embedded:{tmp_path / 'st2'}")
    assert code == 0 and err == "" and json.loads(out)["bundle"] == "b"


def test_money_says_when_more_trails_were_left_out(capsys: Capture, built: EmbeddedStore) -> None:
    every = queries.money_trail(built, source="t:M1", limit=1000)
    assert len(every) > 1
    code, out, err = cli(capsys, "money", "t:M1", "--json", "--limit", "1", "--store", where(built))
    assert code == 0 and json.loads(out) == every[:1]
    assert err.splitlines() == [
        "hanya 1 aliran dana pertama yang ditampilkan; lebih banyak dengan --limit"
    ]
    code, out, err = cli(capsys, "money", "t:M1", "--json", "--store", where(built))
    assert (code, err) == (0, "") and json.loads(out) == every


def _paid(store: EmbeddedStore, transfers: int) -> None:
    """Person t:P pays the official t:O's account ``transfers`` times: as many trails."""
    from graph.rows import NodeRow, RelRow

    nodes: list[NodeRow] = [
        {"id": "t:P", "labels": ["Person"], "props": {"name": "Pembayar"}},
        {"id": "t:O", "labels": ["Person", "Official"], "props": {"name": "AKP Penerima"}},
        {"id": "t:AP", "labels": ["Account"], "props": {"bank": "BRI", "number": "1"}},
        {"id": "t:AO", "labels": ["Account"], "props": {"bank": "BRI", "number": "2"}},
    ]
    rels: list[RelRow] = [
        {"id": "t:h1", "type": "HOLDS", "start": "t:P", "end": "t:AP", "props": {}},
        {"id": "t:h2", "type": "HOLDS", "start": "t:O", "end": "t:AO", "props": {}},
    ]
    paid = {"amount": 1e6, "currency": "IDR", "at": "2023-04-01T10:00:00Z"}
    for i in range(transfers):
        rels.append(
            {
                "id": f"t:t{i:04d}",
                "type": "TRANSFERRED",
                "start": "t:AP",
                "end": "t:AO",
                "props": paid,
            }
        )
    store.upsert(nodes, rels)


@pytest.mark.parametrize(("transfers", "said"), [(1000, True), (999, False)])
def test_cli_and_api_say_a_money_trail_may_go_on_past_the_querys_own_limit(
    capsys: Capture, tmp_path: Path, transfers: int, said: bool
) -> None:
    from tests.api.api_helpers import make_api, wait_ready

    store = EmbeddedStore(tmp_path / "s")
    _paid(store, transfers)
    api = make_api(store, tmp_path / "state")
    with api.client:
        wait_ready(api.client)
        r = api.get("/api/v1/money-trail?from=t:P&to_officials=true&limit=10", "analyst")
    assert r.status_code == 200, r.text
    assert r.json()["count"] == transfers and len(r.json()["data"]) == 10
    assert r.headers.get("x-telusur-truncated") == (
        "Truncated: the query stopped at its limit of 1,000 results; there may be more."
        if said
        else None
    )
    store.close()
    args = [
        "money",
        "t:P",
        "--to-officials",
        "--limit",
        "1000",
        "--store",
        f"embedded:{store.path}",
    ]
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0 and len(json.loads(out)) == transfers
    assert err.splitlines() == (
        ["Menampilkan 1.000 jejak pertama; mungkin ada lebih banyak"] if said else []
    )
    code, out, err = cli(capsys, *args, "--lang", "en")
    assert code == 0 and (
        err.splitlines() == ["Showing the first 1,000 trails; there may be more"]
        if said
        else not err
    )
