"""Unsteady hands: a second finger, a resting palm, a bounce and a near miss each give one
action, or none, exactly as a learner meant."""

from __future__ import annotations

import pytest
from kivy.tests.common import UnitTestTouch

from kiosk.ui.touch_filter import HOLD_SECONDS

pytestmark = pytest.mark.ui


def on_first_step(kiosk):
    kiosk.open_lesson()
    assert kiosk.shows("Step 1 of 9")


def centre(widget):
    return widget.to_window(*widget.center)


def touch_at(kiosk, widget, after: float):
    """A touch on ``widget``, ``after`` seconds after the driver's last tap."""
    touch = UnitTestTouch(*centre(widget))
    touch.time_start = kiosk.clock + after
    touch.time_end = touch.time_start + 0.1
    return touch


def test_a_second_finger_triggers_nothing(kiosk):
    on_first_step(kiosk)
    back, next_ = kiosk.find("Back"), kiosk.find("Next")
    first = touch_at(kiosk, next_, 1.0)
    second = touch_at(kiosk, back, 1.1)
    first.touch_down()
    second.touch_down()  # a second finger while the first is still down
    kiosk.frames(1)
    second.touch_up()
    first.touch_up()
    kiosk.frames(2)
    assert kiosk.screen_name == "step" and kiosk.shows("Step 2 of 9")  # Next once, Back never


def test_a_resting_palm_triggers_nothing(kiosk):
    on_first_step(kiosk)
    palm = touch_at(kiosk, kiosk.find("Next"), 1.0)
    palm.touch_down()
    kiosk.frames(1)
    palm.time_end = palm.time_start + HOLD_SECONDS + 1  # it rested there for three seconds
    palm.touch_up()
    kiosk.frames(2)
    assert kiosk.shows("Step 1 of 9")


def test_a_bouncing_tap_counts_once(kiosk):
    on_first_step(kiosk)
    next_ = kiosk.find("Next")
    for after in (1.0, 1.2):  # two taps 100 ms apart (each held 0.1 s): a trembling finger
        touch = touch_at(kiosk, next_, after)
        touch.touch_down()
        touch.touch_up()
        kiosk.frames(2)
    assert kiosk.shows("Step 2 of 9")
    kiosk.clock += 1.2
    kiosk.tap_at(*centre(kiosk.find("Back")))  # a deliberate tap a second later does count
    assert kiosk.shows("Step 1 of 9")


def test_a_tap_just_outside_a_button_reaches_it(kiosk):
    on_first_step(kiosk)
    next_ = kiosk.find("Next")
    x, y = next_.to_window(next_.x, next_.center_y)
    reach = kiosk.app.theme.gap / 2
    kiosk.tap_at(x - reach * 0.8, y)  # just left of Next, inside half the gap
    assert kiosk.shows("Step 2 of 9")


def on_the_keypad(kiosk):
    kiosk.tap("Touch the screen to start")
    kiosk.tap("Make a profile")
    kiosk.tap("I understand. Continue")
    kiosk.tap("Tree")
    assert kiosk.shows("Choose a 4-digit PIN")
    return kiosk.find("1", within=kiosk.screen.ids.keypad)


def tap_twice(kiosk, widget, apart: float, held: float = 0.1):
    """Two taps on ``widget``, their touches starting ``apart`` seconds from each other."""
    for after in (1.0, 1.0 + apart):
        touch = touch_at(kiosk, widget, after)
        touch.time_end = touch.time_start + held
        touch.touch_down()
        kiosk.frames(1)
        touch.touch_up()
        kiosk.frames(2)
    kiosk.clock += 1.0 + apart


def test_a_deliberate_repeat_on_the_keypad_counts_twice(kiosk):
    one = on_the_keypad(kiosk)
    tap_twice(kiosk, one, apart=0.3)  # "1, 1" as an older learner types it (issue 15: 0.33 s)
    assert kiosk.screen.typed == "11"
    tap_twice(kiosk, one, apart=0.3, held=0.2)  # a slower press, a shorter gap: still two
    kiosk.wait_until(lambda: kiosk.shows("Type the same PIN again"))
    assert kiosk.app.first_pin == "1111"  # four digits, none lost


def test_a_bounce_on_the_keypad_counts_once(kiosk):
    one = on_the_keypad(kiosk)
    tap_twice(kiosk, one, apart=0.13)  # lifted for 30 ms: the finger bounced
    assert kiosk.screen.typed == "1"


def test_a_quick_second_tap_on_an_ordinary_button_still_counts_once(kiosk):
    on_first_step(kiosk)
    tap_twice(kiosk, kiosk.find("Next"), apart=0.3)  # the keypad's repeat, on Next
    assert kiosk.shows("Step 2 of 9")  # one step on, not two
