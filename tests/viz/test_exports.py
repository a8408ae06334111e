"""Exports opened by the libraries of the tools that read them: networkx reads the
GraphML and GEXF back, FollowTheMoney validates the entities, openpyxl reads the
workbook, the csv module the CSV; through the API an export shows a role no more
than the JSON does (no Propam flag, victims masked for reskrim).

The tiny graph of ``tests/api/api_helpers.py``: ring t:R1 (Budi t:M1, Siti t:M2),
the planted protector AKP Joko (t:O1), victim Ani (t:V1) with NIK, address, phone.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from openpyxl import load_workbook

from graph.store import Store
from queries.protectors import rank_protectors
from viz.exports import (
    csv_bytes,
    ftm_entities,
    ftm_id,
    ftm_lines,
    gexf_bytes,
    graphml_bytes,
    subgraph_of,
    table,
    table_result,
    xlsx_bytes,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import P_V1, V1_ADDRESS, V1_NIK, Api, build, make_api, wait_ready  # noqa: E402

P = "/api/v1"
CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]


@pytest.fixture
def tiny(embedded_store: Store) -> Store:
    build(embedded_store)
    return embedded_store


@pytest.fixture
def api(tiny: Store, tmp_path: Path) -> Iterator[Api]:
    a = make_api(tiny, tmp_path / "state")
    with a.client:
        wait_ready(a.client)
        yield a


def _edges(g: Any) -> Counter[tuple[str, str]]:
    return Counter((str(u), str(v)) for u, v in g.edges())


def _sub(store: Store, node_id: str, hops: int = 2) -> dict[str, Any]:
    report = rank_protectors(store, ring_id=node_id) if node_id == "t:R1" else None
    return subgraph_of(store, id=node_id, hops=hops, report=report)


@pytest.mark.parametrize("node_id", ["t:R1", "t:O1", "t:M1"])
def test_graphml_and_gexf_read_back_with_the_same_nodes_and_edges(
    tiny: Store, node_id: str
) -> None:
    sub = _sub(tiny, node_id)
    assert len(sub["nodes"]) > 2 and sub["relationships"]
    want_nodes = {n["id"] for n in sub["nodes"]}
    want_edges = Counter((r["start"], r["end"]) for r in sub["relationships"])
    for blob, read in (
        (graphml_bytes(sub, "id"), nx.read_graphml),
        (gexf_bytes(sub, "id"), nx.read_gexf),
    ):
        g = read(io.BytesIO(blob))
        assert set(g.nodes) == want_nodes
        assert _edges(g) == want_edges
    g = nx.read_graphml(io.BytesIO(graphml_bytes(sub, "en")))
    assert g.nodes["t:O1"]["label"] == "AKP Joko Widodo" if "t:O1" in g else True
    amounts = [d["p_amount"] for *_, d in g.edges(data=True) if "p_amount" in d]
    assert all(isinstance(a, float) for a in amounts)  # numbers stay numbers


def test_a_gexf_names_each_node_and_edge_type_for_gephi(tiny: Store) -> None:
    g = nx.read_gexf(io.BytesIO(gexf_bytes(_sub(tiny, "t:R1"), "id")))
    assert g.nodes["t:R1"]["label"] == "Jaringan Timur"
    assert {"MEMBER_OF"} <= {d["rel_type"] for *_, d in g.edges(data=True)}


def test_followthemoney_validates_every_entity(tiny: Store) -> None:
    followthemoney = pytest.importorskip("followthemoney")
    model = followthemoney.model
    sub = _sub(tiny, "t:O1", hops=2)
    lines = ftm_lines(sub).decode().splitlines()
    entities = [json.loads(line) for line in lines]
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    schemata = Counter(e["schema"] for e in entities)
    assert {"Person", "BankAccount", "Payment", "Ownership", "Employment", "Call"} <= set(
        schemata
    ), schemata
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None, e
        proxy = model.get_proxy(e, cleaned=False)
        for prop, values in e["properties"].items():
            # a value FtM's type does not accept would be dropped while cleaning
            assert len(proxy.get(prop)) == len(values), (e["schema"], prop, values)
            if schema.get(prop).type.name == "entity":
                assert set(values) <= ids, (e["schema"], prop, values)  # no dangling link
        for required in schema.required:
            assert proxy.get(required), (e["schema"], required)
    joko = next(e for e in entities if e["id"] == ftm_id("t:O1"))
    assert joko["schema"] == "Person" and "AKP Joko Widodo" in joko["properties"]["name"]
    pay = next(e for e in entities if e["schema"] == "Payment")
    assert pay["properties"]["amount"] == ["5000000.0"]
    assert pay["properties"]["beneficiary"] == [ftm_id("t:O1")]  # the account's holder


def test_ftm_ids_are_distinct_and_of_ftm_form() -> None:
    a, b = ftm_id("a:b-c"), ftm_id("a-b:c")
    assert a != b
    for x in (a, b, ftm_id("jatim:P1"), ftm_id(":x."), ftm_id("holds:t:M1:t:A_M1")):
        assert (
            x[0].isalnum()
            and x[-1].isalnum()
            and set(x) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        ), x


def test_ftm_leaves_out_a_masked_value() -> None:
    sub = {
        "nodes": [
            {
                "id": "v",
                "labels": ["Person"],
                "props": {"name": "Ani", "nik": "***", "birth_date": "***"},
            }
        ],
        "relationships": [],
    }
    (e,) = ftm_entities(sub)
    assert e["properties"] == {"name": ["Ani"]}


def test_xlsx_reads_back_with_openpyxl(tiny: Store) -> None:
    report = rank_protectors(tiny, ring_id="t:R1")
    t = table("protectors", report, "id")
    wb = load_workbook(io.BytesIO(xlsx_bytes(t)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == ["Peringkat", "Id", "Nama", "Satuan", "Skor", "Tingkat", "Bukti"]
    assert rows[1][1] == "t:O1" and rows[1][2] == "AKP Joko Widodo"
    assert rows[1][4] == pytest.approx(report["protectors"][0]["score"], abs=1e-4)
    assert len(rows) == 1 + len(report["protectors"])


def test_text_that_looks_like_a_formula_stays_text() -> None:
    from viz.exports import Table

    t = Table("x", ["a", "b"], [['=HYPERLINK("http://x")', "+6281234567890"], ["-5", 3.5]])
    wb = load_workbook(io.BytesIO(xlsx_bytes(t)))
    cell = wb.active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=")
    rows = list(csv.reader(io.StringIO(csv_bytes(t).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "+6281234567890"]  # a phone is kept
    assert rows[2] == ["-5", "3.5"]


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("timeline", {"id": "t:M1"}),
        ("transfers", {"id": "t:M1"}),
        ("search", {"q": "Budi"}),
        ("candidates", {"id": "t:R1"}),
    ],
)
def test_every_table_opens_with_the_csv_module(tiny: Store, name: str, kw: dict[str, str]) -> None:
    t = table(name, table_result(tiny, name, **kw), "en")
    rows = list(csv.reader(io.StringIO(csv_bytes(t).decode("utf-8-sig"))))
    assert rows[0] == t.headers and len(rows) == 1 + len(t.rows) and t.rows
    assert all(len(r) == len(t.headers) for r in rows)


def test_cli_exports_each_format(tiny: Store, tmp_path: Path) -> None:
    store = f"embedded:{tiny.path}"  # type: ignore[attr-defined]
    tiny.close()
    out = tmp_path / "r.gexf"
    done = subprocess.run(
        [*CLI, "export", "graph", "t:R1", "--format", "gexf", "--out", str(out), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "t:R1" in nx.read_gexf(out)
    xl = tmp_path / "p.xlsx"
    done = subprocess.run(
        [*CLI, "export", "table", "protectors", "--id", "t:R1", "--out", str(xl), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert load_workbook(xl).active["C2"].value == "AKP Joko Widodo"
    wrong = subprocess.run(
        [*CLI, "export", "table", "protectors", "--id", "t:M1", "--out", str(xl), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 1 and "t:M1" in wrong.stderr


def _flag(api: Api) -> dict[str, Any]:
    r = api.post(
        f"{P}/flags",
        "propam",
        json={"official_id": "t:O1", "reason": "Kesaksian rahasia Propam", "evidence": "CDR"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


EXPORTS = [
    f"{P}/exports/graph/t:O1?format=graphml&hops=2",
    f"{P}/exports/graph/t:O1?format=gexf&hops=2",
    f"{P}/exports/graph/t:K1?format=ftm&hops=2",
    f"{P}/exports/graph/t:R1?format=gexf",
    f"{P}/exports/table?name=protectors&id=t:R1&format=csv",
    f"{P}/exports/table?name=timeline&id=t:O1&format=xlsx",
    f"{P}/exports/table?name=transfers&id=t:M1&format=csv",
    f"{P}/exports/table?name=search&q=Ani&format=csv",
    f"{P}/exports/table?name=candidates&id=t:R1&format=csv",
]


def _text(blob: bytes) -> str:
    if blob[:2] == b"PK":  # a workbook: its cells' text
        wb = load_workbook(io.BytesIO(blob))
        return "\n".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row)
    return blob.decode("utf-8-sig")


def test_an_export_never_holds_a_flag_for_another_role(api: Api) -> None:
    flag = _flag(api)
    for url in EXPORTS:
        for role in ("reskrim", "analyst"):
            r = api.get(url, role)
            assert r.status_code == 200, (url, role, r.text[:200])
            body = _text(r.content)
            for secret in (flag["id"], "Kesaksian rahasia Propam", "Flag", "FLAGS"):
                assert secret not in body, (url, role, secret)
            assert '"status"' not in body and "under_review" not in body


def test_victims_are_masked_for_reskrim_as_in_the_json(api: Api) -> None:
    graphml = f"{P}/exports/graph/t:K1?format=graphml&hops=2"
    analyst = _text(api.get(graphml, "analyst").content)
    assert V1_NIK in analyst and "Ani Lestari" in analyst  # the test can see them at all
    json_view = api.get(f"{P}/entities/t:K1/neighbourhood?hops=2", "reskrim").text
    for url in (
        graphml,
        f"{P}/exports/graph/t:K1?format=ftm&hops=2",
        f"{P}/exports/table?name=search&q=Ani&format=csv",
    ):
        body = _text(api.get(url, "reskrim").content)
        for secret in (V1_NIK, V1_ADDRESS, P_V1, P_V1[3:]):
            assert secret not in body, (url, secret)
            assert secret not in json_view
    assert "Ani Lestari" in _text(api.get(graphml, "reskrim").content)  # she keeps her name


def test_export_routes_refuse_what_the_json_refuses(api: Api) -> None:
    assert api.get(f"{P}/exports/graph/t:R1", None).status_code == 401
    assert api.get(f"{P}/exports/graph/t:R1", "admin").status_code == 403
    assert api.get(f"{P}/exports/graph/t:nope", "reskrim").status_code == 404
    assert api.get(f"{P}/exports/table?name=protectors&id=t:M1", "reskrim").status_code == 404
    assert api.get(f"{P}/exports/table?name=nope&id=t:R1", "reskrim").status_code == 400
    r = api.get(f"{P}/exports/table?name=protectors&id=t:R1", "reskrim")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(r.content)).active["C2"].value == "AKP Joko Widodo"


# ---------------------------------------------------------------- nothing cut in silence


def _csv_rows(blob: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig"))))


def test_a_capped_table_says_in_the_file_how_many_rows_it_left_out(tiny: Store) -> None:
    items = table_result(tiny, "timeline", id="t:M1")
    assert len(items) >= 4
    whole = table("timeline", items, "id")
    assert whole.note("id") is None and whole.cells("id") == whole.rows
    assert len(_csv_rows(csv_bytes(whole))) == 1 + len(items)  # nothing added when complete
    t = table("timeline", items, "id", cap=2)
    assert len(t.rows) == 2 and t.left_out == len(items) - 2
    rows = _csv_rows(csv_bytes(t, "id"))
    assert len(rows) == 1 + 2 + 1 and len(rows[-1]) == len(t.headers)
    assert rows[-1][0] == (
        f"Dipotong: {len(items) - 2} baris lagi tidak ikut (paling banyak 2 baris diekspor)."
    )
    sheet = list(load_workbook(io.BytesIO(xlsx_bytes(t, "en"))).active.iter_rows(values_only=True))
    assert sheet[-1][0] == (
        f"Truncated: {len(items) - 2} more rows not included (at most 2 rows are exported)."
    )


def test_a_table_as_long_as_its_query_limit_says_there_may_be_more() -> None:
    from viz.exports import SEARCH_ROWS

    hits = [
        {"id": f"t:P{i}", "labels": ["Person"], "name": f"Budi {i}", "score": 1.0}
        for i in range(SEARCH_ROWS)
    ]
    t = table("search", hits, "id")
    assert t.at_least and len(t.rows) == SEARCH_ROWS
    assert _csv_rows(csv_bytes(t))[-1][0] == (
        "Dipotong: kueri berhenti pada batasnya, 200 hasil; mungkin ada lebih banyak."
    )
    fewer = table("search", hits[:-1], "id")
    assert fewer.note("id") is None
    capped = table("search", hits, "en", cap=50)
    assert capped.note("en") == (
        "Truncated: 150 or more further rows not included (at most 50 rows are exported)."
    )


def test_cli_and_api_say_what_a_capped_table_left_out(tiny: Store, tmp_path: Path) -> None:
    total = len(table_result(tiny, "timeline", id="t:M1"))
    a = make_api(tiny, tmp_path / "state")
    with a.client:
        wait_ready(a.client)
        r = a.get(f"{P}/exports/table?name=timeline&id=t:M1&format=csv&max_rows=2", "reskrim")
        assert r.status_code == 200, r.text
        assert r.headers["x-telusur-rows-left-out"] == str(total - 2)
        assert r.headers["x-telusur-truncated"].startswith("Dipotong: ")
        assert _csv_rows(r.content)[-1][0].startswith("Dipotong: ")
        whole = a.get(f"{P}/exports/table?name=timeline&id=t:M1&format=csv", "reskrim")
        assert "x-telusur-truncated" not in whole.headers
    store = f"embedded:{tiny.path}"  # type: ignore[attr-defined]
    tiny.close()
    out = tmp_path / "t.csv"
    args = ["export", "table", "timeline", "--id", "t:M1", "--format", "csv", "--out", str(out)]
    done = subprocess.run(
        [*CLI, *args, "--max-rows", "2", "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Dipotong: {total - 2} baris lagi" in done.stderr
    assert _csv_rows(out.read_bytes())[-1][0].startswith("Dipotong: ")


def test_cli_export_table_says_how_many_rows_it_wrote_in_either_language(
    tiny: Store, tmp_path: Path
) -> None:
    total = len(table_result(tiny, "timeline", id="t:M1"))
    assert total > 2
    store = f"embedded:{tiny.path}"  # type: ignore[attr-defined]
    tiny.close()
    said = {}
    for lang, out in (("id", tmp_path / "t.csv"), ("en", tmp_path / "t.xlsx")):
        done = subprocess.run(
            [*CLI, "export", "table", "timeline", "--id", "t:M1", "--out", str(out)]
            + ["--format", out.suffix[1:], "--store", store, "--lang", lang],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        said[lang] = done.stdout.strip()
    assert said == {
        "id": f"{tmp_path / 't.csv'}: {total} baris",
        "en": f"{tmp_path / 't.xlsx'}: {total} rows",
    }


def test_a_graph_export_says_what_a_busy_node_left_out(tiny: Store, tmp_path: Path) -> None:
    from graph.rows import NodeRow, RelRow
    from viz.exports import GRAPH_CAP, graph_note

    extra: list[NodeRow] = [
        {"id": f"t:X{i}", "labels": ["Person"], "props": {"name": f"Kenalan {i}"}}
        for i in range(GRAPH_CAP + 5)
    ]
    knows: list[RelRow] = [
        {"id": f"t:k{i}", "type": "ASSOCIATE", "start": "t:M1", "end": n["id"], "props": {}}
        for i, n in enumerate(extra)
    ]
    tiny.upsert(extra, knows)
    sub = subgraph_of(tiny, id="t:M1", hops=1)
    left = sub["truncated"]["t:M1"]
    assert left > 0 and len(sub["relationships"]) == GRAPH_CAP
    note = graph_note(sub["truncated"], "id")
    assert note == (
        f"Dipotong: {left} hubungan simpul sibuk tidak ikut (paling banyak {GRAPH_CAP} per simpul)."
    )
    assert graph_note({}, "id") is None and graph_note({"t:M1": 0}, "id") is None
    assert nx.read_graphml(io.BytesIO(graphml_bytes(sub, "id", note))).graph["note"] == note
    gexf = gexf_bytes(sub, "id", note)
    assert f"<description>{note}</description>".encode() in gexf
    assert set(nx.read_gexf(io.BytesIO(gexf)).nodes) == {n["id"] for n in sub["nodes"]}
    a = make_api(tiny, tmp_path / "state")
    with a.client:
        wait_ready(a.client)
        r = a.get(f"{P}/exports/graph/t:M1?format=ftm", "analyst")
        assert r.status_code == 200 and r.headers["x-telusur-truncated"].startswith("Dipotong: ")
        quiet = a.get(f"{P}/exports/graph/t:R1?format=graphml", "analyst")
        assert "x-telusur-truncated" not in quiet.headers
    store = f"embedded:{tiny.path}"  # type: ignore[attr-defined]
    tiny.close()
    out = tmp_path / "m1.graphml"
    done = subprocess.run(
        [*CLI, "export", "graph", "t:M1", "--out", str(out), "--store", store, "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Truncated: {left} relationships of busy nodes not included" in done.stderr
    assert nx.read_graphml(out).graph["note"].startswith("Truncated: ")


def test_cli_export_graph_and_report_say_what_they_wrote_in_either_language(
    tiny: Store, tmp_path: Path
) -> None:
    sub = _sub(tiny, "t:R1", hops=1)
    n, m = len(sub["nodes"]), len(sub["relationships"])
    assert n > 1 and m > 1
    store = f"embedded:{tiny.path}"  # type: ignore[attr-defined]
    tiny.close()
    said: dict[str, list[str]] = {}
    for lang in ("id", "en"):
        graph, pdf = tmp_path / f"r-{lang}.graphml", tmp_path / f"r-{lang}.pdf"
        lines = []
        for args in (
            ["export", "graph", "t:R1", "--out", str(graph)],
            ["report", "--ring", "t:R1", "--out", str(pdf)],
        ):
            done = subprocess.run(
                [*CLI, *args, "--store", store, "--lang", lang],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            lines.append(done.stdout.strip())
        size = pdf.stat().st_size
        assert size > 1000
        said[lang] = [*lines, str(size)]
    id_size, en_size = int(said["id"].pop()), int(said["en"].pop())
    assert said == {
        "id": [
            f"{tmp_path / 'r-id.graphml'}: {n} simpul, {m} hubungan",
            f"{tmp_path / 'r-id.pdf'} ({id_size:,} byte)".replace(",", "."),
        ],
        "en": [
            f"{tmp_path / 'r-en.graphml'}: {n} nodes, {m} relationships",
            f"{tmp_path / 'r-en.pdf'} ({en_size:,} bytes)",
        ],
    }
