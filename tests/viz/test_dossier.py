"""The PDF dossier, read back as a reader would: its text (pypdf) and its pages as
images (pypdfium2). The demo's first ring, as ``telusur demo`` builds it."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import queries
from graph.store import EmbeddedStore, Store
from graph_api.cli._demo_cmd import prepare_demo
from queries.protectors import rank_protectors
from queries.protectors.words import describe
from viz.dossier import dossier_html, gather_official, gather_ring, pdf_bytes
from viz.score import score_text
from viz.static_graph import svg_graph
from viz.styles import NODE_STYLES, score_color

pypdf = pytest.importorskip("pypdf")
pdfium = pytest.importorskip("pypdfium2")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import V1_NIK, Api, build, make_api, wait_ready  # noqa: E402

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]
PRINTED = datetime(2026, 12, 7, 13, 45, tzinfo=UTC)  # 20:45 WIB


@dataclass
class Demo:
    path: Path
    store: Store
    ring: str
    report: Any


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    prepare_demo(folder, seed=2, scale=0.3)
    store = EmbeddedStore(folder / "store")
    ring = queries.rings(store)[0]["id"]  # the demo's first ring
    yield Demo(folder / "store", store, ring, rank_protectors(store, ring_id=ring))
    store.close()


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def _pixels(pdf: bytes, index: int) -> list[tuple[int, int, int]]:
    page = pdfium.PdfDocument(pdf)[index]
    image = page.render(scale=1).to_pil().convert("RGB")
    raw = image.tobytes()
    return list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def test_the_ring_dossier_holds_the_evidence_marking_and_page_numbers(demo: Demo) -> None:
    data = gather_ring(demo.store, ring_id=demo.ring, report=demo.report)
    pdf = pdf_bytes(dossier_html(data, lang="id", printed_by="penyidik1", printed_at=PRINTED))
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    assert len(pages) > 0
    whole = " ".join(pages)
    top = demo.report["protectors"][0]
    sentence = describe(top["indicators"][0]["kind"], top["indicators"][0]["facts"], "id")
    assert " ".join(sentence.split()) in whole  # the top protector's evidence sentence
    assert f"{top['name']}" in whole and score_text(float(top["score"]), "id") in whole
    for i, text in enumerate(pages, start=1):
        assert "RAHASIA" in text, i
        assert f"Halaman {i} dari {len(pages)}" in text, i
        assert "Dicetak oleh penyidik1 · 07/12/2026 20:45 WIB" in text, i
    lps = [
        (n.get("props") or {}).get("report_number")
        for n in data["nodes"].values()
        if "Case" in n["labels"]
    ]
    assert any(lp and lp in whole for lp in lps)  # cases with their LP number
    member = data["members"][0]["id"]
    assert data["nodes"][member]["props"]["name"] in whole


def test_the_dossier_pages_are_drawn_with_the_graph_picture(demo: Demo) -> None:
    data = gather_ring(demo.store, ring_id=demo.ring, report=demo.report)
    pdf = pdf_bytes(dossier_html(data, lang="id", printed_by="x", printed_at=PRINTED))
    first = _pixels(pdf, 0)
    ink = sum(1 for p in first if sum(p) < 600)
    assert ink > len(first) // 200  # page 1 is not blank
    official = _rgb(NODE_STYLES["Official"].color)
    drawn = [
        i
        for i in range(len(_pages(pdf)))
        if sum(1 for p in _pixels(pdf, i) if _near(p, official)) > 20
    ]
    assert drawn  # officials' circles of the graph picture are on a page


def test_english_on_request(demo: Demo) -> None:
    data = gather_ring(demo.store, ring_id=demo.ring, report=demo.report)
    pages = _pages(pdf_bytes(dossier_html(data, lang="en", printed_by="x", printed_at=PRINTED)))
    assert "SECRET" in pages[0] and f"Page 1 of {len(pages)}" in pages[0]
    assert "Suspected protectors" in pages[0] and "RAHASIA" not in pages[0]


def test_an_officials_dossier_holds_his_rankings(demo: Demo) -> None:
    top = demo.report["protectors"][0]
    data = gather_official(demo.store, official_id=top["id"], reports=[demo.report])
    pages = _pages(pdf_bytes(dossier_html(data, lang="id", printed_by="p", printed_at=PRINTED)))
    whole = " ".join(pages)
    assert top["name"] in whole and "RAHASIA" in whole
    sentence = describe(top["indicators"][0]["kind"], top["indicators"][0]["facts"], "id")
    assert " ".join(sentence.split()) in whole


def test_the_graph_picture_draws_every_node_and_known_relationship() -> None:
    nodes = [
        {"id": "a", "labels": ["Person"], "props": {"name": "Ani"}},
        {"id": "b", "labels": ["Person", "Official"], "props": {"name": "AKP Budi"}},
        {"id": "c", "labels": ["Account"], "props": {"bank": "BRI", "number": "1"}},
    ]
    rels = [
        {"start": "a", "end": "b", "type": "FAMILY"},
        {"start": "b", "end": "c", "type": "HOLDS"},
        {"start": "b", "end": "zz", "type": "HOLDS"},  # an end not drawn: left out
    ]
    svg = svg_graph(nodes, rels, lang="id", scores={"b": 0.9})
    assert svg.count("<circle") == 3 and svg.count("<line") == 2
    assert "AKP Budi" in svg and "BRI 1" in svg
    assert f'stroke="{score_color(0.9)}"' in svg  # the official ringed in his score's colour
    assert svg == svg_graph(nodes, rels, lang="id", scores={"b": 0.9})  # same picture


def test_cli_report_writes_the_pdf_and_refuses_a_wrong_id(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "d.pdf"
    store = f"embedded:{demo.path}"
    done = subprocess.run(
        [*CLI, "report", "--ring", demo.ring, "--out", str(out), "--store", store, "--by", "ani"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Dicetak oleh ani" in _pages(out.read_bytes())[0]
    top = demo.report["protectors"][0]["id"]
    wrong = subprocess.run(
        [*CLI, "report", "--ring", top, "--out", str(out), "--store", store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
    assert (
        "--official"
        in subprocess.run(
            [*CLI, "report", "--help"], capture_output=True, text=True, check=False
        ).stdout
    )


@pytest.fixture
def api(embedded_store: Store, tmp_path: Path) -> Iterator[Api]:
    build(embedded_store)
    a = make_api(embedded_store, tmp_path / "state")
    with a.client:
        wait_ready(a.client)
        yield a


def test_the_api_dossier_is_the_readers_and_propams_is_propams(api: Api) -> None:
    r = api.get("/api/v1/reports/rings/t:R1", "reskrim")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    whole = " ".join(_pages(r.content))
    assert "AKP Joko Widodo" in whole and "Dicetak oleh reskrim1" in whole
    assert V1_NIK not in whole
    en = " ".join(_pages(api.get("/api/v1/reports/rings/t:R1?lang=en", "analyst").content))
    assert "SECRET" in en and "Printed by analyst1" in en
    for role in ("reskrim", "analyst"):
        assert api.get("/api/v1/reports/officials/t:O1", role).status_code == 404
    r = api.get("/api/v1/reports/officials/t:O1", "propam")
    assert r.status_code == 200 and "AKP Joko Widodo" in " ".join(_pages(r.content))
