"""Help requests (kiosk/help_requests.py) on a real SQLite file: one open request per learner
however often they tap, the volunteers' queue, resolving, and deletion with the profile."""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path

import pytest

import kiosk.help_requests
from kiosk.help_requests import (
    HelpRequest,
    ask_for_help,
    learner_left,
    left_requests,
    open_requests,
    resolve,
)
from kiosk.profiles import Profiles
from kiosk.progress import ProgressStore, StorageError
from tests.helpers.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    store = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    yield store
    store.close()


def test_repeated_taps_make_one_request(store: ProgressStore, clock: Clock) -> None:
    learner = store.new_guest()
    first = ask_for_help(store, learner, lesson_id="pay-shop-qr", step=1, screen="step")
    for _ in range(4):
        clock.advance(seconds=5)
        assert ask_for_help(store, learner, lesson_id="pay-shop-qr", step=2,
                            screen="step") == first
    assert open_requests(store) == [HelpRequest(
        id=first, asked_at="2025-11-20T09:00:00+00:00", lesson_id="pay-shop-qr", step=1,
        screen="step", picture=None)]  # where they first asked, and when: their place in line
    assert store.execute("SELECT COUNT(*) FROM help_requests").fetchone()[0] == 1


def test_the_queue_is_oldest_first_with_the_profile_picture(store: ProgressStore,
                                                            clock: Clock) -> None:
    guest = store.new_guest()
    profile = Profiles(store).create("umbrella", "2468", language="vi")
    other = store.new_guest()
    asked = []
    for learner, lesson, step, screen in ((profile.learner_id, "pay-transfer", 3, "step"),
                                          (guest, None, None, "topics"),
                                          (other, "spot-fake-news", 0, "step")):
        asked.append(ask_for_help(store, learner, lesson_id=lesson, step=step, screen=screen))
        clock.advance(minutes=1)
    queue = open_requests(store)
    assert [r.id for r in queue] == asked
    assert [(r.picture, r.lesson_id, r.step, r.screen) for r in queue] == [
        ("umbrella", "pay-transfer", 3, "step"), (None, None, None, "topics"),
        (None, "spot-fake-news", 0, "step")]
    assert [r.asked_at for r in queue] == [
        "2025-11-20T09:00:00+00:00", "2025-11-20T09:01:00+00:00", "2025-11-20T09:02:00+00:00"]


def test_resolve_removes_it_from_the_queue_and_a_new_tap_is_a_new_request(
        store: ProgressStore, clock: Clock) -> None:
    ana, ben = store.new_guest(), store.new_guest()
    first = ask_for_help(store, ana, lesson_id=None, step=None, screen="welcome")
    bens = ask_for_help(store, ben, lesson_id=None, step=None, screen="topics")
    clock.advance(minutes=3)
    resolve(store, first)
    assert [r.id for r in open_requests(store)] == [bens]
    assert store.execute("SELECT resolved_at FROM help_requests WHERE id = ?",
                         first).fetchone()[0] == "2025-11-20T09:03:00+00:00"
    resolve(store, first)  # a second volunteer taps "done" too: nothing changes
    resolve(store, 12345)  # gone already: nothing happens
    assert store.execute("SELECT resolved_at FROM help_requests WHERE id = ?",
                         first).fetchone()[0] == "2025-11-20T09:03:00+00:00"
    again = ask_for_help(store, ana, lesson_id="pay-bill", step=0, screen="step")
    assert again != first
    assert [r.id for r in open_requests(store)] == [bens, again]


def test_requests_outlast_a_restart(tmp_path: Path, clock: Clock) -> None:
    store = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    learner = store.new_guest()
    asked = ask_for_help(store, learner, lesson_id="pay-bill", step=2, screen="step")
    store.close()
    again = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    try:
        assert [r.id for r in open_requests(again)] == [asked]
        assert ask_for_help(again, learner, lesson_id="pay-bill", step=2, screen="step") == asked
    finally:
        again.close()


def test_deleting_the_profile_deletes_its_requests(store: ProgressStore) -> None:
    profiles = Profiles(store)
    ana = profiles.create("sun", "1111", language="en")
    ben = profiles.create("star", "2222", language="en")
    old = ask_for_help(store, ana.learner_id, lesson_id=None, step=None, screen="topics")
    resolve(store, old)
    ask_for_help(store, ana.learner_id, lesson_id=None, step=None, screen="topics")
    bens = ask_for_help(store, ben.learner_id, lesson_id=None, step=None, screen="step")
    profiles.delete(ana.learner_id)
    assert [r.id for r in open_requests(store)] == [bens]
    assert store.execute("SELECT COUNT(*) FROM help_requests WHERE learner_id = ?",
                         ana.learner_id).fetchone()[0] == 0  # resolved ones too


def test_an_unknown_learner_is_a_storage_error_not_a_crash(store: ProgressStore) -> None:
    with pytest.raises(StorageError):
        ask_for_help(store, "nobody", lesson_id=None, step=None, screen="step")
    assert open_requests(store) == []


def test_docstring_examples() -> None:
    result = doctest.testmod(kiosk.help_requests)
    assert result.attempted > 0 and result.failed == 0


def test_a_request_closes_as_left_when_its_learner_leaves(store: ProgressStore,
                                                          clock: Clock) -> None:
    gone, staying = store.new_guest(), store.new_guest()
    first = ask_for_help(store, gone, lesson_id="pay-shop-qr", step=1, screen="step")
    ask_for_help(store, staying, lesson_id=None, step=None, screen="topics")
    clock.advance(seconds=90)
    assert learner_left(store, gone) == 1
    assert learner_left(store, gone) == 0  # leaving twice closes nothing more
    assert [r.screen for r in open_requests(store)] == ["topics"]  # only who is still here
    [left] = left_requests(store, since="2025-11-20")
    assert (left.id, left.left_at) == (first, "2025-11-20T09:01:30+00:00")
    assert left_requests(store, since="2025-11-21") == []
    resolve(store, first)  # a late "Helped" changes nothing
    assert [r.id for r in left_requests(store)] == [first]
    # Coming back later, they can ask again: a new request, not the closed one.
    assert ask_for_help(store, gone, lesson_id=None, step=None, screen="topics") != first
