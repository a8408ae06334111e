"""The command line's error cases, each with its exit code and one line on stderr.

Exit codes: 1 an unknown id, or an id of the wrong kind (a person where a ring is
needed); 2 a store that cannot be used (a missing embedded store: only ``ingest``,
``demo`` and ``store init`` create one) or a bad option value. Nothing on stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from graph.store.embedded import DB_NAME
from graph_api.cli import main
from tests.queries.conftest import build


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``telusur ARGS`` in this process as the console entry point does."""
    argv, sys.argv = sys.argv, ["telusur", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def where(tmp_path: Path) -> str:
    store = EmbeddedStore(tmp_path / "s")
    build(store)
    store.close()
    return f"embedded:{tmp_path / 's'}"


WRONG_IDS = [
    (("entity", "t:nope"), "no entity 't:nope'"),
    (("timeline", "t:nope"), "no entity 't:nope'"),
    (("paths", "t:M1", "t:nope"), "no entity 't:nope'"),
    (("paths", "t:nope", "t:M1"), "no entity 't:nope'"),
    (("money", "t:nope"), "no account or account holder 't:nope'"),
    (("money", "t:K1"), "no account or account holder 't:K1'"),  # a case
    (("money", "t:M1", "--to", "t:E1"), "no account or account holder 't:E1'"),  # an event
    (("links", "t:nope"), "no official 't:nope'"),
    (("links", "t:M1"), "no official 't:M1'"),  # a person, not an official
    (("protectors", "t:nope"), "no ring 't:nope'"),
    (("protectors", "t:M1"), "no ring 't:M1'"),  # a person, not a ring
    (("expand", "t:O1"), "no ring 't:O1'"),
]


@pytest.mark.parametrize(("args", "says"), WRONG_IDS, ids=[" ".join(a) for a, _ in WRONG_IDS])
def test_an_unknown_or_wrong_kind_id_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], where: str, args: tuple[str, ...], says: str
) -> None:
    code, out, err = cli(capsys, *args, "--store", where, "--lang", "en")
    assert code == 1
    assert err.splitlines() == [f"telusur: error: {says}"]
    assert out == ""


def test_the_error_is_in_bahasa_indonesia_by_default(
    capsys: pytest.CaptureFixture[str], where: str
) -> None:
    code, out, err = cli(capsys, "links", "t:M1", "--store", where)
    assert (code, out) == (1, "")
    assert err.splitlines() == ["telusur: error: tidak ada pejabat 't:M1'"]


READERS = [
    ("stats",),
    ("store", "check"),
    ("search", "Budi"),
    ("entity", "t:M1"),
    ("paths", "t:M1", "t:O1"),
    ("money", "t:M1"),
    ("timeline", "t:M1"),
    ("links", "t:O1"),
    ("protectors", "t:R1"),
    ("expand", "t:R1"),
    ("common-contacts", "0812", "0813"),
    ("colocated", "0812"),
    ("resolve", "list"),
    ("resolve", "decisions"),
    ("render", "t:M1", "--out", "/nonexistent/m.html"),
    ("report", "--ring", "t:R1", "--out", "/nonexistent/r.pdf"),
    ("export", "graph", "t:R1", "--out", "/nonexistent/r.graphml"),
    ("ring", "create", "Jaringan Baru", "--member", "t:M1"),
]


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a) for a in READERS])
def test_a_missing_embedded_store_is_refused_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    code, out, err = cli(capsys, *args, "--store", f"embedded:{missing}")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"telusur: error: no embedded store at {missing}"
    )
    assert "telusur store init" in lines[0] and out == ""
    assert not (tmp_path / "nonexistent").exists()


def test_a_folder_without_a_store_is_refused_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "stats", "--store", f"embedded:{tmp_path}")
    assert code == 2 and "no embedded store at" in err
    assert not (tmp_path / DB_NAME).exists()


def test_store_init_creates_the_store_the_others_then_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    where = f"embedded:{tmp_path / 'new'}"
    code, out, _ = cli(capsys, "store", "init", "--store", where)
    assert code == 0 and (tmp_path / "new" / DB_NAME).is_file()
    assert out.strip() == f"ready: {tmp_path / 'new' / DB_NAME}"
    code, out, err = cli(capsys, "search", "Budi", "--json", "--store", where)
    assert (code, out.strip(), err) == (0, "[]", "")


def test_a_bad_language_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], where: str
) -> None:
    code, out, err = cli(capsys, "timeline", "t:M1", "--lang", "fr", "--store", where)
    assert (code, out) == (2, "")
    assert err.splitlines() == ["telusur: error: --lang 'fr': use id or en"]


def test_an_option_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], where: str
) -> None:
    code, out, err = cli(capsys, "paths", "t:M1", "t:O1", "--max-hops", "9", "--store", where)
    assert (code, out) == (2, "")
    assert "--max-hops" in err and "Traceback" not in err
