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
from tests.ui.driver import scroll_views, walk
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
LESSONS = [(size, language, lesson.id) for size in SIZES for language in _languages
           for lesson in _library.lessons.values()]


def shown(widget) -> bool:
    """Meant to be seen: not inside anything faded out, and not scrolled out of sight. Where it
    is does not count: a widget pushed off the screen is exactly what the audit looks for (one
    whose middle was off screen used to be skipped as "not visible", issue 15)."""
    node = widget
    while node is not None and node is not Window:
        if getattr(node, "opacity", 1) == 0:
            return False
        node = node.parent
    x, y = widget.to_window(*widget.center)
    for view in scroll_views(widget):
        left, bottom = view.to_window(view.x, view.y)
        if not (left <= x <= left + view.width and bottom <= y <= bottom + view.height):
            return False
    return True


def general_overflows(screen) -> list[str]:
    """Every widget meant to be seen inside the window; no label's text taller than its box."""
    problems = []
    for widget in walk(screen):
        if widget.width <= 0 or widget.height <= 0 or not shown(widget):
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


def bounds(widget) -> tuple[float, float]:
    """The widget's bottom and top in window coordinates."""
    return widget.to_window(widget.x, widget.y)[1], widget.to_window(widget.x, widget.top)[1]


def phone_overflows(phone) -> list[str]:
    """The practice phone's screen inside its frame, its app bar at the top of the screen, and
    every element between the app bar and the bottom of the screen: nothing of the phone is cut
    by its frame or hidden under another part of it."""
    if phone.screen is None:
        return []
    problems = []
    frame_bottom, frame_top = bounds(phone)
    bottom, top = bounds(phone.ids.screen_area)
    if bottom < frame_bottom - 1 or top > frame_top + 1:
        problems.append("the phone's screen is bigger than its frame")
    bar_bottom, bar_top = bounds(phone.ids.app_bar)
    if bar_bottom < bottom - 1 or bar_top > top + 1:
        problems.append(f"the phone's app bar {phone.title!r} is cut by the phone's frame "
                        f"({bar_bottom:.0f}..{bar_top:.0f} on a screen {bottom:.0f}..{top:.0f})")
    for element in phone.elements.values():
        low, high = bounds(element)
        if low < bottom - 1 or high > bar_bottom + 1:
            problems.append(f"phone element {element.element_id!r} ({low:.0f}..{high:.0f}) "
                            f"spills out of the phone's screen ({bottom:.0f}..{bar_bottom:.0f} "
                            f"under its app bar)")
    return problems


def overflows(screen) -> list[str]:
    """Off screen or clipped anywhere (general_overflows), or out of the practice phone."""
    return general_overflows(screen) + phone_overflows(screen.ids.phone)


def settle(kiosk, screen) -> None:
    """Let the step's text and the practice phone fit their room (a few frames each)."""
    screen._fit_trigger()
    kiosk.frames(2)
    phone = screen.ids.phone
    for _ in range(40):  # the text may be scaled down over a few frames
        if not screen._fit_trigger.is_triggered and not phone.fitting:
            break
        kiosk.frames(1)
    kiosk.frames(1)


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
        settle(kiosk, screen)
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
    kiosk.frames(6)
    # A screen that fits its words to its room (privacy) takes a few frames more to settle;
    # until then its heading may stand past the top, as the audit now sees.
    fitting = getattr(shown, "_fit_trigger", None)
    for _ in range(40):
        if fitting is None or not fitting.is_triggered:
            break
        kiosk.frames(1)
    kiosk.frames(1)
    assert screen_name == "popup" or app.root.current == screen_name
    assert general_overflows(shown) == [], f"{size} {language} {screen_name} {subject}"


def test_the_audit_sees_a_phone_cut_by_its_frame(kiosk):
    """The audit can fail: a phone screen taller than the phone, even at its smallest text (an
    extra element as tall as the phone), pushes the app bar up out of the frame and off the
    screen; both are reported, though the bar's middle is off screen (issue 15 missed that)."""
    from kivy.uix.widget import Widget

    app = kiosk.app
    app.start_learning()
    app.open_lesson("receive-money")
    screen = app.root.get_screen("step")
    phone = screen.ids.phone
    app.player._show(next(i for i, s in enumerate(app.player.lesson.steps) if s.screen))
    screen.refresh()
    settle(kiosk, screen)
    assert overflows(screen) == []
    phone.ids.elements.add_widget(Widget(size_hint_y=None, height=phone.height))
    phone._refit()
    settle(kiosk, screen)
    problems = overflows(screen)
    assert any("app bar" in p and "cut by the phone's frame" in p for p in problems), problems
    assert any(f"Label {phone.title[:40]!r}" in p and "outside the screen" in p
               for p in problems), problems
