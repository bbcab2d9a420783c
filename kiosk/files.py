"""Writing files so that a power cut never leaves half of one.

>>> write_atomic(Path(folder) / "manifest.json", b"{}")
>>> write_atomic(Path(home) / "sync.json", secret_json, private=True)   # 0600 from byte one
>>> private_file(Path(home) / "data" / "server.db")    # 0600 in a 0700 folder, before SQLite
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all: a power cut (or a USB stick pulled out)
    leaves the old file or the new one. ``private``: readable by its owner only (0600) from
    the first byte, so a secret is never readable by others; otherwise 0644 where the
    filesystem has permissions at all (a FAT stick has none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates it 0600
            if not private:
                with contextlib.suppress(OSError):
                    os.fchmod(out.fileno(), 0o644)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the filesystem allows opening folders)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def private_file(path: Path) -> None:
    """Make sure ``path`` exists readable and writable by its owner only (0600), and that every
    folder made for it is 0700, whatever the umask: for databases holding secrets (the server's
    session secret and kiosk keys) or learners' progress. SQLite gives its -wal and -shm files
    the database's own mode, so creating the file first is enough for those; an existing file
    (and its -wal/-shm) is tightened too. Folders that already existed are left as they are:
    they may be shared on purpose (a home folder, the current directory)."""
    missing: list[Path] = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode passes through the umask; this does not
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        with contextlib.suppress(OSError):  # another user's file, or no permissions at all
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.chmod(f"{path}{suffix}", 0o600)
