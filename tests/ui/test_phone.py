"""The practice phone reacts like a phone (issue 15): every tap on it gets a visible, kind answer,
and the right tap moves it to the screen it leads to."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def phone(kiosk):
    return kiosk.screen.ids.phone


def test_the_right_tap_moves_the_phone_to_the_camera(kiosk):
    kiosk.open_lesson(steps=1)
    assert kiosk.shows("Step 2 of 9") and phone(kiosk).title == "Wallet"
    kiosk.tap(phone(kiosk).elements["scan"])
    assert kiosk.shows("Well done. The camera is now open.")
    assert phone(kiosk).title == "Scan a code"  # the wallet has opened its camera
    assert kiosk.shows("Point the camera at the shop's code.")
    kiosk.tap(phone(kiosk).elements["cancel"])  # then a tap on the camera screen
    assert kiosk.shows("You have done this step. Tap Next when you are ready.")
    kiosk.tap("Next")
    assert kiosk.shows("Step 3 of 9") and phone(kiosk).title == "Scan a code"
    kiosk.tap("Back")
    # Back on a step answered before: it is shown answered, the phone where the right tap led.
    assert kiosk.shows("Well done. The camera is now open.")
    assert phone(kiosk).title == "Scan a code"


def go_to_step(kiosk, lesson: str, topic: str, found) -> None:
    """Open a lesson by touch and show its first step for which ``found(step)`` holds (as
    resuming there would)."""
    kiosk.open_lesson(topic, lesson)
    player = kiosk.app.player
    player._show(next(i for i, s in enumerate(player.lesson.steps) if found(s)))
    kiosk.screen.refresh()
    kiosk.frames(2)


def test_after_microphone_off_the_phone_shows_it_on(kiosk):
    go_to_step(kiosk, "See the doctor by video call", "Telehealth", lambda s: s.target == "mic")
    kiosk.tap(phone(kiosk).elements["mic"])
    assert kiosk.shows("Well done. Now Dr. Chen can hear you.")
    assert kiosk.shows("Microphone on") and not kiosk.shows("Microphone off")


def test_the_phones_own_next_button_answers_kindly(kiosk):
    go_to_step(kiosk, "Book a clinic appointment on your phone", "Telehealth",
               lambda s: s.kind == "explain" and s.screen is not None
               and s.screen.element("next") is not None)
    assert kiosk.shows("Your details")
    kiosk.tap(phone(kiosk).elements["next"])  # the phone's Next, not the lesson's
    assert kiosk.shows("Not this one yet. Read the words, then tap Next.")


def test_a_tap_on_the_phone_during_a_question_points_to_the_answers(kiosk):
    go_to_step(kiosk, "Pay a shop with a QR code", "Mobile payment",
               lambda s: s.kind == "choice" and s.screen is not None)
    kiosk.tap(phone(kiosk).elements["pay"])
    assert kiosk.shows("Not this one yet. Choose one of the answers under the words.")
    assert not kiosk.screen.can_go_next  # it was not taken as an answer


def test_the_signs_never_push_the_phone_past_its_frame(kiosk):
    """A fake caught (issue 15): the signs' numbered badges appear on the phone's elements and
    take room. In Indonesian at the largest text size the phone still fits its frame: the app
    bar at its top, every element under it, the words no smaller than the phone's floor."""
    from tests.ui.test_layout import phone_overflows, settle

    kiosk.app.set_display(text_size="largest")
    go_to_step(kiosk, "Spot the tricks in false news", "Spotting false information",
               lambda s: s.kind == "spot" and s.answer == "fake")
    view = phone(kiosk)
    kiosk.tap("It is fake")
    kiosk.app.set_language("id")  # the answered step is drawn again, in Indonesian
    settle(kiosk, kiosk.screen)
    assert kiosk.shows("Betul. Ini palsu. Begini cara mengenalinya.")
    assert sorted(e.sign_number for e in view.elements.values() if e.sign_number) == [
        "1", "2", "3", "4"]
    assert phone_overflows(view) == []
    assert view.MIN_TEXT_SCALE <= view.text_scale <= 1
    font = kiosk.app.theme.font_least
    assert all(e.font >= font for e in view.elements.values())
    kiosk.tap("Lanjut")  # the next step: no badges, so the phone's words are full size again
    settle(kiosk, kiosk.screen)
    assert view.text_scale == 1 and phone_overflows(view) == []
