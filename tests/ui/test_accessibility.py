"""An accessibility audit of the real, rendered screens (issue 5 part 3), in both themes.

For every visible text: the contrast between its colour and the background actually drawn
behind it (read back from the frame) is at least 4.5:1 in the default theme (WCAG AA) and 7:1 in
the high-contrast theme (WCAG AAA, audited at the largest text size, the hardest case for
space); no text smaller than the configured minimum. For every button, card and practice-phone
element: at least 15 mm by 15 mm on the configured panel, and not touching its neighbours. Every
screen, pop-up and practice-phone kind, in every language. A failure names the screen, the
widget and the figure.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
from kivy.uix.behaviors import ButtonBehavior
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

MIN_CONTRAST = {"default": 4.5, "high-contrast": 7.0}
MIN_TARGET_MM = 15.0
# The smallest print anywhere: the practice phone's sender and source lines (a real phone's
# small print is smaller still). Body text is 5.2 mm.
MIN_TEXT_MM = 3.4
THEMES = {"default": ("standard", False), "high-contrast": ("largest", True)}

_settings = load_settings(environ={})
_library = load_library(_settings.lessons_dir, _settings.images_dir)
_languages = os.environ.get("KIOSK_TEST_LANGUAGES", ",".join(LANGUAGES)).split(",")
# One lesson per topic, every step: every kind of step and every practice app appears.
# KIOSK_AUDIT_LESSONS=id,id audits other lessons instead (a new lesson's author runs it on theirs).
_LESSONS = os.environ.get("KIOSK_AUDIT_LESSONS",
                          "pay-shop-qr,video-visit,fake-bank-government-messages").split(",")
_PLACES = ([("welcome", "", 0), ("topics", "", 0)]
           + [("lessons", t.id, 0) for t in _library.topics]
           + [("step", lesson, n) for lesson in _LESSONS
              for n in range(_library.lessons[lesson].step_count)]
           + [("done", "pay-shop-qr", 0)]
           + [(name, subject, 0) for name, subject in PROFILE_SCREENS + VOLUNTEER_SCREENS + POPUPS]
           # The check screen in each of its states, on one form (the faces, the end).
           + [(name, subject, 0) for name, subject in check_screens(
               load_checks(check_files_in(_settings.lessons_dir),
                           [t.id for t in _library.topics], _settings.images_dir))
              if subject.startswith("payment/a/")])
SCREENS = [(theme, lang, *place) for theme in THEMES for lang in _languages for place in _PLACES]


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Frame:
    """The pixels of the frame on screen, read back from OpenGL."""

    def __init__(self) -> None:
        self.width, self.height = Window.size
        # Draw the frame into the back buffer and read it before any buffer swap: reading after
        # a flip can return the frame before, which would be another screen.
        Window.dispatch("on_draw")
        self.data = glReadPixels(0, 0, self.width, self.height, GL_RGBA, GL_UNSIGNED_BYTE)

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = (y * self.width + x) * 4
        return self.data[i], self.data[i + 1], self.data[i + 2]

    def background(self, widget) -> tuple[float, float, float]:
        """The commonest colour in the widget's box: behind text, that is the background."""
        left, bottom = (int(v) for v in widget.to_window(widget.x, widget.y))
        counts: Counter[tuple[int, int, int]] = Counter()
        step = 3
        first, end = max(0, left), min(self.width, left + int(widget.width))
        for y in range(max(0, bottom), min(self.height, bottom + int(widget.height)), step):
            if first >= end:
                break
            # Every third pixel of the row, x = first, first + 3, ... < end, as pixel(x, y)
            # would read them one by one: sliced in C (a pixel at a time was a tenth of the
            # audit's time).
            row = (y * self.width + first) * 4
            stop = (y * self.width + end) * 4
            stride = 4 * step
            counts.update(zip(self.data[row:stop:stride], self.data[row + 1:stop:stride],
                              self.data[row + 2:stop:stride], strict=True))
        colour = counts.most_common(1)[0][0] if counts else (255, 255, 255)
        return tuple(c / 255 for c in colour)  # type: ignore[return-value]


def on_screen(widget) -> tuple[tuple[float, float], tuple[float, float]]:
    """The part of a widget that can be seen (and touched): inside a scrolling list, only what
    the list's window shows."""
    x, y = widget.to_window(widget.x, widget.y)
    right, top = x + widget.width, y + widget.height
    for view in scroll_views(widget):
        left, bottom = view.to_window(view.x, view.y)
        x, y = max(x, left), max(y, bottom)
        right, top = min(right, left + view.width), min(top, bottom + view.height)
    return (x, y), (max(0.0, right - x), max(0.0, top - y))


def audit(screen_widget, px_per_mm: float, min_contrast: float = 4.5) -> list[str]:
    """Every problem on the screen as drawn now: low contrast, small text, small or touching
    targets."""
    frame = Frame()
    problems = []
    targets = []
    for widget in walk(screen_widget):
        if not visible(widget):
            continue
        if isinstance(widget, Label) and widget.text.strip() and widget.texture_size[0] > 0:
            ratio = contrast(tuple(widget.color[:3]), frame.background(widget))
            if ratio < min_contrast:
                problems.append(f"{type(widget).__name__} {widget.text[:30]!r}: contrast "
                                f"{ratio:.2f}:1 (needs {min_contrast}:1)")
            if widget.font_size < MIN_TEXT_MM * px_per_mm - 0.5:
                problems.append(f"{type(widget).__name__} {widget.text[:30]!r}: text "
                                f"{widget.font_size / px_per_mm:.1f} mm (needs {MIN_TEXT_MM} mm)")
        if isinstance(widget, ButtonBehavior) and not widget.disabled:
            width_mm, height_mm = widget.width / px_per_mm, widget.height / px_per_mm
            name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}"
            if min(width_mm, height_mm) < MIN_TARGET_MM - 0.1:
                problems.append(f"{name}: {width_mm:.1f} x {height_mm:.1f} mm (needs "
                                f"{MIN_TARGET_MM:.0f} mm)")
            targets.append((name, *on_screen(widget)))
    for i, (name_a, (ax, ay), (aw, ah)) in enumerate(targets):
        for name_b, (bx, by), (bw, bh) in targets[i + 1:]:
            overlap_x = min(ax + aw, bx + bw) - max(ax, bx)
            overlap_y = min(ay + ah, by + bh) - max(ay, by)
            nested = ax <= bx and ay <= by and ax + aw >= bx + bw and ay + ah >= by + bh
            if overlap_x >= 0 and overlap_y >= 0 and not nested:
                problems.append(f"{name_a} and {name_b} touch: no space between them")
    return problems


@pytest.mark.parametrize(("theme", "language", "screen", "subject", "index"), SCREENS)
def test_contrast_and_touch_targets(kiosk, tmp_path, theme, language, screen, subject, index):
    app = kiosk.app
    app.set_language(language)
    text_size, high_contrast = THEMES[theme]
    app.set_display(text_size=text_size, high_contrast=high_contrast)
    shown = open_screen(app, screen, subject, index)
    kiosk.frames(8)
    where = f"{theme} {language} {screen} {subject} {index + 1 if screen == 'step' else ''}"
    least = MIN_CONTRAST[theme]
    assert audit(shown, app.theme.px_per_mm, least) == [], where.strip()
    if screen != "step":
        return
    # The states the step reaches at run time, on the same app: answered, with its feedback
    # (the chosen option marked, the items numbered, a fake's signs on the phone) ...
    step_screen = app.root.current_screen
    if app.player.step.is_practice:
        answer_rightly(app)
        kiosk.frames(8)
        assert audit(step_screen, app.theme.px_per_mm, least) == [], f"{where} (answered)"
    # ... and with no sound, "No sound" in the bar (the same bar on every step: once a lesson).
    if index == 0:
        without_sound(app, tmp_path)
        step_screen.refresh()
        kiosk.wait_until(lambda: app.narrator.state == "none")
        kiosk.frames(8)
        assert audit(step_screen, app.theme.px_per_mm, least) == [], f"{where} (no sound)"


def test_the_audit_catches_low_contrast_and_small_targets(kiosk):
    """The audit can fail: a pale label and a 5 mm button are reported, with their figures."""
    from kivy.uix.button import Button

    kiosk.start_as_guest()  # the topics screen has room at the bottom left
    screen = kiosk.app.root.current_screen
    pale = Label(text="Hard to read", color=(0.85, 0.85, 0.85, 1), size_hint=(None, None),
                 size=(300, 60), pos=(40, 30))
    tiny = Button(text="x", size_hint=(None, None), size=(5 * kiosk.app.theme.px_per_mm,) * 2,
                  pos=(400, 30))
    screen.add_widget(pale)
    screen.add_widget(tiny)
    kiosk.frames(8)
    problems = audit(screen, kiosk.app.theme.px_per_mm)
    assert any("'Hard to read': contrast" in p for p in problems), problems
    assert any("5.0 x 5.0 mm (needs 15 mm)" in p for p in problems), problems
