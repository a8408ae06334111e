"""``POST /ingest``: the CLI's report for a zipped bundle; hostile zips refused."""

from __future__ import annotations

import collections
import contextlib
import io
import random
import sqlite3
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from api_helpers import make_api

from graph.errors import InputError
from graph.store import EmbeddedStore, Store
from graph.store.embedded import DB_NAME
from graph_api.web.unzip import safe_extract
from graph_api.web.uploads import upload_folder
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


# -- malformed zips: every one a 400, nothing written, nothing left unpacked ------------------


def _left(state: Path) -> list[Path]:
    """Upload folders left in the service's state folder."""
    root = state / "uploads"
    return sorted(root.iterdir()) if root.exists() else []


def _member_offsets(data: bytes, name: str) -> tuple[int, int]:
    """Where ``name``'s local header and central directory entry start."""
    local = data.find(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name.encode():
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    return local, central


def _patched(data: bytes, name: str, *, local_at: int, central_at: int, value: bytes) -> bytes:
    """``data`` with ``value`` written at the same field of ``name``'s local header and
    central directory entry (a header that lies, as a hostile zip tool writes it)."""
    out = bytearray(data)
    local, central = _member_offsets(data, name)
    out[local + local_at : local + local_at + len(value)] = value
    out[central + central_at : central + central_at + len(value)] = value
    return bytes(out)


PEOPLE = b"person_id,name\nP1,Budi Santoso\nP2,Siti Rahayu\n" * 40
#: a cell beyond the CSV field limit (128 KiB) that does not compress like a zip bomb
HUGE = random.Random(6).randbytes(100_000).hex().encode()


def _malformed(case: str) -> bytes:
    good = _zip({"b/people.csv": PEOPLE})
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("b/people.csv")
    if case == "duplicate":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning, match="Duplicate"):
            zf.writestr("b/people.csv", PEOPLE)
            zf.writestr("b/people.csv", b"person_id,name\nP9,Ani\n")
        return buf.getvalue()
    if case == "duplicate-case":
        return _zip({"b/people.csv": PEOPLE, "b/People.csv": PEOPLE})
    if case == "file-and-folder":
        return _zip({"b/people.csv": PEOPLE, "b/people.csv/cases.csv": b"case_id\n"})
    if case == "file-and-folder-entry":
        return _zip({"b/people.csv": PEOPLE, "b/people.csv/": b""})
    if case == "long-name":  # 300 bytes in 150 characters: one name part beyond 255 bytes
        return _zip({"b/" + "é" * 149 + ".csv": PEOPLE})
    if case == "crc":  # CRC field 4 bytes at 14 (local) and 16 (central)
        crc = (info.CRC ^ 0xFFFF).to_bytes(4, "little")
        return _patched(good, "b/people.csv", local_at=14, central_at=16, value=crc)
    if case == "size":  # declares fewer bytes than it holds: size at 22 (local), 24 (central)
        size = (info.file_size - 40).to_bytes(4, "little")
        return _patched(good, "b/people.csv", local_at=22, central_at=24, value=size)
    if case == "corrupt-data":
        out = bytearray(good)
        local, _ = _member_offsets(good, "b/people.csv")
        start = local + 30 + len("b/people.csv")
        out[start + 2 : start + 12] = bytes(b ^ 0x5A for b in out[start + 2 : start + 12])
        return bytes(out)
    if case == "method":  # a compression method Python does not have (99: AES)
        return _patched(good, "b/people.csv", local_at=8, central_at=10, value=b"\x63\x00")
    if case == "truncated":
        return good[: len(good) // 2]
    if case == "not-zip":
        return b"person_id,name\nP1,Budi\n"
    raise AssertionError(case)


MALFORMED = [
    "duplicate",
    "duplicate-case",
    "file-and-folder",
    "file-and-folder-entry",
    "long-name",
    "crc",
    "size",
    "corrupt-data",
    "method",
    "truncated",
    "not-zip",
]


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_zips_answer_400(case: str, tmp_path: Path) -> None:
    """Every malformed zip is the uploader's error (400), never a server error."""
    store = EmbeddedStore(tmp_path / "s")
    api = make_api(store, tmp_path / "state")
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", _malformed(case))},
        data={"bundle": "b"},
    )
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert store.counts() == EmbeddedStore(tmp_path / "empty").counts()
    assert _left(tmp_path / "state") == []
    store.close()


def test_damaged_zips_never_raise_anything_but_input_error(tmp_path: Path) -> None:
    """A valid zip with bytes flipped at 400 seeded places: extracted, or refused as
    unusable input; never another exception."""
    good = _zip({"b/people.csv": PEOPLE, "b/sub/cases.csv": b"case_id,title\nK1,LP/1\n"})
    rng = random.Random(21)
    outcomes = collections.Counter[str]()
    for i in range(400):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (tmp_path / f"{i}.zip").write_bytes(data)
        try:
            safe_extract(tmp_path / f"{i}.zip", tmp_path / f"out{i}", max_total=10_000_000,
                         max_ratio=1000, max_members=20)
            outcomes["extracted"] += 1
        except InputError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 100  # the flips did damage


# -- what an error answer says was written is what was written --------------------------------


def _bundle_zip(bundle: Path, *, calls_extra: bytes = b"") -> bytes:
    files = {
        f"synth/{p.relative_to(bundle)}": p.read_bytes()
        for p in sorted(bundle.rglob("*"))
        if p.is_file()
    }
    files["synth/calls.csv"] += calls_extra
    return _zip(files)


def test_an_unreadable_file_writes_nothing(store: Store, bundle: Path, tmp_path: Path) -> None:
    """calls.csv, the last file loaded, holds a cell beyond the CSV field limit: 400,
    and none of the files before it is written."""
    api = make_api(store, tmp_path / "state")
    huge = b"0812\t0813\t2023-01-01T00:00\t1\tcall\t" + HUGE + b"\n"
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", _bundle_zip(bundle, calls_extra=huge))},
        data={"bundle": "synth"},
    )
    assert r.status_code == 400, r.text
    assert "field larger than field limit" in r.json()["detail"]
    assert sum(store.counts()["nodes"].values()) == 0


def test_a_refused_strict_ingest_answers_422(store: Store, bundle: Path, tmp_path: Path) -> None:
    """The synthetic bundle has bad rows on purpose: strict writes nothing, says 422."""
    api = make_api(store, tmp_path / "state")
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", _bundle_zip(bundle))},
        data={"bundle": "synth", "strict": "true"},
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["report"]["written"] is False
    assert sum(body["report"]["rejected"].values()) > 0
    assert sum(store.counts()["nodes"].values()) == 0
    assert body["report"]["rejected"] == {
        name: f["rejected"] for name, f in body["report"]["files"].items()
    }
    r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", _bundle_zip(bundle))},
                 data={"bundle": "synth"})  # without strict: written, bad rows counted
    assert r.status_code == 200 and r.json()["written"] is True
    assert r.json()["rejected"] == body["report"]["rejected"]


def test_an_error_after_writing_began_says_what_was_written(
    embedded_store: EmbeddedStore, bundle: Path, tmp_path: Path
) -> None:
    """The store refuses every call (a SQLite trigger, as a full disk would fail the
    write): the answer is an error, with the nodes and relationships already written."""
    with contextlib.closing(sqlite3.connect(embedded_store.path / DB_NAME)) as db:
        db.execute(
            "CREATE TRIGGER stop BEFORE INSERT ON rels WHEN NEW.type = 'CALLED' "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        db.commit()
    api = make_api(embedded_store, tmp_path / "state")
    r = api.post(
        f"{P}/ingest", "analyst", files={"file": ("b.zip", _bundle_zip(bundle))},
        data={"bundle": "synth"}, params={"lang": "en"},
    )
    assert r.status_code == 500, r.text
    body = r.json()
    graph = embedded_store.graph
    assert body["written"]["nodes"]["created"] == graph.number_of_nodes() > 0
    assert body["written"]["relationships"]["created"] == graph.number_of_edges() > 0
    assert embedded_store.counts()["relationships"]["CALLED"] == 0
    assert "upload the same bundle again" in body["detail"]
    assert "disk full" not in r.text  # a server error's text stays in the log


# -- temporary folders and paths ------------------------------------------------------------


def _temp_uploads() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("telusur-upload-*")}


@pytest.mark.parametrize(
    "case", ["ok", "missing-column", "field-limit", "no-bundle-file", "crc", "strict"]
)
def test_answers_name_no_server_path_and_leave_no_folder(
    case: str, bundle: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "s")
    api = make_api(store, tmp_path / "state")
    before = _temp_uploads()
    data = {
        "ok": lambda: _bundle_zip(bundle),
        "strict": lambda: _bundle_zip(bundle),
        "missing-column": lambda: _zip({"b/people.csv": b"name\nBudi\n"}),
        "field-limit": lambda: _zip({"b/people.csv": b"person_id,name\nP1," + HUGE}),
        "no-bundle-file": lambda: _zip({"b/readme.txt": b"hello"}),
        "crc": lambda: _malformed("crc"),
    }[case]()
    form = {"bundle": "synth", "strict": "true" if case == "strict" else "false"}
    r = api.post(f"{P}/ingest", "analyst", files={"file": ("b.zip", data)}, data=form)
    assert r.status_code == {"ok": 200, "strict": 422}.get(case, 400), r.text
    for path in (str(tmp_path), tempfile.gettempdir() + "/", "telusur-upload-", "/bundle/"):
        assert path not in r.text
    assert _left(tmp_path / "state") == []
    assert _temp_uploads() <= before
    store.close()


def test_start_up_removes_upload_folders_a_killed_run_left(tmp_path: Path) -> None:
    """A service killed while a request had unpacked a bundle leaves it on disk; the
    next start removes it, but not the folder of a request another worker is serving."""
    root = tmp_path / "state" / "uploads"
    dead = root / "telusur-upload-dead"
    (dead / "bundle" / "b").mkdir(parents=True)
    (dead / "bundle" / "b" / "people.csv").write_bytes(PEOPLE)
    store = EmbeddedStore(tmp_path / "s")
    with upload_folder(root) as live:
        (live / "upload.zip").write_bytes(b"PK")
        make_api(store, tmp_path / "state")  # a worker starting
        assert not dead.exists()
        assert (live / "upload.zip").exists()
    assert not live.exists()  # its request ended
    store.close()
