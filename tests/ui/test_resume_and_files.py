"""The kiosk restarts where the learner was; lesson files come and go without code changes."""

from __future__ import annotations

import shutil

import pytest

from kiosk.config import load_settings
from kiosk.progress import StorageError
from tests.conftest import LESSONS
from tests.lesson_samples import VALID_LESSON

pytestmark = pytest.mark.ui


def test_a_restart_returns_the_learner_to_the_same_step(make_kiosk, tmp_path):
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(settings)
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    kiosk.tap(kiosk.screen.ids.phone.elements["scan"])
    kiosk.tap("Next")
    assert kiosk.shows("Step 3 of 9")
    learner = kiosk.app.learner_id
    kiosk.app.store.close()  # the plug is pulled: nothing else is saved on the way out

    again = make_kiosk(settings)
    assert again.screen_name == "step"
    assert again.shows("Step 3 of 9")
    assert again.app.learner_id == learner


def test_a_restart_reopens_an_answered_step_with_its_feedback(make_kiosk, tmp_path):
    """Answered, not yet moved on from, and the plug is pulled: the same step comes back with
    its feedback and Next open, not the next step the learner has never seen."""
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(settings)
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    kiosk.tap(kiosk.screen.ids.phone.elements["scan"])
    assert kiosk.shows("Well done. The camera is now open.")
    kiosk.app.store.close()  # the plug is pulled before Next

    again = make_kiosk(settings)
    assert again.screen_name == "step"
    assert again.shows("Step 2 of 9")
    assert again.shows("Well done. The camera is now open.")
    assert not again.find("Next").disabled
    again.tap("Next")
    assert again.shows("Step 3 of 9")


def test_after_i_have_finished_a_restart_shows_the_welcome_screen(make_kiosk, tmp_path):
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(settings)
    kiosk.start_as_guest()
    kiosk.tap("I have finished")
    again = make_kiosk(settings)
    assert again.screen_name == "welcome"
    assert again.app.learner_id == ""


def test_dropped_in_lesson_appears_and_broken_file_is_skipped(make_kiosk, tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(LESSONS, lessons)
    (lessons / "payment" / "zz-new.toml").write_text(
        VALID_LESSON.replace("sample-lesson", "zz-new").replace("A sample lesson",
                                                                 "Top up your wallet"),
        encoding="utf-8")
    (lessons / "payment" / "broken.toml").write_text("title = [", encoding="utf-8")
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                      "KIOSK_LESSONS": str(lessons), "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(settings)
    # Volunteers see why a file was skipped; learners are not stopped by it.
    assert kiosk.shows("1 lesson file was skipped because of problems: broken.toml")
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    assert not kiosk.shows("Top up your wallet")  # the fourth lesson is on the next page
    kiosk.tap("More lessons")
    kiosk.tap("Top up your wallet")
    assert kiosk.screen_name == "step"
    assert kiosk.shows("This is a practice wallet.")


def test_a_full_disk_is_explained_and_the_lesson_goes_on(kiosk):
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    store = kiosk.app.store
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageError):  # use up the last free space: the disk is now full
        for _ in range(100_000):
            store.answer(kiosk.app.learner_id, "pay-shop-qr", step=99, correct=False)
    kiosk.tap("Next")
    assert kiosk.shows("The kiosk's storage is full, so this step was not saved.")
    assert kiosk.shows("Step 2 of 9")  # the learner carries on
    kiosk.tap(kiosk.screen.ids.phone.elements["scan"])
    assert kiosk.shows("Well done. The camera is now open.")
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
