"""Forgiving touch for unsteady hands.

- A second finger, or a palm resting on the screen while a finger taps, triggers nothing: only
  the first touch down counts until it lifts.
- A touch held longer than ``HOLD_SECONDS`` (a resting palm or wrist) triggers nothing when it
  lifts.
- A bounce (a second tap close to the first, soon after it lifted) counts once. How soon depends
  on what is tapped: see ``BOUNCE_SECONDS``.
- A tap just outside a button, within half the spacing between buttons, reaches that button.

It works at the window, before any widget sees the touch, so every button, card and practice
phone element behaves the same way.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.widget import Widget

# How long after a finger lifts a new touch near the same place is taken for a bounce, not a tap,
# per kind of target (a widget's ``tap_kind``; "button" if it has none). Measured from the lift to
# the next touch down, because that gap is what a bounce and a deliberate repeat differ in:
# - A bounce is a finger losing and regaining contact during one press (a tremor, a hard landing
#   that rebounds): tens of ms. Mechanical switch bounce, the same thing in a key, lasts about
#   1.6 ms on average and rarely beyond 10-20 ms (J. Ganssle, "A Guide to Debouncing" /
#   "The secret life of switches", embedded.com, 18 switches measured), and even a trembling
#   finger regains contact within half a tremor cycle (essential tremor 4-12 Hz: 40-125 ms for
#   a whole cycle, so a lift shorter than ~60 ms).
# - Older adults' deliberate repeats are far slower but not slow: tapping as fast as they can,
#   people over 70 manage about 4-5 taps a second, and what age lengthens is mostly the time from
#   one lift to the next press (Cousins et al. 1998, "Temporal measures of human finger tapping:
#   effects of age", Pharmacol Biochem Behav 59(2); Aoki & Fukuoka 2010, "Finger tapping
#   ability in healthy elderly and young adults", Med Sci Sports Exerc 42(3)). Typing "1, 1" on
#   the kiosk's keypad took about 0.33 s from press to press (issue 15), a ~0.2 s gap.
# So a keypad key (where the same digit twice is meant) ignores only a gap under 80 ms: above any
# bounce, well below a deliberate repeat. Every other button keeps 300 ms: a double tap on Next
# or on a choice is never meant there (single taps only, docs/ARCHITECTURE.md), and one tap
# doing two things (skipping a step) costs an older learner far more than a slow second tap.
BOUNCE_SECONDS = {"button": 0.3, "keypad": 0.08}
HOLD_SECONDS = 2.0
FAR_AWAY = (-100000.0, -100000.0)


def _walk(widget: Widget) -> list[Widget]:
    found = [widget]
    for child in widget.children:
        found.extend(_walk(child))
    return found


def _visible(widget: Widget) -> bool:
    node: Any = widget
    while node is not None and node is not Window:
        if getattr(node, "opacity", 1) == 0 or getattr(node, "disabled", False):
            return False
        node = node.parent
    return widget.width > 0 and widget.height > 0


class TouchFilter:
    def __init__(self, bounce_mm: float, px_per_mm: float, reach_px: float) -> None:
        self.bounce_px = bounce_mm * px_per_mm
        self.reach_px = reach_px  # how far outside a button a tap may land and still count
        self.active: set[int] = set()
        self.last_end: tuple[float, float, float] | None = None  # time, x, y

    def install(self) -> None:
        Window.bind(on_touch_down=self.on_touch_down, on_touch_move=self.on_touch_move,
                    on_touch_up=self.on_touch_up)

    def uninstall(self) -> None:
        Window.unbind(on_touch_down=self.on_touch_down, on_touch_move=self.on_touch_move,
                      on_touch_up=self.on_touch_up)

    # --- the window's events (returning True stops the touch here) -----------------------------
    def on_touch_down(self, _window: object, touch: Any) -> bool:
        if self.active:
            touch.ud["kiosk_ignored"] = "another touch is down"
            return True
        if self.last_end is not None:
            ended, x, y = self.last_end
            if (touch.time_start - ended < BOUNCE_SECONDS[self._kind(touch)]
                    and math.dist((x, y), touch.pos) < self.bounce_px):
                touch.ud["kiosk_ignored"] = "bounce"
                return True
        self.active.add(touch.uid)
        self._snap(touch)
        return False

    def on_touch_move(self, _window: object, touch: Any) -> bool:
        if "kiosk_ignored" in touch.ud:
            return True
        self._snap(touch)
        return False

    def on_touch_up(self, _window: object, touch: Any) -> bool:
        if "kiosk_ignored" in touch.ud:
            return True
        self.active.discard(touch.uid)
        self.last_end = (touch.time_end if touch.time_end > 0 else touch.time_start,
                         touch.x, touch.y)
        if touch.time_end - touch.time_start > HOLD_SECONDS:
            # A resting palm: lift it somewhere no button is, so nothing is released on.
            self._move(touch, (FAR_AWAY[0] - touch.x, FAR_AWAY[1] - touch.y))
            return False
        self._snap(touch)
        return False

    def _kind(self, touch: Any) -> str:
        """The ``tap_kind`` of the button this touch lands on (or just misses)."""
        target = self._target(touch)
        kind = getattr(target[0], "tap_kind", "button") if target else "button"
        return kind if kind in BOUNCE_SECONDS else "button"

    # --- a near miss ---------------------------------------------------------------------------
    def _snap(self, touch: Any) -> None:
        """A touch that just misses a button is moved onto it (at down, move and up alike, so
        the button that took it also sees it lift on itself)."""
        shift = self._reach(touch)
        if shift != (0.0, 0.0):
            self._move(touch, shift)

    def _reach(self, touch: Any) -> tuple[float, float]:
        """How far to move a tap that just missed a button so that it lands on it."""
        target = self._target(touch)
        return target[1] if target else (0.0, 0.0)

    def _target(self, touch: Any) -> tuple[Widget, tuple[float, float]] | None:
        """The button a touch is on, or the nearest one within reach and how far to move the
        touch onto it; None if no button is near."""
        top = Window.children[0] if Window.children else None
        if top is None:
            return None
        x, y = touch.pos
        best: tuple[float, Widget, tuple[float, float]] | None = None
        for widget in _walk(top):
            if not isinstance(widget, ButtonBehavior) or not _visible(widget):
                continue
            left, bottom = widget.to_window(widget.x, widget.y)
            right, upper = left + widget.width, bottom + widget.height
            if left <= x <= right and bottom <= y <= upper:
                return widget, (0.0, 0.0)  # a direct hit: leave it alone
            nx, ny = min(max(x, left + 1), right - 1), min(max(y, bottom + 1), upper - 1)
            distance = math.dist((x, y), (nx, ny))
            if distance <= self.reach_px and (best is None or distance < best[0]):
                best = (distance, widget, (nx - x, ny - y))
        return (best[1], best[2]) if best else None

    @staticmethod
    def _move(touch: Any, shift: tuple[float, float]) -> None:
        """Move the touch for this dispatch and for the widgets that grabbed it: Kivy works
        their positions out again from the normalised sx, sy, so both are moved."""
        touch.x += shift[0]
        touch.y += shift[1]
        touch.pos = (touch.x, touch.y)
        touch.sx += shift[0] / max(1, Window.width - 1)
        touch.sy += shift[1] / max(1, Window.height - 1)
