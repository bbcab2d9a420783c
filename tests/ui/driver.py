"""Drive the real kiosk like a finger: find what is on screen, touch it, let it draw.

Touches go through Kivy's event loop at window coordinates (``UnitTestTouch``), exactly as a
touchscreen's would: a widget that is hidden, covered or off screen cannot be "tapped".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget


def walk(widget: Widget) -> Iterator[Widget]:
    yield widget
    for child in widget.children:
        yield from walk(child)


def scroll_views(widget: Widget) -> Iterator[ScrollView]:
    """The scrolling lists (volunteer view, settings) that ``widget`` is inside, innermost
    first."""
    node: Any = widget.parent
    while node is not None and node is not Window:
        if isinstance(node, ScrollView):
            yield node
        node = node.parent


def visible(widget: Widget) -> bool:
    """On screen, with some size, not inside anything faded out, and not scrolled out of
    sight (the volunteer view's lists scroll)."""
    node: Any = widget
    x, y = widget.to_window(*widget.center)
    while node is not None and node is not Window:
        if getattr(node, "opacity", 1) == 0:
            return False
        node = node.parent
    for view in scroll_views(widget):
        left, bottom = view.to_window(view.x, view.y)
        if not (left <= x <= left + view.width and bottom <= y <= bottom + view.height):
            return False
    return (0 <= x < Window.width and 0 <= y < Window.height
            and widget.width > 0 and widget.height > 0)


class Driver:
    def __init__(self, app: Any) -> None:
        self.app = app
        # Touches carry their own times. A person taps about once a second; the driver gives
        # its taps those times (and no real waiting), so the kiosk's bounce filter sees a
        # person, not a machine tapping every few milliseconds.
        self.clock = time.time()

    # --- time --------------------------------------------------------------------------------
    def frames(self, count: int = 2) -> None:
        for _ in range(count):
            EventLoop.idle()

    def wait_until(self, condition: Any, seconds: float = 10.0) -> None:
        """Let the kiosk run (frames and real time) until ``condition()`` holds."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, f"timed out after {seconds} s"
            self.frames(1)
            time.sleep(0.01)

    def start_as_guest(self) -> None:
        """From the welcome screen to the topics, as a guest: two taps."""
        self.tap("Touch the screen to start")
        self.tap("Start now")

    def open_lesson(self, topic: str = "Mobile payment",
                    lesson: str = "Pay a shop with a QR code", steps: int = 0) -> None:
        """From the welcome screen into a lesson by touch, then ``steps`` steps on (practice
        taps answered on the phone, choices with their right answer, explain steps with Next)."""
        self.start_as_guest()
        self.tap(topic)
        self.tap(lesson)
        player = self.app.player
        for _ in range(steps):
            step = player.step
            if step.kind == "tap":
                self.tap(self.screen.ids.phone.elements[step.target])
            elif step.kind == "choice":
                right = next(option for option in step.options if option.correct)
                self.tap(player.text(right.text))
            self.tap(self.screen.next_label)

    # --- looking -----------------------------------------------------------------------------
    @property
    def screen_name(self) -> str:
        return str(self.app.root.current)

    @property
    def screen(self) -> Widget:
        return self.app.root.current_screen

    def popups(self) -> list[Widget]:
        """Open pop-ups ("I need help", "Aa", a question): they sit above the screen."""
        from kivy.core.window import Window
        from kivy.uix.modalview import ModalView

        return [w for w in Window.children if isinstance(w, ModalView)]

    def _everything(self, within: Widget | None = None) -> list[Widget]:
        if within is not None:
            return list(walk(within))
        return [w for root in [*self.popups(), self.screen] for w in walk(root)]

    def texts(self) -> list[str]:
        """Every piece of text a person can see: open pop-ups first, then the screen."""
        return [w.text for w in self._everything()
                if isinstance(w, Label) and w.text and visible(w)]

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts())

    def find(self, text: str, *, exact: bool = True, within: Widget | None = None) -> Widget:
        """The visible widget showing ``text`` (a button, a card, a phone element)."""
        matches = [w for w in self._everything(within) if isinstance(w, Label) and visible(w)
                   and (w.text == text if exact else text in w.text)]
        if not matches:
            raise AssertionError(f"{text!r} is not on the {self.screen_name} screen; it shows: "
                                 f"{self.texts()}")
        return matches[0]

    # --- touching ----------------------------------------------------------------------------
    def tap_at(self, x: float, y: float, *, seconds_later: float = 1.0,
               held: float = 0.1) -> None:
        self.clock = max(self.clock + seconds_later, time.time())
        # A finger comes at least a frame after whatever the test did last (a screen switch
        # finishes on the next frame, as it does for a person).
        self.frames(1)
        touch = UnitTestTouch(x, y)
        touch.time_start = self.clock
        touch.touch_down()
        self.frames(1)
        touch.time_end = self.clock + held
        touch.touch_up()
        self.frames(2)

    def tap(self, widget_or_text: Widget | str, *, within: Widget | None = None) -> None:
        """Touch the middle of a widget (or of the visible text) and lift the finger."""
        widget = (self.find(widget_or_text, within=within) if isinstance(widget_or_text, str)
                  else widget_or_text)
        assert visible(widget), f"{widget} is not visible, so a finger cannot tap it"
        self.tap_at(*widget.to_window(*widget.center))
