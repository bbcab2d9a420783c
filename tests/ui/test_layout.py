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
from kiosk.lessons.checks import check_files_in, load_checks
from tests.ui.driver import scroll_views, visible, walk
from tests.ui.screens import (
    POPUPS,
    PROFILE_SCREENS,
    VOLUNTEER_SCREENS,
    answer_rightly,
    check_screens,
    open_screen,
    without_sound,
)

pytestmark = pytest.mark.ui

_settings = load_settings(environ={})
_library = load_library(_settings.lessons_dir, _settings.images_dir)
# Every language by default; KIOSK_TEST_LANGUAGES=vi,id narrows it while translating.
_languages = os.environ.get("KIOSK_TEST_LANGUAGES", ",".join(LANGUAGES)).split(",")
# The standard text size, and the largest the "Aa" control offers (where space is tightest).
SIZES = ("standard", "largest")
# One app per (size, language, lesson) draws each of the lesson's steps in turn: building an
# app costs more than drawing a step, and every step is drawn in several states.
# Found by drawing the answered state (issue 15), in the practice phone's code, not the step
# screen's: strict, so that it fails the run as soon as the phone is fixed and this can go.
KNOWN = {("largest", "id", "tricks-in-the-news"):
         "answered, the sign badges make the phone's elements taller than the phone, pushing "
         "its app bar off screen (kiosk/ui/widgets/phone.*)"}
LESSONS = [pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason=KNOWN[key]))
           if key in KNOWN else key
           for key in [(size, language, lesson.id) for size in SIZES for language in _languages
                       for lesson in _library.lessons.values()]]


def general_overflows(screen) -> list[str]:
    """Every visible widget inside the window; no label's text taller than its box."""
    problems = []
    for widget in walk(screen):
        if not visible(widget) or widget.width <= 0 or widget.height <= 0:
            continue
        x, y = widget.to_window(widget.x, widget.y)
        name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:40]!r}"
        outside = (x < -1 or y < -1 or x + widget.width > Window.width + 1
                   or y + widget.height > Window.height + 1)
        # Inside a scrolling list (volunteers only), content may run past the edge.
        if outside and next(scroll_views(widget), None) is None:
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


def longest_feedback(app) -> str:
    """The longest words this step's feedback box can show (a hint, an option's answer, the
    help text)."""
    player = app.player
    step = player.step
    feedback = [player.help_text]
    feedback += [player.text(o.feedback) for o in step.options]
    if step.hint:
        feedback.append(player.text(step.hint))
    return max(feedback, key=len)


@pytest.mark.parametrize(("size", "language", "lesson_id"), LESSONS)
def test_every_step_fits_the_screen(kiosk, tmp_path, size, language, lesson_id):
    """Every step, in every state it can be in at run time: as it opens, with its longest
    feedback, with no sound (the bar's longest words in most languages) and that feedback, and
    answered (praise, the chosen option, numbered items, a fake's signs)."""
    app = kiosk.app
    app.set_language(language)
    app.set_display(text_size=size)
    app.start_learning()
    app.open_lesson(lesson_id)
    screen = app.root.get_screen("step")
    problems: list[str] = []

    def check(where: str) -> None:
        screen._fit_trigger()
        kiosk.frames(2)
        for _ in range(24):  # the text may be scaled down over a few frames
            if not screen._fit_trigger.is_triggered:
                break
            kiosk.frames(1)
        kiosk.frames(1)
        problems.extend(f"{where}: {problem}" for problem in overflows(screen))

    def longest_feedback_shown() -> None:
        screen.feedback_kind = "hint"
        screen.feedback_text = longest_feedback(app)

    steps = range(app.library.lessons[lesson_id].step_count)
    for index in steps:  # with sound (or while looking for it): "Listen again"
        where = f"{size} {language} {lesson_id} step {index + 1}"
        app.player._show(index)
        screen.refresh()
        check(f"{where} as it opens")
        longest_feedback_shown()
        check(f"{where} with its longest feedback")
    without_sound(app, tmp_path)
    for index in steps:  # "No sound"
        where = f"{size} {language} {lesson_id} step {index + 1} with no sound"
        app.player._show(index)
        screen.refresh()
        kiosk.wait_until(lambda: app.narrator.state == "none")
        longest_feedback_shown()
        check(f"{where} and its longest feedback")
        if app.player.step.is_practice:
            answer_rightly(app)
            check(f"{where}, answered")
    assert problems == []


OTHER_SCREENS = [
    (size, language, *place) for size in SIZES for language in _languages for place in (
        [("welcome", ""), ("topics", "")]
        + [("lessons", topic.id) for topic in _library.topics]
        + [("done", lesson_id) for lesson_id in _library.lessons]
        + PROFILE_SCREENS + VOLUNTEER_SCREENS + POPUPS
        + check_screens(load_checks(check_files_in(_settings.lessons_dir),
                                    [t.id for t in _library.topics], _settings.images_dir)))]


@pytest.mark.parametrize(("size", "language", "screen_name", "subject"), OTHER_SCREENS)
def test_other_screens_fit(kiosk, size, language, screen_name, subject):
    app = kiosk.app
    app.set_language(language)
    app.set_display(text_size=size)
    shown = open_screen(app, screen_name, subject)
    # Eight frames (about 0.13 s): the privacy screen's paragraphs settle their size a frame or
    # two after the counting switch under them has its own.
    kiosk.frames(8)
    assert screen_name == "popup" or app.root.current == screen_name
    assert general_overflows(shown) == [], f"{size} {language} {screen_name} {subject}"
