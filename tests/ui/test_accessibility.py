"""An accessibility audit of the real, rendered screens (issue 5 part 3, default theme).

For every visible text: the contrast between its colour and the background actually drawn
behind it (read back from the frame) is at least 4.5:1 (WCAG AA; the high-contrast theme will
ask 7:1). For every button, card and practice-phone element: at least 15 mm by 15 mm on the
configured panel, and not touching its neighbours. A failure names the screen, the widget and
the figure.
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
from tests.ui.driver import visible, walk

pytestmark = pytest.mark.ui

MIN_CONTRAST = 4.5
MIN_TARGET_MM = 15.0

_settings = load_settings(environ={})
_library = load_library(_settings.lessons_dir, _settings.images_dir)
_languages = os.environ.get("KIOSK_TEST_LANGUAGES", ",".join(LANGUAGES)).split(",")
# One lesson per topic, every step: every kind of step and every practice app appears.
_LESSONS = ["pay-shop-qr", "video-visit", "fake-bank-government-messages"]
SCREENS = ([(lang, "welcome", "", 0) for lang in _languages]
           + [(lang, "topics", "", 0) for lang in _languages]
           + [(lang, "lessons", t.id, 0) for lang in _languages for t in _library.topics]
           + [(lang, "step", lesson, n) for lang in _languages for lesson in _LESSONS
              for n in range(_library.lessons[lesson].step_count)]
           + [(lang, "done", "pay-shop-qr", 0) for lang in _languages])


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
        for y in range(max(0, bottom), min(self.height, bottom + int(widget.height)), step):
            for x in range(max(0, left), min(self.width, left + int(widget.width)), step):
                counts[self.pixel(x, y)] += 1
        colour = counts.most_common(1)[0][0] if counts else (255, 255, 255)
        return tuple(c / 255 for c in colour)  # type: ignore[return-value]


def open_screen(app, language, screen, subject, index):
    app.set_language(language)
    if screen != "welcome":
        app.start_learning()
    if screen == "lessons":
        app.open_topic(subject)
    if screen in ("step", "done"):
        app.open_lesson(subject)
        if screen == "done":
            app.finish_lesson()
        else:
            app.player._show(index)
            app.root.get_screen("step").refresh()


def audit(screen_widget, px_per_mm: float) -> list[str]:
    """Every problem on the screen as drawn now: low contrast, small or touching targets."""
    frame = Frame()
    problems = []
    targets = []
    for widget in walk(screen_widget):
        if not visible(widget):
            continue
        if isinstance(widget, Label) and widget.text.strip() and widget.texture_size[0] > 0:
            ratio = contrast(tuple(widget.color[:3]), frame.background(widget))
            if ratio < MIN_CONTRAST:
                problems.append(f"{type(widget).__name__} {widget.text[:30]!r}: contrast "
                                f"{ratio:.2f}:1 (needs {MIN_CONTRAST}:1)")
        if isinstance(widget, ButtonBehavior) and not widget.disabled:
            width_mm, height_mm = widget.width / px_per_mm, widget.height / px_per_mm
            name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}"
            if min(width_mm, height_mm) < MIN_TARGET_MM - 0.1:
                problems.append(f"{name}: {width_mm:.1f} x {height_mm:.1f} mm (needs "
                                f"{MIN_TARGET_MM:.0f} mm)")
            targets.append((name, widget.to_window(widget.x, widget.y), widget.size))
    for i, (name_a, (ax, ay), (aw, ah)) in enumerate(targets):
        for name_b, (bx, by), (bw, bh) in targets[i + 1:]:
            overlap_x = min(ax + aw, bx + bw) - max(ax, bx)
            overlap_y = min(ay + ah, by + bh) - max(ay, by)
            nested = ax <= bx and ay <= by and ax + aw >= bx + bw and ay + ah >= by + bh
            if overlap_x >= 0 and overlap_y >= 0 and not nested:
                problems.append(f"{name_a} and {name_b} touch: no space between them")
    return problems


@pytest.mark.parametrize(("language", "screen", "subject", "index"), SCREENS)
def test_contrast_and_touch_targets(kiosk, language, screen, subject, index):
    app = kiosk.app
    open_screen(app, language, screen, subject, index)
    kiosk.frames(8)
    where = f"{language} {screen} {subject} {index + 1 if screen == 'step' else ''}".strip()
    assert audit(app.root.current_screen, app.theme.px_per_mm) == [], where
    if screen == "step" and app.player.step.kind == "spot":
        # After the answer the tell-tale signs are shown, numbered on the phone: audit that too.
        step_screen = app.root.current_screen
        right = next(b for b in step_screen.ids.answers.children
                     if getattr(b, "spot_answer", "") == app.player.step.answer)
        step_screen._spot(right)
        kiosk.frames(8)
        assert audit(step_screen, app.theme.px_per_mm) == [], f"{where} (signs shown)"


def test_the_audit_catches_low_contrast_and_small_targets(kiosk):
    """The audit can fail: a pale label and a 5 mm button are reported, with their figures."""
    from kivy.uix.button import Button

    kiosk.tap("Touch the screen to start")  # the topics screen has room at the bottom left
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
