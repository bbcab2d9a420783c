"""Files holding secrets or learners' progress are created 0600 in 0700 folders whatever the
umask (issue 9, part 4): server.db (session secret, every kiosk's HMAC key) and progress.db,
as the real CLI creates them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT


def run(umask: int, *args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})},
                          preexec_fn=lambda: os.umask(umask))
    assert done.returncode in (0, 1), done.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_files(database: Path) -> dict[str, int]:
    return {p.name: mode(p) for p in database.parent.iterdir()
            if p.name.startswith(database.name)}


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_server_db_is_0600_in_a_0700_folder(tmp_path: Path, umask: int) -> None:
    database = tmp_path / "data" / "server" / "server.db"
    run(umask, "server", "add-centre", "Wanhua", "--db", str(database))
    assert private_files(database) and set(private_files(database).values()) == {0o600}, \
        private_files(database)
    assert mode(database.parent) == mode(database.parent.parent) == 0o700


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_progress_db_is_0600_in_a_0700_folder(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "kiosk" / "home"
    run(umask, "sync", "status", env={"KIOSK_HOME": str(home)})
    database = home / "progress.db"
    assert database.exists()
    assert set(private_files(database).values()) == {0o600}, private_files(database)
    assert mode(home) == mode(home.parent) == 0o700
    # A damaged file moved aside: the fresh one is private too.
    database.write_bytes(b"not a database" * 100)
    os.chmod(database, 0o644)
    run(umask, "sync", "now", env={"KIOSK_HOME": str(home)})
    assert set(private_files(database).values()) == {0o600}, private_files(database)
