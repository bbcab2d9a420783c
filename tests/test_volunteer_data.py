"""What the volunteer view shows (kiosk/volunteer.py), on real files: the day's sessions in local
time, each profile's progress and finished topics with the real lessons, lesson problems, the
sync in short, the volunteer PIN, and the settings volunteers choose (volunteer.toml) with their
place between kiosk.toml and the environment. Also ``python -m kiosk volunteer set-pin``."""

from __future__ import annotations

import datetime as dt
import doctest
import logging
import os
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import kiosk.volunteer
from kiosk.config import PROJECT_ROOT, load_settings, volunteer_file
from kiosk.lessons import Library, load_library
from kiosk.lessons.model import Problem
from kiosk.profiles import Profiles
from kiosk.progress import ProgressStore
from kiosk.sync.client import Credentials, save_credentials
from kiosk.sync.outbox import Outbox
from kiosk.volunteer import (
    FinishedTopic,
    SessionRow,
    SyncSummary,
    VolunteerAccess,
    VolunteerPinNotSet,
    finished_topics,
    lesson_problems,
    profile_progress,
    save_volunteer_settings,
    sessions_on,
    sync_summary,
)
from tests.helpers.clock import Clock

LIBRARY: Library = load_library(Path("lessons"), Path("assets/images"))
TAIPEI = dt.timezone(dt.timedelta(hours=8))
NEW_YORK_WINTER = dt.timezone(dt.timedelta(hours=-5))




class Ticker:
    """A wall clock for VolunteerAccess, moved by hand (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_764_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[ProgressStore]:
    store = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    yield store
    store.close()


def take(store: ProgressStore, learner: str, lesson_id: str, *, steps: int | None = None) -> None:
    """Open a real lesson and answer its first ``steps`` steps right (all of them by default)."""
    lesson = LIBRARY.lessons[lesson_id]
    store.begin_lesson(learner, lesson_id, version=lesson.version, step_count=lesson.step_count,
                       language="en")
    for step in range(lesson.step_count if steps is None else steps):
        store.answer(learner, lesson_id, step=step, correct=True)


# --- the day's sessions ---------------------------------------------------------------------
def test_sessions_are_grouped_by_the_local_day(store: ProgressStore, clock: Clock) -> None:
    """In Taipei (UTC+8) the day turns at 16:00 UTC; in New York (UTC-5) at 05:00 UTC."""
    for moment in ("2025-11-20T04:59:00+00:00", "2025-11-20T05:00:00+00:00",
                   "2025-11-20T15:59:00+00:00", "2025-11-20T16:00:00+00:00"):
        clock.at(moment)
        store.start_session(store.new_guest())
    store.end_session()
    taipei_20 = sessions_on(store, dt.date(2025, 11, 20), tz=TAIPEI)
    assert [r.started_at for r in taipei_20] == [
        "2025-11-20T12:59:00+08:00", "2025-11-20T13:00:00+08:00", "2025-11-20T23:59:00+08:00"]
    assert [r.started_at for r in sessions_on(store, dt.date(2025, 11, 21), tz=TAIPEI)] == [
        "2025-11-21T00:00:00+08:00"]
    assert [r.started_at for r in sessions_on(store, dt.date(2025, 11, 19),
                                              tz=NEW_YORK_WINTER)] == [
        "2025-11-19T23:59:00-05:00"]
    assert len(sessions_on(store, dt.date(2025, 11, 20), tz=NEW_YORK_WINTER)) == 3
    # Each session ended when the next began; the last when end_session was called.
    assert taipei_20[0].ended_at == "2025-11-20T13:00:00+08:00"
    assert sessions_on(store, dt.date(2025, 11, 22), tz=TAIPEI) == []


def test_without_a_zone_the_machines_own_is_used(store: ProgressStore, clock: Clock,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    clock.at("2025-11-20T16:30:00+00:00")
    store.start_session(store.new_guest())
    monkeypatch.setenv("TZ", "CST-8")  # POSIX for UTC+8: the kiosk is set to Taipei time
    time.tzset()
    try:
        assert [r.started_at for r in sessions_on(store, dt.date(2025, 11, 21))] == [
            "2025-11-21T00:30:00+08:00"]
        assert sessions_on(store, dt.date(2025, 11, 20)) == []
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_session_row_says_who_and_how_far(store: ProgressStore, clock: Clock) -> None:
    guest = store.new_guest()
    store.start_session(guest)
    take(store, guest, "pay-shop-qr")                 # opened and finished
    take(store, guest, "receive-money", steps=1)      # opened, not finished
    clock.advance(minutes=20)
    ana = Profiles(store).create("bird", "1357", language="en").learner_id
    store.start_session(ana)  # ends the guest's session
    store.begin_lesson(ana, "video-visit", version=LIBRARY.lessons["video-visit"].version,
                       step_count=LIBRARY.lessons["video-visit"].step_count, language="en")
    rows = sessions_on(store, dt.date(2025, 11, 20), tz=dt.UTC)
    assert rows == [
        SessionRow(started_at="2025-11-20T09:00:00+00:00", ended_at="2025-11-20T09:20:00+00:00",
                   picture=None, lessons_opened=2, lessons_finished=1),
        SessionRow(started_at="2025-11-20T09:20:00+00:00", ended_at=None, picture="bird",
                   lessons_opened=1, lessons_finished=0),
    ]


def test_a_lesson_resumed_in_a_later_session_counts_there(store: ProgressStore,
                                                          clock: Clock) -> None:
    ana = Profiles(store).create("sun", "2468", language="en").learner_id
    store.start_session(ana)
    take(store, ana, "pay-shop-qr", steps=2)
    store.end_session()
    clock.advance(days=1)
    store.start_session(ana)
    lesson = LIBRARY.lessons["pay-shop-qr"]
    store.begin_lesson(ana, lesson.id, version=lesson.version, step_count=lesson.step_count,
                       language="en")  # resumes at step 2: no new start
    for step in range(2, lesson.step_count):
        store.answer(ana, lesson.id, step=step, correct=True)
    (first,) = sessions_on(store, dt.date(2025, 11, 20), tz=dt.UTC)
    (second,) = sessions_on(store, dt.date(2025, 11, 21), tz=dt.UTC)
    assert (first.lessons_opened, first.lessons_finished) == (1, 0)
    assert (second.lessons_opened, second.lessons_finished) == (1, 1)


# --- each profile's progress ----------------------------------------------------------------
def test_a_topic_is_finished_when_every_lesson_of_it_is_done(store: ProgressStore,
                                                             clock: Clock) -> None:
    ana = Profiles(store).create("tree", "1111", language="en").learner_id
    payment = [lesson.id for lesson in LIBRARY.lessons_in("payment")]
    assert len(payment) >= 2
    for lesson_id in payment[:-1]:
        take(store, ana, lesson_id)
        clock.advance(days=1)
    assert finished_topics(store, LIBRARY, ana) == []
    clock.at("2025-11-25T17:00:00+00:00")  # already the 26th in Taipei
    take(store, ana, payment[-1])
    assert finished_topics(store, LIBRARY, ana, tz=TAIPEI) == [
        FinishedTopic("payment", payment, dt.date(2025, 11, 26))]
    assert finished_topics(store, LIBRARY, ana, tz=dt.UTC)[0].completed_on == \
        dt.date(2025, 11, 25)
    # Starting a finished lesson again does not take the topic away until... it is reopened:
    # the store keeps only the latest run, so a lesson begun afresh is "in progress" again.
    lesson = LIBRARY.lessons[payment[0]]
    store.begin_lesson(ana, lesson.id, version=lesson.version, step_count=lesson.step_count,
                       language="en")
    assert finished_topics(store, LIBRARY, ana) == []


def test_profile_progress_lists_done_under_way_and_topics(store: ProgressStore) -> None:
    profiles = Profiles(store)
    ana = profiles.create("apple", "1111", language="en").learner_id
    ben = profiles.create("apple", "2222", language="vi").learner_id
    guest = store.new_guest()
    for lesson in LIBRARY.lessons_in("telehealth"):
        take(store, ana, lesson.id)
    take(store, ana, "pay-shop-qr", steps=3)
    take(store, ben, "tricks-in-the-news", steps=1)
    take(store, guest, "pay-shop-qr")  # guests are not listed
    telehealth = [lesson.id for lesson in LIBRARY.lessons_in("telehealth")]
    shop = LIBRARY.lessons["pay-shop-qr"]
    news = LIBRARY.lessons["tricks-in-the-news"]
    progress = profile_progress(store, LIBRARY)
    assert [p.profile.learner_id for p in progress] == [ana, ben]
    assert (progress[0].done, progress[0].in_progress, progress[0].finished_topics) == (
        telehealth, [("pay-shop-qr", 3, shop.step_count)], ["telehealth"])
    assert (progress[1].done, progress[1].in_progress, progress[1].finished_topics) == (
        [], [("tricks-in-the-news", 1, news.step_count)], [])


def test_lessons_no_longer_shipped_are_listed_last(store: ProgressStore) -> None:
    ana = Profiles(store).create("star", "1111", language="en").learner_id
    store.begin_lesson(ana, "an-old-lesson", version=1, step_count=1, language="en")
    store.answer(ana, "an-old-lesson", step=0, correct=True)
    take(store, ana, "video-visit")
    (progress,) = profile_progress(store, LIBRARY)
    assert progress.done == ["video-visit", "an-old-lesson"]


def test_lesson_problems_are_one_readable_line_each() -> None:
    library = Library(problems=[
        Problem(Path("lessons/payment/bad.toml"), "target", "'pay' is not on screen 'home'",
                step=2),
        Problem(Path("lessons/payment/worse.toml"), "toml", "expected '='", line=7)])
    assert lesson_problems(library) == [
        "lessons/payment/bad.toml: step 2: target: 'pay' is not on screen 'home'",
        "lessons/payment/worse.toml: line 7: toml: expected '='"]
    assert lesson_problems(LIBRARY) == []


# --- the sync in short ----------------------------------------------------------------------
def test_sync_summary_before_and_after_enrolment(tmp_path: Path, store: ProgressStore) -> None:
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home")})
    assert sync_summary(settings, store) == SyncSummary(
        enrolled=False, server="", pending_batches=0, refused_batches=0, last_success=None,
        last_error=None)
    save_credentials(settings.home, Credentials("https://reports.example.org", "k-1", "s" * 43))
    take(store, store.new_guest(), "pay-shop-qr", steps=1)
    take(store, store.new_guest(), "video-visit", steps=1)
    outbox = Outbox(store, max_items=1)
    batches = outbox.refresh_and_build()
    assert len(batches) == 2
    outbox.refuse(batches[0], [{"loc": "items.0.lesson_id", "message": "unknown lesson"}],
                  "The server refused a batch.")
    outbox.note_success("2025-11-20 09:05:00 UTC")
    summary = sync_summary(settings, store)
    assert summary == SyncSummary(
        enrolled=True, server="https://reports.example.org", pending_batches=1,
        refused_batches=1, last_success="2025-11-20 09:05:00 UTC", last_error=None)
    outbox.block("The server has revoked this kiosk.")
    assert sync_summary(settings, store).last_error == "The server has revoked this kiosk."


# --- the volunteer PIN ----------------------------------------------------------------------
def test_no_pin_yet_is_a_clear_error(tmp_path: Path) -> None:
    access = VolunteerAccess(tmp_path)
    assert not access.is_set()
    with pytest.raises(VolunteerPinNotSet, match="volunteer set-pin"):
        access.check("135790")


@pytest.mark.parametrize("pin", ["1357", "1357900", "13579a", "", "١٣٥٧٩٠"])
def test_the_volunteer_pin_is_six_digits(tmp_path: Path, pin: str) -> None:
    with pytest.raises(ValueError, match="6 numbers"):
        VolunteerAccess(tmp_path).set_pin(pin)
    assert not volunteer_file(tmp_path).exists()


def test_set_and_check_the_pin_with_a_calm_pause(tmp_path: Path) -> None:
    ticker = Ticker()
    access = VolunteerAccess(tmp_path, clock=ticker)
    access.set_pin("135790")
    assert access.is_set()
    mode = stat.S_IMODE(volunteer_file(tmp_path).stat().st_mode)
    assert mode == 0o600  # the hash is only readable by the kiosk's own user
    assert "135790" not in volunteer_file(tmp_path).read_text("utf-8")
    assert access.check("135790") == 0.0
    # Wrong PINs: below 0 ("not right, try again") while tries are left, then the pauses.
    assert access.check("000000") == -1.0
    assert access.check("000001") == -1.0
    assert access.paused_for() == 0.0
    ticker.now += 1
    assert access.check("000002") == 30.0
    ticker.now += 10
    assert access.check("135790") == 20.0  # not even checked while paused
    ticker.now += 20
    assert access.check("000003") == 60.0
    ticker.now += 60
    assert access.check("135790") == 0.0
    assert access.check("000004") == -1.0  # the count started again
    assert access.check("000005") == -1.0
    ticker.now += 3600  # an hour later: forgotten, not a pause at the first wrong try
    assert access.check("000006") == -1.0


def test_the_volunteer_pause_survives_restarting_the_kiosk(tmp_path: Path) -> None:
    """Before, wrong volunteer PINs were counted in memory: restarting the kiosk (or pulling the
    plug) gave a guesser three fresh tries. Each VolunteerAccess here is a kiosk started anew."""
    ticker = Ticker()
    VolunteerAccess(tmp_path, clock=ticker).set_pin("135790")
    for pin in ("000000", "000001"):
        VolunteerAccess(tmp_path, clock=ticker).check(pin)
    assert VolunteerAccess(tmp_path, clock=ticker).check("000002") == 30.0
    ticker.now += 10
    restarted = VolunteerAccess(tmp_path, clock=ticker)
    assert restarted.paused_for() == 20.0
    assert restarted.check("135790") == 20.0  # not even checked while paused
    ticker.now += 20
    assert VolunteerAccess(tmp_path, clock=ticker).check("000003") == 60.0
    tries = tmp_path / "volunteer-tries.json"
    assert stat.S_IMODE(tries.stat().st_mode) == 0o600
    ticker.now += 60
    assert VolunteerAccess(tmp_path, clock=ticker).check("135790") == 0.0
    assert not tries.exists()  # the right PIN starts the count again
    # A damaged count neither locks volunteers out for good nor hands out fresh tries.
    tries.write_text("{not json", "utf-8")
    assert VolunteerAccess(tmp_path, clock=ticker).check("000004") == 30.0
    ticker.now += 30
    assert VolunteerAccess(tmp_path, clock=ticker).check("135790") == 0.0


def test_a_pin_set_elsewhere_works_at_once_and_changing_it_keeps_settings(
        tmp_path: Path) -> None:
    running = VolunteerAccess(tmp_path)  # the kiosk, already running
    save_volunteer_settings(tmp_path, idle_timeout=300)
    VolunteerAccess(tmp_path).set_pin("246800")  # the command line
    assert running.check("246800") == 0.0
    VolunteerAccess(tmp_path).set_pin("112233")
    assert running.check("246800") == -1.0  # the old PIN no longer opens it
    assert load_settings(environ={"KIOSK_HOME": str(tmp_path)}).idle_timeout == 300.0


# --- the settings volunteers choose ---------------------------------------------------------
def test_volunteer_settings_round_trip_and_keep_the_pin(tmp_path: Path) -> None:
    access = VolunteerAccess(tmp_path)
    access.set_pin("135790")
    save_volunteer_settings(tmp_path, languages=("vi", "zh_Hant_TW"), idle_timeout=600,
                            speech_volume=0.25)
    save_volunteer_settings(tmp_path, speech_volume=0.5)  # only that one changes
    data = tomllib.loads(volunteer_file(tmp_path).read_text("utf-8"))
    assert data["settings"] == {"languages": ["vi", "zh_Hant_TW"], "idle_timeout": 600.0,
                                "speech_volume": 0.5}
    assert access.check("135790") == 0.0
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path)})
    assert (settings.languages, settings.idle_timeout, settings.speech_volume) == (
        ("vi", "zh_Hant_TW"), 600.0, 0.5)


@pytest.mark.parametrize("bad", [
    {"languages": ("en", "xx")}, {"languages": ()}, {"idle_timeout": 29.0},
    {"idle_timeout": 3601.0}, {"speech_volume": -0.1}, {"speech_volume": 1.5},
    {"idle_timeout": float("nan")}])
def test_saving_a_value_volunteers_may_not_choose_is_refused(tmp_path: Path, bad) -> None:
    save_volunteer_settings(tmp_path, speech_volume=0.7)
    before = volunteer_file(tmp_path).read_bytes()
    with pytest.raises(ValueError):
        save_volunteer_settings(tmp_path, **bad)
    assert volunteer_file(tmp_path).read_bytes() == before


def test_precedence_kiosk_toml_then_volunteer_then_environment(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text(
        'languages = ["en", "id"]\nidle_timeout = 90.0\nspeech_volume = 0.9\ncurrency = "USD"\n',
        "utf-8")
    env = {"KIOSK_HOME": str(tmp_path)}
    settings = load_settings(environ=env)
    assert (settings.languages, settings.idle_timeout, settings.speech_volume) == (
        ("en", "id"), 90.0, 0.9)
    save_volunteer_settings(tmp_path, languages=("id",), idle_timeout=45)
    settings = load_settings(environ=env)
    assert (settings.languages, settings.idle_timeout, settings.speech_volume,
            settings.currency) == (("id",), 45.0, 0.9, "USD")
    settings = load_settings(environ={**env, "KIOSK_LANGUAGES": "vi, en",
                                      "KIOSK_IDLE_TIMEOUT": "5"})
    assert (settings.languages, settings.idle_timeout) == (("vi", "en"), 5.0)
    assert load_settings(environ=env, idle_timeout=7.0).idle_timeout == 7.0


def test_a_bad_volunteer_file_is_logged_and_skipped(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    volunteer_file(tmp_path).write_text(
        'pin_hash = "x"\n[settings]\nlanguages = ["vi", "klingon", "en"]\nidle_timeout = 5\n'
        'speech_volume = true\nfullscreen = false\n', "utf-8")
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        settings = load_settings(environ={"KIOSK_HOME": str(tmp_path)})
    assert settings.languages == ("vi", "en")  # the one unknown code is left out
    assert (settings.idle_timeout, settings.speech_volume, settings.fullscreen) == (
        120.0, 1.0, True)
    said = " ".join(r.getMessage() for r in caplog.records)
    for word in ("klingon", "idle_timeout", "speech_volume", "fullscreen"):
        assert word in said
    volunteer_file(tmp_path).write_text("this is [not toml", "utf-8")
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        assert load_settings(environ={"KIOSK_HOME": str(tmp_path)}).languages == (
            "zh_Hant_TW", "en", "vi", "id")
    assert not VolunteerAccess(tmp_path).is_set()


def test_languages_from_kiosk_toml_and_the_environment(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "kiosk.toml").write_text('languages = ["xx"]\n', "utf-8")
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        settings = load_settings(environ={"KIOSK_HOME": str(tmp_path)})
    assert settings.languages == ("zh_Hant_TW", "en", "vi", "id")  # none known: the default
    assert "xx" in caplog.text
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path),
                                      "KIOSK_LANGUAGES": "en,en,zh_Hant_TW"})
    assert settings.languages == ("en", "zh_Hant_TW")


# --- python -m kiosk volunteer set-pin ------------------------------------------------------
def kiosk_cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # A new session has no terminal, so getpass falls back to reading standard input.
    return subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin,
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
                          start_new_session=True,
                          env={"KIOSK_HOME": str(home), "PATH": os.environ["PATH"]})


def test_set_pin_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = kiosk_cli(home, "volunteer", "set-pin", "--pin-from-stdin", stdin="135790\n")
    assert result.returncode == 0, result.stderr
    assert "The volunteer PIN is set." in result.stdout
    assert VolunteerAccess(home).check("135790") == 0.0
    result = kiosk_cli(home, "volunteer", "set-pin", "--pin-from-stdin", stdin="2468\n")
    assert result.returncode == 1
    assert "6 numbers" in result.stderr and "not changed" in result.stderr
    assert VolunteerAccess(home).check("135790") == 0.0
    result = kiosk_cli(home, "volunteer", "set-pin", "--pin-from-stdin", stdin="246800\n")
    assert result.returncode == 0 and "was changed" in result.stdout


def test_set_pin_asks_twice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = kiosk_cli(home, "volunteer", "set-pin", stdin="135790\n135791\n")
    assert result.returncode == 1 and "not the same" in result.stderr
    assert not VolunteerAccess(home).is_set()
    result = kiosk_cli(home, "volunteer", "set-pin", stdin="135790\n135790\n")
    assert result.returncode == 0, result.stderr
    assert VolunteerAccess(home).check("135790") == 0.0


def test_docstring_examples() -> None:
    result = doctest.testmod(kiosk.volunteer)
    assert result.attempted > 0 and result.failed == 0


def test_sync_summary_names_damaged_progress_files_set_aside(tmp_path: Path,
                                                             store: ProgressStore) -> None:
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home")})
    assert sync_summary(settings, store).damaged_files == ()
    aside = store.path.parent / f"{store.path.name}.damaged-20261203-080000"
    aside.write_bytes(b"not a database")
    (store.path.parent / f"{aside.name}-wal").write_bytes(b"")
    summary = sync_summary(settings, store)
    assert summary.damaged_files == (aside.name,)
    assert summary.damaged_waiting == 1  # not salvaged yet: the next sync takes what it holds
