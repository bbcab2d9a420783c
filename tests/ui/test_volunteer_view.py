""""I need help" and the volunteer view, by touch: the PIN gate, each panel, settings, and a
certificate PDF in the learner's language."""

from __future__ import annotations

import pytest

from tests.ui.test_profiles import make_profile, type_pin

pytestmark = pytest.mark.ui

VOLUNTEER_PIN = "135790"


def open_volunteer_view(kiosk, *, first_time: bool = False) -> None:
    if first_time:  # the PIN is set when the kiosk is installed (deploy/install.sh)
        from kiosk.volunteer import VolunteerAccess

        VolunteerAccess(kiosk.app.settings.home).set_pin(VOLUNTEER_PIN)
    kiosk.tap("Volunteers")
    assert kiosk.shows("Volunteer PIN")
    type_pin(kiosk, VOLUNTEER_PIN)
    assert kiosk.screen_name == "volunteer"


def ask_a_volunteer(kiosk) -> None:
    kiosk.tap("I need help")
    assert kiosk.shows("It is fine to ask")
    kiosk.tap("Ask a volunteer to come")
    assert kiosk.shows("A volunteer has been told")
    kiosk.tap("Back to the lesson")
def test_nobody_chooses_the_volunteer_pin_on_the_screen(kiosk):
    """Before, the first person to touch "Volunteers" chose the PIN."""
    kiosk.tap("Volunteers")
    assert kiosk.shows("No volunteer PIN has been set on this kiosk yet")
    assert kiosk.screen.resting  # the keys are off
    for _ in range(2):
        type_pin(kiosk, VOLUNTEER_PIN)
    assert kiosk.screen_name == "pin" and not kiosk.app.volunteer_unlocked
    from kiosk.volunteer import VolunteerAccess

    assert not VolunteerAccess(kiosk.app.settings.home).is_set()


def test_the_volunteer_pause_is_still_on_after_a_restart(kiosk):
    from kiosk.volunteer import VolunteerAccess

    access = VolunteerAccess(kiosk.app.settings.home)
    access.set_pin(VOLUNTEER_PIN)
    for pin in ("000000", "000001", "000002"):
        access.check(pin)  # three wrong tries before the kiosk was restarted
    kiosk.tap("Volunteers")
    assert kiosk.screen.resting and kiosk.shows("Let's take a short break")
    type_pin(kiosk, VOLUNTEER_PIN)
    assert kiosk.screen_name == "pin" and not kiosk.app.volunteer_unlocked


def test_i_need_help_answers_calmly_and_flags_the_volunteers(kiosk):
    kiosk.open_lesson(steps=1)
    kiosk.tap("I need help")
    assert kiosk.shows("It is fine to ask")
    kiosk.tap("Ask a volunteer to come")
    assert kiosk.shows("A volunteer has been told")
    assert "volunteer has been told" in kiosk.app.narrator._text  # also spoken
    kiosk.tap("Back to the lesson")
    assert kiosk.shows("Step 2 of 9")  # the learner's place is kept
    ask_a_volunteer(kiosk)  # asking twice is one request
    from kiosk.help_requests import open_requests

    assert len(open_requests(kiosk.app.store)) == 1


def test_a_volunteer_marks_a_waiting_request_helped(kiosk):
    # The kiosk restarted while someone waited (their session never ended): the request waits.
    from kiosk.help_requests import ask_for_help

    store = kiosk.app.store
    learner = store.new_guest()
    store.start_session(learner)
    ask_for_help(store, learner, lesson_id="pay-shop-qr", step=1, screen="step")
    open_volunteer_view(kiosk, first_time=True)
    assert kiosk.shows("Help requests (1)")
    kiosk.tap("Help requests (1)")
    assert kiosk.shows("Guest")
    assert kiosk.shows("Pay a shop with a QR code, step 2")
    kiosk.tap("Helped")
    assert kiosk.shows("Nobody is waiting for help.")
    assert kiosk.shows("Help requests (0)")


def test_a_request_closes_when_the_learner_finishes(kiosk):
    kiosk.open_lesson(steps=1)
    ask_a_volunteer(kiosk)
    # Then, tired of waiting, they go: back to the start of the lesson, out to the topics, and
    # "I have finished".
    kiosk.tap("Back")
    kiosk.tap("Back")
    kiosk.tap("Back to topics")
    kiosk.tap("I have finished")
    assert kiosk.screen_name == "welcome"
    open_volunteer_view(kiosk, first_time=True)
    assert kiosk.shows("Help requests (0)")  # nobody to walk over to
    kiosk.tap("Help requests (0)")
    assert kiosk.shows("Nobody is waiting for help.")
    assert kiosk.shows("Left before a volunteer came (today)")
    assert kiosk.shows("Guest  ·  Pay a shop with a QR code, step 2  ·  left at")
    assert not kiosk.shows("Helped")  # nothing to mark: they have gone


def test_a_request_closes_when_the_learner_walks_away(make_kiosk, tmp_path):
    from dataclasses import replace

    from kiosk.config import load_settings

    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                      "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(replace(settings, idle_timeout=2, idle_countdown=1))
    kiosk.open_lesson(steps=1)
    ask_a_volunteer(kiosk)
    kiosk.wait_until(lambda: kiosk.screen_name == "welcome", seconds=20)  # nobody touches
    kiosk.app.settings = replace(kiosk.app.settings, idle_timeout=120)  # the volunteer reads
    open_volunteer_view(kiosk, first_time=True)
    assert kiosk.shows("Help requests (0)")
    kiosk.tap("Help requests (0)")
    assert kiosk.shows("Nobody is waiting for help.")
    assert kiosk.shows("Pay a shop with a QR code, step 2  ·  left at")


def test_i_need_help_can_just_show_the_hint(kiosk):
    kiosk.open_lesson(steps=1)  # step 2 asks for a tap on the phone: it has a hint
    kiosk.tap("I need help")
    kiosk.tap("Show me a hint")
    assert kiosk.screen.feedback_text == kiosk.app.player.help_text
    from kiosk.help_requests import open_requests

    assert open_requests(kiosk.app.store) == []  # a hint calls nobody


def test_volunteer_pin_gate(kiosk):
    open_volunteer_view(kiosk, first_time=True)
    kiosk.tap("Close the volunteer view")
    assert kiosk.screen_name == "welcome"
    kiosk.tap("Volunteers")
    type_pin(kiosk, "000000")
    assert kiosk.shows("That PIN is not right")
    assert kiosk.screen_name == "pin" and not kiosk.app.volunteer_unlocked
    kiosk.app.go("volunteer")  # no way round the PIN
    assert kiosk.screen_name == "welcome"


def test_volunteer_view_closes_when_left_alone(make_kiosk, tmp_path):
    from dataclasses import replace

    from kiosk.config import load_settings

    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                      "KIOSK_LANGUAGE": "en"})
    kiosk = make_kiosk(replace(settings, idle_timeout=1, idle_countdown=1))
    open_volunteer_view(kiosk, first_time=True)
    kiosk.wait_until(lambda: kiosk.screen_name == "welcome", seconds=15)
    assert not kiosk.app.volunteer_unlocked


def test_panels_show_today_progress_problems_and_sync(kiosk):
    make_profile(kiosk, "Cup", "5555")
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.app.leave()
    open_volunteer_view(kiosk, first_time=True)
    assert kiosk.shows("Today's sessions")
    assert kiosk.shows("Cup")
    kiosk.tap("Learners")
    assert kiosk.shows("Pay a shop with a QR code (step 1 of 9)")
    kiosk.tap("Lesson problems (0)")
    assert kiosk.shows("Every lesson file passed its check.")
    kiosk.tap("Sync")
    assert kiosk.shows("This kiosk is not enrolled")


def test_settings_are_saved_and_used_at_once(kiosk):
    open_volunteer_view(kiosk, first_time=True)
    kiosk.tap("Settings")
    assert kiosk.screen_name == "settings"
    kiosk.tap("✓ Bahasa Indonesia")  # offered by default (ticked): now switched off
    kiosk.tap("+", within=kiosk.screen.ids.idle_more.parent)
    kiosk.tap(kiosk.screen.ids.volume_less)
    kiosk.tap("Save")
    assert kiosk.shows("Saved")
    app = kiosk.app
    assert "id" not in app.offered_languages
    assert app.settings.idle_timeout == 180 and app.settings.speech_volume == 0.9
    assert app.narrator.volume == 0.9
    # Kept for the next start of the kiosk.
    from kiosk.config import load_settings

    again = load_settings(environ={"KIOSK_HOME": str(app.settings.home)})
    assert again.idle_timeout == 180 and "id" not in again.languages
    kiosk.tap("Back")
    kiosk.tap("Close the volunteer view")
    assert not kiosk.shows("Bahasa Indonesia")


def test_certificate_pdf_in_the_learners_language(kiosk):
    from pypdf import PdfReader

    app = kiosk.app
    make_profile(kiosk, "Apple", "8642")
    # Switch to Traditional Chinese: the profile remembers it.
    app.set_language("zh_Hant_TW")
    learner = app.learner_id
    app.profiles.set_preferences(learner, language="zh_Hant_TW")
    for lesson in app.library.lessons_in("payment"):
        app.store.begin_lesson(learner, lesson.id, version=lesson.version,
                               step_count=len(lesson.steps), language="zh_Hant_TW")
        for number in range(len(lesson.steps)):
            app.store.answer(learner, lesson.id, step=number, correct=True)
    app.leave()
    app.set_language("en")
    open_volunteer_view(kiosk, first_time=True)
    kiosk.tap("Learners")
    kiosk.tap("Certificate: Mobile payment")
    kiosk.wait_until(lambda: kiosk.shows("The certificate was saved"), seconds=30)
    out = kiosk.screen.last_certificate
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    from kiosk.i18n import Translations

    zh = Translations("zh_Hant_TW", app.settings.locales_dir)
    assert zh.ui.gettext("Apple") in text
    for lesson in app.library.lessons_in("payment"):
        assert zh.lessons.gettext(lesson.title) in text
    assert "年" in text  # the date, written the Chinese way


def test_the_sync_panel_says_when_a_damaged_progress_file_was_set_aside(kiosk):
    """Issue 15: learners whose place is gone ask a volunteer, who should see why (the kiosk
    could not read its progress file and started a new one) and what to do about it."""
    home = kiosk.app.store.path.parent
    open_volunteer_view(kiosk, first_time=True)
    kiosk.tap("Sync")
    assert not kiosk.shows("could not read its progress file")
    kiosk.tap("Today")
    (home / "progress.db.damaged-20261203-080000").write_bytes(b"not a database")
    (home / "progress.db.damaged-20261203-080000-wal").write_bytes(b"")  # a companion, not a file
    kiosk.tap("Sync")
    assert kiosk.shows("The kiosk could not read its progress file, so it set it aside and "
                       "started a new one: progress.db.damaged-20261203-080000. Learners may "
                       "find their lessons at the start again.")
    assert kiosk.shows("Please do not delete these files")
    assert kiosk.shows("This kiosk is not enrolled")
