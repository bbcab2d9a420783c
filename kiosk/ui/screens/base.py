"""What every kiosk screen shares: its ``.kv`` file is loaded next to its ``.py`` file."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

# Imported for their side effect: they register the widgets that the screens' .kv files use.
# (The practice phone is registered by the step screen, the only one that shows it: the welcome
# screen, drawn at start-up, does not wait for it.)
import kiosk.ui.widgets.common
import kiosk.ui.widgets.counting
import kiosk.ui.widgets.display
import kiosk.ui.widgets.language  # noqa: F401


def load_kv(py_file: str) -> None:
    Builder.load_file(str(Path(py_file).with_suffix(".kv")))


class KioskScreen(Screen):
    @property
    def app(self):  # type: ignore[no-untyped-def]
        return App.get_running_app()

    def on_pre_enter(self, *_: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the app's state. Screens override this."""


class TextFitter:
    """Finds the largest text scale (at most 1) at which a column's words fit its height.
    Learners cannot scroll: slightly smaller words beat clipped ones.

    Each call to :meth:`next` looks at the column as laid out now and says the scale to try
    next, or None when it has settled. The text is laid out again over a frame, so the screen
    calls it once a frame. It bisects between the largest scale seen to fit and the smallest
    seen to overflow, so it settles in a few frames and never flickers between two sizes.
    Call :meth:`reset` when the words change (a new step, feedback shown).
    """

    def __init__(self, minimum: float) -> None:
        self.minimum = minimum
        self.reset()

    def reset(self) -> None:
        self.fits = 0.0  # the largest scale seen to fit
        self.overflows = 1.01  # the smallest scale seen to overflow
        # New words are drawn on the next frame and laid out by their new size on the one after:
        # until then the column measures the old ones (and would shrink words that fit).
        self._stale_frames = 2

    @staticmethod
    def needed(column: Widget) -> float:
        parts = [w for w in column.children if w.size_hint_y is None]
        # Every gap counts, including the one above a flexible spacer at the bottom.
        return float(sum(w.height for w in parts) + column.spacing * (len(column.children) - 1)
                     + column.padding[1] + column.padding[3])

    def next(self, column: Widget, scale: float, minimum: float | None = None) -> float | None:
        least = self.minimum if minimum is None else minimum
        if self._stale_frames > 0:
            self._stale_frames -= 1
            return scale  # look again next frame
        needed = self.needed(column)
        if needed > column.height - 1:
            self.overflows = min(self.overflows, scale)
            if scale <= least:
                return None  # as small as the words may get
            # Text height grows a little less than linearly with font size: aim slightly low,
            # but never below a scale already seen to fit.
            guess = scale * column.height / needed - 0.02
            if self.fits > 0:
                guess = max(guess, (self.fits + scale) / 2)
            return self._try(round(max(least, min(guess, scale - 0.01)), 3))
        self.fits = max(self.fits, scale)
        if scale >= 1.0 or self.overflows - scale <= 0.02:
            return None
        return self._try(round(min(1.0, (scale + self.overflows) / 2), 3))

    def _try(self, scale: float) -> float:
        self._stale_frames = 1  # the words at the new size are laid out on the next frame
        return scale
