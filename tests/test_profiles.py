"""Learner profiles (kiosk/profiles.py) on a real SQLite file: making, signing in, the calm pause
after wrong PINs (kept across restarts), preferences, and deleting everything about a learner,
including their share of the anonymised sync counters."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Callable
from pathlib import Path

import pytest

import kiosk.profiles
from kiosk.help_requests import ask_for_help
from kiosk.profiles import (
    PICTURE_LABELS,
    PICTURES,
    TEXT_SIZES,
    Profile,
    ProfileError,
    Profiles,
    SignInResult,
)
from kiosk.progress import ProgressStore, StorageError
from kiosk.sync import aggregate
from kiosk.sync.outbox import Outbox
from tests.helpers.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def store(path: Path, clock: Clock):
    store = ProgressStore.open(path, clock=clock)
    yield store
    store.close()


@pytest.fixture
def profiles(store: ProgressStore) -> Profiles:
    return Profiles(store)


def finish(store: ProgressStore, learner: str, lesson: str = "pay-shop-qr", steps: int = 3,
           language: str = "en", upto: int | None = None) -> None:
    store.begin_lesson(learner, lesson, version=1, step_count=steps, language=language)
    for step in range(steps if upto is None else upto):
        store.answer(learner, lesson, step=step, correct=True)


def rows_mentioning(store: ProgressStore, value: str) -> dict[str, int]:
    """Rows in every table of the file with ``value`` in any column: nothing may be missed."""
    found: dict[str, int] = {}
    tables = [row[0] for row in store.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    assert {"profiles", "pin_failures", "help_requests", "sessions", "lesson_progress",
            "attempts", "lesson_starts", "learners"} <= set(tables)
    for table in tables:
        columns = [row[1] for row in store.execute(f"PRAGMA table_info({table})")]
        where = " OR ".join(f"CAST({c} AS TEXT) = ?" for c in columns)
        count = store.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}",
                              *([value] * len(columns))).fetchone()[0]
        if count:
            found[table] = count
    return found


# --- the pictures ---------------------------------------------------------------------------
def test_twelve_pictures_each_with_a_label() -> None:
    assert len(PICTURES) == len(set(PICTURES)) == 12
    assert list(PICTURE_LABELS) == list(PICTURES)
    assert PICTURE_LABELS["umbrella"] == "Umbrella"
    assert TEXT_SIZES == ("standard", "large", "largest")


# --- making a profile and signing in --------------------------------------------------------
def test_create_then_sign_in(profiles: Profiles, clock: Clock) -> None:
    made = profiles.create("boat", "2580", language="vi", text_size="large", high_contrast=True)
    assert made == Profile(learner_id=made.learner_id, picture="boat", text_size="large",
                           high_contrast=True, language="vi", created_day="2025-11-20",
                           last_seen_day=None)
    assert profiles.store.execute("SELECT kind FROM learners WHERE id = ?",
                                  made.learner_id).fetchone()[0] == "profile"
    clock.advance(days=3)
    result = profiles.sign_in("boat", "2580")
    assert result == SignInResult(profiles.get(made.learner_id), 0.0)
    assert result.profile is not None and result.profile.last_seen_day == "2025-11-23"
    assert profiles.all() == [result.profile]
    stored = profiles.store.execute("SELECT pin_hash FROM profiles").fetchone()[0]
    assert stored.startswith("scrypt$") and "2580" not in stored


def test_pictures_in_use_come_in_the_pictures_order(profiles: Profiles) -> None:
    assert profiles.pictures_in_use() == []
    for picture, pin in (("flower", "1111"), ("sun", "2222"), ("key", "3333"),
                         ("sun", "4444")):
        profiles.create(picture, pin, language="en")
    assert profiles.pictures_in_use() == ["sun", "key", "flower"]


def test_two_profiles_may_share_a_picture_the_pin_tells_them_apart(profiles: Profiles) -> None:
    ana = profiles.create("fish", "1234", language="en")
    ben = profiles.create("fish", "4321", language="id")
    assert ana.learner_id != ben.learner_id
    signed_ana = profiles.sign_in("fish", "1234").profile
    signed_ben = profiles.sign_in("fish", "4321").profile
    assert signed_ana is not None and signed_ana.learner_id == ana.learner_id
    assert signed_ben is not None and signed_ben.learner_id == ben.learner_id
    assert profiles.sign_in("fish", "0000").profile is None
    assert profiles.sign_in("tree", "1234").profile is None  # right PIN, wrong picture


def test_the_same_picture_and_pin_is_refused_kindly_and_vaguely(profiles: Profiles) -> None:
    profiles.create("cup", "7777", language="en")
    with pytest.raises(ProfileError) as refused:
        profiles.create("cup", "7777", language="vi")
    assert str(refused.value) == "Please choose a different PIN."
    assert len(profiles.all()) == 1
    assert profiles.store.execute("SELECT COUNT(*) FROM learners").fetchone()[0] == 1
    profiles.create("key", "7777", language="vi")  # another picture: fine


@pytest.mark.parametrize(("picture", "pin"), [
    ("dragon", "1234"), ("", "1234"), ("Sun", "1234"),
    ("sun", "123"), ("sun", "12345"), ("sun", "12a4"), ("sun", "١٢٣٤"), ("sun", ""),
])
def test_a_bad_picture_or_pin_is_a_profile_error(profiles: Profiles, picture: str,
                                                  pin: str) -> None:
    with pytest.raises(ProfileError) as refused:
        profiles.create(picture, pin, language="en")
    assert str(refused.value).startswith("Please choose")
    assert profiles.all() == []


def test_mistakes_of_the_screen_are_not_profile_errors(profiles: Profiles,
                                                       store: ProgressStore) -> None:
    with pytest.raises(ValueError, match="text size"):
        profiles.create("sun", "1234", language="en", text_size="huge")
    with pytest.raises(KeyError):
        profiles.create("sun", "1234", language="en", learner_id="nobody")
    made = profiles.create("sun", "1234", language="en")
    with pytest.raises(ValueError, match="already has a profile"):
        profiles.create("tree", "9999", language="en", learner_id=made.learner_id)
    assert len(profiles.all()) == 1


def test_a_guest_who_makes_a_profile_keeps_their_progress(profiles: Profiles,
                                                          store: ProgressStore) -> None:
    guest = store.new_guest()
    store.start_session(guest)
    finish(store, guest, "pay-shop-qr", steps=3)
    finish(store, guest, "pay-transfer", steps=5, upto=2)
    ask_for_help(store, guest, lesson_id="pay-transfer", step=2, screen="step")
    before = store.all_progress(guest)

    made = profiles.create("star", "8642", language="en", learner_id=guest)
    assert made.learner_id == guest
    assert store.execute("SELECT kind FROM learners WHERE id = ?", guest).fetchone()[0] == \
        "profile"
    assert store.execute("SELECT COUNT(*) FROM learners").fetchone()[0] == 1
    assert store.all_progress(guest) == before
    session = store.active_session()
    assert session is not None and session.learner_id == guest  # the session goes on

    signed = profiles.sign_in("star", "8642").profile
    assert signed is not None and signed.learner_id == guest
    assert store.progress(guest, "pay-transfer").step == 2


# --- wrong PINs: a calm pause, never a lock -------------------------------------------------
def test_wrong_pins_lead_to_a_pause_that_doubles_and_is_capped(profiles: Profiles,
                                                               clock: Clock) -> None:
    profiles.create("apple", "1357", language="en")
    assert profiles.sign_in("apple", "0000") == SignInResult(None, 0.0)
    assert profiles.sign_in("apple", "0001") == SignInResult(None, 0.0)
    assert profiles.sign_in("apple", "0002") == SignInResult(None, 30.0)
    assert profiles.paused_for("apple") == 30.0
    clock.advance(seconds=10)
    assert profiles.paused_for("apple") == 20.0
    # While paused, even the right PIN is not checked (guessing during a pause gains nothing).
    assert profiles.sign_in("apple", "1357") == SignInResult(None, 20.0)
    waits = []
    for _ in range(5):
        clock.advance(seconds=profiles.paused_for("apple"))
        waits.append(profiles.sign_in("apple", "9999").paused_for)
    assert waits == [60.0, 120.0, 240.0, 300.0, 300.0]
    # Only that picture waits.
    assert profiles.paused_for("sun") == 0.0


def test_the_right_pin_after_the_pause_signs_in_but_does_not_wipe_the_count(
        profiles: Profiles, clock: Clock) -> None:
    made = profiles.create("apple", "1357", language="en")
    for pin in ("0000", "0001", "0002"):
        profiles.sign_in("apple", pin)
    clock.advance(seconds=30)
    assert profiles.paused_for("apple") == 0.0
    signed = profiles.sign_in("apple", "1357")
    assert signed.profile is not None and signed.profile.learner_id == made.learner_id
    # A guesser with a profile of their own on this picture cannot wipe the count by signing in
    # to it between guesses: the next wrong PIN rests the keys for longer.
    assert profiles.sign_in("apple", "0000").paused_for == 60.0
    # The count is forgotten an hour after the last wrong try: two free tries again.
    clock.advance(hours=1)
    assert profiles.sign_in("apple", "0000").paused_for == 0.0
    assert profiles.sign_in("apple", "0000").paused_for == 0.0
    assert profiles.sign_in("apple", "0000").paused_for == 30.0


def seconds_to_find(pin: str, guesses: list[str], clock: Clock,
                    try_pin: Callable[[str], bool | None], paused: Callable[[], float]) -> float:
    """Simulated seconds a patient guesser needs to learn ``pin`` with ``try_pin`` (True: it is
    the one; False: it is not; None: refused unchecked), waiting out every pause."""
    start = clock.now
    for guess in guesses:
        while True:
            clock.advance(seconds=paused())
            answer = try_pin(guess)
            if answer is not None:
                break
        if answer:
            assert guess == pin
            return (clock.now - start).total_seconds()
    raise AssertionError("not found")


def test_making_profiles_is_no_quicker_way_to_find_a_pin_than_signing_in(
        path: Path, tmp_path: Path, clock: Clock) -> None:
    """The fault: a taken picture and PIN was refused at once, with no pause, so making
    profiles found a PIN in 11 tries and 0.8 s. Now each try at making a profile with a picture
    someone has counts towards that picture's pause, like a wrong PIN."""
    guesses = [f"{n:04d}" for n in range(10)] + ["4821"]

    store = ProgressStore.open(path, clock=clock)
    profiles = Profiles(store)
    profiles.create("boat", "4821", language="en")  # the victim
    profiles.create("boat", "1111", language="en")  # the guesser's own, to reset the count

    def by_creating(guess: str) -> bool | None:
        try:
            profiles.create("boat", guess, language="en")
        except ProfileError as refused:
            if "resting" in str(refused):
                return None
            return True  # "Please choose a different PIN": someone has it
        return False

    found_by_creating = seconds_to_find("4821", [g for g in guesses if g != "1111"], clock,
                                        by_creating, lambda: profiles.paused_for("boat"))
    store.close()

    other = ProgressStore.open(tmp_path / "other.db", clock=clock)
    rival = Profiles(other)
    rival.create("boat", "4821", language="en")
    rival.create("boat", "1111", language="en")

    def by_signing_in(guess: str) -> bool | None:
        if rival.sign_in("boat", guess).profile is not None:
            return True
        rival.sign_in("boat", "1111")  # the guesser's own PIN, trying to wipe the count
        return False

    found_by_signing_in = seconds_to_find("4821", [g for g in guesses if g != "1111"], clock,
                                          by_signing_in, lambda: rival.paused_for("boat"))
    other.close()
    # On main making profiles took no time at all; now it costs what signing in costs.
    assert found_by_creating >= found_by_signing_in >= 20 * 60, (found_by_creating,
                                                                 found_by_signing_in)


def test_a_resting_picture_makes_no_profile_and_says_so_kindly(profiles: Profiles,
                                                                clock: Clock) -> None:
    profiles.create("cup", "7777", language="en")
    for pin in ("0000", "0001", "0002"):
        profiles.sign_in("cup", pin)
    with pytest.raises(ProfileError, match="This picture is resting for a moment"):
        profiles.create("cup", "2468", language="en")
    assert len(profiles.all()) == 1
    profiles.create("key", "2468", language="en")  # another picture: at once
    clock.advance(seconds=30)
    profiles.create("cup", "2468", language="en")


def test_the_pause_survives_restarting_the_kiosk(path: Path, clock: Clock) -> None:
    store = ProgressStore.open(path, clock=clock)
    profiles = Profiles(store)
    profiles.create("bird", "2468", language="en")
    for pin in ("0000", "0001", "0002"):
        profiles.sign_in("bird", pin)
    clock.advance(seconds=30)
    assert profiles.sign_in("bird", "0003").paused_for == 60.0
    store.close()  # the plug is pulled, the kiosk starts again
    clock.advance(seconds=15)
    again = ProgressStore.open(path, clock=clock)
    try:
        profiles = Profiles(again)
        assert profiles.paused_for("bird") == 45.0
        assert profiles.sign_in("bird", "2468") == SignInResult(None, 45.0)
        clock.advance(seconds=45)
        assert profiles.sign_in("bird", "2468").profile is not None
    finally:
        again.close()


def test_an_old_count_is_forgotten_and_a_clock_set_back_never_locks(profiles: Profiles,
                                                                    clock: Clock) -> None:
    profiles.create("house", "1122", language="en")
    for pin in ("0000", "0001", "0002"):
        profiles.sign_in("house", pin)
    clock.advance(hours=1)  # somebody else, later: starts afresh
    assert profiles.sign_in("house", "0000").paused_for == 0.0
    for pin in ("0001", "0002"):
        profiles.sign_in("house", pin)
    assert profiles.paused_for("house") == 30.0
    clock.advance(days=-200)  # the kiosk booted with its clock in the past
    assert profiles.paused_for("house") == 0.0
    assert profiles.sign_in("house", "1122").profile is not None


# --- preferences ----------------------------------------------------------------------------
def test_preferences_change_only_what_is_given(profiles: Profiles) -> None:
    made = profiles.create("umbrella", "5555", language="zh_Hant_TW")
    profiles.set_preferences(made.learner_id, text_size="largest")
    profiles.set_preferences(made.learner_id, high_contrast=True, language="en")
    now = profiles.get(made.learner_id)
    assert now is not None
    assert (now.text_size, now.high_contrast, now.language) == ("largest", True, "en")
    profiles.set_preferences(made.learner_id)  # nothing given: nothing changes
    assert profiles.get(made.learner_id) == now
    with pytest.raises(ValueError):
        profiles.set_preferences(made.learner_id, text_size="tiny", language="vi")
    assert profiles.get(made.learner_id) == now  # nothing half-done
    assert profiles.get("nobody") is None


def test_a_full_disk_is_a_storage_error_and_leaves_nothing(profiles: Profiles,
                                                           store: ProgressStore) -> None:
    profiles.create("sun", "1234", language="en")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    with pytest.raises(StorageError, match="storage is full"):
        # A row too big for the pages already there, so the file has to grow.
        profiles.create("tree", "1234", language="x" * 20_000)
    # The learner row and the profile row together, or neither.
    assert store.execute("SELECT COUNT(*) FROM learners").fetchone()[0] == 1
    assert [p.picture for p in profiles.all()] == ["sun"]


# --- deleting -------------------------------------------------------------------------------
def test_delete_removes_every_row_about_the_learner(profiles: Profiles, store: ProgressStore,
                                                    clock: Clock) -> None:
    ana = profiles.create("tree", "1212", language="en")
    ben = profiles.create("tree", "3434", language="vi")
    for learner in (ana.learner_id, ben.learner_id):
        store.start_session(learner)
        finish(store, learner, "pay-shop-qr", steps=3)
        finish(store, learner, "pay-transfer", steps=4, upto=1)
        store.answer(learner, "pay-transfer", step=1, correct=False, hinted=True)
        ask_for_help(store, learner, lesson_id="pay-transfer", step=1, screen="step")
        clock.advance(minutes=5)
    store.end_session()
    assert set(rows_mentioning(store, ana.learner_id)) == {
        "learners", "profiles", "sessions", "lesson_progress", "attempts", "lesson_starts",
        "help_requests"}
    ben_before = rows_mentioning(store, ben.learner_id)

    profiles.delete(ana.learner_id)

    assert rows_mentioning(store, ana.learner_id) == {}
    assert rows_mentioning(store, ben.learner_id) == ben_before
    assert profiles.get(ana.learner_id) is None
    assert [p.learner_id for p in profiles.all()] == [ben.learner_id]
    assert profiles.sign_in("tree", "1212").profile is None
    signed = profiles.sign_in("tree", "3434").profile
    assert signed is not None and signed.learner_id == ben.learner_id
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_delete_cascades_in_the_in_memory_fallback_too() -> None:
    store = ProgressStore.in_memory()
    profiles = Profiles(store)
    made = profiles.create("sun", "1234", language="en")
    finish(store, made.learner_id)
    profiles.delete(made.learner_id)
    assert rows_mentioning(store, made.learner_id) == {}


def test_delete_recounts_the_sync_counters_it_touched(profiles: Profiles, store: ProgressStore,
                                                      clock: Clock) -> None:
    ana = profiles.create("key", "1111", language="en").learner_id
    ben = profiles.create("key", "2222", language="en").learner_id
    finish(store, ana, "pay-shop-qr", steps=3)             # key A: both of them
    finish(store, ben, "pay-shop-qr", steps=3, upto=1)
    finish(store, ana, "pay-transfer", steps=2, language="vi")  # key B: only ana
    finish(store, ben, "pay-bill", steps=2)                # key C: only ben
    clock.advance(days=1)
    finish(store, ben, "pay-shop-qr", steps=3)             # key D: ben, the next day
    aggregate.refresh(store)
    Outbox(store).build()  # everything so far is queued (as if uploaded)
    before = aggregate.counters(store)
    key_a = ("2025-11-20", "pay-shop-qr", 1, "en")
    key_b = ("2025-11-20", "pay-transfer", 1, "vi")
    key_c = ("2025-11-20", "pay-bill", 1, "en")
    key_d = ("2025-11-21", "pay-shop-qr", 1, "en")
    assert before[key_a].counts == aggregate.Counts(2, 1, (2, 2, 1))
    assert before[key_b].counts == aggregate.Counts(1, 1, (1, 1))

    profiles.delete(ana)

    after = aggregate.counters(store)
    assert after[key_a].revision == before[key_a].revision + 1
    assert after[key_a].counts == aggregate.Counts(1, 0, (1, 1, 0))
    assert after[key_b].revision == before[key_b].revision + 1
    assert after[key_b].counts == aggregate.Counts(0, 0, (0,))  # nobody is left in it
    assert after[key_c] == before[key_c] and after[key_d] == before[key_d]
    # The counters equal a recount from scratch of what is left...
    assert {k: c.counts for k, c in after.items() if k in aggregate.compute_all(store)} == \
        aggregate.compute_all(store)
    # ...and the next batch carries exactly the two recounted keys, with the higher revisions.
    new_batches = Outbox(store).build()
    assert len(new_batches) == 1
    items = Outbox(store).get(new_batches[0])
    assert items is not None
    assert {(i.key, i.revision) for i in items.items} == {
        (key_a, after[key_a].revision), (key_b, after[key_b].revision)}
    # A later refresh finds nothing to change.
    assert aggregate.refresh(store) == 0


def test_delete_before_any_refresh_leaves_counters_to_refresh(profiles: Profiles,
                                                              store: ProgressStore) -> None:
    ana = profiles.create("cup", "1111", language="en").learner_id
    ben = profiles.create("cup", "2222", language="en").learner_id
    finish(store, ana)
    finish(store, ben, upto=1)
    profiles.delete(ana)
    assert aggregate.counters(store) == {}
    aggregate.refresh(store)
    assert {k: c.counts for k, c in aggregate.counters(store).items()} == \
        aggregate.compute_all(store) == {
            ("2025-11-20", "pay-shop-qr", 1, "en"): aggregate.Counts(1, 0, (1, 1, 0))}


def test_deleting_an_unknown_learner_changes_nothing(profiles: Profiles) -> None:
    made = profiles.create("sun", "1234", language="en")
    profiles.delete("nobody")
    assert profiles.all() == [made]


def test_docstring_examples() -> None:
    result = doctest.testmod(kiosk.profiles)
    assert result.attempted > 0 and result.failed == 0
