"""An uploaded bundle zip may hold Excel workbooks: they are unpacked like any file, and
since a workbook is a zip itself, its own parts are held to the upload's limits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.store import EmbeddedStore
from graph_api.web.unzip import safe_extract
from ingest import ingest_path

SHIPPED = Path(__file__).resolve().parents[2] / "examples" / "mappings"
LIMITS = {"max_total": 2_000_000, "max_ratio": 100, "max_members": 20}


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zipped_bundle_with_a_workbook_and_its_mapping_loads(tmp_path: Path) -> None:
    archive = tmp_path / "up.zip"
    archive.write_bytes(
        _zip(
            {
                "b/cdr_telkomsel.xlsx": (SHIPPED / "cdr_telkomsel.xlsx").read_bytes(),
                "b/cdr.mapping.yaml": (SHIPPED / "cdr_telkomsel.mapping.yaml").read_bytes(),
                "b/readme.pdf": b"%PDF",
            }
        )
    )
    folder = safe_extract(archive, tmp_path / "x", **LIMITS)
    store = EmbeddedStore(tmp_path / "st")
    try:
        report = ingest_path(folder, store, bundle="b", rejects=tmp_path / "r.csv")
    finally:
        store.close()
    assert report.files["calls.csv"].accepted == 40
    assert report.skipped == [{"file": "readme.pdf", "reason": "not a CSV or Excel file"}]


def test_a_workbook_bomb_inside_the_upload_is_refused(tmp_path: Path) -> None:
    # the outer zip stores the workbook (already compressed): only its own parts are a bomb
    inner = _zip({"xl/worksheets/sheet1.xml": b"<row/>" * 500_000})  # 3 MB from a few KB
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("b/people.xlsx", inner)
    archive = tmp_path / "up.zip"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match=r"people.xlsx' \(a workbook\)"):
        safe_extract(archive, tmp_path / "x", **LIMITS)


def test_a_workbook_within_the_limits_is_kept_as_it_is(tmp_path: Path) -> None:
    data = (SHIPPED / "mutasi_bri.xlsx").read_bytes()
    archive = tmp_path / "up.zip"
    archive.write_bytes(_zip({"mutasi_bri.xlsx": data}))
    folder = safe_extract(archive, tmp_path / "x", **LIMITS)
    assert (folder / "mutasi_bri.xlsx").read_bytes() == data
