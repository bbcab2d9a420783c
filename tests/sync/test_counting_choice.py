"""The learner's say over being counted (issue 16), through the real store, aggregates and
outbox: what the next upload carries is what a server would receive."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.profiles import Profiles
from kiosk.progress import ProgressStore
from kiosk.sync import aggregate
from kiosk.sync.outbox import Outbox
from tests.sync.helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    s = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    yield s
    s.close()


@pytest.fixture
def day(clock: Clock) -> str:
    """The store's own (UTC) day of the lessons taken first in each test."""
    return clock().date().isoformat()


def take_lesson(store: ProgressStore, learner: str, lesson: str = "pay-shop-qr",
                language: str = "vi", finish: bool = True) -> None:
    store.begin_lesson(learner, lesson, version=1, step_count=3, language=language)
    for step in range(3 if finish else 1):
        store.answer(learner, lesson, step=step, correct=True)


def upload(store: ProgressStore) -> list[tuple]:
    """Every item the next upload would carry: (key, revision, counts)."""
    box = Outbox(store)
    ids = box.refresh_and_build()
    return [(item.key, item.revision, item.starts, item.completions, item.reached)
            for batch in box.pending() if batch.batch_id in ids for item in batch.items]


def test_a_learner_who_is_not_counted_changes_nothing_in_the_next_upload(
        store: ProgressStore, clock: Clock, day: str) -> None:
    counted, quiet = store.new_guest(), store.new_guest()
    take_lesson(store, counted)
    aggregate.set_counted(store, quiet, False)
    assert not aggregate.is_counted(store, quiet) and aggregate.is_counted(store, counted)
    take_lesson(store, quiet)  # the same lesson, language and day
    take_lesson(store, quiet, lesson="video-visit", language="id")  # and one nobody else took
    sent = upload(store)
    assert sent == [((day, "pay-shop-qr", 1, "vi"), 1, 1, 1, (1, 1, 1))], sent
    # Not even an empty item for video-visit in Indonesian: that alone would say someone used it.
    # Their own progress is kept as anyone's.
    assert store.progress(quiet, "video-visit").done


def test_turning_it_off_later_lowers_the_counts_sent_and_on_again_raises_them(
        store: ProgressStore, clock: Clock, day: str) -> None:
    first, second = store.new_guest(), store.new_guest()
    take_lesson(store, first)
    take_lesson(store, second)
    assert upload(store) == [((day, "pay-shop-qr", 1, "vi"), 1, 2, 2, (2, 2, 2))]
    clock.advance(days=3)
    aggregate.set_counted(store, second, False)  # a change of mind, after the figures were sent
    assert upload(store) == [((day, "pay-shop-qr", 1, "vi"), 2, 1, 1, (1, 1, 1))]
    aggregate.set_counted(store, second, False)  # saying it twice changes nothing
    assert upload(store) == []
    aggregate.set_counted(store, second, True)
    assert upload(store) == [((day, "pay-shop-qr", 1, "vi"), 3, 2, 2, (2, 2, 2))]


def test_the_choice_goes_with_a_deleted_profile_and_deleting_still_recounts(
        store: ProgressStore, clock: Clock, day: str) -> None:
    profiles = Profiles(store)
    learner = profiles.create("sun", "1357", language="vi").learner_id
    other = store.new_guest()
    take_lesson(store, learner)
    take_lesson(store, other)
    assert upload(store)[0][2] == 2
    aggregate.set_counted(store, learner, False)
    profiles.delete(learner)
    assert store.execute("SELECT COUNT(*) FROM not_counted").fetchone()[0] == 0
    assert upload(store) == [((day, "pay-shop-qr", 1, "vi"), 2, 1, 1, (1, 1, 1))]


def test_a_learner_who_says_yes_later_is_counted_for_what_they_did_before(
        store: ProgressStore, clock: Clock, day: str) -> None:
    learner = store.new_guest()
    aggregate.set_counted(store, learner, False)
    take_lesson(store, learner)
    assert upload(store) == []  # nothing, not even an empty item
    aggregate.set_counted(store, learner, True)
    assert upload(store) == [((day, "pay-shop-qr", 1, "vi"), 1, 1, 1, (1, 1, 1))]


def test_a_learner_who_is_not_counted_is_in_no_check_or_first_time_right_count(
        store: ProgressStore, clock: Clock) -> None:
    from kiosk.sync.check_counts import check_counts, first_time_right

    counted, quiet = store.new_guest(), store.new_guest()
    aggregate.set_counted(store, quiet, False)
    for learner in (counted, quiet):
        take_lesson(store, learner)
        store.execute("INSERT INTO checks (learner_id, topic, form, form_version, phase, "
                      "language, status, item_count, items_right, confidence, day) VALUES "
                      "(?, 'payment', 'a', 1, 'before', 'vi', 'done', 4, 2, 3, ?)",
                      learner, clock().date().isoformat())
    [counts] = check_counts(store).values()
    assert counts.before_taken == 1
    [steps] = first_time_right(store).values()
    assert steps == {0: 1, 1: 1, 2: 1}
