"""What the store needs from a database: a transaction that can run SQL and return rows as dicts.

SQL is written once, with ``?`` placeholders and only syntax that SQLite (3.24+) and PostgreSQL
(9.5+) both understand — ``INSERT ... ON CONFLICT``, plain types, no ``AUTOINCREMENT`` — so the
two backends differ only in how they connect, lock and spell placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

Row = dict[str, Any]


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one query; return every row as a dict keyed by column name."""


class Backend(Protocol):
    name: str  # "sqlite" or "postgresql"

    def transaction(self) -> AbstractContextManager[Tx]:
        """Everything inside commits together, or (on any exception) not at all."""

    def run_script(self, statements: Sequence[str]) -> None:
        """Run schema statements, each idempotent (``IF NOT EXISTS``)."""

    def close(self) -> None: ...


def split_script(script: str) -> Iterator[str]:
    for statement in script.split(";"):
        if statement.strip():
            yield statement.strip()
