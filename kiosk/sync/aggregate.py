"""Anonymised counts from the progress store, per (day, lesson, lesson version, language).

For each key this module computes, from the store's append-only records:

``starts``
    learners who began the lesson afresh that day (a row in ``lesson_starts``, written by
    :meth:`ProgressStore.begin_lesson`; resuming an unfinished lesson is not a new start), each
    learner counted once per lesson per day. Not derived from attempts: a learner can open a
    lesson and leave before answering anything, and ``lesson_progress`` keeps only the latest run.
``completions``
    learners who finished it that day: a correct answer to the lesson's last step (that answer is
    what moves a learner to "done"), each learner once per day.
``reached``
    one count per step index: learners who reached that step that day — they began the lesson
    (step 0), answered the step, or answered the step before it correctly (which moved them on).

What comes out is counts only: no learner id, no free text, no time finer than a day. The day is
the store's own UTC date of the event.

Counters are *cumulative* per key and carry a *revision*: :func:`refresh` recomputes the keys
touched since it last ran (watermarks on the append-only tables' ids) and raises a key's revision
whenever its counts change, all in one transaction. The server keeps the highest revision per key,
so sending a key twice, or an old revision after a new one, changes nothing.

    >>> store = ProgressStore.in_memory(clock=lambda: dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC))
    >>> learner = store.new_guest()
    >>> _ = store.begin_lesson(learner, "pay-shop-qr", version=1, step_count=2, language="vi")
    >>> _ = store.answer(learner, "pay-shop-qr", step=0, correct=True)
    >>> refresh(store)
    1
    >>> counters(store)[("2025-11-20", "pay-shop-qr", 1, "vi")]
    Counter(revision=1, starts=1, completions=0, reached=(1, 1))
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from kiosk.progress import ProgressStore
from kiosk.protocol import MAX_FUNNEL_STEPS as MAX_STEPS  # shared with the server

Key = tuple[str, str, int, str]  # (day, lesson_id, lesson_version, language)

_ATTEMPTS_SEEN = "aggregate.attempts_seen"
_STARTS_SEEN = "aggregate.starts_seen"


@dataclass(frozen=True)
class Counts:
    starts: int
    completions: int
    reached: tuple[int, ...]


@dataclass(frozen=True)
class Counter:
    revision: int
    starts: int
    completions: int
    reached: tuple[int, ...]

    @property
    def counts(self) -> Counts:
        return Counts(self.starts, self.completions, self.reached)


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def step_count(store: ProgressStore, lesson_id: str, version: int) -> int:
    """How many steps this version of the lesson has, as the kiosk recorded it."""
    for sql in ("SELECT MAX(step_count) FROM lesson_starts WHERE lesson_id = ? AND "
                "lesson_version = ?",
                "SELECT MAX(step_count) FROM lesson_progress WHERE lesson_id = ? AND "
                "lesson_version = ?",
                "SELECT MAX(step) + 1 FROM attempts WHERE lesson_id = ? AND lesson_version = ?"):
        value = store.execute(sql, lesson_id, version).fetchone()[0]
        if value:
            return int(value)
    return 1


def compute(store: ProgressStore, key: Key) -> Counts:
    """The counts for one key, from scratch."""
    day, lesson_id, version, language = key
    steps = min(step_count(store, lesson_id, version), MAX_STEPS)
    # Learners who chose not to be counted (the not_counted table) are left out of everything.
    starters = {row[0] for row in store.execute(
        "SELECT learner_id FROM lesson_starts WHERE lesson_id = ? AND day = ? AND "
        "lesson_version = ? AND language = ? AND learner_id NOT IN "
        "(SELECT learner_id FROM not_counted)", lesson_id, day, version, language)}
    reached: list[set[str]] = [set() for _ in range(steps)]
    if steps:
        reached[0] |= starters
    finished: set[str] = set()
    for learner, step, correct in store.execute(
            "SELECT learner_id, step, correct FROM attempts WHERE lesson_id = ? AND at >= ? AND "
            "at < ? AND lesson_version = ? AND language = ? AND learner_id NOT IN "
            "(SELECT learner_id FROM not_counted)",
            lesson_id, day, _next_day(day), version, language):
        if 0 <= step < steps:
            reached[step].add(learner)
        if correct and 0 <= step + 1 < steps:
            reached[step + 1].add(learner)
        if correct and step == steps - 1:
            finished.add(learner)
    return Counts(len(starters), len(finished), tuple(len(s) for s in reached))


def _keys_since(store: ProgressStore, attempts_after: int, starts_after: int) -> set[Key]:
    keys: set[Key] = set()
    for row in store.execute(
            "SELECT DISTINCT substr(at, 1, 10), lesson_id, lesson_version, language FROM attempts "
            "WHERE id > ?", attempts_after):
        keys.add((row[0], row[1], int(row[2]), row[3]))
    for row in store.execute(
            "SELECT DISTINCT day, lesson_id, lesson_version, language FROM lesson_starts "
            "WHERE id > ?", starts_after):
        keys.add((row[0], row[1], int(row[2]), row[3]))
    return keys


def get_state(store: ProgressStore, key: str, default: str = "") -> str:
    row = store.execute("SELECT value FROM sync_state WHERE key = ?", key).fetchone()
    return str(row[0]) if row else default


def set_state(store: ProgressStore, key: str, value: str) -> None:
    """Inside a transaction."""
    store.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO "
                  "UPDATE SET value = excluded.value", key, value)


def refresh(store: ProgressStore) -> int:
    """Bring the cumulative counters up to date; returns how many keys changed (one transaction).

    Only keys with a new attempt or start since the last refresh are recomputed, so the cost
    follows what happened since, not the store's whole history.
    """
    changed = 0
    with store.transaction():
        attempts_seen = int(get_state(store, _ATTEMPTS_SEEN, "0"))
        starts_seen = int(get_state(store, _STARTS_SEEN, "0"))
        attempts_max = int(store.execute("SELECT COALESCE(MAX(id), 0) FROM attempts")
                           .fetchone()[0])
        starts_max = int(store.execute("SELECT COALESCE(MAX(id), 0) FROM lesson_starts")
                         .fetchone()[0])
        for key in sorted(_keys_since(store, attempts_seen, starts_seen)):
            changed += _save_counts(store, key, compute(store, key))
        set_state(store, _ATTEMPTS_SEEN, str(max(attempts_seen, attempts_max)))
        set_state(store, _STARTS_SEEN, str(max(starts_seen, starts_max)))
    return changed


def counters(store: ProgressStore) -> dict[Key, Counter]:
    """Every cumulative counter as last refreshed."""
    return {(row[0], row[1], int(row[2]), row[3]):
            Counter(int(row[4]), int(row[5]), int(row[6]), tuple(json.loads(row[7])))
            for row in store.execute(
                "SELECT day, lesson_id, lesson_version, language, revision, starts, "
                "completions, reached FROM sync_counters ORDER BY 1, 2, 3, 4")}


def compute_all(store: ProgressStore) -> dict[Key, Counts]:
    """Every key's counts from scratch, ignoring the counters: what they must equal."""
    return {key: compute(store, key) for key in sorted(_keys_since(store, 0, 0))}


def keys_of_learner(store: ProgressStore, learner_id: str) -> set[Key]:
    """Every counter key the learner's starts and answers count in (same day rule as aggregate:
    the stored UTC date)."""
    rows = store.execute(
        "SELECT substr(at, 1, 10), lesson_id, lesson_version, language FROM attempts "
        "WHERE learner_id = ? UNION SELECT day, lesson_id, lesson_version, language "
        "FROM lesson_starts WHERE learner_id = ?", learner_id, learner_id)
    return {(str(row[0]), str(row[1]), int(row[2]), str(row[3])) for row in rows}


def recount(store: ProgressStore, keys: set[Key], *, new_counters: bool = False) -> None:
    """Inside a transaction: recompute ``keys`` with :func:`compute` and store what changed
    with a higher revision (a deleted profile, a change of mind about being counted).

    Only counters that exist are touched unless ``new_counters``: after a deletion, a key never
    counted yet is computed from scratch by the next :func:`refresh` if anything of it is left
    (its other rows are newer than refresh's watermarks, or the counter would exist). A learner
    who says yes after saying no needs ``new_counters``: refresh has already passed their rows.
    """
    for key in sorted(keys):
        if new_counters or store.execute(
                "SELECT 1 FROM sync_counters WHERE day = ? AND lesson_id = ? AND "
                "lesson_version = ? AND language = ?", *key).fetchone() is not None:
            _save_counts(store, key, compute(store, key))


def _save_counts(store: ProgressStore, key: Key, counts: Counts) -> bool:
    """Inside a transaction: store ``counts`` for ``key`` if they differ from the counter's,
    raising its revision (the server keeps the highest). True if anything was written."""
    row = store.execute(
        "SELECT starts, completions, reached FROM sync_counters WHERE day = ? AND "
        "lesson_id = ? AND lesson_version = ? AND language = ?", *key).fetchone()
    if row is not None and Counts(int(row[0]), int(row[1]), tuple(json.loads(row[2]))) == counts:
        return False
    if row is None and not (counts.starts or counts.completions or any(counts.reached)):
        # Nothing to count (nobody, or only learners who chose not to be counted): no counter
        # at all, so an upload does not even say that a lesson was used that day.
        return False
    store.execute(
        "INSERT INTO sync_counters (day, lesson_id, lesson_version, language, revision, "
        "starts, completions, reached) VALUES (?, ?, ?, ?, 1, ?, ?, ?) "
        "ON CONFLICT (day, lesson_id, lesson_version, language) DO UPDATE SET "
        "revision = revision + 1, starts = excluded.starts, "
        "completions = excluded.completions, reached = excluded.reached",
        *key, counts.starts, counts.completions, json.dumps(list(counts.reached)))
    return True


# --- the learner's say (issue 16) ----------------------------------------------------------------
def is_counted(store: ProgressStore, learner_id: str) -> bool:
    """Does the learner count in the anonymous totals? Yes unless they said no."""
    return store.execute("SELECT 1 FROM not_counted WHERE learner_id = ?",
                         learner_id).fetchone() is None


def set_counted(store: ProgressStore, learner_id: str, counted: bool) -> None:
    """Record the learner's choice and, in the same transaction, recount every counter they were
    (or are now) part of with a higher revision: turning counting off after figures were sent
    lowers them in the next upload, exactly as deleting a profile does; turning it back on
    counts them again."""
    with store.transaction():
        if counted == is_counted(store, learner_id):
            return
        if counted:
            store.execute("DELETE FROM not_counted WHERE learner_id = ?", learner_id)
        else:
            store.execute("INSERT INTO not_counted (learner_id) VALUES (?)", learner_id)
        recount(store, keys_of_learner(store, learner_id), new_counters=True)
