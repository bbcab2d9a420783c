"""The storage interface: one class, the same SQL on SQLite and PostgreSQL.

Example::

    >>> import tempfile
    >>> store = open_store(str(Path(tempfile.mkdtemp()) / "server.db"))
    >>> centre = store.add_centre("Wanhua Community Centre")
    >>> code = store.create_enrolment_code("Wanhua Community Centre", now=1_700_000_000)
    >>> kiosk = store.enrol(code, now=1_700_000_100)
    >>> kiosk.centre_name, store.enrol(code, now=1_700_000_200)   # a code works once
    ('Wanhua Community Centre', None)
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kiosk.server import codes
from kiosk.server.storage.backend import Backend, Row
from kiosk.server.storage.schema import MIGRATIONS, SCHEMA_VERSION, STATEMENTS, TABLES
from kiosk.server.wire import Batch

ENROLMENT_DAYS = 7
# A nonce only needs remembering while a request bearing it could still pass the freshness check:
# received at R with |T - R| <= window, a replay at R' > R + 2*window has T < R' - window.
NONCE_KEEP_SECONDS = 900


class StoreError(Exception):
    """A request to the store that cannot be met; ``str()`` says why, for a person."""


class Replayed(Exception):
    """The nonce was already used by this kiosk."""


@dataclass(frozen=True)
class Centre:
    id: str
    name: str


@dataclass(frozen=True)
class Kiosk:
    id: str
    centre_id: str
    centre_name: str
    secret: str
    revoked: bool
    enrolled_day: str
    last_seen_day: str | None


@dataclass(frozen=True)
class IngestResult:
    status: Literal["accepted", "duplicate"]
    batch_id: str
    items: int
    applied: int  # items whose revision was higher than the one already held


def day_of(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()


def week_of(day: dt.date) -> str:
    """Monday of the ISO week: sorts as text and reads as a date."""
    return (day - dt.timedelta(days=day.weekday())).isoformat()


class _Duplicate(Exception):
    pass


class Store:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        backend.run_script(STATEMENTS)
        with backend.transaction() as tx:
            if backend.name == "postgresql":  # two servers starting at once migrate once
                tx.query("SELECT pg_advisory_xact_lock(4242001)")
            rows = tx.query("SELECT value FROM meta WHERE key = 'schema_version'")
            version = int(rows[0]["value"]) if rows else SCHEMA_VERSION
            if version > SCHEMA_VERSION:
                raise StoreError(f"this database was made by a newer server (schema {version}; "
                                 f"this one knows {SCHEMA_VERSION}); run the newer version")
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number - 1]:
                    tx.execute(statement)
            tx.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       [str(SCHEMA_VERSION)])
            tx.execute("INSERT INTO meta (key, value) VALUES ('session_secret', ?) "
                       "ON CONFLICT DO NOTHING", [secrets.token_hex(32)])

    @property
    def kind(self) -> str:
        return self.backend.name

    def close(self) -> None:
        self.backend.close()

    def _one(self, sql: str, params: list[Any]) -> Row | None:
        with self.backend.transaction() as tx:
            rows = tx.query(sql, params)
        return rows[0] if rows else None

    def session_secret(self) -> str:
        row = self._one("SELECT value FROM meta WHERE key = 'session_secret'", [])
        assert row is not None
        return str(row["value"])

    # --- centres, kiosks, enrolment ---------------------------------------------------------
    def add_centre(self, name: str, *, now: float = 0) -> Centre:
        name = " ".join(name.split())
        if not name:
            raise StoreError("a centre needs a name")
        centre = Centre(id="c-" + secrets.token_hex(4), name=name)
        with self.backend.transaction() as tx:
            added = tx.execute("INSERT INTO centres (id, name, created_day) VALUES (?, ?, ?) "
                               "ON CONFLICT DO NOTHING", [centre.id, name, day_of(now)])
        if not added:
            raise StoreError(f"there is already a centre called {name!r}")
        return centre

    def centres(self) -> list[Centre]:
        with self.backend.transaction() as tx:
            rows = tx.query("SELECT id, name FROM centres ORDER BY name")
        return [Centre(id=r["id"], name=r["name"]) for r in rows]

    def create_enrolment_code(self, centre_name: str, *, now: float,
                              days: int = ENROLMENT_DAYS) -> str:
        code = codes.new_code()
        with self.backend.transaction() as tx:
            found = tx.query("SELECT id FROM centres WHERE name = ?", [centre_name])
            if not found:
                raise StoreError(f"no centre called {centre_name!r}; add it first")
            tx.execute("INSERT INTO enrolment_codes (code_hash, centre_id, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?)",
                       [codes.code_hash(code), found[0]["id"], int(now), int(now) + days * 86400])
        return code

    def enrol(self, code: str, *, now: float) -> Kiosk | None:
        """Trade a valid, unused, unexpired code for a new kiosk; None otherwise (which of the
        three is not said, so a guesser learns nothing)."""
        kiosk_id = "k-" + secrets.token_hex(6)
        secret = secrets.token_hex(32)
        with self.backend.transaction() as tx:
            rows = tx.query("SELECT e.centre_id, c.name FROM enrolment_codes e "
                            "JOIN centres c ON c.id = e.centre_id WHERE e.code_hash = ? "
                            "AND e.used_at IS NULL AND e.expires_at > ?",
                            [codes.code_hash(code), int(now)])
            if not rows:
                return None
            claimed = tx.execute("UPDATE enrolment_codes SET used_at = ?, kiosk_id = ? "
                                 "WHERE code_hash = ? AND used_at IS NULL",
                                 [int(now), kiosk_id, codes.code_hash(code)])
            if not claimed:  # another request took it between our read and our write
                return None
            tx.execute("INSERT INTO kiosks (id, centre_id, secret, enrolled_day) "
                       "VALUES (?, ?, ?, ?)", [kiosk_id, rows[0]["centre_id"], secret, day_of(now)])
        return Kiosk(kiosk_id, rows[0]["centre_id"], rows[0]["name"], secret, False, day_of(now),
                     None)

    def kiosk(self, kiosk_id: str) -> Kiosk | None:
        row = self._one("SELECT k.*, c.name AS centre_name FROM kiosks k "
                        "JOIN centres c ON c.id = k.centre_id WHERE k.id = ?", [kiosk_id])
        return None if row is None else _kiosk(row)

    def kiosks(self) -> list[Kiosk]:
        with self.backend.transaction() as tx:
            rows = tx.query("SELECT k.*, c.name AS centre_name FROM kiosks k "
                            "JOIN centres c ON c.id = k.centre_id ORDER BY c.name, k.id")
        return [_kiosk(r) for r in rows]

    def revoke_kiosk(self, kiosk_id: str) -> bool:
        with self.backend.transaction() as tx:
            return tx.execute("UPDATE kiosks SET revoked = 1 WHERE id = ?", [kiosk_id]) > 0

    def move_kiosk(self, kiosk_id: str, centre_name: str) -> Kiosk:
        """Give a kiosk to another centre (it was carried there). Its counters are not keyed by
        centre, so the releases made from now on count all it ever counted at its new centre:
        the old centre's share is taken off its later growth (see kiosk.server.releases)."""
        with self.backend.transaction() as tx:
            found = tx.query("SELECT id FROM centres WHERE name = ?", [centre_name])
            if not found:
                raise StoreError(f"no centre called {centre_name!r}; add it first")
            if not tx.execute("UPDATE kiosks SET centre_id = ? WHERE id = ?",
                              [found[0]["id"], kiosk_id]):
                raise StoreError(f"no kiosk {kiosk_id!r}")
        moved = self.kiosk(kiosk_id)
        if moved is None:  # removed in between: nothing removes kiosks, but say so if it did
            raise StoreError(f"no kiosk {kiosk_id!r}")
        return moved

    # --- managers ------------------------------------------------------------------------------
    def managers(self) -> list[tuple[str, str]]:
        """Every manager's (e-mail address, day added), by address."""
        with self.backend.transaction() as tx:
            rows = tx.query("SELECT email, created_day FROM managers ORDER BY email")
        return [(str(r["email"]), str(r["created_day"])) for r in rows]

    def set_manager_password(self, email: str, password_hash: str) -> None:
        """A new password; every session of the old one ends (a leaked one stops working)."""
        email = email.strip().lower()
        with self.backend.transaction() as tx:
            if not tx.execute("UPDATE managers SET password_hash = ? WHERE email = ?",
                              [password_hash, email]):
                raise StoreError(f"no manager {email!r}")
            tx.execute("DELETE FROM manager_sessions WHERE email = ?", [email])

    def remove_manager(self, email: str) -> None:
        email = email.strip().lower()
        with self.backend.transaction() as tx:
            if not tx.execute("DELETE FROM managers WHERE email = ?", [email]):
                raise StoreError(f"no manager {email!r}")
            tx.execute("DELETE FROM manager_sessions WHERE email = ?", [email])

    def add_manager(self, email: str, password_hash: str, *, now: float = 0) -> None:
        with self.backend.transaction() as tx:
            added = tx.execute("INSERT INTO managers (email, password_hash, created_day) "
                               "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                               [email.strip().lower(), password_hash, day_of(now)])
        if not added:
            raise StoreError(f"there is already a manager {email!r}")

    def manager_password_hash(self, email: str) -> str | None:
        row = self._one("SELECT password_hash FROM managers WHERE email = ?",
                        [email.strip().lower()])
        return None if row is None else str(row["password_hash"])

    def manager_count(self) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM managers", [])
        return int(row["n"]) if row else 0

    def start_manager_session(self, token_hash: str, email: str, *, expires_at: int,
                              now: float) -> None:
        with self.backend.transaction() as tx:
            tx.execute("DELETE FROM manager_sessions WHERE expires_at <= ?", [int(now)])
            tx.execute("INSERT INTO manager_sessions (token_hash, email, expires_at) "
                       "VALUES (?, ?, ?)", [token_hash, email, expires_at])

    def manager_session_alive(self, token_hash: str, email: str, *, now: float) -> bool:
        return self._one("SELECT 1 AS alive FROM manager_sessions WHERE token_hash = ? AND "
                         "email = ? AND expires_at > ?", [token_hash, email, int(now)]) is not None

    def end_manager_session(self, token_hash: str) -> None:
        with self.backend.transaction() as tx:
            tx.execute("DELETE FROM manager_sessions WHERE token_hash = ?", [token_hash])

    # --- ingestion -----------------------------------------------------------------------------
    def ingest(self, batch: Batch, *, nonce: str, now: float) -> IngestResult:
        """Apply one verified batch in one transaction.

        Raises :class:`Replayed` if the nonce was seen. A batch id seen before is acknowledged
        as a duplicate and changes nothing at all (its nonce is not even recorded).
        """
        kiosk_id = batch.kiosk_id
        try:
            with self.backend.transaction() as tx:
                if not tx.execute("INSERT INTO nonces (kiosk_id, nonce, seen_at) VALUES (?, ?, ?) "
                                  "ON CONFLICT DO NOTHING", [kiosk_id, nonce, int(now)]):
                    raise Replayed(nonce)
                # Per kiosk: another kiosk's batch with the same id is not a duplicate of this one.
                if not tx.execute("INSERT INTO batches (kiosk_id, batch_id, received_day, items) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                  [kiosk_id, str(batch.batch_id), day_of(now), len(batch.items)]):
                    raise _Duplicate
                applied = 0
                for item in batch.items:
                    applied += tx.execute(_UPSERT, [
                        kiosk_id, batch.epoch, item.day.isoformat(), week_of(item.day),
                        item.lesson_id, item.lesson_version, item.language, item.revision,
                        item.starts, item.completions, json.dumps(item.reached)])
                tx.execute("UPDATE kiosks SET last_seen_day = ? WHERE id = ?",
                           [day_of(now), kiosk_id])
                tx.execute("DELETE FROM nonces WHERE seen_at < ?", [int(now) - NONCE_KEEP_SECONDS])
        except _Duplicate:
            return IngestResult("duplicate", str(batch.batch_id), len(batch.items), 0)
        return IngestResult("accepted", str(batch.batch_id), len(batch.items), applied)

    def has_batch(self, kiosk_id: str, batch_id: str) -> bool:
        """This kiosk's batch with this id is stored (a second import of a bundle)."""
        return self._one("SELECT 1 AS found FROM batches WHERE kiosk_id = ? AND batch_id = ?",
                         [kiosk_id, batch_id]) is not None

    # --- reading for reports -------------------------------------------------------------------
    def cube(self, *, first_week: str, last_week: str, centre_id: str | None = None,
             language: str | None = None) -> list[Row]:
        """Starts and completions summed per (week, lesson, language, centre)."""
        where, params = _filters(first_week, last_week, centre_id, language)
        with self.backend.transaction() as tx:
            rows = tx.query(
                "SELECT c.week, c.lesson_id, c.language, k.centre_id, "
                "SUM(c.starts) AS starts, SUM(c.completions) AS completions "
                "FROM counters c JOIN kiosks k ON k.id = c.kiosk_id WHERE " + where +
                " GROUP BY c.week, c.lesson_id, c.language, k.centre_id", params)
        for row in rows:  # PostgreSQL sums integers into NUMERIC
            row["starts"], row["completions"] = int(row["starts"]), int(row["completions"])
        return rows

    def reached(self, lesson_id: str, *, first_week: str, last_week: str,
                centre_id: str | None = None, language: str | None = None) -> dict[int, list[int]]:
        """Per lesson version, learners who reached each step (summed over the filter)."""
        where, params = _filters(first_week, last_week, centre_id, language)
        with self.backend.transaction() as tx:
            rows = tx.query("SELECT c.lesson_version, c.reached FROM counters c "
                            "JOIN kiosks k ON k.id = c.kiosk_id WHERE c.lesson_id = ? AND "
                            + where, [lesson_id, *params])
        funnels: dict[int, list[int]] = {}
        for row in rows:
            funnel = funnels.setdefault(int(row["lesson_version"]), [])
            for index, count in enumerate(json.loads(row["reached"])):
                if index == len(funnel):
                    funnel.append(0)
                funnel[index] += int(count)
        return funnels

    def counters(self) -> list[Row]:
        """Every counter row (tests, audits and the property checks compare against these).

        A kiosk may have several rows per (day, lesson, version, language), one per epoch (one
        per progress store it has had): its figure for that key is their sum."""
        with self.backend.transaction() as tx:
            return tx.query("SELECT kiosk_id, epoch, day, lesson_id, lesson_version, language, "
                            "revision, starts, completions, reached FROM counters ORDER BY "
                            "kiosk_id, day, lesson_id, lesson_version, language, epoch")

    def snapshot(self) -> dict[str, list[Row]]:
        """Every row of every table, sorted: two snapshots are equal iff nothing was stored."""
        out: dict[str, list[Row]] = {}
        with self.backend.transaction() as tx:
            for table in TABLES:
                rows = tx.query(f"SELECT * FROM {table}")
                out[table] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
        return out


_UPSERT = """
INSERT INTO counters (kiosk_id, epoch, day, week, lesson_id, lesson_version, language, revision,
                      starts, completions, reached)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (kiosk_id, epoch, day, lesson_id, lesson_version, language) DO UPDATE SET
    revision = excluded.revision, starts = excluded.starts, completions = excluded.completions,
    reached = excluded.reached
WHERE excluded.revision > counters.revision
"""


def _filters(first_week: str, last_week: str, centre_id: str | None,
             language: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["c.week >= ?", "c.week <= ?"], [first_week, last_week]
    if centre_id:
        clauses.append("k.centre_id = ?")
        params.append(centre_id)
    if language:
        clauses.append("c.language = ?")
        params.append(language)
    return " AND ".join(clauses), params


def _kiosk(row: Row) -> Kiosk:
    return Kiosk(id=row["id"], centre_id=row["centre_id"], centre_name=row["centre_name"],
                 secret=row["secret"], revoked=bool(row["revoked"]),
                 enrolled_day=row["enrolled_day"], last_seen_day=row["last_seen_day"])


def open_store(db: str) -> Store:
    """A ``postgresql://`` (or ``postgres://``) URL opens PostgreSQL; anything else is a file."""
    if db.startswith(("postgresql://", "postgres://")):
        from kiosk.server.storage.postgres import PostgresBackend  # only needed for PostgreSQL

        return Store(PostgresBackend(db))
    from kiosk.server.storage.sqlite import SqliteBackend

    return Store(SqliteBackend(Path(db).expanduser()))
