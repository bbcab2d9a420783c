"""The progress store: where every learner's place in every lesson is kept, on the kiosk only.

One SQLite file under ``KIOSK_HOME``, opened through sqlite-utils. It is built to survive the plug
being pulled at any moment:

- WAL journal and ``synchronous=FULL`` on every connection, so a committed step is on disk;
- one transaction per answered step (the attempt and the new position together, or neither);
- the schema version in ``PRAGMA user_version`` with forward-only migrations;
- a file that cannot be read is moved aside (never deleted) and a fresh one started, with a notice
  for the volunteers: the kiosk never refuses to start because of its database.

Example::

    >>> store = ProgressStore.open(Path(tmp) / "progress.db")
    >>> learner = store.new_guest()
    >>> store.begin_lesson(learner, "pay-shop-qr", version=1, step_count=9, language="en").step
    0
    >>> store.answer(learner, "pay-shop-qr", step=0, correct=True).step
    1
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.files import private_file
from kiosk.i18n import _

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StorageError(Exception):
    """Progress could not be saved. ``str()`` is a message a volunteer can act on."""


class DamagedStore(StorageError):
    """The file is damaged and the caller asked not to move it aside; ``str()`` is SQLite's
    own words for the damage."""


# Each migration takes the schema from version N-1 to N and runs inside one transaction together
# with the ``user_version`` bump. Append only; never edit a shipped migration. They are plain SQL
# because sqlite-utils' table helpers commit on their own, which would split a migration in two.
V1 = """
        CREATE TABLE learners (
            id TEXT PRIMARY KEY,            -- random, says nothing about the person
            kind TEXT NOT NULL,             -- 'guest' (profiles come later)
            created_day TEXT NOT NULL
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            lesson_id TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE INDEX sessions_open ON sessions(ended_at);
        CREATE TABLE lesson_progress (
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            lesson_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            step INTEGER NOT NULL,          -- 0-based step the learner is on, step_count when done
            furthest_step INTEGER NOT NULL,
            step_count INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            completed_at TEXT,
            PRIMARY KEY (learner_id, lesson_id)
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            lesson_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            step INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            hinted INTEGER NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX attempts_by_lesson ON attempts(lesson_id, at);
"""


# V2: what the sync needs (kiosk/sync/). ``lesson_starts`` gets one row each time a learner begins
# a lesson afresh (not when they resume), because lesson_progress keeps only the latest run and
# attempts say nothing about opening a lesson; existing runs are copied in. The other tables are
# the sync's own: cumulative counters per key with their revision, the outbox of batches (and
# their items) waiting for the server's acknowledgement, and small key/value state.
V2 = """
        CREATE TABLE lesson_starts (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            lesson_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            step_count INTEGER NOT NULL,
            day TEXT NOT NULL
        );
        CREATE INDEX lesson_starts_by_lesson ON lesson_starts(lesson_id, day);
        INSERT INTO lesson_starts (learner_id, lesson_id, lesson_version, language, step_count,
                                   day)
            SELECT learner_id, lesson_id, lesson_version, language, step_count,
                   substr(started_at, 1, 10) FROM lesson_progress ORDER BY started_at;
        CREATE TABLE sync_counters (
            day TEXT NOT NULL,
            lesson_id TEXT NOT NULL,
            lesson_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            revision INTEGER NOT NULL,
            starts INTEGER NOT NULL,
            completions INTEGER NOT NULL,
            reached TEXT NOT NULL,
            queued_revision INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, lesson_id, lesson_version, language)
        );
        CREATE TABLE outbox_batches (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'refused')),
            created_at TEXT NOT NULL,
            item_count INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            exported_at TEXT,
            refused_at TEXT,
            errors TEXT
        );
        CREATE TABLE outbox_items (
            batch_id TEXT NOT NULL REFERENCES outbox_batches(batch_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            day TEXT NOT NULL,
            lesson_id TEXT NOT NULL,
            lesson_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            revision INTEGER NOT NULL,
            starts INTEGER NOT NULL,
            completions INTEGER NOT NULL,
            reached TEXT NOT NULL,
            PRIMARY KEY (batch_id, position)
        );
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
"""

# V3: learner profiles (kiosk/profiles.py), wrong-PIN counts and help requests. A profile is a
# learner of kind 'profile' (learners.kind has no CHECK, so V1's table takes it as it is) with a
# picture and a PIN hash. Deleting the learner deletes the profile and their help requests too
# (ON DELETE CASCADE; foreign_keys is ON on every connection). Wrong PINs are counted per picture,
# not per learner, so trying a picture says nothing about who has it, and the count is kept here
# so that restarting the kiosk does not end a pause. At most one open help request per learner:
# the partial unique index makes repeated taps on "Help" harmless even if two of them race.
V3 = """
        CREATE TABLE profiles (
            learner_id TEXT PRIMARY KEY REFERENCES learners(id) ON DELETE CASCADE,
            picture TEXT NOT NULL,
            pin_hash TEXT NOT NULL,
            text_size TEXT NOT NULL,
            high_contrast INTEGER NOT NULL,
            language TEXT,
            created_at TEXT NOT NULL,
            last_seen_at TEXT
        );
        CREATE INDEX profiles_by_picture ON profiles(picture);
        CREATE TABLE pin_failures (
            picture TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failed_at TEXT NOT NULL
        );
        CREATE TABLE help_requests (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            lesson_id TEXT,
            step INTEGER,
            screen TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE UNIQUE INDEX help_requests_open ON help_requests(learner_id)
            WHERE resolved_at IS NULL
"""

# V4: how a help request was closed: 'helped' (a volunteer tapped "Helped") or 'left' (the learner
# left before anyone came: "I have finished", sign out or the idle timeout). A request still open
# must mean someone is at the kiosk waiting (issue 15).
V4 = """
        ALTER TABLE help_requests ADD COLUMN closed_because TEXT
"""

# V5: the store's sync *epoch* (docs/SYNC.md "A replaced progress store"). Counter revisions count
# up within one store; a store started afresh after damage begins again at revision 1, so the
# server keys every counter by (kiosk, epoch, day, lesson, version, language) and adds epochs up.
# A fresh store gets a random epoch. A store already in use keeps '' — the server filed its
# figures under '' before epochs existed, and a new epoch would count them twice. Each queued
# batch keeps the epoch it was built under, so batches recovered from a damaged file go out
# under their own store's epoch even when its sync_state cannot be read.
V5 = """
        ALTER TABLE outbox_batches ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
        INSERT INTO sync_state (key, value)
            SELECT 'sync.epoch', lower(hex(randomblob(16)))
            WHERE NOT EXISTS (SELECT 1 FROM sync_counters)
              AND NOT EXISTS (SELECT 1 FROM outbox_batches)
              AND NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'sync.last_success')
"""

# V6: the before-and-after checks (kiosk/check_results.py, issue 11). One row per learner, topic
# and phase ('before' or 'after'): which form, how many items it had and were right, the
# confidence answer (1-4), and the day only — no finer time, as for lesson_starts. A skipped
# check is a row too, so the kiosk does not offer it again and the statistics can say who did
# both. Each item's first answer is kept (check_answers) for "Now you can: ..." and for the item
# statistics authors use to retire bad items (tools/check_items.py). Both go with the learner.
V6 = """
        CREATE TABLE checks (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            form TEXT NOT NULL CHECK (form IN ('a', 'b')),
            form_version INTEGER NOT NULL,
            phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
            language TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'done', 'skipped')),
            item_count INTEGER NOT NULL,
            items_right INTEGER,
            confidence INTEGER CHECK (confidence BETWEEN 1 AND 4),
            day TEXT NOT NULL,
            UNIQUE (learner_id, topic, phase)
        );
        CREATE TABLE check_answers (
            check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
            item INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            PRIMARY KEY (check_id, item)
        )
"""

# V7: the learner's say over being counted (issue 16). A learner listed here chose "Count my
# lessons in the anonymous totals: off": their starts, answers and finishes never enter the sync
# counters (kiosk/sync/aggregate.py). Their own progress is kept as for anyone. Goes with the
# learner (ON DELETE CASCADE); a guest's choice ends with the guest.
V7 = """
        CREATE TABLE not_counted (
            learner_id TEXT PRIMARY KEY REFERENCES learners(id) ON DELETE CASCADE
        )
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    lesson_version: int
    step: int  # 0-based index of the step the learner is on (== step_count when done)
    furthest_step: int
    step_count: int
    status: str  # "in_progress" or "done"
    language: str = ""

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class ActiveSession:
    """Who was using the kiosk when it stopped, and where, so a restart can bring them back."""

    session_id: int
    learner_id: str
    lesson_id: str | None


def _connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    db = sqlite_utils.Database(conn)
    # These must be set on every connection: synchronous is per connection, not stored in the file.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _readable(db: sqlite_utils.Database) -> None:
    """Raise sqlite3.DatabaseError unless the file is a sound SQLite database."""
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"quick_check: {result}")


class ProgressStore:
    """Learners, their place in each lesson, and every answer, in one SQLite file."""

    def __init__(self, db: sqlite_utils.Database, path: Path, *, clock: Clock = utc_now,
                 notices: list[str] | None = None) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.notices: list[str] = notices or []

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now,
             move_damaged: bool = True) -> ProgressStore:
        """Open (or create) the store. A damaged file is moved aside and a fresh one started.

        ``move_damaged=False`` is for commands that only look (``sync status``): a damaged file
        raises :class:`DamagedStore` and stays exactly where it is."""
        try:
            # Learners' progress and PIN hashes: owner only (0600, new folders 0700), whatever
            # the umask of whoever runs the kiosk or its CLI.
            private_file(path)
        except OSError as exc:
            raise StorageError(_storage_message(exc)) from exc
        notices: list[str] = []
        try:
            db = _connect(path)
            _readable(db)
            _migrate(db)
        except sqlite3.OperationalError as exc:
            # Not damage (a read-only or full disk, a permission): moving the file would not help.
            raise StorageError(_storage_message(exc)) from exc
        except sqlite3.DatabaseError as exc:
            with suppress(Exception):
                db.conn.close()
            if not move_damaged:
                raise DamagedStore(str(exc)) from exc
            moved = _move_aside(path, clock())
            message = _("The progress file could not be read ({error}). It was moved to "
                        "{path} and a new one was started. Learners' earlier progress is in "
                        "that file; please tell the programme's technical contact.").format(
                            error=exc, path=moved)
            log.error(message)
            notices.append(message)
            private_file(path)  # the fresh file too
            db = _connect(path)
            _migrate(db)
        return cls(db, path, clock=clock, notices=notices)

    @classmethod
    def in_memory(cls, *, clock: Clock = utc_now, notice: str = "") -> ProgressStore:
        """A store that forgets everything at exit: the last resort when the disk cannot be used,
        so that a learner can still take a lesson."""
        db = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
        # As on disk: deleting a profile must take its progress and help requests with it.
        db.execute("PRAGMA foreign_keys=ON")
        _migrate(db)
        return cls(db, Path(":memory:"), clock=clock, notices=[notice] if notice else [])

    def close(self) -> None:
        self.db.conn.close()

    # --- learners and sessions ---------------------------------------------------------------
    def new_guest(self) -> str:
        """Create a guest learner. The id is random: it says nothing about the person."""
        learner_id = uuid.uuid4().hex
        with self._transaction():
            self._execute("INSERT INTO learners (id, kind, created_day) VALUES (?, 'guest', ?)",
                          learner_id, self.clock().date().isoformat())
        return learner_id

    def start_session(self, learner_id: str) -> int:
        """Mark ``learner_id`` as the one using the kiosk now, ending any earlier session."""
        now = self._now()
        with self._transaction():
            self._execute("UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL", now)
            cursor = self._execute(
                "INSERT INTO sessions (learner_id, started_at) VALUES (?, ?)", learner_id, now)
        return int(cursor.lastrowid or 0)

    def active_session(self) -> ActiveSession | None:
        row = self.db.execute(
            "SELECT id, learner_id, lesson_id FROM sessions WHERE ended_at IS NULL "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return ActiveSession(row[0], row[1], row[2]) if row else None

    def end_session(self) -> None:
        """The learner has left: the next person starts on a blank welcome screen."""
        with self._transaction():
            self._execute("UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL", self._now())

    # --- lessons -----------------------------------------------------------------------------
    def begin_lesson(self, learner_id: str, lesson_id: str, *, version: int, step_count: int,
                     language: str) -> LessonProgress:
        """Open a lesson: resume where the learner was, or start it (again, if it was done)."""
        now = self._now()
        with self._transaction():
            current = self.progress(learner_id, lesson_id)
            if current is None or current.done or current.lesson_version != version:
                # A new version may have different steps, so an old position means nothing.
                self._execute(
                    "INSERT OR REPLACE INTO lesson_progress (learner_id, lesson_id, "
                    "lesson_version, language, step, furthest_step, step_count, status, "
                    "started_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, 'in_progress', ?, ?)",
                    learner_id, lesson_id, version, language, step_count, now, now)
                self._execute(
                    "INSERT INTO lesson_starts (learner_id, lesson_id, lesson_version, language, "
                    "step_count, day) VALUES (?, ?, ?, ?, ?, ?)",
                    learner_id, lesson_id, version, language, step_count, now[:10])
            self._execute(
                "UPDATE sessions SET lesson_id = ? WHERE ended_at IS NULL AND learner_id = ?",
                lesson_id, learner_id)
        progress = self.progress(learner_id, lesson_id)
        assert progress is not None
        return progress

    def answer(self, learner_id: str, lesson_id: str, *, step: int, correct: bool,
               hinted: bool = False, move_on: bool = True) -> LessonProgress:
        """Record one answer. A correct answer opens the way to the next step (``furthest_step``)
        and, with ``move_on``, moves the learner's place there (an explain step is answered by
        tapping Next). The player answers a practice step with ``move_on=False``: its feedback
        is on screen, so the place stays on it and a restart reopens the answered step, not the
        next, unseen one. A correct answer to the last step finishes the lesson.

        The attempt and the new position are written in one transaction, so after a power cut
        either both are there or neither is.
        """
        with self._transaction():
            current = self._require(learner_id, lesson_id)
            self._execute(
                "INSERT INTO attempts (learner_id, lesson_id, lesson_version, language, step, "
                "correct, hinted, at) SELECT learner_id, lesson_id, lesson_version, language, "
                "?, ?, ?, ? FROM lesson_progress WHERE learner_id = ? AND lesson_id = ?",
                step, int(correct), int(hinted), self._now(), learner_id, lesson_id)
            if correct and step == current.step and not current.done:
                finished = step + 1 >= current.step_count
                self._move(learner_id, lesson_id, current,
                           step + 1 if move_on or finished else step, reached=step + 1)
        return self._require(learner_id, lesson_id)

    def go_to_step(self, learner_id: str, lesson_id: str, step: int) -> LessonProgress:
        """Move back (or forward, up to the furthest step reached), e.g. for the Back button."""
        with self._transaction():
            current = self._require(learner_id, lesson_id)
            step = max(0, min(step, current.furthest_step, current.step_count - 1))
            self._move(learner_id, lesson_id, current, step)
        return self._require(learner_id, lesson_id)

    def set_language(self, learner_id: str, lesson_id: str, language: str) -> None:
        with self._transaction():
            self._execute(
                "UPDATE lesson_progress SET language = ? WHERE learner_id = ? AND lesson_id = ?",
                language, learner_id, lesson_id)

    def progress(self, learner_id: str, lesson_id: str) -> LessonProgress | None:
        row = self.db.execute(
            "SELECT lesson_id, lesson_version, step, furthest_step, step_count, status, "
            "language FROM lesson_progress WHERE learner_id = ? AND lesson_id = ?",
            [learner_id, lesson_id],
        ).fetchone()
        return LessonProgress(*row) if row else None

    def all_progress(self, learner_id: str) -> dict[str, LessonProgress]:
        rows = self.db.execute(
            "SELECT lesson_id, lesson_version, step, furthest_step, step_count, status, "
            "language FROM lesson_progress WHERE learner_id = ?",
            [learner_id],
        ).fetchall()
        return {row[0]: LessonProgress(*row) for row in rows}

    def attempts(self, learner_id: str, lesson_id: str) -> list[dict[str, Any]]:
        return list(self.db["attempts"].rows_where(
            "learner_id = ? AND lesson_id = ?", [learner_id, lesson_id], order_by="id"))

    # --- for the sync (kiosk/sync/) ------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[None]:
        """One ``BEGIN IMMEDIATE`` transaction for a caller's own plain-SQL writes (the sync's
        counters and outbox live in this file too, so one state change is one transaction)."""
        return self._transaction()

    def execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        """Plain SQL, for use inside :meth:`transaction` (or for reads)."""
        return self._execute(sql, *params)

    # --- internals ---------------------------------------------------------------------------
    def _move(self, learner_id: str, lesson_id: str, current: LessonProgress, step: int, *,
              reached: int | None = None) -> None:
        """Put the learner's place at ``step``; the way is open up to ``reached`` (default:
        ``step``)."""
        now = self._now()
        finished = step >= current.step_count
        self._execute(
            "UPDATE lesson_progress SET step = ?, furthest_step = max(furthest_step, ?), "
            "status = ?, updated_at = ?, completed_at = CASE WHEN ? THEN ? ELSE completed_at END "
            "WHERE learner_id = ? AND lesson_id = ?",
            step, max(step, reached or 0), "done" if finished else "in_progress", now, finished,
            now, learner_id, lesson_id)

    def _require(self, learner_id: str, lesson_id: str) -> LessonProgress:
        progress = self.progress(learner_id, lesson_id)
        if progress is None:
            raise KeyError(f"learner has not begun lesson {lesson_id!r}")
        return progress

    def _execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        """Plain SQL for writes: sqlite-utils' insert helpers commit by themselves, which would
        end the surrounding transaction early."""
        cursor: sqlite3.Cursor = self.db.conn.execute(sql, params)
        return cursor

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One ``BEGIN IMMEDIATE`` transaction; a full or failing disk becomes a StorageError."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                # SQLite may already have rolled back by itself (it does on some SQLITE_FULL and
                # I/O errors); a ROLLBACK then would hide the real error behind "no transaction".
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise StorageError(_storage_message(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise StorageError(_storage_message(exc)) from exc


def _storage_message(exc: sqlite3.Error | OSError) -> str:
    # Learners read these: plain words, translated, and the lesson always goes on.
    text = str(exc).lower()
    if "full" in text:
        return _("The kiosk's storage is full, so this step was not saved. The lesson still "
                 "works. Please ask a volunteer to free some space.")
    if "locked" in text or "busy" in text:
        return _("The progress file is busy. This step was not saved. Please try again.")
    return _("This step could not be saved ({error}). The lesson still works. Please tell a "
             "volunteer.").format(error=exc)


def _migrate(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"made by a newer version of the kiosk (schema {version}, this one knows "
            f"{SCHEMA_VERSION})")
    for number in range(version, SCHEMA_VERSION):
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Statement by statement: executescript() would commit the open transaction first.
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _move_aside(path: Path, now: dt.datetime) -> Path:
    """Rename a damaged database (and its WAL files) out of the way; never delete data."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{target}{suffix}"))
    return target
