"""Figures still waiting in a damaged progress file: find them, and queue them in the new store.

When the kiosk finds ``progress.db`` damaged it moves it aside (``progress.db.damaged-*``, never
deleted) and starts a fresh store (kiosk/progress.py). Batches queued in the old file, and counts
that changed there after the last batch was built, have not reached the server. This module reads
what SQLite can still read of that file and hands it to the new store's outbox, under the *old*
store's epoch and (for queued batches) their own batch ids, so the server files them with the old
store's figures and answers "duplicate" for any it already had. Nothing is counted twice.

The damaged file is never written to, moved or deleted: we read a private copy (in a temporary
folder). When SQLite cannot read even the copy's list of tables — its first 100 bytes, the header,
are garbage, or the file was cut short and the header still gives the old size — the copy gets a
sound header rebuilt from a fresh database and the file's own size, which is all SQLite needs to
read the pages that are still intact.

:func:`inspect` only reads (``sync status`` uses it); :func:`salvage_all` queues what it finds and
remembers each file it took in ``sync_state``, so it runs once per file; ``sync now``, the sync
worker, ``sync export`` and ``sync salvage`` call it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.progress import ProgressStore
from kiosk.sync.aggregate import get_state, set_state
from kiosk.sync.outbox import EPOCH, Item, Outbox, chunk

DONE = "salvage.done:"  # + file name -> what was taken from it (JSON)
_ITEM_COLUMNS = ("day, lesson_id, lesson_version, language, revision, starts, completions, "
                 "reached")


@dataclass
class Found:
    """What one damaged file still holds that the server has not confirmed."""

    path: Path
    batches: list[tuple[str, str, tuple[Item, ...]]] = field(default_factory=list)  # id, epoch
    unqueued: list[Item] = field(default_factory=list)  # counters changed since the last batch
    epoch: str | None = None  # None: the store's epoch could not be read
    lost_batches: int = 0  # queued batches whose rows SQLite could not read
    error: str = ""  # why the file (or part of it) could not be read

    @property
    def items(self) -> int:
        return sum(len(items) for _, _, items in self.batches) + len(self.unqueued)

    @property
    def readable(self) -> bool:
        return not self.error or bool(self.batches or self.unqueued)


def damaged_files(database: Path) -> list[Path]:
    """Every ``progress.db.damaged-*`` beside ``database`` (not their -wal/-shm companions)."""
    if not database.parent.is_dir():
        return []
    return sorted(p for p in database.parent.glob(f"{database.name}.damaged-*")
                  if not p.name.endswith(("-wal", "-shm")))


def pending_files(store: ProgressStore) -> list[Path]:
    """Damaged files beside the store not yet salvaged into it."""
    return [p for p in damaged_files(store.path)
            if not get_state(store, DONE + p.name)]


def losses(store: ProgressStore) -> list[tuple[str, str]]:
    """Damaged files already salvaged of which part could not be read: (file name, why). What
    was on those parts and not yet sent is lost, and ``sync status`` must keep saying so."""
    out = []
    for key, value in store.execute("SELECT key, value FROM sync_state WHERE key LIKE ? "
                                    "ORDER BY key", DONE + "%"):
        try:
            error = str(json.loads(value).get("error", ""))
        except (ValueError, AttributeError):
            error = "unknown"
        if error:
            out.append((str(key)[len(DONE):], error))
    return out


def _item(row: sqlite3.Row | tuple[object, ...]) -> Item:
    return Item(str(row[0]), str(row[1]), int(str(row[2])), str(row[3]), int(str(row[4])),
                int(str(row[5])), int(str(row[6])), tuple(json.loads(str(row[7]))))


def _header_from_fresh(size: int, page_size: int) -> bytes:
    """A sound 100-byte SQLite header for a file of ``size`` bytes with ``page_size`` pages."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "fresh.db"
        with closing(sqlite3.connect(fresh)) as conn:
            conn.execute(f"PRAGMA page_size = {page_size}")
            conn.execute("CREATE TABLE t (x)")
            conn.commit()
        header = bytearray(fresh.read_bytes()[:100])
    header[28:32] = struct.pack(">I", size // page_size)  # database size in pages
    header[32:40] = bytes(8)  # no freelist: its trunk page number may be garbage too
    header[92:96] = header[24:28]  # "valid for" = change counter, so the size above is used
    return bytes(header)


def _page_sizes(data: bytes) -> list[int]:
    """Page sizes to try: the header's own first, when it has a sound one."""
    sizes = [4096, 1024, 2048, 8192, 16384, 32768, 65536]
    if data[:16] == b"SQLite format 3\x00":
        own = struct.unpack(">H", data[16:18])[0]
        own = 65536 if own == 1 else own
        if own in sizes:
            sizes.remove(own)
            sizes.insert(0, own)
    return sizes


def _open_copy(source: Path, folder: Path) -> Iterator[sqlite3.Connection]:
    """Connections to private copies of ``source`` that SQLite might read: as it is, then with a
    rebuilt header for each possible page size, the file cut to whole pages (a truncated file
    whose header still gives the old size is "malformed" until the size matches the file)."""
    copy = folder / "copy.db"
    shutil.copyfile(source, copy)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, folder / "copy.db-wal")
    yield sqlite3.connect(copy)
    data = copy.read_bytes()
    for page_size in _page_sizes(data):
        whole = len(data) - len(data) % page_size
        if whole < page_size:
            continue
        rebuilt = folder / f"rebuilt-{page_size}.db"
        rebuilt.write_bytes(_header_from_fresh(whole, page_size) + data[100:whole])
        yield sqlite3.connect(rebuilt)


def _scratch(path: Path) -> tempfile.TemporaryDirectory[str]:
    """A private folder for the copies: beside the file when we may write there (the same disk,
    not a /tmp that may live in the Pi's memory), else the system's."""
    try:
        return tempfile.TemporaryDirectory(dir=path.parent, prefix=".salvage-")
    except OSError:
        return tempfile.TemporaryDirectory(prefix="kiosk-salvage-")


def inspect(path: Path) -> Found:
    """Read, never write, what ``path`` holds for the server."""
    found = Found(path)
    errors: list[str] = []
    try:
        with _scratch(path) as folder:
            for conn in _open_copy(path, Path(folder)):
                with closing(conn):
                    try:
                        conn.execute("SELECT name FROM sqlite_master").fetchall()
                    except sqlite3.DatabaseError as exc:
                        errors.append(str(exc))
                        continue
                    _read(conn, found)
                    return found
    except OSError as exc:  # the file itself cannot be read, or no room for the copy
        errors.insert(0, str(exc))
    found.error = errors[0] if errors else "unreadable"
    return found


def _read(conn: sqlite3.Connection, found: Found) -> None:
    """Take each part on its own, so damage in one table does not hide the others."""
    problems: list[str] = []
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (EPOCH,)).fetchone()
        # No epoch recorded: a store already in use before epochs existed, whose figures the
        # server files under '' (kiosk/progress.py V5).
        found.epoch = str(row[0]) if row else ""
    except sqlite3.DatabaseError as exc:
        problems.append(f"sync state: {exc}")
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(outbox_batches)")}
        epoch_column = "epoch" if "epoch" in columns else "''"
        ids = conn.execute(f"SELECT batch_id, {epoch_column} FROM outbox_batches "
                           "ORDER BY seq").fetchall()
    except sqlite3.DatabaseError as exc:
        problems.append(f"queued batches: {exc}")
        ids = []
    for batch_id, epoch in ids:
        try:
            rows = conn.execute(f"SELECT {_ITEM_COLUMNS} FROM outbox_items WHERE batch_id = ? "
                                "ORDER BY position", (batch_id,)).fetchall()
            items = tuple(_item(r) for r in rows)
        except (sqlite3.DatabaseError, ValueError) as exc:
            found.lost_batches += 1
            problems.append(f"batch {batch_id}: {exc}")
            continue
        if items:
            found.batches.append((str(batch_id), str(epoch), items))
    if found.epoch is None and found.batches:
        found.epoch = found.batches[0][1]  # every batch of a store carries the store's epoch
    if found.epoch is not None:
        try:
            rows = conn.execute(f"SELECT {_ITEM_COLUMNS} FROM sync_counters "
                                "WHERE revision > queued_revision ORDER BY 1, 2, 3, 4").fetchall()
            found.unqueued = [_item(r) for r in rows]
        except (sqlite3.DatabaseError, ValueError) as exc:
            problems.append(f"counters: {exc}")
    found.error = "; ".join(problems)


@dataclass(frozen=True)
class Salvaged:
    path: Path
    batches: int
    items: int
    error: str


def salvage(store: ProgressStore, found: Found, outbox: Outbox | None = None) -> Salvaged:
    """Queue what ``found`` holds in ``store``'s outbox and remember the file as done."""
    outbox = outbox or Outbox(store)
    queued = items = 0
    for batch_id, epoch, batch_items in found.batches:
        if outbox.adopt(batch_id, batch_items, epoch):
            queued += 1
            items += len(batch_items)
    if found.unqueued and found.epoch is not None:
        for group in chunk(found.unqueued, max_items=outbox.max_items,
                           max_body_bytes=outbox.max_body_bytes):
            outbox.adopt(str(uuid.uuid4()), group, found.epoch)
            queued += 1
            items += len(group)
    summary = {"batches": queued, "items": items, "error": found.error}
    with store.transaction():
        set_state(store, DONE + found.path.name, json.dumps(summary))
    return Salvaged(found.path, queued, items, found.error)


def salvage_all(store: ProgressStore) -> list[Salvaged]:
    """Every damaged file beside the store not taken yet (the in-memory store has none)."""
    if str(store.path) == ":memory:":
        return []
    return [salvage(store, inspect(path)) for path in pending_files(store)]

