"""Users: guessable passwords refused (library and CLI), and token versions that never
come back (a user deleted and added again by the same name)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from api_helpers import PASSWORD, TestClient, build, settings

from graph.errors import InputError
from graph.store import EmbeddedStore
from graph_api.web import create_app
from graph_api.web.users import UserStore

CLI = [sys.executable, "-c", "from graph_api.cli import main; main()"]
WEAK = [
    "aaaaaaaaaaaa",  # one character
    "abababababab",  # two
    "abcabcabcabc",  # a repeated piece
    "abcdefghijkl",  # a sequence
    "123456789012",
    "qwertyuiopas",  # a keyboard row
    "Password1234",  # a common password and a sequence
    "P@ssw0rd2024",  # the same in l33t, and a year
    "iloveyou2023",
    "jakarta2024!",  # a common word, a year
    "Bhayangkara1",  # the police's own word
    "passwordpassword",
    "budi.santoso99",  # the user's name
    "santoso-rahasia",  # part of the user's name
    "osotnas.idub2024",  # the name reversed
]
STRONG = [PASSWORD, "another long password", "Kx9#mVq2!pLw", "gajah biru makan tempe"]


def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TELUSUR_PASSWORD"}
    if password is not None:
        env["TELUSUR_PASSWORD"] = password
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("password", WEAK)
def test_guessable_passwords_are_refused(tmp_path: Path, password: str) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    with pytest.raises(InputError):
        users.add("budi.santoso", role="reskrim", password=password)
    assert users.get("budi.santoso") is None
    users.add("budi.santoso", role="reskrim", password=PASSWORD)
    with pytest.raises(InputError):
        users.set_password("budi.santoso", password)
    assert users.authenticate("budi.santoso", PASSWORD) is not None  # unchanged
    users.close()


@pytest.mark.parametrize("password", STRONG)
def test_passphrases_pass(tmp_path: Path, password: str) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("budi.santoso", role="reskrim", password=password)
    assert users.authenticate("budi.santoso", password) is not None
    users.close()


def test_cli_users_add_and_passwd_refuse_guessable_passwords(tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    for weak in ("aaaaaaaaaaaa", "Password1234", "siti.rahayu2024"):
        out = cli("users", "add", "siti.rahayu", "--role", "analyst", "--state-dir", state,
                  password=weak)
        assert out.returncode == 2, out.stdout + out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("telusur: error: ")
        assert "Traceback" not in out.stderr
    assert "siti.rahayu" not in cli("users", "list", "--state-dir", state).stdout
    out = cli("users", "add", "siti.rahayu", "--role", "analyst", "--state-dir", state,
              password=PASSWORD)
    assert out.returncode == 0, out.stderr
    out = cli("users", "passwd", "siti.rahayu", "--state-dir", state, password="qwertyuiop12")
    assert out.returncode == 2 and "guess" in out.stderr
    out = cli("users", "passwd", "siti.rahayu", "--state-dir", state,
              password="another long password")
    assert out.returncode == 0, out.stderr


def test_a_user_added_again_does_not_revive_old_tokens(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    build(store)
    state = tmp_path / "state"
    app = create_app(settings(state), store=store)
    app.state.services.users.add("reskrim1", role="reskrim", password=PASSWORD)
    login = {"username": "reskrim1", "password": PASSWORD}

    def me(token: str) -> int:
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        return int(r.status_code)

    with TestClient(app) as client:
        old = client.post("/api/v1/auth/token", data=login).json()["access_token"]
        assert me(old) == 200
        # through the CLI: delete, add again by the same name and role
        assert cli("users", "delete", "reskrim1", "--state-dir", str(state)).returncode == 0
        assert me(old) == 401
        added = cli("users", "add", "reskrim1", "--role", "reskrim", "--state-dir", str(state),
                    password=PASSWORD)
        assert added.returncode == 0, added.stderr
        assert me(old) == 401
        new = client.post("/api/v1/auth/token", data=login).json()["access_token"]
        assert me(new) == 200
        # an insider deleting the row behind the service's back, then adding the name again
        with sqlite3.connect(state / "users.sqlite") as db:
            db.execute("DELETE FROM users WHERE name = 'reskrim1'")
        db.close()
        assert cli("users", "add", "reskrim1", "--role", "reskrim", "--state-dir", str(state),
                   password=PASSWORD).returncode == 0
        assert me(old) == 401 and me(new) == 401
    store.close()


def test_a_new_users_file_starts_its_versions_elsewhere(tmp_path: Path) -> None:
    """A users file made anew (same secret) does not hand out the versions of the old one."""
    first = []
    for n in range(2):
        users = UserStore(tmp_path / f"users{n}.sqlite")
        first.append(users.add("reskrim1", role="reskrim", password=PASSWORD).version)
        users.set_password("reskrim1", "another long password")
        assert users.get("reskrim1").version > first[-1]  # type: ignore[union-attr]
        users.close()
    assert first[0] != first[1]
