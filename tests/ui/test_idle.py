"""A learner walks away: the kiosk asks, counts down, saves, and forgets the screen."""

from __future__ import annotations

import time

import pytest
from kivy.core.window import Window

from kiosk.config import load_settings
from kiosk.ui.widgets.idle import StillTherePrompt

pytestmark = pytest.mark.ui


def prompt():
    return next((w for w in Window.children if isinstance(w, StillTherePrompt)), None)



@pytest.fixture
def quick_idle(make_kiosk, tmp_path):
    """A kiosk whose idle timeout is 2 s and countdown 1 s (the defaults are 120 s and 30 s)."""
    return make_kiosk(load_settings(environ={
        "KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en",
        "KIOSK_IDLE_TIMEOUT": "2", "KIOSK_IDLE_COUNTDOWN": "1"}))


def start_lesson(kiosk):
    kiosk.open_lesson(steps=1)
    kiosk.tap(kiosk.screen.ids.phone.elements["scan"])  # one answer stored


def test_defaults_are_two_minutes_and_thirty_seconds():
    settings = load_settings(environ={})
    assert (settings.idle_timeout, settings.idle_countdown) == (120.0, 30.0)


def test_nobody_answers_so_the_kiosk_saves_and_returns_to_a_blank_welcome(quick_idle):
    kiosk = quick_idle
    start_lesson(kiosk)
    app = kiosk.app
    learner = app.learner_id
    last_touch = time.monotonic()
    kiosk.wait_until(lambda: prompt() is not None)
    prompt_seen_after = time.monotonic() - last_touch
    asking = prompt()
    assert any(w.text == "Are you still there?" for w in _labels(asking))
    assert app.narrator._text == "Are you still there?"  # the question is spoken too
    assert any("The lesson will close in" in w.text for w in _labels(asking))
    kiosk.wait_until(lambda: app.root.current == "welcome")
    assert prompt() is None
    assert app.learner_id == "" and app.player is None
    assert app.store.active_session() is None
    assert app.store.progress(learner, "pay-shop-qr").furthest_step == 2  # nothing lost
    assert prompt_seen_after >= 1.5  # touches kept it away: it came only after the last one
    assert not kiosk.shows("Pay a shop with a QR code")  # nothing of the last learner shows


def test_yes_i_am_here_keeps_the_learner_where_they_were(quick_idle):
    kiosk = quick_idle
    start_lesson(kiosk)
    kiosk.wait_until(lambda: prompt() is not None)
    kiosk.tap(kiosk.find("Yes, I am here", within=prompt()))
    assert prompt() is None
    assert kiosk.screen_name == "step" and kiosk.shows("Step 2 of 9")
    assert kiosk.app.learner_id


def test_the_welcome_screen_never_asks(quick_idle):
    kiosk = quick_idle
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        kiosk.frames(1)
        time.sleep(0.02)
    assert prompt() is None and kiosk.screen_name == "welcome"


def _labels(widget):
    from tests.ui.driver import walk

    return [w for w in walk(widget) if hasattr(w, "text")]
