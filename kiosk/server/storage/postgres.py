"""PostgreSQL backend through psycopg 3 and a small connection pool, for a region or a country.

Each transaction borrows a connection; ``INSERT ... ON CONFLICT`` on the batch id, the nonce and
the counter key makes concurrent uploads (even of the same batch) safe at READ COMMITTED: the
second insert waits for the first to commit and then finds the row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from kiosk.server.storage.backend import Row


def _placeholders(sql: str) -> str:
    # The store's SQL never contains a literal "?" or "%", so this rewrite is exact.
    return sql.replace("?", "%s")


class _PostgresTx:
    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(_placeholders(sql), list(params))
            return cursor.rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.conn.cursor() as cursor:
            cursor.execute(_placeholders(sql), list(params))
            return list(cursor.fetchall())


class PostgresBackend:
    name = "postgresql"

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self.url = url
        self.pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url, min_size=1, max_size=max_size, open=True, timeout=30,
            kwargs={"autocommit": True, "row_factory": dict_row},
        )

    @contextmanager
    def transaction(self) -> Iterator[_PostgresTx]:
        with self.pool.connection() as conn, conn.transaction():
            yield _PostgresTx(conn)

    def run_script(self, statements: Sequence[str]) -> None:
        with self.transaction() as tx:
            # Two servers starting at once must not both create the tables.
            tx.execute("SELECT pg_advisory_xact_lock(4242001)")
            for statement in statements:
                tx.execute(statement)

    def close(self) -> None:
        self.pool.close()
