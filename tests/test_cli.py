"""The command line as a user runs it: real subprocesses, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.model import MODEL
from graph.store import EmbeddedStore
from graph_api import __version__
from viz import external_references

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]


def run(
    *args: str, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=600
    )


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"telusur {__version__}"


def test_stats_json_lists_every_label_and_type(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "s").close()  # reading commands refuse a missing store
    out = run("stats", "--json", "--store", f"embedded:{tmp_path / 's'}")
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert set(stats) == {"nodes", "relationships"}
    assert set(stats["nodes"]) == set(MODEL.labels)
    assert set(stats["relationships"]) == set(MODEL.types)
    assert not any(stats["nodes"].values())


@pytest.mark.parametrize(
    ("store", "says"),
    [
        ("mongodb://x", "unknown store"),
        ("bolt://127.0.0.1:1", "cannot reach Neo4j"),
        ("neo4j+s://127.0.0.1:1", "cannot reach Neo4j"),
        ("embedded:", "needs a path"),
    ],
)
def test_bad_store_is_one_line_and_exit_2(store: str, says: str) -> None:
    out = run("stats", "--store", store)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in out.stderr


def test_env_store_is_used(tmp_path: Path) -> None:
    import os

    EmbeddedStore(tmp_path / "env").close()  # reading commands refuse a missing store
    env = {**os.environ, "TELUSUR_STORE": f"embedded:{tmp_path / 'env'}"}
    out = subprocess.run([*CLI, "store", "check"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and str(tmp_path / "env") in out.stdout


def test_synth_ingest_protectors_render(tmp_path: Path) -> None:
    bundle = tmp_path / "jatim"
    store = f"embedded:{tmp_path / 'store'}"
    assert run("synth", str(bundle), "--seed", "4", "--scale", "0.2").returncode == 0
    truth = json.loads((bundle / "truth.json").read_text())
    ingest = run(
        "ingest",
        str(bundle),
        "--store",
        store,
        "--json",
        "--rejects",
        str(tmp_path / "rejects.csv"),
    )
    assert ingest.returncode == 0, ingest.stderr
    report = json.loads(ingest.stdout)
    assert sum(report["rejected"].values()) == len(truth["bad_rows"])
    ring, want = next(iter(truth["rings"].items()))
    out = run("protectors", f"jatim:{ring}", "--store", store, "--json")
    assert out.returncode == 0, out.stderr
    ranked = json.loads(out.stdout)
    k = len(want["protectors"])
    top = {p["id"].split(":", 1)[1] for p in ranked["protectors"][:k]}
    assert top == set(want["protectors"])
    table = run("protectors", f"jatim:{ring}", "--store", store)
    assert "Dugaan beking" in table.stdout
    page = tmp_path / "ring.html"
    out = run("render", "--ring", f"jatim:{ring}", "--out", str(page), "--store", store)
    assert out.returncode == 0, out.stderr
    html = page.read_text()
    assert external_references(html) == [] and "vis.Network" in html
    member = truth["members"][ring][0]
    out = run(
        "render",
        f"jatim:{member}",
        "--hops",
        "2",
        "--out",
        str(tmp_path / "m.html"),
        "--store",
        store,
        "--lang",
        "en",
    )
    assert out.returncode == 0 and "Neighbourhood of" in (tmp_path / "m.html").read_text()
    missing = run("render", "jatim:NOPE", "--out", str(tmp_path / "x.html"), "--store", store)
    assert missing.returncode == 1 and "no entity" in missing.stderr


def test_demo_prepares_without_serving(tmp_path: Path) -> None:
    out = run("demo", "--dir", str(tmp_path / "demo"), "--scale", "0.2", "--no-serve")
    assert out.returncode == 0, out.stderr
    for role in ("reskrim", "propam", "analyst", "admin"):
        assert role in out.stdout
    assert "Where to click first" in out.stdout
    assert "http://" not in out.stdout  # nothing listens: no address to open
    stats = json.loads(
        run("stats", "--json", "--store", f"embedded:{tmp_path / 'demo' / 'store'}").stdout
    )
    assert stats["nodes"]["Official"] > 10 and stats["relationships"]["TRANSFERRED"] > 100
