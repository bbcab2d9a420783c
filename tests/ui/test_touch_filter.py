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
