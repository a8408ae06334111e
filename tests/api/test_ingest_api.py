"""``POST /ingest``: the CLI's report for a zipped bundle; hostile zips refused."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from api_helpers import make_api

from graph_api.store import EmbeddedStore
from ingest import ingest_path
from ingest.synth import generate

P = "/api/v1"


def _zip(files: dict[str, bytes], *, link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "synth"
    generate(out, seed=1, scale=0.2)
    return out


def test_upload_matches_cli(bundle: Path, tmp_path: Path) -> None:
    files = {
        f"synth/{p.relative_to(bundle)}": p.read_bytes()
        for p in sorted(bundle.rglob("*"))
        if p.is_file()
    }
    api_store = EmbeddedStore(tmp_path / "api")
    api = make_api(api_store, tmp_path / "state")
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", _zip(files))}, data={"bundle": "synth"}
    )
    assert r.status_code == 200, r.text
    got = r.json()
    cli_store = EmbeddedStore(tmp_path / "cli")
    want = ingest_path(bundle, cli_store, bundle="synth", rejects=tmp_path / "rej.csv").to_json()
    for key in ("bundle", "files", "rejected", "nodes", "relationships", "candidates", "written"):
        assert got[key] == want[key], key
    assert api_store.counts() == cli_store.counts()
    again = api.post(
        f"{P}/ingest", "admin", files={"file": ("b.zip", _zip(files))}, data={"bundle": "synth"}
    ).json()
    assert again["nodes"]["created"] == 0  # idempotent, like the CLI
    api_store.close()
    cli_store.close()


@pytest.mark.parametrize(
    "case", ["traversal", "absolute", "backslash", "symlink", "bomb", "not-zip", "too-many"]
)
def test_hostile_zips_refused(case: str, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    api = make_api(store, tmp_path / "state", max_unzipped=2_000_000, max_members=20)
    before = store.counts()
    data = {
        "traversal": lambda: _zip({"b/../../evil.csv": b"x"}),
        "absolute": lambda: _zip({"/tmp/evil.csv": b"x"}),
        "backslash": lambda: _zip({"b\\..\\evil.csv": b"x"}),
        "symlink": lambda: _zip({"b/people.csv": b"id\n"}, link="b/agencies.csv"),
        "bomb": lambda: _zip({"b/people.csv": b"0" * 3_000_000}),
        "not-zip": lambda: b"PK\x03\x04 this is not a zip",
        "too-many": lambda: _zip({f"b/f{i}.csv": b"x" for i in range(30)}),
    }[case]()
    r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", data)}, data={"bundle": "b"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert store.counts() == before
    assert not (tmp_path / "evil.csv").exists() and not Path("/tmp/evil.csv").exists()
    store.close()


def test_oversized_upload_refused(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    api = make_api(store, tmp_path / "state", max_upload=10_000)
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", b"x" * 20_000)}, data={"bundle": "b"}
    )
    assert r.status_code == 413
    store.close()
