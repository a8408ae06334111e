"""The command line starts without importing what the command does not use.

Each case runs the console entry point in a fresh interpreter and lists the
modules it loaded: ``--version`` and ``--help`` need neither the web framework nor
the stores' libraries, and a store command does not load the web framework.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph_api.cli._web_cmds import ROLES_HELP
from graph_api.web.security import ROLES

ROOT = Path(__file__).resolve().parents[1]
#: runs ``telusur`` with the given arguments, then prints the top-level packages loaded
PROBE = """
import json, sys
sys.argv = ["telusur", *json.loads(sys.argv[1])]
from graph_api.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""
WEB = {"fastapi", "uvicorn", "starlette", "jinja2", "pyvis"}
STORES = {"networkx", "neo4j"}


def loaded(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    line = out.stderr.rsplit("MODULES ", 1)[1]
    return set(json.loads(line))


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("audit", "--help")])
def test_version_and_help_load_no_web_framework_and_no_store(args: tuple[str, ...]) -> None:
    mods = loaded(*args)
    assert "typer" in mods or args == ("--version",)  # the probe does run the command line
    assert not mods & (WEB | STORES | {"rich", "queries", "ingest", "viz"})


def test_a_store_command_loads_no_web_framework(tmp_path: Path) -> None:
    from graph.store import EmbeddedStore

    EmbeddedStore(tmp_path / "store").close()  # reading commands refuse a missing store
    mods = loaded("stats", "--json", "--store", f"embedded:{tmp_path / 'store'}")
    assert "graph" in mods
    assert not mods & WEB


def test_a_command_on_the_embedded_store_does_not_load_the_neo4j_driver(tmp_path: Path) -> None:
    from graph.store import EmbeddedStore

    EmbeddedStore(tmp_path / "store").close()
    mods = loaded("stats", "--json", "--store", f"embedded:{tmp_path / 'store'}")
    assert "graph" in mods and "sqlite3" in mods  # the probe did open the store
    assert "neo4j" not in mods


def test_the_role_help_names_every_role() -> None:
    assert ROLES_HELP == "|".join(ROLES)
