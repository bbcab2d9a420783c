"""Aggregation: hand-computed figures per (day, lesson, version, language), revisions, privacy."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kiosk.progress import V1, ProgressStore
from kiosk.sync import aggregate
from kiosk.sync.aggregate import Counter, Counts, counters, refresh
from tests.sync.helpers import Clock, Ledger, kiosk_figures, take_lesson

DAY1 = dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(DAY1)


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    s = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    yield s
    s.close()


def begin(store: ProgressStore, learner: str, lesson: str = "pay-shop-qr", *, steps: int = 4,
          language: str = "vi", version: int = 1) -> None:
    store.begin_lesson(learner, lesson, version=version, step_count=steps, language=language)


def test_hand_computed_day(store: ProgressStore, clock: Clock) -> None:
    """Four learners, a four-step lesson, one day:

    ana   finishes (a wrong answer on step 1 first)        reaches 0 1 2 3, completes
    ben   answers step 0, then leaves on step 1            reaches 0 1
    chi   opens the lesson, leaves without answering       reaches 0
    dan   finishes, then starts it again (a second start the same day counts once) and
          answers step 0
    """
    ana, ben, chi, dan = (store.new_guest() for _ in range(4))
    begin(store, ana)
    store.answer(ana, "pay-shop-qr", step=0, correct=True)
    store.answer(ana, "pay-shop-qr", step=1, correct=False, hinted=True)
    for step in (1, 2, 3):
        store.answer(ana, "pay-shop-qr", step=step, correct=True)
    begin(store, ben)
    store.answer(ben, "pay-shop-qr", step=0, correct=True)
    begin(store, chi)
    begin(store, dan)
    for step in range(4):
        store.answer(dan, "pay-shop-qr", step=step, correct=True)
    begin(store, dan)  # done, so this is a fresh start
    store.answer(dan, "pay-shop-qr", step=0, correct=True)

    assert refresh(store) == 1
    assert counters(store) == {("2025-11-20", "pay-shop-qr", 1, "vi"):
                               Counter(revision=1, starts=4, completions=2,
                                       reached=(4, 3, 2, 2))}


def test_days_versions_and_languages_are_separate_keys(store: ProgressStore,
                                                       clock: Clock) -> None:
    ana, ben = store.new_guest(), store.new_guest()
    begin(store, ana, steps=2)
    store.answer(ana, "pay-shop-qr", step=0, correct=True)   # day 1: on step 1 now
    begin(store, ben, steps=2, language="en")
    clock.advance(days=1)
    begin(store, ana, steps=2)                                # resumes: not a new start
    store.answer(ana, "pay-shop-qr", step=1, correct=True)   # finishes on day 2
    begin(store, ben, lesson="pay-shop-qr", steps=3, version=2, language="en")  # new version
    refresh(store)
    assert {k: c.counts for k, c in counters(store).items()} == {
        ("2025-11-20", "pay-shop-qr", 1, "vi"): Counts(1, 0, (1, 1)),
        ("2025-11-20", "pay-shop-qr", 1, "en"): Counts(1, 0, (1, 0)),
        ("2025-11-21", "pay-shop-qr", 1, "vi"): Counts(0, 1, (0, 1)),  # done a day later
        ("2025-11-21", "pay-shop-qr", 2, "en"): Counts(1, 0, (1, 0, 0)),
    }


def test_revision_rises_only_when_counts_change(store: ProgressStore, clock: Clock) -> None:
    key = ("2025-11-20", "pay-shop-qr", 1, "vi")
    ana, ben = store.new_guest(), store.new_guest()
    begin(store, ana)
    refresh(store)
    assert counters(store)[key] == Counter(1, 1, 0, (1, 0, 0, 0))
    store.answer(ana, "pay-shop-qr", step=0, correct=False)  # a new attempt, same counts
    assert refresh(store) == 0 and counters(store)[key].revision == 1
    store.answer(ana, "pay-shop-qr", step=0, correct=True)
    begin(store, ben)
    assert refresh(store) == 1 and counters(store)[key] == Counter(2, 2, 0, (2, 1, 0, 0))
    assert refresh(store) == 0 and counters(store)[key].revision == 2
    # Nothing new: a refresh recomputes nothing (the watermarks moved on).
    assert aggregate._keys_since(store, int(aggregate.get_state(store, aggregate._ATTEMPTS_SEEN)),
                                 int(aggregate.get_state(store, aggregate._STARTS_SEEN))) == set()


def test_counters_equal_a_from_scratch_recount_after_real_lessons(store: ProgressStore,
                                                                  clock: Clock) -> None:
    """Real lessons through the LessonPlayer: the counters equal the test's own ledger."""
    ledger = Ledger()
    import random

    rng = random.Random(7)
    learners = [store.new_guest() for _ in range(6)]
    for _day in range(3):
        for learner in learners:
            for lesson in ("pay-shop-qr", "book-appointment"):
                take_lesson(store, clock, ledger, learner, lesson, language="zh_Hant_TW",
                            steps=rng.choice([None, 1, 3]), rng=rng)
            refresh(store) if rng.random() < 0.5 else None
        clock.advance(days=1)
    refresh(store)
    got = {k: (c.starts, c.completions, list(c.reached)) for k, c in counters(store).items()}
    assert got == ledger.figures() == kiosk_figures(store)


def test_output_holds_counts_only(store: ProgressStore) -> None:
    learner = store.new_guest()
    begin(store, learner)
    store.answer(learner, "pay-shop-qr", step=0, correct=True)
    refresh(store)
    for key, counter in counters(store).items():
        dt.date.fromisoformat(key[0])  # a date, nothing finer
        assert learner not in repr((key, counter))
        assert all(isinstance(v, int) for v in (counter.starts, counter.completions,
                                                *counter.reached))


def test_migration_from_a_v1_store_backfills_starts(tmp_path: Path, clock: Clock) -> None:
    """A kiosk already in use gets the sync tables, and its learners' runs count as starts."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in V1.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO learners VALUES ('L1', 'guest', '2025-11-19')")
    conn.execute("INSERT INTO lesson_progress VALUES ('L1', 'pay-shop-qr', 1, 'en', 1, 1, 2, "
                 "'in_progress', '2025-11-19T08:00:00+00:00', '2025-11-19T08:01:00+00:00', NULL)")
    conn.execute("INSERT INTO attempts (learner_id, lesson_id, lesson_version, language, step, "
                 "correct, hinted, at) VALUES ('L1', 'pay-shop-qr', 1, 'en', 0, 1, 0, "
                 "'2025-11-19T08:01:00+00:00')")
    conn.close()
    store = ProgressStore.open(path, clock=clock)
    try:
        refresh(store)
        assert {k: c.counts for k, c in counters(store).items()} == {
            ("2025-11-19", "pay-shop-qr", 1, "en"): Counts(1, 0, (1, 1))}
    finally:
        store.close()
