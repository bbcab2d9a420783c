"""Picture profiles, by touch: make one, come back to it, a wrong PIN, delete it; the "Aa"
control; and what the kiosk forgets when a learner leaves."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def type_pin(kiosk, pin: str) -> None:
    for digit in pin:
        kiosk.tap(digit, within=kiosk.screen.ids.keypad)
    kiosk.frames(12)  # the short pause that lets the last dot show


def make_profile(kiosk, picture: str = "Tree", pin: str = "2468") -> None:
    kiosk.tap("Touch the screen to start")
    kiosk.tap("Make a profile")
    assert kiosk.screen_name == "privacy"
    kiosk.tap("I understand. Continue")
    assert kiosk.shows("Choose your picture")
    kiosk.tap(picture)
    assert kiosk.shows("Choose a 4-digit PIN")
    type_pin(kiosk, pin)
    assert kiosk.shows("Type the same PIN again")
    type_pin(kiosk, pin)


def sign_in(kiosk, picture: str, pin: str) -> None:
    kiosk.tap("Touch the screen to start")
    kiosk.tap("I have a profile")
    assert kiosk.shows("Tap your picture")
    kiosk.tap(picture)
    type_pin(kiosk, pin)


def test_privacy_screen_says_what_is_kept_and_reads_it_aloud(kiosk):
    kiosk.tap("Touch the screen to start")
    assert not kiosk.shows("I have a profile")  # nobody has one yet
    kiosk.tap("Make a profile")
    assert kiosk.shows("It never asks for your name, phone number or ID.")
    assert kiosk.shows("It only shares counts")
    assert "never asks for your name" in kiosk.app.narrator._text


def test_make_a_profile_then_carry_on_next_visit(kiosk):
    make_profile(kiosk)
    assert kiosk.screen_name == "topics"
    learner = kiosk.app.learner_id
    profile = kiosk.app.profiles.get(learner)
    assert profile is not None and profile.picture == "tree"
    # The PIN is kept only as a scrypt hash.
    stored = kiosk.app.store.execute(
        "SELECT pin_hash FROM profiles WHERE learner_id = ?", learner).fetchone()[0]
    assert stored.startswith("scrypt$") and "2468" not in stored
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    assert kiosk.shows("Step 2 of 9")
    kiosk.app.leave()  # walks away (as after "Are you still there?")
    assert kiosk.screen_name == "welcome" and kiosk.app.learner_id == ""

    sign_in(kiosk, "Tree", "2468")
    assert kiosk.app.learner_id == learner
    assert kiosk.screen_name == "step" and kiosk.shows("Step 2 of 9")


def test_the_two_pins_must_match(kiosk):
    kiosk.tap("Touch the screen to start")
    kiosk.tap("Make a profile")
    kiosk.tap("I understand. Continue")
    kiosk.tap("Fish")
    type_pin(kiosk, "1111")
    type_pin(kiosk, "2222")
    assert kiosk.shows("The two PINs were not the same")
    assert kiosk.shows("Choose a 4-digit PIN")
    assert kiosk.app.profiles.all() == []


def test_wrong_pins_pause_calmly_then_let_the_learner_try_again(kiosk):
    make_profile(kiosk, "Boat", "1357")
    kiosk.tap("I have finished")
    kiosk.tap("Touch the screen to start")
    kiosk.tap("I have a profile")
    kiosk.tap("Boat")
    type_pin(kiosk, "0000")
    assert kiosk.shows("That PIN is not right")
    type_pin(kiosk, "0001")
    type_pin(kiosk, "0002")
    assert kiosk.shows("Let's take a short break")
    screen = kiosk.screen
    assert screen.resting and kiosk.find("5").disabled
    type_pin(kiosk, "1357")  # the keys rest: nothing is typed, nobody signs in
    assert kiosk.app.learner_id == ""
    # The pause ends by itself: no staff needed.
    screen._rest_until = 0
    kiosk.frames(40)
    kiosk.wait_until(lambda: not screen.resting)
    assert kiosk.shows("You can try again now.")
    # (The store keeps its own pause too; let its clock move on as well.)
    kiosk.app.store.execute("UPDATE pin_failures SET last_failed_at = '2000-01-01T00:00:00+00:00'")
    type_pin(kiosk, "1357")
    assert kiosk.screen_name == "topics" and kiosk.app.profile_picture == "boat"


def test_delete_my_profile_removes_everything(kiosk):
    make_profile(kiosk, "Key", "9090")
    learner = kiosk.app.learner_id
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Back")
    kiosk.tap("Back to topics")
    kiosk.tap("Delete my profile")
    assert kiosk.shows("This cannot be undone")
    kiosk.tap("No, keep it")
    assert kiosk.app.profiles.get(learner) is not None
    kiosk.tap("Delete my profile")
    kiosk.tap("Yes, delete everything")
    assert kiosk.screen_name == "welcome"
    assert kiosk.app.profiles.get(learner) is None
    for table in ("learners", "lesson_progress", "sessions", "lesson_starts", "attempts"):
        column = "id" if table == "learners" else "learner_id"
        count = kiosk.app.store.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", learner).fetchone()[0]
        assert count == 0, table


def test_delete_my_profile_after_stepping_back_in_a_lesson(kiosk):
    """Leaving puts a learner who stepped back at their real place; after "Delete my profile"
    there is no place to keep, and leaving must not look for one."""
    make_profile(kiosk, "Key", "9090")
    learner = kiosk.app.learner_id
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    kiosk.tap("Back")
    kiosk.tap("Back")
    kiosk.tap("Back to topics")
    kiosk.tap("Delete my profile")
    kiosk.tap("Yes, delete everything")
    assert kiosk.screen_name == "welcome"
    assert kiosk.app.profiles.get(learner) is None


def test_guest_has_no_delete_button(kiosk):
    kiosk.start_as_guest()
    assert not kiosk.shows("Delete my profile")


def test_text_size_and_contrast_apply_at_once_and_come_back_with_the_profile(kiosk):
    make_profile(kiosk, "Star", "4321")
    theme = kiosk.app.theme
    body = theme.font_body
    def detail_height() -> float:  # a topic's description, on the screen behind the picker
        return kiosk.screen.ids.cards.children[-1].ids.detail_label.texture_size[1]

    before = detail_height()
    kiosk.tap("Aa")
    kiosk.tap("Largest")
    kiosk.tap("High contrast")
    kiosk.frames(3)
    assert theme.font_body > body * 1.2 and theme.high_contrast
    assert detail_height() > before  # the screen behind already changed
    kiosk.tap("Close")
    kiosk.tap("I have finished")
    # The next person gets the kiosk's usual look...
    assert theme.text_size == "standard" and not theme.high_contrast
    # ...and the profile gets its own back.
    sign_in(kiosk, "Star", "4321")
    assert theme.text_size == "largest" and theme.high_contrast


def test_guest_display_choice_lasts_until_they_leave(kiosk):
    kiosk.start_as_guest()
    kiosk.tap("Aa")
    kiosk.tap("Large")
    kiosk.tap("Close")
    assert kiosk.app.theme.text_size == "large"
    kiosk.tap("I have finished")
    assert kiosk.app.theme.text_size == "standard"


def test_a_language_chosen_after_signing_in_comes_back_with_the_profile(kiosk):
    """Found by reading (issue 13): the language switch was never saved to the profile, while
    the "Aa" choice was."""
    from kiosk.i18n import language_name
    from kiosk.ui.widgets.language import SHORT_NAMES

    make_profile(kiosk, "Star", "4321")
    kiosk.tap(SHORT_NAMES)
    [picker] = kiosk.popups()
    kiosk.tap(kiosk.find(language_name("vi"), within=picker))
    kiosk.frames(3)
    assert kiosk.app.language == "vi"
    learner = kiosk.app.learner_id
    assert kiosk.app.profiles.get(learner).language == "vi"
    kiosk.tap("Tôi đã học xong")  # "I have finished"
    assert kiosk.app.language == "en"  # the next person gets the kiosk's own language
    sign_in(kiosk, "Star", "4321")
    assert kiosk.app.language == "vi"
