"""SQLite backend through sqlite-utils: the embedded default, one file, nothing to install.

One connection guarded by a lock: SQLite takes one writer at a time anyway, and a single connection
means ``BEGIN IMMEDIATE`` never meets ``SQLITE_BUSY`` from a sibling in the same process. WAL lets
other processes (a backup, ``sqlite3`` in a shell, the tests) read while the server writes, and
``synchronous=FULL`` means an acknowledged batch survives a power cut — the kiosk deletes a batch
from its outbox once acknowledged, so losing it afterwards would lose it for good.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.files import private_file
from kiosk.server.storage.backend import Row


class _SqliteTx:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = self.db.execute(sql, list(params))
        return int(cursor.rowcount)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.db.query(sql, list(params)))


class SqliteBackend:
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        # The session secret and every kiosk's HMAC key are in here: owner only, from byte one.
        private_file(path)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None,
                               check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.path = path
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[_SqliteTx]:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.db)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def run_script(self, statements: Sequence[str]) -> None:
        with self.transaction() as tx:
            for statement in statements:
                tx.execute(statement)

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()
