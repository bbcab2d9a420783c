"""Writing files so that a power cut never leaves half of one.

>>> write_atomic(Path(folder) / "manifest.json", b"{}")
>>> write_atomic(Path(home) / "sync.json", secret_json, private=True)   # 0600 from byte one
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
