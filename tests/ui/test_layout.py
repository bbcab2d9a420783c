"""Every step of every shipped lesson fits the kiosk's screen: nothing off screen, nothing
clipped, every phone element inside the phone. A learner cannot scroll, so what does not fit
is simply lost to them."""

from __future__ import annotations

import os

import pytest
from kivy.core.window import Window
from kivy.uix.label import Label

from kiosk.config import load_settings
from kiosk.i18n import LANGUAGES
from kiosk.lessons import load_library
from tests.ui.driver import visible, walk

pytestmark = pytest.mark.ui

_settings = load_settings(environ={})
_library = load_library(_settings.lessons_dir, _settings.images_dir)
# Every language by default; KIOSK_TEST_LANGUAGES=vi,id narrows it while translating.
_languages = os.environ.get("KIOSK_TEST_LANGUAGES", ",".join(LANGUAGES)).split(",")
STEPS = [(language, lesson.id, n) for language in _languages
         for lesson in _library.lessons.values() for n in range(lesson.step_count)]


def general_overflows(screen) -> list[str]:
    """Every visible widget inside the window; no label's text taller than its box."""
    problems = []
    for widget in walk(screen):
        if not visible(widget) or widget.width <= 0 or widget.height <= 0:
            continue
        x, y = widget.to_window(widget.x, widget.y)
        name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:40]!r}"
        if x < -1 or y < -1 or x + widget.width > Window.width + 1 \
                or y + widget.height > Window.height + 1:
            problems.append(f"{name} at ({x:.0f}, {y:.0f}, {widget.width:.0f}x"
                            f"{widget.height:.0f}) is outside the screen")
        clipped = (isinstance(widget, Label) and widget.text and not widget.shorten
                   and widget.text_size[0] is not None
                   and widget.texture_size[1] > widget.height + 2)
        if clipped:
            problems.append(f"{name}: text is {widget.texture_size[1]:.0f}px tall in a "
                            f"{widget.height:.0f}px box")
    return problems


def overflows(screen) -> list[str]:
    """Off screen or clipped anywhere (general_overflows), or out of the practice phone."""
    problems = general_overflows(screen)
    phone = screen.ids.phone
    if phone.screen is not None:
        area = phone.ids.screen_area
        for element in phone.elements.values():
            if element.y < area.y - 1 or element.top > area.top + 1:
                problems.append(f"phone element {element.element_id!r} spills out of the phone")
    return problems


@pytest.mark.parametrize(("language", "lesson_id", "index"), STEPS)
def test_step_fits_the_screen(kiosk, language, lesson_id, index):
    app = kiosk.app
    app.set_language(language)
    app.start_learning()
    app.open_lesson(lesson_id)
    app.player._show(index)
    screen = app.root.get_screen("step")
    screen.refresh()
    kiosk.frames(12)
    assert overflows(screen) == [], f"{language} {lesson_id} step {index + 1}"
    # With the longest feedback this step can give on show, it still fits.
    step = app.player.step
    feedback = [app.player.help_text]
    feedback += [app.player.text(o.feedback) for o in step.options]
    if step.hint:
        feedback.append(app.player.text(step.hint))
    screen.feedback_kind = "hint"
    screen.feedback_text = max(feedback, key=len)
    screen._fit_trigger()
    kiosk.frames(12)  # the text may be scaled down over a few frames
    assert overflows(screen) == [], f"{language} {lesson_id} step {index + 1} with feedback"


OTHER_SCREENS = (
    [(language, "welcome", "") for language in _languages]
    + [(language, "topics", "") for language in _languages]
    + [(language, "lessons", topic.id) for language in _languages for topic in _library.topics]
    + [(language, "done", lesson_id) for language in _languages for lesson_id in _library.lessons]
)


@pytest.mark.parametrize(("language", "screen_name", "subject"), OTHER_SCREENS)
def test_other_screens_fit(kiosk, language, screen_name, subject):
    app = kiosk.app
    app.set_language(language)
    if screen_name != "welcome":
        app.start_learning()
    if screen_name == "lessons":
        app.open_topic(subject)
    if screen_name == "done":
        app.open_lesson(subject)
        app.finish_lesson()
    kiosk.frames(6)
    assert app.root.current == screen_name
    assert general_overflows(app.root.current_screen) == [], f"{language} {screen_name} {subject}"
